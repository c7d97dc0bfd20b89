"""End-to-end checks that an unmodified PTB Application works against FakeBotApi."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import (
    BadRequest,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from .bot_api import FakeBotApi

pytestmark = pytest.mark.filterwarnings("error")

TOKEN = "1000:AAHfakeTokenForTheFakeBotApi"
USER = 424242
REPO_ROOT = Path(__file__).resolve().parents[2]
KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("是", callback_data="yes"),
            InlineKeyboardButton("否", callback_data="no"),
        ]
    ]
)


@pytest_asyncio.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token=TOKEN) as fake:
        yield fake


@pytest_asyncio.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url) as client:
        yield client


def build_app(api: FakeBotApi) -> Application:  # type: ignore[type-arg]
    builder = ApplicationBuilder().token(TOKEN)
    return builder.base_url(f"{api.url}/bot").base_file_url(f"{api.url}/file/bot").build()


@contextlib.asynccontextmanager
async def polling(app: Application) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_text("要开始走访吗？", reply_markup=KEYBOARD)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    assert update.message.text is not None
    await update.message.reply_text(f"收到：{update.message.text}")


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("好的")
    await query.edit_message_text(f"你选择了 {query.data}")


@pytest.mark.asyncio
async def test_application_handles_text_command_and_callback() -> None:
    async with FakeBotApi(token=TOKEN) as api:
        await converse_with_application(api)
    assert asyncio.all_tasks() == {asyncio.current_task()}  # nothing left running


async def converse_with_application(api: FakeBotApi) -> None:
    app = build_app(api)
    app.add_handler(CommandHandler("start", on_start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
    app.add_handler(CallbackQueryHandler(on_button))
    async with polling(app):
        api.push_text(USER, "你好")
        [echo] = await api.next_messages(USER)
        assert echo["text"] == "收到：你好"
        assert echo["from"]["username"] == "zoufang_test_bot"

        api.push_command(USER, "start")
        [prompt] = await api.next_messages(USER)
        expected = KEYBOARD.to_dict()
        assert prompt["reply_markup"] == expected
        assert api.calls_of("sendMessage")[-1].params == {
            "chat_id": USER,
            "text": "要开始走访吗？",
            "reply_markup": expected,
        }

        api.push_callback(USER, "yes")
        [edited] = await api.next_messages(USER)
        assert (edited["message_id"], edited["text"]) == (prompt["message_id"], "你选择了 yes")
        assert "reply_markup" not in edited
        [answer] = await api.wait_for_calls("answerCallbackQuery")
        assert answer.params["text"] == "好的"
        assert answer.status == 200
    assert [m["message_id"] for m in api.sent_to(USER)] == [2, 4, 4]


@pytest.mark.asyncio
async def test_duplicate_push_delivers_same_update_id_twice(api: FakeBotApi) -> None:
    seen: asyncio.Queue[int] = asyncio.Queue()

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.put_nowait(update.update_id)

    app = build_app(api)
    app.add_handler(MessageHandler(filters.ALL, record))
    async with polling(app):
        update = api.push_text(USER, "重复")
        first = await asyncio.wait_for(seen.get(), 5)
        await api.wait_for_calls("getUpdates", 2)  # the first delivery is confirmed by now
        api.push_duplicate(update)
        second = await asyncio.wait_for(seen.get(), 5)
        later = api.push_text(USER, "之后")
        third = await asyncio.wait_for(seen.get(), 5)
    assert first == second == update["update_id"]
    assert third == later["update_id"] == update["update_id"] + 1
    assert seen.empty()


@pytest.mark.asyncio
async def test_get_updates_honours_offset_limit_and_long_polling(api: FakeBotApi, bot: Bot) -> None:
    ids = [api.push_text(USER, f"m{i}")["update_id"] for i in range(3)]
    assert [u.update_id for u in await bot.get_updates(timeout=0, limit=2)] == ids[:2]
    assert [u.update_id for u in await bot.get_updates(offset=ids[1], timeout=0)] == ids[1:]
    assert await bot.get_updates(offset=ids[2] + 1, timeout=0) == ()
    assert api.pending_updates == 0

    poll = asyncio.create_task(bot.get_updates(offset=ids[2] + 1, timeout=10))
    await api.wait_for_calls("getUpdates", 4)
    pushed = api.push_location(USER, 31.23, 121.47)
    [update] = await asyncio.wait_for(poll, 2)  # returns as soon as an update exists
    assert update.update_id == pushed["update_id"]
    assert update.message is not None
    assert update.message.location is not None
    assert update.message.location.latitude == pytest.approx(31.23)


@pytest.mark.asyncio
async def test_pushed_media_parses_in_ptb_and_downloads(api: FakeBotApi, bot: Bot) -> None:
    api.push_photo(USER, "photo-1", data=b"jpeg-bytes")
    api.push_sticker(USER)
    api.push_voice(USER)
    api.push_document(USER, file_name="名单.xlsx", data=b"PK\x03\x04")
    api.push_command(USER, "help", "me", chat_id=-1001234)
    photo, sticker, voice, document, command = await bot.get_updates(timeout=0)
    assert photo.message is not None
    assert photo.message.photo[-1].file_id == "photo-1"
    assert sticker.message is not None
    assert sticker.message.sticker is not None
    assert voice.message is not None
    assert voice.message.voice is not None
    assert document.message is not None
    assert document.message.document is not None
    assert document.message.document.file_name == "名单.xlsx"
    assert command.message is not None
    assert command.message.chat.type == "supergroup"
    assert command.message.parse_entities() != {}
    file = await bot.get_file("photo-1")
    assert bytes(await file.download_as_bytearray()) == b"jpeg-bytes"


@pytest.mark.asyncio
async def test_retry_after_surfaces_from_send_message(
    api: FakeBotApi, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without this, PTB 22 emits a deprecation warning while *constructing* RetryAfter.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    api.fail_next("sendMessage", status=429, retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "hi")
    assert caught.value.retry_after == dtm.timedelta(seconds=7)
    assert (await bot.send_message(USER, "hi")).message_id == 1
    assert [c.status for c in api.calls_of("sendMessage")] == [429, 200]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("status", "error"),
    [(403, Forbidden), (400, BadRequest), (502, NetworkError)],
)
async def test_faults_map_to_ptb_errors(
    api: FakeBotApi, bot: Bot, status: int, error: type[Exception]
) -> None:
    api.fail_next(None, status=status, times=2)
    for _ in range(2):
        with pytest.raises(error):
            await bot.send_chat_action(USER, "typing")
    assert await bot.send_chat_action(USER, "typing") is True


@pytest.mark.asyncio
async def test_document_upload_is_recorded(api: FakeBotApi, bot: Bot) -> None:
    content = "姓名,电话\n张三,13800000000\n".encode()
    message = await bot.send_document(USER, content, filename="走访.csv", caption="<b>名单</b>")
    [call] = api.calls_of("sendDocument")
    upload = call.files["document"]
    assert (upload.filename, upload.data) == ("走访.csv", content)
    assert call.params == {"chat_id": USER, "caption": "<b>名单</b>"}
    assert message.document is not None
    assert message.document.file_name == "走访.csv"
    file = await bot.get_file(message.document.file_id)
    assert bytes(await file.download_as_bytearray()) == content


@pytest.mark.asyncio
async def test_commands_edits_and_unknown_methods(api: FakeBotApi, bot: Bot) -> None:
    scope = BotCommandScopeChat(USER)
    await bot.set_my_commands([BotCommand("start", "开始")], scope=scope, language_code="zh")
    assert api.my_commands({"type": "chat", "chat_id": USER}, "zh") == [
        {"command": "start", "description": "开始"}
    ]
    assert await bot.get_my_commands() == ()
    sent = await bot.send_message(USER, "x", reply_markup=KEYBOARD)
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("x", USER, sent.message_id, reply_markup=KEYBOARD)
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("fooBar")
    with pytest.raises(InvalidToken):
        async with Bot("1:wrong", base_url=api.base_url):
            pass


@pytest.mark.asyncio
async def test_separate_process_control_endpoints() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.fakes.bot_api", "--port", "0",
        cwd=REPO_ROOT, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), 10)).decode().strip()
        url = line.removeprefix("FAKE_BOT_API_URL=")
        async with aiohttp.ClientSession(url) as http:
            batch = [{"user_id": USER, "text": f"t{i}"} for i in range(3)]
            async with http.post("/_control/push_text", json=batch) as resp:
                assert len((await resp.json())["result"]) == 3
            async with Bot(TOKEN, base_url=f"{url}/bot") as client:
                assert len(await client.get_updates(timeout=0)) == 3
                await client.send_message(USER, "hello")
            async with http.get("/_control/calls", params={"method": "sendMessage"}) as resp:
                [call] = (await resp.json())["result"]["calls"]
            assert call["params"] == {"chat_id": USER, "text": "hello"}
    finally:
        proc.terminate()
        assert await proc.wait() == 0
