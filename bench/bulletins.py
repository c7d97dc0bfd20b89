"""Bulletins at scale: 200 units, 1,000,000 visits, 100,000 cases; figures, texts and charts.

    .venv/bin/python -m bench.bulletins [--rounds 200] [--chart-rounds 20] [--reseed] [--db FILE]

Seeding writes rows with sqlite3 directly into a database migrated by the product (the running
totals are kept by the migration's own triggers as the rows go in) and keeps the file under
the temp directory for the next run; everything measured goes through the product's code:
`open_store`, one `store.transaction()` per computation as the scheduler does, then
`bulletins.compose.compute`, `render` and `draw`.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import hashlib
import random
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.measures import percentile
from bot.case_rules import FileCaseRules
from bulletins.compose import Figures, compute, draw, render
from bulletins.figures import Daily, Monthly, Weekly
from domain.campaigns import BulletinKind
from domain.workdays import DeadlinePolicy
from i18n.catalog import catalog
from storage import open_store
from storage.migrations import __file__ as _migrations_init

__all__ = ["main"]

ZONE = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 25)  # a Wednesday: the daily bulletin of that evening
DAYS = 90  # visits and cases from TODAY - 89 to TODAY
SEED_VERSION = 1  # bump when the seeded data changes shape
DISTRICTS = 10
STATIONS = 189  # under the districts: 1 + 10 + 189 = 200 units
OFFICERS = 2000
TARGETS = (("household", 80), ("enterprise", 12), ("school", 2), ("community", 3), ("other", 3))
KINDS = ("opinion", "dispute", "hardship", "lead", "risk")
CATEGORIES = ("legal", "livelihood", "other")
PLACES = "湖东花山雨山金家庄博望含山和县当涂采石慈湖佳山向山江心霍里"
GOALS_MS = {"daily": 50.0, "weekly": 100.0, "monthly": 200.0, "chart": 1000.0}  # issue 4, p99
WHOLE, SUBTREE = "whole campaign", "one 分局 subtree"
SCOPES: dict[str, int | None] = {WHOLE: None, SUBTREE: 2}  # unit 2: a 分局 with 19 stations
# The daily bulletin of TODAY; the weekly dispatch on its Monday, for the week before; the
# monthly summary on the month's first working day, for October against September.
PLAN = (
    (BulletinKind.DAILY, TODAY),
    (BulletinKind.WEEKLY, TODAY - timedelta(days=TODAY.weekday())),
    (BulletinKind.MONTHLY, date(2026, 11, 2)),
)

# Statuses by a case's age in days: recent cases are still open, old ones mostly closed.
_BY_AGE = (
    (7, {"pending_assignment": 20, "assigned": 20, "in_progress": 30, "solved_on_spot": 15,
         "pending_verification": 5, "pending_followup": 5, "closed": 5}),
    (30, {"pending_assignment": 4, "assigned": 8, "in_progress": 30, "solved_on_spot": 15,
          "pending_verification": 8, "pending_followup": 10, "closed": 25}),
    (DAYS, {"pending_assignment": 1, "assigned": 2, "in_progress": 10, "solved_on_spot": 15,
            "pending_verification": 4, "pending_followup": 6, "closed": 62}),
)  # fmt: skip


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _cache_path(folder: Path, visits: int, cases: int) -> Path:
    """One file per data shape and schema: a new migration or seed change seeds afresh."""
    migrations = sorted(p.name for p in Path(_migrations_init).parent.glob("*.sql"))
    key = f"{SEED_VERSION}|{visits}|{cases}|{','.join(migrations)}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return folder / f"bulletins-{digest}.db"


def _units() -> list[tuple[int, str, str, int | None, str]]:
    units: list[tuple[int, str, str, int | None, str]] = [
        (1, "MAS", "马鞍山市公安局", None, "city")
    ]
    for d in range(DISTRICTS):
        units.append((2 + d, f"D{d:02d}", f"{PLACES[2 * d : 2 * d + 2]}分局", 1, "county"))
    first = 2 + DISTRICTS
    for s in range(STATIONS):
        a, b = PLACES[s % len(PLACES)], PLACES[(s * 7 + 3) % len(PLACES)]
        name = f"{a}{b}{s // len(PLACES) + 1}路派出所"
        units.append((first + s, f"S{s:03d}", name, 2 + s % DISTRICTS, "police"))
    return units


def _local(day: date, rng: random.Random, first_hour: int = 8, hours: int = 11) -> datetime:
    seconds = rng.randrange(hours * 3600)
    return datetime(day.year, day.month, day.day, first_hour, tzinfo=ZONE) + timedelta(
        seconds=seconds
    )


def _seed(path: Path, visits: int, cases: int, rng: random.Random) -> None:
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous = OFF")  # seeding only: a crash here just means reseeding
    now = datetime.combine(TODAY, datetime.min.time(), ZONE) + timedelta(hours=17)
    start = TODAY - timedelta(days=DAYS - 1)
    units = _units()
    stations = [u[0] for u in units if u[4] == "police"]
    db.executemany("INSERT INTO units VALUES (?, ?, ?, ?, ?)", units)
    unit_of = {p: stations[p % len(stations)] for p in range(1, OFFICERS + 1)}
    people = [(p, f"干警{p:04d}", unit_of[p], "officer", _iso(now)) for p in unit_of]
    people.append((OFFICERS + 1, "李主任", 1, "coordinator", _iso(now)))
    db.executemany(
        "INSERT INTO people (id, name, unit_id, role, created_at) VALUES (?, ?, ?, ?, ?)", people
    )
    db.execute(
        """INSERT INTO campaigns (id, name, starts_on, ends_on, zone, active, created_at)
           VALUES (1, '2026年秋冬大走访', ?, ?, 'Asia/Shanghai', 1, ?)""",
        (start.isoformat(), (TODAY + timedelta(days=35)).isoformat(), _iso(now)),
    )
    # Officers differ in zeal, so units end up ahead, on track and behind.
    zeal = [0.4 + 1.2 * rng.random() for _ in range(OFFICERS)]
    cumulative = [sum(zeal[: i + 1]) for i in range(OFFICERS)]
    # Quotas around what a station will have done by the campaign's end, so that some units
    # are ahead of the calendar, some on track and some behind.
    length = (TODAY + timedelta(days=35) - start).days + 1
    by_end = {
        "household": visits * 0.80 * 2 / len(stations) * length / DAYS,  # 1–3 households a visit
        "enterprise": visits * 0.12 / len(stations) * length / DAYS,
    }
    db.executemany(
        "INSERT INTO quotas (campaign_id, unit_id, target, quota) VALUES (1, ?, ?, ?)",
        [
            (u, target, max(1, round(n * rng.uniform(0.75, 1.35))))
            for u in stations
            for target, n in by_end.items()
        ],
    )
    target_names = [t for t, _ in TARGETS]
    target_weights = [w for _, w in TARGETS]

    def visit_rows() -> Iterator[tuple[object, ...]]:
        for i in range(1, visits + 1):
            person = bisect.bisect(cumulative, rng.random() * cumulative[-1]) + 1
            day = start + timedelta(days=rng.randrange(DAYS))
            target = rng.choices(target_names, target_weights)[0]
            count = rng.randint(1, 3) if target == "household" else 1
            yield (
                i,
                f"v{i}",
                person,
                unit_of[person],
                target,
                f"{PLACES[i % len(PLACES)]}小区{i % 997}栋",
                count,
                count * rng.randint(1, 4),
                day.isoformat(),
                _iso(_local(day, rng)),
            )

    db.executemany(
        """INSERT INTO visits (id, draft_id, person_id, unit_id, target, place, count, people,
                               visit_date, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        visit_rows(),
    )
    created = sorted(_local(start + timedelta(days=rng.randrange(DAYS)), rng) for _ in range(cases))
    sequence: dict[date, int] = {}
    rows = []
    for i, at in enumerate(created, 1):
        day = at.date()
        sequence[day] = sequence.get(day, 0) + 1
        rows.append(_case(i, day, sequence[day], at, now, stations, unit_of, rng))
    db.executemany(
        """INSERT INTO cases (id, number, draft_id, reporter_id, reporter_unit_id, kind, category,
                              description, place, urgency, status, holder_unit_id, assigned_at,
                              deadline, last_progress_at, created_at, closed_at, version)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)""",
        rows,
    )
    db.executemany(
        "INSERT INTO case_numbers (day, last) VALUES (?, ?)",
        [(d.isoformat(), n) for d, n in sequence.items()],
    )
    db.commit()
    db.execute("ANALYZE")
    db.commit()
    _check_totals(db, visits, cases)
    db.close()


