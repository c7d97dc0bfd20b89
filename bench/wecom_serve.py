"""The process under test in bench.wecom_callbacks: the WeCom channel on the real core, or nothing.

`bot` is WeComChannel over the real core and an SQLite file; `null` is a bare aiohttp server
that reads each POST and answers 200, so the apparatus (driver, loopback, aiohttp) can be
measured without the bot. Both watch their own event loop's lag and print it, with the
channel's counters, as one JSON line when SIGTERM stops them.
"""

from __future__ import annotations

import asyncio
import gc
import json
import signal
import time
from pathlib import Path

from aiohttp import web

from bot.case_rules import FileCaseRules
from bot.channels.wecom import CALLBACK_PATH, WeComChannel
from bot.links import TelegramLinks
from bot.settings import Settings
from domain.clock import SystemClock
from domain.workdays import DeadlinePolicy
from handlers import Core, all_flows
from storage import open_store
from tests.channels.wecom import vectors as v
from tests.fakes.wecom_api import AGENT_ID, CORP_ID, SECRET

__all__ = ["LoopLag", "serve", "settings"]

_TICK = 0.005


class GcPauses:
    """How long each garbage collection of the oldest generation held everything up."""

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self._began = 0.0

    def __enter__(self) -> GcPauses:
        gc.callbacks.append(self._note)
        return self

    def __exit__(self, *exc_info: object) -> None:
        gc.callbacks.remove(self._note)

    def _note(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.pauses.append(time.perf_counter() - self._began)


class LoopLag:
    """How late a 5 ms timer fires: how long this loop was too busy to look at its sockets.

    Samples are (monotonic time, lateness in seconds); perf_counter is CLOCK_MONOTONIC on
    Linux, so they line up with the driver's phase boundaries.
    """

    def __init__(self) -> None:
        self.samples: list[tuple[float, float]] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._watch())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def _watch(self) -> None:
        while True:
            due = time.perf_counter() + _TICK
            await asyncio.sleep(_TICK)
            now = time.perf_counter()
            self.samples.append((now, max(0.0, now - due)))


def settings(api_url: str, port: int) -> Settings:
    return Settings(
        wecom_corp_id=CORP_ID,
        wecom_agent_id=AGENT_ID,
        wecom_secret=SECRET,
        wecom_token=v.TOKEN,
        wecom_aes_key=v.AES_KEY,
        wecom_api_url=api_url,
        web_host="127.0.0.1",
        web_port=port,
        log_level="WARNING",
    )


async def _until_terminated() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()


async def _null(port: int) -> dict[str, int]:
    answered = 0

    async def post(request: web.Request) -> web.Response:
        nonlocal answered
        await request.read()
        answered += 1
        return web.Response()

    async def get(request: web.Request) -> web.Response:
        return web.Response(status=400)

    app = web.Application(client_max_size=64 * 1024)
    app.router.add_post(CALLBACK_PATH, post)
    app.router.add_get(CALLBACK_PATH, get)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        await _until_terminated()
    finally:
        await runner.cleanup()
    return {"answered": answered}


async def _bot(
    database: Path, api_url: str, port: int, concurrency: int, gc_freeze: bool
) -> dict[str, int]:
    store = await open_store(database)
    clock = SystemClock()
    none = database.parent / "none.toml"
    rules = FileCaseRules(none, none, DeadlinePolicy())
    rules.reload({"MAS", "MAS-P"})
    core = Core(store, clock, Settings().zone, "zh", TelegramLinks(), rules, all_flows())
    channel = WeComChannel(settings(api_url, port), core, clock=clock, max_concurrent=concurrency)
    await channel.start()
    if gc_freeze:
        # As bot/app.py does: what start-up built lives as long as the process.
        gc.freeze()
    try:
        await _until_terminated()
    finally:
        await channel.stop()
        await store.close()
    return dict(vars(channel.stats))


async def serve(
    kind: str, database: Path, api_url: str, port: int, concurrency: int, *, gc_freeze: bool
) -> None:
    """Serve until SIGTERM, then print {"stats": …, "lag": [[t, s], …], "gc2": [s, …]}."""
    lag = LoopLag()
    lag.start()
    with GcPauses() as collections:
        try:
            if kind == "null":
                stats = await _null(port)
            else:
                stats = await _bot(database, api_url, port, concurrency, gc_freeze)
        finally:
            lag.stop()
    ended = {"stats": stats, "lag": lag.samples, "gc2": collections.pauses}
    print(json.dumps(ended), flush=True)
