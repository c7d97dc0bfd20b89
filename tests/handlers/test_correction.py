"""Correcting an entry a spot check returned: validated like the original, applied, traced."""

from __future__ import annotations

from datetime import date

from domain.sampling import SpotKind
from handlers import Core
from handlers.messages import Pressed
from storage import Store
from tests.handlers.spot_helpers import at, draw, sent_to
from tests.handlers.test_spot_check import OFFICE_MENU, logged_on_tuesday
from tests.transcript import Chat, FakeClock

MENU = "≡ 登记走访 上报问题 | 我的走访 帮助"
FIELDS = "[类型] [地点] [数量]\n[人数] [日期] [备注]"


async def _returned(
    officer: Chat,
    coordinator: Chat,
    handler: Chat,
    core: Core,
    store: Store,
    clock: FakeClock,
    card: int = 1,
    reason: str = "户数应为12户",
) -> None:
    """The sample of Tuesday drawn; the coordinator returns the `card`-th of /spot (#2: visit #1)."""
    await logged_on_tuesday(officer, handler, clock)
    await draw(core, store, clock.now(), size=3, seed=0)
    await coordinator.say("/spot")
    coordinator.last = coordinator.last[card : card + 1]
    await coordinator.press("退回补正")
    await coordinator.say(reason)
    await sent_to(store, clock, "101")
    await sent_to(store, clock, "201")


async def test_a_visit_corrected_field_by_field_then_traced_and_reported(
    officer: Chat, coordinator: Chat, handler: Chat, core: Core, store: Store, clock: FakeClock
) -> None:
    await _returned(officer, coordinator, handler, core, store, clock)
    clock.moment = at(25, hour=11)
    assert await officer.say("/correction") == [
        "↩️ 待补正（李主任退回）\n理由：户数应为12户\n"
        "走访记录 #1：2026-11-24 · 住户 · 珍珠园五村\n15户 · 40 人 · 备注：无\n[补正]"
    ]
    pick = (
        "补正抽查退回的记录。理由：户数应为12户\n请点要修改的项目，改完点【提交补正】。\n"
        "走访记录 #1：2026-11-24 · 住户 · 珍珠园五村\n15户 · 40 人 · 备注：无"
    )
    fix = officer.button("补正")
    assert await officer.press("补正") == [f"{pick}\n{FIELDS}\n[❌ 取消]"]
    assert await officer.press("数量") == ["走访了多少户住户？请输入数字。"]
    assert await officer.say("两万") == ["数字太大了，最多 10000。请核对后重新输入。"]
    assert await officer.say("12户") == [
        f"{pick}\n待提交的修改：\n· 数量：15 → 12\n{FIELDS}\n[✅ 提交补正] [❌ 取消]"
    ]
    await officer.press("日期")
    assert await officer.say("明天") == ["走访日期不能晚于今天。"]
    assert await officer.say("11-23") == [
        f"{pick}\n待提交的修改：\n· 数量：15 → 12\n· 日期：2026-11-24 → 2026-11-23\n"
        f"{FIELDS}\n[✅ 提交补正] [❌ 取消]"
    ]
    await officer.press("类型")
    await officer.press("社区")
    await officer.press("备注")
    saved = await officer.say("核对台账后更正")
    assert "· 类型：住户 → 社区\n· 备注：无 → 核对台账后更正" in saved[0]
    assert await officer.press("✅ 提交补正") == [
        "✅ 已补正，修改 4 项，已通知活动办。\n"
        "走访记录 #1：2026-11-23 · 社区 · 珍珠园五村\n12个 · 40 人 · 备注：核对台账后更正\n" + MENU
    ]
    assert await sent_to(store, clock, "201") == [
        "✅ 王小明 已补正抽查 #2 退回的记录：\n"
        "· 类型：住户 → 社区\n· 数量：15 → 12\n"
        "· 日期：2026-11-24 → 2026-11-23\n· 备注：无 → 核对台账后更正\n"
        "走访记录 #1：2026-11-23 · 社区 · 珍珠园五村\n12个 · 40 人 · 备注：核对台账后更正"
    ]
    async with store.transaction() as tx:
        trail = await tx.spot_checks.corrections(SpotKind.VISIT, 1)
        check = await tx.spot_checks.check(2)
        counts = await tx.spot_checks.outcome_counts(date(2026, 11, 25), date(2026, 11, 25))
    assert [(c.spot_check_id, c.field, c.old, c.new, c.person_id) for c in trail] == [
        (2, "target", "household", "community", trail[0].person_id),
        (2, "count", "15", "12", trail[0].person_id),
        (2, "visit_date", "2026-11-24", "2026-11-23", trail[0].person_id),
        (2, "note", None, "核对台账后更正", trail[0].person_id),
    ]
    assert {c.at for c in trail} == {at(25, hour=11)}
    assert check is not None
    assert trail[0].person_id == check.person_id
    assert check.corrected_at == at(25, hour=11)
    assert (counts.returned, counts.corrected) == (1, 1)
    assert await officer.send(Pressed(fix)) == ["这条记录已经补正过了。"]
    assert await officer.say("/correction") == ["您没有待补正的记录。"]


async def test_a_case_description_corrected(
    officer: Chat, coordinator: Chat, handler: Chat, core: Core, store: Store, clock: FakeClock
) -> None:
    await _returned(officer, coordinator, handler, core, store, clock, card=0, reason="描述不清")
    await officer.say("/correction")
    await officer.press("补正")
    assert await officer.press("描述") == ["请描述问题（不超过 500 字）：谁、什么事、诉求是什么。"]
    await officer.say("3栋两户邻居因楼道堆放杂物争执，要求清理")
    done = await officer.press("✅ 提交补正")
    assert done[0].startswith(
        "✅ 已补正，修改 1 项，已通知活动办。\n问题 261124-001：矛盾纠纷 · 民生类\n"
        "描述：3栋两户邻居因楼道堆放杂物争执，要求清理"
    )
    assert (await coordinator.say("/case 261124-001"))[0].splitlines()[2] == (
        "描述：3栋两户邻居因楼道堆放杂物争执，要求清理"
    )


async def test_cancel_changes_nothing_and_others_cannot_correct(
    officer: Chat, coordinator: Chat, handler: Chat, core: Core, store: Store, clock: FakeClock
) -> None:
    await _returned(officer, coordinator, handler, core, store, clock)
    await officer.say("/correction")
    fix = officer.button("补正")
    await officer.press("补正")
    await officer.press("人数")
    await officer.say("50")
    assert await officer.press("❌ 取消") == ["已取消补正，记录未修改。\n" + MENU]
    async with store.transaction() as tx:
        visit = await tx.spot_checks.visit_entry(1)
    assert visit is not None
    assert visit.people == 40
    assert await handler.send(Pressed(fix)) == ["这条记录不需要您补正。"]
    assert await coordinator.send(Pressed(fix)) == ["这条记录不需要您补正。"]
    assert await officer.send(Pressed("s:v:1")) == [
        "没看懂这条消息。请用下方菜单，或发送 /help 查看说明。\n"
        "也可以一句话登记，例如：走访 住户 15户 40人 珍珠园五村\n" + MENU
    ]
    assert await coordinator.say("/correction") == ["您没有待补正的记录。"]
    assert OFFICE_MENU.startswith(MENU)
