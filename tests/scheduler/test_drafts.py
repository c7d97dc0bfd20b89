"""An idle draft is reminded once through the outbox, can be resumed or discarded, and expires."""

from __future__ import annotations

from datetime import timedelta

from handlers.messages import Reply
from scheduler.delivery import DeliveryFailed, reply_from_payload
from scheduler.drafts import sweep_drafts
from scheduler.outbox import OutboxWorker, Round
from storage import Store
from tests.transcript import Chat, FakeClock, render

HOUR, DAY = timedelta(hours=1), timedelta(days=1)


class RecordingSender:
    platform = "telegram"

    def __init__(self) -> None:
        self.sent: list[tuple[str, Reply]] = []
        self.failures: list[DeliveryFailed] = []

    async def deliver(self, chat_id: str, reply: Reply) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((chat_id, reply))


async def _half_done_visit(officer: Chat) -> None:
    await officer.say("/visit")
    await officer.press("住户")


async def test_idle_draft_is_reminded_once_and_resumes(
    officer: Chat, store: Store, clock: FakeClock
) -> None:
    await _half_done_visit(officer)
    sender = RecordingSender()
    worker = OutboxWorker(store, {"telegram": sender}, clock)
    clock.advance(minutes=59)
    assert (await sweep_drafts(store, clock.now(), HOUR, DAY)).reminded == 0
    clock.advance(minutes=2)
    assert (await sweep_drafts(store, clock.now(), HOUR, DAY)).reminded == 1
    assert (await sweep_drafts(store, clock.now(), HOUR, DAY)).reminded == 0
    assert (await worker.run_once()).sent == 1
    assert (await worker.run_once()).sent == 0
    chat_id, reminder = sender.sent[0]
    assert chat_id == "101"
    assert render(reminder) == (
        "您有一条未完成的走访登记，已保存到上次填写的地方。要继续填写吗？（草稿 24 小时后自动删除）\n"
        "[继续填写] [放弃]"
    )
    officer.last = [reminder]
    assert await officer.press("继续填写") == [
        "走访地点在哪里？请输入名称或地址（不超过 100 字）。"
    ]


async def test_reminder_discard_and_expiry(officer: Chat, store: Store, clock: FakeClock) -> None:
    await _half_done_visit(officer)
    clock.advance(hours=2)
    await sweep_drafts(store, clock.now(), HOUR, DAY)
    async with store.transaction() as tx:
        (item,) = await tx.outbox.due(clock.now(), 10)
    officer.last = [reply_from_payload(item.payload)]
    assert await officer.press("放弃") == [
        "已取消走访登记，草稿已删除。\n≡ 登记走访 上报问题 | 我的走访 帮助"
    ]
    await _half_done_visit(officer)
    clock.advance(hours=25)
    assert (await sweep_drafts(store, clock.now(), HOUR, DAY)).expired == 1
    assert await officer.say("珍珠园") == [
        "没看懂这条消息。请用下方菜单，或发送 /help 查看说明。\n"
        "也可以一句话登记，例如：走访 住户 15户 40人 珍珠园五村\n"
        "≡ 登记走访 上报问题 | 我的走访 帮助"
    ]


async def test_outbox_retries_then_gives_up_on_permanent_errors(
    officer: Chat, store: Store, clock: FakeClock
) -> None:
    await _half_done_visit(officer)
    clock.advance(hours=2)
    await sweep_drafts(store, clock.now(), HOUR, DAY)
    sender = RecordingSender()
    worker = OutboxWorker(store, {"telegram": sender}, clock)
    sender.failures = [DeliveryFailed("429", permanent=False, retry_after=30)]
    assert (await worker.run_once()).retrying == 1
    clock.advance(seconds=29)
    assert (await worker.run_once()).sent == 0
    clock.advance(seconds=2)
    assert (await worker.run_once()).sent == 1
    await officer.say("/cancel")
    await _half_done_visit(officer)
    clock.advance(hours=2)
    await sweep_drafts(store, clock.now(), HOUR, DAY)
    sender.failures = [DeliveryFailed("Forbidden: bot was blocked by the user", permanent=True)]
    assert (await worker.run_once()).failed == 1
    clock.advance(hours=1)
    assert await worker.run_once() == Round()
    assert len(sender.sent) == 1
