"""Tests for domain.workdays: the library's calendar, overrides, deadlines and unknown years."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from domain.cases import Urgency
from domain.workdays import (
    MAX_WORKDAYS,
    CalendarCode,
    CalendarFileError,
    CalendarOverrides,
    Deadline,
    DeadlinePolicy,
    UnknownCalendar,
    WorkCalendar,
    YearOverride,
    deadline_for,
    parse_calendar,
)

LIBRARY = WorkCalendar()
POLICY = DeadlinePolicy()

# A made-up calendar for a year chinese_calendar will not know for years.
MADE_UP_2030 = """\
[2030]
holidays = ["2030-01-01", "2030-02-02..2030-02-08"]
workdays = [
    "2030-01-26",  # 调休 Saturday
    2030-02-09,
]
"""


def d(text: str) -> date:
    return date.fromisoformat(text)


# --- what chinese_calendar says (checked against the library, 1.11.0) ---------------------


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        ("2025-09-26", True),  # Friday
        ("2025-09-27", False),  # Saturday
        ("2025-09-28", True),  # Sunday, 调休 for National Day
        ("2025-09-30", True),
        *((f"2025-10-0{n}", False) for n in range(1, 9)),  # National Day + Mid-Autumn, Oct 1–8
        ("2025-10-09", True),
        ("2025-10-11", True),  # Saturday, 调休 for National Day
        ("2025-10-12", False),  # Sunday
    ],
)
def test_national_day_2025(day: str, workday: bool) -> None:
    assert LIBRARY.is_workday(d(day)) is workday


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        ("2026-02-13", True),  # Friday
        ("2026-02-14", True),  # Saturday, 调休 for Spring Festival
        *((f"2026-02-{n}", False) for n in range(15, 24)),  # Spring Festival, Feb 15–23
        ("2026-02-24", True),
        ("2026-02-28", True),  # Saturday, 调休 for Spring Festival
        ("2026-03-01", False),
    ],
)
def test_spring_festival_2026_is_known_to_the_library(day: str, workday: bool) -> None:
    assert LIBRARY.known(d(day))
    assert LIBRARY.is_workday(d(day)) is workday


def test_a_datetime_is_judged_by_its_date() -> None:
    assert LIBRARY.is_workday(datetime(2025, 10, 11, 9, 30)) is True


# --- counting working days ------------------------------------------------------------------


def test_a_deadline_spanning_national_day_2025() -> None:
    assigned = d("2025-09-26")
    # 9-28 (Sun, 调休), 9-29, 9-30, [10-1..10-8 off], 10-9, 10-10, 10-11 (Sat, 调休), 10-13 …
    assert LIBRARY.add_workdays(assigned, 3) == d("2025-09-30")
    assert LIBRARY.add_workdays(assigned, 4) == d("2025-10-09")
    assert LIBRARY.add_workdays(assigned, 10) == d("2025-10-16")
    assert deadline_for(Urgency.NORMAL, assigned, LIBRARY, POLICY) == Deadline(d("2025-10-16"), 10)
    assert deadline_for(Urgency.URGENT, assigned, LIBRARY, POLICY) == Deadline(d("2025-09-30"), 3)


def test_a_make_up_saturday_can_be_the_deadline() -> None:
    deadline = deadline_for(Urgency.URGENT, d("2025-09-30"), LIBRARY, POLICY)
    assert deadline.due == d("2025-10-11")
    assert deadline.due.weekday() == 5
    assert not deadline.guessed


def test_a_deadline_spanning_spring_festival_2026() -> None:
    assigned = d("2026-02-13")
    assert deadline_for(Urgency.URGENT, assigned, LIBRARY, POLICY).due == d("2026-02-25")
    assert deadline_for(Urgency.NORMAL, assigned, LIBRARY, POLICY).due == d("2026-03-05")


def test_the_start_day_is_not_counted_and_zero_stays_put() -> None:
    assert LIBRARY.add_workdays(d("2025-10-09"), 1) == d("2025-10-10")
    assert LIBRARY.add_workdays(d("2025-10-04"), 0) == d("2025-10-04")


def test_next_and_previous_workday_are_strict() -> None:
    assert LIBRARY.next_workday(d("2025-09-30")) == d("2025-10-09")
    assert LIBRARY.next_workday(d("2025-10-01")) == d("2025-10-09")
    assert LIBRARY.previous_workday(d("2025-10-09")) == d("2025-09-30")
    assert LIBRARY.previous_workday(d("2025-09-29")) == d("2025-09-28")
    assert LIBRARY.add_workdays(d("2025-10-13"), -2) == d("2025-10-10")


def test_workdays_between_is_the_inverse_of_add_workdays() -> None:
    assert LIBRARY.workdays_between(d("2025-09-26"), d("2025-10-16")) == 10
    assert LIBRARY.workdays_between(d("2025-10-16"), d("2025-09-26")) == -10
    assert LIBRARY.workdays_between(d("2025-10-01"), d("2025-10-08")) == 0
    assert LIBRARY.workdays_between(d("2025-10-01"), d("2025-10-01")) == 0
    start = d("2025-09-20")
    for n in range(-15, 40):
        assert LIBRARY.workdays_between(start, LIBRARY.add_workdays(start, n)) == n


def test_a_configurable_policy() -> None:
    policy = DeadlinePolicy(urgent_workdays=1, normal_workdays=5)
    assert deadline_for(Urgency.URGENT, d("2025-09-30"), LIBRARY, policy).due == d("2025-10-09")
    assert deadline_for(Urgency.NORMAL, d("2025-09-30"), LIBRARY, policy).due == d("2025-10-14")


@pytest.mark.parametrize(("urgent", "normal"), [(0, 10), (3, -1), (3, MAX_WORKDAYS + 1)])
def test_a_policy_needs_positive_bounded_days(urgent: int, normal: int) -> None:
    with pytest.raises(ValueError, match="working days"):
        DeadlinePolicy(urgent_workdays=urgent, normal_workdays=normal)


def test_counting_is_bounded() -> None:
    with pytest.raises(ValueError, match="beyond"):
        LIBRARY.add_workdays(d("2025-01-01"), MAX_WORKDAYS + 1)


# --- overrides ------------------------------------------------------------------------------


def test_an_override_adds_a_made_up_year() -> None:
    calendar = WorkCalendar(parse_calendar(MADE_UP_2030))
    assert calendar.known(d("2030-06-01"))
    assert not LIBRARY.known(d("2030-06-01"))
    assert calendar.is_workday(d("2030-01-01")) is False  # Tuesday, listed as a holiday
    assert calendar.is_workday(d("2030-01-26")) is True  # Saturday, listed as worked
    assert calendar.is_workday(d("2030-01-27")) is False  # unlisted Sunday
    assert calendar.is_workday(d("2030-01-28")) is True  # unlisted Monday
    assert calendar.add_workdays(d("2030-02-01"), 1) == d("2030-02-09")
    assert calendar.add_workdays(d("2030-02-01"), 2) == d("2030-02-11")
    assert calendar.workdays_between(d("2030-02-01"), d("2030-02-11")) == 2


def test_an_override_corrects_the_library() -> None:
    calendar = WorkCalendar(
        CalendarOverrides(
            {
                2025: YearOverride(
                    holidays=frozenset({d("2025-10-10")}), workdays=frozenset({d("2025-10-12")})
                )
            }
        )
    )
    assert LIBRARY.is_workday(d("2025-10-10")) is True
    assert calendar.is_workday(d("2025-10-10")) is False
    assert LIBRARY.is_workday(d("2025-10-12")) is False
    assert calendar.is_workday(d("2025-10-12")) is True
    # Days the file does not list still come from the library.
    assert calendar.is_workday(d("2025-10-01")) is False
    assert calendar.is_workday(d("2025-10-11")) is True


def test_load_reads_a_file_or_nothing(tmp_path: Path) -> None:
    path = tmp_path / "calendar.toml"
    path.write_text(MADE_UP_2030, encoding="utf-8")
    assert WorkCalendar.load(path).known(d("2030-03-03"))
    assert not WorkCalendar.load(None).known(d("2030-03-03"))
    path.write_text("[2030]\nholidays = ['2030-13-01']\n", encoding="utf-8")
    with pytest.raises(CalendarFileError):
        WorkCalendar.load(path)


# --- unknown years --------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["2003-06-02", "2099-06-01"])
def test_an_unknown_year_is_refused_not_guessed(day: str) -> None:
    assert not LIBRARY.known(d(day))
    with pytest.raises(UnknownCalendar) as caught:
        LIBRARY.is_workday(d(day))
    assert caught.value.year == d(day).year


def test_counting_into_an_unknown_year_is_refused() -> None:
    calendar = WorkCalendar(parse_calendar(MADE_UP_2030))
    with pytest.raises(UnknownCalendar) as caught:
        calendar.add_workdays(d("2030-12-27"), 5)
    assert caught.value.year == 2031
    with pytest.raises(UnknownCalendar):
        calendar.workdays_between(d("2030-12-27"), d("2031-01-03"))
    with pytest.raises(UnknownCalendar):
        LIBRARY.next_workday(d("2099-01-01"))


def test_the_fallback_counts_mon_to_fri_and_names_the_guessed_years() -> None:
    calendar = WorkCalendar(parse_calendar(MADE_UP_2030))
    # 12-30, 12-31 known; 2031-01-01..03 guessed as weekdays.
    assert calendar.add_workdays_or_weekdays(d("2030-12-27"), 5) == (d("2031-01-03"), {2031})
    assert calendar.add_workdays_or_weekdays(d("2030-12-27"), 2) == (d("2030-12-31"), set())
    assert LIBRARY.add_workdays_or_weekdays(d("2025-09-30"), 3) == (d("2025-10-11"), set())
    deadline = deadline_for(Urgency.NORMAL, d("2030-12-27"), calendar, POLICY)
    assert deadline == Deadline(d("2031-01-10"), 10, frozenset({2031}))
    assert deadline.guessed


def test_the_fallback_names_every_year_it_guessed() -> None:
    due, guessed = LIBRARY.add_workdays_or_weekdays(d("2099-12-30"), 3)
    assert due == d("2100-01-04")
    assert guessed == {2099, 2100}


# --- bad calendar files ---------------------------------------------------------------------


def problems(text: str) -> list[tuple[int | None, str, CalendarCode, str]]:
    with pytest.raises(CalendarFileError) as caught:
        parse_calendar(text)
    return [(p.line, p.key, p.code, p.detail) for p in caught.value.problems]


def test_a_toml_syntax_error_names_its_line() -> None:
    [(line, key, code, _)] = problems('[2027]\nholidays = ["2027-01-01"\nworkdays = []\n')
    assert (key, code) == ("", CalendarCode.TOML_SYNTAX)
    assert line is not None
    [(line, _, code, _)] = problems("[2027]\nholidays = \n")
    assert (line, code) == (2, CalendarCode.TOML_SYNTAX)


def test_every_item_problem_is_reported_with_its_line_and_key() -> None:
    text = """\
