"""The zoufang database for a run: officers already joined on Telegram; checking visits after."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from domain.people import Role
from storage import open_store
from storage.records import NewInvite, NewUnit

__all__ = ["VisitCheck", "check_visits", "officer_ids", "seed_officers"]

FIRST_OFFICER = 700_000_001
_PER_STATION = 50


def officer_ids(count: int) -> list[int]:
    """Telegram user ids (= private chat ids) of the simulated officers."""
    return list(range(FIRST_OFFICER, FIRST_OFFICER + count))


async def seed_officers(path: Path, count: int) -> None:
    """A city, a district and police stations of 50 officers each, all joined by invite."""
    now = datetime.now(UTC)
    stations = (count + _PER_STATION - 1) // _PER_STATION
    units = [NewUnit("MAS", "马鞍山市", None, "city"), NewUnit("MAS-HS", "花山区", "MAS", "county")]
    units += [
        NewUnit(f"MAS-HS-P{n:02d}", f"第{n}派出所", "MAS-HS", "police") for n in range(stations)
    ]
    store = await open_store(path)
    try:
        async with store.transaction() as tx:
            await tx.directory.add_units(units)
            for index, user_id in enumerate(officer_ids(count)):
                station = units[2 + index // _PER_STATION]
                if index % _PER_STATION == 0:
                    unit = await tx.directory.unit_by_code(station.code)
                    assert unit is not None
                    code = f"BENCH{index // _PER_STATION:03d}"
                    invite = await tx.directory.add_invite(
                        NewInvite(code, unit.id, Role.OFFICER, now)
                    )
                uid = str(user_id)
                await tx.directory.join(invite, f"干警{index:04d}", "telegram", uid, uid, "zh", now)
    finally:
        await store.close()


@dataclass(frozen=True, slots=True)
class VisitCheck:
    expected: int
    in_db: int
    distinct_drafts: int
    missing: int  # confirmed to an officer but not in the database
    unconfirmed: int  # in the database but never confirmed to an officer
    repeated_ids: int  # the same record number confirmed twice

    @property
    def ok(self) -> bool:
        return self.expected == self.in_db == self.distinct_drafts and not (
            self.missing or self.unconfirmed or self.repeated_ids
        )


async def check_visits(path: Path, confirmed_ids: Sequence[int]) -> VisitCheck:
    """Compare the record numbers officers were shown with the visits table."""
    async with (
        aiosqlite.connect(path) as db,
        db.execute("SELECT id, draft_id FROM visits") as cursor,
    ):
        rows = list(await cursor.fetchall())
    ids = {int(row[0]) for row in rows}
    confirmed = set(confirmed_ids)
    return VisitCheck(
        expected=len(confirmed_ids),
        in_db=len(rows),
        distinct_drafts=len({row[1] for row in rows}),
        missing=len(confirmed - ids),
        unconfirmed=len(ids - confirmed),
        repeated_ids=len(confirmed_ids) - len(confirmed),
    )
