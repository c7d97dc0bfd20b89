"""Telegram's sending limits as a fake platform enforces them.

`RateLimits` refuses, with a 429 and a retry_after as Telegram does, a message that would
make more than 30 in any second in all, more than 1 in any second into one private chat
or more than 20 in any minute into one group (a chat id starting with "-"). FakeBotApi
applies it to its send methods when given one; tests.fakes.paced applies it in-process.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["RateLimits"]


@dataclass(frozen=True, slots=True)
class _Limit:
    count: int
    per: float


class RateLimits:
    """Sliding windows over the moments messages were accepted; refusals do not count."""

    def __init__(
        self,
        now: Callable[[], float],
        *,
        total: tuple[int, float] = (30, 1.0),
        private: tuple[int, float] = (1, 1.0),
        group: tuple[int, float] = (20, 60.0),
    ) -> None:
        self._now = now
        self._total = _Limit(*total)
        self._private = _Limit(*private)
        self._group = _Limit(*group)
        self._all: deque[float] = deque(maxlen=self._total.count)
        self._chats: defaultdict[str, deque[float]] = defaultdict(deque)
        self.accepted: list[tuple[float, str]] = []
        self.refused = 0

    def limit_of(self, chat_id: str) -> _Limit:
        return self._group if chat_id.startswith("-") else self._private

    def admit(self, chat_id: str) -> int | None:
        """None: the message is accepted now; else the whole seconds to wait, as Telegram says."""
        now = self._now()
        limit = self.limit_of(chat_id)
        chat = self._chats[chat_id]
        while chat and chat[0] <= now - limit.per:
            chat.popleft()
        waits = []
        if len(self._all) == self._total.count and self._all[0] > now - self._total.per:
            waits.append(self._all[0] + self._total.per - now)
        if len(chat) >= limit.count:
            waits.append(chat[0] + limit.per - now)
        if waits:
            self.refused += 1
            return max(1, math.ceil(max(waits)))
        self._all.append(now)
        chat.append(now)
        self.accepted.append((now, chat_id))
        return None
