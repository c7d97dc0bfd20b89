"""How the outbox hands a message to a channel, and how a channel says it failed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from handlers.messages import Choice, Reply

__all__ = ["DeliveryFailed", "Pace", "Sender", "reply_from_payload", "reply_to_payload"]


class DeliveryFailed(Exception):
    """A send did not go through. `permanent`: never retry (blocked, chat gone)."""

    def __init__(self, reason: str, *, permanent: bool, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.retry_after = retry_after


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


def reply_to_payload(reply: Reply) -> dict[str, Any]:
    """A text reply as JSON for the outbox (images and documents travel by another path)."""
    if reply.image or reply.document:
        raise ValueError("the outbox carries text messages only")
    return {
        "text": reply.text,
        "choices": [[[c.label, c.data] for c in row] for row in reply.choices],
        "numbered": reply.numbered,
        "menu": [list(row) for row in reply.menu] if reply.menu else None,
    }


def reply_from_payload(payload: dict[str, Any]) -> Reply:
    return Reply(
        text=payload["text"],
        choices=tuple(
            tuple(Choice(label, data) for label, data in row) for row in payload["choices"]
        ),
        numbered=payload["numbered"],
        menu=tuple(tuple(row) for row in payload["menu"]) if payload["menu"] else None,
    )
