"""Cases (problems raised) and their event trail in SQLite."""

from __future__ import annotations

from typing import Any

import aiosqlite

from domain.cases import Case, CaseStatus, Category, IssueKind, case_number
from storage.records import NewCase
from storage.sqlite._query import fetch_all, fetch_one
from storage.sqlite._time import day_text, text_time, time_text

__all__ = ["SqliteCases"]

_CASE = """SELECT id, number, kind, category, description, place, status, created_at
           FROM cases"""


def _case(row: Any) -> Case:
    return Case(
        id=row[0],
        number=row[1],
        kind=IssueKind(row[2]),
        category=Category(row[3]),
        description=row[4],
        place=row[5],
        status=CaseStatus(row[6]),
        created_at=text_time(row[7]),
    )


class SqliteCases:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def _next_number(self, case: NewCase) -> str:
        day = day_text(case.local_day)
        row = await fetch_one(
            self._db,
            """INSERT INTO case_numbers (day, last) VALUES (?, 1)
               ON CONFLICT (day) DO UPDATE SET last = last + 1 RETURNING last""",
            (day,),
        )
        assert row is not None
        return case_number(case.local_day, int(row[0]))

    async def add(self, case: NewCase) -> Case:
        number = await self._next_number(case)
        cursor = await self._db.execute(
            """INSERT INTO cases (number, draft_id, visit_id, reporter_id, reporter_unit_id, kind,
                                  category, description, place, resident_name, resident_phone,
                                  urgency, status, suggested_unit_id, resolution, created_at,
                                  closed_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                number,
                case.draft_id,
                case.visit_id,
                case.reporter_id,
                case.reporter_unit_id,
                case.kind.value,
                case.category.value,
                case.description,
                case.place,
                case.resident_name,
                case.resident_phone,
                case.urgency.value,
                case.status.value,
                case.suggested_unit_id,
                case.resolution,
                time_text(case.created_at),
                time_text(case.created_at) if case.status.closed else None,
            ),
        )
        assert cursor.lastrowid is not None
        await self._db.execute(
            """INSERT INTO case_events (case_id, actor_id, at, from_status, to_status, note)
               VALUES (?, ?, ?, NULL, ?, ?)""",
            (
                cursor.lastrowid,
                case.reporter_id,
                time_text(case.created_at),
                case.status.value,
                case.resolution,
            ),
        )
        stored = await self.by_draft(case.draft_id)
        assert stored is not None
        return stored

    async def by_draft(self, draft_id: str) -> Case | None:
        row = await fetch_one(self._db, _CASE + " WHERE draft_id = ?", (draft_id,))
        return _case(row) if row else None

    async def reported_by(self, person_id: int, limit: int) -> list[Case]:
        rows = await fetch_all(
            self._db, _CASE + " WHERE reporter_id = ? ORDER BY id DESC LIMIT ?", (person_id, limit)
        )
        return [_case(row) for row in rows]

    async def count_reported_by(self, person_id: int) -> int:
        row = await fetch_one(
            self._db, "SELECT count(*) FROM cases WHERE reporter_id = ?", (person_id,)
        )
        return int(row[0]) if row else 0
