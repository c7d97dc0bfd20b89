"""When each bulletin falls due, on working days only, and which one a late start still owes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.campaigns import BulletinKind, Timetable

__all__ = ["LATE_AFTER", "NUDGE", "Occurrence", "falls_on", "latest_due"]

NUDGE = "nudge"

# A bulletin computed more than this after its time is marked late.
LATE_AFTER = timedelta(minutes=15)

# How far back a restart looks for an occurrence it missed (a monthly one is at most ~5 weeks old).
_LOOK_BACK_DAYS = 40


@dataclass(frozen=True, slots=True)
class Occurrence:
    kind: str  # a BulletinKind, or "nudge"
    day: date  # the local day it falls on: with `suffix`, its key, so it runs once
    due_at: datetime  # aware, in the campaign's zone
    suffix: str = ""  # "@17:30" for a group's own time, so it runs apart from the campaign's

    @property
    def period(self) -> str:
        return self.day.isoformat() + self.suffix

    def is_late(self, now: datetime) -> bool:
        return now - self.due_at > LATE_AFTER


def falls_on(
    kind: BulletinKind, day: date, timetable: Timetable, is_workday: Callable[[date], bool]
) -> bool:
    """Whether `kind` is due on `day`: daily on working days; weekly on the set weekday or the
    first working day after it in that week; monthly on the month's first working day."""
    if not is_workday(day):
        return False
    if kind is BulletinKind.DAILY:
        return True
    if kind is BulletinKind.WEEKLY:
        week_start = day - timedelta(days=day.weekday())
        first = week_start + timedelta(days=timetable.weekly_day)
        if day < first:
            return False
        return all(not is_workday(first + timedelta(days=n)) for n in range((day - first).days))
    month_start = day.replace(day=1)
    return all(
        not is_workday(month_start + timedelta(days=n)) for n in range((day - month_start).days)
    )


def latest_due(
    kind: BulletinKind,
    now: datetime,
    zone: ZoneInfo,
    timetable: Timetable,
    is_workday: Callable[[date], bool],
) -> Occurrence | None:
    """The most recent occurrence at or before `now`: the only one worth sending after a gap."""
    local = now.astimezone(zone)
    at = timetable.at(kind)
    for back in range(_LOOK_BACK_DAYS):
        day = local.date() - timedelta(days=back)
        due = datetime.combine(day, at, tzinfo=zone)
        if due <= local and falls_on(kind, day, timetable, is_workday):
            return Occurrence(kind, day, due)
    return None
