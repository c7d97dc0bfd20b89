"""Tests for domain.dates."""

from __future__ import annotations

from datetime import date

import pytest

from domain.dates import (
    DateError,
    DateProblem,
    allowed_visit_dates,
    parse_day,
    parse_deadline,
    parse_visit_date,
)
from domain.visits import MAX_BACKDATE_DAYS

MID_MONTH = date(2026, 11, 25)
NEW_YEAR = date(2026, 1, 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今天", date(2026, 11, 25)),
        ("今日", date(2026, 11, 25)),
        ("today", date(2026, 11, 25)),
        (" Today ", date(2026, 11, 25)),
        ("昨天", date(2026, 11, 24)),
        ("yesterday", date(2026, 11, 24)),
        ("前天", date(2026, 11, 23)),
        ("大前天", date(2026, 11, 22)),
        ("3天前", date(2026, 11, 22)),
        ("三天前", date(2026, 11, 22)),
        ("2 days ago", date(2026, 11, 23)),
        ("11-20", date(2026, 11, 20)),
        ("11/20", date(2026, 11, 20)),
        ("11.20", date(2026, 11, 20)),
        ("11月20日", date(2026, 11, 20)),
        ("11月20号", date(2026, 11, 20)),
        ("十一月二十日", date(2026, 11, 20)),
        ("１１－２０", date(2026, 11, 20)),
        ("11 - 20", date(2026, 11, 20)),
        ("20日", date(2026, 11, 20)),
        ("20号", date(2026, 11, 20)),
        ("2026-11-20", date(2026, 11, 20)),
        ("2026/11/20", date(2026, 11, 20)),
        ("2026年11月20日", date(2026, 11, 20)),
        ("20261120", date(2026, 11, 20)),
        ("2026-11-18", date(2026, 11, 18)),
    ],
)
def test_parse_visit_date_accepts(text: str, expected: date) -> None:
    assert parse_visit_date(text, MID_MONTH) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12-30", date(2025, 12, 30)),  # no year: the most recent one, so last year
        ("12月31日", date(2025, 12, 31)),
        ("30日", date(2025, 12, 30)),  # a bare day in the future falls in the previous month
        ("1日", date(2026, 1, 1)),
        ("3日", date(2026, 1, 3)),
    ],
)
def test_dates_without_year_are_the_most_recent_past_one(text: str, expected: date) -> None:
    assert parse_visit_date(text, NEW_YEAR) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", DateProblem.UNREADABLE),
        ("abc", DateProblem.UNREADABLE),
        ("20", DateProblem.UNREADABLE),  # a bare number is not a date
        ("13-01", DateProblem.UNREADABLE),
        ("2-30", DateProblem.UNREADABLE),
        ("2026-02-30", DateProblem.UNREADABLE),
        ("0日", DateProblem.UNREADABLE),
        ("32日", DateProblem.UNREADABLE),
        ("99999天前", DateProblem.UNREADABLE),
        ("'; DROP TABLE visits;--", DateProblem.UNREADABLE),
        ("\x00", DateProblem.UNREADABLE),
        ("明天", DateProblem.FUTURE),
        ("tomorrow", DateProblem.FUTURE),
        ("2026-11-26", DateProblem.FUTURE),
        ("2027-01-01", DateProblem.FUTURE),
        ("2026-11-17", DateProblem.TOO_OLD),
        ("8天前", DateProblem.TOO_OLD),
        ("11-01", DateProblem.TOO_OLD),
        ("11-26", DateProblem.TOO_OLD),  # no year: 2025-11-26, a year ago
        ("26日", DateProblem.TOO_OLD),  # October 26th
        ("2025-11-20", DateProblem.TOO_OLD),
        ("2-29", DateProblem.TOO_OLD),  # the last leap day, 2024
    ],
)
def test_parse_visit_date_refuses(text: str, problem: DateProblem) -> None:
    with pytest.raises(DateError) as caught:
        parse_visit_date(text, MID_MONTH)
    assert caught.value.problem is problem
    assert isinstance(caught.value, ValueError)


def test_backdate_limit_is_inclusive() -> None:
    oldest = date(2026, 11, 25 - MAX_BACKDATE_DAYS)
    assert parse_visit_date(oldest.isoformat(), MID_MONTH) == oldest


def test_allowed_visit_dates_run_from_today_back() -> None:
    dates = allowed_visit_dates(NEW_YEAR)
    assert len(dates) == MAX_BACKDATE_DAYS + 1
    assert dates[0] == NEW_YEAR
    assert dates[-1] == date(2025, 12, 27)
    assert all(parse_visit_date(d.isoformat(), NEW_YEAR) == d for d in dates)


@pytest.mark.parametrize("text", ["🎉", "<b>x</b>", "户" * 10_000, "1" * 10_000, "１" * 50])
def test_hostile_text_is_only_unreadable(text: str) -> None:
    with pytest.raises(DateError):
        parse_visit_date(text, MID_MONTH)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-09", date(2026, 12, 9)),
        ("20261209", date(2026, 12, 9)),
        ("12-09", date(2026, 12, 9)),
        ("12月9日", date(2026, 12, 9)),
        ("11-25", date(2026, 11, 25)),
        ("01-05", date(2027, 1, 5)),
    ],
)
def test_deadlines_look_forward(text: str, expected: date) -> None:
    assert parse_deadline(text, date(2026, 11, 25)) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2026-11-24", DateProblem.PAST),
        ("明年", DateProblem.UNREADABLE),
        ("13-40", DateProblem.UNREADABLE),
    ],
)
def test_bad_deadlines(text: str, problem: DateProblem) -> None:
    with pytest.raises(DateError) as caught:
        parse_deadline(text, date(2026, 11, 25))
    assert caught.value.problem is problem


def test_any_past_day_for_searching() -> None:
    today = date(2026, 11, 25)
    assert parse_day("11-01", today) == date(2026, 11, 1)
    assert parse_day("2025-03-01", today) == date(2025, 3, 1)
    with pytest.raises(DateError):
        parse_day("soon", today)
