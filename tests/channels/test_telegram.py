"""The Telegram channel end to end: real PTB Application, fake Bot API, real SQLite file."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_render import MAX_TEXT, split_text
from handlers import Core
from handlers.messages import Choice, Document, Image, Reply
from scheduler.delivery import DeliveryFailed
from storage import open_store
from tests.channels.conftest import BOT_TOKEN, TgChat, query, settings_for
from tests.conftest import Seeded, make_core
from tests.expected import (
    ASK_COUNT,
    ASK_MORE,
    ASK_PEOPLE,
    ASK_PLACE,
    KINDS,
    MENU,
    REFUSED,
    TARGETS,
    review,
)
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.telegram_objects import make_chat, make_message, make_user
from tests.transcript import FakeClock

ZONE = ZoneInfo("Asia/Shanghai")


def saved(number: int, people: int = 40, place: str = "珍珠园五村") -> list[str]:
    return [
        f"✅ 走访已登记（记录 #{number}）\n"
        f"住户 15户 · {people} 人 · {place} · 2026-11-25（今天）\n"
        f"今天累计：{number} 批次，{15 * number} 户/家/所/个，{people * number} 人。\n" + MENU,
        ASK_MORE,
    ]


async def test_join_by_invite_ends_with_the_menu_keyboard(
    api: FakeBotApi, channel: TelegramChannel, seeded: Seeded
) -> None:
    chat = TgChat(api, 101)
    assert await chat.say("/start OFFICER1") == [
        "欢迎加入大走访！您将以【走访干警】身份加入【湖东路派出所】。\n"
        "请确认您的真实姓名：点下方按钮，或直接输入姓名。\n[王小明]"
    ]
    question = chat.last[0]
    assert await chat.press("王小明") == [
        "加入成功！王小明，您已加入湖东路派出所。\n"
        "点【登记走访】开始登记，或发送 /help 查看说明。\n" + MENU
    ]
    assert chat.sent_with(chat.last[0]).params["reply_markup"] == {
        "keyboard": [
            [{"text": "登记走访"}, {"text": "上报问题"}],
            [{"text": "我的走访"}, {"text": "帮助"}],
        ],
        "resize_keyboard": True,
        "is_persistent": True,
    }
    marked = await chat.edit()  # the pressed button stays, ticked; the question keeps its text
    assert marked["message_id"] == question["message_id"]
    assert marked["text"] == question["text"]
    assert chat.render(marked).splitlines()[-1] == "[✓ 王小明]"
    [answered] = api.calls_of("answerCallbackQuery")
    assert answered.status == 200
    assert channel.links.invite_link("telegram", "ABCD2345") == (
        "https://t.me/zoufang_test_bot?start=ABCD2345"  # the username from getMe
    )
    assert channel.links.invite_link("wecom", "ABCD2345") is None


async def test_a_full_visit_with_an_edit_on_the_review_card(tg_officer: TgChat) -> None:
    chat = tg_officer
    assert await chat.say("/visit") == [TARGETS]
    assert await chat.press("住户") == [ASK_PLACE]
    assert await chat.say("珍珠园五村") == [ASK_COUNT]
    assert await chat.say("15") == [ASK_PEOPLE]
    assert await chat.say("40") == [review()]
    card = chat.last[0]
    data = [b["callback_data"] for row in card["reply_markup"]["inline_keyboard"] for b in row]
    assert len(data) == 12
    assert all(len(d.encode()) <= 64 and d.startswith("f:") for d in data)
    assert await chat.press("人数") == [ASK_PEOPLE]
    assert chat.render(await chat.edit()).endswith(
        "无误请点【确认】，需要修改请点对应项目。\n[✓ 人数]"
    )
    assert await chat.say("四十二") == [review(people=42)]
    assert await chat.press("✅ 确认", answers=2) == saved(1, people=42)
    assert await chat.say("/my") == [
        "王小明（湖东路派出所）的走访情况\n"
        "今天：1 批次，走访 15 户/家/所/个，覆盖 42 人，发放资料 0 份，收集意见建议 0 条\n"
        "本周：1 批次，走访 15 户/家/所/个，覆盖 42 人，发放资料 0 份，收集意见建议 0 条\n"
        "我上报的问题：暂无。\n" + MENU
    ]


async def test_one_line_entry_goes_straight_to_the_card(tg_officer: TgChat) -> None:
    assert await tg_officer.say("/visit 住户 15户 40人 珍珠园五村") == [review()]
    assert await tg_officer.press("✅ 确认", answers=2) == saved(1)


async def test_problems_solved_on_the_spot_and_left_for_assignment(tg_officer: TgChat) -> None:
    chat = tg_officer
    assert await chat.say("/issue") == [KINDS]
    assert await chat.press("矛盾纠纷") == ["属于哪一类？\n[政法类] [民生类] [其他]"]
    await chat.press("民生类")
    assert await chat.say("邻里因通道堆放杂物发生争执") == [
        "问题发生在哪里？请输入地点（不超过 100 字）。"
    ]
    await chat.say("珍珠园五村3栋")
    await chat.say("张三")
    assert await chat.say("138 1234 5678") == ["紧急程度？\n[一般] [紧急]"]
    await chat.press("一般")
    assert await chat.press("是，已当场解决") == ["请简要写明当场是怎么解决的（不超过 500 字）。"]
    [card] = await chat.say("现场调解，双方同意清理杂物")
    assert card.startswith("请核对问题上报：\n类型：矛盾纠纷\n类别：民生类\n")
    assert await chat.press("✅ 确认") == [
        "✅ 问题已登记并办结（当场解决），编号 261125-001。\n" + MENU
    ]

    await chat.say("/visit 住户 15户 40人 珍珠园五村")
    await chat.press("✅ 确认", answers=2)
    assert await chat.press("上报问题") == [KINDS]  # chained after the visit
    await chat.press("矛盾纠纷")
    await chat.press("民生类")
    assert await chat.say("楼道堆放杂物，消防通道堵塞") == [
        "问题发生在哪里？请输入地点（不超过 100 字）。\n[同走访地点：珍珠园五村]"
    ]
    await chat.press("同走访地点：珍珠园五村")
    await chat.press("跳过")
    await chat.press("跳过")
    await chat.press("紧急")
    await chat.press("否，需要交办")
    [card] = await chat.say("司法")
    assert "当场解决：否\n建议责任单位：市司法局\n关联走访：#1\n" in card
    assert await chat.press("✅ 确认") == [
        "✅ 问题已登记，编号 261125-002，状态：待交办（建议责任单位：市司法局）。"
        "活动办交办后会通知您。\n" + MENU
    ]
    [my] = await chat.say("/my")
    assert "· 261125-002 【待交办】矛盾纠纷：楼道堆放杂物，消防通道堵塞\n" in my
    assert "· 261125-001 【当场解决】矛盾纠纷：邻里因通道堆放杂物发生争执\n" in my


async def test_a_restart_mid_visit_continues_at_the_same_step(
    api: FakeBotApi, channel: TelegramChannel, tg_officer: TgChat, db_path: Path, clock: FakeClock
) -> None:
    chat = tg_officer
    await chat.say("/visit")
    await chat.press("住户")
    assert await chat.say("珍珠园五村") == [ASK_COUNT]
    await channel.stop()

    store = await open_store(db_path)  # a new process: new connection, core and channel
    core = make_core(store, clock, db_path.parent, channel.links)
    restarted = TelegramChannel(settings_for(api), core)
    await restarted.start()
    try:
        assert await chat.say("15") == [ASK_PEOPLE]
        assert await chat.say("40") == [review()]
        assert await chat.press("✅ 确认", answers=2) == saved(1)
    finally:
        await restarted.stop()
        await store.close()
    assert await query(db_path, "SELECT count(*) FROM visits") == [(1,)]


async def test_a_duplicate_update_is_handled_once(
    api: FakeBotApi, tg_officer: TgChat, db_path: Path
) -> None:
    chat = tg_officer
    await chat.say("/visit 住户 15户 40人 珍珠园五村")
    message, data = chat.button("✅ 确认")
    update = api.push_callback(chat.user_id, data, message=message)
    assert await chat.answers(2) == saved(1)
    await chat.edit()  # the card, marked
    edits = len(api.calls_of("editMessageReplyMarkup"))
    api.push_duplicate(update)
    # One person's updates are taken in order, so the next answer is to /my: the repeated
    # update got none (and no second edit of the card).
    [my] = await chat.say("/my")
    assert my.splitlines()[1].startswith("今天：1 批次")
    assert len(api.calls_of("editMessageReplyMarkup")) == edits
    assert await query(db_path, "SELECT count(*) FROM visits") == [(1,)]


async def test_pressing_confirm_twice_logs_one_visit(
    api: FakeBotApi, tg_officer: TgChat, db_path: Path
) -> None:
    chat = tg_officer
    await chat.say("/visit 住户 15户 40人 珍珠园五村")
    card = chat.last[0]
    assert await chat.press("✅ 确认", answers=2) == saved(1)
    # A second tap that left before the first tap's edit arrived carries the old keyboard.
    assert await chat.press("✅ 确认", on=card) == [
        "这次走访已经登记过了（记录 #1），不会重复登记。\n" + MENU
    ]
    assert await query(db_path, "SELECT count(*) FROM visits") == [(1,)]
    assert await chat.say("/cancel") == ["当前没有进行中的登记。\n" + MENU]
    marks = api.calls_of("editMessageReplyMarkup")[-2:]
    assert [call.status for call in marks] == [200, 400]  # "not modified", quietly ignored


async def test_a_stranger_is_refused_and_sees_nothing(
    api: FakeBotApi, tg_officer: TgChat, db_path: Path
) -> None:
    await tg_officer.say("/visit 住户 15户 40人 珍珠园五村")
    _, confirm = tg_officer.button("✅ 确认")
    stranger = TgChat(api, 999, name="路人")
    for said in ("/visit", "/my", "/help", "走访 住户 15户 40人 珍珠园五村", "你好"):
        assert await stranger.say(said) == [REFUSED]
    api.push_photo(stranger.user_id)
    assert await stranger.answers() == [REFUSED]
    api.push_callback(stranger.user_id, confirm)
    assert await stranger.answers() == [REFUSED]
    assert await stranger.say("/start NOPE2345") == [
        "邀请码无效。请核对后重新打开邀请链接，或向活动办索取新的邀请。"
    ]
    assert await query(db_path, "SELECT count(*) FROM visits") == [(0,)]


async def test_bad_inputs_get_a_clear_answer_and_the_step_stays(
    api: FakeBotApi, tg_officer: TgChat, db_path: Path
) -> None:
    chat = tg_officer
    await chat.say("/visit")
    await chat.press("住户")
    api.push_sticker(chat.user_id)
    assert await chat.answers() == ["这一步不能接收表情贴纸，请发送文字。"]
    api.push_voice(chat.user_id)
    assert await chat.answers() == ["这一步不能接收语音，请发送文字。"]
    api.push_document(chat.user_id, file_name="名单.xlsx")
    assert await chat.answers() == ["这一步不能接收文件，请发送文字。"]
    assert await chat.say("村" * 5000) == ["内容太长（5000 字），最多 100 字。请精简后重新发送。"]
    assert await chat.say("🏠🏠") == ["请输入文字内容（不能只有表情或符号）。"]
    place = "'; DROP TABLE visits;--"
    assert await chat.say(place) == [ASK_COUNT]
    refusal = "请输入 0 到 10000 之间的整数，例如 15 或 十五。"
    assert await chat.say("abc") == [refusal]
    assert await chat.say("-5") == [refusal]
    assert await chat.say("10001") == ["数字太大了，最多 10000。请核对后重新输入。"]
    assert await chat.say("15") == [ASK_PEOPLE]
    assert await chat.say("40") == [review(place=place)]
    assert await chat.press("✅ 确认", answers=2) == saved(1, place=place)
    assert await query(db_path, "SELECT place FROM visits") == [(place,)]
    assert all("parse_mode" not in call.params for call in api.calls_of("sendMessage"))


async def test_the_command_menu_is_registered_in_chinese_and_english(
    api: FakeBotApi, channel: TelegramChannel
) -> None:
    names = ["visit", "issue", "my", "stats", "cases", "help", "cancel", "mute", "lang", "start"]
    zh = api.my_commands(None, "zh")
    assert [c["command"] for c in zh] == names
    assert zh[0] == {"command": "visit", "description": "登记走访"}
    english = api.my_commands(None, "")
    assert english == api.my_commands(None, "en")
    assert [c["command"] for c in english] == names
    assert english[0] == {"command": "visit", "description": "Log a visit"}


async def test_a_photo_and_a_location_sent_mid_visit_are_attached(
    api: FakeBotApi, tg_officer: TgChat, db_path: Path
) -> None:
    chat = tg_officer
    await chat.say("/visit")
    await chat.press("住户")
    await chat.say("珍珠园五村")
    api.push_photo(chat.user_id, "photo-1")
    assert await chat.answers(2) == ["📷 已附上照片（共 1 张）。", ASK_COUNT]
    api.push_location(chat.user_id, 31.6886, 118.5083)
    assert await chat.answers(2) == ["📍 定位已附上。", ASK_COUNT]
    await chat.say("15")
    location = "已定位（31.68860, 118.50830）"
    assert await chat.say("40") == [review(location=location, photos=1)]

    assert await chat.press("定位") == [
        "请点【发送当前位置】附上定位（可选）。\n≡ <📍 发送当前位置> | 跳过 删除定位"
    ]
    assert chat.sent_with(chat.last[0]).params["reply_markup"]["one_time_keyboard"] is True
    api.push_location(chat.user_id, 31.7, 118.5)
    assert await chat.answers(2) == [
        "📍 定位已附上。",
        review(location="已定位（31.70000, 118.50000）", photos=1),
    ]
    await chat.press("定位")
    assert await chat.say("跳过") == [review(location="已定位（31.70000, 118.50000）", photos=1)]
    await chat.press("✅ 确认", answers=2)
    assert await query(db_path, "SELECT latitude, longitude FROM visits") == [(31.7, 118.5)]
    assert await query(db_path, "SELECT file_ref FROM visit_photos") == [("photo-1",)]


async def test_groups_are_pointed_to_a_private_chat(
    api: FakeBotApi, channel: TelegramChannel, tg_officer: TgChat
) -> None:
    group = -1001234
    private_only = (
        "走访登记请私聊机器人，群里不处理登记（以免泄露群众信息）：https://t.me/zoufang_test_bot"
    )
    api.push_text(101, "/visit", chat_id=group)
    assert [m["text"] for m in await api.next_messages(group)] == [private_only]
    api.push_text(101, "大家好", chat_id=group)  # chatter
    api.push_text(101, "/help@other_bot", chat_id=group)  # another bot's command
    api.push_text(101, "/help@ZouFang_Test_Bot", chat_id=group)
    [group_help] = await api.next_messages(group)
    assert group_help["text"].startswith("本群可用：/bind [单位代码]")
    api.push_text(101, "/bind", chat_id=group)  # an officer cannot bind a group
    assert [m["text"] for m in await api.next_messages(group)] == [
        "只有活动办（协调人）可以绑定或解绑群聊。"
    ]
    api.push_text(202, "/start", chat_id=group, language_code="en")
    [english] = await api.next_messages(group)
    assert english["text"].startswith("Please talk to me in a private chat")
    assert api.drain_messages(group) == []
    edited = make_message(99, make_chat(101, None), make_user(101), text="/visit", edit_date=1)
    api.push_raw({"edited_message": edited})  # edits are not acted on
    assert await tg_officer.say("/cancel") == ["当前没有进行中的登记。\n" + MENU]


async def test_sender_delivers_and_splits_long_texts(
    api: FakeBotApi, channel: TelegramChannel
) -> None:
    lines = [f"第 {n} 行：" + "走访" * 20 for n in range(200)]
    await channel.sender.deliver("101", Reply("\n".join(lines), choices=((Choice("好", "x"),),)))
    parts = api.drain_messages(101)
    assert len(parts) == 3
    assert all(len(part["text"]) <= MAX_TEXT for part in parts)
    assert "\n".join(part["text"] for part in parts) == "\n".join(lines)
    assert [("reply_markup" in part) for part in parts] == [False, False, True]


async def test_images_and_documents_go_as_uploads_with_the_text_as_caption(
    api: FakeBotApi, channel: TelegramChannel
) -> None:
    chart = Image(b"\x89PNG-fake", "本周.png")
    table = Document(b"PK\x03\x04", "走访.xlsx")
    await channel.sender.deliver("101", Reply("本周走访", image=chart, document=table))
    photo, document = api.drain_messages(101)
    assert photo["caption"] == "本周走访"
    assert "caption" not in document
    [photo_call] = api.calls_of("sendPhoto")
    [document_call] = api.calls_of("sendDocument")
    assert (photo_call.files["photo"].filename, photo_call.files["photo"].data) == (
        "本周.png",
        b"\x89PNG-fake",
    )
    assert document_call.files["document"].filename == "走访.xlsx"
    assert "parse_mode" not in photo_call.params


@pytest.mark.parametrize(
    ("status", "permanent", "retry_after"),
    [(429, False, 7.0), (502, False, None), (403, True, None), (400, True, None)],
)
async def test_sender_maps_failures(
    api: FakeBotApi,
    channel: TelegramChannel,
    status: int,
    permanent: bool,
    retry_after: float | None,
) -> None:
    api.fail_next("sendMessage", status=status, retry_after=7 if status == 429 else None)
    with pytest.raises(DeliveryFailed) as failed:
        await channel.sender.deliver("101", Reply("提醒"))
    assert (failed.value.permanent, failed.value.retry_after) == (permanent, retry_after)
    if status == 400:
        assert "chat not found" in failed.value.reason.lower()
    await channel.sender.deliver("101", Reply("提醒"))  # the next try goes through
    assert [m["text"] for m in api.drain_messages(101)] == ["提醒"]


async def test_sender_refuses_while_stopped(channel: TelegramChannel) -> None:
    await channel.stop()
    with pytest.raises(DeliveryFailed) as failed:
        await channel.sender.deliver("101", Reply("提醒"))
    assert failed.value.permanent is False


def test_split_text_breaks_between_lines_and_cuts_only_overlong_ones() -> None:
    assert split_text("甲\n乙\n丙", limit=3) == ["甲\n乙", "丙"]
    assert split_text("甲乙丙丁戊", limit=2) == ["甲乙", "丙丁", "戊"]
    assert split_text("🏠🏠🏠", limit=4) == ["🏠🏠", "🏠"]  # UTF-16 units, as Telegram counts
    assert split_text(" \n ") == []


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_webhook_mode(api: FakeBotApi, core: Core, seeded: Seeded) -> None:
    port = _free_port()
    settings = settings_for(
        api,
        telegram_webhook_url="https://bot.example.org/tg/hook",
        telegram_webhook_secret="s3cret",
        web_port=port,
    )
    channel = TelegramChannel(settings, core)
    await channel.start()
    try:
        [hook] = api.calls_of("setWebhook")
        assert hook.params["url"] == "https://bot.example.org/tg/hook"
        assert hook.params["secret_token"] == "s3cret"
        chat = make_chat(101, None)
        update = {"update_id": 1, "message": make_message(1, chat, make_user(101), text="/help")}
        async with aiohttp.ClientSession(f"http://127.0.0.1:{port}") as http:
            wrong = {"X-Telegram-Bot-Api-Secret-Token": "guess"}
            async with http.post("/tg/hook", json=update, headers=wrong) as response:
                assert response.status == 403
            right = {"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
            async with http.post("/tg/hook", json=update, headers=right) as response:
                assert response.status == 200
        [answer] = await api.next_messages(101)
        assert answer["text"] == REFUSED  # 101 has not joined in this test
    finally:
        await channel.stop()


async def test_send_failures_are_logged_and_the_bot_keeps_answering(
    api: FakeBotApi, tg_officer: TgChat, caplog: pytest.LogCaptureFixture
) -> None:
    api.fail_next("sendMessage", status=429, retry_after=1)
    assert await tg_officer.say("/cancel") == ["当前没有进行中的登记。\n" + MENU]  # after 1 s
    api.fail_next("sendMessage", status=403)
    api.push_text(tg_officer.user_id, "/help")  # its answer is lost: logged, not raised
    assert await tg_officer.say("/cancel") == ["当前没有进行中的登记。\n" + MENU]
    [lost] = [r for r in caplog.records if r.name == "bot.channels.telegram"]
    assert lost.getMessage().startswith("could not handle Telegram update")


async def test_people_are_served_concurrently_each_in_order(
    api: FakeBotApi, tg_officer: TgChat
) -> None:
    chat = tg_officer
    await chat.say("/visit")
    await chat.press("住户")
    await chat.say("珍珠园五村")
    for text in ("15", "40"):  # typed quickly, before any answer
        api.push_text(chat.user_id, text)
        api.push_text(999, "你好")
    assert await chat.answers(2) == [ASK_PEOPLE, review()]
    assert [m["text"] for m in await api.next_messages(999, 2)] == [REFUSED, REFUSED]


async def test_stop_leaves_nothing_running(core: Core) -> None:
    async with FakeBotApi(token=BOT_TOKEN) as api:
        channel = TelegramChannel(settings_for(api), core)
        await channel.start()
        api.push_text(101, "你好")
        await api.wait_for_message(101)
        await channel.stop()
        await channel.stop()  # twice is harmless
    assert asyncio.all_tasks() == {asyncio.current_task()}
