"""The WeCom channel end to end: encrypted callbacks in, the fake WeCom API out, real SQLite."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.channels.wecom import WeComChannel
from bot.settings import Settings
from handlers import Core
from storage import open_store
from tests.channels.conftest import query
from tests.channels.wecom import callbacks as cb
from tests.channels.wecom.conftest import (
    WxChat,
    as_wecom,
    callback_client,
    free_port,
    join_as,
    wecom_settings,
)
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
from tests.fakes.wecom_api import FakeWeComApi
from tests.transcript import FakeClock

ASK_NAME = "欢迎加入大走访！您将以【走访干警】身份加入【湖东路派出所】。\n请输入您的真实姓名。"
JOINED = "加入成功！王小明，您已加入湖东路派出所。\n点【登记走访】开始登记，或发送 /help 查看说明。"


def saved(number: int, people: int = 40, place: str = "珍珠园五村") -> list[str]:
    return [
        as_wecom(
            f"✅ 走访已登记（记录 #{number}）\n"
            f"住户 15户 · {people} 人 · {place} · 2026-11-25（今天）\n"
            f"今天累计：{number} 批次，{15 * number} 户/家/所/个，{people * number} 人。\n" + MENU
        ),
        as_wecom(ASK_MORE),
    ]


def test_as_wecom_turns_buttons_into_numbered_options() -> None:
    assert as_wecom("问？\n[甲] [乙]\n[丙]\n" + MENU) == "问？\n\n1. 甲\n2. 乙\n3. 丙"
    assert as_wecom("问？\n[甲]", numbered=False) == "问？\n\n· 甲"
    assert as_wecom("好。\n" + MENU) == "好。"


async def test_join_by_invite_typed_as_a_command(
    fake: FakeWeComApi,
    wecom: WeComChannel,
    clock: FakeClock,
    http: aiohttp.ClientSession,
    seeded: Seeded,
    db_path: Path,
) -> None:
    chat = WxChat(fake, wecom, callback_client(wecom, clock, http), "wangxiaoming")
    assert await chat.say("你好") == [REFUSED]
    assert await chat.say("/start OFFICER1") == [ASK_NAME]
    assert await chat.say("王小明") == [JOINED]
    assert await query(db_path, "SELECT platform, user_id, chat_id FROM identities") == [
        ("wecom", "wangxiaoming", "wangxiaoming")
    ]
    assert chat.last_post is not None
    assert (chat.last_post.status, chat.last_post.body) == (200, "")
    assert fake.tokens_issued == 1  # cached across every send


async def test_a_full_visit_pressing_card_buttons_and_typing_numbers(
    wx_officer: WxChat, fake: FakeWeComApi, db_path: Path
) -> None:
    chat = wx_officer
    assert await chat.say("/visit") == [as_wecom(TARGETS)]
    card = chat.cards[-1]
    assert [b["text"] for b in card["button_list"]] == [
        "住户",
        "企业",
        "学校",
        "村(寨)",
        "社区",
        "其他",
    ]
    assert card["main_title"]["title"] == "走访的是哪类对象？"
    assert await chat.press("住户") == [ASK_PLACE]
    [marked] = fake.card_updates  # the pressed card is greyed out, showing the choice
    assert marked["button"] == {"replace_name": "✓ 住户"}
    assert marked["userids"] == ["wangxiaoming"]
    assert await chat.say("珍珠园五村") == [ASK_COUNT]
    assert await chat.say("15") == [ASK_PEOPLE]
    assert await chat.say("40") == [as_wecom(review())]
    cards = len(chat.cards)  # twelve choices: more than a card holds, so numbers only
    assert await chat.say("6") == [ASK_PEOPLE]  # 6. 人数
    assert len(chat.cards) == cards
    assert await chat.say("四十二") == [as_wecom(review(people=42))]
    assert await chat.say("确认") == saved(1, people=42)
    [my] = await chat.say("/my")
    assert my.startswith(
        "王小明（湖东路派出所）的走访情况\n今天：1 批次，走访 15 户/家/所/个，覆盖 42 人"
    )
    assert await query(db_path, "SELECT people FROM visits") == [(42,)]


async def test_one_line_entry_goes_straight_to_the_card(wx_officer: WxChat) -> None:
    assert await wx_officer.say("/visit 住户 15户 40人 珍珠园五村") == [as_wecom(review())]
    assert await wx_officer.say("1") == saved(1)
    assert await wx_officer.say("走访 住户 15户 40人 珍珠园五村") == [as_wecom(review())]
    assert await wx_officer.say("✅ 确认") == saved(2)


async def test_problems_solved_on_the_spot_and_left_for_assignment(wx_officer: WxChat) -> None:
    chat = wx_officer
    assert await chat.say("/issue") == [as_wecom(KINDS)]
    assert await chat.press("矛盾纠纷") == [as_wecom("属于哪一类？\n[政法类] [民生类] [其他]")]
    await chat.press("民生类")
    assert await chat.say("邻里因通道堆放杂物发生争执") == [
        "问题发生在哪里？请输入地点（不超过 100 字）。"
    ]
    await chat.say("珍珠园五村3栋")
    await chat.say("张三")
    assert await chat.say("138 1234 5678") == [as_wecom("紧急程度？\n[一般] [紧急]")]
    await chat.press("一般")
    assert await chat.press("是，已当场解决") == ["请简要写明当场是怎么解决的（不超过 500 字）。"]
    [card] = await chat.say("现场调解，双方同意清理杂物")
    assert card.startswith("请核对问题上报：\n类型：矛盾纠纷\n类别：民生类\n")
    assert await chat.say("确认") == [
        as_wecom("✅ 问题已登记并办结（当场解决），编号 261125-001。")
    ]

    await chat.say("/visit 住户 15户 40人 珍珠园五村")
    await chat.say("确认")
    assert await chat.press("上报问题") == [as_wecom(KINDS)]  # chained after the visit
    await chat.press("矛盾纠纷")
    await chat.press("民生类")
    assert await chat.say("楼道堆放杂物，消防通道堵塞") == [
        as_wecom("问题发生在哪里？请输入地点（不超过 100 字）。\n[同走访地点：珍珠园五村]")
    ]
    await chat.say("1")
    await chat.say("跳过")
    await chat.say("跳过")
    await chat.press("紧急")
    await chat.press("否，需要交办")
    [card] = await chat.say("司法")
    assert "当场解决：否\n建议责任单位：市司法局\n关联走访：#1\n" in card
    assert await chat.say("确认") == [
        "✅ 问题已登记，编号 261125-002，状态：待交办（建议责任单位：市司法局）。"
        "活动办交办后会通知您。"
    ]


async def test_a_restart_mid_visit_continues_at_the_same_step(
    fake: FakeWeComApi,
    wecom: WeComChannel,
    wx_officer: WxChat,
    db_path: Path,
    clock: FakeClock,
) -> None:
    chat = wx_officer
    await chat.say("/visit")
    await chat.press("住户")
    assert await chat.say("珍珠园五村") == [ASK_COUNT]
    port = wecom.port
    assert port is not None
    await wecom.stop()

    store = await open_store(db_path)  # a new process: new connection, core and channel
    restarted = WeComChannel(
        wecom_settings(fake, port), make_core(store, clock, db_path.parent), clock=clock
    )
    await restarted.start()
    chat.channel = restarted
    try:
        assert await chat.say("15") == [ASK_PEOPLE]
        assert await chat.say("40") == [as_wecom(review())]
        assert await chat.say("确认") == saved(1)
    finally:
        await restarted.stop()
        await store.close()
    assert await query(db_path, "SELECT count(*) FROM visits") == [(1,)]


async def test_a_wecom_retry_of_the_same_message_is_recorded_once(
    wx_officer: WxChat,
    wecom: WeComChannel,
    fake: FakeWeComApi,
    core: Core,
    clock: FakeClock,
    db_path: Path,
) -> None:
    chat = wx_officer
    await chat.say("/visit 住户 15户 40人 珍珠园五村")
    confirm = cb.text(chat.user, "确认", chat.client.next_id(), chat.client.now())
    # WeCom retries when the first answer is late: the same MsgId, a new nonce and signature.
    answers = await asyncio.gather(*(chat.client.post(confirm) for _ in range(3)))
    assert [a.status for a in answers] == [200, 200, 200]
    assert await chat.answers() == saved(1)
    assert wecom.stats.duplicates == 2

    # A retry reaching a restarted process, which remembers nothing: the core drops it.
    port = wecom.port
    assert port is not None
    await wecom.stop()
    restarted = WeComChannel(wecom_settings(fake, port), core, clock=clock)
    await restarted.start()
    chat.channel = restarted
    try:
        assert await chat.post(confirm) == []
        assert restarted.stats.queued == 1
        assert await chat.say("/cancel") == ["当前没有进行中的登记。"]
    finally:
        await restarted.stop()
    assert await query(db_path, "SELECT count(*) FROM visits") == [(1,)]


async def test_a_card_pressed_again_later_is_answered_as_stale(
    wx_officer: WxChat, fake: FakeWeComApi, clock: FakeClock
) -> None:
    chat = wx_officer
    await chat.say("/visit")
    card, key = chat.button("住户")
    code = chat.response_code()
    first = cb.card_press(chat.user, key, card["task_id"], code, chat.client.now())
    assert await chat.post(first) == [ASK_PLACE]
    clock.advance(seconds=2)  # a second tap: not WeCom's retry, so a new CreateTime
    second = cb.card_press(chat.user, key, card["task_id"], code, chat.client.now())
    assert await chat.post(second) == ["这个按钮已过期。", ASK_PLACE]
    assert len(fake.card_updates) == 1  # its response code was used by the first mark
    assert await chat.say("珍珠园五村") == [ASK_COUNT]


async def test_a_stranger_is_refused_and_sees_nothing(
    fake: FakeWeComApi,
    wecom: WeComChannel,
    wx_officer: WxChat,
    db_path: Path,
) -> None:
    stranger = WxChat(fake, wecom, wx_officer.client, "lurenjia")
    for said in ("/visit", "/my", "/help", "走访 住户 15户 40人 珍珠园五村", "你好"):
        assert await stranger.say(said) == [REFUSED]
    now = wx_officer.client.now()
    assert await stranger.post(cb.image(stranger.user, "m-1", 5, now)) == [REFUSED]
    assert await stranger.post(cb.card_press(stranger.user, "f:1:x:y", "zf-1", "", now)) == [
        REFUSED
    ]
    assert await stranger.say("/start NOPE2345") == [
        "邀请码无效。请核对后重新打开邀请链接，或向活动办索取新的邀请。"
    ]
    assert await query(db_path, "SELECT count(*) FROM visits") == [(0,)]


async def test_bad_inputs_get_a_clear_answer_and_the_step_stays(
    wx_officer: WxChat, db_path: Path
) -> None:
    chat = wx_officer
    await chat.say("/visit")
    await chat.press("住户")
    now = chat.client.now()
    assert await chat.post(cb.voice(chat.user, 901, now)) == ["这一步不能接收语音，请发送文字。"]
    assert await chat.post(cb.file(chat.user, "名单.xlsx", 902, now)) == [
        "这一步不能接收文件，请发送文字。"
    ]
    assert await chat.say("村" * 5000) == ["内容太长（5000 字），最多 100 字。请精简后重新发送。"]
    place = "'; DROP TABLE visits;--<&>"
    assert await chat.say(place) == [ASK_COUNT]
    assert await chat.say("abc") == ["请输入 0 到 10000 之间的整数，例如 15 或 十五。"]
    assert await chat.say("15") == [ASK_PEOPLE]
    assert await chat.say("40") == [as_wecom(review(place=place))]
    assert await chat.say("确认") == saved(1, place=place)
    assert await query(db_path, "SELECT place FROM visits") == [(place,)]


async def test_a_photo_and_a_location_sent_mid_visit_are_attached(
    wx_officer: WxChat, db_path: Path
) -> None:
    chat = wx_officer
    await chat.say("/visit")
    await chat.press("住户")
    await chat.say("珍珠园五村")
    client = chat.client
    photo = cb.image(chat.user, "MEDIA-photo-1", client.next_id(), client.now())
    assert await chat.post(photo) == ["📷 已附上照片（共 1 张）。", ASK_COUNT]
    spot = cb.location(chat.user, 31.6886, 118.5083, client.next_id(), client.now())
    assert await chat.post(spot) == ["📍 定位已附上。", ASK_COUNT]
    await chat.say("15")
    location = "已定位（31.68860, 118.50830）"
    assert await chat.say("40") == [as_wecom(review(location=location, photos=1))]
    await chat.say("确认")
    assert await query(db_path, "SELECT latitude, longitude FROM visits") == [(31.6886, 118.5083)]
    assert await query(db_path, "SELECT file_ref FROM visit_photos") == [("MEDIA-photo-1",)]


async def test_a_token_expiry_mid_conversation_is_recovered(
    wx_officer: WxChat, fake: FakeWeComApi, clock: FakeClock
) -> None:
    chat = wx_officer
    await chat.say("/visit")
    issued = fake.tokens_issued
    fake.expire_tokens()  # WeCom revoked it early: 42001 on the next send
    assert await chat.press("住户") == [ASK_PLACE]
    assert fake.tokens_issued == issued + 1
    assert ("message/send", 42001) in fake.calls
    clock.advance(hours=3)
    assert await chat.say("珍珠园五村") == [ASK_COUNT]  # renewed before expiry this time
    assert fake.tokens_issued == issued + 2


async def test_a_busy_wecom_is_retried_and_a_refusal_logged(
    wx_officer: WxChat, fake: FakeWeComApi, caplog: pytest.LogCaptureFixture
) -> None:
    chat = wx_officer
    fake.fail_next(-1, path="message/send")
    assert await chat.say("/cancel") == ["当前没有进行中的登记。"]
    assert fake.calls[-2:] == [("message/send", -1), ("message/send", 0)]
    fake.unknown_users.add(chat.user)
    assert await chat.say("/help") == []
    assert "could not send a reply to WeCom user wangxiaoming" in caplog.text
    fake.unknown_users.clear()
    assert await chat.say("/cancel") == ["当前没有进行中的登记。"]


async def test_the_ledger_export_arrives_as_an_uploaded_file(
    fake: FakeWeComApi, wecom: WeComChannel, wx_officer: WxChat, seeded: Seeded
) -> None:
    await wx_officer.say("/visit 住户 15户 40人 珍珠园五村")
    await wx_officer.say("确认")
    office = await join_as(fake, wecom, wx_officer.client, "lizhuren", "李主任", "COORD001")
    assert await office.say("/export 走访 11-20..11-25") == [
        "📎 走访台账-2026-11-25.xlsx：共 1 条。",
        "<file>",
    ]
    [sent] = [m for m in fake.messages[office.user] if m["msgtype"] == "file"]
    upload = fake.uploads[sent["file"]["media_id"]]
    assert (upload.kind, upload.filename) == ("file", "走访台账-2026-11-25.xlsx")
    assert upload.content.startswith(b"PK")


async def test_opening_the_app_gets_no_answer_and_menu_clicks_are_commands(
    wx_officer: WxChat, wecom: WeComChannel
) -> None:
    chat = wx_officer
    now = chat.client.now()
    assert await chat.post(cb.event(chat.user, "enter_agent", now)) == []
    assert wecom.stats.ignored == 1
    [help_text] = await chat.post(cb.event(chat.user, "click", now + 1, key="cancel"))
    assert help_text == "当前没有进行中的登记。"


async def test_a_shared_listener_serves_the_callback(
    fake: FakeWeComApi, core: Core, clock: FakeClock, http: aiohttp.ClientSession
) -> None:
    app = web.Application()
    channel = WeComChannel(wecom_settings(fake, 1), core, clock=clock, web_app=app)
    await channel.start()
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        assert channel.port is None  # no listener of its own
        client = callback_client(channel, clock, http)
        client.url = f"http://127.0.0.1:{port}/wecom/callback"
        assert (await client.verify_url("42")).body == "42"
        chat = WxChat(fake, channel, client, "u9")
        assert await chat.say("/help") == [REFUSED]
    finally:
        await runner.cleanup()
        await channel.stop()


async def test_stop_leaves_nothing_running(
    fake: FakeWeComApi, core: Core, clock: FakeClock
) -> None:
    channel = WeComChannel(wecom_settings(fake, free_port()), core, clock=clock)
    await channel.start()
    assert channel.api.started
    await channel.stop()
    await channel.stop()  # twice is harmless
    assert not channel.api.started
    assert asyncio.all_tasks() == {asyncio.current_task()}


def test_a_channel_needs_the_whole_app(fake: FakeWeComApi, core: Core) -> None:
    with pytest.raises(ValueError, match="not configured"):
        WeComChannel(Settings(), core)
