"""The daily spot check through the core: drawn for the coordinators, decided at a tap or with a reason."""

from __future__ import annotations

from datetime import date

from handlers import Core
from storage import Store
from storage.spot_records import SpotCounts
from tests.conftest import actor
from tests.handlers.spot_helpers import at, draw, log_visit, sent_to
from tests.handlers.test_ledger import _log_dispute
from tests.transcript import Chat, FakeClock

__all__ = ["OFFICE_MENU", "logged_on_tuesday"]

OFFICE_MENU = (
    "≡ 登记走访 上报问题 | 我的走访 帮助 | 走访进度 今日抽查 工作提示单 | 创建邀请 English"
)
BUTTONS = "[核实无误] [存疑] [退回补正]"
CASE = (
    "湖东路派出所 · 王小明 · 2026-11-24 登记\n"
    "问题 261124-001：矛盾纠纷 · 民生类\n"
    "描述：邻里因楼道堆放杂物发生争执\n"
    "地点：珍珠园五村3栋"
)
VISIT = (
    "湖东路派出所 · 王小明 · 2026-11-24 登记\n"
    "走访记录 #1：2026-11-24 · 住户 · 珍珠园五村\n"
    "15户 · 40 人 · 备注：无"
)
COMMUNITY = (
    "市司法局 · 刘科长 · 2026-11-24 登记\n"
    "走访记录 #3：2026-11-24 · 社区 · 雨山社区\n"
    "1个 · 30 人 · 备注：无"
)


async def logged_on_tuesday(officer: Chat, handler: Chat, clock: FakeClock) -> None:
    """Tuesday 11-24: 王小明 logs two visits and a dispute, 刘科长 one visit; then Wednesday 9:00."""
    clock.moment = at(24, hour=10)
    await log_visit(officer)
    await log_visit(officer, "企业 3家 8人 湖东路商会")
    await _log_dispute(officer)
    await log_visit(handler, "社区 1个 30人 雨山社区")
    clock.moment = at(25)


async def test_the_draw_reaches_every_coordinator_once(
    officer: Chat, coordinator: Chat, handler: Chat, core: Core, store: Store, clock: FakeClock
) -> None:
    await logged_on_tuesday(officer, handler, clock)
    assert await draw(core, store, clock.now(), size=3, seed=0) == 3
    assert await draw(core, store, at(25, hour=15), size=3, seed=0) == 0  # once a day
    assert await sent_to(store, clock, "201") == [
        "🔍 日抽查：2026-11-24 共登记 4 条（2 个单位），随机抽取 3 条，"
        "每个有登记的单位至少 1 条。请逐条核实：",
        f"🔍 抽查 1/3（#1）\n{CASE}\n{BUTTONS}",
        f"🔍 抽查 2/3（#2）\n{VISIT}\n{BUTTONS}",
        f"🔍 抽查 3/3（#3）\n{COMMUNITY}\n{BUTTONS}",
    ]
    assert await sent_to(store, clock, "101") == []  # officers are not sent the sample


async def test_verified_at_a_tap_and_the_first_decision_wins(
    officer: Chat, coordinator: Chat, handler: Chat, core: Core, store: Store, clock: FakeClock
) -> None:
    await logged_on_tuesday(officer, handler, clock)
    await draw(core, store, clock.now(), size=3, seed=0)
    deputy = Chat(core, actor("202", "陈副主任"))
    await deputy.say("/start COORD001")
    await deputy.press("陈副主任")
    cards = await coordinator.say("/spot")
    assert cards[1] == f"🔍 抽查 #2\n{VISIT}\n{BUTTONS}"
    await deputy.say("/spot")
    clock.moment = at(25, minute=5)
    assert await coordinator.press("核实无误") == [
        f"✅ 已记录：核实无误。\n🔍 抽查 #3\n{COMMUNITY}\n"
        f"抽查结果：【核实无误】李主任 11-25 09:05\n{OFFICE_MENU}"
    ]
    assert await deputy.press("退回补正") == [
        "这条已由李主任于 11-25 09:05 标为【核实无误】，以先标记的为准。"
    ]
    assert len(await coordinator.say("/spot")) == 2


