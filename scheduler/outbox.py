"""The outbox worker: sends what is due within each platform's limits, each message once.

Once, as far as a platform without idempotency keys allows it:
- An item is claimed (committed as 'sending') before the platform is called and settled
  after the answer: 'sent'; back to 'pending' on a 429 (after its retry_after, holding back
  that chat only) or a 5xx or connection error (with backoff); 'failed' on a permanent
  error (blocked, chat gone, bot removed), with the reason; 'uncertain' when the answer
  never came (a read timeout, a connection dropped mid-call): the platform may have the
  message, so it is not sent again.
- An item found still claimed `lease` after its claim, by no send of this worker, belongs
  to a worker that died between claim and settle: it becomes 'uncertain' too, is logged
  and counted (`Round.uncertain`), and its chat moves on. That window is one send's round
  trip; a crash in it can lose that message (rarely: most such sends went through) but
  never repeats it. Nothing is resent blindly.
- A graceful `stop()` lets every send under way finish and settle before it returns.

A chat's next item goes only once the one before is settled, so each chat gets its
messages in order; chats do not wait for each other: sends to different chats overlap.
A reply of several platform sends (a Splitter's parts) goes part by part, each paced and
recorded, so a failure resumes at the part that failed.

One worker per database. Pacing runs on a monotonic timer (not the wall clock, which can
jump); due times and records use the injected Clock. Both the timer and `sleep` can be
replaced, so tests run the worker in virtual time.
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import logging
import math
import time
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.clock import Clock
from scheduler.delivery import DeliveryFailed, Sender, Splitter, reply_from_payload
from scheduler.pacing import Pacer
from storage import Store, Tx
from storage.records import OutboxItem

__all__ = ["OutboxWorker", "Round", "backoff"]

# Told, in the transaction that marks it, of a message that can never be delivered because
# its chat is gone (the bot removed from the group, the robot deleted, the bot blocked).
OnFailed = Callable[[Tx, OutboxItem, str, datetime], Awaitable[None]]
# Told, in the same way, that a chat now lives under another id (platform, old id, new id).
OnMoved = Callable[[Tx, str, str, str], Awaitable[None]]

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]

_LEASE = timedelta(minutes=2)  # far longer than any send may take (timeouts are seconds)
_GIVE_UP_AFTER = timedelta(hours=24)  # a message still failing a day after it was due is stale
_PASS_SECONDS = 1.0  # a pass re-reads the queue at least this often, for retries and new heads
_SLACK = 0.03  # seconds added to the platform-wide window, for start-to-arrival jitter


def backoff(attempts: int) -> timedelta:
    """0.5 s, 1 s, 2 s … capped at 10 minutes: a 502 is mostly a blip, a long outage is not."""
    return timedelta(seconds=min(0.5 * 2**attempts, 600))


@dataclass(frozen=True, slots=True)
class Round:
    """What became of the items settled: counted per item, not per platform send."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    uncertain: int = 0

    def __add__(self, other: Round) -> Round:
        return Round(
            self.sent + other.sent,
            self.retrying + other.retrying,
            self.failed + other.failed,
            self.uncertain + other.uncertain,
        )


class _Outcome(enum.Enum):
    SENT = enum.auto()
    PART = enum.auto()  # one part of several went; the item is pending for the next
    RETRY = enum.auto()
    FAILED = enum.auto()
    UNCERTAIN = enum.auto()
    UNSETTLED = enum.auto()  # the store failed to record it: the lease makes it uncertain

    @property
    def counted(self) -> Round:
        return _COUNTED.get(self, Round())


_COUNTED = {
    _Outcome.SENT: Round(sent=1),
    _Outcome.RETRY: Round(retrying=1),
    _Outcome.FAILED: Round(failed=1),
    _Outcome.UNCERTAIN: Round(uncertain=1),
}


@dataclass(slots=True)
class _Pass:
    started: list[asyncio.Task[_Outcome]]
    seen: set[int]  # the heads this pass looked at
    recovered: int
    held: int  # heads left for later because their chat's window was full
    wait: float  # seconds until the first held head's window opens (inf: none held)