[2027]
holidays = [
    "2027-01-01",
    "2027-02-30",
    '2027-2-5',
    "2027-02-13..2027-02-05",
    "2028-01-01",
    "2027-12-31..2028-01-02",
    2027-03-01T08:00:00,
    7,
]
workdays = ["2027-01-01", "soon.."]
"""
    assert problems(text) == [
        (4, "2027.holidays[1]", CalendarCode.BAD_DATE, "2027-02-30"),
        (5, "2027.holidays[2]", CalendarCode.BAD_DATE, "2027-2-5"),
        (6, "2027.holidays[3]", CalendarCode.RANGE_BACKWARDS, "2027-02-13..2027-02-05"),
        (7, "2027.holidays[4]", CalendarCode.OUTSIDE_YEAR, "2028-01-01"),
        (8, "2027.holidays[5]", CalendarCode.OUTSIDE_YEAR, "2027-12-31..2028-01-02"),
        (9, "2027.holidays[6]", CalendarCode.BAD_DATE, "2027-03-01T08:00:00"),
        (2, "2027.holidays[7]", CalendarCode.BAD_DATE, "7"),  # found by key only
        (12, "2027.workdays[1]", CalendarCode.BAD_DATE, "soon.."),
        (12, "2027.workdays", CalendarCode.HOLIDAY_AND_WORKDAY, "2027-01-01"),
    ]


def test_a_day_in_a_holiday_range_and_in_workdays_is_refused() -> None:
    text = (
        '[2027]\nholidays = ["2027-02-05..2027-02-13"]\nworkdays = ["2027-02-14", "2027-02-10"]\n'
    )
    assert problems(text) == [(3, "2027.workdays", CalendarCode.HOLIDAY_AND_WORKDAY, "2027-02-10")]


def test_structure_problems_are_reported_with_their_keys() -> None:
    text = """\
