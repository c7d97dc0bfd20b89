"""The outbox worker: delivers queued messages through the channels, retrying with backoff."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from domain.clock import Clock
from scheduler.delivery import DeliveryFailed, Sender, reply_from_payload
from storage import Store

__all__ = ["OutboxWorker", "Round"]

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


def backoff(attempts: int) -> timedelta:
    """2 s, 4 s, 8 s … capped at 10 minutes."""
    return timedelta(seconds=min(2 ** (attempts + 1), 600))


@dataclass(frozen=True, slots=True)
class Round:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


class OutboxWorker:
    """Sends what is due, oldest first.

    A message is marked sent in the transaction right after the platform accepted it;
    a crash between the two can still repeat that one message (the bulletins issue
    tightens this with platform-side idempotency where a platform offers it).
    """

    def __init__(
        self, store: Store, senders: Mapping[str, Sender], clock: Clock, batch: int = 50
    ) -> None:
        self._store = store
        self._senders = senders
        self._clock = clock
        self._batch = batch

    async def run_once(self) -> Round:
        async with self._store.transaction() as tx:
            items = await tx.outbox.due(self._clock.now(), self._batch)
        sent = retrying = failed = 0
        for item in items:
            sender = self._senders.get(item.platform)
            if sender is None:
                continue  # that channel is not running in this process; leave it queued
            try:
                await sender.deliver(item.chat_id, reply_from_payload(item.payload))
            except DeliveryFailed as failure:
                now = self._clock.now()
                async with self._store.transaction() as tx:
                    if failure.permanent or item.attempts + 1 >= MAX_ATTEMPTS:
                        await tx.outbox.mark_failed(item.id, failure.reason)
                        failed += 1
                        log.warning("outbox %s undeliverable: %s", item.id, failure.reason)
                    else:
                        wait = (
                            timedelta(seconds=failure.retry_after)
                            if failure.retry_after is not None
                            else backoff(item.attempts)
                        )
                        await tx.outbox.retry_later(item.id, now + wait, failure.reason)
                        retrying += 1
                continue
            async with self._store.transaction() as tx:
                await tx.outbox.mark_sent(item.id, self._clock.now())
            sent += 1
        return Round(sent=sent, retrying=retrying, failed=failed)
