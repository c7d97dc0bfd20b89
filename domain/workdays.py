"""Working days in mainland China, with 调休 make-up days, and case deadlines counted in them."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path

import chinese_calendar

from domain.cases import Urgency

__all__ = [
    "MAX_WORKDAYS",
    "CalendarCode",
    "CalendarFileError",
    "CalendarOverrides",
    "CalendarProblem",
    "Deadline",
    "DeadlinePolicy",
    "UnknownCalendar",
    "WorkCalendar",
    "YearOverride",
    "deadline_for",
    "parse_calendar",
]

# Bounds every walk: 10,000 working days is about 40 years, far past any deadline.
MAX_WORKDAYS = 10_000

_FIELDS = ("holidays", "workdays")
_DAY_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_YEAR_RE = re.compile(r"[0-9]{4}")
_TOML_LINE_RE = re.compile(r"\(at line ([0-9]+), column [0-9]+\)$")


class CalendarCode(StrEnum):
    """Why a calendar file was refused; callers turn it into a message."""

    TOML_SYNTAX = "toml_syntax"
    NOT_A_YEAR = "not_a_year"  # a top-level key that is not a four-digit year
    NOT_A_TABLE = "not_a_table"
    UNKNOWN_KEY = "unknown_key"
    NOT_A_LIST = "not_a_list"
    BAD_DATE = "bad_date"
    RANGE_BACKWARDS = "range_backwards"
    OUTSIDE_YEAR = "outside_year"
    HOLIDAY_AND_WORKDAY = "holiday_and_workday"


@dataclass(frozen=True, slots=True)
class CalendarProblem:
    """One problem in a calendar file: where (line if found, TOML key path), what, and the value."""

    line: int | None
    key: str  # "2027.holidays[1]"; "" for a syntax error
    code: CalendarCode
    detail: str


class CalendarFileError(ValueError):
    """A calendar file that was refused whole, with every problem found in ``problems``."""

    def __init__(self, problems: list[CalendarProblem]) -> None:
        super().__init__("; ".join(f"line {p.line} {p.key} {p.code}: {p.detail}" for p in problems))
        self.problems = problems


class UnknownCalendar(LookupError):
    """Neither the library nor the override file knows the holidays of ``year``."""

    def __init__(self, year: int) -> None:
        super().__init__(year)
        self.year = year


@dataclass(frozen=True, slots=True)
class YearOverride:
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()


@dataclass(frozen=True, slots=True)
class CalendarOverrides:
    """The admin's calendar file: per year, days declared off and days declared working."""

    years: Mapping[int, YearOverride] = field(default_factory=dict)


def _toml_line(message: str, text: str) -> int | None:
    if m := _TOML_LINE_RE.search(message):
        return int(m[1])
    # tomllib says "at end of document" for errors it only notices there.
    return len(text.splitlines()) or None


def _find_line(lines: list[str], key: str, needles: tuple[str, ...] = ()) -> int | None:
    """The line of a year's table, of a key in it, or of an item under that key (best effort)."""
    year, _, name = key.partition(".")
    name = name.partition("[")[0]
    header = re.compile(rf"\s*\[{{1,2}}\s*[\"']?{re.escape(year)}[\"']?\s*\]")
    assign = re.compile(rf"\s*[\"']?{re.escape(name)}[\"']?\s*=")
    top = re.compile(rf"\s*[\"']?{re.escape(year)}[\"']?\s*=")
    start = next((i for i, s in enumerate(lines) if header.match(s)), None)
    if start is None:
        return next((i + 1 for i, s in enumerate(lines) if top.match(s)), None)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")), None)
    section = range(start, len(lines) if end is None else end)
    found = start
    if name:
        found = next((i for i in section if assign.match(lines[i])), start)
    if needles:
        rest = range(found, section.stop)
        found = next((i for i in rest if any(n in lines[i] for n in needles)), found)
    return found + 1


def _needles(item: object, shown: str) -> tuple[str, ...]:
    """What an item looks like in the text; a number or a table cannot be told apart there."""
    if isinstance(item, date):
        return (shown,)
    if isinstance(item, str):
        return (f'"{item}"', f"'{item}'")
    return ()


