"""How a spot-checked entry reads: the entry itself, who logged it, and what was decided."""

from __future__ import annotations

from datetime import datetime

from domain.sampling import SpotKind, SpotOutcome
from handlers.context import Ctx
from handlers.messages import Choice, Reply
from storage.spot_records import CaseEntry, SpotCheck, VisitEntry

__all__ = ["OUTCOME_CODES", "check_card", "entry_text", "load_entry", "stamp", "value_text"]

# One letter per outcome in button data: "s:v:12" is 核实无误 for check 12.
OUTCOME_CODES = {
    "v": SpotOutcome.VERIFIED,
    "d": SpotOutcome.DOUBTFUL,
    "r": SpotOutcome.RETURNED,
}

Entry = VisitEntry | CaseEntry


def stamp(ctx: Ctx, moment: datetime) -> str:
    return ctx.local(moment).strftime("%m-%d %H:%M")


async def load_entry(ctx: Ctx, check: SpotCheck) -> Entry | None:
    if check.kind is SpotKind.VISIT:
        return await ctx.tx.spot_checks.visit_entry(check.item_id)
    return await ctx.tx.spot_checks.case_entry(check.item_id)


def value_text(ctx: Ctx, field: str, value: object) -> str:
    """A field's value as shown: target codes by name, nothing as 无."""
    if value is None or value == "":
        return ctx.t("review.none")
    if field == "target":
        return ctx.t(f"target.{value}")
    return str(value)


def entry_text(ctx: Ctx, entry: Entry | None) -> str:
    if entry is None:
        return ctx.t("spot.entry_gone")
    if isinstance(entry, VisitEntry):
        return ctx.t(
            "spot.visit_entry",
            id=entry.id,
            date=entry.visit_date.isoformat(),
            target=ctx.t(f"target.{entry.target}"),
            place=entry.place,
            count=entry.count,
            measure=ctx.t(f"measure.{entry.target}"),
            people=entry.people,
            note=value_text(ctx, "note", entry.note),
        )
    return ctx.t(
        "spot.case_entry",
        number=entry.number,
        kind=ctx.t(f"issue_kind.{entry.kind}"),
        category=ctx.t(f"category.{entry.category}"),
        description=entry.description,
        place=entry.place,
    )


def _decision(ctx: Ctx, check: SpotCheck) -> str:
    assert check.outcome is not None
    assert check.decided_at is not None
    text = ctx.t(
        "spot.decision",
        outcome=ctx.t(f"spot.outcome.{check.outcome.value}"),
        who=check.decided_by_name or ctx.t("ledger.system"),
        at=stamp(ctx, check.decided_at),
    )
    if check.reason:
        text += "\n" + ctx.t("spot.reason", reason=check.reason)
    if check.corrected_at:
        text += "\n" + ctx.t("spot.corrected_at", at=stamp(ctx, check.corrected_at))
    return text


async def check_card(ctx: Ctx, check: SpotCheck, heading: str | None = None) -> Reply:
    """The entry as a coordinator checks it: one-tap outcomes while undecided."""
    lines = [
        heading or ctx.t("spot.card_heading", id=check.id),
        ctx.t(
            "spot.logged_by",
            unit=check.unit_name,
            person=check.person_name,
            day=check.work_day.isoformat(),
        ),
        entry_text(ctx, await load_entry(ctx, check)),
    ]
    if check.outcome is not None:
        lines.append(_decision(ctx, check))
        return Reply("\n".join(lines))
    buttons = tuple(
        Choice(ctx.t(f"spot.outcome.{outcome.value}"), f"s:{code}:{check.id}")
        for code, outcome in OUTCOME_CODES.items()
    )
    return Reply("\n".join(lines), choices=(buttons,))
