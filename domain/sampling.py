"""The daily spot check's sample (日抽查): random, but every unit that logged anything is in it."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

__all__ = ["Logged", "SpotKind", "SpotOutcome", "draw_sample", "previous_workday"]

# Longer than any run of days off in the Chinese calendar (the Spring Festival is 9 at most).
_LOOK_BACK_DAYS = 31


class SpotKind(StrEnum):
    VISIT = "visit"
    CASE = "case"


class SpotOutcome(StrEnum):
    VERIFIED = "verified"  # 核实无误
    DOUBTFUL = "doubtful"  # 存疑
    RETURNED = "returned"  # 退回补正

    @property
    def needs_reason(self) -> bool:
        return self is not SpotOutcome.VERIFIED


@dataclass(frozen=True, slots=True, order=True)
class Logged:
    """One entry logged on the day sampled: a visit batch or a case, and who logged it."""

    unit_id: int
    kind: SpotKind
    item_id: int
    person_id: int


def previous_workday(today: date, is_workday: Callable[[date], bool]) -> date | None:
    """The last working day strictly before `today`, or None if none in the month before."""
    for back in range(1, _LOOK_BACK_DAYS + 1):
        day = today - timedelta(days=back)
        if is_workday(day):
            return day
    return None


def draw_sample(items: Sequence[Logged], size: int, rng: random.Random) -> list[Logged]:
    """`size` entries at random, one from every unit first; in unit order.

    With more units than `size`, every unit still gets one: a unit left out of the day's
    check would be one whose figures nobody looked at. The same items and the same seed
    always give the same sample, whatever order the items come in.
    """
    pool = sorted(set(items))
    by_unit: dict[int, list[Logged]] = {}
    for item in pool:
        by_unit.setdefault(item.unit_id, []).append(item)
    chosen = {rng.choice(entries) for _, entries in sorted(by_unit.items())}
    rest = [item for item in pool if item not in chosen]
    extra = max(0, min(size - len(chosen), len(rest)))
    chosen.update(rng.sample(rest, extra))
    return sorted(chosen)
