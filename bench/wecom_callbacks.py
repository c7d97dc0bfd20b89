"""WeCom callbacks under load: 200 officers posting encrypted callbacks to the WeCom channel.

    .venv/bin/python -m bench.wecom_callbacks [--officers 200] [--paced-seconds 12] [--visits 3]
                                              [--null] [--no-gc-freeze]

The driver (this process, on core 0) runs the fake WeCom API and the officers; the bot
(bench.wecom_serve: WeComChannel over the real core and an SQLite file) runs in a child on
core 1. Each officer logs visits: the one-line visit, then "确认", each posted encrypted and
signed the way WeCom does. Phases, after one unmeasured warm-up visit each:

- paced (judged): people. Each officer waits for the bot's replies, reads, and sends the next
  message 1–2 s later (uniform jitter; starts spread over 2 s): about 106 callbacks/s from 200
  officers, faster than people read and type, so it errs on the heavy side;
- closed (stress): zero think time, the next message as soon as the replies arrived;
- burst (stress): every officer posts one callback at the same instant.

Figures: answer = post → HTTP 200 (WeCom retries after 5 s; the goal is p99 under 50 ms);
delivered = post → the last reply of that step accepted by the fake message/send. A probe
(bench.wecom_probe, a second process with nothing else to do) posts 20 callbacks/s during
paced and closed, timing answers without the driver's own queueing; loop lag is how late a
5 ms timer fires in each process. `--null` swaps the bot for a do-nothing aiohttp server: the
apparatus alone. The bot calls gc.freeze() once started, as bot/app.py does; `--no-gc-freeze`
shows what full collections of the start-up objects cost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bench.measures import Latency, percentile
from bench.processes import BotProcess, cpu_count, pin_self
from bench.wecom_probe import PROBE_USERS, Probe, probe_user
from bench.wecom_serve import LoopLag, serve
from bot.channels.wecom import CALLBACK_PATH
from bot.channels.wecom_crypto import WeComCrypto
from domain.clock import SystemClock
from domain.people import Role
from storage import open_store
from storage.records import NewInvite, NewUnit
from tests.channels.wecom import callbacks as cb
from tests.channels.wecom import vectors as v
from tests.channels.wecom.callbacks import CallbackClient
from tests.fakes.wecom_api import CORP_ID, FakeWeComApi

__all__ = ["main"]

_VISIT = "走访 住户 15户 40人 珍珠园五村"
# Replies per step as message/send calls: the review card (12 choices: numbered text only);
# then "saved" and "anything to report?" (its one choice also as a button card).
_STEPS = ((_VISIT, 1), ("确认", 3))
_THINK = (1.0, 2.0)
_READY_TIMEOUT = 60.0
_GOAL_MS = 50.0


def _user(index: int) -> str:
    return f"officer{index:04d}"


async def _seed(path: Path, officers: int) -> None:
    """One police station holding every officer and probe, each joined on WeCom."""
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
            users = [_user(i) for i in range(officers)]
            users += [probe_user(i) for i in range(PROBE_USERS)]
            for index, user in enumerate(users):
                await tx.directory.join(invite, f"干警{index:04d}", "wecom", user, user, "zh", now)
    finally:
        await store.close()


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
class _Phase:
    name: str
    answers: list[float] = field(default_factory=list)
    delivered: list[float] = field(default_factory=list)
    refused: int = 0
    window: tuple[float, float] = (0.0, 0.0)
    bot_cpu: float = 0.0
    driver_cpu: float = 0.0
    probe: list[float] = field(default_factory=list)


@dataclass
class _Officers:
    """The officers' side: posting steps, and (for the bot) waiting for the replies."""

    client: CallbackClient
    fake: _BenchApi
    deliveries: bool

    async def step(self, user: str, said: str, replies: int, phase: _Phase) -> bool:
        expected = len(self.fake.messages[user]) + replies
        start = time.perf_counter()
        posted = await self.client.text(user, said)
        phase.answers.append(time.perf_counter() - start)
        if posted.status != 200:
            phase.refused += 1
            return False
        if self.deliveries:
            await self.fake.reached(user, expected)
            phase.delivered.append(time.perf_counter() - start)
        return True

    async def closed(self, index: int, visits: int, phase: _Phase) -> None:
        for _ in range(visits):
            for said, replies in _STEPS:
                if not await self.step(_user(index), said, replies, phase):
                    return

    async def paced(self, index: int, until: float, phase: _Phase) -> None:
        rng = random.Random(index)
        await asyncio.sleep(rng.uniform(0.0, _THINK[1]))
        while time.perf_counter() < until:
            for said, replies in _STEPS:
                if not await self.step(_user(index), said, replies, phase):
                    return
                await asyncio.sleep(rng.uniform(*_THINK))

    async def burst(self, officers: int, phase: _Phase) -> None:
        """Every officer posts one callback at once ("/cancel": one short reply each)."""
        before = {_user(i): len(self.fake.messages[_user(i)]) for i in range(officers)}
        client = self.client
        signed = [
            client.sign(cb.text(_user(i), "/cancel", client.next_id(), client.now()))
            for i in range(officers)
        ]

        async def one(index: int) -> None:
            params, data = signed[index]
            start = time.perf_counter()
            posted = await client.send(params, data)
            phase.answers.append(time.perf_counter() - start)
            if posted.status != 200:
                phase.refused += 1
            elif self.deliveries:
                user = _user(index)
                await self.fake.reached(user, before[user] + 1)
                phase.delivered.append(time.perf_counter() - start)

        await asyncio.gather(*(one(i) for i in range(officers)))


