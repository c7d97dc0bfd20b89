"""The console channel: chat with the bot in a terminal as one chosen person."""

from __future__ import annotations

import asyncio
import re
import sys
from typing import TextIO

from handlers.core import Core
from handlers.messages import Actor, Command, Event, Incoming, Location, Photo, Reply, Text
from i18n import Catalog, catalog, language_for
from scheduler.delivery import Pace

__all__ = ["ConsoleChannel", "parse_line", "render"]

_QUIT = "quit"
_LOCATION = re.compile(r"(-?\d+(?:\.\d+)?)\s*[,，\s]\s*(-?\d+(?:\.\d+)?)")


def parse_line(line: str) -> Event | str | None:
    """The event a typed line stands for, None for /quit, or a usage hint's catalog key
    for a malformed /loc or /photo."""
    text = line.strip()
    if not text.startswith("/"):
        return Text(text)
    word, _, args = text[1:].partition(" ")
    name, args = word.lower(), args.strip()
    if name == _QUIT:
        return None
    if name == "loc":
        match = _LOCATION.fullmatch(args)
        if not match:
            return "console.loc_usage"
        latitude, longitude = float(match.group(1)), float(match.group(2))
        if abs(latitude) > 90 or abs(longitude) > 180:
            return "console.loc_usage"
        return Location(latitude, longitude)
    if name == "photo":
        return Photo(file_ref=args) if args else "console.photo_usage"
    return Command(name, args)


def render(reply: Reply, t: Catalog) -> list[str]:
    """A reply as terminal lines: text, choices (numbered where the step allows), hints, menu."""
    lines = reply.text.splitlines() or [""]
    number = 0
    for row in reply.choices:
        if reply.numbered:
            shown = []
            for choice in row:
                number += 1
                shown.append(f"[{number}] {choice.label}")
            lines.append("  ".join(shown))
        else:
            lines.append(" ".join(f"[{choice.label}]" for choice in row))
    if reply.ask_location:
        lines.append(t("console.location_hint"))
    for attachment in (reply.image, reply.document):
        if attachment is not None:
            size = len(attachment.content)
            lines.append(t("console.attachment", filename=attachment.filename, size=size))
    if reply.menu:
        lines.append(
            t("console.menu", items=" | ".join(label for row in reply.menu for label in row))
        )
    return lines


class ConsoleChannel:
    """Reads lines as `actor` and prints the bot's replies; ends at end of input or /quit.

    Input and output default to the process's stdin and stdout at the time of the call.

    When the input is not a terminal (a script piped in), each line is echoed after "> "
    so the output reads as a transcript.
    """

    def __init__(
        self, core: Core, actor: Actor, input: TextIO | None = None, output: TextIO | None = None
    ) -> None:
        self._core = core
        self._actor = actor
        self._input: TextIO = input or sys.stdin
        self._output: TextIO = output or sys.stdout
        self._t = catalog(language_for(actor.language_code, "zh"))
        self._echo = not self._input.isatty()

    def _write(self, lines: list[str]) -> None:
        self._output.write("".join(f"{line}\n" for line in lines))
        self._output.flush()

    async def _read(self) -> str | None:
        """The next non-blank line, stripped; None at end of input."""
        while True:
            if not self._echo:
                self._output.write("> ")
                self._output.flush()
            line = await asyncio.to_thread(self._input.readline)
            if not line:
                if not self._echo:
                    self._write([""])  # end the prompt's line after Ctrl-D
                return None
            if line.strip():
                if self._echo:
                    self._write([f"> {line.strip()}"])
                return line.strip()

    platform = "console"
    per_second = 100.0  # a terminal has no limits worth pacing

    def pace(self, chat_id: str) -> Pace:
        return Pace(100, 1.0)

    async def deliver(self, chat_id: str, reply: Reply) -> None:
        """What the bot sends unprompted (a draft reminder) appears in this terminal; messages
        for other people are shown as such, since a console has no one else to reach."""
        lines = render(reply, self._t)
        if chat_id != self._actor.chat_id:
            lines = [self._t("console.to_other", chat=chat_id), *lines]
        self._write(["", *lines, ""])

    async def run(self) -> None:
        name = self._actor.display_name or self._actor.user_id
        banner = self._t("console.banner", name=name, user=self._actor.user_id)
        self._write([*banner.splitlines(), ""])
        while (line := await self._read()) is not None:
            event = parse_line(line)
            if event is None:
                return
            if isinstance(event, str):
                self._write([self._t(event), ""])
                continue
            for reply in await self._core.handle(Incoming(self._actor, event)):
                self._write([*render(reply, self._t), ""])
