"""The figures as a table on stdout and as JSON under bench/results/."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path
from statistics import median
from typing import Any

from bench.measures import PhaseResult
from bench.seed import VisitCheck

__all__ = ["Goal", "Memory", "Report", "machine"]

_HEADER = (
    f"{'run':<18}{'mode':<8}{'officers':>9}{'updates/s':>11}{'offered/s':>11}"
    f"{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}{'late':>6}"
    f"{'bot CPU':>9}{'drv CPU':>9}{'steal':>7}{'other':>7}"
)


def machine() -> dict[str, Any]:
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.partition(":")[2].strip()
            break
    return {
        "cores": os.cpu_count(),
        "cpu_model": model,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "python_telegram_bot": version("python-telegram-bot"),
        "httpx": version("httpx"),
        "aiohttp": version("aiohttp"),
        "aiosqlite": version("aiosqlite"),
        "sqlite": sqlite3.sqlite_version,
    }


@dataclass(frozen=True, slots=True)
class Goal:
    name: str
    measured: float
    limit: float
    higher_is_better: bool
    note: str = ""

    @property
    def passed(self) -> bool:
        if self.note:
            return False
        return self.measured >= self.limit if self.higher_is_better else self.measured <= self.limit

    def line(self) -> str:
        sign = "≥" if self.higher_is_better else "≤"
        verdict = "PASS" if self.passed else "FAIL"
        extra = f" ({self.note})" if self.note else ""
        return (
            f"  {verdict}  {self.name}: {self.measured:.2f} (goal {sign} {self.limit:.2f}){extra}"
        )


@dataclass(slots=True)
class Memory:
    visits_in_db: int
    officers: int
    seconds: float
    rss_kib: int
    hwm_kib: int
    db_bytes: int  # the database file while the bot runs
    wal_bytes: int
    db_bytes_closed: int  # after the bot stopped (WAL checkpointed)
    check: VisitCheck | None = None
    echo_rss_kib: int = 0


@dataclass(slots=True)
class Report:
    command: str
    options: dict[str, Any]
    machine: dict[str, Any]
    phases: list[PhaseResult] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    ratios: dict[str, float] = field(default_factory=dict)
    memory: Memory | None = None
    logs: dict[str, str] = field(default_factory=dict)

    def runs(self, bot: str, mode: str) -> list[PhaseResult]:
        return [p for p in self.phases if p.name == bot and p.mode == mode]

    def medians(self, bot: str) -> dict[str, float]:
        """Median (and spread) over the repeated runs: closed-loop rate, paced latencies."""
        closed, paced = self.runs(bot, "closed"), self.runs(bot, "paced")
        found: dict[str, float] = {}
        if closed:
            rates = [p.updates_per_s for p in closed]
            found |= {"updates_per_s": median(rates), "min": min(rates), "max": max(rates)}
        if paced:
            p99s = [p.latency.p99 for p in paced]
            found |= {
                "paced_p50": median(p.latency.p50 for p in paced),
                "paced_p99": median(p99s),
                "paced_p99_min": min(p99s),
                "paced_p99_max": max(p99s),
                "paced_rate": median(p.updates_per_s for p in paced),
            }
        return found

    def judge(self) -> None:
        """Ratios of medians beside the echo bot, and the two goals of the issue."""
        # "echo" is the bare PTB echo bot the goals name; "echo-aiohttp" is the same echo on
        # zoufang's own transport, so that ratio shows what zoufang's logic alone costs.
        for base in ("echo", "echo-aiohttp"):
            echo = self.medians(base)
            for bot in ("zoufang", "conversation"):
                mine = self.medians(bot)
                if "updates_per_s" in mine and echo.get("updates_per_s"):
                    ratio = mine["updates_per_s"] / echo["updates_per_s"]
                    self.ratios[f"{bot}/{base} updates/s"] = ratio
                if "paced_p99" in mine and echo.get("paced_p99"):
                    self.ratios[f"{bot}/{base} paced p99"] = mine["paced_p99"] / echo["paced_p99"]
        experiment = self.options.get("experiment")
        note = f"experiment {experiment!r}: not the real bot" if experiment else ""
        if self.runs("zoufang", "closed") and self.runs("echo", "closed"):
            errors = _errors_note(*self.runs("zoufang", "closed"), *self.runs("echo", "closed"))
            self.goals.append(
                Goal(
                    "closed-loop updates/s, zoufang / echo (medians)",
                    self.ratios.get("zoufang/echo updates/s", 0.0),
                    0.75,
                    True,
                    note or errors,
                )
            )
        if self.runs("zoufang", "paced") and self.runs("echo", "paced"):
            errors = _errors_note(*self.runs("zoufang", "paced"), *self.runs("echo", "paced"))
            pace = float(self.options["pace"])
            # Latency at a pace only means something if the pace was kept: a bot that falls
            # behind turns the paced run into a closed loop, and its p99 into a queue length.
            behind = [
                f"{bot} answered {self.medians(bot)['paced_rate']:.0f}/s"
                for bot in ("zoufang", "echo")
                if self.medians(bot)["paced_rate"] < 0.95 * pace
            ]
            kept = f"pace not kept: {', '.join(behind)} of {pace:g}/s offered" if behind else ""
            self.goals.append(
                Goal(
                    f"p99 at {pace:g} updates/s, zoufang / echo (medians)",
                    self.ratios.get("zoufang/echo paced p99", 0.0),
                    2.0,
                    False,
                    note or errors or kept,
                )
            )

    def text(self) -> str:
        lines = [_HEADER, "-" * len(_HEADER)]
        for p in self.phases:
            lat = p.latency
            lines.append(
                f"{p.name + ' #' + str(p.run):<18}{p.mode:<8}{p.officers:>9}"
                f"{p.updates_per_s:>11.1f}"
                f"{p.offered_per_s:>11.1f}{lat.p50:>9.1f}{lat.p90:>9.1f}{lat.p99:>9.1f}"
                f"{lat.max:>9.1f}{sum(p.errors.values()):>8}{p.late_offers:>6}"
                f"{p.bot_cpu_pct:>8.0f}%{p.driver_cpu_pct:>8.0f}%{p.steal_pct:>6.0f}%"
                f"{p.other_pct:>6.0f}%"
            )
        lines += ["", "medians over runs:"]
        for bot in dict.fromkeys(p.name for p in self.phases):
            med = self.medians(bot)
            if "paced_p99" in med:
                lines.append(
                    f"  {bot:<14} closed {med['updates_per_s']:6.1f} updates/s"
                    f" ({med['min']:.1f}–{med['max']:.1f});  paced {med.get('paced_rate', 0):.1f}/s"
                    f" p50 {med.get('paced_p50', 0):.1f} ms, p99 {med.get('paced_p99', 0):.1f} ms"
                    f" ({med.get('paced_p99_min', 0):.1f}–{med.get('paced_p99_max', 0):.1f})"
                )
        lines += ["", "Bot API calls per handled update; update-to-reply split p50/p99 in ms:"]
        lines.append("  (fetch: pushed → handed out by getUpdates; bot: handed out → first reply)")
        for p in self.phases:
            calls = ", ".join(f"{m} {n:.2f}" for m, n in p.calls_per_update.items())
            fetch, inside = p.fetch, p.in_bot
            split = f"fetch {fetch.p50:.1f}/{fetch.p99:.1f}, bot {inside.p50:.1f}/{inside.p99:.1f}"
            lines.append(f"  {p.name + ' ' + p.mode + ' #' + str(p.run):<26}{calls}; {split}")
        lines.append("")
        lines += [f"  {name}: {value:.2f}" for name, value in self.ratios.items()]
        lines.append("")
        lines += [goal.line() for goal in self.goals]
        if self.memory is not None:
            m = self.memory
            rss, hwm = m.rss_kib / 1024, m.hwm_kib / 1024
            lines += [
                "",
                f"memory after {m.visits_in_db} visits in the database "
                f"({m.officers} officers, last stretch {m.seconds:.0f} s):",
                f"  zoufang VmRSS {rss:.1f} MiB (peak VmHWM {hwm:.1f} MiB);"
                f" echo bot VmRSS {m.echo_rss_kib / 1024:.1f} MiB after its runs",
                f"  SQLite file {m.db_bytes / 1e6:.2f} MB + WAL {m.wal_bytes / 1e6:.2f} MB while"
                f" running; {m.db_bytes_closed / 1e6:.2f} MB after the bot stopped",
            ]
            if m.check is not None:
                c = m.check
                verdict = "OK" if c.ok else "MISMATCH"
                lines.append(
                    f"  visits check {verdict}: confirmed to officers {c.expected},"
                    f" in db {c.in_db},"
                    f" distinct drafts {c.distinct_drafts}, missing {c.missing},"
                    f" unconfirmed {c.unconfirmed}, repeated record numbers {c.repeated_ids}"
                )
        samples = [(p.name, s) for p in self.phases for s in p.error_samples]
        if samples:
            lines += ["", "error samples:"] + [f"  {name}: {s}" for name, s in samples]
        info = self.machine
        lines += [
            "",
            f"machine: {info['cores']} cores, {info['cpu_model']}, Python {info['python']},"
            f" python-telegram-bot {info['python_telegram_bot']}, SQLite {info['sqlite']}",
            f"command: {self.command}",
        ]
        return "\n".join(lines)

    def save(self, path: Path) -> None:
        data = asdict(self)
        for phase in data["phases"]:
            phase.pop("record_ids", None)  # thousands of numbers; the check sums them up
        data["goals"] = [{**asdict(g), "passed": g.passed} for g in self.goals]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _errors_note(*phases: PhaseResult) -> str:
    errors = {p.name: sum(p.errors.values()) for p in phases if p.errors}
    return ", ".join(f"{n} errors in {name}" for name, n in errors.items())
