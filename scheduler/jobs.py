"""The timed jobs on APScheduler: each asks the store what is due, with `now` from the clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from random import Random
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from domain.clock import Clock
from handlers.context import CaseRules, Links
from scheduler.bulletin_jobs import run_due_bulletins
from scheduler.drafts import sweep_drafts
from scheduler.ledger_jobs import ask_for_progress, remind_deadlines
from scheduler.nudge_jobs import send_nudges
from scheduler.spot_jobs import draw_spot_checks
from storage import Store

__all__ = ["Campaign", "build_scheduler"]

_UPDATE_MEMORY = timedelta(days=2)
# Settled outbox rows (and chart images nothing refers to) are kept a month for inquiries.
_OUTBOX_MEMORY = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class Campaign:
    """What the jobs need to know of the campaign: its zone, language, links and rules."""

    zone: ZoneInfo
    language: str
    links: Links
    rules: CaseRules
    remind_after: timedelta
    expire_after: timedelta
    spot_check_size: int = 10


def build_scheduler(store: Store, clock: Clock, campaign: Campaign) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")
    once = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 3600}
    c = campaign

    async def drafts() -> None:
        await sweep_drafts(store, clock.now(), c.remind_after, c.expire_after)

    async def prune_outbox() -> None:
        async with store.transaction() as tx:
            await tx.outbox.prune(clock.now() - _OUTBOX_MEMORY)

    async def forget_updates() -> None:
        async with store.transaction() as tx:
            await tx.updates.forget(clock.now() - _UPDATE_MEMORY)

    async def deadlines() -> None:
        await remind_deadlines(store, clock.now(), c.zone, c.language, c.links, c.rules)

    async def progress() -> None:
        await ask_for_progress(store, clock.now(), c.zone, c.language, c.links, c.rules)

    async def spot_checks() -> None:
        await draw_spot_checks(
            store, clock.now(), c.zone, c.language, c.links, c.rules, c.spot_check_size, Random()
        )

    async def bulletins() -> None:
        await run_due_bulletins(store, clock.now(), c.language, c.rules.is_workday)

    async def nudges() -> None:
        await send_nudges(store, clock.now(), c.language, c.rules.is_workday)

    scheduler.add_job(drafts, "interval", minutes=1, id="drafts", **once)
    # Each minute, every bulletin whose time has come and that has not run yet: the timetable
    # lives in the database (coordinators change it in the chat), and a restart after downtime
    # catches up the latest missed occurrence once, marked late.
    scheduler.add_job(bulletins, "interval", minutes=1, id="bulletins", **once)
    scheduler.add_job(nudges, "interval", minutes=5, id="nudges", **once)
    # Drawn once a day (a second run draws nothing), so a start after 08:30 catches up at once.
    scheduler.add_job(
        spot_checks, CronTrigger(hour=8, minute=30, timezone=c.zone), id="spot-checks", **once
    )
    scheduler.add_job(spot_checks, id="spot-checks-at-start", **once)
    scheduler.add_job(prune_outbox, "interval", hours=6, id="prune-outbox", **once)
    scheduler.add_job(forget_updates, "interval", hours=1, id="forget-updates", **once)
    # Mornings in the campaign's zone, when units start work; both skip non-working days.
    scheduler.add_job(
        deadlines, CronTrigger(hour=9, minute=0, timezone=c.zone), id="deadlines", **once
    )
    scheduler.add_job(
        progress, CronTrigger(hour=9, minute=30, timezone=c.zone), id="progress", **once
    )
    return scheduler
