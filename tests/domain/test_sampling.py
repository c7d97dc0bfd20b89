"""Drawing the daily spot check's sample, and finding the previous working day."""

from __future__ import annotations

import random
from datetime import date

from domain.sampling import Logged, SpotKind, draw_sample, previous_workday
from domain.workdays import WorkCalendar


def _logged(unit: int, n: int, kind: SpotKind = SpotKind.VISIT, start: int = 0) -> list[Logged]:
    return [Logged(unit, kind, start + i, 100 + unit) for i in range(n)]


def test_every_unit_that_logged_is_in_the_sample() -> None:
    items = _logged(1, 50) + _logged(2, 1, start=100) + _logged(3, 2, SpotKind.CASE)
    for seed in range(20):
        sample = draw_sample(items, 5, random.Random(seed))
        assert len(sample) == 5
        assert {item.unit_id for item in sample} == {1, 2, 3}
        assert len(set(sample)) == 5
        assert sample == sorted(sample)


def test_more_units_than_the_size_still_gives_one_each() -> None:
    items = [Logged(unit, SpotKind.VISIT, unit, unit) for unit in range(1, 8)]
    sample = draw_sample(items, 3, random.Random(1))
    assert [item.unit_id for item in sample] == list(range(1, 8))


def test_fewer_items_than_the_size_takes_them_all() -> None:
    items = _logged(1, 2) + _logged(2, 1, start=10)
    assert draw_sample(items, 10, random.Random(0)) == sorted(items)
    assert draw_sample([], 10, random.Random(0)) == []


def test_the_same_seed_draws_the_same_whatever_the_order() -> None:
    items = _logged(1, 30) + _logged(2, 30, start=100)
    first = draw_sample(items, 6, random.Random(42))
    again = draw_sample(list(reversed(items)), 6, random.Random(42))
    assert first == again
    others = {tuple(draw_sample(items, 6, random.Random(seed))) for seed in range(10)}
    assert len(others) > 1  # it is random, not the first six


def test_previous_workday_follows_the_calendar() -> None:
    calendar = WorkCalendar()
    assert previous_workday(date(2026, 11, 30), calendar.is_workday) == date(2026, 11, 27)
    # National Day: 10-01..10-07 off; Saturday 10-10 is worked (调休), after Friday 10-09
    assert previous_workday(date(2026, 10, 8), calendar.is_workday) == date(2026, 9, 30)
    assert previous_workday(date(2026, 10, 10), calendar.is_workday) == date(2026, 10, 9)
    assert previous_workday(date(2026, 10, 12), calendar.is_workday) == date(2026, 10, 10)
    assert previous_workday(date(2026, 11, 30), lambda day: False) is None
