"""Reading typed answers: counts, free text, and what to say when the input is the wrong kind."""

from __future__ import annotations

import re
import unicodedata

from domain.numerals import parse_count
from handlers.context import Ctx
from handlers.flow import Stay
from handlers.messages import Event, Text, Unsupported

__all__ = ["read_count", "read_text", "wrong_kind"]

# A count may be typed with its measure word: "15户", "40 人", "二十份".
_MEASURE_SUFFIX = re.compile(r"\s*(户|家|所|个|人次|人|份|条|张|名|位|次)$")


def wrong_kind(ctx: Ctx, event: Event, expected: str) -> Stay:
    """The person sent a sticker, photo, file … where `expected` (a catalog key) was asked."""
    what = event.what if isinstance(event, Unsupported) else type(event).__name__.lower()
    return Stay(
        ctx.t("input.wrong_kind", what=ctx.t(f"input.kind.{what}"), expected=ctx.t(expected))
    )


def read_count(ctx: Ctx, event: Event, maximum: int) -> int | Stay:
    if not isinstance(event, Text):
        return wrong_kind(ctx, event, "input.expect_number")
    typed = unicodedata.normalize("NFKC", event.text).strip()
    value = parse_count(_MEASURE_SUFFIX.sub("", typed))
    if value is None:
        return Stay(ctx.t("input.not_a_count", maximum=maximum))
    if value > maximum:
        return Stay(ctx.t("input.count_too_big", maximum=maximum))
    return value


def read_text(ctx: Ctx, event: Event, limit: int, *, minimum: int = 1) -> str | Stay:
    """Free text, cleaned of control characters and runs of blanks, within length limits."""
    if not isinstance(event, Text):
        return wrong_kind(ctx, event, "input.expect_text")
    printable = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in event.text
    )
    text = re.sub(r"\s+", " ", printable).strip()
    if not any(ch.isalnum() for ch in text):
        return Stay(ctx.t("input.text_empty"))
    if len(text) < minimum:
        return Stay(ctx.t("input.text_too_short", minimum=minimum))
    if len(text) > limit:
        return Stay(ctx.t("input.text_too_long", limit=limit, length=len(text)))
    return text
