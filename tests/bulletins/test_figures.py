"""The bulletins' figures and words against a small campaign worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from bulletins.figures import daily_figures, monthly_figures, weekly_figures
from bulletins.text import daily_text, weekly_text
from domain.campaigns import Campaign
from domain.pace import Pace
from domain.workdays import WorkCalendar
from i18n import catalog
from storage import Store
from tests.bulletins.small_campaign import CAMPAIGN_DAY, seed_small_campaign
from tests.transcript import FakeClock

is_workday = WorkCalendar().is_workday


@pytest.fixture
async def campaign(store: Store, clock: FakeClock) -> Campaign:
    await seed_small_campaign(store, clock.now())
    async with store.transaction() as tx:
        active = await tx.campaigns.active()
    assert active is not None
    return active


async def test_daily_figures_by_unit(store: Store, campaign: Campaign) -> None:
    async with store.transaction() as tx:
        daily = await daily_figures(tx, campaign, CAMPAIGN_DAY, None, is_workday)
    assert daily.expected == pytest.approx(18 / 20)
    rows = {row.unit.code: row for row in daily.rows}
    assert list(rows) == ["MAS-HS", "MAS-SFJ"]
    hs, sfj = rows["MAS-HS"], rows["MAS-SFJ"]
    assert (hs.today, hs.people_today, hs.visited, hs.people) == (30, 80, 75, 730)
    assert hs.standing.completion == pytest.approx(75 / 110)
    assert hs.standing.pace is Pace.BEHIND
    assert (sfj.today, sfj.visited, sfj.people) == (10, 60, 120)
    assert sfj.standing.completion == pytest.approx(1.0)
    assert sfj.standing.pace is Pace.AHEAD
    assert (hs.new, hs.on_spot, sfj.new, sfj.on_spot) == (1, 1, 1, 0)
    total = daily.total
    assert (total.today, total.visited, total.people, total.new, total.on_spot) == (
        40,
        135,
        850,
        2,
        1,
    )
    assert total.standing.completion == pytest.approx(125 / 160)
    assert [r.unit.code for r in daily.ranked] == ["MAS-SFJ", "MAS-HS"]
    assert [r.unit.code for r in daily.behind] == ["MAS-HS"]


async def test_a_unit_subtree_lists_its_own_units(store: Store, campaign: Campaign) -> None:
    async with store.transaction() as tx:
        hs = await tx.directory.unit_by_code("MAS-HS")
        assert hs is not None
        daily = await daily_figures(tx, campaign, CAMPAIGN_DAY, hs.id, is_workday)
    assert [row.unit.code for row in daily.rows] == ["MAS-HS"]
    assert (daily.total.today, daily.total.visited, daily.total.new) == (30, 75, 1)


async def test_pace_at_the_start_middle_and_end(store: Store, campaign: Campaign) -> None:
    async with store.transaction() as tx:
        start = await daily_figures(tx, campaign, date(2026, 11, 2), None, is_workday)
        middle = await daily_figures(tx, campaign, date(2026, 11, 13), None, is_workday)
        end = await daily_figures(tx, campaign, date(2026, 11, 27), None, is_workday)
    assert start.expected == pytest.approx(1 / 20)
    assert start.total.visited == 0
    assert start.total.standing.pace is Pace.ON_TRACK  # 0 % against 5 %: within tolerance
    assert middle.expected == pytest.approx(10 / 20)
    sfj = {r.unit.code: r for r in middle.rows}["MAS-SFJ"]
    assert sfj.visited == 50
    assert sfj.standing.pace is Pace.AHEAD
    assert end.expected == 1.0


async def test_daily_text_reads_like_the_office_writes(store: Store, campaign: Campaign) -> None:
    async with store.transaction() as tx:
        daily = await daily_figures(tx, campaign, CAMPAIGN_DAY, None, is_workday)
    assert daily_text(catalog("zh"), daily) == "\n".join(
        [
            "📊 清风走访 走访进度通报（2026-11-25）",
            "今日走访 40 户/家/所/个，覆盖 100 人；累计走访 135，覆盖 850 人。",
            "任务完成率 78%（按时序应达 90%），进度滞后",
            "今日新发现问题 2 个，当场解决 1 个，办结 0 个；逾期未办结 0 个。",
            "",
            "各单位：",
            "1. 市司法局：今日 10，累计 60，任务完成率 100%（按时序应达 90%），进度超前；新问题 1，逾期 0",
            "2. 花山区：今日 30，累计 75，任务完成率 68%（按时序应达 90%），进度滞后；新问题 1，逾期 0",
            "🏅 完成率前列：市司法局（100%）、花山区（68%）",
            "⚠️ 进度滞后（1 个）：花山区，请抓紧推进。",
        ]
    )


async def test_weekly_dispatch_counts_the_week(store: Store, campaign: Campaign) -> None:
    async with store.transaction() as tx:
        weekly = await weekly_figures(tx, campaign, date(2026, 11, 30), None, is_workday)
    assert (weekly.first, weekly.last) == (date(2026, 11, 23), date(2026, 11, 29))
    rows = {row.unit.code: row for row in weekly.rows}
    assert rows["MAS-HS"].today == 30  # 11-20 is the week before
    assert rows["MAS-SFJ"].today == 10
    assert weekly.total.new == 2
    assert weekly.total.open_cases == 1  # the pending one; solved on the spot is closed
    text = weekly_text(catalog("zh"), weekly)
    assert "📋 清风走访 周调度（2026-11-23 至 2026-11-29）" in text
    assert "📢 通报：花山区（完成 68%，应达 100%）走访进度滞后" in text


async def test_monthly_summary_against_the_month_before(store: Store, campaign: Campaign) -> None:
    async with store.transaction() as tx:
        monthly = await monthly_figures(tx, campaign, date(2026, 12, 1), None)
    assert (monthly.first, monthly.last) == (date(2026, 11, 1), date(2026, 11, 30))
    assert (monthly.total.today, monthly.total.people_today, monthly.total.new) == (135, 850, 2)
    assert monthly.previous.today == 0
    assert [(d.day, d.visited) for d in monthly.days] == [
        (date(2026, 11, 10), 50),
        (date(2026, 11, 20), 45),
        (date(2026, 11, 25), 40),
    ]
    assert monthly.case_days == ((date(2026, 11, 25), 2),)
