"""What a step sees: the transaction, the clock reading, the person and their language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from domain.people import Person
from handlers.messages import Actor
from i18n import Catalog
from storage import Tx

__all__ = ["Ctx", "Links"]


class Links(Protocol):
    """How a platform spells an invite link (Telegram: a t.me deep link)."""

    def invite_link(self, platform: str, code: str) -> str | None: ...


@dataclass(slots=True)
class Ctx:
    tx: Tx
    now: datetime
    zone: ZoneInfo
    t: Catalog
    actor: Actor
    person: Person | None
    links: Links
    draft_id: str = ""  # the conversation being answered; saved records carry it

    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def member(self) -> Person:
        """The person writing; flows past the door are only run for members."""
        if self.person is None:
            raise PermissionError("not a member")
        return self.person
