"""The visit transcript each simulated officer repeats: six updates, and what answers each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["PLACES", "Step", "visit_steps"]

# An officer goes round a few places, as in the field; the echo bot gets the very same texts.
PLACES = ("珍珠园五村", "湖东路小区", "雨山经济开发区")


@dataclass(frozen=True, slots=True)
class Step:
    """One update an officer sends, and how each message of the bot's answer must begin."""

    kind: Literal["text", "press"]
    value: str  # the text typed, or the label of the button pressed
    expect: tuple[str, ...]  # one prefix per message the answer is made of

    @property
    def last(self) -> bool:
        return self.value == "✅ 确认"


def visit_steps(place: str, *, echo: bool) -> tuple[Step, ...]:
    """/visit → 住户 → place → 15 → 40 → ✅ 确认, as in tests/handlers/test_visit_flow.py.

    The echo bot answers every update with one message repeating it; the visit bots answer
    with the flow's questions, and with two messages (saved, "any problem?") on confirming.
    """
    said: tuple[tuple[Literal["text", "press"], str, tuple[str, ...]], ...] = (
        ("text", "/visit", ("走访的是哪类对象？",)),
        ("press", "住户", ("走访地点在哪里？",)),
        ("text", place, ("走访了多少户住户？",)),
        ("text", "15", ("覆盖多少人？",)),
        ("text", "40", ("请核对走访登记：",)),
        ("press", "✅ 确认", ("✅ 走访已登记（记录 #", "走访中群众反映了问题吗？")),
    )
    return tuple(Step(kind, value, (value,) if echo else expect) for kind, value, expect in said)
