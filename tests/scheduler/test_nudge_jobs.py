"""Nudges: officers with nothing logged today, once, on working days, never in quiet hours."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.people import Role
from domain.workdays import WorkCalendar
from handlers import Core
from handlers.messages import Actor
from scheduler.nudge_jobs import Nudged, send_nudges
from storage import Store
from storage.records import NewInvite
from tests.bulletins.small_campaign import seed_small_campaign
from tests.conftest import ZONE, Seeded
from tests.transcript import Chat, FakeClock

is_workday = WorkCalendar().is_workday


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZONE).astimezone(UTC)


@pytest.fixture
async def campaign(store: Store, clock: FakeClock, seeded: Seeded) -> int:
    return await seed_small_campaign(store, clock.now(), units=False)


async def texts(store: Store) -> list[str]:
    async with store.transaction() as tx:
        return [i.payload["text"] for i in await tx.outbox.due(local(2100, 1, 1), 100)]


async def test_an_idle_officer_is_nudged_once_after_the_hour(
    store: Store, officer: Chat, campaign: int
) -> None:
    assert await send_nudges(store, local(2026, 11, 25, 15, 59), "zh", is_workday) == Nudged()
    assert await send_nudges(store, local(2026, 11, 25, 16, 0), "zh", is_workday) == Nudged(1, 0)
    assert await send_nudges(store, local(2026, 11, 25, 16, 5), "zh", is_workday) == Nudged()
    (text,) = await texts(store)
    assert text.startswith("王小明，您今天还没有登记走访。")


async def test_an_officer_who_logged_today_or_muted_is_left_alone(
    store: Store, officer: Chat, campaign: int
) -> None:
    await officer.say("走访 住户 3户 8人 珍珠园五村")
    await officer.press("✅ 确认")
    assert await send_nudges(store, local(2026, 11, 25, 16, 0), "zh", is_workday) == Nudged()
    await officer.say("/mute")
    assert await send_nudges(store, local(2026, 11, 26, 16, 0), "zh", is_workday) == Nudged()
    await officer.say("/unmute")
    assert await send_nudges(store, local(2026, 11, 27, 16, 0), "zh", is_workday) == Nudged(1, 0)
    assert len(await texts(store)) == 1


async def test_no_nudges_on_weekends_or_in_quiet_hours(
    store: Store, officer: Chat, campaign: int
) -> None:
    assert await send_nudges(store, local(2026, 11, 21, 16, 0), "zh", is_workday) == Nudged()
    assert await send_nudges(store, local(2026, 11, 25, 21, 30), "zh", is_workday) == Nudged()
    assert await texts(store) == []


async def test_a_lead_under_a_unit_behind_pace_is_nudged_once(
    store: Store, core: Core, clock: FakeClock, campaign: int
) -> None:
    async with store.transaction() as tx:
        street = await tx.directory.unit_by_code("MAS-HS-HDL")  # under 花山区, behind pace
        assert street is not None
        await tx.directory.add_invite(NewInvite("LEAD0001", street.id, Role.UNIT_LEAD, clock.now()))
    lead = Chat(core, Actor("telegram", "401", "401", "周所长"))
    await lead.say("/start LEAD0001")
    await lead.press("周所长")
    nudged = await send_nudges(store, local(2026, 11, 25, 16, 0), "zh", is_workday)
    assert nudged.leads == 1
    texts_now = await texts(store)
    assert (
        "⚠️ 花山区的走访进度滞后：任务完成率 68%，按时序应达 90%。请督促本单位加快走访。"
        "不想收到提醒可发 /mute。"
    ) in texts_now
