"""Officers completing visits through the Telegram channel, beside a bare PTB echo bot.

    .venv/bin/python -m bench.telegram_officers [--officers 125] [--pace 200] [--quick]

The driver (this process) runs the fake Bot API on 127.0.0.1 and the simulated officers; each
bot under test runs in a child process pinned to the other core. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import shlex
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.fake_api import BenchBotApi
from bench.gcstats import GcPauses
from bench.measures import PhaseResult
from bench.officers import Phase
from bench.processes import ROOT, BotProcess, cpu_count, cpu_times, pin_self
from bench.report import Memory, Report, machine
from bench.seed import check_visits, officer_ids, seed_officers

__all__ = ["main"]

RESULTS = ROOT / "bench" / "results"
_READY_TIMEOUT = 60.0


@dataclass(frozen=True, slots=True)
class Contender:
    name: str
    module: str
    echo: bool  # answers by echoing (no keyboards, one message per update)
    database: bool


ECHO = Contender("echo", "bench.echo_bot", echo=True, database=False)
CONVERSATION = Contender("conversation", "bench.conversation_bot", echo=False, database=True)
ZOUFANG = Contender("zoufang", "bench.zoufang_bot", echo=False, database=True)
ECHO_AIOHTTP = Contender("echo-aiohttp", "bench.echo_aiohttp_bot", echo=True, database=False)
CONTENDERS = {c.name: c for c in (ECHO, ECHO_AIOHTTP, CONVERSATION, ZOUFANG)}


def _options(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--officers", type=int, default=125, help="simultaneous officers")
    parser.add_argument(
        "--visits-per-officer",
        type=int,
        default=None,
        help="end each measurement window after officers × N visits instead of after --seconds",
    )
    parser.add_argument("--pace", type=float, default=200.0, help="paced mode: updates/s in all")
    parser.add_argument("--seconds", type=float, default=20.0, help="measurement window")
    parser.add_argument("--warmup", type=float, default=5.0, help="warm-up before each window")
    parser.add_argument("--memory-visits", type=int, default=10_000, help="visits before RSS")
    parser.add_argument("--memory-officers", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=64, help="PTB concurrent updates")
    parser.add_argument("--reply-timeout", type=float, default=10.0)
    parser.add_argument(
        "--repeat", type=int, default=3, help="measure each mode N times; goals use the median"
    )
    parser.add_argument(
        "--pool", type=int, default=0, help="HTTP connection pool of every bot (0: PTB's 256)"
    )
    parser.add_argument(
        "--experiment",
        default="",
        help="change zoufang for cost attribution (no-mark, poll=S); goals are then not judged",
    )
    parser.add_argument(
        "--bots",
        default="echo,echo-aiohttp,conversation,zoufang",
        help="which bots, in order (conversation: the plain ConversationHandler reference)",
    )
    parser.add_argument("--no-pin", action="store_true", help="do not pin driver and bot to cores")
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    options = parser.parse_args(argv)
    if options.quick:
        options.seconds, options.warmup = min(options.seconds, 4.0), min(options.warmup, 1.0)
        options.memory_visits = min(options.memory_visits, 1_500)
        options.memory_officers = min(options.memory_officers, 200)
        options.repeat = 1
    options.bots = [name.strip() for name in options.bots.split(",") if name.strip()]
    unknown = set(options.bots) - set(CONTENDERS)
    if unknown or not options.bots:
        parser.error(f"--bots: choose among {', '.join(CONTENDERS)}")
    for name in ("officers", "memory_officers", "concurrency", "repeat"):
        if getattr(options, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    return options


async def _wait_ready(api: BenchBotApi, bot: BotProcess, polls_before: int) -> None:
    """The bot is ready once it long-polls (getMe, menus and webhook removal come first)."""
    deadline = time.monotonic() + _READY_TIMEOUT
    while api.call_counts().get("getUpdates", 0) <= polls_before:
        if not bot.running:
            raise RuntimeError(f"{bot.module} exited while starting:\n{bot.log_tail()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{bot.module} did not poll in {_READY_TIMEOUT:.0f}s")
        await asyncio.sleep(0.05)


def _file_size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


class Bench:
    def __init__(self, options: argparse.Namespace, report: Report, workdir: Path) -> None:
        self.o, self.report, self.workdir = options, report, workdir
        self.api = BenchBotApi()
        self.stamp = time.strftime("%Y%m%d-%H%M%S")
        self.bot_cpu = None if options.no_pin or cpu_count() < 2 else 1
        self.gc_pauses = GcPauses().install()

    async def run(self) -> None:
        await self.api.start()
        try:
            for name in self.o.bots:
                await self._contender(CONTENDERS[name])
        finally:
            await self.api.stop()

    def _phase(
        self, bot: BotProcess, contender: Contender, officers: list[int], **kw: object
    ) -> Phase:
        window_visits = (
            None if self.o.visits_per_officer is None else self.o.visits_per_officer * len(officers)
        )
        settings: dict[str, object] = {
            "echo": contender.echo,
            "warmup": self.o.warmup,
            "seconds": self.o.seconds,
            "window_visits": window_visits,
            "reply_timeout": self.o.reply_timeout,
            "bot_cpu": bot.cpu_seconds,
            "steal": lambda: cpu_times(self.bot_cpu),
            "gc_pauses": self.gc_pauses,
        } | kw
        return Phase(self.api, contender.name, contender.name, officers, **settings)  # type: ignore[arg-type]

    async def _contender(self, contender: Contender) -> None:
        o, api = self.o, self.api
        officers = officer_ids(o.officers)
        db = self.workdir / f"{contender.name}.db"
        args = ["--api", api.url, "--concurrency", str(o.concurrency), "--pool", str(o.pool)]
        if contender.database:
            args += ["--db", str(db)]
        if contender is ZOUFANG and o.experiment:
            args += ["--experiment", o.experiment]
        if contender is ZOUFANG:
            await seed_officers(db, max(o.officers, o.memory_officers))
        log = RESULTS / f"{self.stamp}-{contender.name}.log"
        self.report.logs[contender.name] = str(log.relative_to(ROOT))
        bot = BotProcess(contender.module, args, log, self.bot_cpu)
        confirmed: list[int] = []
        print(f"· {contender.name}: starting {contender.module}", file=sys.stderr, flush=True)
        try:
            polls = api.call_counts().get("getUpdates", 0)
            await bot.start()
            await _wait_ready(api, bot, polls)
            for run in range(1, o.repeat + 1):
                for mode in ("closed", "paced"):
                    pace = {"mode": mode, "pace": o.pace} if mode == "paced" else {}
                    phase = self._phase(bot, contender, officers, run=run, **pace)
                    result = await phase.run()
                    self._done(result)
                    confirmed += result.record_ids
                    api.trim_calls()
                    await asyncio.sleep(1.0)  # let the bot go idle between phases
            if contender is ECHO:
                self._memory().echo_rss_kib = bot.status().get("VmRSS", 0)
            if contender is ZOUFANG:
                confirmed += await self._memory_run(bot, len(confirmed), db)
        finally:
            code = await bot.stop()
            api.reset()
            if code not in (0, None):
                print(f"  {bot.module} exited with {code}", file=sys.stderr)
        if contender is ZOUFANG:
            memory = self._memory()
            memory.db_bytes_closed = _file_size(db)
            memory.check = await check_visits(db, confirmed)

    async def _memory_run(self, bot: BotProcess, done: int, db: Path) -> list[int]:
        """Visits until the database holds --memory-visits, then the bot's resident memory."""
        o, memory = self.o, self._memory()
        budget = o.memory_visits - done
        officers = officer_ids(o.memory_officers)
        memory.officers = len(officers)
        ids: list[int] = []
        if budget > 0:
            print(f"· zoufang: {budget} more visits by {len(officers)} officers", file=sys.stderr)
            # Hundreds of officers queue behind each other: an answer may take several seconds.
            phase = self._phase(
                bot,
                ZOUFANG,
                officers,
                budget=budget,
                warmup=0.0,
                max_seconds=1800.0,
                reply_timeout=max(o.reply_timeout, 60.0),
            )
            phase.name = "zoufang 10k"
            result = await phase.run()
            self._done(result)
            memory.seconds = result.window_s
            ids = result.record_ids
            api = self.api
            api.trim_calls()
        await asyncio.sleep(1.0)
        status = bot.status()
        memory.rss_kib, memory.hwm_kib = status.get("VmRSS", 0), status.get("VmHWM", 0)
        memory.visits_in_db = done + len(ids)
        memory.db_bytes = _file_size(db)
        memory.wal_bytes = _file_size(db.with_name(db.name + "-wal"))
        return ids

    def _memory(self) -> Memory:
        if self.report.memory is None:
            self.report.memory = Memory(0, 0, 0.0, 0, 0, 0, 0, 0)
        return self.report.memory

    def _done(self, result: PhaseResult) -> None:
        self.report.phases.append(result)
        lat = result.latency
        print(
            f"  {result.name} {result.mode} #{result.run}: {result.updates_per_s:.1f} updates/s,"
            f" p50 {lat.p50:.1f} ms, p99 {lat.p99:.1f} ms, errors {sum(result.errors.values())},"
            f" bot CPU {result.bot_cpu_pct:.0f}%, driver CPU {result.driver_cpu_pct:.0f}%",
            file=sys.stderr,
            flush=True,
        )


async def _main(options: argparse.Namespace, command: str) -> Report:
    report = Report(command, dict(vars(options)), machine())
    with tempfile.TemporaryDirectory(prefix="zoufang-bench-") as tmp:
        bench = Bench(options, report, Path(tmp))
        pin_self(None if bench.bot_cpu is None else 0)
        RESULTS.mkdir(parents=True, exist_ok=True)
        gc.freeze()  # the driver's long-lived objects need no scanning
        await bench.run()
    report.judge()
    return report


def main(argv: Sequence[str] | None = None) -> int:
    options = _options(argv)
    given = sys.argv[1:] if argv is None else list(argv)
    command = shlex.join([".venv/bin/python", "-m", "bench.telegram_officers", *given])
    report = asyncio.run(_main(options, command))
    print(report.text())
    path = RESULTS / f"{time.strftime('%Y%m%d-%H%M%S')}.json"
    report.save(path)
    print(f"\nJSON: {path.relative_to(ROOT)}")
    return 0 if all(goal.passed for goal in report.goals) else 1


if __name__ == "__main__":
    raise SystemExit(main())