title = "calendar"
[next]
holidays = []
[2027]
holiday = ["2027-01-01"]
workdays = "2027-02-14"
"""
    assert problems(text) == [
        (1, "title", CalendarCode.NOT_A_YEAR, "title"),
        (2, "next", CalendarCode.NOT_A_YEAR, "next"),
        (5, "2027.holiday", CalendarCode.UNKNOWN_KEY, "holiday"),
        (6, "2027.workdays", CalendarCode.NOT_A_LIST, "workdays"),
    ]
    assert problems('2027 = "all of it"\n') == [(1, "2027", CalendarCode.NOT_A_TABLE, "2027")]


def test_a_good_file_parses_ranges_and_toml_dates() -> None:
    overrides = parse_calendar(MADE_UP_2030)
    year = overrides.years[2030]
    assert len(year.holidays) == 8
    assert d("2030-02-05") in year.holidays
    assert year.workdays == {d("2030-01-26"), d("2030-02-09")}
    assert parse_calendar("").years == {}
    assert parse_calendar("[2030]\n").years == {2030: YearOverride()}


def test_an_empty_year_table_makes_the_year_known_as_mon_to_fri() -> None:
    calendar = WorkCalendar(parse_calendar("[2031]\n"))
    monday = d("2031-01-06")
    assert calendar.add_workdays(monday, 5) == monday + timedelta(days=7)
