"""The whole app as `zoufang run` starts it with both platforms configured: both channels
answer, the outbox worker delivers on both, and a stop leaves nothing running."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest

from bot.app import serve
from bot.channels.wecom import CALLBACK_PATH
from bot.channels.wecom_crypto import WeComCrypto
from domain.clock import SystemClock
from handlers.messages import Reply
from scheduler.delivery import queue_reply
from storage import Store
from tests.channels.conftest import BOT_TOKEN, TgChat
from tests.channels.wecom import vectors as v
from tests.channels.wecom.callbacks import CallbackClient
from tests.channels.wecom.conftest import free_port, wecom_settings
from tests.conftest import Seeded
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.wecom_api import CORP_ID, FakeWeComApi


async def test_both_platforms_from_one_configuration(
    api: FakeBotApi,
    fake: FakeWeComApi,
    store: Store,
    seeded: Seeded,
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # no routing or calendar files: the defaults
    port = free_port()
    settings = wecom_settings(fake, port).model_copy(
        update={
            "telegram_bot_token": BOT_TOKEN,
            "telegram_api_url": api.url,
            "database_url": f"sqlite:///{db_path}",
        }
    )
    stop = asyncio.Event()

    async def until_stopped() -> None:
        await stop.wait()

    running = asyncio.create_task(serve(settings, until_stopped()))
    try:
        await api.wait_for_calls("getUpdates")
        officer = TgChat(api, 101)
        assert (await officer.say(f"/start {seeded.officer_invite}"))[0].startswith("欢迎加入")

        async with aiohttp.ClientSession() as http:
            url = f"http://127.0.0.1:{port}{CALLBACK_PATH}"
            client = CallbackClient(
                url, WeComCrypto(v.TOKEN, v.AES_KEY, CORP_ID), SystemClock(), http
            )
            for _ in range(50):  # the listener starts after the channels
                try:
                    posted = await client.text("lisi", "SFJ00001")
                    break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
            assert posted.status == 200
            [welcome] = await fake.wait_messages("lisi", 1)
            assert welcome["text"]["content"].startswith("欢迎加入大走访！")

        async with store.transaction() as tx:  # notices, as a job would queue them
            now = SystemClock().now()
            await queue_reply(tx.outbox, "wecom", "lisi", Reply("通知：明早九点开会"), now)
            await queue_reply(tx.outbox, "telegram", "101", Reply("通知：明早九点开会"), now)
        [_, notice] = await fake.wait_messages("lisi", 2)
        assert notice["text"]["content"] == "通知：明早九点开会"
        assert (await officer.answers())[-1] == "通知：明早九点开会"
    finally:
        stop.set()
        await asyncio.wait_for(running, 10)
    leftover = {t for t in asyncio.all_tasks() if t is not asyncio.current_task()}
    assert leftover == set()
