"""Replies a channel could not send when they were made (the platform said "too many, later"),
handed to the outbox, which waits for the platform's pace and sends them in order."""

from __future__ import annotations

from collections.abc import Sequence

from domain.clock import Clock
from handlers.messages import Reply
from scheduler.delivery import queue_reply
from storage import Store

__all__ = ["Deferred"]


class Deferred:
    def __init__(self, store: Store, clock: Clock, platform: str) -> None:
        self._store = store
        self._clock = clock
        self._platform = platform

    async def __call__(self, chat_id: str, replies: Sequence[Reply]) -> None:
        async with self._store.transaction() as tx:
            for reply in replies:
                await queue_reply(tx.outbox, self._platform, chat_id, reply, self._clock.now())
