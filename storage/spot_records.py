"""Records of spot checks, the entries they look at, and the corrections made to them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from domain.sampling import SpotKind, SpotOutcome

__all__ = ["CORRECTABLE", "CaseEntry", "Correction", "SpotCheck", "SpotCounts", "VisitEntry"]

# The columns an officer may correct, per kind of entry; no other column is ever corrected.
CORRECTABLE: Mapping[SpotKind, tuple[str, ...]] = {
    SpotKind.VISIT: ("target", "place", "count", "people", "visit_date", "note"),
    SpotKind.CASE: ("description", "place"),
}


@dataclass(frozen=True, slots=True)
class SpotCheck:
    """One entry drawn for checking, and what the campaign office made of it."""

    id: int
    drawn_on: date
    work_day: date
    kind: SpotKind
    item_id: int
    unit_id: int
    unit_name: str
    person_id: int
    person_name: str
    outcome: SpotOutcome | None
    reason: str | None
    decided_by: int | None
    decided_by_name: str | None
    decided_at: datetime | None
    corrected_at: datetime | None


@dataclass(frozen=True, slots=True)
class VisitEntry:
    """The fields of a visit batch an officer may correct."""

    id: int
    person_id: int
    target: str
    place: str
    count: int
    people: int
    visit_date: date
    note: str | None


@dataclass(frozen=True, slots=True)
class CaseEntry:
    """The fields of a case an officer may correct, and what names it."""

    id: int
    number: str
    person_id: int
    kind: str
    category: str
    description: str
    place: str


@dataclass(frozen=True, slots=True)
class Correction:
    """One field changed after a spot check returned the entry (old and new as text)."""

    spot_check_id: int | None
    kind: SpotKind
    item_id: int
    field: str
    old: str | None
    new: str | None
    person_id: int
    at: datetime


@dataclass(frozen=True, slots=True)
class SpotCounts:
    """Outcomes of the checks drawn in a period. `returned` includes those since corrected."""

    drawn: int = 0
    verified: int = 0
    doubtful: int = 0
    returned: int = 0
    corrected: int = 0
    pending: int = 0