class OutboxWorker:
    """Delivers the outbox: `start()`/`stop()` in the app, `run_once()`/`run_until_idle()`
    where a caller drives it (tests, the benchmark, a scheduled job)."""

    def __init__(
        self,
        store: Store,
        senders: Mapping[str, Sender],
        clock: Clock,
        *,
        sleep: Sleep = asyncio.sleep,
        timer: Callable[[], float] = time.monotonic,
        batch: int = 100,
        poll: float = 0.5,
        lease: timedelta = _LEASE,
        give_up_after: timedelta = _GIVE_UP_AFTER,
        slack: float = _SLACK,
        on_failed: OnFailed | None = None,
        on_moved: OnMoved | None = None,
    ) -> None:
        self._store = store
        self._on_failed = on_failed
        self._on_moved = on_moved
        self._senders = senders
        self._clock = clock
        self._sleep = sleep
        self._timer = timer
        self._batch = batch
        self._poll = poll
        self._lease = lease
        self._give_up_after = give_up_after
        # A sender that states no limits (the console) is not held back.
        self._pacers = {
            platform: Pacer(
                getattr(sender, "per_second", None), getattr(sender, "pace", None), slack
            )
            for platform, sender in senders.items()
        }
        self._flying: dict[int, asyncio.Task[_Outcome]] = {}
        self._busy: set[tuple[str, str]] = set()
        self._settled = asyncio.Event()
        self._stopping = False
        self._loop: asyncio.Task[None] | None = None
        self.totals = Round()

    # -- driving it -----------------------------------------------------------------------

    async def run_once(self) -> Round:
        """Send each chat's next due item, waiting where its chat's pace says so; then wait
        for every answer. A chat's following items wait for the next round."""
        done = Round()
        tasks: list[asyncio.Task[_Outcome]] = []
        chosen: set[int] | None = None
        while True:
            step = await self._pass(only=chosen)
            chosen = step.seen if chosen is None else chosen
            tasks += step.started
            done += Round(uncertain=step.recovered)
            if not step.held:
                break
            await self._sleep(step.wait)
        for outcome in await asyncio.gather(*tasks):
            done += outcome.counted
        return done

    async def run_until_idle(self) -> Round:
        """Send until nothing is pending or in flight, sleeping through retries and pacing."""
        start = self.totals
        while True:
            self._settled.clear()
            step = await self._pass()
            if step.started:
                continue
            wait = min(step.wait, self._poll)
            if not self._flying:
                # Nothing can change but by time: sleep right up to the next due item.
                due = await self._until_due()
                if due is None:
                    break
                wait = min(step.wait, due)
            await self._idle(wait)
        return _difference(self.totals, start)

    def start(self) -> None:
        """Deliver in the background until `stop()`."""
        if self._loop is None:
            self._stopping = False
            self._loop = asyncio.create_task(self._run(), name="outbox")

    async def stop(self) -> None:
        """Take nothing new; let the sends under way finish and settle."""
        self._stopping = True
        self._settled.set()
        if self._loop is not None:
            await self._loop
            self._loop = None
        await asyncio.gather(*self._flying.values(), return_exceptions=True)

    async def _run(self) -> None:
        while not self._stopping:
            self._settled.clear()
            try:
                step = await self._pass()
            except Exception:
                log.exception("outbox pass failed; trying again shortly")
                await self._idle(self._poll)
                continue
            if not step.started:
                await self._idle(min(step.wait, self._poll))

    async def _idle(self, seconds: float) -> None:
        """Sleep until `seconds` pass or a send settles (its chat may have more)."""
        sleeper = asyncio.ensure_future(self._sleep(max(seconds, 0.0)))
        waker = asyncio.ensure_future(self._settled.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            waker.cancel()
        for pacer in self._pacers.values():
            pacer.forget_idle(self._timer())

    async def _until_due(self) -> float | None:
        """Seconds until the earliest pending item is due; None when nothing is left at all."""
        async with self._store.transaction() as tx:
            counts = await tx.outbox.counts()
            due = await tx.outbox.next_due()
        if due is None and not counts.get("sending"):
            return None
        later = (due - self._clock.now()).total_seconds() if due else 0.0
        # Due already but not taken: behind a claim of a worker gone, until its lease ends.
        return later if later > 0 else self._poll

    # -- one pass over the queue ----------------------------------------------------------

    async def _pass(self, only: Collection[int] | None = None) -> _Pass:
        """Claim and start what may go now; `only`: none but these items."""
        now = self._clock.now()
        async with self._store.transaction() as tx:
            stale = await tx.outbox.abandon_stale(now - self._lease, self._flying.keys())
            heads = await tx.outbox.heads(now, self._batch)
        for item_id in stale:
            log.warning("outbox %s was claimed by a worker that stopped: uncertain", item_id)
        self.totals += Round(uncertain=len(stale))
        step = _Pass([], {item.id for item in heads}, len(stale), 0, math.inf)
        began = self._timer()
        for item in heads:
            if self._stopping or self._timer() - began >= _PASS_SECONDS:
                break
            sender = self._senders.get(item.platform)
            key = (item.platform, item.chat_id)
            if sender is None or key in self._busy or (only is not None and item.id not in only):
                continue  # a channel not running here leaves its messages queued
            pacer = self._pacers[item.platform]
            hold = pacer.chat_wait(item.chat_id, self._timer())
            if hold > 0:
                step.held += 1
                step.wait = min(step.wait, hold)
                continue
            while (hold := pacer.total_wait(self._timer())) > 0:
                await self._sleep(hold)
            if self._stopping:
                break
            task = await self._launch(item, sender, pacer)
            if task is not None:
                step.started.append(task)
        return step

    async def _launch(
        self, item: OutboxItem, sender: Sender, pacer: Pacer
    ) -> asyncio.Task[_Outcome] | None:
        async with self._store.transaction() as tx:
            if not await tx.outbox.claim(item.id, self._clock.now()):
                return None
            item = dataclasses.replace(item, blobs=await tx.outbox.files(item.id))
        started = self._timer()
        pacer.start(started)
        key = (item.platform, item.chat_id)
        self._busy.add(key)
        task = asyncio.create_task(self._send(item, sender, pacer, started))
        self._flying[item.id] = task
        return task

    # -- one send ---------------------------------------------------------------------------

    async def _send(
        self, item: OutboxItem, sender: Sender, pacer: Pacer, started: float
    ) -> _Outcome:
        try:
            outcome = await self._attempt(item, sender, pacer, started)
        except Exception:
            log.exception("outbox %s: the send's outcome could not be recorded", item.id)
            outcome = _Outcome.UNSETTLED
        finally:
            self._busy.discard((item.platform, item.chat_id))
            self._flying.pop(item.id, None)
            self._settled.set()
        self.totals += outcome.counted
        return outcome

    async def _attempt(
        self, item: OutboxItem, sender: Sender, pacer: Pacer, started: float
    ) -> _Outcome:
        try:
            reply = reply_from_payload(item.payload, item.blobs)
            parts = (
                list(sender.parts(item.chat_id, reply)) if isinstance(sender, Splitter) else [reply]
            )
        except (KeyError, TypeError, ValueError) as error:
            return await self._settle_failure(
                item, DeliveryFailed(f"unreadable payload: {error!r}", permanent=True)
            )
        index = item.parts_sent
        if index < len(parts):
            try:
                await sender.deliver(item.chat_id, parts[index])
            except DeliveryFailed as failure:
                pacer.answered(item.chat_id, self._timer())
                if not failure.uncertain:
                    pacer.refused(started)
                return await self._settle_failure(item, failure)
            except Exception as error:
                # Not the sender's own account of a failure: it may have reached the platform.
                log.exception("outbox %s: the sender failed unexpectedly", item.id)
                pacer.answered(item.chat_id, self._timer())
                unknown = DeliveryFailed(repr(error), permanent=False, uncertain=True)
                return await self._settle_failure(item, unknown)
            pacer.answered(item.chat_id, self._timer())
        async with self._store.transaction() as tx:
            if index + 1 < len(parts):
                await tx.outbox.mark_part_sent(item.id, index + 1)
                return _Outcome.PART
            await tx.outbox.mark_sent(item.id, self._clock.now())
        return _Outcome.SENT

    async def _settle_failure(self, item: OutboxItem, failure: DeliveryFailed) -> _Outcome:
        now = self._clock.now()
        age = now - (item.created_at or now)
        async with self._store.transaction() as tx:
            if failure.moved_to is not None:
                # The chat was renamed, not refused: its messages, this one first, go there.
                await tx.outbox.move_chat(item.platform, item.chat_id, failure.moved_to)
                await tx.outbox.retry_later(item.id, now, failure.reason)
                if self._on_moved is not None:
                    await self._on_moved(tx, item.platform, item.chat_id, failure.moved_to)
                log.info("outbox chat %s moved to %s", item.chat_id, failure.moved_to)
                return _Outcome.RETRY
            if failure.uncertain:
                await tx.outbox.mark_uncertain(item.id, failure.reason)
                log.warning("outbox %s may have been sent; not resent: %s", item.id, failure.reason)
                return _Outcome.UNCERTAIN
            if failure.permanent or age >= self._give_up_after:
                reason = failure.reason
                if not failure.permanent:
                    reason = f"gave up after {item.attempts + 1} attempts in {age}: {reason}"
                await tx.outbox.mark_failed(item.id, reason)
                log.warning("outbox %s undeliverable: %s", item.id, reason)
                # Only a chat that is gone says anything about the group's binding; a day of
                # outage or one malformed message does not.
                if self._on_failed is not None and failure.chat_gone:
                    await self._on_failed(tx, item, reason, now)
                return _Outcome.FAILED
            wait = (
                timedelta(seconds=failure.retry_after)
                if failure.retry_after is not None
                else backoff(item.attempts)
            )
            await tx.outbox.retry_later(item.id, now + wait, failure.reason)
        return _Outcome.RETRY


def _difference(later: Round, earlier: Round) -> Round:
    return Round(
        later.sent - earlier.sent,
        later.retrying - earlier.retrying,
        later.failed - earlier.failed,
        later.uncertain - earlier.uncertain,
    )
