"""Keeping sends within a platform's limits: so many in all, and so many into each chat.

Both are sliding windows ("at most n in any t seconds"), each a log of its last n sends.
A chat's window is stamped when a send is answered, never when it starts: the platform got
it before it answered, so the next send, started a window after that, reaches it a window
later whatever the network did. The platform-wide window must let sends overlap, so it is
stamped when a send starts, and `slack` covers the jitter between starting and arriving.
"""

from __future__ import annotations

import contextlib
import math
from collections import deque
from collections.abc import Callable

from scheduler.delivery import Pace

__all__ = ["Pacer", "Window"]


class Window:
    """At most `count` events in any `per` seconds."""

    def __init__(self, count: int, per: float) -> None:
        if count < 1 or per <= 0:
            raise ValueError(f"a window needs count ≥ 1 and per > 0, not {count}/{per}")
        self.per = per
        self._times: deque[float] = deque(maxlen=count)

    def wait(self, now: float) -> float:
        """Seconds until one more event fits (0: now)."""
        if len(self._times) < (self._times.maxlen or 0):
            return 0.0
        return max(0.0, self._times[0] + self.per - now)

    def add(self, at: float) -> None:
        self._times.append(at)

    def give_back(self, at: float) -> None:
        """Forget an event the platform refused: it did not count there either."""
        with contextlib.suppress(ValueError):  # already pushed out by newer events
            self._times.remove(at)

    def idle(self, now: float) -> bool:
        """Nothing in the window any more: it may be forgotten."""
        return not self._times or self._times[-1] + self.per <= now


class Pacer:
    """The windows of one platform: all its chats together, and each chat on its own.

    A sender that states no limits (a console) is not held back.
    """

    def __init__(
        self,
        per_second: float | None,
        pace: Callable[[str], Pace] | None,
        slack: float = 0.0,
    ) -> None:
        self._all: Window | None = None
        if per_second:
            count = max(1, math.floor(per_second))
            self._all = Window(count, count / per_second + slack)
        self._pace = pace
        self._chats: dict[str, Window] = {}

    def chat_wait(self, chat_id: str, now: float) -> float:
        window = self._chats.get(chat_id)
        return window.wait(now) if window else 0.0

    def total_wait(self, now: float) -> float:
        return self._all.wait(now) if self._all else 0.0

    def start(self, now: float) -> None:
        """A send starts now (counted in all: call only once `total_wait` is 0)."""
        if self._all:
            self._all.add(now)

    def refused(self, started: float) -> None:
        """The platform refused the send started then: it does not count in all."""
        if self._all:
            self._all.give_back(started)

    def answered(self, chat_id: str, now: float) -> None:
        """A send to the chat was answered now (taken or refused: either way, it counts)."""
        if self._pace is None:
            return
        window = self._chats.get(chat_id)
        if window is None:
            pace = self._pace(chat_id)
            window = self._chats[chat_id] = Window(pace.count, pace.per)
        window.add(now)

    def forget_idle(self, now: float) -> None:
        """Drop the windows of chats not sent to lately: memory stays bounded by the busy ones."""
        for chat_id in [c for c, w in self._chats.items() if w.idle(now)]:
            del self._chats[chat_id]
