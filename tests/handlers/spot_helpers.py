"""Shared by the spot-check tests: logging entries on a given day, drawing, reading the outbox."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from handlers import Core
from scheduler.delivery import reply_from_payload
from scheduler.spot_jobs import draw_spot_checks
from storage import Store
from tests.conftest import ZONE
from tests.transcript import Chat, FakeClock, render

__all__ = ["at", "draw", "log_visit", "sent_to"]


def at(day: int, month: int = 11, hour: int = 9, minute: int = 0) -> datetime:
    """That time in Shanghai on that day of 2026, as UTC."""
    return datetime(2026, month, day, hour, minute, tzinfo=ZONE).astimezone(UTC)


async def log_visit(chat: Chat, line: str = "住户 15户 40人 珍珠园五村") -> None:
    """A visit logged today (as the clock says) in one line, confirmed."""
    await chat.say(f"/visit {line}")
    await chat.press("✅ 确认")


async def draw(core: Core, store: Store, now: datetime, size: int = 5, seed: int = 1) -> int:
    rules = core.rules
    return await draw_spot_checks(
        store, now, ZONE, "zh", core.links, rules, size, random.Random(seed)
    )


async def sent_to(store: Store, clock: FakeClock, chat_id: str) -> list[str]:
    """What the outbox would deliver to one chat now, in order; those are then marked sent."""
    async with store.transaction() as tx:
        items = [i for i in await tx.outbox.due(clock.now(), 1000) if i.chat_id == chat_id]
        for item in items:
            await tx.outbox.mark_sent(item.id, clock.now())
    return [render(reply_from_payload(i.payload)) for i in items]
