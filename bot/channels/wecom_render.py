"""Replies as WeCom messages: texts within the byte limits, numbered choices, button cards, files.

Pure: no I/O. `calls` cuts a reply into one Reply per WeCom message, the same way every time
and the same for the app and for a robot; `app_part` and `robot_part` render one of those.
Images and documents come out as parts to upload; wecom_sender.py sends them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from handlers.messages import Choice, Document, Image, Reply

__all__ = [
    "APP_TEXT_BYTES",
    "CARD_MAX_BUTTONS",
    "ROBOT_IMAGE_BYTES",
    "ROBOT_MARKDOWN_BYTES",
    "AppPart",
    "CardPart",
    "FilePart",
    "ImagePart",
    "RobotPart",
    "TextPart",
    "app_part",
    "app_parts",
    "button_card",
    "calls",
    "numbered_text",
    "pressed_name",
    "robot_part",
    "robot_parts",
    "split_bytes",
]

# WeCom counts UTF-8 bytes. App text and app markdown: 2048; robot text 2048, markdown 4096
# (robots are sent markdown).
APP_TEXT_BYTES = 2048
ROBOT_MARKDOWN_BYTES = 4096
ROBOT_IMAGE_BYTES = 2 * 1024 * 1024  # before base64
# template_card (button_interaction): at most 6 buttons, a button's text "no more than 10
# characters", its key at most 1024 bytes; task_id at most 128 bytes of [0-9A-Za-z_-@];
# main_title.title "no more than 36 characters".
CARD_MAX_BUTTONS = 6
_CARD_LABEL_CHARS = 10
_CARD_KEY_BYTES = 1024
_CARD_TITLE_CHARS = 36
_TASK_ID = re.compile(r"[0-9A-Za-z_\-@]{1,128}")
_PRESSED_MARK = "✓ "
# Starts the text of a Reply that is a button card alone, the text after it being the card's
# title. It must survive the outbox's JSON (a deferred card is queued as a Reply), and no
# text the core writes starts with a NUL.
_CARD_ONLY = "\x00card\x00"


@dataclass(frozen=True, slots=True)
class TextPart:
    content: str


@dataclass(frozen=True, slots=True)
class ImagePart:
    image: Image


@dataclass(frozen=True, slots=True)
class FilePart:
    document: Document


@dataclass(frozen=True, slots=True)
class CardPart:
    """A template_card object, ready for message/send."""

    card: dict[str, Any]


AppPart = TextPart | ImagePart | FilePart | CardPart


@dataclass(frozen=True, slots=True)
class RobotPart:
    """A robot message: `markdown` text, or an `image`/`document` still to encode or upload."""

    markdown: str = ""
    image: Image | None = None
    document: Document | None = None


def _size(text: str) -> int:
    return len(text.encode())


def split_bytes(text: str, limit: int) -> list[str]:
    """`text` in parts of at most `limit` UTF-8 bytes, broken after a newline where possible.

    A line that cannot go whole into a part of its own fills the current part and goes on in
    the next, broken between characters (never inside one). Each part keeps its line breaks,
    so the parts joined with "" give back `text`, except that a part of nothing but
    whitespace (a run of it longer than `limit`) is left out: WeCom refuses an empty message.
    """
    if limit < 4:
        raise ValueError("a part must hold at least one character (4 bytes)")
    parts: list[str] = []
    current: list[str] = []
    room = limit
    for line in text.splitlines(keepends=True):
        size = _size(line)
        if size > room and size <= limit and "".join(current).strip():
            parts.append("".join(current))
            current, room = [], limit
        if size <= room:
            current.append(line)
            room -= size
            continue
        for char in line:
            width = _size(char)
            if width > room:
                parts.append("".join(current))
                current, room = [], limit
            current.append(char)
            room -= width
    parts.append("".join(current))
    return [part for part in parts if part.strip()]


def _flat(reply: Reply) -> list[Choice]:
    return [choice for row in reply.choices for choice in row]


def numbered_text(reply: Reply) -> str:
    """The reply's text with its choices under it, numbered where numbers are accepted.

    The core takes a typed number (when `numbered`) or a typed label as a press.
    """
    choices = _flat(reply)
    if not choices:
        return reply.text
    if reply.numbered:
        lines = [f"{number}. {choice.label}" for number, choice in enumerate(choices, 1)]
    else:
        lines = [f"· {choice.label}" for choice in choices]
    return "\n".join([reply.text.rstrip("\n"), "", *lines]) if reply.text else "\n".join(lines)


def _title(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first) <= _CARD_TITLE_CHARS:
        return first
    return first[: _CARD_TITLE_CHARS - 1] + "…"


def _card_only(reply: Reply) -> bool:
    return bool(reply.choices) and reply.text.startswith(_CARD_ONLY)


def _fits_card(choices: list[Choice]) -> bool:
    """WeCom refuses no choices, more than 6, a label over 10 characters, a key over 1024
    bytes, or a repeated key."""
    keys = [choice.data for choice in choices]
    if not choices or len(choices) > CARD_MAX_BUTTONS or len(set(keys)) != len(keys):
        return False
    if any(len(c.label) > _CARD_LABEL_CHARS or not c.label.strip() for c in choices):
        return False
    return all(key and _size(key) <= _CARD_KEY_BYTES for key in keys)


def button_card(reply: Reply, task_id: str) -> dict[str, Any] | None:
    """A button_interaction card with the reply's choices, or None where WeCom would refuse it.

    The numbered text carries the choices regardless.
    """
    if not _TASK_ID.fullmatch(task_id):
        raise ValueError(f"not a WeCom task id: {task_id!r}")
    choices = _flat(reply)
    if not _fits_card(choices):
        return None
    return {
        "card_type": "button_interaction",
        "main_title": {"title": _title(reply.text.removeprefix(_CARD_ONLY)) or choices[0].label},
        "task_id": task_id,
        "button_list": [{"text": c.label, "style": 1, "key": c.data} for c in choices],
    }


def pressed_name(label: str) -> str:
    """The text of a pressed card's greyed-out button: the label, ticked (as on Telegram)."""
    name = label if label.startswith(_PRESSED_MARK) else _PRESSED_MARK + label
    return name[: _CARD_LABEL_CHARS + len(_PRESSED_MARK)]


