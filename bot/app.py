"""The composition root: every service built once, in reading order, then the bot runs."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
import sys
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.case_rules import FileCaseRules
from bot.channels.console import ConsoleChannel
from bot.demo import OFFICER_ID, seed_demo
from bot.links import TelegramLinks
from bot.settings import Settings
from domain.clock import Clock, SystemClock
from domain.workdays import DeadlinePolicy
from handlers import Core, all_flows
from handlers.messages import Actor
from i18n import catalog
from scheduler.delivery import Sender
from scheduler.jobs import Campaign, build_scheduler
from scheduler.outbox import OutboxWorker
from storage import Store, open_store

__all__ = ["ConsoleUnavailable", "run_bot", "run_console"]

log = logging.getLogger(__name__)


class ConsoleUnavailable(Exception):
    """The person asked for cannot use the console (unknown, or not joined there)."""


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # httpx logs every request and APScheduler every job run at INFO: noise beside the chat.
    for chatty in ("httpx", "apscheduler"):
        logging.getLogger(chatty).setLevel(logging.WARNING)


async def _case_rules(settings: Settings, store: Store) -> FileCaseRules:
    """Routing rules and holiday overrides, read once now and again on /reload."""
    policy = DeadlinePolicy(settings.urgent_workdays, settings.normal_workdays)
    rules = FileCaseRules(settings.routing_file, settings.calendar_file, policy)
    async with store.transaction() as tx:
        units = {unit.code for unit in await tx.directory.units()}
    for problem in rules.reload(units):
        log.error(
            "%s line %s: %s (%s); running without it until /reload succeeds",
            problem.file,
            problem.line,
            problem.code,
            problem.detail,
        )
    return rules


async def _core(settings: Settings, store: Store, clock: Clock, links: TelegramLinks) -> Core:
    rules = await _case_rules(settings, store)
    return Core(store, clock, settings.zone, settings.language, links, rules, all_flows())


def _scheduler(
    settings: Settings, store: Store, clock: Clock, core: Core, senders: dict[str, Sender]
) -> AsyncIOScheduler:
    campaign = Campaign(
        zone=settings.zone,
        language=settings.language,
        links=core.links,
        rules=core.rules,
        remind_after=timedelta(minutes=settings.draft_reminder_minutes),
        expire_after=timedelta(hours=settings.draft_expiry_hours),
    )
    return build_scheduler(store, clock, OutboxWorker(store, senders, clock), campaign)


async def run_bot(settings: Settings) -> None:
    """Start every configured channel; with no platform token, a console on demo data."""
    _configure_logging(settings)
    if settings.telegram_bot_token:
        await _run_telegram(settings)
    else:
        print(catalog(settings.language)("console.no_token"), file=sys.stderr)
        await run_console(settings, OFFICER_ID, seed=True)


async def _run_telegram(settings: Settings) -> None:
    # PTB 22 warns on every 429 unless opted in to its timedelta durations (PTB 23's only form).
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    from bot.channels.telegram import TelegramChannel  # only this path needs the PTB stack

    store = await open_store(settings.database_path)
    clock = SystemClock()
    links = TelegramLinks(settings.telegram_bot_username)
    core = await _core(settings, store, clock, links)
    telegram = TelegramChannel(settings, core, links=links)
    scheduler = _scheduler(settings, store, clock, core, {"telegram": telegram.sender})
    try:
        await telegram.start()
        scheduler.start()
        # What start-up built lives as long as the process: keep it out of every later
        # full collection (71 ms pauses under load before this).
        gc.freeze()
        log.info("zoufang is running; stop with Ctrl-C")
        await _until_stopped()
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)
        await telegram.stop()
        await store.close()


async def run_console(settings: Settings, external_id: str, *, seed: bool) -> None:
    """Chat in this terminal as the person with `external_id` (the demo officer by default)."""
    store = await open_store(settings.database_path)
    clock = SystemClock()
    try:
        if seed:
            await seed_demo(store, clock.now(), settings.zone, settings.language)
        async with store.transaction() as tx:
            person = await tx.directory.person_by_external_id(external_id)
            if person is None:
                raise ConsoleUnavailable(f"no person with external_id {external_id}")
            user_id = await tx.directory.chat_of(person.id, "console") or f"console-{external_id}"
        core = await _core(settings, store, clock, TelegramLinks(settings.telegram_bot_username))
        actor = Actor("console", user_id, user_id, person.name, settings.language)
        console = ConsoleChannel(core, actor)
        scheduler = _scheduler(settings, store, clock, core, {"console": console})
        scheduler.start()
        try:
            await console.run()
        finally:
            scheduler.shutdown(wait=False)
    finally:
        await store.close()


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
