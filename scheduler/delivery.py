"""How the outbox hands a message to a channel, and how a channel says it failed."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from handlers.messages import Choice, Document, Image, Reply
from storage.interfaces import OutboxStore

__all__ = [
    "DeliveryFailed",
    "Pace",
    "Sender",
    "Splitter",
    "encode_reply",
    "queue_reply",
    "reply_from_payload",
    "reply_to_payload",
]


class DeliveryFailed(Exception):
    """A send did not go through. `permanent`: never retry (blocked, chat gone).

    `uncertain`: the platform may have taken the message (the answer never came back), so
    it must not be sent again; the outbox records it as such instead.
    `chat_gone`: the chat itself will never take a message again (the bot was removed from the
    group, the robot deleted, the person blocked the bot): not a fault of this one message.
    `moved_to`: the chat lives on under another id (a Telegram group upgraded to a supergroup):
    send there instead.
    """

    def __init__(
        self,
        reason: str,
        *,
        permanent: bool,
        retry_after: float | None = None,
        uncertain: bool = False,
        chat_gone: bool = False,
        moved_to: str | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent or chat_gone
        self.retry_after = retry_after
        self.uncertain = uncertain
        self.chat_gone = chat_gone
        self.moved_to = moved_to


@dataclass(frozen=True, slots=True)
class Pace:
    """How fast one chat may be sent to: at most `count` messages in any `per` seconds."""

    count: int
    per: float


class Sender(Protocol):
    """A channel's way of sending one message to one chat, and the pace its platform allows."""

    platform: str
    per_second: float  # all chats of this platform together

    def pace(self, chat_id: str) -> Pace:
        """The limit for one chat (Telegram: 1/s private, 20/min group; WeCom robot 20/min)."""

    async def deliver(self, chat_id: str, reply: Reply) -> None:
        """Send, or raise DeliveryFailed."""


@runtime_checkable
class Splitter(Protocol):
    """A Sender that can say which platform sends a reply takes, one Reply per send.

    The outbox then sends, paces and records them one by one, so a failure after the first
    resumes with the next instead of sending the first again. Must give the same parts for
    the same reply every time.
    """

    def parts(self, chat_id: str, reply: Reply) -> Sequence[Reply]: ...


def reply_to_payload(reply: Reply) -> dict[str, Any]:
    """A text reply as JSON for the outbox; a reply with files goes through `queue_reply`."""
    if reply.image or reply.document:
        raise ValueError("a reply with an image or a document is queued with queue_reply")
    return encode_reply(reply)[0]


def encode_reply(reply: Reply) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The reply as JSON, and the bytes of its files by SHA-256 (the JSON names them)."""
    blobs: dict[str, bytes] = {}
    payload: dict[str, Any] = {
        "text": reply.text,
        "choices": [[[c.label, c.data] for c in row] for row in reply.choices],
        "numbered": reply.numbered,
        "menu": [list(row) for row in reply.menu] if reply.menu else None,
    }
    if reply.ask_location:
        payload["ask_location"] = reply.ask_location
    for key, file in (("image", reply.image), ("document", reply.document)):
        if file is not None:
            sha = hashlib.sha256(file.content).hexdigest()
            blobs[sha] = file.content
            payload[key] = {"sha256": sha, "filename": file.filename}
    return payload, blobs


def reply_from_payload(payload: dict[str, Any], blobs: Mapping[str, bytes] | None = None) -> Reply:
    """The reply back from its JSON; `blobs` must hold the files it names."""
    files = blobs or {}
    image = payload.get("image")
    document = payload.get("document")
    return Reply(
        text=payload["text"],
        choices=tuple(
            tuple(Choice(label, data) for label, data in row) for row in payload["choices"]
        ),
        numbered=payload["numbered"],
        menu=tuple(tuple(row) for row in payload["menu"]) if payload["menu"] else None,
        ask_location=payload.get("ask_location"),
        image=Image(files[image["sha256"]], image["filename"]) if image else None,
        document=Document(files[document["sha256"]], document["filename"]) if document else None,
    )


async def queue_reply(
    outbox: OutboxStore,
    platform: str,
    chat_id: str,
    reply: Reply,
    due_at: datetime,
    dedup_key: str | None = None,
) -> bool:
    """Queue any reply, files included; False if one with the same dedup key exists."""
    payload, blobs = encode_reply(reply)
    return await outbox.enqueue(platform, chat_id, payload, due_at, dedup_key, blobs=blobs)
