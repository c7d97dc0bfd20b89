"""Typing a button's label, or its number where numbers are offered, counts as pressing it.

This is what makes the flows work on channels without buttons (the console, WeCom text),
and on Telegram when someone types "确认" instead of tapping "✅ 确认".
"""

from __future__ import annotations

import unicodedata

from handlers.messages import Event, Pressed, Reply, Text
from storage.records import Shown

__all__ = ["label_key", "shown_in", "typed_choice"]


def label_key(label: str) -> str:
    """A label reduced to its letters and digits: emoji, marks and spaces don't count."""
    folded = unicodedata.normalize("NFKC", label).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def typed_choice(shown: Shown | None, event: Event) -> Event:
    if shown is None or not isinstance(event, Text):
        return event
    typed = label_key(event.text)
    if not typed:
        return event
    for label, data in shown.choices:
        if label_key(label) == typed:
            return Pressed(data)
    number = event.text.strip()
    if shown.numbered and number.isdigit() and 1 <= int(number) <= len(shown.choices):
        return Pressed(shown.choices[int(number) - 1][1])
    return event


def shown_in(replies: list[Reply]) -> Shown | None:
    """The buttons a person is looking at after these replies: those of the last with any."""
    for reply in reversed(replies):
        if reply.choices:
            flat = tuple((c.label, c.data) for row in reply.choices for c in row)
            return Shown(flat, reply.numbered)
    return None
