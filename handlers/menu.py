"""The main menu: its buttons, and which command each label stands for."""

from __future__ import annotations

from domain.people import Person
from i18n import LANGUAGES, Catalog, catalog

__all__ = ["command_for_label", "main_menu"]

_OFFICER_MENU = (("visit", "issue"), ("my", "help"))
# The campaign office's daily round: progress, the spot check, reminders, invites.
_OFFICE_ROWS = (("stats", "spot", "remind"), ("invite", "lang"))


def main_menu(t: Catalog, person: Person | None) -> tuple[tuple[str, ...], ...] | None:
    if person is None:
        return None
    rows = _OFFICER_MENU + (_OFFICE_ROWS if person.role.may_invite else ())
    return tuple(tuple(t(f"menu.{command}") for command in row) for row in rows)


def _labels() -> dict[str, str]:
    commands = {command for row in (*_OFFICER_MENU, *_OFFICE_ROWS) for command in row}
    return {
        catalog(language)(f"menu.{command}").casefold(): command
        for language in LANGUAGES
        for command in commands
    }


_BY_LABEL = _labels()


def command_for_label(text: str) -> str | None:
    """The command a menu button sends as text ("登记走访" → "visit"), in either language."""
    return _BY_LABEL.get(text.strip().casefold())