def _one_day(text: str) -> date | None:
    if not _DAY_RE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _read_item(item: object, year: int) -> tuple[list[date], CalendarCode | None]:
    """The days one list item names ("2027-01-01", "2027-02-05..2027-02-13" or a TOML date)."""
    if isinstance(item, str):
        ends = [_one_day(part.strip()) for part in item.split("..", 1)]
    else:
        ends = [item if isinstance(item, date) and not isinstance(item, datetime) else None]
    first, last = ends[0], ends[-1]
    if first is None or last is None:
        return [], CalendarCode.BAD_DATE
    if last < first:
        return [], CalendarCode.RANGE_BACKWARDS
    if first.year != year or last.year != year:
        return [], CalendarCode.OUTSIDE_YEAR
    return [first + timedelta(days=n) for n in range((last - first).days + 1)], None


def parse_calendar(text: str) -> CalendarOverrides:
    """The overrides in a calendar file, or CalendarFileError listing every problem.

    Each table is a year; ``holidays`` lists days off and ``workdays`` days worked (调休), as
    "YYYY-MM-DD", "YYYY-MM-DD..YYYY-MM-DD" (both ends included) or TOML dates::

        [2027]
        holidays = ["2027-01-01", "2027-02-05..2027-02-13"]
        workdays = ["2027-02-14"]

    A year with a table is known: its unlisted days follow Mon–Fri unless the library knows it.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problem = CalendarProblem(
            _toml_line(str(exc), text), "", CalendarCode.TOML_SYNTAX, str(exc)
        )
        raise CalendarFileError([problem]) from None
    lines = text.splitlines()
    problems: list[CalendarProblem] = []

    def refuse(key: str, code: CalendarCode, detail: str, needles: tuple[str, ...] = ()) -> None:
        problems.append(CalendarProblem(_find_line(lines, key, needles), key, code, detail))

    years: dict[int, YearOverride] = {}
    for key, table in data.items():
        if not _YEAR_RE.fullmatch(key) or int(key) < 1:
            refuse(key, CalendarCode.NOT_A_YEAR, key)
            continue
        if not isinstance(table, dict):
            refuse(key, CalendarCode.NOT_A_TABLE, key)
            continue
        year = int(key)
        days: dict[str, set[date]] = {name: set() for name in _FIELDS}
        for name, items in table.items():
            if name not in _FIELDS:
                refuse(f"{key}.{name}", CalendarCode.UNKNOWN_KEY, name)
                continue
            if not isinstance(items, list):
                refuse(f"{key}.{name}", CalendarCode.NOT_A_LIST, name)
                continue
            for index, item in enumerate(items):
                found, code = _read_item(item, year)
                if code is not None:
                    shown = item.isoformat() if isinstance(item, date) else str(item)
                    refuse(f"{key}.{name}[{index}]", code, shown, _needles(item, shown))
                days[name].update(found)
        for day in sorted(days["holidays"] & days["workdays"]):
            iso = day.isoformat()
            refuse(f"{key}.workdays", CalendarCode.HOLIDAY_AND_WORKDAY, iso, (iso,))
        years[year] = YearOverride(frozenset(days["holidays"]), frozenset(days["workdays"]))
    if problems:
        raise CalendarFileError(problems)
    return CalendarOverrides(years)


def _library_is_workday(day: date) -> bool | None:
    """What chinese_calendar says of ``day``, or None for a year it has no data for."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def _plain(day: date) -> date:
    # A datetime would miss the override days, which are keyed by date.
    return day.date() if isinstance(day, datetime) else day


