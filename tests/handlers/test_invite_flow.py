"""A coordinator creates an invite in the chat; an officer cannot."""

from __future__ import annotations

from handlers import Core
from tests.conftest import actor
from tests.transcript import Chat


async def test_coordinator_creates_an_invite_that_works(coordinator: Chat, core: Core) -> None:
    assert await coordinator.say("/invite") == [
        "邀请加入哪个单位？可点选，或输入单位名称或代码。\n"
        "[马鞍山市] [花山区]\n[湖东路街道] [湖东路派出所]\n[市司法局]"
    ]
    assert await coordinator.say("不存在的单位") == [
        "没有找到这个单位。请点选下方单位，或输入单位全称或代码。\n"
        "[马鞍山市] [花山区]\n[湖东路街道] [湖东路派出所]\n[市司法局]"
    ]
    assert await coordinator.say("湖东路") == [
        "有多个单位符合：湖东路街道、湖东路派出所。请输入更完整的名称或代码。\n"
        "[马鞍山市] [花山区]\n[湖东路街道] [湖东路派出所]\n[市司法局]"
    ]
    assert await coordinator.say("MAS-SFJ") == [
        "以什么角色加入？\n[走访干警] [单位负责人]\n[活动办]"
    ]
    assert await coordinator.press("走访干警") == [
        "这个邀请可以使用几次？\n[1 次] [10 次] [50 次] [不限]"
    ]
    assert await coordinator.press("10 次") == ["有效期多久？\n[7 天] [30 天] [长期有效]"]
    created = (await coordinator.press("7 天"))[0]
    code = created.split("邀请码：")[1].split("\n")[0]
    assert created == (
        "✅ 邀请已创建\n单位：市司法局\n角色：走访干警\n可用次数：10\n"
        "有效期至：2026-12-02 10:00\n"
        f"邀请码：{code}\n请把下面的链接发给要加入的同志：\n"
        f"https://t.me/zoufang_test_bot?start={code}\n"
        "≡ 登记走访 上报问题 | 我的走访 帮助 | 走访进度 今日抽查 工作提示单 | 创建邀请 English"
    )
    newcomer = Chat(core, actor("301", "陈"))
    assert "加入【市司法局】" in (await newcomer.say(f"/start {code}"))[0]


async def test_officers_cannot_create_invites(officer: Chat) -> None:
    assert (await officer.say("/invite"))[0].startswith("没看懂这条消息")
