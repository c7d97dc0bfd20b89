"""The work reminder (工作提示单): audience, text, preview, one outbox message per person."""

from __future__ import annotations

from storage import Store
from tests.handlers.spot_helpers import sent_to
from tests.handlers.test_spot_check import OFFICE_MENU
from tests.transcript import Chat, FakeClock

AUDIENCE = (
    "工作提示单发给谁？点【全体干警】或选择单位（含下属单位），也可输入单位名称或代码。\n"
    "[全体干警] [马鞍山市]\n[花山区] [湖东路街道]\n[湖东路派出所] [市司法局]"
)
TEXT = "一、入户前核对门牌号\n\n二、每日18点前完成登记"
MESSAGE = (
    "📋 工作提示单\n一、入户前核对门牌号\n二、每日18点前完成登记\n—— 马鞍山市 李主任，11-25 10:00"
)


async def test_to_everyone_after_a_preview(
    officer: Chat, coordinator: Chat, handler: Chat, store: Store, clock: FakeClock
) -> None:
    assert await coordinator.say("/remind") == [AUDIENCE]
    assert await coordinator.press("全体干警") == ["请输入提示内容（不超过 1000 字，可分行）。"]
    assert await coordinator.say(TEXT) == [
        "📋 工作提示单预览\n发送对象：全体干警，共 2 人\n——\n"
        "一、入户前核对门牌号\n二、每日18点前完成登记\n——\n确认发送吗？\n"
        "[📤 发送] [❌ 取消]\n[更换对象] [修改内容]"
    ]
    assert await coordinator.say("好的") == [
        "请点下方按钮：发送、取消、更换对象或修改内容。\n[📤 发送] [❌ 取消]\n[更换对象] [修改内容]"
    ]
    assert await coordinator.press("📤 发送") == [
        f"📤 工作提示单已发送给全体干警，共 2 人。\n{OFFICE_MENU}"
    ]
    assert await sent_to(store, clock, "101") == [MESSAGE]
    assert await sent_to(store, clock, "301") == [MESSAGE]
    assert await sent_to(store, clock, "201") == []  # not to the sender


async def test_to_one_units_subtree_with_the_text_on_the_command(
    officer: Chat, coordinator: Chat, handler: Chat, store: Store, clock: FakeClock
) -> None:
    assert await coordinator.say(f"/remind {TEXT}") == [AUDIENCE]
    assert (await coordinator.say("湖东路街道"))[0].startswith(
        "📋 工作提示单预览\n发送对象：湖东路街道及下属单位，共 1 人\n"
    )
    await coordinator.press("修改内容")
    await coordinator.say("请于周五前补登本周走访")
    await coordinator.press("更换对象")
    assert await coordinator.press("市司法局") == [
        "📋 工作提示单预览\n发送对象：市司法局及下属单位，共 1 人\n——\n"
        "请于周五前补登本周走访\n——\n确认发送吗？\n"
        "[📤 发送] [❌ 取消]\n[更换对象] [修改内容]"
    ]
    await coordinator.press("📤 发送")
    assert await sent_to(store, clock, "101") == []
    assert await sent_to(store, clock, "301") == [
        "📋 工作提示单\n请于周五前补登本周走访\n—— 马鞍山市 李主任，11-25 10:00"
    ]


async def test_nobody_to_send_to_and_officers_cannot_send(
    officer: Chat, coordinator: Chat, store: Store, clock: FakeClock
) -> None:
    await coordinator.say("/remind 注意安全")
    assert await coordinator.press("花山区") == [
        "📋 工作提示单预览\n发送对象：花山区及下属单位，共 1 人\n——\n注意安全\n——\n确认发送吗？\n"
        "[📤 发送] [❌ 取消]\n[更换对象] [修改内容]"
    ]
    await coordinator.press("更换对象")
    assert await coordinator.press("马鞍山市") != []
    await coordinator.press("更换对象")
    assert await coordinator.say("MAS-SFJ") == [
        "📋 工作提示单预览\n发送对象：市司法局及下属单位，共 0 人，没有可发送的人，请更换对象。\n"
        "——\n注意安全\n[❌ 取消]\n[更换对象] [修改内容]"
    ]
    assert await coordinator.press("❌ 取消") == [f"已取消，工作提示单未发送。\n{OFFICE_MENU}"]
    assert await sent_to(store, clock, "101") == []
    assert (await officer.say("/remind 注意安全"))[0].startswith("没看懂这条消息。")
