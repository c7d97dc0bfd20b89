"""The neutral message model: what a channel hands the core and what it gets back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "Actor",
    "Choice",
    "Command",
    "Document",
    "Event",
    "Image",
    "Incoming",
    "Location",
    "Photo",
    "Pressed",
    "Reply",
    "Text",
    "Unsupported",
]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who wrote, as the platform knows them."""

    platform: str  # "telegram", "wecom", "console"
    user_id: str
    chat_id: str
    display_name: str = ""
    language_code: str | None = None
    private: bool = True


@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class Command:
    """A slash command; `name` is lower-case without the slash or @botname."""

    name: str
    args: str = ""


@dataclass(frozen=True, slots=True)
class Pressed:
    """A choice button pressed; `data` is the `Choice.data` it carried."""

    data: str


@dataclass(frozen=True, slots=True)
class Location:
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Photo:
    """A photo as a platform reference (Telegram file_id, WeCom MediaId)."""

    file_ref: str


@dataclass(frozen=True, slots=True)
class Unsupported:
    """Anything the core cannot take: a sticker, voice note, file, …"""

    what: Literal["sticker", "voice", "audio", "video", "document", "contact", "other"]


Event = Text | Command | Pressed | Location | Photo | Unsupported


@dataclass(frozen=True, slots=True)
class Incoming:
    """One thing a person did, with the platform's key for it (for de-duplication)."""

    actor: Actor
    event: Event
    update_key: str | None = None


@dataclass(frozen=True, slots=True)
class Choice:
    label: str
    data: str


@dataclass(frozen=True, slots=True)
class Image:
    content: bytes
    filename: str = "image.png"


@dataclass(frozen=True, slots=True)
class Document:
    content: bytes
    filename: str


@dataclass(frozen=True, slots=True)
class Reply:
    """One message from the bot.

    `choices` are rows of buttons. `numbered` says a channel without buttons may
    offer them as numbers (off where the step itself expects a number).
    `menu` is the persistent main menu (rows of labels) to show under the input.
    `ask_location` adds a one-tap "send my location" button with that label.
    """

    text: str
    choices: tuple[tuple[Choice, ...], ...] = ()
    numbered: bool = True
    menu: tuple[tuple[str, ...], ...] | None = None
    ask_location: str | None = None
    image: Image | None = None
    document: Document | None = None
