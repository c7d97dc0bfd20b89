"""The case ledger in SQLite: scoped, filtered pages; cards; history; version-checked changes."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import aiosqlite

from storage.ledger_records import (
    CaseCard,
    CaseChange,
    CaseEvent,
    CaseFilter,
    CasePage,
    CaseRow,
    Recipient,
)
from storage.sqlite._recipients import recipients
from storage.sqlite._time import day_text, text_day, text_time, time_text

__all__ = ["COUNT_CAP", "SqliteLedger"]

COUNT_CAP = 1000
_CLOSED = ("closed", "solved_on_spot")
_CLOSED_SQL = "('closed', 'solved_on_spot')"

_CARD = """
SELECT c.id, c.number, c.status, c.version, c.kind, c.category, c.urgency, c.description,
       c.place, c.resident_name, c.resident_phone, c.reporter_id, p.name, ru.name,
       c.created_at, c.visit_id, su.name, c.holder_unit_id, hu.name, c.assigned_at, c.deadline,
       c.resolution, c.contact_method, c.followup_response, c.satisfaction, c.closed_at,
       c.last_progress_at
FROM cases c
JOIN people p ON p.id = c.reporter_id
JOIN units ru ON ru.id = c.reporter_unit_id
LEFT JOIN units su ON su.id = c.suggested_unit_id
LEFT JOIN units hu ON hu.id = c.holder_unit_id
"""


def _card(row: Any) -> CaseCard:
    return CaseCard(
        id=row[0],
        number=row[1],
        status=row[2],
        version=row[3],
        kind=row[4],
        category=row[5],
        urgency=row[6],
        description=row[7],
        place=row[8],
        resident_name=row[9],
        resident_phone=row[10],
        reporter_id=row[11],
        reporter_name=row[12],
        reporter_unit_name=row[13],
        created_at=text_time(row[14]),
        visit_id=row[15],
        suggested_unit_name=row[16],
        holder_unit_id=row[17],
        holder_unit_name=row[18],
        assigned_at=text_time(row[19]) if row[19] else None,
        deadline=text_day(row[20]) if row[20] else None,
        resolution=row[21],
        contact_method=row[22],
        followup_response=row[23],
        satisfaction=row[24],
        closed_at=text_time(row[25]) if row[25] else None,
        last_progress_at=text_time(row[26]) if row[26] else None,
    )


def _in(column: str, values: tuple[Any, ...]) -> str:
    return f"{column} IN ({', '.join('?' * len(values))})"


def _where(search: CaseFilter) -> tuple[str, list[Any]]:
    """The WHERE clause for a filter, always narrowed to what the person may see."""
    clauses: list[str] = []
    params: list[Any] = []
    scope = search.scope
    if not scope.everything:
        seen = ["c.reporter_id = ?"]
        params.append(scope.person_id)
        if scope.unit_ids:
            seen.append(_in("c.holder_unit_id", scope.unit_ids))
            params += scope.unit_ids
        clauses.append(f"({' OR '.join(seen)})")
    if search.statuses:
        clauses.append(_in("c.status", search.statuses))
        params += search.statuses
    if search.holder_unit_ids:
        clauses.append(_in("c.holder_unit_id", search.holder_unit_ids))
        params += search.holder_unit_ids
    for column, value in (("c.category", search.category), ("c.kind", search.kind)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if search.overdue_on:
        clauses.append(f"c.deadline < ? AND c.status NOT IN {_CLOSED_SQL}")
        params.append(day_text(search.overdue_on))
    if search.text:
        # instr, not LIKE: no wildcards to escape, and a plain substring scan is faster
        clauses.append("(instr(lower(c.description), ?) OR instr(lower(c.place), ?))")
        params += [search.text.lower(), search.text.lower()]
    if search.created_from:
        clauses.append("c.created_at >= ?")
        params.append(time_text(search.created_from))
    if search.created_before:
        clauses.append("c.created_at < ?")
        params.append(time_text(search.created_before))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


class SqliteLedger:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def _rows(self, sql: str, params: list[Any] | tuple[Any, ...]) -> list[Any]:
        async with self._db.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def subtree(self, unit_id: int) -> tuple[int, ...]:
        """The unit and every unit under it."""
        rows = await self._rows(
            """WITH RECURSIVE t(id) AS (
                   SELECT ? UNION SELECT u.id FROM units u JOIN t ON u.parent_id = t.id
               ) SELECT id FROM t""",
            (unit_id,),
        )
        return tuple(int(row[0]) for row in rows)

    async def ancestors(self, unit_id: int) -> tuple[int, ...]:
        """The units above this one, nearest first."""
        rows = await self._rows(
            """WITH RECURSIVE t(id, depth) AS (
                   SELECT parent_id, 1 FROM units WHERE id = ? AND parent_id IS NOT NULL
                   UNION SELECT u.parent_id, t.depth + 1 FROM units u JOIN t ON u.id = t.id
                   WHERE u.parent_id IS NOT NULL
               ) SELECT id FROM t ORDER BY depth""",
            (unit_id,),
        )
        return tuple(int(row[0]) for row in rows)

    async def find(self, search: CaseFilter, offset: int, limit: int) -> CasePage:
        where, params = _where(search)
        # Counting every match of a broad filter means reading the whole ledger; past
        # COUNT_CAP the page says "1000+" instead, and the rows are still the newest.
        total = (
            await self._rows(
                f"SELECT count(*) FROM (SELECT 1 FROM cases c{where} LIMIT ?)",
                [*params, COUNT_CAP + 1],
            )
        )[0][0]
        rows = await self._rows(
            f"""SELECT c.id, c.number, c.status, c.kind, c.category, c.description, hu.name,
                       c.deadline
                FROM cases c LEFT JOIN units hu ON hu.id = c.holder_unit_id{where}
                ORDER BY c.id DESC LIMIT ? OFFSET ?""",
            [*params, limit, offset],
        )
        return CasePage(
            rows=tuple(
                CaseRow(
                    id=r[0],
                    number=r[1],
                    status=r[2],
                    kind=r[3],
                    category=r[4],
                    description=r[5],
                    holder_name=r[6],
                    deadline=text_day(r[7]) if r[7] else None,
                )
                for r in rows
            ),
            total=min(int(total), COUNT_CAP),
            more=int(total) > COUNT_CAP,
        )

    async def card(self, number: str) -> CaseCard | None:
        rows = await self._rows(_CARD + " WHERE c.number = ?", (number,))
        return _card(rows[0]) if rows else None

    async def card_by_id(self, case_id: int) -> CaseCard | None:
        rows = await self._rows(_CARD + " WHERE c.id = ?", (case_id,))
        return _card(rows[0]) if rows else None

    async def history(self, case_id: int) -> list[CaseEvent]:
        rows = await self._rows(
            """SELECT e.at, p.name, e.action, e.from_status, e.to_status, e.note, u.name, e.detail
               FROM case_events e
               LEFT JOIN people p ON p.id = e.actor_id
               LEFT JOIN units u ON u.id = e.unit_id
               WHERE e.case_id = ? ORDER BY e.id""",
            (case_id,),
        )
        return [
            CaseEvent(
                at=text_time(r[0]),
                actor_name=r[1],
                action=r[2],
                from_status=r[3],
                to_status=r[4],
                note=r[5],
                unit_name=r[6],
                detail=json.loads(r[7]) if r[7] else {},
            )
            for r in rows
        ]

    async def apply(self, change: CaseChange) -> bool:
        """Move the case and append the event; False (nothing written) if it changed meanwhile."""
        at = time_text(change.at)
        sets = ["status = ?", "version = version + 1", "updated_at = ?"]
        params: list[Any] = [change.to_status, at]
        optional = {
            "holder_unit_id": change.holder_unit_id,
            "deadline": day_text(change.deadline) if change.deadline else None,
            "resolution": change.resolution,
            "contact_method": change.contact_method,
            "followup_response": change.followup_response,
            "satisfaction": change.satisfaction,
        }
        for column, value in optional.items():
            if value is not None:
                sets.append(f"{column} = ?")
                params.append(value)
        if change.holder_unit_id is not None:
            sets.append("assigned_at = ?")
            params.append(at)
        if change.progress:
            sets.append("last_progress_at = ?")
            params.append(at)
        sets.append("closed_at = ?")
        params.append(at if change.to_status in _CLOSED else None)
        cursor = await self._db.execute(
            f"UPDATE cases SET {', '.join(sets)} WHERE id = ? AND version = ?",
            [*params, change.case_id, change.expected_version],
        )
        if cursor.rowcount != 1:
            return False
        await self._db.execute(
            """INSERT INTO case_events (case_id, actor_id, at, from_status, to_status, note,
                                        action, unit_id, detail)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                change.case_id,
                change.actor_id,
                at,
                change.from_status,
                change.to_status,
                change.note,
                change.action,
                change.holder_unit_id,
                json.dumps(change.detail, ensure_ascii=False) if change.detail else None,
            ),
        )
        return True

    async def members_of(self, unit_id: int) -> list[Recipient]:
        """Everyone active in the unit with a chat the bot can write to."""
        return await self._recipients("p.unit_id = ?", (unit_id,))

    async def coordinators(self) -> list[Recipient]:
        return await self._recipients("p.role IN ('coordinator', 'admin')", ())

    async def recipient(self, person_id: int) -> list[Recipient]:
        return await self._recipients("p.id = ?", (person_id,))

    async def _recipients(self, condition: str, params: tuple[Any, ...]) -> list[Recipient]:
        return await recipients(self._db, condition, params)

    async def due_between(self, first: date, last: date) -> list[CaseCard]:
        """Cases a unit is working on whose deadline falls in [first, last]."""
        rows = await self._rows(
            _CARD + " WHERE c.deadline BETWEEN ? AND ? AND c.status IN "
            "('assigned', 'in_progress', 'pending_followup') ORDER BY c.deadline, c.id",
            (day_text(first), day_text(last)),
        )
        return [_card(row) for row in rows]

    async def needing_progress(self, before: datetime) -> list[CaseCard]:
        """Cases in progress with no progress note (nor assignment) since `before`."""
        rows = await self._rows(
            _CARD + " WHERE c.status = 'in_progress' "
            "AND coalesce(c.last_progress_at, c.assigned_at, c.created_at) < ? ORDER BY c.id",
            (time_text(before),),
        )
        return [_card(row) for row in rows]

    async def log_export(
        self, person_id: int | None, via: str, what: str, full: bool, rows: int, at: datetime
    ) -> None:
        await self._db.execute(
            """INSERT INTO export_log (person_id, via, what, full_data, row_count, at)
               VALUES (?, ?, ?, ?, ?, ?)""",
            (person_id, via, what, int(full), rows, time_text(at)),
        )
