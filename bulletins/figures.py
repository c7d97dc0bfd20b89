"""The figures of the daily bulletin, weekly dispatch and monthly summary, computed when due."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from bulletins.scope import Scope, scope_for
from domain.campaigns import Campaign
from domain.case_flow import Status
from domain.pace import Pace, Standing, completion, expected_share, standing
from domain.people import Unit
from storage import Tx
from storage.campaign_records import DayTotal, OverdueCase

__all__ = [
    "Daily",
    "Monthly",
    "Row",
    "Weekly",
    "daily_figures",
    "monthly_figures",
    "weekly_figures",
]

IsWorkday = Callable[[date], bool]

_OPEN = tuple(s.value for s in Status if s not in (Status.CLOSED, Status.SOLVED_ON_SPOT))
_OVERDUE_LISTED = 10


@dataclass(frozen=True, slots=True)
class Row:
    """One unit's line of a bulletin."""

    unit: Unit
    today: int = 0  # visits (households, enterprises … counted) on the day or in the period
    entries_today: int = 0
    people_today: int = 0
    visited: int = 0  # since the campaign started
    quota: int = 0  # all target types together
    people: int = 0
    standing: Standing = field(default_factory=lambda: Standing(None, 0.0, None))
    new: int = 0
    on_spot: int = 0
    resolved: int = 0
    overdue: int = 0
    open_cases: int = 0
    silent: int = 0


@dataclass(frozen=True, slots=True)
class Daily:
    campaign: Campaign
    day: date
    rows: tuple[Row, ...]
    total: Row
    expected: float

    @property
    def ranked(self) -> list[Row]:
        """Rows with a quota, best completion first."""
        with_quota = [r for r in self.rows if r.standing.completion is not None]
        return sorted(with_quota, key=lambda r: (-(r.standing.completion or 0), r.unit.code))

    @property
    def behind(self) -> list[Row]:
        return [r for r in self.ranked if r.standing.pace is Pace.BEHIND]


@dataclass(frozen=True, slots=True)
class Weekly:
    daily: Daily  # the standing at the week's end
    first: date
    last: date
    rows: tuple[Row, ...]  # the week's visits and cases by unit, with the ledger's state
    total: Row
    overdue_cases: tuple[OverdueCase, ...]
    unit_names: dict[int, str]


@dataclass(frozen=True, slots=True)
class Monthly:
    campaign: Campaign
    first: date
    last: date
    total: Row
    previous: Row  # the month before, for the trend
    days: tuple[DayTotal, ...]
    case_days: tuple[tuple[date, int], ...]


async def _scope(tx: Tx, campaign: Campaign, root_id: int | None) -> tuple[Scope, list[Unit]]:
    units = await tx.directory.units()
    return scope_for(units, await tx.campaigns.quotas(campaign.id), root_id), units


def _day_bounds(day: date, campaign: Campaign) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=campaign.zone)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=campaign.zone)


async def daily_figures(
    tx: Tx, campaign: Campaign, day: date, root_id: int | None, is_workday: IsWorkday
) -> Daily:
    """走访进度通报 for `day`: the day's and cumulative figures, pace, problems, overdue."""
    scope, _ = await _scope(tx, campaign, root_id)
    return await _daily(tx, campaign, day, scope, root_id, is_workday)


async def _daily(
    tx: Tx, campaign: Campaign, day: date, scope: Scope, root_id: int | None, is_workday: IsWorkday
) -> Daily:
    today = await tx.stats.visit_totals(day, day)
    since = await tx.stats.campaign_totals(campaign.id, day)
    new = await tx.stats.new_cases(day, day)
    start, end = _day_bounds(day, campaign)
    resolved = await tx.stats.closed_between(start, end)
    overdue = await tx.stats.overdue(day)

    done: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for t in since:
        row = scope.row_of.get(t.unit_id)
        if row is not None:
            done[row][t.target] += t.visited
    expected = expected_share(campaign.starts_on, campaign.ends_on, day, is_workday)
    # Each figure as (unit, number) pairs, summed once into the rows and once for the whole.
    pairs = {
        "today": [(t.unit_id, t.visited) for t in today],
        "entries_today": [(t.unit_id, t.entries) for t in today],
        "people_today": [(t.unit_id, t.people) for t in today],
        "visited": [(t.unit_id, t.visited) for t in since],
        "people": [(t.unit_id, t.people) for t in since],
        "new": [(c.unit_id, c.new) for c in new],
        "on_spot": [(c.unit_id, c.on_spot) for c in new],
        "resolved": [(c.unit_id, c.count) for c in resolved],
        "overdue": [(c.unit_id, c.count) for c in overdue],
    }
    sums, whole = _summed(scope, pairs)
    rows = tuple(
        _row(
            unit,
            standing(completion(done[unit.id], scope.quotas[unit.id]), expected),
            {name: values.get(unit.id, 0) for name, values in sums.items()},
            quota=sum(scope.quotas[unit.id].values()),
        )
        for unit in scope.rows
    )
    all_quota: dict[str, int] = defaultdict(int)
    all_done: dict[str, int] = defaultdict(int)
    for unit_id, quota in scope.quotas.items():
        for target, wanted in quota.items():
            all_quota[target] += wanted
            all_done[target] += min(done[unit_id][target], wanted)
    total = _row(
        Unit(root_id or 0, "", "", None, ""),
        standing(completion(all_done, all_quota), expected),
        whole,
    )
    return Daily(campaign, day, rows, total, expected)


