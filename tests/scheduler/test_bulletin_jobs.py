"""Bulletins to bound groups: on time, on working days, once, and late once after downtime."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from domain.campaigns import BulletinKind
from domain.workdays import WorkCalendar
from handlers import Core
from scheduler.bulletin_jobs import run_due_bulletins
from scheduler.delivery import reply_from_payload
from storage import Store
from storage.campaign_records import Binding
from storage.records import OutboxItem
from tests.bulletins.small_campaign import seed_small_campaign
from tests.conftest import ZONE
from tests.handlers.spot_helpers import at, draw, log_visit
from tests.transcript import Chat, FakeClock

is_workday = WorkCalendar().is_workday
GROUP = "-1001"


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZONE).astimezone(UTC)


async def bind(
    store: Store,
    campaign_id: int,
    kinds: tuple[BulletinKind, ...],
    bound_at: datetime,
    chat: str = GROUP,
    times: dict[BulletinKind, time] | None = None,
) -> None:
    async with store.transaction() as tx:
        await tx.campaigns.bind(
            Binding("telegram", chat, campaign_id, None, kinds, "", None, bound_at, times or {})
        )


@pytest.fixture
async def bound(store: Store, clock: FakeClock) -> int:
    """The small campaign, with a group bound to every bulletin since 1 November."""
    campaign_id = await seed_small_campaign(store, clock.now())
    await bind(store, campaign_id, tuple(BulletinKind), local(2026, 11, 1, 8))
    return campaign_id


async def queued(store: Store) -> list[OutboxItem]:
    async with store.transaction() as tx:
        return await tx.outbox.due(datetime(2100, 1, 1, tzinfo=UTC), 100)


async def test_the_daily_bulletin_goes_at_its_local_time_once(store: Store, bound: int) -> None:
    # The first run owes what fell due before it (yesterday's daily, Monday's dispatch).
    caught_up = await run_due_bulletins(store, local(2026, 11, 25, 17, 0), "zh", is_workday)
    assert {(q.kind, q.day, q.late) for q in caught_up} == {
        (BulletinKind.DAILY, date(2026, 11, 24), True),
        (BulletinKind.WEEKLY, date(2026, 11, 23), True),
    }
    assert await run_due_bulletins(store, local(2026, 11, 25, 17, 59), "zh", is_workday) == []

    done = await run_due_bulletins(store, local(2026, 11, 25, 18, 0), "zh", is_workday)
    assert [(q.kind, q.day, q.chats, q.late) for q in done] == [
        (BulletinKind.DAILY, date(2026, 11, 25), 1, False)
    ]
    assert await run_due_bulletins(store, local(2026, 11, 25, 18, 1), "zh", is_workday) == []
    items = await queued(store)
    assert len(items) == 3
    reply = reply_from_payload(items[-1].payload, items[-1].blobs)
    assert items[-1].chat_id == GROUP
    assert reply.text.startswith("📊 清风走访 走访进度通报（2026-11-25）\n今日走访 40 户")
    assert reply.image is not None
    assert reply.image.content.startswith(b"\x89PNG")


async def test_nothing_on_a_weekend(store: Store, bound: int) -> None:
    friday = await run_due_bulletins(store, local(2026, 11, 27, 18, 0), "zh", is_workday)
    assert (BulletinKind.DAILY, date(2026, 11, 27), False) in {
        (q.kind, q.day, q.late) for q in friday
    }
    assert await run_due_bulletins(store, local(2026, 11, 28, 18, 0), "zh", is_workday) == []
    assert await run_due_bulletins(store, local(2026, 11, 29, 18, 0), "zh", is_workday) == []


async def test_after_downtime_each_missed_bulletin_goes_once_marked_late(
    store: Store, bound: int
) -> None:
    # Down from Wednesday noon to Tuesday 1 December, 10:00: Wednesday, Thursday and Friday's
    # daily bulletins, Monday's dispatch and the monthly summary were all missed.
    done = await run_due_bulletins(store, local(2026, 12, 1, 10, 0), "zh", is_workday)
    assert {(q.kind, q.day, q.late) for q in done} == {
        (BulletinKind.WEEKLY, date(2026, 11, 30), True),
        (BulletinKind.MONTHLY, date(2026, 12, 1), True),
    }
    # Daily bulletins: the campaign ended on the 27th; only its last day's is owed, and at
    # 10:00 on the 1st the latest daily occurrence is Monday the 30th, after the end.
    texts = [i.payload["text"] for i in await queued(store)]
    assert len(texts) == 2
    assert all("（补发：原定" in text for text in texts)
    assert await run_due_bulletins(store, local(2026, 12, 1, 10, 1), "zh", is_workday) == []


async def test_a_restart_catches_up_only_the_latest_of_each_kind(store: Store, bound: int) -> None:
    done = await run_due_bulletins(store, local(2026, 11, 26, 9, 0), "zh", is_workday)
    assert {(q.kind, q.day, q.late) for q in done} == {
        (BulletinKind.DAILY, date(2026, 11, 25), True),
        (BulletinKind.WEEKLY, date(2026, 11, 23), True),
    }


async def test_a_group_bound_after_the_time_is_not_sent_the_old_one(
    store: Store, clock: FakeClock
) -> None:
    campaign_id = await seed_small_campaign(store, clock.now())
    await bind(store, campaign_id, (BulletinKind.DAILY,), local(2026, 11, 25, 19, 0))
    assert await run_due_bulletins(store, local(2026, 11, 25, 20, 0), "zh", is_workday) == []


async def test_groups_with_their_own_time_get_the_bulletin_then(
    store: Store, clock: FakeClock
) -> None:
    campaign_id = await seed_small_campaign(store, clock.now())
    bound_at = local(2026, 11, 25, 8)
    daily = (BulletinKind.DAILY,)
    await bind(store, campaign_id, daily, bound_at, chat="-1")
    await bind(store, campaign_id, daily, bound_at, chat="-2", times={daily[0]: time(17, 30)})
    early = await run_due_bulletins(store, local(2026, 11, 25, 17, 30), "zh", is_workday)
    assert [(q.day, q.chats, q.late) for q in early] == [(date(2026, 11, 25), 1, False)]
    assert [i.chat_id for i in await queued(store)] == ["-2"]
    later = await run_due_bulletins(store, local(2026, 11, 25, 18, 0), "zh", is_workday)
    assert [(q.day, q.chats) for q in later] == [(date(2026, 11, 25), 1)]
    assert [i.chat_id for i in await queued(store)] == ["-2", "-1"]
    assert await run_due_bulletins(store, local(2026, 11, 25, 18, 5), "zh", is_workday) == []


async def test_the_weekly_dispatch_counts_the_weeks_spot_checks(
    officer: Chat, coordinator: Chat, core: Core, store: Store, clock: FakeClock
) -> None:
    campaign_id = await seed_small_campaign(store, clock.now(), units=False)
    await log_visit(officer)  # Wednesday 11-25, beside the small campaign's two visits and cases
    assert await draw(core, store, at(26)) == 5
    await bind(store, campaign_id, (BulletinKind.WEEKLY,), local(2026, 11, 27, 8))
    (weekly,) = await run_due_bulletins(store, local(2026, 11, 30, 9, 0), "zh", is_workday)
    assert weekly.kind is BulletinKind.WEEKLY
    (item,) = [i for i in await queued(store) if i.chat_id == GROUP]
    assert (
        "🔎 日抽查：本周抽查 5 条，核实无误 0，存疑 0，退回补正 0（已补正 0），待核 5。"
        in (item.payload["text"])
    )
