"""The fake Bot API for benchmarks: replies reach the officer waiting on that chat directly."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import defaultdict, deque
from typing import Any

from tests.fakes.bot_api import FakeBotApi

__all__ = ["TOKEN", "BenchBotApi", "Received"]

JSONDict = dict[str, Any]
TOKEN = "1000:AAHfakeTokenForTheFakeBotApi"
# Messages kept per chat for edits and presses; older ones are forgotten so the driver stays
# small and its garbage collector cheap over tens of thousands of visits.
_KEEP_PER_CHAT = 8

Received = tuple[float, JSONDict]


class BenchBotApi(FakeBotApi):
    """FakeBotApi whose sent messages go to a per-chat inbox, stamped when the fake got them.

    The stock fake wakes every waiter on every call and keeps every message; with hundreds of
    simulated people that would cost the driver more than the bots it measures.
    """

    def __init__(self, *, port: int = 0) -> None:
        super().__init__(port=port, token=TOKEN)

    def reset(self) -> None:
        super().reset()
        self._recent: defaultdict[int, deque[int]] = defaultdict(deque)
        self._inbox: defaultdict[int, deque[Received]] = defaultdict(deque)
        self._waiters: dict[int, asyncio.Future[None]] = {}
        self.edits = 0
        self.taken: dict[int, float] = {}  # update_id → when getUpdates handed it out
        queue = self._queue
        take = type(queue).take

        def taking(limit: int) -> list[bytes]:
            now = time.perf_counter()
            batch = take(queue, limit)
            for entry in itertools.islice(queue._entries, len(batch)):
                self.taken.setdefault(entry.update_id, now)
            return batch

        queue.take = taking  # type: ignore[method-assign]

    def trim_calls(self) -> None:
        """Forget the call log (counts are kept): nothing in the benchmark reads it."""
        self.calls.clear()

    def _record(self, message: JSONDict) -> None:
        chat_id: int = message["chat"]["id"]
        message_id: int = message["message_id"]
        self._messages[(chat_id, message_id)] = message
        recent = self._recent[chat_id]
        if message_id not in recent:
            recent.append(message_id)
            if len(recent) > _KEEP_PER_CHAT:
                self._messages.pop((chat_id, recent.popleft()), None)
        if "edit_date" in message:
            self.edits += 1
            return
        self._inbox[chat_id].append((time.perf_counter(), message))
        waiter = self._waiters.pop(chat_id, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def receive(self, chat_id: int, timeout: float) -> Received:  # noqa: ASYNC109
        """The next new message the bot sent to `chat_id`, with the time the fake received it."""
        inbox = self._inbox[chat_id]
        if not inbox:
            waiter = asyncio.get_running_loop().create_future()
            self._waiters[chat_id] = waiter
            try:
                async with asyncio.timeout(timeout):
                    await waiter
            finally:
                if self._waiters.get(chat_id) is waiter:
                    del self._waiters[chat_id]
        return inbox.popleft()

    def drain(self, chat_id: int) -> int:
        """Drop unread messages in `chat_id`; how many there were."""
        inbox = self._inbox[chat_id]
        count = len(inbox)
        inbox.clear()
        return count
