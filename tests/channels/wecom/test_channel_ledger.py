"""A case from logging to closed through WeCom, the notices delivered by the outbox worker."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from bot.channels.wecom import WeComChannel
from handlers import Core
from scheduler.deferred import Deferred
from scheduler.outbox import OutboxWorker
from storage import Store
from tests.channels.conftest import query
from tests.channels.wecom.conftest import (
    WxChat,
    callback_client,
    free_port,
    join_as,
    wecom_settings,
)
from tests.conftest import Seeded
from tests.fakes.wecom_api import FakeWeComApi
from tests.transcript import FakeClock


async def test_a_case_from_logging_to_closed(
    fake: FakeWeComApi,
    wecom: WeComChannel,
    wx_officer: WxChat,
    seeded: Seeded,
    store: Store,
    clock: FakeClock,
    db_path: Path,
) -> None:
    client = wx_officer.client
    office = await join_as(fake, wecom, client, "lizhuren", "李主任", seeded.coordinator_invite)
    unit = await join_as(fake, wecom, client, "liukezhang", "刘科长", "SFJ00001")
    worker = OutboxWorker(store, {"wecom": wecom.sender}, clock)
    officer = wx_officer

    await officer.say("/issue 邻里因楼道堆放杂物发生争执")
    for label in ("矛盾纠纷", "民生类"):
        await officer.press(label)
    await officer.say("珍珠园五村3栋")
    await officer.say("张三丰")
    await officer.say("13812345678")
    await officer.press("一般")
    await officer.say("否，需要交办")
    await officer.say("不确定")
    assert (await officer.say("确认"))[0].startswith("✅ 问题已登记，编号 261125-001")

    [listed] = await office.say("/cases 待交办")
    assert listed.endswith("1. 261125-001")
    assert (await office.press("261125-001"))[0].endswith("1. 交办")
    assert (await office.press("交办"))[0].startswith("交办给哪个单位？")
    await office.say("建议：市司法局")
    [assigned] = await office.say("2026-12-09（一般：10 个工作日）")
    assert assigned.startswith("问题 261125-001 已交办。\n问题 261125-001【已交办】")

    assert (await worker.run_until_idle()).sent == 2  # the unit, and the officer who logged it
    [notice] = await unit.answers()
    assert notice.startswith("📌 新交办：问题 261125-001 已交办给贵单位")
    assert "反映人：张三丰 13812345678" in notice
    [told] = await officer.answers()
    assert told.startswith("您上报的问题 261125-001 已交办。")
    assert "反映人：张** 138****5678" in told

    assert (await unit.press("接收"))[0].startswith("已接收问题 261125-001。")
    await unit.press("办结")
    assert (await unit.say("调解成功，杂物已清理"))[0].startswith(
        "问题 261125-001 已提交办结，等待活动办核验。"
    )
    assert (await worker.run_until_idle()).sent == 1
    assert (await office.answers())[0].startswith("问题 261125-001 已办结，请核验。")
    assert (await office.press("核验通过"))[0].startswith("问题 261125-001 核验通过，等待回访。")

    assert (await worker.run_until_idle()).sent == 1
    assert (await unit.answers())[0].startswith("问题 261125-001 已核验通过，请回访群众")
    await unit.press("回访")
    await unit.press("电话")
    await unit.say("问题已解决，谢谢")
    [closed] = await unit.press("满意")
    assert closed.startswith("已记录问题 261125-001 的回访。\n问题 261125-001【已办结】")
    assert await query(db_path, "SELECT status FROM cases") == [("closed",)]


async def test_replies_refused_for_rate_go_out_later_through_the_outbox(
    fake: FakeWeComApi,
    core: Core,
    store: Store,
    clock: FakeClock,
    seeded: Seeded,
    http: aiohttp.ClientSession,
) -> None:
    defer = Deferred(store, clock, "wecom")
    channel = WeComChannel(
        wecom_settings(fake, free_port()), core, clock=clock, retry_delays=(0.0,), defer=defer
    )
    await channel.start()
    try:
        client = callback_client(channel, clock, http)
        http_chat = await join_as(fake, channel, client, "zhangsan", "张三", seeded.officer_invite)
        fake.fail_next(45009, path="message/send")  # too many to this member just now
        assert await http_chat.say("/cancel") == []
        async with store.transaction() as tx:
            [queued] = await tx.outbox.due(clock.now(), 10)
        assert (queued.platform, queued.chat_id) == ("wecom", "zhangsan")
        worker = OutboxWorker(store, {"wecom": channel.sender}, clock)
        assert (await worker.run_until_idle()).sent == 1
        assert await http_chat.answers() == ["当前没有进行中的登记。"]
    finally:
        await channel.stop()
