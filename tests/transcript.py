"""Transcript testing: say something as a person, get the bot's answers as plain text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from handlers.core import Core
from handlers.messages import Actor, Command, Event, Incoming, Pressed, Reply, Text

__all__ = ["Chat", "FakeClock", "Links", "render"]


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def now(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


def start_of_test() -> datetime:
    """Wednesday 2026-11-25, 10:00 in Shanghai."""
    return datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


class Links:
    def invite_link(self, platform: str, code: str) -> str | None:
        return f"https://t.me/zoufang_test_bot?start={code}" if platform == "telegram" else None


def render(reply: Reply) -> str:
    """A reply as the person would see it: text, then a line per row of buttons."""
    lines = [reply.text]
    lines += [" ".join(f"[{choice.label}]" for choice in row) for row in reply.choices]
    if reply.ask_location:
        lines.append(f"<{reply.ask_location}>")
    if reply.menu:
        lines.append("≡ " + " | ".join(" ".join(row) for row in reply.menu))
    return "\n".join(lines)


@dataclass
class Chat:
    """One person talking to the core; remembers the buttons last shown to press them."""

    core: Core
    actor: Actor
    last: list[Reply] = field(default_factory=list)
    _updates: int = 0

    async def send(self, event: Event, *, update_key: str | None = None) -> list[str]:
        self.last = await self.core.handle(Incoming(self.actor, event, update_key))
        return [render(reply) for reply in self.last]

    async def say(self, text: str) -> list[str]:
        if text.startswith("/"):
            name, _, args = text[1:].partition(" ")
            return await self.send(Command(name.lower(), args))
        return await self.send(Text(text))

    def button(self, label: str) -> str:
        for reply in reversed(self.last):
            for row in reply.choices:
                for choice in row:
                    if choice.label == label:
                        return choice.data
        shown = [c.label for r in self.last for row in r.choices for c in row]
        raise AssertionError(f"no button {label!r} among {shown}")

    async def press(self, label: str) -> list[str]:
        return await self.send(Pressed(self.button(label)))
