"""Reading the date of a visit ("昨天", "11-20", "11月20日") and checking it may be recorded."""

from __future__ import annotations

import re
from datetime import date, timedelta
from enum import StrEnum

from domain.numerals import parse_count, to_halfwidth
from domain.visits import MAX_BACKDATE_DAYS

__all__ = [
    "DateError",
    "DateProblem",
    "allowed_visit_dates",
    "parse_deadline",
    "parse_visit_date",
]


class DateProblem(StrEnum):
    """Why a visit date was refused; callers turn it into a message."""

    UNREADABLE = "unreadable"
    FUTURE = "future"
    TOO_OLD = "too_old"
    PAST = "past"


class DateError(ValueError):
    """A visit date that cannot be used, with the reason in ``problem``."""

    def __init__(self, problem: DateProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


_DAYS_AGO = {
    "今天": 0,
    "今日": 0,
    "today": 0,
    "昨天": 1,
    "昨日": 1,
    "yesterday": 1,
    "前天": 2,
    "前日": 2,
    "大前天": 3,
    "明天": -1,  # never valid, but FUTURE says why better than UNREADABLE
    "tomorrow": -1,
}
_N = r"([0-9]{1,2}|[零〇一二两三四五六七八九十廿]{1,3})"  # a month or day, digits or Chinese
_FULL_RE = re.compile(rf"([0-9]{{4}})(?:[-/.]|年){_N}(?:[-/.]|月){_N}[日号]?")
_COMPACT_RE = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_MONTH_DAY_RE = re.compile(rf"{_N}(?:[-/.]|月){_N}[日号]?")
_DAY_RE = re.compile(rf"{_N}[日号]")
_AGO_RE = re.compile(rf"{_N}天前|([0-9]{{1,2}})days?ago")  # spaces are gone by then
# A leap day may be four years back; nothing older than that can pass the backdate check anyway.
_YEARS_BACK = 5
_MONTHS_BACK = 12


def _num(s: str) -> int:
    value = parse_count(s)
    if value is None:
        raise DateError(DateProblem.UNREADABLE)
    return value


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _latest_month_day(month: int, day: int, today: date) -> date | None:
    """The most recent date on or before ``today`` that falls on ``month``/``day``."""
    for year in range(today.year, today.year - _YEARS_BACK, -1):
        found = _make(year, month, day)
        if found is not None and found <= today:
            return found
    return None


def _latest_day(day: int, today: date) -> date | None:
    """The most recent date on or before ``today`` that falls on ``day`` of its month."""
    year, month = today.year, today.month
    for _ in range(_MONTHS_BACK):
        found = _make(year, month, day)
        if found is not None and found <= today:
            return found
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return None


def _read(s: str, today: date) -> date | None:
    if s in _DAYS_AGO:
        return today - timedelta(days=_DAYS_AGO[s])
    if m := _AGO_RE.fullmatch(s):
        return today - timedelta(days=_num(m[1] or m[2]))
    if m := _FULL_RE.fullmatch(s) or _COMPACT_RE.fullmatch(s):
        return _make(int(m[1]), _num(m[2]), _num(m[3]))
    if m := _MONTH_DAY_RE.fullmatch(s):
        return _latest_month_day(_num(m[1]), _num(m[2]), today)
    if m := _DAY_RE.fullmatch(s):
        return _latest_day(_num(m[1]), today)
    return None


def parse_visit_date(text: str, today: date) -> date:
    """The visit date ``text`` names, as seen on ``today``.

    Accepts 今天/昨天/前天/大前天 (today, yesterday), "3天前", "2026-11-20", "2026/11/20",
    "2026年11月20日", "20261120", "11-20", "11/20", "11月20日", "11月20号" and "20日".  Without
    a year the date is the most recent one not after today ("12-30" in January is last year);
    a bare day is in the most recent month that has it.  Raises DateError: UNREADABLE,
    FUTURE (after today) or TOO_OLD (more than MAX_BACKDATE_DAYS before today).
    """
    s = re.sub(r"\s+", "", to_halfwidth(text)).lower()
    try:
        found = _read(s, today)
    except OverflowError:  # "99999天前" reaches before year 1
        found = None
    if found is None:
        raise DateError(DateProblem.UNREADABLE)
    if found > today:
        raise DateError(DateProblem.FUTURE)
    if found < today - timedelta(days=MAX_BACKDATE_DAYS):
        raise DateError(DateProblem.TOO_OLD)
    return found


def allowed_visit_dates(today: date) -> list[date]:
    """The dates a visit may be recorded for, newest first: today back to MAX_BACKDATE_DAYS ago."""
    return [today - timedelta(days=n) for n in range(MAX_BACKDATE_DAYS + 1)]


def _next_month_day(month: int, day: int, today: date) -> date | None:
    """The first date on or after ``today`` that falls on ``month``/``day``."""
    for year in range(today.year, today.year + _YEARS_BACK):
        found = _make(year, month, day)
        if found is not None and found >= today:
            return found
    return None


def parse_deadline(text: str, today: date) -> date:
    """A deadline ``text`` names: "2026-12-09", "20261209", "12-09", "12月9日" (the next such
    date, so "01-05" in December is next year). Raises DateError: UNREADABLE, or PAST."""
    s = re.sub(r"\s+", "", to_halfwidth(text)).lower()
    found: date | None = None
    if m := _FULL_RE.fullmatch(s) or _COMPACT_RE.fullmatch(s):
        found = _make(int(m[1]), _num(m[2]), _num(m[3]))
    elif m := _MONTH_DAY_RE.fullmatch(s):
        found = _next_month_day(_num(m[1]), _num(m[2]), today)
    if found is None:
        raise DateError(DateProblem.UNREADABLE)
    if found < today:
        raise DateError(DateProblem.PAST)
    return found


def parse_day(text: str, today: date) -> date:
    """Any date ``text`` names, read as parse_visit_date reads it but with no range limit
    (for searching by date). Raises DateError(UNREADABLE)."""
    s = re.sub(r"\s+", "", to_halfwidth(text)).lower()
    try:
        found = _read(s, today)
    except OverflowError:
        found = None
    if found is None:
        raise DateError(DateProblem.UNREADABLE)
    return found
