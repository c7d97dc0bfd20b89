"""Spot checks in SQLite: the day's draw, outcomes (first decision wins), corrections traced."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import aiosqlite

from domain.sampling import Logged, SpotKind, SpotOutcome
from storage.spot_records import (
    CORRECTABLE,
    CaseEntry,
    Correction,
    SpotCheck,
    SpotCounts,
    VisitEntry,
)
from storage.sqlite._query import fetch_all, fetch_one
from storage.sqlite._time import day_text, text_day, text_time, time_text

__all__ = ["SqliteSpotChecks"]

_TABLE = {SpotKind.VISIT: "visits", SpotKind.CASE: "cases"}

_CHECK = """
SELECT s.id, s.drawn_on, s.work_day, s.kind, s.item_id, s.unit_id, u.name, s.person_id, p.name,
       s.outcome, s.reason, s.decided_by, d.name, s.decided_at, s.corrected_at
FROM spot_checks s
JOIN units u ON u.id = s.unit_id
JOIN people p ON p.id = s.person_id
LEFT JOIN people d ON d.id = s.decided_by
"""


def _check(row: Any) -> SpotCheck:
    return SpotCheck(
        id=row[0],
        drawn_on=text_day(row[1]),
        work_day=text_day(row[2]),
        kind=SpotKind(row[3]),
        item_id=row[4],
        unit_id=row[5],
        unit_name=row[6],
        person_id=row[7],
        person_name=row[8],
        outcome=SpotOutcome(row[9]) if row[9] else None,
        reason=row[10],
        decided_by=row[11],
        decided_by_name=row[12],
        decided_at=text_time(row[13]) if row[13] else None,
        corrected_at=text_time(row[14]) if row[14] else None,
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


class SqliteSpotChecks:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def begin_draw(self, drawn_on: date, work_day: date, at: datetime) -> bool:
        """Claim the day's draw; False if it was drawn already."""
        cursor = await self._db.execute(
            "INSERT OR IGNORE INTO spot_draws (drawn_on, work_day, at) VALUES (?, ?, ?)",
            (day_text(drawn_on), day_text(work_day), time_text(at)),
        )
        return cursor.rowcount == 1

    async def logged_on(self, day: date, start: datetime, end: datetime) -> list[Logged]:
        """Visits dated `day`, and cases logged between `start` and `end` (that day, in UTC)."""
        # Unit by unit, so each lookup is a seek on visits(unit_id, visit_date).
        visits = await fetch_all(
            self._db,
            """SELECT v.unit_id, v.id, v.person_id FROM units u CROSS JOIN visits v
               WHERE v.unit_id = u.id AND v.visit_date = ?""",
            (day_text(day),),
        )
        cases = await fetch_all(
            self._db,
            """SELECT reporter_unit_id, id, reporter_id FROM cases
               WHERE created_at >= ? AND created_at < ?""",
            (time_text(start), time_text(end)),
        )
        return [Logged(r[0], SpotKind.VISIT, r[1], r[2]) for r in visits] + [
            Logged(r[0], SpotKind.CASE, r[1], r[2]) for r in cases
        ]

    async def add(self, drawn_on: date, work_day: date, items: list[Logged]) -> list[int]:
        ids = []
        for item in items:
            row = await fetch_one(
                self._db,
                """INSERT INTO spot_checks (drawn_on, work_day, kind, item_id, unit_id, person_id)
                   VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kind, item_id) DO NOTHING RETURNING id""",
                (
                    day_text(drawn_on),
                    day_text(work_day),
                    item.kind.value,
                    item.item_id,
                    item.unit_id,
                    item.person_id,
                ),
            )
            if row is not None:
                ids.append(int(row[0]))
        return ids

    async def check(self, check_id: int) -> SpotCheck | None:
        row = await fetch_one(self._db, _CHECK + " WHERE s.id = ?", (check_id,))
        return _check(row) if row else None

    async def drawn(self, drawn_on: date, *, undecided: bool = False) -> list[SpotCheck]:
        only = " AND s.outcome IS NULL" if undecided else ""
        rows = await fetch_all(
            self._db,
            _CHECK + f" WHERE s.drawn_on = ?{only} ORDER BY s.id",
            (day_text(drawn_on),),
        )
        return [_check(row) for row in rows]

    async def to_correct(self, person_id: int) -> list[SpotCheck]:
        """The person's entries returned for correction and not yet corrected."""
        rows = await fetch_all(
            self._db,
            _CHECK + " WHERE s.person_id = ? AND s.outcome = 'returned' "
            "AND s.corrected_at IS NULL ORDER BY s.id",
            (person_id,),
        )
        return [_check(row) for row in rows]

    async def decide(
        self,
        check_id: int,
        outcome: SpotOutcome,
        reason: str | None,
        person_id: int,
        at: datetime,
    ) -> bool:
        """Record the outcome; False, with nothing written, if someone decided first."""
        cursor = await self._db.execute(
            """UPDATE spot_checks SET outcome = ?, reason = ?, decided_by = ?, decided_at = ?
               WHERE id = ? AND outcome IS NULL""",
            (outcome.value, reason, person_id, time_text(at), check_id),
        )
        return cursor.rowcount == 1

    async def visit_entry(self, visit_id: int) -> VisitEntry | None:
        row = await fetch_one(
            self._db,
            """SELECT id, person_id, target, place, count, people, visit_date, note
               FROM visits WHERE id = ?""",
            (visit_id,),
        )
        if row is None:
            return None
        return VisitEntry(row[0], row[1], row[2], row[3], row[4], row[5], text_day(row[6]), row[7])

    async def case_entry(self, case_id: int) -> CaseEntry | None:
        row = await fetch_one(
            self._db,
            """SELECT id, number, reporter_id, kind, category, description, place
               FROM cases WHERE id = ?""",
            (case_id,),
        )
        return CaseEntry(*row) if row else None

    async def correct(
        self,
        check_id: int | None,
        kind: SpotKind,
        item_id: int,
        changes: Mapping[str, str | int | None],
        person_id: int,
        at: datetime,
    ) -> list[Correction]:
        """Write the new values, trace each change that changes something, and mark the
        check corrected. Returns the changes traced."""
        columns = [field for field in CORRECTABLE[kind] if field in changes]
        if unknown := set(changes) - set(columns):
            raise ValueError(f"not correctable on a {kind.value}: {sorted(unknown)}")
        # Column names come from CORRECTABLE only, never from the caller's text.
        table = _TABLE[kind]
        traced: list[Correction] = []
        if columns:
            old = await fetch_one(
                self._db, f"SELECT {', '.join(columns)} FROM {table} WHERE id = ?", (item_id,)
            )
            if old is None:
                raise LookupError(f"no {kind.value} {item_id}")
            traced = [
                Correction(check_id, kind, item_id, f, _text(was), _text(changes[f]), person_id, at)
                for f, was in zip(columns, old, strict=True)
                if _text(was) != _text(changes[f])
            ]
        if traced:
            assignments = ", ".join(f"{c.field} = ?" for c in traced)
            values = [changes[c.field] for c in traced]
            await self._db.execute(
                f"UPDATE {table} SET {assignments} WHERE id = ?", (*values, item_id)
            )
            await self._db.executemany(
                """INSERT INTO corrections (spot_check_id, kind, item_id, field, old_value,
                                            new_value, person_id, at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    (check_id, kind.value, item_id, c.field, c.old, c.new, person_id, time_text(at))
                    for c in traced
                ],
            )
        if check_id is not None:
            await self._db.execute(
                "UPDATE spot_checks SET corrected_at = ? WHERE id = ?", (time_text(at), check_id)
            )
        return traced

    async def corrections(self, kind: SpotKind, item_id: int) -> list[Correction]:
        rows = await fetch_all(
            self._db,
            """SELECT spot_check_id, kind, item_id, field, old_value, new_value, person_id, at
               FROM corrections WHERE kind = ? AND item_id = ? ORDER BY id""",
            (kind.value, item_id),
        )
        return [
            Correction(r[0], SpotKind(r[1]), r[2], r[3], r[4], r[5], r[6], text_time(r[7]))
            for r in rows
        ]

    async def outcome_counts(
        self, first: date, last: date, unit_ids: tuple[int, ...] = ()
    ) -> SpotCounts:
        """Checks drawn from `first` to `last` (both included), of these units (none: all)."""
        units = f" AND unit_id IN ({', '.join('?' * len(unit_ids))})" if unit_ids else ""
        row = await fetch_one(
            self._db,
            f"""SELECT count(*),
                       coalesce(sum(outcome = 'verified'), 0),
                       coalesce(sum(outcome = 'doubtful'), 0),
                       coalesce(sum(outcome = 'returned'), 0),
                       coalesce(sum(corrected_at IS NOT NULL), 0),
                       coalesce(sum(outcome IS NULL), 0)
                FROM spot_checks WHERE drawn_on BETWEEN ? AND ?{units}""",
            (day_text(first), day_text(last), *unit_ids),
        )
        assert row is not None
        return SpotCounts(*map(int, row))
