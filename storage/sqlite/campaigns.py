"""Campaigns, quotas, bound group chats, bulletin runs and nudge mutes in SQLite."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite

from domain.campaigns import BulletinKind, Campaign, NewCampaign, Quota, Timetable
from domain.schedule import Occurrence
from domain.visits import TargetType
from storage.campaign_records import Binding
from storage.sqlite._query import fetch_all, fetch_one
from storage.sqlite._time import day_text, text_day, text_time, time_text

__all__ = ["SqliteCampaigns"]

_CAMPAIGN = """SELECT id, name, starts_on, ends_on, zone, active, daily_at, weekly_day, weekly_at,
                      monthly_at, nudge_at, quiet_from, quiet_until FROM campaigns"""


def _clock(text: str) -> time:
    return time.fromisoformat(text)


def _hm(moment: time) -> str:
    return moment.strftime("%H:%M")


def _campaign(row: Any) -> Campaign:
    return Campaign(
        id=row[0],
        name=row[1],
        starts_on=text_day(row[2]),
        ends_on=text_day(row[3]),
        zone=ZoneInfo(row[4]),
        active=bool(row[5]),
        timetable=Timetable(
            daily_at=_clock(row[6]),
            weekly_day=row[7],
            weekly_at=_clock(row[8]),
            monthly_at=_clock(row[9]),
            nudge_at=_clock(row[10]),
            quiet_from=_clock(row[11]),
            quiet_until=_clock(row[12]),
        ),
    )


def _binding(row: Any) -> Binding:
    return Binding(
        platform=row[0],
        chat_id=row[1],
        campaign_id=row[2],
        unit_id=row[3],
        kinds=tuple(BulletinKind(k) for k in row[4].split(",") if k),
        title=row[5],
        bound_by=row[6],
        bound_at=text_time(row[7]),
        times={
            kind: _clock(text)
            for kind, text in zip(BulletinKind, row[8:11], strict=True)
            if text is not None
        },
    )


_BINDING = """SELECT platform, chat_id, campaign_id, unit_id, kinds, title, bound_by, bound_at,
                     daily_at, weekly_at, monthly_at
              FROM chat_bindings"""


class SqliteCampaigns:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def create(self, campaign: NewCampaign, now: datetime) -> Campaign:
        cursor = await self._db.execute(
            "INSERT INTO campaigns (name, starts_on, ends_on, zone, created_at) VALUES (?,?,?,?,?)",
            (
                campaign.name,
                day_text(campaign.starts_on),
                day_text(campaign.ends_on),
                campaign.zone,
                time_text(now),
            ),
        )
        assert cursor.lastrowid is not None
        created = await self.get(cursor.lastrowid)
        assert created is not None
        return created

    async def get(self, campaign_id: int) -> Campaign | None:
        row = await fetch_one(self._db, _CAMPAIGN + " WHERE id = ?", (campaign_id,))
        return _campaign(row) if row else None

    async def by_name(self, name: str) -> Campaign | None:
        row = await fetch_one(self._db, _CAMPAIGN + " WHERE name = ?", (name,))
        return _campaign(row) if row else None

    async def active(self) -> Campaign | None:
        row = await fetch_one(self._db, _CAMPAIGN + " WHERE active = 1")
        return _campaign(row) if row else None

    async def all(self) -> list[Campaign]:
        return [_campaign(r) for r in await fetch_all(self._db, _CAMPAIGN + " ORDER BY id")]

    async def activate(self, campaign_id: int) -> None:
        """Make it the one active campaign, and sum its visits so far afresh: the triggers keep
        only the active campaign's totals."""
        await self._db.execute("UPDATE campaigns SET active = 0 WHERE active = 1")
        await self._db.execute("UPDATE campaigns SET active = 1 WHERE id = ?", (campaign_id,))
        await self._db.execute("DELETE FROM campaign_visit_totals")
        await self._db.execute(
            """INSERT INTO campaign_visit_totals
                   (campaign_id, unit_id, target, entries, visited, people)
               SELECT c.id, t.unit_id, t.target, sum(t.entries), sum(t.visited), sum(t.people)
               FROM campaigns c JOIN visit_totals t
                 ON t.visit_date BETWEEN c.starts_on AND c.ends_on
               WHERE c.id = ? GROUP BY t.unit_id, t.target""",
            (campaign_id,),
        )

    async def set_timetable(self, campaign_id: int, timetable: Timetable) -> None:
        t = timetable
        await self._db.execute(
            """UPDATE campaigns SET daily_at = ?, weekly_day = ?, weekly_at = ?, monthly_at = ?,
                                    nudge_at = ?, quiet_from = ?, quiet_until = ?
               WHERE id = ?""",
            (
                _hm(t.daily_at),
                t.weekly_day,
                _hm(t.weekly_at),
                _hm(t.monthly_at),
                _hm(t.nudge_at),
                _hm(t.quiet_from),
                _hm(t.quiet_until),
                campaign_id,
            ),
        )

    async def quotas(self, campaign_id: int) -> list[Quota]:
        rows = await fetch_all(
            self._db,
            "SELECT unit_id, target, quota FROM quotas WHERE campaign_id = ? ORDER BY unit_id",
            (campaign_id,),
        )
        return [Quota(r[0], TargetType(r[1]), r[2]) for r in rows]

    async def replace_quotas(self, campaign_id: int, quotas: list[Quota]) -> None:
        await self._db.execute("DELETE FROM quotas WHERE campaign_id = ?", (campaign_id,))
        await self._db.executemany(
            "INSERT INTO quotas (campaign_id, unit_id, target, quota) VALUES (?, ?, ?, ?)",
            [(campaign_id, q.unit_id, q.target.value, q.quota) for q in quotas],
        )

    async def set_quota(self, campaign_id: int, quota: Quota) -> None:
        await self._db.execute(
            """INSERT INTO quotas (campaign_id, unit_id, target, quota) VALUES (?, ?, ?, ?)
               ON CONFLICT (campaign_id, unit_id, target) DO UPDATE SET quota = excluded.quota""",
            (campaign_id, quota.unit_id, quota.target.value, quota.quota),
        )

    async def bind(self, binding: Binding) -> None:
        b = binding
        await self._db.execute(
            """INSERT INTO chat_bindings (platform, chat_id, campaign_id, unit_id, kinds, title,
                                          bound_by, bound_at, daily_at, weekly_at, monthly_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (platform, chat_id) DO UPDATE SET
                   campaign_id = excluded.campaign_id, unit_id = excluded.unit_id,
                   kinds = excluded.kinds, title = excluded.title,
                   bound_by = excluded.bound_by, bound_at = excluded.bound_at,
                   daily_at = excluded.daily_at, weekly_at = excluded.weekly_at,
                   monthly_at = excluded.monthly_at""",
            (
                b.platform,
                b.chat_id,
                b.campaign_id,
                b.unit_id,
                ",".join(k.value for k in b.kinds),
                b.title,
                b.bound_by,
                time_text(b.bound_at),
                *(_hm(b.times[kind]) if kind in b.times else None for kind in BulletinKind),
            ),
        )

    async def unbind(self, platform: str, chat_id: str) -> bool:
        cursor = await self._db.execute(
            "DELETE FROM chat_bindings WHERE platform = ? AND chat_id = ?", (platform, chat_id)
        )
        return cursor.rowcount == 1

    async def binding(self, platform: str, chat_id: str) -> Binding | None:
        row = await fetch_one(
            self._db, _BINDING + " WHERE platform = ? AND chat_id = ?", (platform, chat_id)
        )
        return _binding(row) if row else None

    async def bindings(self, campaign_id: int) -> list[Binding]:
        rows = await fetch_all(
            self._db, _BINDING + " WHERE campaign_id = ? ORDER BY bound_at", (campaign_id,)
        )
        return [_binding(r) for r in rows]

    async def record_run(
        self, campaign_id: int, occurrence: Occurrence, ran_at: datetime, late: bool
    ) -> bool:
        """Claim an occurrence (a bulletin, or the day's nudges); False if it already ran."""
        cursor = await self._db.execute(
            """INSERT OR IGNORE INTO bulletin_runs (campaign_id, kind, period, due_at, ran_at, late)
               VALUES (?, ?, ?, ?, ?, ?)""",
            (
                campaign_id,
                occurrence.kind,
                occurrence.period,
                time_text(occurrence.due_at),
                time_text(ran_at),
                int(late),
            ),
        )
        return cursor.rowcount == 1

    async def has_run(self, campaign_id: int, occurrence: Occurrence) -> bool:
        row = await fetch_one(
            self._db,
            "SELECT 1 FROM bulletin_runs WHERE campaign_id = ? AND kind = ? AND period = ?",
            (campaign_id, occurrence.kind, occurrence.period),
        )
        return row is not None

    async def set_muted(self, person_id: int, muted: bool) -> None:
        await self._db.execute(
            "UPDATE people SET nudges_muted = ? WHERE id = ?", (int(muted), person_id)
        )