async def _measure(
    phase: _Phase, bot: BotProcess, run: Callable[[], Awaitable[None]], probe: Probe | None
) -> _Phase:
    if probe is not None:
        await probe.start()
    cpu_before, driver_before = bot.cpu_seconds(), time.process_time()
    start = time.perf_counter()

    async def timed() -> None:
        # The phase is the officers' run; the probe may go on a little longer.
        await run()
        phase.window = (start, time.perf_counter())
        phase.bot_cpu = bot.cpu_seconds() - cpu_before
        phase.driver_cpu = time.process_time() - driver_before

    _, phase.probe = await asyncio.gather(timed(), probe.run() if probe else _nothing())
    return phase


async def _nothing() -> list[float]:
    return []


def _line(name: str, seconds: Sequence[float]) -> str:
    lat = Latency.of(seconds)
    return (
        f"  {name:<10} n={lat.n:<5} mean {lat.mean:6.1f} ms  p50 {lat.p50:6.1f}  "
        f"p90 {lat.p90:6.1f}  p99 {lat.p99:6.1f}  max {lat.max:6.1f}"
    )


def _lag(samples: Sequence[tuple[float, float]], window: tuple[float, float]) -> str:
    ms = sorted(lag * 1000 for t, lag in samples if window[0] <= t <= window[1])
    if not ms:
        return "n/a"
    return f"p50 {percentile(ms, 50):.1f} p99 {percentile(ms, 99):.1f} max {ms[-1]:.1f} ms"


def _report(phase: _Phase, bot_lag: list[tuple[float, float]], driver_lag: LoopLag) -> None:
    elapsed = phase.window[1] - phase.window[0]
    count = len(phase.answers)
    print(
        f"{phase.name}: {count} callbacks in {elapsed:.2f} s = {count / elapsed:.0f}/s; "
        f"CPU bot {phase.bot_cpu / elapsed:.0%}, driver {phase.driver_cpu / elapsed:.0%}"
    )
    print(_line("answer", phase.answers))
    if phase.delivered:
        print(_line("delivered", phase.delivered))
    if phase.probe:
        print(_line("probe", phase.probe))
    print(f"  loop lag   bot {_lag(bot_lag, phase.window)}; driver ", end="")
    print(_lag(driver_lag.samples, phase.window))


