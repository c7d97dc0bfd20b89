"""A bulletin of one kind for one day and scope: its text and, where it helps, its chart."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bulletins.figures import (
    Daily,
    IsWorkday,
    Monthly,
    Weekly,
    daily_figures,
    monthly_figures,
    weekly_figures,
)
from bulletins.text import daily_text, monthly_text, spot_text, weekly_text
from domain.campaigns import BulletinKind, Campaign
from i18n.catalog import Catalog
from storage import Tx

__all__ = ["Bulletin", "Figures", "compute", "render", "spot_line"]

Figures = Daily | Weekly | Monthly

# A chart with more bars than this shows the best and the worst twenty: a phone shows ~40
# bars legibly, and drawing 200 takes over a second.
_CHART_BARS = 40
_ENDS = 20


@dataclass(frozen=True, slots=True)
class Bulletin:
    text: str
    chart: bytes | None


async def compute(
    tx: Tx,
    campaign: Campaign,
    kind: BulletinKind,
    day: date,
    root_id: int | None,
    is_workday: IsWorkday,
) -> Figures:
    """The figures as they stand now: computed when the bulletin is due, not when it is sent."""
    if kind is BulletinKind.DAILY:
        return await daily_figures(tx, campaign, day, root_id, is_workday)
    if kind is BulletinKind.WEEKLY:
        return await weekly_figures(tx, campaign, day, root_id, is_workday)
    return await monthly_figures(tx, campaign, day, root_id)


async def spot_line(tx: Tx, t: Catalog, figures: Figures, root_id: int | None) -> str | None:
    """The weekly dispatch counts the week's spot-check outcomes (日抽查) in its scope."""
    if not isinstance(figures, Weekly):
        return None
    units = await tx.ledger.subtree(root_id) if root_id is not None else ()
    return spot_text(t, await tx.spot_checks.outcome_counts(figures.first, figures.last, units))


async def render(
    t: Catalog,
    figures: Figures,
    *,
    spot: str | None = None,
    late_due: datetime | None = None,
    chart: bool = True,
) -> Bulletin:
    """Words and picture; the chart is drawn off the event loop (it takes a few hundred ms)."""
    if isinstance(figures, Daily):
        text = daily_text(t, figures, late_due)
    elif isinstance(figures, Weekly):
        text = weekly_text(t, figures, spot, late_due)
    else:
        text = monthly_text(t, figures, late_due)
    picture = await asyncio.to_thread(draw, t, figures) if chart else None
    return Bulletin(text, picture)


def draw(t: Catalog, figures: Figures) -> bytes | None:
    """The chart that says it faster: completion by unit, or the month's daily trend."""
    from bulletins.charts import Bar, completion_chart, trend_chart

    if isinstance(figures, Monthly):
        if not figures.days:
            return None
        # Every day of the month, quiet ones at zero: a line over gaps would show a false trend.
        visited = {d.day: d.visited for d in figures.days}
        cases = dict(figures.case_days)
        span = (figures.last - figures.first).days + 1
        days = [figures.first + timedelta(days=n) for n in range(span)]
        return trend_chart(
            t("chart.trend_title", month=f"{figures.first:%Y-%m}"),
            days,
            [
                (t("chart.series_visits"), [visited.get(day, 0) for day in days]),
                (t("chart.series_cases"), [cases.get(day, 0) for day in days]),
            ],
        )
    daily = figures if isinstance(figures, Daily) else figures.daily
    ranked = daily.ranked
    if not ranked:
        return None
    shown = ranked if len(ranked) <= _CHART_BARS else ranked[:_ENDS] + ranked[-_ENDS:]
    return completion_chart(
        t("chart.completion_title", campaign=daily.campaign.name, day=f"{daily.day:%m-%d}"),
        [
            Bar(row.unit.name, row.visited, row.quota, share=row.standing.completion)
            for row in shown
        ],
        done_label=t("chart.done"),
        quota_label=t("chart.quota"),
        expected=daily.expected,
        expected_label=t("chart.expected"),
        behind_label=t("chart.behind"),
    )
