"""Translating for Telegram: messages into events, replies into sends (plain text, one keyboard)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

import aiohttp
import httpx
from telegram import (
    Bot,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    MessageEntity,
    ReplyKeyboardMarkup,
    User,
)
from telegram.constants import ChatType
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from handlers.messages import (
    Actor,
    Command,
    Document,
    Event,
    Image,
    Location,
    Photo,
    Reply,
    Text,
    Unsupported,
)
from scheduler.delivery import DeliveryFailed, Pace

__all__ = [
    "MAX_TEXT",
    "Outgoing",
    "TelegramSender",
    "actor_of",
    "command_of",
    "event_of",
    "flood_seconds",
    "markup_for",
    "outgoing",
    "pressed_markup",
    "send",
    "split_text",
]

# Telegram's limits, counted in UTF-16 code units (an emoji outside the BMP counts twice).
MAX_TEXT = 4096
_MAX_CAPTION = 1024
_PRESSED_MARK = "✓ "
_PRIVATE_PACE = Pace(1, 1.0)
_GROUP_PACE = Pace(20, 60.0)

_Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup

_Kind = Literal["sticker", "voice", "audio", "video", "document", "contact", "other"]
# Checked in order: a GIF also carries `document`, so `animation` comes before it.
_UNSUPPORTED: tuple[tuple[str, _Kind], ...] = (
    ("sticker", "sticker"), ("voice", "voice"), ("audio", "audio"), ("video", "video"),
    ("video_note", "video"), ("animation", "video"), ("document", "document"),
    ("contact", "contact"), ("poll", "other"), ("dice", "other"), ("game", "other"),
    ("story", "other"), ("invoice", "other"), ("paid_media", "other"),
)  # fmt: skip


# Telegram → events ──────────────────────────────────────────────────────────


def command_of(message: Message) -> tuple[Command, str] | None:
    """A leading /command, and the bot it names after "@" ("" when none)."""
    entity = message.entities[0] if message.entities else None
    if message.text is None or entity is None:
        return None
    if entity.type != MessageEntity.BOT_COMMAND or entity.offset != 0:
        return None
    word = message.parse_entity(entity)
    name, _, target = word[1:].partition("@")
    return Command(name.lower(), message.text[len(word) :].strip()), target


def event_of(message: Message) -> Event | None:
    """What the person sent, or None for a service message (a pin, a timer change, …)."""
    if message.text is not None:
        command = command_of(message)
        return command[0] if command else Text(message.text)
    if message.location is not None:  # a venue carries its location too
        return Location(message.location.latitude, message.location.longitude)
    if message.photo:
        return Photo(max(message.photo, key=lambda size: size.width * size.height).file_id)
    for attribute, what in _UNSUPPORTED:
        if getattr(message, attribute, None):
            return Unsupported(what)
    return None


def actor_of(user: User, chat: Chat) -> Actor:
    private = chat.type == ChatType.PRIVATE
    return Actor(
        "telegram", str(user.id), str(chat.id), user.full_name, user.language_code, private
    )


# replies → Telegram ─────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One Bot API send: a text, or a photo/document with an optional caption."""

    text: str
    markup: _Markup | None = None
    image: Image | None = None
    document: Document | None = None


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cut(line: str, limit: int) -> list[str]:
    """A line too long for one message, in pieces by code point (never inside a character)."""
    pieces: list[str] = []
    piece: list[str] = []
    size = 0
    for ch in line:
        width = 2 if ord(ch) > 0xFFFF else 1
        if size + width > limit:
            pieces.append("".join(piece))
            piece, size = [], 0
        piece.append(ch)
        size += width
    pieces.append("".join(piece))
    return pieces


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """`text` in messages of at most `limit`, broken between lines where possible.

    Blank parts are dropped: Telegram refuses a message with nothing but whitespace.
    """
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        for piece in _cut(line, limit) if _units(line) > limit else [line]:
            extra = _units(piece) + (1 if current else 0)  # +1 for the joining newline
            if current and size + extra > limit:
                chunks.append("\n".join(current))
                current, size, extra = [], 0, _units(piece)
            current.append(piece)
            size += extra
    if current:
        chunks.append("\n".join(current))
    return [chunk for chunk in chunks if chunk.strip()]


def markup_for(reply: Reply) -> _Markup | None:
    """The one keyboard a Telegram message may carry, by what the reply needs most.

    A location request needs a reply keyboard (only those can ask for a location), so the
    step's choices become plain buttons beside it; the core maps a typed label to its choice.
    Otherwise inline choices beat the menu: they answer this message, the menu stays from before.
    """
    if reply.ask_location:
        rows = [[KeyboardButton(reply.ask_location, request_location=True)]]
        rows += [[KeyboardButton(choice.label) for choice in row] for row in reply.choices]
        return ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)
    if reply.choices:
        return InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(choice.label, callback_data=choice.data) for choice in row]
                for row in reply.choices
            ]
        )
    if reply.menu:
        return ReplyKeyboardMarkup(
            [[KeyboardButton(label) for label in row] for row in reply.menu],
            resize_keyboard=True,
            is_persistent=True,
        )
    return None