async def weekly_figures(
    tx: Tx, campaign: Campaign, day: date, root_id: int | None, is_workday: IsWorkday
) -> Weekly:
    """周调度 on `day`: the seven days before it, the ledger's state, overdue and silent cases."""
    last = day - timedelta(days=1)
    first = last - timedelta(days=6)
    scope, units = await _scope(tx, campaign, root_id)
    standing_then = await _daily(tx, campaign, last, scope, root_id, is_workday)
    # The campaign's own days of the week (its first and last weeks are partial).
    own = (max(first, campaign.starts_on), min(last, campaign.ends_on))
    visits = await tx.stats.visit_totals(*own)
    new = await tx.stats.new_cases(*own)
    start, _ = _day_bounds(first, campaign)
    _, end = _day_bounds(last, campaign)
    resolved = await tx.stats.closed_between(start, end)
    silent = await tx.stats.silent(end - timedelta(days=7))
    statuses = await tx.stats.status_totals()
    open_pairs = [(u, sum(by.get(s, 0) for s in _OPEN)) for u, by in statuses.items()]
    pairs = {
        "today": [(t.unit_id, t.visited) for t in visits],
        "entries_today": [(t.unit_id, t.entries) for t in visits],
        "people_today": [(t.unit_id, t.people) for t in visits],
        "new": [(c.unit_id, c.new) for c in new],
        "on_spot": [(c.unit_id, c.on_spot) for c in new],
        "resolved": [(c.unit_id, c.count) for c in resolved],
        # As of the dispatch day, like the list of overdue cases below.
        "overdue": [(c.unit_id, c.count) for c in await tx.stats.overdue(day)],
        "open_cases": open_pairs,
        "silent": [(c.unit_id, c.count) for c in silent],
    }
    sums, whole = _summed(scope, pairs)
    by_unit = {row.unit.id: row for row in standing_then.rows}
    rows = tuple(
        _row(
            unit,
            by_unit[unit.id].standing,
            {name: values.get(unit.id, 0) for name, values in sums.items()},
            since=by_unit[unit.id],
        )
        for unit in scope.rows
    )
    total = _row(
        standing_then.total.unit,
        standing_then.total.standing,
        whole,
        since=standing_then.total,
    )
    listed = await tx.stats.overdue_cases(day, _OVERDUE_LISTED, scope.unit_ids)
    names = {unit.id: unit.name for unit in units}
    return Weekly(standing_then, first, last, rows, total, tuple(listed), names)


def _summed(
    scope: Scope, pairs: dict[str, list[tuple[int, int]]]
) -> tuple[dict[str, dict[int, int]], dict[str, int]]:
    """Each figure's (unit, number) pairs summed into the bulletin's rows, and over the scope."""
    inside = set(scope.unit_ids)
    rows = {name: scope.roll_up(values) for name, values in pairs.items()}
    whole = {name: sum(n for unit, n in values if unit in inside) for name, values in pairs.items()}
    return rows, whole


def _row(
    unit: Unit, stands: Standing, n: dict[str, int], since: Row | None = None, quota: int = 0
) -> Row:
    """A row from named numbers; `since` lends its campaign-to-date visits and quota."""
    return Row(
        unit=unit,
        today=n.get("today", 0),
        entries_today=n.get("entries_today", 0),
        people_today=n.get("people_today", 0),
        visited=since.visited if since else n.get("visited", 0),
        people=since.people if since else n.get("people", 0),
        quota=since.quota if since else quota,
        standing=stands,
        new=n.get("new", 0),
        on_spot=n.get("on_spot", 0),
        resolved=n.get("resolved", 0),
        overdue=n.get("overdue", 0),
        open_cases=n.get("open_cases", 0),
        silent=n.get("silent", 0),
    )


async def monthly_figures(tx: Tx, campaign: Campaign, day: date, root_id: int | None) -> Monthly:
    """月小结 on `day`: the month before it, day by day, against the month before that."""
    first = (day.replace(day=1) - timedelta(days=1)).replace(day=1)
    last = day.replace(day=1) - timedelta(days=1)
    before_last = first - timedelta(days=1)
    before_first = before_last.replace(day=1)
    scope, _ = await _scope(tx, campaign, root_id)
    own = (max(first, campaign.starts_on), min(last, campaign.ends_on))
    return Monthly(
        campaign,
        first,
        last,
        await _period_total(tx, campaign, scope, first, last),
        await _period_total(tx, campaign, scope, before_first, before_last),
        tuple(await tx.stats.visit_days(*own, scope.unit_ids)),
        tuple(await tx.stats.case_days(*own, scope.unit_ids)),
    )


async def _period_total(tx: Tx, campaign: Campaign, scope: Scope, first: date, last: date) -> Row:
    """A period's totals, counting only the campaign's own days."""
    first, last = max(first, campaign.starts_on), min(last, campaign.ends_on)
    if first > last:
        return Row(unit=Unit(0, "", "", None, ""))
    inside = set(scope.unit_ids)
    visits = [t for t in await tx.stats.visit_totals(first, last) if t.unit_id in inside]
    new = [c for c in await tx.stats.new_cases(first, last) if c.unit_id in inside]
    start, _ = _day_bounds(first, campaign)
    _, end = _day_bounds(last, campaign)
    resolved = [c for c in await tx.stats.closed_between(start, end) if c.unit_id in inside]
    return Row(
        unit=Unit(0, "", "", None, ""),
        today=sum(t.visited for t in visits),
        entries_today=sum(t.entries for t in visits),
        people_today=sum(t.people for t in visits),
        new=sum(c.new for c in new),
        on_spot=sum(c.on_spot for c in new),
        resolved=sum(c.count for c in resolved),
    )
