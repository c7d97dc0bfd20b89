"""Telegram and WeCom in one process: one web listener serves WeCom's callback and the
Telegram webhook, and the same person's data answers on both."""

from __future__ import annotations

import aiohttp

from bot.channels.telegram import TelegramChannel
from bot.channels.wecom import WeComChannel
from bot.web import WebListener
from handlers import Core
from tests.channels.conftest import BOT_TOKEN
from tests.channels.wecom.conftest import WxChat, callback_client, free_port, wecom_settings
from tests.conftest import Seeded
from tests.expected import REFUSED
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.telegram_objects import make_chat, make_message, make_user
from tests.fakes.wecom_api import FakeWeComApi
from tests.transcript import FakeClock


async def test_one_listener_serves_both_platforms(
    api: FakeBotApi, fake: FakeWeComApi, core: Core, clock: FakeClock, seeded: Seeded
) -> None:
    port = free_port()
    settings = wecom_settings(fake, port).model_copy(
        update={
            "telegram_bot_token": BOT_TOKEN,
            "telegram_api_url": api.url,
            "telegram_webhook_url": "https://bot.example.org/tg/hook",
            "telegram_webhook_secret": "s3cret",
        }
    )
    listener = WebListener("127.0.0.1", port)
    telegram = TelegramChannel(settings, core, web_app=listener.app)
    wecom = WeComChannel(settings, core, clock=clock, web_app=listener.app)
    await telegram.start()
    await wecom.start()
    await listener.start()
    try:
        [hook] = api.calls_of("setWebhook")
        assert hook.params["url"] == "https://bot.example.org/tg/hook"
        assert listener.port == port
        update = {
            "update_id": 1,
            "message": make_message(1, make_chat(101, None), make_user(101), text="/help"),
        }
        async with aiohttp.ClientSession(f"http://127.0.0.1:{port}") as http:
            wrong = {"X-Telegram-Bot-Api-Secret-Token": "guess"}
            async with http.post("/tg/hook", json=update, headers=wrong) as response:
                assert response.status == 403
            right = {"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
            async with http.post("/tg/hook", json=[1, 2], headers=right) as response:
                assert response.status == 400
            async with http.post("/tg/hook", json=update, headers=right) as response:
                assert response.status == 200
            [answer] = await api.next_messages(101)
            assert answer["text"] == REFUSED

            client = callback_client(wecom, clock, http)
            client.url = f"http://127.0.0.1:{port}/wecom/callback"
            chat = WxChat(fake, wecom, client, "zhangsan")
            assert await chat.say("/help") == [REFUSED]
            joined = await chat.say(seeded.officer_invite)
            assert joined[0].startswith("欢迎加入大走访！")
    finally:
        await listener.stop()
        await wecom.stop()
        await telegram.stop()