def _case(
    i: int,
    day: date,
    seq: int,
    at: datetime,
    now: datetime,
    stations: list[int],
    unit_of: dict[int, int],
    rng: random.Random,
) -> tuple[object, ...]:
    age = (TODAY - day).days
    weights = next(w for limit, w in _BY_AGE if age < limit)
    status = rng.choices(list(weights), list(weights.values()))[0]
    reporter = rng.randint(1, OFFICERS)
    held = status not in ("pending_assignment", "solved_on_spot")
    assigned = min(at + timedelta(hours=rng.uniform(0.5, 30)), now) if held else None
    urgent = rng.random() < 0.1
    deadline = None
    if assigned is not None:
        deadline = (
            assigned.astimezone(ZONE).date() + timedelta(days=4 if urgent else 21)
        ).isoformat()
    holder = None
    if held:
        holder = stations[reporter % len(stations)] if rng.random() < 0.7 else rng.choice(stations)
    progress = None
    if assigned is not None and status != "assigned" and rng.random() < 0.8:
        progress = assigned + (now - assigned) * rng.random() * 0.7
    closed = None
    if status == "closed" and assigned is not None:
        closed = assigned + min(timedelta(days=rng.uniform(0.2, 25)), (now - assigned) * 0.95)
    elif status == "solved_on_spot":
        closed = at
    return (
        i,
        f"{day:%y%m%d}-{seq:03d}",
        f"c{i}",
        reporter,
        unit_of[reporter],
        rng.choice(KINDS),
        rng.choice(CATEGORIES),
        f"群众反映问题，编号{i}",
        f"{PLACES[i % len(PLACES)]}小区",
        "urgent" if urgent else "normal",
        status,
        holder,
        _iso(assigned) if assigned else None,
        deadline,
        _iso(progress) if progress else None,
        _iso(at),
        _iso(closed) if closed else None,
    )


