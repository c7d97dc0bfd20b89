"""Bulletin charts: time to render a completion chart and a 31-day trend, first and steady.

    .venv/bin/python -m bench.charts [--units 40] [--days 31] [--rounds 10] [--save DIR]

"First" runs in a fresh interpreter per chart, split into importing matplotlib, registering
the shipped Chinese font, and the first render itself. "Steady" renders the same chart
`--rounds` times in this process after one warm-up. Goal: every chart under 1 s.
Exit status 1 when a steady median or a first render misses it.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

__all__ = ["main"]

GOAL_S = 1.0
UNITS = ("红山街道", "湖东路派出所", "花山区司法局", "当涂县市场监督管理局", "含山县", "郑蒲港新区")


def _completion(units: int) -> Callable[[], bytes]:
    from bulletins.charts import Bar, completion_chart

    rng = random.Random(7)
    bars = [
        Bar(f"{UNITS[i % len(UNITS)]}{i + 1}", rng.randint(0, 130), rng.choice((0, 50, 80, 100)))
        for i in range(units)
    ]
    return lambda: completion_chart(
        "全市走访进度通报", bars, "已走访", "走访任务数", 0.6, "应达进度", "滞后"
    )


def _trend(days: int) -> Callable[[], bytes]:
    from bulletins.charts import trend_chart

    rng = random.Random(7)
    first = date(2026, 11, 1)
    span = [first + timedelta(days=i) for i in range(days)]
    series = [
        ("走访户数", [rng.randint(50, 300) for _ in span]),
        ("新增问题", [rng.randint(0, 40) for _ in span]),
        ("办结问题", [rng.randint(0, 35) for _ in span]),
    ]
    return lambda: trend_chart("每日走访与问题", span, series)


def _chart(name: str, args: argparse.Namespace) -> Callable[[], bytes]:
    return _completion(args.units) if name == "completion" else _trend(args.days)


def _first(name: str, args: argparse.Namespace) -> dict[str, float]:
    """In this (fresh) interpreter: import, font registration and the first render, in seconds."""
    started = time.perf_counter()
    import matplotlib.backends.backend_agg
    import matplotlib.figure
    import matplotlib.textpath  # noqa: F401

    imported = time.perf_counter()
    from bulletins._font import cjk_family

    cjk_family()
    registered = time.perf_counter()
    render = _chart(name, args)
    prepared = time.perf_counter()
    render()
    rendered = time.perf_counter()
    return {
        "import": imported - started,
        "font": registered - imported,
        "render": rendered - prepared,
        "total": rendered - started - (prepared - registered),
    }


def _steady(name: str, args: argparse.Namespace) -> tuple[list[float], list[float], bytes]:
    """Wall and CPU seconds per render: CPU time shows the cost when other work shares the cores."""
    render = _chart(name, args)
    data = render()
    wall, cpu = [], []
    for _ in range(args.rounds):
        started, used = time.perf_counter(), time.process_time()
        data = render()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    return wall, cpu, data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=40, help="bars (the bot draws at most 40)")
    parser.add_argument("--days", type=int, default=31)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--save", type=Path, help="write each chart's PNG into this folder")
    parser.add_argument("--first-only", choices=("completion", "trend"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.first_only:
        print(json.dumps(_first(args.first_only, args)))
        return

    from PIL import Image

    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    passed = True
    for name in ("completion", "trend"):
        sizes = ["--units", str(args.units), "--days", str(args.days)]
        child = subprocess.run(
            [sys.executable, "-m", "bench.charts", "--first-only", name, *sizes],
            capture_output=True,
            text=True,
            check=True,
        )
        first = json.loads(child.stdout.strip().splitlines()[-1])
        times, cpu, data = _steady(name, args)
        median = statistics.median(times)
        width, height = Image.open(io.BytesIO(data)).size
        size = f"{args.units} units" if name == "completion" else f"{args.days} days"
        ok = median < GOAL_S and first["total"] < GOAL_S
        passed &= ok
        print(
            f"{name:10} ({size}) {'PASS' if ok else 'FAIL'}  "
            f"first {first['total']:.3f} s = import matplotlib {first['import']:.3f}"
            f" + font {first['font']:.3f} + render {first['render']:.3f};  "
            f"steady median {median:.3f} s (min {min(times):.3f}, max {max(times):.3f},"
            f" n={len(times)}; CPU median {statistics.median(cpu):.3f} s);"
            f"  PNG {width}×{height} px, {len(data) / 1024:.0f} KiB"
        )
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            (args.save / f"{name}.png").write_bytes(data)
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
