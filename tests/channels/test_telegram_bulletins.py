"""Supervision through Telegram: a group bound by a coordinator gets its bulletin with the chart."""

from __future__ import annotations

from bot.channels.telegram import TelegramChannel
from domain.workdays import WorkCalendar
from scheduler.bulletin_jobs import run_due_bulletins
from scheduler.outbox import OutboxWorker
from scheduler.undeliverable import Undeliverable, group_moved
from storage import Store
from tests.bulletins.small_campaign import seed_small_campaign
from tests.channels.conftest import TgChat
from tests.conftest import Seeded
from tests.fakes.bot_api import FakeBotApi
from tests.transcript import FakeClock

GROUP = -100555


async def _office(api: FakeBotApi, seeded: Seeded, store: Store, clock: FakeClock) -> TgChat:
    """The small campaign, and its coordinator joined through Telegram."""
    await seed_small_campaign(store, clock.now(), units=False)
    office = TgChat(api, 201, "李主任")
    await office.say(f"/start {seeded.coordinator_invite}")
    await office.press("李主任")
    return office


def _worker(channel: TelegramChannel, store: Store, clock: FakeClock) -> OutboxWorker:
    """As the app builds it."""
    return OutboxWorker(
        store,
        {"telegram": channel.sender},
        clock,
        on_failed=Undeliverable("zh"),
        on_moved=group_moved,
    )


async def test_a_bound_group_gets_the_daily_bulletin_with_its_chart(
    api: FakeBotApi, channel: TelegramChannel, seeded: Seeded, store: Store, clock: FakeClock
) -> None:
    await _office(api, seeded, store, clock)

    api.push_text(201, "/bind 日报", chat_id=GROUP)
    (bound,) = await api.next_messages(GROUP)
    assert bound["text"].startswith("✅ 本群已绑定“清风走访”（范围：全部单位），将收到：日报。")
    api.push_text(201, "/stats", chat_id=GROUP)
    (stats,) = await api.next_messages(GROUP)
    assert stats["text"].startswith("📊 清风走访 走访进度通报（2026-11-25）")

    is_workday = WorkCalendar().is_workday
    # Bound on the 25th (the clock's day) before 18:00: that day's bulletin is its first.
    clock.advance(hours=7, minutes=59)
    assert await run_due_bulletins(store, clock.now(), "zh", is_workday) == []
    clock.advance(minutes=1)
    (queued,) = await run_due_bulletins(store, clock.now(), "zh", is_workday)
    assert queued.chats == 1
    worker = _worker(channel, store, clock)
    assert (await worker.run_until_idle()).sent == 1
    (bulletin,) = await api.next_messages(GROUP)
    assert "photo" in bulletin
    assert bulletin["caption"].startswith("📊 清风走访 走访进度通报（2026-11-25）\n今日走访 40 户")
    photo = api.calls_of("sendPhoto")[-1]
    assert photo.files["photo"].data.startswith(b"\x89PNG")


async def test_a_group_the_bot_was_removed_from_is_unbound_and_the_office_told(
    api: FakeBotApi, channel: TelegramChannel, seeded: Seeded, store: Store, clock: FakeClock
) -> None:
    office = await _office(api, seeded, store, clock)
    api.push_text(201, "/bind", chat_id=GROUP)
    await api.next_messages(GROUP)

    clock.advance(hours=8)
    await run_due_bulletins(store, clock.now(), "zh", WorkCalendar().is_workday)
    api.fail_next(
        "sendPhoto", status=403, description="Forbidden: bot was kicked from the group chat"
    )
    worker = _worker(channel, store, clock)
    done = await worker.run_until_idle()
    assert (done.failed, done.sent) == (1, 1)  # the bulletin failed; the office's notice went
    (notice,) = await office.answers()
    assert notice.startswith("⚠️ 机器人已无法向Telegram群 -100555 发送通报（")
    async with store.transaction() as tx:
        assert await tx.campaigns.binding("telegram", str(GROUP)) is None


async def test_a_refused_message_leaves_the_group_bound(
    api: FakeBotApi, channel: TelegramChannel, seeded: Seeded, store: Store, clock: FakeClock
) -> None:
    await _office(api, seeded, store, clock)
    api.push_text(201, "/bind", chat_id=GROUP)
    await api.next_messages(GROUP)

    clock.advance(hours=8)
    await run_due_bulletins(store, clock.now(), "zh", WorkCalendar().is_workday)
    api.fail_next("sendPhoto", status=400, description="Bad Request: wrong file identifier")
    worker = _worker(channel, store, clock)
    done = await worker.run_until_idle()
    assert (done.failed, done.sent) == (1, 0)  # that message only: nobody told, still bound
    async with store.transaction() as tx:
        assert await tx.campaigns.binding("telegram", str(GROUP)) is not None


async def test_a_group_upgraded_to_a_supergroup_keeps_its_bulletins(
    api: FakeBotApi, channel: TelegramChannel, seeded: Seeded, store: Store, clock: FakeClock
) -> None:
    await _office(api, seeded, store, clock)
    api.push_text(201, "/bind", chat_id=GROUP)
    await api.next_messages(GROUP)

    clock.advance(hours=8)
    await run_due_bulletins(store, clock.now(), "zh", WorkCalendar().is_workday)
    supergroup = -1009990001
    api.fail_next(
        "sendPhoto",
        status=400,
        description="Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to=supergroup,
    )
    done = await _worker(channel, store, clock).run_until_idle()
    assert (done.sent, done.failed) == (1, 0)
    (bulletin,) = await api.next_messages(supergroup)
    assert bulletin["caption"].startswith("📊 清风走访 走访进度通报（2026-11-25）")
    async with store.transaction() as tx:
        assert await tx.campaigns.binding("telegram", str(GROUP)) is None
        assert await tx.campaigns.binding("telegram", str(supergroup)) is not None
