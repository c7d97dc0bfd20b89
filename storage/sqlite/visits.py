"""Visit batches in SQLite."""

from __future__ import annotations

from datetime import date

import aiosqlite

from domain.visits import VisitSummary
from storage.records import NewVisit
from storage.sqlite._query import fetch_all, fetch_one
from storage.sqlite._time import day_text, time_text

__all__ = ["SqliteVisits"]


class SqliteVisits:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def add(self, visit: NewVisit) -> int:
        cursor = await self._db.execute(
            """INSERT INTO visits (draft_id, person_id, unit_id, target, place, count, people,
                                   materials, opinions, visit_date, latitude, longitude, note,
                                   created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                visit.draft_id,
                visit.person_id,
                visit.unit_id,
                visit.target.value,
                visit.place,
                visit.count,
                visit.people,
                visit.materials,
                visit.opinions,
                day_text(visit.visit_date),
                visit.latitude,
                visit.longitude,
                visit.note,
                time_text(visit.created_at),
            ),
        )
        assert cursor.lastrowid is not None
        visit_id = cursor.lastrowid
        await self._db.executemany(
            "INSERT INTO visit_photos (visit_id, position, file_ref) VALUES (?, ?, ?)",
            [(visit_id, position, ref) for position, ref in enumerate(visit.photos)],
        )
        return visit_id

    async def id_for_draft(self, draft_id: str) -> int | None:
        row = await fetch_one(self._db, "SELECT id FROM visits WHERE draft_id = ?", (draft_id,))
        return int(row[0]) if row else None

    async def place_of(self, visit_id: int) -> str | None:
        row = await fetch_one(self._db, "SELECT place FROM visits WHERE id = ?", (visit_id,))
        return str(row[0]) if row else None

    async def recent_places(self, person_id: int, limit: int) -> list[str]:
        # Bounded to the newest rows first so an officer with years of visits stays cheap.
        rows = await fetch_all(
            self._db,
            """SELECT place FROM (
                   SELECT place, id FROM visits WHERE person_id = ? ORDER BY id DESC LIMIT 200
               ) GROUP BY place ORDER BY max(id) DESC LIMIT ?""",
            (person_id, limit),
        )
        return [str(row[0]) for row in rows]

    async def summary(self, person_id: int, first: date, last: date) -> VisitSummary:
        row = await fetch_one(
            self._db,
            """SELECT count(*), coalesce(sum(count), 0), coalesce(sum(people), 0),
                      coalesce(sum(materials), 0), coalesce(sum(opinions), 0)
               FROM visits WHERE person_id = ? AND visit_date BETWEEN ? AND ?""",
            (person_id, day_text(first), day_text(last)),
        )
        assert row is not None
        return VisitSummary(*map(int, row))
