"""The timed jobs on APScheduler: each asks the store what is due, with `now` from the clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from domain.clock import Clock
from handlers.context import CaseRules, Links
from scheduler.drafts import sweep_drafts
from scheduler.ledger_jobs import ask_for_progress, remind_deadlines
from scheduler.outbox import OutboxWorker
from storage import Store

__all__ = ["Campaign", "build_scheduler"]

_UPDATE_MEMORY = timedelta(days=2)


@dataclass(frozen=True, slots=True)
class Campaign:
    """What the jobs need to know of the campaign: its zone, language, links and rules."""

    zone: ZoneInfo
    language: str
    links: Links
    rules: CaseRules
    remind_after: timedelta
    expire_after: timedelta


def build_scheduler(
    store: Store, clock: Clock, worker: OutboxWorker, campaign: Campaign
) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")
    once = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 3600}
    c = campaign

    async def drafts() -> None:
        await sweep_drafts(store, clock.now(), c.remind_after, c.expire_after)

    async def forget_updates() -> None:
        async with store.transaction() as tx:
            await tx.updates.forget(clock.now() - _UPDATE_MEMORY)

    async def deadlines() -> None:
        await remind_deadlines(store, clock.now(), c.zone, c.language, c.links, c.rules)

    async def progress() -> None:
        await ask_for_progress(store, clock.now(), c.zone, c.language, c.links, c.rules)

    scheduler.add_job(drafts, "interval", minutes=1, id="drafts", **once)
    scheduler.add_job(worker.run_once, "interval", seconds=1, id="outbox", **once)
    scheduler.add_job(forget_updates, "interval", hours=1, id="forget-updates", **once)
    # Mornings in the campaign's zone, when units start work; both skip non-working days.
    scheduler.add_job(
        deadlines, CronTrigger(hour=9, minute=0, timezone=c.zone), id="deadlines", **once
    )
    scheduler.add_job(
        progress, CronTrigger(hour=9, minute=30, timezone=c.zone), id="progress", **once
    )
    return scheduler
