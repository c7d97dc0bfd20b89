"""A campaign: its dates, zone and timetable, and the checks on what a coordinator sets."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, time
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.numerals import to_halfwidth
from domain.visits import TargetType

__all__ = [
    "BulletinKind",
    "Campaign",
    "CampaignError",
    "CampaignProblem",
    "NewCampaign",
    "Quota",
    "Timetable",
    "check_campaign",
    "parse_kinds",
    "parse_time_of_day",
]


class BulletinKind(StrEnum):
    DAILY = "daily"  # 日报 / 走访进度通报
    WEEKLY = "weekly"  # 周调度
    MONTHLY = "monthly"  # 月小结


class CampaignProblem(StrEnum):
    """Why a campaign setting was refused; callers turn it into a message."""

    END_BEFORE_START = "end_before_start"
    BAD_ZONE = "bad_zone"
    BAD_TIME = "bad_time"
    BAD_KINDS = "bad_kinds"
    EMPTY_NAME = "empty_name"


class CampaignError(ValueError):
    def __init__(self, problem: CampaignProblem, detail: str = "") -> None:
        super().__init__(f"{problem.value}: {detail}" if detail else problem.value)
        self.problem = problem
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Timetable:
    """When bulletins and nudges go out, in the campaign's local time."""

    daily_at: time = time(18, 0)
    weekly_day: int = 0  # Monday; moved to the next working day if that is a holiday
    weekly_at: time = time(9, 0)
    monthly_at: time = time(9, 0)  # on the month's first working day
    nudge_at: time = time(16, 0)
    quiet_from: time = time(21, 0)
    quiet_until: time = time(8, 0)

    def with_times(self, times: Mapping[BulletinKind, time]) -> Timetable:
        """This timetable with some bulletins moved (a group's own times)."""
        return replace(
            self,
            daily_at=times.get(BulletinKind.DAILY, self.daily_at),
            weekly_at=times.get(BulletinKind.WEEKLY, self.weekly_at),
            monthly_at=times.get(BulletinKind.MONTHLY, self.monthly_at),
        )

    def at(self, kind: BulletinKind) -> time:
        return {
            BulletinKind.DAILY: self.daily_at,
            BulletinKind.WEEKLY: self.weekly_at,
            BulletinKind.MONTHLY: self.monthly_at,
        }[kind]

    def is_quiet(self, moment: time) -> bool:
        """Inside quiet hours (which may run over midnight)."""
        if self.quiet_from <= self.quiet_until:
            return self.quiet_from <= moment < self.quiet_until
        return moment >= self.quiet_from or moment < self.quiet_until


@dataclass(frozen=True, slots=True)
class NewCampaign:
    name: str
    starts_on: date
    ends_on: date
    zone: str


@dataclass(frozen=True, slots=True)
class Campaign:
    id: int
    name: str
    starts_on: date
    ends_on: date
    zone: ZoneInfo
    active: bool
    timetable: Timetable

    def runs_on(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


@dataclass(frozen=True, slots=True)
class Quota:
    """A unit's 走访任务数 for one target type."""

    unit_id: int
    target: TargetType
    quota: int


def check_campaign(name: str, starts_on: date, ends_on: date, zone: str) -> NewCampaign:
    """A campaign that can be stored, or CampaignError saying what is wrong with it."""
    if not name.strip():
        raise CampaignError(CampaignProblem.EMPTY_NAME)
    if ends_on < starts_on:
        raise CampaignError(CampaignProblem.END_BEFORE_START, f"{starts_on} > {ends_on}")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise CampaignError(CampaignProblem.BAD_ZONE, zone) from error
    return NewCampaign(name.strip(), starts_on, ends_on, zone)


_CLOCK = re.compile(r"^(上午|早上|下午|晚上)?\s*(\d{1,2})(?:[:：点时](\d{1,2})?分?|点半)?$")


def parse_time_of_day(text: str) -> time:
    """ "18:00", "9:30", "18点", "下午6点", "9点半" → a time; CampaignError if not a time."""
    cleaned = to_halfwidth(text).strip().replace(" ", "")
    match = _CLOCK.match(cleaned)
    if not match:
        raise CampaignError(CampaignProblem.BAD_TIME, text)
    half, hour_text, minute_text = match.groups()
    hour = int(hour_text)
    minute = 30 if cleaned.endswith("点半") else int(minute_text or 0)
    if half in ("下午", "晚上") and hour < 12:
        hour += 12
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise CampaignError(CampaignProblem.BAD_TIME, text)
    return time(hour, minute)


def parse_kinds(text: str) -> tuple[BulletinKind, ...]:
    """ "daily,weekly" or "日报 周调度" → the kinds named, in a fixed order; all when empty."""
    words = [w for w in re.split(r"[\s,，、;；]+", text.strip().lower()) if w]
    if not words:
        return tuple(BulletinKind)
    chosen = set()
    for word in words:
        kind = _KIND_WORDS.get(word)
        if kind is None:
            raise CampaignError(CampaignProblem.BAD_KINDS, word)
        chosen.add(kind)
    return tuple(kind for kind in BulletinKind if kind in chosen)


_KIND_WORDS = {
    "daily": BulletinKind.DAILY,
    "日报": BulletinKind.DAILY,
    "通报": BulletinKind.DAILY,
    "weekly": BulletinKind.WEEKLY,
    "周调度": BulletinKind.WEEKLY,
    "周报": BulletinKind.WEEKLY,
    "monthly": BulletinKind.MONTHLY,
    "月小结": BulletinKind.MONTHLY,
    "月报": BulletinKind.MONTHLY,
}
