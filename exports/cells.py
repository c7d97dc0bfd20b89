"""What one exported cell may hold, and the guard that keeps residents' words from running."""

from __future__ import annotations

from datetime import date, datetime
from typing import TypeAlias

__all__ = ["TRIGGERS", "Cell", "defuse"]

# A datetime is naive local time: spreadsheets have no time zones, so the caller picks the zone.
Cell: TypeAlias = str | int | float | date | datetime | None

# What Excel, LibreOffice and WPS read as the start of a formula (tab and CR too, per OWASP).
TRIGGERS = frozenset("=+-@\t\r")


def defuse(text: str) -> str:
    """The text with an apostrophe in front if a spreadsheet could take it for a formula."""
    return "'" + text if text and text[0] in TRIGGERS else text