def _check_totals(db: sqlite3.Connection, visits: int, cases: int) -> None:
    """The triggers kept the running totals: they must agree with the rows."""
    entries, visited = db.execute("SELECT sum(entries), sum(visited) FROM visit_totals").fetchone()
    counted = db.execute("SELECT count(*), sum(count) FROM visits").fetchone()
    held = db.execute("SELECT sum(cases) FROM case_status_totals").fetchone()[0]
    if (entries, visited) != tuple(counted) or entries != visits or held != cases:
        raise RuntimeError(f"running totals disagree: {entries, visited, counted, held}")


async def _migrate(path: Path) -> None:
    store = await open_store(path)
    await store.close()


def _stats(samples_ms: list[float]) -> dict[str, float]:
    """The first call apart (imports, font, cold pages: once per process); the rest warm."""
    warm = sorted(samples_ms[1:]) or samples_ms
    return {
        "n": len(samples_ms),
        "first": round(samples_ms[0], 1),
        "p50": round(percentile(warm, 50), 1),
        "p99": round(percentile(warm, 99), 1),
        "max": round(warm[-1], 1),
    }


async def _timed(rounds: int, work: Callable[[], Awaitable[object]]) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        await work()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


Line = tuple[str, str, dict[str, float], str | None]  # what, scope, figures, goal


