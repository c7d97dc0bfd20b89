"""Fixtures for the WeCom channel end to end: the fake WeCom API, a started channel, a member."""

from __future__ import annotations

import re
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest

from bot.channels.wecom import CALLBACK_PATH, WeComChannel
from bot.channels.wecom_api import WeComApi
from bot.channels.wecom_crypto import WeComCrypto
from bot.channels.wecom_sender import WeComSender
from bot.settings import Settings
from handlers import Core
from tests.channels.wecom import callbacks as cb
from tests.channels.wecom import vectors as v
from tests.channels.wecom.callbacks import CallbackClient, Posted
from tests.conftest import Seeded
from tests.fakes.wecom_api import AGENT_ID, CORP_ID, SECRET, FakeWeComApi
from tests.transcript import FakeClock

__all__ = ["WxChat", "as_wecom", "free_port", "wecom_settings"]

JSON = dict[str, Any]
_BUTTON_ROW = re.compile(r"(\[[^\]]+\] ?)+")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wecom_settings(fake: FakeWeComApi, port: int, **overrides: Any) -> Settings:
    values: JSON = {
        "wecom_corp_id": CORP_ID,
        "wecom_agent_id": AGENT_ID,
        "wecom_secret": SECRET,
        "wecom_token": v.TOKEN,
        "wecom_aes_key": v.AES_KEY,
        "wecom_api_url": fake.url,
        "web_host": "127.0.0.1",
        "web_port": port,
    }
    return Settings(**(values | overrides))


def as_wecom(expected: str, *, numbered: bool = True) -> str:
    """A transcript answer (text, "[a] [b]" button rows, "≡ menu") as WeCom's text shows it.

    WeCom has no reply keyboard, so the menu is not shown; buttons become numbered options
    under the text (a card carries them as buttons too, where WeCom allows).
    """
    lines = expected.split("\n")
    labels: list[str] = []
    while lines and (_BUTTON_ROW.fullmatch(lines[-1]) or lines[-1].startswith(("≡ ", "<"))):
        line = lines.pop()
        if _BUTTON_ROW.fullmatch(line):
            labels[:0] = re.findall(r"\[([^\]]+)\]", line)
    text = "\n".join(lines)
    if not labels:
        return text
    marker = (f"{n}." for n in range(1, len(labels) + 1)) if numbered else ("·" for _ in labels)
    return "\n".join([text, "", *(f"{m} {label}" for m, label in zip(marker, labels, strict=True))])


@pytest.fixture
async def fake(clock: FakeClock) -> AsyncIterator[FakeWeComApi]:
    async with FakeWeComApi(clock=clock) as api:
        yield api


@pytest.fixture
async def wecom_api(fake: FakeWeComApi, clock: FakeClock) -> AsyncIterator[WeComApi]:
    """A started client of the app, on the fake."""
    client = WeComApi(fake.url, corp_id=CORP_ID, secret=SECRET, agent_id=AGENT_ID, clock=clock)
    async with client:
        yield client


@pytest.fixture
def sender(wecom_api: WeComApi) -> WeComSender:
    return WeComSender(wecom_api)


@pytest.fixture
async def wecom(fake: FakeWeComApi, core: Core, clock: FakeClock) -> AsyncIterator[WeComChannel]:
    """The channel on its own listener on 127.0.0.1, sending to the fake, over `core`'s file."""
    channel = WeComChannel(
        wecom_settings(fake, free_port()), core, clock=clock, retry_delays=(0.0, 0.0)
    )
    await channel.start()
    yield channel
    await channel.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def callback_client(
    channel: WeComChannel, clock: FakeClock, session: aiohttp.ClientSession
) -> CallbackClient:
    crypto = WeComCrypto(v.TOKEN, v.AES_KEY, CORP_ID)
    url = f"http://127.0.0.1:{channel.port}{CALLBACK_PATH}"
    return CallbackClient(url, crypto, clock, session)


@dataclass
class WxChat:
    """One member talking to the app: says, presses, reads the new text messages.

    An answer is what one message/send of text showed (text with its numbered options);
    cards are kept to press their buttons. Waiting is exact: the channel is joined, so every
    callback accepted so far has been answered.
    """

    fake: FakeWeComApi
    channel: WeComChannel
    client: CallbackClient
    user: str
    read: int = 0
    cards: list[JSON] = field(default_factory=list)
    last_post: Posted | None = None

    async def say(self, text: str) -> list[str]:
        self.last_post = await self.client.text(self.user, text)
        return await self.answers()

    async def post(self, plain: str) -> list[str]:
        self.last_post = await self.client.post(plain)
        return await self.answers()

    async def press(self, label: str) -> list[str]:
        """Press `label` on the newest card that has it, as WeCom's card callback would."""
        card, key = self.button(label)
        code = self.response_code()
        plain = cb.card_press(self.user, key, card["task_id"], code, self.client.now())
        return await self.post(plain)

    def button(self, label: str) -> tuple[JSON, str]:
        for card in reversed(self.cards):
            for button in card["button_list"]:
                if button["text"] == label:
                    return card, str(button["key"])
        shown = [[b["text"] for b in c["button_list"]] for c in self.cards[-2:]]
        raise AssertionError(f"no card button {label!r} in {shown}")

    def response_code(self) -> str:
        """A response code WeCom issued for this member's cards (the fake keeps them private)."""
        codes = [code for code, user in self.fake._response_codes.items() if user == self.user]
        return codes[-1] if codes else ""

    async def answers(self) -> list[str]:
        await self.channel.join()
        messages = self.fake.messages[self.user][self.read :]
        self.read += len(messages)
        texts: list[str] = []
        for message in messages:
            if message["msgtype"] == "template_card":
                self.cards.append(message["template_card"])
            elif message["msgtype"] == "text":
                texts.append(message["text"]["content"])
            else:
                texts.append(f"<{message['msgtype']}>")
        return texts


async def join_as(
    fake: FakeWeComApi,
    channel: WeComChannel,
    client: CallbackClient,
    user: str,
    name: str,
    code: str,
) -> WxChat:
    chat = WxChat(fake, channel, client, user)
    await chat.say(f"/start {code}")
    await chat.say(name)
    return chat


@pytest.fixture
async def wx_officer(
    fake: FakeWeComApi,
    wecom: WeComChannel,
    clock: FakeClock,
    http: aiohttp.ClientSession,
    seeded: Seeded,
) -> WxChat:
    """王小明 (WeCom userid wangxiaoming), joined through WeCom with the officer invite."""
    client = callback_client(wecom, clock, http)
    return await join_as(fake, wecom, client, "wangxiaoming", "王小明", seeded.officer_invite)
