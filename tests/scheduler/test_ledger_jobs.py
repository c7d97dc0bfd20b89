"""Deadline reminders and the weekly progress request, with the clock moved by hand."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers import Core
from handlers.messages import Reply
from scheduler.delivery import reply_from_payload
from scheduler.ledger_jobs import ask_for_progress, remind_deadlines
from storage import Store
from tests.conftest import ZONE
from tests.handlers.test_ledger import _log_dispute
from tests.transcript import Chat, FakeClock, render


def _at(day: int, month: int = 11, hour: int = 9) -> datetime:
    """9:00 in Shanghai on that day of 2026, as UTC."""
    return datetime(2026, month, day, hour, tzinfo=ZONE).astimezone(UTC)


async def _assigned(officer: Chat, coordinator: Chat, handler: Chat, deadline: str) -> None:
    await _log_dispute(officer)
    await coordinator.say("/assign 261125-001")
    await coordinator.press("建议：市司法局")
    await coordinator.say(deadline)
    await handler.say("/case 261125-001")
    await handler.press("接收")


async def _delivered(store: Store, now: datetime, chat_id: str) -> list[Reply]:
    """What the outbox would deliver to one chat now (and everything due is marked sent)."""
    async with store.transaction() as tx:
        items = await tx.outbox.due(now, 100)
        for item in items:
            await tx.outbox.mark_sent(item.id, now)
    return [reply_from_payload(i.payload) for i in items if i.chat_id == chat_id]


async def _sent(store: Store, now: datetime, chat_id: str) -> list[str]:
    return [render(reply) for reply in await _delivered(store, now, chat_id)]


async def _remind(core: Core, store: Store, now: datetime) -> int:
    return await remind_deadlines(store, now, ZONE, "zh", core.links, core.rules)


async def test_the_unit_is_reminded_the_working_day_before_and_on_the_day(
    officer: Chat, coordinator: Chat, handler: Chat, core: Core, store: Store
) -> None:
    await _assigned(officer, coordinator, handler, "11-30")  # a Monday
    await _sent(store, _at(25, hour=23), "301")
    assert await _remind(core, store, _at(26)) == 0  # Thursday: due after the next working day
    assert await _remind(core, store, _at(27)) == 1  # Friday: Monday is the next working day
    assert (await _sent(store, _at(27), "301"))[0].startswith(
        "⏰ 问题 261125-001 的办理时限快到了（下一个工作日），请抓紧办理。\n问题 261125-001【办理中】"
    )
    assert await _remind(core, store, _at(27, hour=15)) == 0  # once a day
    assert await _remind(core, store, _at(28)) == 0  # Saturday
    assert await _remind(core, store, _at(30)) == 1
    assert (await _sent(store, _at(30), "301"))[0].startswith(
        "⏰ 问题 261125-001 今天到期，请今天办结或报进展。"
    )
    assert await _remind(core, store, _at(1, month=12)) == 0  # overdue is the bulletins' job


async def test_no_progress_for_a_week_is_asked_for_with_one_tap_answers(
    officer: Chat, coordinator: Chat, handler: Chat, core: Core, store: Store, clock: FakeClock
) -> None:
    await _assigned(officer, coordinator, handler, "12-09")
    await _sent(store, _at(25, hour=23), "301")
    ask = ask_for_progress
    # accepted on 11-25 at 10:00: a week without a note is over on 12-02 at 10:00
    assert await ask(store, _at(2, month=12), ZONE, "zh", core.links, core.rules) == 0
    assert await ask(store, _at(2, month=12, hour=11), ZONE, "zh", core.links, core.rules) == 1
    assert await ask(store, _at(3, month=12), ZONE, "zh", core.links, core.rules) == 0
    (request,) = await _delivered(store, _at(2, month=12, hour=11), "301")
    assert render(request).startswith(
        "📝 问题 261125-001 已一周没有报进展（一周一上报），请点选进展情况："
    )
    assert render(request).endswith("[办理中] [已办结] [需协调]\n[报进展] [办结] [申请改派]")
    clock.moment = _at(2, month=12, hour=12)
    handler.last = [request]
    assert await handler.press("需协调") == ["请写明本周办理进展（不超过 500 字）。"]
    assert "需协调 · 等待街道协调场地" in (await handler.say("等待街道协调场地"))[0]
    next_week = _at(9, month=12)
    assert await ask(store, next_week, ZONE, "zh", core.links, core.rules) == 0
