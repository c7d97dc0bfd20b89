"""When bulletins fall due: local times, working days only, 调休, and one catch-up after a gap."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from domain.campaigns import (
    BulletinKind,
    CampaignError,
    CampaignProblem,
    Timetable,
    check_campaign,
    parse_kinds,
    parse_time_of_day,
)
from domain.pace import Pace, completion, expected_share, standing
from domain.schedule import falls_on, latest_due
from domain.workdays import WorkCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
is_workday = WorkCalendar().is_workday
DAILY, WEEKLY, MONTHLY = BulletinKind


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_the_daily_bulletin_is_due_at_18_00_shanghai_time() -> None:
    # 18:00 in Shanghai is 10:00 UTC.
    before = latest_due(DAILY, utc(2026, 11, 25, 9, 59), SHANGHAI, Timetable(), is_workday)
    at = latest_due(DAILY, utc(2026, 11, 25, 10, 0), SHANGHAI, Timetable(), is_workday)
    assert before is not None
    assert before.day == date(2026, 11, 24)
    assert at is not None
    assert at.day == date(2026, 11, 25)
    assert at.due_at == datetime(2026, 11, 25, 18, 0, tzinfo=SHANGHAI)


def test_no_daily_bulletin_on_weekends_and_holidays_but_yes_on_make_up_days() -> None:
    assert not falls_on(DAILY, date(2026, 11, 28), Timetable(), is_workday)  # Saturday
    assert not falls_on(DAILY, date(2026, 10, 1), Timetable(), is_workday)  # National Day
    assert falls_on(DAILY, date(2026, 10, 10), Timetable(), is_workday)  # 调休 Saturday
    # Late on National Day, the one owed is the last working day's (30 September).
    owed = latest_due(DAILY, utc(2026, 10, 3, 12), SHANGHAI, Timetable(), is_workday)
    assert owed is not None
    assert owed.day == date(2026, 9, 30)


def test_weekly_moves_to_the_first_working_day_of_the_week() -> None:
    assert falls_on(WEEKLY, date(2026, 11, 30), Timetable(), is_workday)  # a plain Monday
    assert not falls_on(WEEKLY, date(2026, 12, 1), Timetable(), is_workday)
    # Monday 5 October is a holiday; so are the 6th and 7th: the dispatch is on Thursday the 8th.
    assert not falls_on(WEEKLY, date(2026, 10, 5), Timetable(), is_workday)
    assert falls_on(WEEKLY, date(2026, 10, 8), Timetable(), is_workday)
    assert not falls_on(WEEKLY, date(2026, 10, 9), Timetable(), is_workday)


def test_monthly_is_on_the_first_working_day() -> None:
    assert falls_on(MONTHLY, date(2026, 12, 1), Timetable(), is_workday)
    assert not falls_on(MONTHLY, date(2026, 10, 1), Timetable(), is_workday)
    assert falls_on(MONTHLY, date(2026, 10, 8), Timetable(), is_workday)
    assert falls_on(MONTHLY, date(2026, 11, 2), Timetable(), is_workday)  # the 1st is a Sunday


def test_after_a_long_gap_only_the_latest_occurrence_is_owed() -> None:
    owed = latest_due(MONTHLY, utc(2026, 11, 20), SHANGHAI, Timetable(), is_workday)
    assert owed is not None
    assert owed.day == date(2026, 11, 2)
    assert owed.is_late(utc(2026, 11, 20))
    assert not owed.is_late(owed.due_at)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18:00", time(18)),
        ("9:30", time(9, 30)),
        ("18点", time(18)),
        ("下午6点", time(18)),
        ("9点半", time(9, 30)),
        ("１８：１５", time(18, 15)),
    ],
)
def test_times_of_day(text: str, expected: time) -> None:
    assert parse_time_of_day(text) == expected


@pytest.mark.parametrize("text", ["", "25:00", "明天", "18:61", "six"])
def test_what_is_not_a_time(text: str) -> None:
    with pytest.raises(CampaignError) as caught:
        parse_time_of_day(text)
    assert caught.value.problem is CampaignProblem.BAD_TIME


def test_campaign_checks() -> None:
    with pytest.raises(CampaignError) as caught:
        check_campaign("x", date(2026, 12, 1), date(2026, 11, 1), "Asia/Shanghai")
    assert caught.value.problem is CampaignProblem.END_BEFORE_START
    with pytest.raises(CampaignError) as caught:
        check_campaign("x", date(2026, 11, 1), date(2026, 12, 1), "Mars/Olympus")
    assert caught.value.problem is CampaignProblem.BAD_ZONE
    assert parse_kinds("日报 周调度") == (DAILY, WEEKLY)
    assert parse_kinds("") == (DAILY, WEEKLY, MONTHLY)
    with pytest.raises(CampaignError):
        parse_kinds("daily hourly")


def test_quiet_hours_run_over_midnight() -> None:
    timetable = Timetable()
    assert timetable.is_quiet(time(22))
    assert timetable.is_quiet(time(7, 59))
    assert not timetable.is_quiet(time(8))
    assert not timetable.is_quiet(time(20, 59))


def test_completion_caps_each_target_at_its_quota() -> None:
    quota = {"household": 100, "school": 10}
    assert completion({"household": 300, "school": 0}, quota) == pytest.approx(100 / 110)
    assert completion({"household": 50}, {}) is None


def test_expected_share_counts_working_days() -> None:
    start, end = date(2026, 9, 28), date(2026, 10, 9)  # National Day in between
    # Working days: 28–30 Sep, 8–9 Oct = 5 (the 调休 Saturday 10th is after the end).
    assert expected_share(start, end, date(2026, 9, 30), is_workday) == pytest.approx(3 / 5)
    assert expected_share(start, end, date(2026, 10, 6), is_workday) == pytest.approx(3 / 5)
    assert expected_share(start, end, date(2026, 9, 1), is_workday) == 0.0
    assert expected_share(start, end, date(2026, 12, 1), is_workday) == 1.0
    assert standing(0.5, 0.6).pace is Pace.BEHIND
    assert standing(0.56, 0.6).pace is Pace.ON_TRACK
    assert standing(0.7, 0.6).pace is Pace.AHEAD
