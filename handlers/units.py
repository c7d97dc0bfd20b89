"""Picking a unit in a flow: a few likely ones as buttons, or typed by name or code."""

from __future__ import annotations

from domain.people import Unit
from handlers.context import Ctx
from handlers.flow import Stay
from handlers.messages import Choice, Event, Pressed, Text

__all__ = ["pick_unit", "unit_choices"]

_SHOWN = 8


async def unit_choices(ctx: Ctx) -> list[Choice]:
    """The person's own unit and its parent first, then the rest by code."""
    units = await ctx.tx.directory.units()
    person = ctx.member()
    own = next((u for u in units if u.id == person.unit_id), None)
    first = [u for u in units if own and u.id in (own.id, own.parent_id)]
    rest = [u for u in units if u not in first]
    return [Choice(u.name, f"u{u.id}") for u in (first + rest)[:_SHOWN]]


async def pick_unit(ctx: Ctx, event: Event) -> Unit | Stay:
    """The unit a button or typed text names; several or none matching is said plainly."""
    if isinstance(event, Pressed) and event.data[1:].isdigit():
        unit = await ctx.tx.directory.unit(int(event.data[1:]))
        return unit if unit else Stay(ctx.t("units.none_match"))
    if not isinstance(event, Text):
        return Stay(ctx.t("units.none_match"))
    typed = event.text.strip()
    units = await ctx.tx.directory.units()
    exact = [u for u in units if typed.casefold() in (u.code.casefold(), u.name.casefold())]
    matches = exact or [u for u in units if typed and typed in u.name]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        return Stay(ctx.t("units.none_match"))
    names = "、".join(u.name for u in matches[:_SHOWN])
    return Stay(ctx.t("units.several_match", names=names))
