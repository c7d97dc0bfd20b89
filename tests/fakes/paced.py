"""An in-process outbox Sender that enforces Telegram's limits on virtual time.

For tests of the worker's logic: no HTTP, so every moment is exact and repeatable.
"""

from __future__ import annotations

import asyncio
import math
import random
from dataclasses import dataclass, field

from handlers.messages import Reply
from scheduler.delivery import DeliveryFailed, Pace
from tests.fakes.rate_limits import RateLimits
from tests.transcript import FakeClock

__all__ = ["Delivered", "PacedPlatform", "VirtualTime"]


class VirtualTime:
    """A FakeClock that `sleep` moves: the worker waits without real time passing."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.origin = clock.now()

    def now(self) -> float:
        return (self.clock.now() - self.origin).total_seconds()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)  # what was started before the sleep runs before time moves
        # Up to the next microsecond, the clock's step: rounding down would never get there.
        self.clock.advance(microseconds=math.ceil(max(seconds, 0.0) * 1e6))
        await asyncio.sleep(0)


@dataclass(frozen=True, slots=True)
class Delivered:
    at: float
    chat_id: str
    text: str
    reply: Reply


@dataclass
class PacedPlatform:
    """An outbox Sender for "telegram" that enforces Telegram's limits on virtual time.

    `fault_rate` of the calls fail with a 429 (retry_after 1–3 s) or a 502 before the limits
    are looked at, so they use none of the budget. `scripted[chat_id]` fails that chat's
    next calls in turn; `permanent` chats always fail as gone; `vanish` holds the texts
    whose send is cut off right after the platform took it, as by a crash of the bot.
    """

    time: VirtualTime
    fault_rate: float = 0.0
    seed: int = 0
    platform: str = "telegram"
    per_second: float = 30.0
    scripted: dict[str, list[DeliveryFailed]] = field(default_factory=dict)
    permanent: set[str] = field(default_factory=set)
    vanish: set[str] = field(default_factory=set)
    delivered: list[Delivered] = field(default_factory=list)
    calls: int = 0
    faults: int = 0

    def __post_init__(self) -> None:
        self.limits = RateLimits(self.time.now)
        self._random = random.Random(self.seed)
        self._watchers: list[tuple[int, asyncio.Event]] = []

    def pace(self, chat_id: str) -> Pace:
        return Pace(20, 60.0) if chat_id.startswith("-") else Pace(1, 1.0)

    async def deliver(self, chat_id: str, reply: Reply) -> None:
        self.calls += 1
        if self.scripted.get(chat_id):
            raise self.scripted[chat_id].pop(0)
        if self.fault_rate and self._random.random() < self.fault_rate:
            self.faults += 1
            if self._random.random() < 0.5:
                seconds = self._random.randint(1, 3)
                raise DeliveryFailed("Too Many Requests", permanent=False, retry_after=seconds)
            raise DeliveryFailed("Bad Gateway (502)", permanent=False)
        if chat_id in self.permanent:
            raise DeliveryFailed("Bad Request: chat not found", permanent=True)
        wait = self.limits.admit(chat_id)
        if wait is not None:
            raise DeliveryFailed(f"Too Many Requests: retry after {wait}", permanent=False,
                                 retry_after=wait)  # fmt: skip
        self.delivered.append(Delivered(self.time.now(), chat_id, reply.text, reply))
        await asyncio.sleep(0)  # the answer is on its way back: other sends interleave here
        for count, event in self._watchers:
            if len(self.delivered) >= count:
                event.set()
        if reply.text in self.vanish:
            raise asyncio.CancelledError  # the bot died before it heard back

    async def reached(self, count: int) -> None:
        """Return once `count` messages were delivered."""
        event = asyncio.Event()
        self._watchers.append((count, event))
        if len(self.delivered) >= count:
            event.set()
        await event.wait()

    def texts(self, chat_id: str) -> list[str]:
        return [d.text for d in self.delivered if d.chat_id == chat_id]
