"""Quota completion and pace against time elapsed: ahead, on track or behind."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

__all__ = ["TOLERANCE", "Pace", "Standing", "completion", "expected_share", "standing"]

# Within five percentage points of the expected share counts as on track.
TOLERANCE = 0.05


class Pace(StrEnum):
    AHEAD = "ahead"  # 超前
    ON_TRACK = "on_track"  # 正常
    BEHIND = "behind"  # 滞后


@dataclass(frozen=True, slots=True)
class Standing:
    """A unit's completion of its quota, the share the calendar expects by now, and the verdict."""

    completion: float | None  # None: no quota set
    expected: float
    pace: Pace | None


def completion(done: Mapping[str, int], quota: Mapping[str, int]) -> float | None:
    """Share of the quota done, each target capped at its own quota.

    Capping keeps a surplus of households from hiding schools nobody visited.
    """
    total = sum(quota.values())
    if total <= 0:
        return None
    return sum(min(done.get(target, 0), wanted) for target, wanted in quota.items()) / total


def expected_share(
    starts_on: date, ends_on: date, today: date, is_workday: Callable[[date], bool]
) -> float:
    """Working days elapsed (today included) over the campaign's working days."""
    if today < starts_on:
        return 0.0
    if today >= ends_on:
        return 1.0
    total = elapsed = 0
    day = starts_on
    while day <= ends_on:
        if is_workday(day):
            total += 1
            if day <= today:
                elapsed += 1
        day += timedelta(days=1)
    if total == 0:  # a campaign with no working day at all: plain calendar days
        return ((today - starts_on).days + 1) / ((ends_on - starts_on).days + 1)
    return elapsed / total


def standing(done_share: float | None, expected: float) -> Standing:
    if done_share is None:
        return Standing(None, expected, None)
    if done_share >= expected + TOLERANCE:
        pace = Pace.AHEAD
    elif done_share >= expected - TOLERANCE:
        pace = Pace.ON_TRACK
    else:
        pace = Pace.BEHIND
    return Standing(done_share, expected, pace)
