"""WeCom callbacks under load: 200 officers posting encrypted callbacks at the same time.

    .venv/bin/python -m bench.wecom_callbacks [--officers 200] [--visits 3]

The driver (this process) runs the fake WeCom API and the officers; the bot (WeComChannel over
the real core and an SQLite file) runs in a child process on the other core. Each officer logs
visits in a closed loop: the one-line visit, then "确认", each posted encrypted and signed the
way WeCom does, the next only once the bot's replies reached the fake API. Then a burst: every
officer posts one callback at the same instant. Figures:

- answer: post → HTTP 200 (WeCom retries after 5 s; the goal is p99 under 50 ms);
- delivered: post → the last reply of that step accepted by the fake message/send;
- callbacks answered per second over the closed-loop phase.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bench.measures import Latency
from bench.processes import BotProcess, cpu_count
from bot.case_rules import FileCaseRules
from bot.channels.wecom import CALLBACK_PATH, WeComChannel
from bot.channels.wecom_crypto import WeComCrypto
from bot.links import TelegramLinks
from bot.settings import Settings
from domain.clock import SystemClock
from domain.people import Role
from domain.workdays import DeadlinePolicy
from handlers import Core, all_flows
from storage import open_store
from storage.records import NewInvite, NewUnit
from tests.channels.wecom import callbacks as cb
from tests.channels.wecom import vectors as v
from tests.channels.wecom.callbacks import CallbackClient
from tests.fakes.wecom_api import AGENT_ID, CORP_ID, SECRET, FakeWeComApi

__all__ = ["main"]

_VISIT = "走访 住户 15户 40人 珍珠园五村"
# Replies per step as message/send calls: the review card (12 choices: numbered text only);
# then "saved" and "anything to report?" (its one choice also as a button card).
_STEPS = ((_VISIT, 1), ("确认", 3))
_READY_TIMEOUT = 60.0


def _user(index: int) -> str:
    return f"officer{index:04d}"


async def _seed(path: Path, officers: int) -> None:
    """One police station holding every officer, each joined on WeCom."""
    now = datetime.now(UTC)
    store = await open_store(path)
    try:
        async with store.transaction() as tx:
            await tx.directory.add_units(
                [
                    NewUnit("MAS", "马鞍山市", None, "city"),
                    NewUnit("MAS-P", "派出所", "MAS", "police"),
                ]
            )
            unit = await tx.directory.unit_by_code("MAS-P")
            assert unit is not None
            invite = await tx.directory.add_invite(
                NewInvite("BENCHWX1", unit.id, Role.OFFICER, now)
            )
            for index in range(officers):
                user = _user(index)
                await tx.directory.join(invite, f"干警{index:04d}", "wecom", user, user, "zh", now)
    finally:
        await store.close()


def _settings(api_url: str, port: int) -> Settings:
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


async def _serve(database: Path, api_url: str, port: int, concurrency: int) -> None:
    """The bot under test: the channel over the real core, until SIGTERM."""
    store = await open_store(database)
    clock = SystemClock()
    rules = FileCaseRules(
        database.parent / "none.toml", database.parent / "none.toml", DeadlinePolicy()
    )
    rules.reload({"MAS", "MAS-P"})
    core = Core(store, clock, Settings().zone, "zh", TelegramLinks(), rules, all_flows())
    channel = WeComChannel(_settings(api_url, port), core, clock=clock, max_concurrent=concurrency)
    await channel.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await channel.stop()
        await store.close()
        print(json.dumps({"stats": vars(channel.stats)}), flush=True)


class _BenchApi(FakeWeComApi):
    """The fake, waking only the officer a message is for (its own wait wakes every waiter)."""

    def __init__(self) -> None:
        super().__init__()
        self._waiting: dict[str, tuple[int, asyncio.Future[None]]] = {}

    async def _send(self, request: web.Request) -> dict[str, Any]:
        extra = await super()._send(request)
        for user, (count, future) in list(self._waiting.items()):
            if len(self.messages[user]) >= count and not future.done():
                future.set_result(None)
                del self._waiting[user]
        return extra

    async def reached(self, user: str, count: int) -> None:
        if len(self.messages[user]) >= count:
            return
        future = asyncio.get_running_loop().create_future()
        self._waiting[user] = (count, future)
        await asyncio.wait_for(future, 30.0)


@dataclass
class _Timings:
    answers: list[float] = field(default_factory=list)
    delivered: list[float] = field(default_factory=list)
    refused: int = 0


async def _officer(
    index: int, client: CallbackClient, fake: _BenchApi, visits: int, timings: _Timings
) -> None:
    user = _user(index)
    expected = len(fake.messages[user])
    for _ in range(visits):
        for said, replies in _STEPS:
            start = time.perf_counter()
            posted = await client.text(user, said)
            timings.answers.append(time.perf_counter() - start)
            if posted.status != 200:
                timings.refused += 1
                return
            expected += replies
            await fake.reached(user, expected)
            timings.delivered.append(time.perf_counter() - start)


async def _burst(client: CallbackClient, fake: _BenchApi, officers: int) -> _Timings:
    """Every officer posts one callback at once ("/cancel": one short reply each)."""
    timings = _Timings()
    before = {_user(i): len(fake.messages[_user(i)]) for i in range(officers)}
    signed = [
        client.sign(cb.text(_user(i), "/cancel", client.next_id(), client.now()))
        for i in range(officers)
    ]

    async def one(index: int) -> None:
        params, data = signed[index]
        start = time.perf_counter()
        posted = await client.send(params, data)
        timings.answers.append(time.perf_counter() - start)
        if posted.status != 200:
            timings.refused += 1
            return
        user = _user(index)
        await fake.reached(user, before[user] + 1)
        timings.delivered.append(time.perf_counter() - start)

    await asyncio.gather(*(one(i) for i in range(officers)))
    return timings


def _line(name: str, seconds: Sequence[float]) -> str:
    lat = Latency.of(seconds)
    return (
        f"  {name:<10} n={lat.n:<5} mean {lat.mean:7.1f} ms  p50 {lat.p50:7.1f}  "
        f"p90 {lat.p90:7.1f}  p99 {lat.p99:7.1f}  max {lat.max:7.1f}"
    )


async def _drive(options: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="wecom-bench-"))
    database = workdir / "zoufang.db"
    await _seed(database, options.officers)
    cpus = cpu_count()
    async with _BenchApi() as fake:
        port = options.port
        bot = BotProcess(
            "bench.wecom_callbacks",
            [
                *("--serve", "--db", str(database), "--api", fake.url, "--port", str(port)),
                *("--concurrency", str(options.concurrency)),
            ],
            workdir / "bot.log",
            cpu=1 if cpus > 1 else None,
        )
        await bot.start()
        connector = aiohttp.TCPConnector(limit=0)
        try:
            async with aiohttp.ClientSession(connector=connector) as session:
                url = f"http://127.0.0.1:{port}{CALLBACK_PATH}"
                crypto = WeComCrypto(v.TOKEN, v.AES_KEY, CORP_ID)
                client = CallbackClient(url, crypto, SystemClock(), session)
                await _ready(session, url, bot)
                # Warm-up: one visit each, not measured (connections, caches, the first token).
                await asyncio.gather(
                    *(_officer(i, client, fake, 1, _Timings()) for i in range(options.officers))
                )
                timings = _Timings()
                cpu_before, driver_before = bot.cpu_seconds(), time.process_time()
                start = time.perf_counter()
                await asyncio.gather(
                    *(
                        _officer(i, client, fake, options.visits, timings)
                        for i in range(options.officers)
                    )
                )
                elapsed = time.perf_counter() - start
                cpu_used = bot.cpu_seconds() - cpu_before
                driver_cpu = time.process_time() - driver_before
                burst = await _burst(client, fake, options.officers)
        finally:
            await bot.stop()
        where = "its own core" if cpus > 1 else "the shared core"
        rate = len(timings.answers) / elapsed
        print(f"WeCom callbacks: {options.officers} officers, {options.visits} visits each")
        print(f"closed loop: {len(timings.answers)} callbacks in {elapsed:.2f} s = {rate:.0f}/s")
        print(f"  CPU: bot {cpu_used:.2f} s (on {where}), driver {driver_cpu:.2f} s")
        print(_line("answer", timings.answers))
        print(_line("delivered", timings.delivered))
        print(f"burst: {options.officers} callbacks posted at once")
        print(_line("answer", burst.answers))
        print(_line("delivered", burst.delivered))
        refused = timings.refused + burst.refused
        p99 = Latency.of(timings.answers + burst.answers).p99
        verdict = "met" if p99 < 50 else "MISSED"
        print(f"refused: {refused}; tokens fetched: {fake.tokens_issued}")
        print(f"goal p99 answer < 50 ms: {verdict} ({p99:.1f} ms)")
        print(bot.log_tail(1))
        return 0 if refused == 0 and p99 < 50 else 1


async def _ready(session: aiohttp.ClientSession, url: str, bot: BotProcess) -> None:
    deadline = time.perf_counter() + _READY_TIMEOUT
    while time.perf_counter() < deadline:
        if not bot.running:
            raise RuntimeError("the bot exited:\n" + bot.log_tail())
        try:
            async with session.get(url) as response:
                if response.status == 400:  # up: it wants the verification parameters
                    return
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.1)
    raise TimeoutError("the bot did not start listening:\n" + bot.log_tail())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--officers", type=int, default=200)
    parser.add_argument("--visits", type=int, default=3, help="measured visits per officer")
    parser.add_argument("--port", type=int, default=18_480)
    parser.add_argument(
        "--concurrency", type=int, default=64, help="callbacks the bot works on at once"
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--api", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.serve:
        asyncio.run(_serve(options.db, options.api, options.port, options.concurrency))
        return 0
    return asyncio.run(_drive(options))


if __name__ == "__main__":
    sys.exit(main())
