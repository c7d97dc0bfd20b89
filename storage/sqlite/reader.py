"""A read-only SQLite snapshot on its own connection, streaming ledger rows for exports."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from storage.ledger_records import CaseExportRow, CaseFilter, VisitExportRow
from storage.sqlite._time import day_text, text_day, text_time
from storage.sqlite.ledger import _where

__all__ = ["BATCH", "SqliteReader", "open_reader"]

T = TypeVar("T")

BATCH = 1000  # rows per fetch: few thread hops, and memory bounded whatever the ledger's size

# The latest progress note is a correlated subquery rather than a join on all events: it walks
# one case's few entries in case_events_case(case_id, id), newest first, and stops at the first
# progress note. At 100k cases it adds 0.15 s to 0.55 s; a partial index on progress events
# measured no faster, so none is added.
_CASES = """
SELECT c.number, c.created_at, c.category, c.kind, c.urgency, c.description, c.place,
       c.resident_name, c.resident_phone, p.name, ru.name, hu.name, c.assigned_at, c.deadline,
       c.status,
       (SELECT e.note FROM case_events e
        WHERE e.case_id = c.id AND e.action = 'progress' ORDER BY e.id DESC LIMIT 1),
       c.resolution, c.closed_at, c.contact_method, c.followup_response, c.satisfaction
FROM cases c
JOIN people p ON p.id = c.reporter_id
JOIN units ru ON ru.id = c.reporter_unit_id
LEFT JOIN units hu ON hu.id = c.holder_unit_id
"""

_VISITS = """
SELECT v.id, v.visit_date, p.name, u.name, v.target, v.place, v.count, v.people, v.materials,
       v.opinions, v.latitude, v.longitude, v.note,
       (SELECT count(*) FROM visit_photos f WHERE f.visit_id = v.id), v.created_at
FROM visits v
JOIN people p ON p.id = v.person_id
JOIN units u ON u.id = v.unit_id
"""


def _case(r: Any) -> CaseExportRow:
    return CaseExportRow(
        number=r[0],
        created_at=text_time(r[1]),
        category=r[2],
        kind=r[3],
        urgency=r[4],
        description=r[5],
        place=r[6],
        resident_name=r[7],
        resident_phone=r[8],
        reporter_name=r[9],
        reporter_unit_name=r[10],
        holder_unit_name=r[11],
        assigned_at=text_time(r[12]) if r[12] else None,
        deadline=text_day(r[13]) if r[13] else None,
        status=r[14],
        progress_note=r[15],
        resolution=r[16],
        closed_at=text_time(r[17]) if r[17] else None,
        contact_method=r[18],
        followup_response=r[19],
        satisfaction=r[20],
    )


def _visit(r: Any) -> VisitExportRow:
    return VisitExportRow(
        id=r[0],
        visit_date=text_day(r[1]),
        officer_name=r[2],
        unit_name=r[3],
        target=r[4],
        place=r[5],
        count=r[6],
        people=r[7],
        materials=r[8],
        opinions=r[9],
        latitude=r[10],
        longitude=r[11],
        note=r[12],
        photos=r[13],
        created_at=text_time(r[14]),
    )


def _visit_where(
    first: date | None, last: date | None, unit_ids: tuple[int, ...]
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if first:
        clauses.append("v.visit_date >= ?")
        params.append(day_text(first))
    if last:
        clauses.append("v.visit_date <= ?")
        params.append(day_text(last))
    if unit_ids:
        clauses.append(f"v.unit_id IN ({', '.join('?' * len(unit_ids))})")
        params += unit_ids
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


class SqliteReader:
    """Reads inside the one transaction `open_reader` holds open, so every read sees one moment."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def _count(self, sql: str, params: list[Any]) -> int:
        async with self._db.execute(sql, params) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def _stream(
        self, sql: str, params: list[Any], row: Callable[[Any], T]
    ) -> AsyncIterator[T]:
        # One generator, handed out as it is: closing it early closes the cursor at once,
        # while the connection is still open. (Reading the next batch on the connection's
        # thread while this one is written measured slower: the two fight over the GIL.)
        async with self._db.execute(sql, params) as cursor:
            while batch := await cursor.fetchmany(BATCH):
                for values in batch:
                    yield row(values)

    async def count_cases(self, search: CaseFilter) -> int:
        where, params = _where(search)
        return await self._count(f"SELECT count(*) FROM cases c{where}", params)

    def export_cases(self, search: CaseFilter) -> AsyncIterator[CaseExportRow]:
        where, params = _where(search)
        return self._stream(f"{_CASES}{where} ORDER BY c.id", params, _case)

    async def count_visits(
        self, first: date | None, last: date | None, unit_ids: tuple[int, ...]
    ) -> int:
        where, params = _visit_where(first, last, unit_ids)
        return await self._count(f"SELECT count(*) FROM visits v{where}", params)

    def export_visits(
        self, first: date | None, last: date | None, unit_ids: tuple[int, ...]
    ) -> AsyncIterator[VisitExportRow]:
        where, params = _visit_where(first, last, unit_ids)
        return self._stream(f"{_VISITS}{where} ORDER BY v.visit_date, v.id", params, _visit)


def _read_only_uri(path: Path) -> str:
    if str(path) == ":memory:":
        raise ValueError("an in-memory database cannot be opened a second time to read from")
    # as_uri escapes what a URI cannot hold as is (spaces, CJK, #, ?).
    return f"{Path(os.path.abspath(path)).as_uri()}?mode=ro"


@asynccontextmanager
async def open_reader(path: Path) -> AsyncIterator[SqliteReader]:
    """A read-only connection to the database file, inside one read transaction.

    In WAL mode this reader and the store's writer run side by side: the reader keeps the
    snapshot it started with, and commits made meanwhile neither wait for it nor show in it.
    """
    db = await aiosqlite.connect(_read_only_uri(path), uri=True, isolation_level=None)
    try:
        await db.execute("PRAGMA busy_timeout = 5000")
        await db.execute("BEGIN")
        # A deferred BEGIN takes its snapshot at the first read; read now, so counts and rows
        # asked for later all come from the moment the export started.
        async with db.execute("SELECT count(*) FROM sqlite_schema") as cursor:
            await cursor.fetchone()
        yield SqliteReader(db)
        await db.execute("COMMIT")
    finally:
        await db.close()