async def _drive(options: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="wecom-bench-"))
    database = workdir / "zoufang.db"
    await _seed(database, options.officers)
    cpus = cpu_count()
    driver_cpu = 0 if cpus > 1 else None
    pin_self(driver_cpu)
    lag = LoopLag()
    lag.start()
    kind = "null" if options.null else "bot"
    async with _BenchApi() as fake:
        port = options.port
        bot = BotProcess(
            "bench.wecom_callbacks",
            [
                *("--serve", kind, "--db", str(database), "--api", fake.url),
                *("--port", str(port), "--concurrency", str(options.concurrency)),
                "--gc-freeze" if options.gc_freeze else "--no-gc-freeze",
            ],
            workdir / "bot.log",
            cpu=1 if cpus > 1 else None,
        )
        await bot.start()
        connector = aiohttp.TCPConnector(limit=0)
        phases: list[_Phase] = []
        try:
            async with aiohttp.ClientSession(connector=connector) as session:
                url = f"http://127.0.0.1:{port}{CALLBACK_PATH}"
                crypto = WeComCrypto(v.TOKEN, v.AES_KEY, CORP_ID)
                client = CallbackClient(url, crypto, SystemClock(), session)
                officers = _Officers(client, fake, deliveries=not options.null)
                everyone = range(options.officers)
                await _ready(session, url, bot)
                warm = _Phase("warm-up")
                await asyncio.gather(*(officers.closed(i, 1, warm) for i in everyone))

                async def paced() -> None:
                    until = time.perf_counter() + options.paced_seconds
                    await asyncio.gather(*(officers.paced(i, until, phase) for i in everyone))

                async def closed() -> None:
                    await asyncio.gather(
                        *(officers.closed(i, options.visits, phase) for i in everyone)
                    )

                async def burst() -> None:
                    await officers.burst(options.officers, phase)

                closed_seconds = options.visits * len(_STEPS) * options.officers / 400
                runs = (
                    ("paced", paced, options.paced_seconds),
                    ("closed", closed, closed_seconds),
                    ("burst", burst, 0.0),
                )
                for number, (name, run, probe_seconds) in enumerate(runs):
                    phase = _Phase(name)
                    first_id = 9_000_000_001 + number * 1_000_000
                    probe = (
                        Probe(url, probe_seconds, driver_cpu, first_id) if probe_seconds else None
                    )
                    phases.append(await _measure(phase, bot, run, probe))
        finally:
            lag.stop()
            await bot.stop()
        ended = json.loads(bot.log_tail(1))
        bot_lag = [(t, lag_s) for t, lag_s in ended["lag"]]
        what = "a do-nothing aiohttp server (--null)" if options.null else "the WeCom channel"
        print(
            f"WeCom callbacks: {options.officers} officers against {what}; {cpus} cores "
            "(bot on core 1, driver and probe on core 0); "
            f"concurrency {options.concurrency}, gc.freeze {'on' if options.gc_freeze else 'off'}"
        )
        for phase in phases:
            _report(phase, bot_lag, lag)
        refused = sum(phase.refused for phase in phases)
        judged = Latency.of(phases[0].answers).p99
        verdict = "met" if judged < _GOAL_MS else "MISSED"
        gc2 = ", ".join(f"{pause * 1000:.0f}" for pause in ended["gc2"]) or "none"
        print(f"refused: {refused}; tokens fetched: {fake.tokens_issued}; bot: {ended['stats']}")
        print(f"bot's full garbage collections (ms): {gc2}")
        print(f"goal: paced answer p99 < {_GOAL_MS:.0f} ms: {verdict} ({judged:.1f} ms)")
        return 0 if refused == 0 and judged < _GOAL_MS else 1


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


def _run_serve(options: argparse.Namespace) -> None:
    work = serve(
        options.serve,
        options.db,
        options.api,
        options.port,
        options.concurrency,
        gc_freeze=options.gc_freeze,
    )
    asyncio.run(work)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--officers", type=int, default=200)
    parser.add_argument("--paced-seconds", type=float, default=12.0)
    parser.add_argument("--visits", type=int, default=3, help="closed-loop visits per officer")
    parser.add_argument("--port", type=int, default=18_480)
    parser.add_argument(
        "--concurrency", type=int, default=64, help="callbacks the bot works on at once"
    )
    parser.add_argument("--null", action="store_true", help="a do-nothing server, not the bot")
    parser.add_argument(
        "--gc-freeze",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="the bot calls gc.freeze() once started, as bot/app.py does",
    )
    parser.add_argument("--serve", choices=("bot", "null"), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--api", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.serve:
        _run_serve(options)
        return 0
    return asyncio.run(_drive(options))


if __name__ == "__main__":
    sys.exit(main())
