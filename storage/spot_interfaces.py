"""The store of daily spot checks (日抽查) and their corrections."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Protocol

from domain.sampling import Logged, SpotKind, SpotOutcome
from storage.spot_records import CaseEntry, Correction, SpotCheck, SpotCounts, VisitEntry

__all__ = ["SpotCheckStore"]


class SpotCheckStore(Protocol):
    async def begin_draw(self, drawn_on: date, work_day: date, at: datetime) -> bool:
        """Claim the day's draw; False if it was drawn already."""

    async def logged_on(self, day: date, start: datetime, end: datetime) -> list[Logged]:
        """Visits dated `day`, and cases logged between `start` and `end` (that day, in UTC)."""

    async def add(self, drawn_on: date, work_day: date, items: list[Logged]) -> list[int]: ...
    async def check(self, check_id: int) -> SpotCheck | None: ...
    async def drawn(self, drawn_on: date, *, undecided: bool = False) -> list[SpotCheck]: ...
    async def to_correct(self, person_id: int) -> list[SpotCheck]:
        """The person's entries returned for correction and not yet corrected."""

    async def decide(
        self, check_id: int, outcome: SpotOutcome, reason: str | None, person_id: int, at: datetime
    ) -> bool:
        """Record the outcome; False, with nothing written, if someone decided first."""

    async def visit_entry(self, visit_id: int) -> VisitEntry | None: ...
    async def case_entry(self, case_id: int) -> CaseEntry | None: ...
    async def correct(
        self,
        check_id: int | None,
        kind: SpotKind,
        item_id: int,
        changes: Mapping[str, str | int | None],
        person_id: int,
        at: datetime,
    ) -> list[Correction]:
        """Update the entry in place, trace every field changed, mark the check corrected."""

    async def corrections(self, kind: SpotKind, item_id: int) -> list[Correction]: ...
    async def outcome_counts(
        self, first: date, last: date, unit_ids: tuple[int, ...] = ()
    ) -> SpotCounts:
        """Checks drawn from `first` to `last` (both included), of these units (none: all)."""