def calls(reply: Reply, *, robot: bool = False) -> list[Reply]:
    """One Reply per WeCom message, in order: text, image, file, then the button card.

    The card comes last so its buttons sit under everything they belong to; a group robot
    gets no card (nobody can press one there) and its markdown may be twice as long. Each
    part is its own only call (`calls(part, robot=robot) == [part]`), so a part can be sent,
    retried or queued alone and still be exactly one message.
    """
    if _card_only(reply):
        return [] if robot else [Reply(reply.text, reply.choices, reply.numbered)]
    text = numbered_text(replace(reply, text=reply.text.lstrip("\x00")))
    limit = ROBOT_MARKDOWN_BYTES if robot else APP_TEXT_BYTES
    parts = [Reply(part) for part in split_bytes(text, limit)]
    if reply.image is not None:
        parts.append(Reply("", image=reply.image))
    if reply.document is not None:
        parts.append(Reply("", document=reply.document))
    if not robot and _fits_card(_flat(reply)):
        title = _title(reply.text) or _flat(reply)[0].label
        parts.append(Reply(_CARD_ONLY + title, reply.choices, reply.numbered))
    return parts


def app_part(call: Reply, task_id: str) -> AppPart:
    """The app message of one of `calls`' parts. `task_id` must be new for every card the
    app sends (WeCom refuses a repeated one)."""
    if call.image is not None:
        return ImagePart(call.image)
    if call.document is not None:
        return FilePart(call.document)
    card = button_card(call, task_id) if _card_only(call) else None
    if card is not None:
        return CardPart(card)
    return TextPart(call.text)


def app_parts(reply: Reply, task_id: str) -> list[AppPart]:
    """The app messages for one reply, in order (see `calls`)."""
    return [app_part(call, task_id) for call in calls(reply)]


def robot_part(call: Reply) -> RobotPart:
    """The robot message of one of `calls(…, robot=True)`'s parts."""
    if call.image is not None:
        return RobotPart(image=call.image)
    if call.document is not None:
        return RobotPart(document=call.document)
    return RobotPart(markdown=call.text)


def robot_parts(reply: Reply) -> list[RobotPart]:
    """A reply for a group robot: its text as markdown, then its image, then its document."""
    return [robot_part(call) for call in calls(reply, robot=True)]
