"""`zoufang export cases|visits --out FILE.xlsx|FILE.csv`: the ledgers, filtered, with progress."""

from __future__ import annotations

import argparse
import sys
import time as clock
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import TextIO

from bot.cli_support import Failed, opened
from bot.settings import Settings
from domain.case_flow import Status
from domain.clock import SystemClock
from domain.dates import DateError, parse_day
from exports import export_cases, export_visits, format_for
from i18n import LANGUAGES, catalog
from storage import Store
from storage.ledger_records import CaseFilter, Scope

__all__ = ["ProgressLines", "add_export_arguments", "run_export"]

_BIG_STEP = 10_000  # a line at least every this many rows, however large the export


def _status_words() -> dict[str, str]:
    words = {status.value: status.value for status in Status}
    for language in LANGUAGES:
        t = catalog(language)
        words |= {t(f"case_status.{s.value}").lower(): s.value for s in Status}
    return words


_STATUSES = _status_words()


def _statuses(text: str) -> list[str]:
    """Comma-separated statuses, as stored (in_progress) or as shown (办理中, In progress)."""
    found = []
    for word in filter(None, (w.strip().lower() for w in text.replace("，", ",").split(","))):
        if word not in _STATUSES:
            known = ", ".join(s.value for s in Status)
            raise argparse.ArgumentTypeError(f"{word!r} is no status; use {known} or 待交办 …")
        found.append(_STATUSES[word])
    return found


def _out(text: str) -> Path:
    if format_for(text) is None:
        raise argparse.ArgumentTypeError(f"{text!r}: the file must end in .xlsx or .csv")
    return Path(text)


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("what", choices=("cases", "visits"), help="the case or the visit ledger")
    parser.add_argument(
        "--out", type=_out, required=True, metavar="FILE", help="FILE.xlsx or FILE.csv"
    )
    parser.add_argument(
        "--status",
        type=_statuses,
        action="extend",
        default=[],
        metavar="S[,S…]",
        help="cases in these states only (assigned, 办理中 …); may be repeated",
    )
    parser.add_argument("--unit", metavar="CODE", help="this unit and the units under it")
    parser.add_argument("--overdue", action="store_true", help="overdue cases only")
    parser.add_argument("--from", dest="first", metavar="DATE", help="cases logged / visits on")
    parser.add_argument("--to", dest="last", metavar="DATE", help="… up to this day, included")
    parser.add_argument(
        "--full",
        action="store_true",
        help="residents' names and phones unmasked (logged in export_log)",
    )
    parser.add_argument(
        "--language", choices=LANGUAGES, help="headers and labels (default: LANGUAGE)"
    )


class ProgressLines:
    """Progress on a stream: a line every ~5% (every 10,000 rows at most), then the total."""

    def __init__(
        self, what: str, stream: TextIO, now: Callable[[], float] = clock.monotonic
    ) -> None:
        self._what = what
        self._stream = stream
        self._now = now
        self._started = now()
        self._next = 0

    def __call__(self, done: int, total: int) -> None:
        if self._next == 0:
            self._next = self._step(total)
        if done >= self._next and done < total:
            percent = done * 100 // total
            print(f"  {done:,}/{total:,} {self._what} ({percent}%)", file=self._stream, flush=True)
            step = self._step(total)
            self._next = (done // step + 1) * step

    @staticmethod
    def _step(total: int) -> int:
        return max(1, min(total // 20, _BIG_STEP))

    def finished(self, count: int, out: Path) -> None:
        elapsed = self._now() - self._started
        print(
            f"exported {count:,} {self._what} to {out} in {elapsed:.1f} s",
            file=self._stream,
            flush=True,
        )


def _days(args: argparse.Namespace, today: date) -> tuple[date | None, date | None]:
    try:
        first = parse_day(args.first, today) if args.first else None
        last = parse_day(args.last, today) if args.last else None
    except DateError:
        raise Failed("dates are read like 2026-11-20, 11-20 or 今天") from None
    if first and last and first > last:
        raise Failed(f"--from {first} is after --to {last}")
    return first, last


async def _units(store: Store, code: str | None) -> tuple[int, ...]:
    if code is None:
        return ()
    async with store.transaction() as tx:
        unit = await tx.directory.unit_by_code(code)
        if unit is None:
            raise Failed(f"no unit {code}")
        return await tx.ledger.subtree(unit.id)


def _case_filter(
    args: argparse.Namespace, zone: tzinfo, units: tuple[int, ...], today: date
) -> CaseFilter:
    first, last = _days(args, today)
    return CaseFilter(
        scope=Scope(everything=True, person_id=0),  # the command line is the coordinators'
        statuses=tuple(dict.fromkeys(args.status)),
        holder_unit_ids=units,
        overdue_on=today if args.overdue else None,
        created_from=datetime.combine(first, time(), zone) if first else None,
        created_before=datetime.combine(last + timedelta(days=1), time(), zone) if last else None,
    )


async def run_export(settings: Settings, args: argparse.Namespace) -> int:
    """Check the arguments, export from a snapshot with progress on stderr; 0 when done."""
    out: Path = args.out
    fmt = format_for(out)
    assert fmt is not None  # the argument's type checked it
    if args.what == "visits" and (args.status or args.overdue or args.full):
        raise Failed("--status, --overdue and --full are for cases; visits hold no residents")
    if not out.parent.is_dir():
        raise Failed(f"no directory {out.parent}")
    zone = settings.zone
    today = SystemClock().now().astimezone(zone).date()
    first, last = _days(args, today)  # checked before the database is opened
    language: str = args.language or settings.language
    lines = ProgressLines(args.what, sys.stderr)
    async with opened(settings) as store:
        units = await _units(store, args.unit)
        if args.what == "visits":
            count = await export_visits(
                store,
                first,
                last,
                units,
                zone=zone,
                language=language,
                out=out,
                fmt=fmt,
                progress=lines,
            )
        else:
            if args.full:
                print("full export: residents' names and phones are NOT masked", file=sys.stderr)
            count = await export_cases(
                store,
                _case_filter(args, zone, units, today),
                zone=zone,
                language=language,
                today=today,
                full=args.full,
                out=out,
                fmt=fmt,
                progress=lines,
                via="cli",
            )
    lines.finished(count, out)
    return 0