async def _measure(path: Path, rounds: int, chart_rounds: int) -> list[Line]:
    from bulletins.charts import Bar, completion_chart

    store = await open_store(path)
    t = catalog("zh")
    is_workday = FileCaseRules(None, None, DeadlinePolicy()).is_workday  # as the scheduler's
    async with store.transaction() as tx:
        campaign = await tx.campaigns.active()
    assert campaign is not None

    async def figures(kind: BulletinKind, root: int | None, day: date) -> Figures:
        async with store.transaction() as tx:
            return await compute(tx, campaign, kind, day, root, is_workday)

    lines: list[Line] = []
    made: dict[tuple[BulletinKind, str], Figures] = {}
    for kind, day in PLAN:
        for scope, root in SCOPES.items():
            samples = await _timed(rounds, partial(figures, kind, root, day))
            made[kind, scope] = await figures(kind, root, day)
            lines.append((f"compute {kind.value} ({day:%m-%d})", scope, _stats(samples), kind))
    for (kind, scope), fig in made.items():
        samples = await _timed(rounds, partial(render, t, fig, chart=False))
        lines.append((f"render {kind.value}, text only", scope, _stats(samples), None))
    _describe(made)
    daily = made[BulletinKind.DAILY, WHOLE]
    for kind, scope in ((BulletinKind.DAILY, WHOLE), (BulletinKind.DAILY, SUBTREE),
                        (BulletinKind.WEEKLY, WHOLE), (BulletinKind.MONTHLY, WHOLE)):  # fmt: skip
        samples = await _timed(chart_rounds, partial(asyncio.to_thread, draw, t, made[kind, scope]))
        lines.append((f"draw {kind.value} chart", scope, _stats(samples), "chart"))
    samples = await _timed(chart_rounds, partial(render, t, daily))
    lines.append(("render daily, text + chart", WHOLE, _stats(samples), "chart"))
    assert isinstance(daily, Daily)
    every = [
        Bar(r.unit.name, round((r.standing.completion or 0) * 100, 1), 100.0) for r in daily.ranked
    ]
    uncapped = partial(
        completion_chart, "完成率", every, "已走访", "任务数", daily.expected, "序时进度"
    )
    samples = await _timed(chart_rounds, partial(asyncio.to_thread, uncapped))
    lines.append((f"completion_chart, {len(every)} bars", "(draw sends 40)", _stats(samples), None))
    await store.close()
    return lines


def _describe(made: dict[tuple[BulletinKind, str], Figures]) -> None:
    """What was computed, so that a run shows its data is the intended shape."""
    daily = made[BulletinKind.DAILY, WHOLE]
    weekly = made[BulletinKind.WEEKLY, WHOLE]
    monthly = made[BulletinKind.MONTHLY, WHOLE]
    assert isinstance(daily, Daily)
    assert isinstance(weekly, Weekly)
    assert isinstance(monthly, Monthly)
    paces = Counter(r.standing.pace.value for r in daily.ranked if r.standing.pace)
    total = daily.total
    print(
        f"daily {daily.day}: {len(daily.rows)} rows, paces {dict(paces)}, expected "
        f"{daily.expected:.0%}; visits today {total.today:,}, since start {total.visited:,}; "
        f"cases new {total.new}, resolved {total.resolved}, overdue {total.overdue:,}"
    )
    print(
        f"weekly {weekly.first}..{weekly.last}: visits {weekly.total.today:,}, "
        f"open {weekly.total.open_cases:,}, silent {weekly.total.silent:,}, "
        f"overdue listed {len(weekly.overdue_cases)}"
    )
    print(
        f"monthly {monthly.first}..{monthly.last}: {len(monthly.days)} days, visits "
        f"{monthly.total.today:,} (before {monthly.previous.today:,}), "
        f"new cases {monthly.total.new:,}, resolved {monthly.total.resolved:,}"
    )


def _row(figures: dict[str, float]) -> str:
    return "  ".join(f"{k} {v:g}" for k, v in figures.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=200, help="repetitions of each computation")
    parser.add_argument("--chart-rounds", type=int, default=20, help="repetitions of each chart")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "zoufang-bench")
    parser.add_argument("--reseed", action="store_true", help="seed afresh even if cached")
    parser.add_argument("--db", type=Path, help="measure this seeded file as it is (a trial copy)")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    path = args.db or _cache_path(args.data, args.visits, args.cases)
    if args.db:
        print(f"measuring {path} as it is")
    elif args.reseed or not path.exists():
        for stale in path.parent.glob(path.name + "*"):
            stale.unlink()
        partial = path.with_suffix(".seeding")
        partial.unlink(missing_ok=True)
        asyncio.run(_migrate(partial))
        started = time.perf_counter()
        _seed(partial, args.visits, args.cases, random.Random(11))
        partial.rename(path)
        print(f"seeded {args.visits:,} visits and {args.cases:,} cases in "
              f"{time.perf_counter() - started:.1f} s → {path}")  # fmt: skip
    else:
        print(f"reusing {path}")
    lines = asyncio.run(_measure(path, args.rounds, args.chart_rounds))
    for name, scope, figures, goal in lines:
        verdict = ""
        if goal is not None:
            limit = GOALS_MS[goal]
            verdict = f"{'PASS' if figures['p99'] < limit else 'FAIL'} (p99 < {limit:.0f} ms)"
        print(f"{name:30} {scope:18} {_row(figures)}  {verdict}")


if __name__ == "__main__":
    main()
