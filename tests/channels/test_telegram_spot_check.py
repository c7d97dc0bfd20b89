"""日抽查 through Telegram: the sample reaches the office, 退回补正 reaches the officer, the
correction is made in the chat and the office told — every notice delivered by the worker."""

from __future__ import annotations

from pathlib import Path

from bot.channels.telegram import TelegramChannel
from handlers import Core
from scheduler.outbox import OutboxWorker
from storage import Store
from tests.channels.conftest import TgChat, query
from tests.conftest import Seeded
from tests.fakes.bot_api import FakeBotApi
from tests.handlers.spot_helpers import at, draw
from tests.transcript import FakeClock


async def test_a_returned_visit_is_corrected_in_the_chat(
    api: FakeBotApi,
    channel: TelegramChannel,
    tg_officer: TgChat,
    seeded: Seeded,
    core: Core,
    store: Store,
    clock: FakeClock,
    db_path: Path,
) -> None:
    office = TgChat(api, 201, "李主任")
    await office.say(f"/start {seeded.coordinator_invite}")
    await office.press("李主任")
    clock.moment = at(24, hour=16)  # Tuesday
    await tg_officer.say("走访 住户 15户 40人 珍珠园五村")
    await tg_officer.press("✅ 确认", answers=2)
    worker = OutboxWorker(store, {"telegram": channel.sender}, clock)

    assert await draw(core, store, at(25)) == 1  # Wednesday morning: Tuesday's sample
    clock.moment = at(25)
    assert (await worker.run_until_idle()).sent == 2
    header, card = await office.answers(2)
    assert header.startswith("🔍 日抽查：2026-11-24 共登记 1 条（1 个单位）")
    assert card.endswith("[核实无误] [存疑] [退回补正]")
    asked = await office.press("退回补正")
    assert asked == ["退回补正的理由？需要登记人改什么（不超过 200 字）。"]
    await office.say("户数应为12户")

    assert (await worker.run_until_idle()).sent == 1
    (notice,) = await tg_officer.answers()
    assert notice == (
        "↩️ 抽查退回补正：李主任认为您登记的这条记录需要补正。\n理由：户数应为12户\n"
        "走访记录 #1：2026-11-24 · 住户 · 珍珠园五村\n15户 · 40 人 · 备注：无\n"
        "请点【补正】修改。\n[补正]"
    )
    await tg_officer.press("补正")
    await tg_officer.press("数量")
    await tg_officer.say("12")
    (done,) = await tg_officer.press("✅ 提交补正")
    assert done.startswith("✅ 已补正，修改 1 项，已通知活动办。")

    assert (await worker.run_until_idle()).sent == 1
    (told,) = await office.answers()
    assert told.startswith("✅ 王小明 已补正抽查 #1 退回的记录：\n· 数量：15 → 12")
    assert await query(db_path, "SELECT count FROM visits") == [(12,)]
    assert await query(db_path, "SELECT field, old_value, new_value FROM corrections") == [
        ("count", "15", "12")
    ]


async def test_a_work_reminder_reaches_officers_through_the_worker(
    api: FakeBotApi,
    channel: TelegramChannel,
    tg_officer: TgChat,
    seeded: Seeded,
    store: Store,
    clock: FakeClock,
) -> None:
    office = TgChat(api, 201, "李主任")
    await office.say(f"/start {seeded.coordinator_invite}")
    await office.press("李主任")
    await office.say("/remind 请于周五前补登本周走访")
    await office.press("全体干警")
    (sent,) = await office.press("📤 发送")
    assert sent.startswith("📤 工作提示单已发送给全体干警，共 1 人。")
    worker = OutboxWorker(store, {"telegram": channel.sender}, clock)
    assert (await worker.run_until_idle()).sent == 1
    assert await tg_officer.answers() == [
        "📋 工作提示单\n请于周五前补登本周走访\n—— 马鞍山市 李主任，11-25 10:00"
    ]
