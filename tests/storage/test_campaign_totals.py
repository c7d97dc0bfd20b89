"""The running totals bulletins read agree with summing the visits themselves."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import aiosqlite

from domain.campaigns import check_campaign
from domain.people import Role
from domain.visits import TargetType
from storage import Store
from storage.campaign_records import VisitTotal
from storage.records import NewPerson, NewVisit
from tests.conftest import UNITS
from tests.transcript import FakeClock

START, END = date(2026, 11, 2), date(2026, 11, 27)


def as_set(totals: list[VisitTotal]) -> set[tuple[int, str, int, int, int]]:
    return {(t.unit_id, t.target, t.entries, t.visited, t.people) for t in totals if t.entries}


async def test_campaign_totals_follow_inserts_corrections_and_activation(
    store: Store, clock: FakeClock, db_path: Path
) -> None:
    async with store.transaction() as tx:
        await tx.directory.add_units(UNITS)
        await tx.directory.add_people(
            [NewPerson("甲", "MAS-HS-PCS", Role.OFFICER, external_id="T-1")], clock.now()
        )
        person = await tx.directory.person_by_external_id("T-1")
        assert person is not None
        campaign = await tx.campaigns.create(
            check_campaign("冬季", START, END, "Asia/Shanghai"), clock.now()
        )

        async def visit(n: int, day: date, count: int, target: TargetType) -> None:
            assert person is not None
            await tx.visits.add(
                NewVisit(
                    f"t-{n}",
                    person.id,
                    person.unit_id,
                    target,
                    "某地",
                    count,
                    count * 3,
                    0,
                    0,
                    day,
                    clock.now(),
                )
            )

        # Before activation, before the start, inside, and after the end.
        await visit(1, START - timedelta(days=1), 5, TargetType.HOUSEHOLD)
        await visit(2, START, 7, TargetType.HOUSEHOLD)
        await tx.campaigns.activate(campaign.id)
        await visit(3, date(2026, 11, 20), 2, TargetType.SCHOOL)
        await visit(4, date(2026, 11, 25), 4, TargetType.HOUSEHOLD)
        await visit(5, END + timedelta(days=1), 9, TargetType.HOUSEHOLD)
    async with aiosqlite.connect(db_path) as db:  # a spot-check correction moves a visit
        await db.execute("UPDATE visits SET visit_date = '2026-10-01' WHERE draft_id = 't-4'")
        await db.execute("DELETE FROM visits WHERE draft_id = 't-3'")
        await db.commit()
    async with store.transaction() as tx:
        for through in (START, date(2026, 11, 21), END, END + timedelta(days=3)):
            fast = await tx.stats.campaign_totals(campaign.id, through)
            slow = await tx.stats.visit_totals(START, min(through, END))
            assert as_set(fast) == as_set(slow), through
        unit = person.unit_id
        assert as_set(await tx.stats.campaign_totals(campaign.id, END)) == {
            (unit, "household", 1, 7, 21)
        }
        assert await tx.stats.campaign_totals(campaign.id, START - timedelta(days=1)) == []
