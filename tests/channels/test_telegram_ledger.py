"""A case from logging to closed through Telegram, notices delivered by the outbox worker."""

from __future__ import annotations

from pathlib import Path

from bot.channels.telegram import TelegramChannel
from scheduler.outbox import OutboxWorker
from storage import Store
from tests.channels.conftest import TgChat, query
from tests.conftest import Seeded
from tests.fakes.bot_api import FakeBotApi
from tests.transcript import FakeClock


async def _join(api: FakeBotApi, user_id: int, name: str, code: str) -> TgChat:
    chat = TgChat(api, user_id, name)
    await chat.say(f"/start {code}")
    await chat.press(name)
    return chat


async def test_a_case_from_logging_to_closed(
    api: FakeBotApi,
    channel: TelegramChannel,
    tg_officer: TgChat,
    seeded: Seeded,
    store: Store,
    clock: FakeClock,
    db_path: Path,
) -> None:
    office = await _join(api, 201, "李主任", seeded.coordinator_invite)
    unit = await _join(api, 301, "刘科长", "SFJ00001")
    worker = OutboxWorker(store, {"telegram": channel.sender}, clock)
    officer = tg_officer

    await officer.say("/issue 邻里因楼道堆放杂物发生争执")
    for label in ("矛盾纠纷", "民生类"):
        await officer.press(label)
    await officer.say("珍珠园五村3栋")
    await officer.say("张三丰")
    await officer.say("13812345678")
    await officer.press("一般")
    await officer.press("否，需要交办")
    await officer.press("不确定")
    assert (await officer.press("✅ 确认"))[0].startswith("✅ 问题已登记，编号 261125-001")

    listed = (await office.say("/cases 待交办"))[0]
    assert listed.endswith("[261125-001]")
    assert (await office.press("261125-001"))[0].endswith("[交办]")
    assert (await office.press("交办"))[0].startswith("交办给哪个单位？")
    await office.press("建议：市司法局")
    assigned = (await office.press("2026-12-09（一般：10 个工作日）"))[0]
    assert assigned.startswith("问题 261125-001 已交办。\n问题 261125-001【已交办】")

    assert (await worker.run_once()).sent == 2  # the unit, and the officer who logged it
    (notice,) = await unit.answers()
    assert notice.startswith("📌 新交办：问题 261125-001 已交办给贵单位")
    assert "反映人：张三丰 13812345678" in notice
    assert (await officer.answers())[0].startswith("您上报的问题 261125-001 已交办。")
    assert "反映人：张** 138****5678" in officer.render(officer.last[0])

    assert (await unit.press("接收"))[0].startswith("已接收问题 261125-001。")
    await unit.press("办结")
    assert (await unit.say("调解成功，杂物已清理"))[0].startswith(
        "问题 261125-001 已提交办结，等待活动办核验。"
    )

    assert (await worker.run_once()).sent == 1
    assert (await office.answers())[0].startswith("问题 261125-001 已办结，请核验。")
    assert (await office.press("核验通过"))[0].startswith("问题 261125-001 核验通过，等待回访。")

    assert (await worker.run_once()).sent == 1
    assert (await unit.answers())[0].startswith("问题 261125-001 已核验通过，请回访群众")
    await unit.press("回访")
    await unit.press("电话")
    await unit.say("问题已解决，谢谢")
    closed = (await unit.press("满意"))[0]
    assert closed.startswith("已记录问题 261125-001 的回访。\n问题 261125-001【已办结】")

    assert (await worker.run_once()).sent == 1
    assert (await officer.answers())[0].startswith("您上报的问题 261125-001 已办结，群众已回访。")
    assert await query(db_path, "SELECT status, satisfaction FROM cases") == [
        ("closed", "satisfied")
    ]
    actions = await query(db_path, "SELECT action FROM case_events ORDER BY id")
    assert [a for (a,) in actions] == [None, "assign", "accept", "resolve", "verify", "follow_up"]
