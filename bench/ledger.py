"""The ledger at scale: 100,000 cases and 1,000,000 visits; list pages, case cards, full export.

    .venv/bin/python -m bench.ledger [--cases 100000] [--visits 1000000] [--rounds 200]

Seeding writes rows with sqlite3 directly (the product's storage API adds one row per call,
which would take minutes here); everything measured goes through the product's own code:
`Core.handle` for `/cases` and `/case`, `exports.ledger.export_cases` for the XLSX.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.case_rules import FileCaseRules
from bot.links import TelegramLinks
from domain.clock import SystemClock
from domain.workdays import DeadlinePolicy
from handlers import Core, all_flows
from handlers.messages import Actor, Command, Incoming
from storage import open_store

__all__ = ["main"]

ZONE = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 25)
STATUSES = (
    ["pending_assignment"] * 10
    + ["assigned"] * 10
    + ["in_progress"] * 30
    + ["pending_verification"] * 5
    + ["pending_followup"] * 5
    + ["closed"] * 25
    + ["solved_on_spot"] * 15
)
KINDS = ("opinion", "dispute", "hardship", "lead", "risk")
CATEGORIES = ("legal", "livelihood", "other")
WORDS = ("路灯", "噪音", "漏水", "停车", "邻里", "欠薪", "诈骗", "垃圾", "占道", "宠物")
FILTERS = ("待交办", "办理中 逾期", "逾期", "民生类 矛盾纠纷", "路灯", "湖东路派出所 办理中", "")


def _seed(path: Path, cases: int, visits: int, rng: random.Random) -> None:
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = OFF")  # seeding only: a crash here just means reseeding
    now = datetime(2026, 11, 25, 2, tzinfo=UTC).isoformat()
    units: list[tuple[int, str, str, int | None, str]] = [(1, "MAS", "马鞍山市", None, "city")]
    units += [
        (i, f"U{i:03d}", f"第{i}单位", 1 + (i - 2) // 20 if i > 21 else 1, "unit")
        for i in range(2, 201)
    ]
    units[-1] = (200, "MAS-PCS", "湖东路派出所", 1, "police")
    db.executemany("INSERT INTO units VALUES (?, ?, ?, ?, ?)", units)
    people = [(i, f"干警{i}", 2 + i % 199, "officer", now) for i in range(1, 1001)]
    people.append((1001, "李主任", 1, "coordinator", now))
    db.executemany(
        "INSERT INTO people (id, name, unit_id, role, created_at) VALUES (?, ?, ?, ?, ?)", people
    )
    db.execute("INSERT INTO identities VALUES ('telegram', 'coord', 'coord', 1001, ?)", (now,))
    db.execute("INSERT INTO identities VALUES ('telegram', 'o7', 'o7', 7, ?)", (now,))
    start = TODAY - timedelta(days=180)

    def visit_rows() -> Iterator[tuple[object, ...]]:
        for i in range(1, visits + 1):
            person = rng.randint(1, 1000)
            day = start + timedelta(days=rng.randint(0, 180))
            yield (
                i,
                f"v{i}",
                person,
                2 + person % 199,
                "household",
                f"小区{i % 5000}",
                rng.randint(1, 30),
                rng.randint(1, 80),
                0,
                0,
                day.isoformat(),
                now,
            )

    db.executemany(
        """INSERT INTO visits (id, draft_id, person_id, unit_id, target, place, count, people,
                               materials, opinions, visit_date, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        visit_rows(),
    )

    def case_rows() -> Iterator[tuple[object, ...]]:
        per_day: dict[date, int] = {}
        for i in range(1, cases + 1):
            day = start + timedelta(days=rng.randint(0, 180))
            per_day[day] = per_day.get(day, 0) + 1
            status = rng.choice(STATUSES)
            held = status not in ("pending_assignment", "solved_on_spot")
            deadline = (day + timedelta(days=rng.randint(3, 30))).isoformat() if held else None
            created = datetime(day.year, day.month, day.day, 2, tzinfo=UTC).isoformat()
            yield (
                i,
                f"{day:%y%m%d}-{per_day[day]:03d}",
                f"c{i}",
                rng.randint(1, 1000),
                2,
                rng.choice(KINDS),
                rng.choice(CATEGORIES),
                f"群众反映{rng.choice(WORDS)}问题，编号{i}",
                f"小区{i % 5000}",
                "张三",
                "13812345678",
                "normal",
                status,
                rng.randint(2, 200) if held else None,
                deadline,
                created,
                1,
            )

    db.executemany(
        """INSERT INTO cases (id, number, draft_id, reporter_id, reporter_unit_id, kind, category,
                              description, place, resident_name, resident_phone, urgency, status,
                              holder_unit_id, deadline, created_at, version)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        case_rows(),
    )
    db.execute(
        """INSERT INTO case_events (case_id, actor_id, at, from_status, to_status, action, note)
           SELECT id, reporter_id, created_at, NULL, 'pending_assignment', NULL, NULL FROM cases"""
    )
    db.execute(
        """INSERT INTO case_events (case_id, actor_id, at, from_status, to_status, action, note)
           SELECT id, 1001, created_at, 'in_progress', 'in_progress', 'progress', '已联系群众'
           FROM cases WHERE status = 'in_progress'"""
    )
    db.commit()
    db.execute("ANALYZE")
    db.close()


def _quantiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50": round(statistics.median(ordered), 2),
        "p99": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
        "max": round(ordered[-1], 2),
    }


async def _timed(core: Core, actor: Actor, command: Command) -> float:
    started = time.perf_counter()
    replies = await core.handle(Incoming(actor, command))
    elapsed = (time.perf_counter() - started) * 1000
    if not replies or replies[0].text.startswith("抱歉"):
        raise RuntimeError(f"{command} failed: {replies}")
    return elapsed


async def _measure(path: Path, rounds: int, cases: int, rng: random.Random) -> dict[str, object]:
    store = await open_store(path)
    rules = FileCaseRules(None, None, DeadlinePolicy())
    core = Core(store, SystemClock(), ZONE, "zh", TelegramLinks(None), rules, all_flows())
    office = Actor("telegram", "coord", "coord", "李主任", "zh")
    officer = Actor("telegram", "o7", "o7", "干警7", "zh")
    results: dict[str, object] = {}
    async with store.transaction() as tx:
        numbers = [(await tx.ledger.card_by_id(rng.randint(1, cases))) for _ in range(50)]
    for words in FILTERS:
        samples = [await _timed(core, office, Command("cases", words)) for _ in range(rounds)]
        results[f"/cases {words or '(all)'}"] = _quantiles(samples)
    samples = [await _timed(core, officer, Command("cases", "")) for _ in range(rounds)]
    results["/cases (an officer's own)"] = _quantiles(samples)
    samples = []
    for i in range(rounds):
        card = numbers[i % len(numbers)]
        assert card is not None
        samples.append(await _timed(core, office, Command("case", card.number)))
    results["/case NUMBER"] = _quantiles(samples)
    await store.close()
    return results


async def _export(path: Path, out: Path) -> None:
    from exports.ledger import export_cases
    from storage.ledger_records import CaseFilter, Scope

    store = await open_store(path)
    started = time.perf_counter()
    rows = await export_cases(
        store,
        CaseFilter(scope=Scope(everything=True, person_id=1001)),
        zone=ZONE,
        language="zh",
        today=TODAY,
        full=False,
        out=out,
        fmt="xlsx",
    )
    seconds = time.perf_counter() - started
    await store.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "seconds": round(seconds, 2), "peak_rss_mb": round(peak_mb)}))


async def _migrate(path: Path) -> None:
    store = await open_store(path)
    await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--export-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_only:
        asyncio.run(_export(args.export_only, args.export_only.with_suffix(".xlsx")))
        return
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.db"
        asyncio.run(_migrate(path))
        started = time.perf_counter()
        _seed(path, args.cases, args.visits, rng)
        seeded = time.perf_counter() - started
        print(f"seeded {args.cases:,} cases and {args.visits:,} visits in {seeded:.1f} s")
        timings = asyncio.run(_measure(path, args.rounds, args.cases, rng))
        for name, figures in timings.items():
            print(f"{name:32} {figures}")
        run = subprocess.run(
            [sys.executable, "-m", "bench.ledger", "--export-only", str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        export = json.loads(run.stdout.strip().splitlines()[-1])
        print(f"full ledger export to XLSX: {export}")
        size = (path.with_suffix(".xlsx")).stat().st_size
        print(f"xlsx size: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
