"""The outbox through TelegramSender to a fake Bot API that enforces Telegram's limits."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from bot.channels.telegram_http import AiohttpRequest
from bot.channels.telegram_render import TelegramSender
from handlers.messages import Image, Reply
from scheduler.delivery import DeliveryFailed, queue_reply
from scheduler.outbox import OutboxWorker, Round
from storage import Store
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.paced import VirtualTime
from tests.fakes.rate_limits import RateLimits
from tests.transcript import FakeClock

TOKEN = "4242:AAFakeOutboxToken"
CHART = Image(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 100, "完成率.png")


@pytest.fixture(autouse=True)
def _timedelta_durations(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # as the app runs PTB (bot/app.py)


@pytest.fixture
def time(clock: FakeClock) -> VirtualTime:
    return VirtualTime(clock)


@pytest.fixture
async def api(time: VirtualTime) -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(limits=RateLimits(time.now)) as fake:
        yield fake


async def _sender(base_url: str, read_timeout: float = 5.0) -> TelegramSender:
    request = AiohttpRequest(read_timeout=read_timeout)
    await request.initialize()
    sender = TelegramSender()
    sender.bot = Bot(TOKEN, base_url=base_url, request=request)
    return sender


@pytest.fixture
async def sender(api: FakeBotApi) -> AsyncIterator[TelegramSender]:
    sender = await _sender(api.base_url)
    yield sender
    assert sender.bot is not None
    await sender.bot.request.shutdown()


def _worker(
    store: Store, sender: TelegramSender, clock: FakeClock, time: VirtualTime
) -> OutboxWorker:
    return OutboxWorker(store, {"telegram": sender}, clock, sleep=time.sleep, timer=time.now)


async def test_a_bulletin_with_its_chart_goes_as_a_photo(
    api: FakeBotApi, sender: TelegramSender, store: Store, clock: FakeClock, time: VirtualTime
) -> None:
    long_text = "\n".join(f"第 {n} 单位 完成 {n}%" for n in range(120))  # over a caption's 1,024
    async with store.transaction() as tx:
        await queue_reply(
            tx.outbox, "telegram", "-100", Reply("今日进度", image=CHART), clock.now()
        )
        await queue_reply(tx.outbox, "telegram", "101", Reply(long_text, image=CHART), clock.now())
    api.fail_next("sendPhoto", status=502)  # the private chat's text went: it must not go again
    api.fail_next("sendPhoto", status=429, retry_after=3)
    done = await _worker(store, sender, clock, time).run_until_idle()
    assert done == Round(sent=2, retrying=2)
    [photo] = api.drain_messages(-100)
    assert photo["caption"] == "今日进度"
    text, chart = api.drain_messages(101)
    assert text["text"] == long_text
    assert "caption" not in chart
    uploads = [call.files["photo"].data for call in api.calls_of("sendPhoto") if call.status == 200]
    assert uploads == [CHART.content, CHART.content]
    assert len(api.calls_of("sendMessage")) == 1
    assert api.limits is not None
    assert api.limits.refused == 0


async def test_one_private_chat_gets_one_message_a_second(
    api: FakeBotApi, sender: TelegramSender, store: Store, clock: FakeClock, time: VirtualTime
) -> None:
    async with store.transaction() as tx:
        for n in range(5):
            await queue_reply(tx.outbox, "telegram", "101", Reply(f"提醒 {n}"), clock.now())
            await queue_reply(tx.outbox, "telegram", "-5", Reply(f"通报 {n}"), clock.now())
    assert (await _worker(store, sender, clock, time).run_until_idle()).sent == 10
    assert [m["text"] for m in api.drain_messages(101)] == [f"提醒 {n}" for n in range(5)]
    assert [m["text"] for m in api.drain_messages(-5)] == [f"通报 {n}" for n in range(5)]
    assert api.limits is not None
    assert api.limits.refused == 0
    assert time.now() >= 4  # five into one private chat take four seconds at least


@pytest.mark.parametrize(
    ("status", "permanent"), [(403, True), (400, True), (502, False), (500, False)]
)
async def test_telegram_errors_are_told_apart(
    api: FakeBotApi, sender: TelegramSender, status: int, permanent: bool
) -> None:
    api.fail_next("sendMessage", status=status)
    with pytest.raises(DeliveryFailed) as failed:
        await sender.deliver("101", Reply("提醒"))
    assert (failed.value.permanent, failed.value.uncertain) == (permanent, False)


async def test_a_call_never_answered_is_uncertain_one_never_made_is_not() -> None:
    held: list[asyncio.StreamWriter] = []

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)  # takes the request, never answers

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    try:
        for url, uncertain in (
            (f"http://127.0.0.1:{port}/bot", True),
            (f"http://127.0.0.1:{closed}/bot", False),
        ):
            sender = await _sender(url, read_timeout=0.2)
            try:
                with pytest.raises(DeliveryFailed) as failed:
                    await sender.deliver("101", Reply("提醒"))
            finally:
                assert sender.bot is not None
                await sender.bot.request.shutdown()
            assert (failed.value.permanent, failed.value.uncertain) == (False, uncertain)
    finally:
        for writer in held:
            writer.close()
            await writer.wait_closed()
        server.close()
        await server.wait_closed()
