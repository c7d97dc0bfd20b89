"""The outbox worker on virtual time: each message once, in order per chat, within the limits."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from handlers.messages import Image, Reply
from scheduler.delivery import DeliveryFailed, queue_reply, reply_to_payload
from scheduler.outbox import OutboxWorker, Round
from storage import Store, open_store
from tests.fakes.paced import PacedPlatform, VirtualTime
from tests.transcript import FakeClock


@pytest.fixture
def time(clock: FakeClock) -> VirtualTime:
    return VirtualTime(clock)


def worker_for(
    store: Store, platform: PacedPlatform, clock: FakeClock, lease: timedelta = timedelta(minutes=2)
) -> OutboxWorker:
    time = platform.time
    senders = {"telegram": platform}
    return OutboxWorker(store, senders, clock, sleep=time.sleep, timer=time.now, lease=lease)


async def queue(store: Store, clock: FakeClock, messages: list[tuple[str, str]]) -> None:
    async with store.transaction() as tx:
        for chat_id, text in messages:
            await tx.outbox.enqueue("telegram", chat_id, reply_to_payload(Reply(text)), clock.now())


def mixed(privates: int, per_private: int, groups: int, per_group: int) -> list[tuple[str, str]]:
    """Messages to many chats, interleaved as jobs queuing at the same time would."""
    chats = [str(1000 + i) for i in range(privates)] + [str(-100 - i) for i in range(groups)]
    rounds = max(per_private, per_group)
    return [
        (chat, f"{chat}#{n}")
        for n in range(rounds)
        for chat in chats
        if n < (per_group if chat.startswith("-") else per_private)
    ]


def status_of(db_path: Path) -> dict[str, tuple[str, str | None]]:
    with sqlite3.connect(db_path) as db:
        rows = db.execute("SELECT payload, status, last_error FROM outbox").fetchall()
    return {json.loads(payload)["text"]: (status, error) for payload, status, error in rows}


def assert_once_in_order(platform: PacedPlatform, messages: list[tuple[str, str]]) -> None:
    texts = Counter(d.text for d in platform.delivered)
    assert [t for t, n in texts.items() if n > 1] == []  # repeated
    assert [t for _, t in messages if t not in texts] == []  # lost
    for chat_id in {chat for chat, _ in messages}:
        assert platform.texts(chat_id) == [t for c, t in messages if c == chat_id]


async def test_every_message_once_in_order_within_the_limits_despite_faults(
    store: Store, clock: FakeClock, time: VirtualTime
) -> None:
    messages = mixed(privates=200, per_private=2, groups=10, per_group=5)
    await queue(store, clock, messages)
    platform = PacedPlatform(time, fault_rate=0.1, seed=4)
    done = await worker_for(store, platform, clock).run_until_idle()
    assert done.sent == len(messages) == 450
    assert done.failed == done.uncertain == 0
    assert done.retrying == platform.faults > 20
    assert_once_in_order(platform, messages)
    assert platform.limits.refused == 0  # the worker itself kept within every limit
    floor = len(messages) / 30
    assert floor < time.now() < floor * 1.5  # a retry waits its turn, but nothing else does


async def test_a_429_in_a_group_holds_back_that_group_only(
    store: Store, clock: FakeClock, time: VirtualTime
) -> None:
    group = [("-100", f"通报 {n}") for n in range(3)]
    privates = [(str(2000 + n), f"提醒 {n}") for n in range(60)]
    await queue(store, clock, group + privates)
    platform = PacedPlatform(time)
    platform.scripted["-100"] = [
        DeliveryFailed("Too Many Requests", permanent=False, retry_after=30)
    ]
    done = await worker_for(store, platform, clock).run_until_idle()
    assert done == Round(sent=63, retrying=1)
    assert_once_in_order(platform, group + privates)
    private_times = [d.at for d in platform.delivered if not d.chat_id.startswith("-")]
    group_times = [d.at for d in platform.delivered if d.chat_id.startswith("-")]
    assert max(private_times) < 3  # 60 at 30 a second, not after the group's 30 s pause
    assert min(group_times) >= 30


async def test_permanent_failures_are_recorded_and_the_rest_goes(
    store: Store, clock: FakeClock, time: VirtualTime, db_path: Path
) -> None:
    messages = [("404", "甲"), ("101", "乙"), ("404", "丙"), ("101", "丁"), ("-7", "戊")]
    await queue(store, clock, messages)
    platform = PacedPlatform(time, permanent={"404"})
    done = await worker_for(store, platform, clock).run_until_idle()
    assert done == Round(sent=3, failed=2)
    assert platform.texts("101") == ["乙", "丁"]
    assert platform.texts("-7") == ["戊"]
    states = status_of(db_path)
    assert states["甲"] == states["丙"] == ("failed", "Bad Request: chat not found")
    assert states["乙"] == ("sent", None)


async def test_transient_failures_retry_with_backoff_then_give_up_a_day_later(
    store: Store, clock: FakeClock, time: VirtualTime, db_path: Path
) -> None:
    await queue(store, clock, [("101", "早报")])
    platform = PacedPlatform(time)
    platform.scripted["101"] = [DeliveryFailed("Bad Gateway", permanent=False)] * 400
    worker = worker_for(store, platform, clock)
    await worker.run_once()
    calls = [platform.calls]
    for _ in range(5):
        await time.sleep(0.99 * 0.5 * 2 ** (len(calls) - 1))
        await worker.run_once()
        calls.append(platform.calls)
        await time.sleep(0.02 * 0.5 * 2 ** (len(calls) - 2))
        await worker.run_once()
    assert calls == [1, 1, 2, 3, 4, 5]  # 0.5 s, 1 s, 2 s … after each failure, not before
    done = await worker.run_until_idle()
    assert done.failed == 1
    assert time.now() >= 24 * 3600
    status, error = status_of(db_path)["早报"]
    assert status == "failed"
    assert error is not None
    assert error.startswith("gave up after")
    assert "Bad Gateway" in error


async def test_a_stop_drains_and_a_restart_loses_and_repeats_nothing(
    store: Store, clock: FakeClock, time: VirtualTime, db_path: Path
) -> None:
    messages = mixed(privates=100, per_private=2, groups=5, per_group=4)
    await queue(store, clock, messages)
    platform = PacedPlatform(time, fault_rate=0.1, seed=7)
    first = worker_for(store, platform, clock)
    first.start()
    await platform.reached(60)
    await first.stop()
    assert 60 <= len(platform.delivered) < len(messages)
    async with store.transaction() as tx:
        assert "sending" not in await tx.outbox.counts()  # nothing left half-done
    await store.close()

    reopened = await open_store(db_path)
    try:
        second = worker_for(reopened, platform, clock)
        await second.run_until_idle()
    finally:
        await reopened.close()
    assert (first.totals + second.totals).sent == len(messages)
    assert_once_in_order(platform, messages)


async def test_a_send_cut_off_by_a_crash_is_marked_uncertain_never_resent(
    store: Store, clock: FakeClock, time: VirtualTime, db_path: Path
) -> None:
    messages = [(str(3000 + n), f"提醒 {n}") for n in range(40)] + [("3007", "再提醒 7")]
    await queue(store, clock, messages)
    platform = PacedPlatform(time, vanish={"提醒 7"})
    first = worker_for(store, platform, clock)
    first.start()
    await platform.reached(20)
    await first.stop()
    await store.close()

    reopened = await open_store(db_path)
    try:
        second = worker_for(reopened, platform, clock, lease=timedelta(seconds=30))
        done = await second.run_until_idle()
    finally:
        await reopened.close()
    assert done.uncertain == 1
    assert platform.texts("3007") == ["提醒 7", "再提醒 7"]  # each once, still in order
    [late] = [d for d in platform.delivered if d.text == "再提醒 7"]
    assert late.at >= 30  # its chat waited out the lease of the dead claim
    assert sum(1 for d in platform.delivered if d.chat_id != "3007") == 39
    status, error = status_of(db_path)["提醒 7"]
    assert status == "uncertain"
    assert error is not None
    assert "stopped" in error


async def test_an_image_is_queued_once_and_delivered_with_its_reply(
    store: Store, clock: FakeClock, time: VirtualTime, db_path: Path
) -> None:
    chart = Image(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 200, "进度.png")
    async with store.transaction() as tx:
        for chat_id in ("-1", "-2"):
            await queue_reply(
                tx.outbox, "telegram", chat_id, Reply("日报", image=chart), clock.now()
            )
    with sqlite3.connect(db_path) as db:
        assert db.execute("SELECT count(*) FROM outbox_blobs").fetchone() == (1,)
    platform = PacedPlatform(time)
    assert (await worker_for(store, platform, clock).run_until_idle()).sent == 2
    assert [(d.chat_id, d.reply) for d in platform.delivered] == [
        ("-1", Reply("日报", image=chart)),
        ("-2", Reply("日报", image=chart)),
    ]
    async with store.transaction() as tx:
        assert await tx.outbox.prune(clock.now() + timedelta(days=1)) == 2
    with sqlite3.connect(db_path) as db:
        assert db.execute("SELECT count(*) FROM outbox_blobs").fetchone() == (0,)
