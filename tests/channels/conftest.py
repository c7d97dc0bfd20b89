"""Fixtures for the Telegram channel end to end: the fake Bot API, a started channel, a person."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from bot.channels.telegram import TelegramChannel
from bot.settings import Settings
from handlers import Core
from tests.conftest import Seeded
from tests.fakes.bot_api import Call, FakeBotApi

__all__ = ["BOT_TOKEN", "TgChat", "query", "settings_for"]

JSONDict = dict[str, Any]
BOT_TOKEN = "1000:AAHfakeTokenForTheFakeBotApi"
_SENDS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})


@pytest.fixture
async def api(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeBotApi]:
    # PTB 22 warns each time it builds a RetryAfter (every 429) unless durations are
    # timedeltas, the only form from PTB 23 on; the channel reads either form.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    async with FakeBotApi(token=BOT_TOKEN) as fake:
        yield fake


def settings_for(api: FakeBotApi, **overrides: Any) -> Settings:
    return Settings(telegram_bot_token=BOT_TOKEN, telegram_api_url=api.url, **overrides)


@pytest.fixture
async def channel(api: FakeBotApi, core: Core) -> AsyncIterator[TelegramChannel]:
    """The real PTB application, long-polling the fake, over the SQLite file of `core`."""
    started = TelegramChannel(settings_for(api), core)
    await started.start()
    yield started
    await started.stop()


async def query(db_path: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows straight from the database file, as another process would see them."""
    async with aiosqlite.connect(db_path) as db, db.execute(sql) as cursor:
        return [tuple(row) for row in await cursor.fetchall()]


@dataclass
class TgChat:
    """One person in a private chat with the bot: says, presses, reads the answers as text.

    An answer reads like tests/transcript.py: the text, a line per row of inline buttons
    ("[住户] [企业]"), then the reply keyboard as "≡ a b | c d" (a location button as <label>).
    Waiting is event-based: the fake wakes us when the bot sends.
    """

    api: FakeBotApi
    user_id: int
    name: str = "王小明"
    language: str = "zh-hans"
    last: list[JSONDict] = field(default_factory=list)

    async def say(self, text: str, answers: int = 1) -> list[str]:
        self.api.push_text(self.user_id, text, first_name=self.name, language_code=self.language)
        return await self.answers(answers)

    async def press(self, label: str, answers: int = 1, *, on: JSONDict | None = None) -> list[str]:
        """Press the button `label` on `on` (default: among the bot's last answers)."""
        message, data = self.button(label, on)
        self.api.push_callback(self.user_id, data, message=message)
        return await self.answers(answers)

    def button(self, label: str, on: JSONDict | None = None) -> tuple[JSONDict, str]:
        for message in [on] if on else reversed(self.last):
            for row in message.get("reply_markup", {}).get("inline_keyboard", []):
                for button in row:
                    if button["text"] == label:
                        return message, str(button["callback_data"])
        raise AssertionError(f"no button {label!r} in {[self.render(m) for m in self.last]}")

    async def answers(self, count: int = 1) -> list[str]:
        """The bot's next `count` new messages here; edits of older ones are passed over."""
        got: list[JSONDict] = []
        while len(got) < count:
            [message] = await self.api.next_messages(self.user_id)
            if "edit_date" not in message:
                got.append(message)
        self.last = got
        return [self.render(message) for message in got]

    async def edit(self) -> JSONDict:
        """The next edit of an earlier message (the mark left on a pressed button)."""
        while "edit_date" not in (message := await self.api.wait_for_message(self.user_id)):
            pass
        return message

    def sent_with(self, message: JSONDict) -> Call:
        """The Bot API call that sent `message`: the fake keeps no reply keyboards on messages."""
        sent = [m for m in self.api.sent_to(self.user_id) if "edit_date" not in m]
        calls = [
            call
            for call in self.api.calls
            if call.method in _SENDS
            and call.status == 200
            and call.params.get("chat_id") == self.user_id
        ]
        index = [m["message_id"] for m in sent].index(message["message_id"])
        return calls[index]

    def render(self, message: JSONDict) -> str:
        lines = [message.get("text") or message.get("caption") or ""]
        for row in message.get("reply_markup", {}).get("inline_keyboard", []):
            lines.append(" ".join(f"[{button['text']}]" for button in row))
        keyboard = self.sent_with(message).params.get("reply_markup", {}).get("keyboard")
        if keyboard:
            rows = [
                " ".join(f"<{b['text']}>" if b.get("request_location") else b["text"] for b in row)
                for row in keyboard
            ]
            lines.append("≡ " + " | ".join(rows))
        return "\n".join(lines)


@pytest.fixture
async def tg_officer(api: FakeBotApi, channel: TelegramChannel, seeded: Seeded) -> TgChat:
    """王小明, joined through Telegram with the officer invite."""
    chat = TgChat(api, 101)
    await chat.say(f"/start {seeded.officer_invite}")
    await chat.press("王小明")
    return chat