def outgoing(reply: Reply) -> list[Outgoing]:
    """The sends for one reply; its keyboard goes on the last, under everything it belongs to."""
    files = [Outgoing("", image=reply.image)] if reply.image else []
    files += [Outgoing("", document=reply.document)] if reply.document else []
    fits_caption = bool(reply.text.strip()) and _units(reply.text) <= _MAX_CAPTION
    if files and fits_caption:
        files[0] = Outgoing(reply.text, image=files[0].image, document=files[0].document)
        sends = files
    else:
        sends = [Outgoing(part) for part in split_text(reply.text)] + files
    if not sends:
        return []
    last = sends[-1]
    return [*sends[:-1], Outgoing(last.text, markup_for(reply), last.image, last.document)]


async def send(bot: Bot, chat_id: int, part: Outgoing) -> Message:
    """One send, never with a parse mode: what people typed must not turn into markup."""
    caption = part.text or None
    if part.image is not None:
        return await bot.send_photo(
            chat_id,
            part.image.content,
            caption=caption,
            filename=part.image.filename,
            reply_markup=part.markup,
        )
    if part.document is not None:
        return await bot.send_document(
            chat_id,
            part.document.content,
            caption=caption,
            filename=part.document.filename,
            reply_markup=part.markup,
        )
    return await bot.send_message(chat_id, part.text, reply_markup=part.markup)


def pressed_markup(pressed: InlineKeyboardMarkup | None, data: str) -> InlineKeyboardMarkup | None:
    """The keyboard of a message once a button on it was acted on: only that button, ticked.

    The chat history then shows what was chosen, and the other, now stale, buttons are gone.
    The ticked button keeps its data: pressing it again only makes the core say what became
    of it. None (no keyboard) when the pressed button is not on the message any more.
    """
    for row in pressed.inline_keyboard if pressed else ():
        for button in row:
            if button.callback_data == data:
                label = button.text
                label = label if label.startswith(_PRESSED_MARK) else _PRESSED_MARK + label
                return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)]])
    return None


def flood_seconds(flood: RetryAfter) -> float:
    # An int unless PTB_TIMEDELTA is set (PTB 23 makes timedelta the only form).
    wait = flood.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


def _maybe_taken(cause: BaseException | None) -> bool:
    """The call went out and its answer never came (a read timeout, a dropped connection)."""
    not_sent = (
        aiohttp.ClientConnectorError
        | aiohttp.ConnectionTimeoutError
        | httpx.ConnectError
        | httpx.ConnectTimeout
        | httpx.PoolTimeout
    )
    transport = aiohttp.ClientError | httpx.TransportError | TimeoutError | OSError
    return isinstance(cause, transport) and not isinstance(cause, not_sent)


_CHAT_NOT_FOUND = "chat not found"


def _failure(error: TelegramError) -> DeliveryFailed:
    """A failed send as the outbox understands it: retry later, never, or not again."""
    reason = f"{type(error).__name__}: {error.message}"
    if isinstance(error, RetryAfter):
        return DeliveryFailed(reason, permanent=False, retry_after=flood_seconds(error))
    # Blocked, deactivated or kicked, or the chat no longer exists: nothing will get there.
    if isinstance(error, Forbidden) or _CHAT_NOT_FOUND in error.message.lower():
        return DeliveryFailed(reason, permanent=True, chat_gone=True)
    if isinstance(error, ChatMigrated):
        return DeliveryFailed(reason, permanent=False, moved_to=str(error.new_chat_id))
    # The request itself refused ("not enough rights", a message too long): the same send
    # gets the same answer, but the chat is still there.
    if isinstance(error, BadRequest):
        return DeliveryFailed(reason, permanent=True)
    if isinstance(error, TimedOut | NetworkError) and _maybe_taken(error.__cause__):
        return DeliveryFailed(reason, permanent=False, uncertain=True)
    # An error status (5xx), a call that never left, a conflict or a bad token: not the
    # message's fault, and Telegram did not take it.
    return DeliveryFailed(reason, permanent=False)


class TelegramSender:
    """Delivers the outbox's messages (reminders, notices, bulletins) while the channel runs.

    Telegram's limits: about 30 messages a second in all, one a second into a private chat,
    20 a minute into a group (a chat id starting with "-").
    """

    platform: str = "telegram"
    per_second: float = 30.0

    def __init__(self) -> None:
        self.bot: Bot | None = None  # set by the channel between start and stop

    def pace(self, chat_id: str) -> Pace:
        return _GROUP_PACE if chat_id.startswith("-") else _PRIVATE_PACE

    def parts(self, chat_id: str, reply: Reply) -> list[Reply]:
        """One reply per Bot API send, so the outbox can pace and record each."""
        sends = outgoing(reply)
        last = len(sends) - 1
        return [
            Reply(
                part.text,
                choices=reply.choices if i == last else (),
                numbered=reply.numbered,
                menu=reply.menu if i == last else None,
                ask_location=reply.ask_location if i == last else None,
                image=part.image,
                document=part.document,
            )
            for i, part in enumerate(sends)
        ]

    async def deliver(self, chat_id: str, reply: Reply) -> None:
        if self.bot is None:
            raise DeliveryFailed("the Telegram channel is not running", permanent=False)
        if not chat_id.lstrip("-").isdigit():
            raise DeliveryFailed(f"not a Telegram chat id: {chat_id!r}", permanent=True)
        try:
            for part in outgoing(reply):
                await send(self.bot, int(chat_id), part)
        except TelegramError as error:
            raise _failure(error) from error
