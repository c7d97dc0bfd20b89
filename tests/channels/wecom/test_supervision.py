"""Supervision through WeCom: a coordinator binds a group robot, the group gets its bulletins,
and once the robot is removed the group is unbound and the coordinator told."""

from __future__ import annotations

import base64

from bot.channels.wecom import WeComChannel
from domain.workdays import WorkCalendar
from scheduler.bulletin_jobs import run_due_bulletins
from scheduler.outbox import OutboxWorker
from scheduler.undeliverable import Undeliverable
from storage import Store
from tests.bulletins.small_campaign import seed_small_campaign
from tests.channels.wecom.conftest import WxChat, join_as
from tests.conftest import Seeded
from tests.fakes.paced import VirtualTime
from tests.fakes.wecom_api import FakeWeComApi
from tests.transcript import FakeClock

KEY = "693axxx6-7aoc-4bc4-97a0-0ec2sifa5aaa"
ROBOT = "robot:" + KEY
is_workday = WorkCalendar().is_workday


async def test_a_robot_bound_on_wecom_gets_bulletins_until_it_is_removed(
    fake: FakeWeComApi,
    wecom: WeComChannel,
    wx_officer: WxChat,
    seeded: Seeded,
    store: Store,
    clock: FakeClock,
) -> None:
    await seed_small_campaign(store, clock.now(), units=False)
    office = await join_as(
        fake, wecom, wx_officer.client, "lizhuren", "李主任", seeded.coordinator_invite
    )
    time = VirtualTime(clock)
    worker = OutboxWorker(
        store,
        {"wecom": wecom.sender},
        clock,
        sleep=time.sleep,
        timer=time.now,
        on_failed=Undeliverable("zh"),
    )

    [answer] = await office.say(f"/bindrobot {fake.url}/cgi-bin/webhook/send?key={KEY} 日报")
    assert answer.startswith("已绑定该群机器人，并向群里发了一条绑定通知；若发不出去，我会告诉您。")
    assert (await worker.run_until_idle()).sent == 1
    [greeting] = fake.robot_markdowns(KEY)
    assert greeting.startswith("✅ 本群已绑定“清风走访”")

    # Bound on the 25th (the clock's day) before 18:00: that day's bulletin is its first.
    clock.advance(hours=8)
    [queued] = await run_due_bulletins(store, clock.now(), "zh", is_workday)
    assert queued.chats == 1
    assert (await worker.run_until_idle()).sent == 1
    markdown, chart = fake.robots[KEY][1:]
    assert markdown["markdown"]["content"].startswith(
        "📊 清风走访 走访进度通报（2026-11-25）\n今日走访 40 户"
    )
    assert base64.b64decode(chart["image"]["base64"]).startswith(b"\x89PNG")

    # The robot is taken out of its group: the next bulletin cannot go, and will never.
    fake.remove_robot(KEY)
    clock.advance(days=1)
    [queued] = await run_due_bulletins(store, clock.now(), "zh", is_workday)
    assert queued.chats == 1
    done = await worker.run_until_idle()
    assert (done.failed, done.sent) == (1, 1)  # the bulletin failed; the office was told
    assert len(fake.robots[KEY]) == 3
    [notice] = await office.answers()
    assert notice.startswith(
        f"⚠️ 机器人已无法向企业微信群 {ROBOT} 发送通报（WeCom webhook/send: 93000"
    )
    async with store.transaction() as tx:
        assert await tx.campaigns.binding("wecom", ROBOT) is None
    clock.advance(days=1)
    assert await run_due_bulletins(store, clock.now(), "zh", is_workday) == []