class WorkCalendar:
    """Working days: the override file first, then chinese_calendar, else UnknownCalendar."""

    def __init__(self, overrides: CalendarOverrides | None = None) -> None:
        self.overrides = overrides if overrides is not None else CalendarOverrides()
        self._fixed: dict[date, bool] = {}
        # chinese_calendar checks its whole table on every call; a bulletin walks a campaign's
        # days, so each answer is kept (the calendar never changes: a reload makes a new one).
        self._judged: dict[date, bool | None] = {}
        for year in self.overrides.years.values():
            self._fixed.update(dict.fromkeys(year.holidays, False))
            self._fixed.update(dict.fromkeys(year.workdays, True))

    @classmethod
    def load(cls, path: Path | None) -> WorkCalendar:
        """The calendar with the override file at ``path`` (None: the library alone).

        Raises CalendarFileError for a bad file and OSError for one that cannot be read.
        """
        if path is None:
            return cls()
        return cls(parse_calendar(path.read_text(encoding="utf-8")))

    def _judge(self, day: date) -> bool | None:
        if day not in self._judged:
            self._judged[day] = self._look_up(day)
        return self._judged[day]

    def _look_up(self, day: date) -> bool | None:
        fixed = self._fixed.get(day)
        if fixed is not None:
            return fixed
        library = _library_is_workday(day)
        if library is not None:
            return library
        if day.year in self.overrides.years:
            return day.weekday() < 5
        return None

    def known(self, day: date) -> bool:
        """Whether the library or the override file has a calendar for ``day``'s year."""
        return self._judge(_plain(day)) is not None

    def is_workday(self, day: date) -> bool:
        """Whether ``day`` is worked (a 调休 weekend counts). Raises UnknownCalendar."""
        day = _plain(day)
        judged = self._judge(day)
        if judged is None:
            raise UnknownCalendar(day.year)
        return judged

    def _walk(self, start: date, n: int, *, guess: bool) -> tuple[date, set[int]]:
        if abs(n) > MAX_WORKDAYS:
            raise ValueError(f"n={n} is beyond ±{MAX_WORKDAYS} working days")
        step = timedelta(days=1 if n >= 0 else -1)
        day, left, guessed = _plain(start), abs(n), set[int]()
        while left:
            day += step
            judged = self._judge(day)
            if judged is None:
                if not guess:
                    raise UnknownCalendar(day.year)
                guessed.add(day.year)
                judged = day.weekday() < 5
            if judged:
                left -= 1
        return day, guessed

    def add_workdays(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (before it for negative n; start itself for 0).

        ``start`` itself is never counted. Raises UnknownCalendar on reaching an unknown year.
        """
        return self._walk(start, n, guess=False)[0]

    def add_workdays_or_weekdays(self, start: date, n: int) -> tuple[date, set[int]]:
        """Like add_workdays, but days of unknown years count Mon–Fri; those years are returned.

        The caller should warn, e.g. "2028's holiday calendar is not known yet; deadline
        counted Mon–Fri", whenever the set is not empty.
        """
        return self._walk(start, n, guess=True)

    def next_workday(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self.add_workdays(day, 1)

    def previous_workday(self, day: date) -> date:
        """The last working day strictly before ``day``."""
        return self.add_workdays(day, -1)

    def workdays_between(self, a: date, b: date) -> int:
        """Working days d with a < d <= b; for b < a, minus those with b <= d < a.

        Either way add_workdays(a, n) gives n back.  Raises UnknownCalendar.
        """
        a, b = _plain(a), _plain(b)
        if b < a:
            return -sum(self.is_workday(b + timedelta(days=n)) for n in range((a - b).days))
        return sum(self.is_workday(a + timedelta(days=n)) for n in range(1, (b - a).days + 1))


@dataclass(frozen=True, slots=True)
class DeadlinePolicy:
    """How many working days after assignment a case is due, by urgency."""

    urgent_workdays: int = 3
    normal_workdays: int = 10

    def __post_init__(self) -> None:
        for n in (self.urgent_workdays, self.normal_workdays):
            if not 1 <= n <= MAX_WORKDAYS:
                raise ValueError(f"a deadline must be 1..{MAX_WORKDAYS} working days, not {n}")

    def workdays_for(self, urgency: Urgency) -> int:
        return self.urgent_workdays if urgency is Urgency.URGENT else self.normal_workdays


@dataclass(frozen=True, slots=True)
class Deadline:
    """When a case is due; ``guessed_years`` were counted Mon–Fri for want of a calendar."""

    due: date
    workdays: int
    guessed_years: frozenset[int] = frozenset()

    @property
    def guessed(self) -> bool:
        return bool(self.guessed_years)


def deadline_for(
    urgency: Urgency, assigned_on: date, calendar: WorkCalendar, policy: DeadlinePolicy
) -> Deadline:
    """The due date of a case assigned on ``assigned_on``; never raises for an unknown year."""
    n = policy.workdays_for(urgency)
    due, guessed = calendar.add_workdays_or_weekdays(assigned_on, n)
    return Deadline(due, n, frozenset(guessed))