async def test_doubtful_asks_a_reason_and_cancel_leaves_it_undecided(
    officer: Chat, coordinator: Chat, handler: Chat, core: Core, store: Store, clock: FakeClock
) -> None:
    await logged_on_tuesday(officer, handler, clock)
    await draw(core, store, clock.now(), size=3, seed=0)
    await coordinator.say("/spot")
    assert await coordinator.press("存疑") == ["存疑的理由？哪里可能不实（不超过 200 字）。"]
    assert await coordinator.say("/cancel") == [f"已取消抽查结果，草稿已删除。\n{OFFICE_MENU}"]
    assert len(await coordinator.say("/spot")) == 3
    await coordinator.press("存疑")
    assert await coordinator.say("🙂") == ["请输入文字内容（不能只有表情或符号）。"]
    assert await coordinator.say("社区人数与台账不符") == [
        f"已记录：存疑。\n🔍 抽查 #3\n{COMMUNITY}\n"
        f"抽查结果：【存疑】李主任 11-25 09:00\n理由：社区人数与台账不符\n{OFFICE_MENU}"
    ]
    assert await sent_to(store, clock, "301") == []  # only 退回补正 goes back to the officer


async def test_returned_goes_to_the_officer_with_the_reason_and_a_button(
    officer: Chat, coordinator: Chat, handler: Chat, core: Core, store: Store, clock: FakeClock
) -> None:
    await logged_on_tuesday(officer, handler, clock)
    await draw(core, store, clock.now(), size=3, seed=0)
    await sent_to(store, clock, "201")
    cards = await coordinator.say("/spot")
    coordinator.last = coordinator.last[1:2]  # the card of visit #1
    assert cards[1].startswith("🔍 抽查 #2")
    assert await coordinator.press("退回补正") == [
        "退回补正的理由？需要登记人改什么（不超过 200 字）。"
    ]
    done = await coordinator.say("户数应为12户")
    assert done[0].startswith("已退回补正，并通知了登记人。\n🔍 抽查 #2")
    assert await sent_to(store, clock, "101") == [
        "↩️ 抽查退回补正：李主任认为您登记的这条记录需要补正。\n"
        "理由：户数应为12户\n"
        "走访记录 #1：2026-11-24 · 住户 · 珍珠园五村\n"
        "15户 · 40 人 · 备注：无\n"
        "请点【补正】修改。\n[补正]"
    ]
    assert await officer.say("/spot") == [  # checks are the campaign office's to decide
        "没看懂这条消息。请用下方菜单，或发送 /help 查看说明。\n"
        "也可以一句话登记，例如：走访 住户 15户 40人 珍珠园五村\n"
        "≡ 登记走访 上报问题 | 我的走访 帮助"
    ]


async def test_outcomes_are_counted_for_the_weekly_dispatch(
    officer: Chat, coordinator: Chat, handler: Chat, core: Core, store: Store, clock: FakeClock
) -> None:
    await logged_on_tuesday(officer, handler, clock)
    await draw(core, store, clock.now(), size=3, seed=0)
    await coordinator.say("/spot")
    await coordinator.press("核实无误")  # #3, 市司法局
    await coordinator.say("/spot")
    coordinator.last = coordinator.last[1:2]
    await coordinator.press("退回补正")  # #2, 湖东路派出所
    await coordinator.say("户数应为12户")
    async with store.transaction() as tx:
        everyone = await tx.spot_checks.outcome_counts(date(2026, 11, 23), date(2026, 11, 29))
        pcs = await tx.directory.unit_by_code("MAS-HS-PCS")
        assert pcs is not None
        police = await tx.spot_checks.outcome_counts(
            date(2026, 11, 23), date(2026, 11, 29), (pcs.id,)
        )
        before = await tx.spot_checks.outcome_counts(date(2026, 11, 16), date(2026, 11, 22))
    assert everyone == SpotCounts(
        drawn=3, verified=1, doubtful=0, returned=1, corrected=0, pending=1
    )
    assert police == SpotCounts(drawn=2, verified=0, doubtful=0, returned=1, corrected=0, pending=1)
    assert before == SpotCounts()
