"""The composition root: every service built once, in reading order, then the bot runs."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Mapping
from datetime import timedelta
from typing import Protocol

from bot.case_rules import FileCaseRules
from bot.channels.console import ConsoleChannel
from bot.demo import OFFICER_ID, seed_demo
from bot.links import TelegramLinks
from bot.settings import Settings
from bot.web import WebListener
from domain.clock import Clock, SystemClock
from domain.workdays import DeadlinePolicy
from handlers import Core, all_flows
from handlers.messages import Actor
from i18n import catalog
from scheduler.deferred import Deferred
from scheduler.delivery import Sender
from scheduler.jobs import Campaign, build_scheduler
from scheduler.outbox import OutboxWorker
from scheduler.undeliverable import Undeliverable, group_moved
from storage import Store, open_store

__all__ = ["ConsoleUnavailable", "run_bot", "run_console", "serve"]

log = logging.getLogger(__name__)


class Channel(Protocol):
    """A platform the bot talks on: started and stopped here, sending the outbox's messages."""

    @property
    def sender(self) -> Sender: ...
    async def start(self) -> None: ...
    async def stop(self) -> None: ...


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


def _campaign(settings: Settings, core: Core) -> Campaign:
    return Campaign(
        zone=settings.zone,
        language=settings.language,
        links=core.links,
        rules=core.rules,
        remind_after=timedelta(minutes=settings.draft_reminder_minutes),
        expire_after=timedelta(hours=settings.draft_expiry_hours),
        spot_check_size=settings.spot_check_size,
    )


def _worker(
    settings: Settings, store: Store, clock: Clock, senders: Mapping[str, Sender]
) -> OutboxWorker:
    return OutboxWorker(
        store,
        senders,
        clock,
        on_failed=Undeliverable(settings.language),
        on_moved=group_moved,
    )


async def run_bot(settings: Settings) -> None:
    """Start every configured channel; with none configured, a console on demo data."""
    _configure_logging(settings)
    if settings.telegram_bot_token or settings.wecom:
        await serve(settings, _until_stopped())
    else:
        print(catalog(settings.language)("console.no_token"), file=sys.stderr)
        await run_console(settings, OFFICER_ID, seed=True)


async def serve(settings: Settings, until: Awaitable[None]) -> None:
    """Telegram, WeCom or both, in one process on one database, outbox and scheduler,
    until `until` completes (a signal, in the running bot)."""
    store = await open_store(settings.database_path)
    clock = SystemClock()
    links = TelegramLinks(settings.telegram_bot_username)
    core = await _core(settings, store, clock, links)
    listener = _listener(settings)
    channels = _channels(settings, store, core, clock, links, listener)
    worker = _worker(settings, store, clock, {c.sender.platform: c.sender for c in channels})
    scheduler = build_scheduler(store, clock, _campaign(settings, core))
    started: list[Channel] = []
    try:
        for channel in channels:
            await channel.start()
            started.append(channel)
        if listener is not None:
            await listener.start()
        worker.start()
        scheduler.start()
        # What start-up built lives as long as the process: keep it out of every later
        # full collection (71 ms pauses under load before this).
        gc.freeze()
        log.info("zoufang is running; stop with Ctrl-C")
        await until
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)
        await worker.stop()  # sends under way finish while the channels are still up
        if listener is not None:
            await listener.stop()
        for channel in reversed(started):
            await channel.stop()
        await store.close()


def _listener(settings: Settings) -> WebListener | None:
    """One listener for WeCom's callback and, beside it, Telegram's webhook if both are on."""
    if settings.wecom:
        return WebListener(settings.web_host, settings.web_port)
    return None


def _channels(
    settings: Settings,
    store: Store,
    core: Core,
    clock: Clock,
    links: TelegramLinks,
    listener: WebListener | None,
) -> list[Channel]:
    web_app = listener.app if listener else None
    channels: list[Channel] = []
    if settings.telegram_bot_token:
        # PTB 22 warns on every 429 unless opted in to its timedelta durations (PTB 23's only).
        os.environ.setdefault("PTB_TIMEDELTA", "true")
        from bot.channels.telegram import TelegramChannel  # only this path needs the PTB stack

        channels.append(TelegramChannel(settings, core, links=links, web_app=web_app))
    if settings.wecom:
        from bot.channels.wecom import WeComChannel

        defer = Deferred(store, clock, "wecom")
        channels.append(WeComChannel(settings, core, clock=clock, web_app=web_app, defer=defer))
    return channels


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
        worker = _worker(settings, store, clock, {"console": console})
        scheduler = build_scheduler(store, clock, _campaign(settings, core))
        worker.start()
        scheduler.start()
        try:
            await console.run()
        finally:
            scheduler.shutdown(wait=False)
            await worker.stop()
    finally:
        await store.close()


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
