"""Campaign commands in the chat: binding groups, stats, quotas, schedule, mutes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.campaigns import BulletinKind
from handlers import Core
from scheduler.undeliverable import Undeliverable
from storage import Store
from tests.bulletins.small_campaign import seed_small_campaign
from tests.conftest import Seeded
from tests.transcript import Chat, FakeClock

GROUP = "-100777"


@pytest.fixture
async def campaign(store: Store, clock: FakeClock, seeded: Seeded) -> int:
    return await seed_small_campaign(store, clock.now(), units=False)


def in_group(chat: Chat) -> Chat:
    return Chat(chat.core, replace(chat.actor, chat_id=GROUP, private=False))


async def test_only_a_coordinator_binds_a_group(
    core: Core, store: Store, officer: Chat, coordinator: Chat, campaign: int
) -> None:
    assert await in_group(officer).say("/bind") == ["只有活动办（协调人）可以绑定或解绑群聊。"]
    async with store.transaction() as tx:
        assert await tx.campaigns.binding("telegram", GROUP) is None

    assert await in_group(coordinator).say("/bind MAS-HS 日报 周调度") == [
        "✅ 本群已绑定“清风走访”（范围：花山区），将收到：日报、周调度。\n"
        "发送时间：日报 18:00（工作日），周调度 周一 09:00，月小结 每月首个工作日 09:00。"
    ]
    async with store.transaction() as tx:
        binding = await tx.campaigns.binding("telegram", GROUP)
    assert binding is not None
    assert binding.kinds == (BulletinKind.DAILY, BulletinKind.WEEKLY)

    assert await in_group(coordinator).say("/bind 小时报") == [
        "看不懂“小时报”。用法：/bind [单位代码] [日报 周调度 月小结]，例如 /bind MAS-HS 日报 周调度"
    ]
    assert await in_group(coordinator).say("/unbind") == ["本群已解绑，不再接收通报。"]
    assert await in_group(coordinator).say("/unbind") == ["本群没有绑定走访活动。"]


async def test_group_chatter_and_officer_commands_get_nothing_from_the_core(
    officer: Chat, campaign: int
) -> None:
    group = in_group(officer)
    assert await group.say("大家好") == []
    assert await group.say("/visit") == []  # the channel points them to a private chat


async def test_stats_in_a_bound_group_are_for_its_scope(
    coordinator: Chat, officer: Chat, campaign: int
) -> None:
    await in_group(coordinator).say("/bind MAS-HS")
    stats = await in_group(officer).say("/stats")
    assert stats[0].startswith("📊 清风走访 走访进度通报（2026-11-25）\n今日走访 30 户/家/所/个")
    assert "花山区：今日 30，累计 75" in stats[0]
    assert "市司法局" not in stats[0]


async def test_quota_and_schedule_are_set_by_coordinators_only(
    coordinator: Chat, officer: Chat, store: Store, campaign: int
) -> None:
    assert await coordinator.say("/quota MAS-SFJ 学校 12") == [
        "已设置 市司法局 的学校走访任务数：12。"
    ]
    assert await coordinator.say("/quota MAS-XX 住户 5") == [
        "没有找到单位“MAS-XX”。请用单位代码或全称。"
    ]
    assert await coordinator.say("/quota MAS-SFJ 住户 -5") == [
        "用法：/quota 单位代码 对象类型 任务数，例如 /quota MAS-HS 住户 500"
    ]
    assert await coordinator.say("/schedule 日报 下午5点半") == ["已把日报的时间改为 17:30。"]
    assert await coordinator.say("/schedule 日报 明天") == [
        "“明天”不是时间。请写成 18:00 或 下午6点。"
    ]
    async with store.transaction() as tx:
        active = await tx.campaigns.active()
    assert active is not None
    assert f"{active.timetable.daily_at:%H:%M}" == "17:30"
    (answer,) = await officer.say("/quota MAS-SFJ 学校 1")
    assert answer.startswith("没看懂这条消息")


async def test_mute_and_unmute(officer: Chat, store: Store, campaign: int) -> None:
    assert await officer.say("/mute") == ["已关闭走访提醒。发送 /unmute 可重新开启。"]
    assert await officer.say("/unmute") == ["已开启走访提醒。"]


async def test_digest_is_a_private_preview_with_its_chart(coordinator: Chat, campaign: int) -> None:
    await coordinator.say("/digest")
    (reply,) = coordinator.last
    assert reply.text.startswith("（预览：这是今天的通报此刻的样子，只发给您。）\n\n📊 清风走访")
    assert reply.image is not None
    assert reply.image.content.startswith(b"\x89PNG")


async def test_without_a_campaign(coordinator: Chat) -> None:
    assert await coordinator.say("/stats") == [
        "目前没有进行中的走访活动。请管理员用 zoufang campaign create 创建并启用。"
    ]


ROBOT_URL = (
    "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693axxx6-7aoc-4bc4-97a0-0ec2sifa5aaa"
)


async def test_a_wecom_group_robot_is_bound_by_its_webhook_address(
    coordinator: Chat, store: Store, clock: FakeClock, campaign: int
) -> None:
    (answer,) = await coordinator.say(f"/bindrobot {ROBOT_URL} MAS-SFJ 日报")
    assert answer.startswith(
        "已绑定该群机器人，并向群里发了一条绑定通知；若发不出去，我会告诉您。\n✅"
    )
    robot = "robot:693axxx6-7aoc-4bc4-97a0-0ec2sifa5aaa"
    async with store.transaction() as tx:
        binding = await tx.campaigns.binding("wecom", robot)
        queued = await tx.outbox.due(clock.now(), 10)
    assert binding is not None
    assert binding.kinds == (BulletinKind.DAILY,)
    assert [(i.platform, i.chat_id) for i in queued] == [("wecom", robot)]

    # The robot was removed from its group: the group is unbound and the coordinator told.
    async with store.transaction() as tx:
        await Undeliverable("zh")(tx, queued[0], "93000 invalid webhook url", clock.now())
        assert await tx.campaigns.binding("wecom", robot) is None
        told = await tx.outbox.due(clock.now(), 10)
    assert [i.payload["text"] for i in told if i.chat_id == coordinator.actor.chat_id] == [
        "⚠️ 机器人已无法向企业微信群 " + robot + " 发送通报（93000 invalid webhook url），"
        "该群已解绑。若机器人被移出群或群机器人被删除，请重新添加后再绑定。"
    ]
    assert await coordinator.say("/bindrobot https://example.com/nothing") == [
        "用法：/bindrobot 群机器人的 Webhook 地址 [单位代码] [日报 周调度 月小结]。"
        "在企业微信群里“添加群机器人”后，复制它的 Webhook 地址"
        "（https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…）发给我。"
    ]


async def test_an_officer_sees_the_unit_whose_quota_they_count_toward(
    officer: Chat, campaign: int
) -> None:
    (stats,) = await officer.say("/stats")  # 湖东路派出所 counts toward 花山区's quota
    assert stats.startswith("📊 清风走访 走访进度通报（2026-11-25）\n今日走访 30 户/家/所/个")
    assert "1. 花山区：今日 30，累计 75" in stats
    (mine,) = await officer.say("/stats 我")
    assert mine.startswith("王小明（湖东路派出所）的走访情况")


async def test_a_group_gets_a_bulletin_at_its_own_time(
    coordinator: Chat, officer: Chat, store: Store, campaign: int
) -> None:
    group = in_group(coordinator)
    assert await group.say("/schedule 日报 17:30") == ["本群没有绑定走访活动。"]
    await group.say("/bind 日报")
    assert await in_group(officer).say("/schedule 日报 17:00") == [
        "只有活动办（协调人）可以绑定或解绑群聊。"
    ]
    assert await group.say("/schedule 日报 17:30") == ["本群的日报改在 17:30 发送。"]
    assert (await group.say("/schedule 提醒 9点"))[0].startswith("用法（在绑定的群里）")
    async with store.transaction() as tx:
        binding = await tx.campaigns.binding("telegram", GROUP)
    assert binding is not None
    assert {k: f"{t:%H:%M}" for k, t in binding.times.items()} == {BulletinKind.DAILY: "17:30"}


async def test_figures_go_only_to_bound_groups_and_campaign_people(
    officer: Chat, stranger: Chat, coordinator: Chat, campaign: int
) -> None:
    assert await in_group(officer).say("/stats") == ["本群没有绑定走访活动。"]
    await in_group(coordinator).say("/bind")
    assert await in_group(stranger).say("/stats") == []  # pointed to a private chat
    assert (await in_group(officer).say("/stats"))[0].startswith("📊 清风走访")
