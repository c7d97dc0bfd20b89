"""Replies as WeCom messages: texts within the byte limits, numbered choices, button cards, files.

Pure: no I/O. Images and documents come out as parts to upload; wecom_sender.py sends them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from handlers.messages import Choice, Document, Image, Reply

__all__ = [
    "APP_TEXT_BYTES",
    "CARD_MAX_BUTTONS",
    "ROBOT_IMAGE_BYTES",
    "ROBOT_MARKDOWN_BYTES",
    "ROBOT_TEXT_BYTES",
    "AppPart",
    "CardPart",
    "FilePart",
    "ImagePart",
    "RobotPart",
    "TextPart",
    "app_parts",
    "button_card",
    "numbered_text",
    "pressed_name",
    "robot_markdown",
    "robot_parts",
    "split_bytes",
]

# WeCom counts UTF-8 bytes. App text and app markdown: 2048; robot text 2048, markdown 4096.
APP_TEXT_BYTES = 2048
ROBOT_TEXT_BYTES = 2048
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


def button_card(reply: Reply, task_id: str) -> dict[str, Any] | None:
    """A button_interaction card with the reply's choices, or None where WeCom would refuse it.

    Refused: no choices, more than 6, a label over 10 characters, a key over 1024 bytes, or a
    repeated key (WeCom wants them unique). The numbered text carries the choices regardless.
    """
    if not _TASK_ID.fullmatch(task_id):
        raise ValueError(f"not a WeCom task id: {task_id!r}")
    choices = _flat(reply)
    keys = [choice.data for choice in choices]
    if not choices or len(choices) > CARD_MAX_BUTTONS or len(set(keys)) != len(keys):
        return None
    if any(len(c.label) > _CARD_LABEL_CHARS or not c.label.strip() for c in choices):
        return None
    if any(not key or _size(key) > _CARD_KEY_BYTES for key in keys):
        return None
    return {
        "card_type": "button_interaction",
        "main_title": {"title": _title(reply.text) or choices[0].label},
        "task_id": task_id,
        "button_list": [{"text": c.label, "style": 1, "key": c.data} for c in choices],
    }


def pressed_name(label: str) -> str:
    """The text of a pressed card's greyed-out button: the label, ticked (as on Telegram)."""
    name = label if label.startswith(_PRESSED_MARK) else _PRESSED_MARK + label
    return name[: _CARD_LABEL_CHARS + len(_PRESSED_MARK)]


def app_parts(reply: Reply, task_id: str) -> list[AppPart]:
    """The app messages for one reply, in order: text, image, file, then the button card.

    The card comes last so its buttons sit under everything they belong to. `task_id` must be
    new for every card the app sends (WeCom refuses a repeated one).
    """
    parts: list[AppPart] = [TextPart(p) for p in split_bytes(numbered_text(reply), APP_TEXT_BYTES)]
    if reply.image is not None:
        parts.append(ImagePart(reply.image))
    if reply.document is not None:
        parts.append(FilePart(reply.document))
    card = button_card(reply, task_id)
    if card is not None:
        parts.append(CardPart(card))
    return parts


def robot_markdown(text: str) -> list[str]:
    """A bulletin (WeCom markdown) as robot messages of at most 4096 bytes each."""
    return split_bytes(text, ROBOT_MARKDOWN_BYTES)


def robot_parts(reply: Reply) -> list[RobotPart]:
    """A reply for a group robot: its text as markdown, then its image, then its document.

    Groups cannot answer a robot, so choices are not shown.
    """
    parts = [RobotPart(markdown=part) for part in robot_markdown(reply.text)]
    if reply.image is not None:
        parts.append(RobotPart(image=reply.image))
    if reply.document is not None:
        parts.append(RobotPart(document=reply.document))
    return parts
