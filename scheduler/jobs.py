"""The timed jobs on APScheduler: each asks the store what is due, with `now` from the clock."""

from __future__ import annotations

from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from domain.clock import Clock
from scheduler.drafts import sweep_drafts
from scheduler.outbox import OutboxWorker
from storage import Store

__all__ = ["build_scheduler"]

_UPDATE_MEMORY = timedelta(days=2)


def build_scheduler(
    store: Store,
    clock: Clock,
    worker: OutboxWorker,
    *,
    remind_after: timedelta,
    expire_after: timedelta,
) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")
    once = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 60}

    async def drafts() -> None:
        await sweep_drafts(store, clock.now(), remind_after, expire_after)

    async def forget_updates() -> None:
        async with store.transaction() as tx:
            await tx.updates.forget(clock.now() - _UPDATE_MEMORY)

    scheduler.add_job(drafts, "interval", minutes=1, id="drafts", **once)
    scheduler.add_job(worker.run_once, "interval", seconds=1, id="outbox", **once)
    scheduler.add_job(forget_updates, "interval", hours=1, id="forget-updates", **once)
    return scheduler
