"""The figures bulletins, stats and nudges read, from the running totals and narrow indexes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import aiosqlite

from storage.campaign_records import CaseDay, DayTotal, OverdueCase, UnitCount, VisitTotal
from storage.ledger_records import Recipient
from storage.sqlite._query import fetch_all, fetch_one
from storage.sqlite._recipients import recipients
from storage.sqlite._time import day_text, text_day, time_text

__all__ = ["SqliteStats"]


def _number_prefix(day: date) -> str:
    """Case numbers start with their local day (261125-007), so a day range is a number range."""
    return f"{day:%y%m%d}"


class SqliteStats:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        return await fetch_all(self._db, sql, params)

    async def visit_totals(self, first: date, last: date) -> list[VisitTotal]:
        """Per unit and target, visits dated first..last."""
        rows = await self._rows(
            """SELECT unit_id, target, sum(entries), sum(visited), sum(people)
               FROM visit_totals WHERE visit_date BETWEEN ? AND ?
               GROUP BY unit_id, target""",
            (day_text(first), day_text(last)),
        )
        return [VisitTotal(*r) for r in rows]

    async def campaign_totals(self, campaign_id: int, through: date) -> list[VisitTotal]:
        """Per unit and target, the campaign's visits from its start to `through`.

        For the active campaign: its running totals less what is dated after `through`
        (nothing, for today's bulletin); for another, the sum over its days.
        """
        campaign = await fetch_one(
            self._db,
            "SELECT starts_on, ends_on, active FROM campaigns WHERE id = ?",
            (campaign_id,),
        )
        if campaign is None:
            return []
        starts_on, ends_on, active = campaign
        if through < text_day(starts_on):
            return []
        if not active:
            return await self.visit_totals(text_day(starts_on), min(through, text_day(ends_on)))
        rows = await self._rows(
            """SELECT unit_id, target, sum(entries), sum(visited), sum(people) FROM (
                   SELECT unit_id, target, entries, visited, people
                   FROM campaign_visit_totals WHERE campaign_id = ?
                   UNION ALL
                   SELECT unit_id, target, -entries, -visited, -people FROM visit_totals
                   WHERE visit_date > ? AND visit_date <= ?
               ) GROUP BY unit_id, target""",
            (campaign_id, day_text(through), ends_on),
        )
        return [VisitTotal(*r) for r in rows]

    async def visit_days(
        self, first: date, last: date, unit_ids: tuple[int, ...] = ()
    ) -> list[DayTotal]:
        """Per day, visits dated first..last of the units (none: all)."""
        where, params = _units("unit_id", unit_ids)
        rows = await self._rows(
            f"""SELECT visit_date, sum(entries), sum(visited), sum(people) FROM visit_totals
                WHERE visit_date BETWEEN ? AND ? {where}
                GROUP BY visit_date ORDER BY visit_date""",
            (day_text(first), day_text(last), *params),
        )
        return [DayTotal(text_day(r[0]), r[1], r[2], r[3]) for r in rows]

    async def new_cases(self, first: date, last: date) -> list[CaseDay]:
        """Per reporting unit, problems logged on local days first..last."""
        rows = await self._rows(
            """SELECT reporter_unit_id, count(*), sum(status = 'solved_on_spot') FROM cases
               WHERE number >= ? AND number < ? GROUP BY reporter_unit_id""",
            (_number_prefix(first), _number_prefix(last + timedelta(days=1))),
        )
        return [CaseDay(*r) for r in rows]

    async def case_days(
        self, first: date, last: date, unit_ids: tuple[int, ...] = ()
    ) -> list[tuple[date, int]]:
        """Per local day, problems logged by the units (none: all)."""
        where, params = _units("reporter_unit_id", unit_ids)
        rows = await self._rows(
            f"""SELECT substr(number, 1, 6), count(*) FROM cases
                WHERE number >= ? AND number < ? {where} GROUP BY 1 ORDER BY 1""",
            (_number_prefix(first), _number_prefix(last + timedelta(days=1)), *params),
        )
        return [(datetime.strptime(r[0], "%y%m%d").date(), r[1]) for r in rows]

    async def status_totals(self) -> dict[int, dict[str, int]]:
        """Cases by the unit holding them (the reporter's before assignment) and status."""
        totals: dict[int, dict[str, int]] = {}
        for unit_id, status, cases in await self._rows(
            "SELECT unit_id, status, cases FROM case_status_totals WHERE cases > 0"
        ):
            totals.setdefault(unit_id, {})[status] = cases
        return totals

    async def closed_between(self, start: datetime, end: datetime) -> list[UnitCount]:
        """Per holding unit, cases closed in [start, end)."""
        rows = await self._rows(
            """SELECT coalesce(holder_unit_id, reporter_unit_id), count(*) FROM cases
               WHERE closed_at >= ? AND closed_at < ? AND status = 'closed' GROUP BY 1""",
            (time_text(start), time_text(end)),
        )
        return [UnitCount(*r) for r in rows]

    async def overdue(self, today: date) -> list[UnitCount]:
        """Per holding unit, open cases past their deadline."""
        rows = await self._rows(
            """SELECT holder_unit_id, count(*) FROM cases
               WHERE status NOT IN ('closed', 'solved_on_spot') AND deadline < ?
               GROUP BY holder_unit_id""",
            (day_text(today),),
        )
        return [UnitCount(*r) for r in rows]

    async def overdue_cases(
        self, today: date, limit: int, unit_ids: tuple[int, ...] = ()
    ) -> list[OverdueCase]:
        """The longest overdue first, held by these units (none: any)."""
        where, params = _units("holder_unit_id", unit_ids)
        rows = await self._rows(
            f"""SELECT number, holder_unit_id, deadline, category FROM cases
                WHERE status NOT IN ('closed', 'solved_on_spot') AND deadline < ? {where}
                ORDER BY deadline, id LIMIT ?""",
            (day_text(today), *params, limit),
        )
        return [OverdueCase(r[0], r[1], text_day(r[2]), r[3]) for r in rows]

    async def silent(self, since: datetime) -> list[UnitCount]:
        """Per holding unit, cases in hand with no progress note since `since` (一周一上报)."""
        rows = await self._rows(
            """SELECT holder_unit_id, count(*) FROM cases
                WHERE status IN ('assigned', 'in_progress') AND holder_unit_id IS NOT NULL
                  AND coalesce(last_progress_at, assigned_at, created_at) < ?
                GROUP BY holder_unit_id""",
            (time_text(since),),
        )
        return [UnitCount(*r) for r in rows]

    async def idle_officers(self, day: date) -> list[Recipient]:
        """Officers who can be nudged (not muted) and have logged no visit dated `day`."""
        return await self._people(
            """p.role = 'officer' AND p.nudges_muted = 0
               AND NOT EXISTS (SELECT 1 FROM visits w
                               WHERE w.person_id = p.id AND w.visit_date = ?)""",
            (day_text(day),),
        )

    async def leads(self, unit_ids: tuple[int, ...]) -> list[Recipient]:
        """Unit leads of these units who have not muted nudges."""
        where, params = _units("p.unit_id", unit_ids)
        return await self._people(f"p.role = 'unit_lead' AND p.nudges_muted = 0 {where}", params)

    async def officers(self, unit_ids: tuple[int, ...] = ()) -> list[Recipient]:
        """Officers and unit leads of these units (none: all), for a work reminder."""
        where, params = _units("p.unit_id", unit_ids)
        return await self._people(f"p.role IN ('officer', 'unit_lead') {where}", params)

    async def _people(self, condition: str, params: tuple[Any, ...]) -> list[Recipient]:
        return await recipients(self._db, condition, params, once=True)


def _units(column: str, unit_ids: tuple[int, ...]) -> tuple[str, tuple[int, ...]]:
    if not unit_ids:
        return "", ()
    return f"AND {column} IN ({','.join('?' * len(unit_ids))})", unit_ids
