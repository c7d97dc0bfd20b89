"""The case-action flow: asks for what an action needs (unit, deadline, reason, note …), then acts.

Started from a card's button (one case) or `/assign N1 N2 …` (several). Proposals come
first as buttons: the routing rules' unit and the working-day deadline for the urgency.
The diagram is in case_action.mmd.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field

from domain.case_flow import (
    MAX_TEXT,
    TRANSITIONS,
    Action,
    ActionRequest,
    ContactMethod,
    Need,
    ProgressTag,
    Satisfaction,
)
from domain.cases import Category, IssueKind, Urgency
from domain.dates import DateError, parse_deadline
from handlers.case_apply import act
from handlers.context import Ctx
from handlers.flow import Flow, Go, Stay, Step, choice_rows
from handlers.inputs import read_text
from handlers.messages import Choice, Event, Pressed, Reply
from handlers.units import pick_unit, unit_choices

__all__ = ["CASE_ACTION", "CaseDraft", "CaseStep", "needs_input"]


class CaseStep(StrEnum):
    UNIT = "unit"
    DEADLINE = "deadline"
    REASON = "reason"
    TAG = "tag"
    NOTE = "note"
    RESOLUTION = "resolution"
    CONTACT = "contact"
    RESPONSE = "response"
    SATISFACTION = "satisfaction"


_STEPS_FOR_NEED = {
    Need.UNIT: (CaseStep.UNIT,),
    Need.NEW_UNIT: (CaseStep.UNIT,),
    Need.DEADLINE: (CaseStep.DEADLINE,),
    Need.REASON: (CaseStep.REASON,),
    Need.TAG: (CaseStep.TAG,),
    Need.NOTE: (CaseStep.NOTE,),
    Need.RESOLUTION: (CaseStep.RESOLUTION,),
    Need.FOLLOWUP: (CaseStep.CONTACT, CaseStep.RESPONSE, CaseStep.SATISFACTION),
}


def _needs(action: Action) -> tuple[Need, ...]:
    return next(rule.needs for (_, a), rule in TRANSITIONS.items() if a is action)


def needs_input(action: Action) -> bool:
    return bool(_needs(action))


class CaseDraft(BaseModel):
    case_ids: list[int] = Field(default_factory=list)
    versions: list[int] = Field(default_factory=list)
    action: Action = Action.ASSIGN
    unit_id: int | None = None
    deadline: date | None = None
    reason: str | None = None
    tag: ProgressTag | None = None
    note: str | None = None
    resolution: str | None = None
    contact: ContactMethod | None = None
    response: str | None = None
    satisfaction: Satisfaction | None = None


def _missing(d: CaseDraft) -> CaseStep | None:
    steps = [step for need in _needs(d.action) for step in _STEPS_FOR_NEED[need]]
    # the tag is asked before the note it belongs to
    steps.sort(key=list(CaseStep).index)
    return next((step for step in steps if getattr(d, _field(step)) is None), None)


def _field(step: CaseStep) -> str:
    return "unit_id" if step is CaseStep.UNIT else step.value


async def _proceed(ctx: Ctx, d: CaseDraft) -> Go:
    step = _missing(d)
    if step is not None:
        return Go(step)
    request = ActionRequest(
        unit_id=d.unit_id,
        deadline=d.deadline,
        reason=d.reason,
        note=d.note,
        tag=d.tag,
        resolution=d.resolution,
        contact=d.contact,
        response=d.response,
        satisfaction=d.satisfaction,
    )
    replies: list[Reply] = []
    for case_id, version in zip(d.case_ids, d.versions, strict=True):
        replies += await act(ctx, case_id, version, d.action, request)
    return Go(None, tuple(replies))


async def _begin(ctx: Ctx, args: str, d: CaseDraft) -> Go:
    """`args`: "ACTION ID:VERSION ID:VERSION …", optionally "tag=TAG" (a one-tap answer)."""
    action, *cases = args.split()
    d.action = Action(action)
    for case in cases:
        if case.startswith("tag="):
            d.tag = ProgressTag(case[4:])
            continue
        case_id, version = case.split(":")
        d.case_ids.append(int(case_id))
        d.versions.append(int(version))
    return await _proceed(ctx, d)


async def _first_card(ctx: Ctx, d: CaseDraft) -> tuple[Category, IssueKind, Urgency, str] | None:
    card = await ctx.tx.ledger.card_by_id(d.case_ids[0])
    if card is None:
        return None
    return Category(card.category), IssueKind(card.kind), Urgency(card.urgency), card.place


# unit and deadline, with proposals ─────────────────────────────────────────────


async def _ask_unit(ctx: Ctx, d: CaseDraft) -> Reply:
    choices = await unit_choices(ctx)
    first = await _first_card(ctx, d)
    proposed = ctx.rules.propose_unit(first[0], first[1], first[3]) if first else None
    unit = await ctx.tx.directory.unit_by_code(proposed) if proposed else None
    if unit is not None:
        label = ctx.t("ledger.proposed_unit", unit=unit.name)
        choices = [Choice(label, f"u{unit.id}"), *[c for c in choices if c.data != f"u{unit.id}"]]
    return Reply(ctx.t("ledger.ask_unit", count=len(d.case_ids)), choices=choice_rows(choices, 2))


async def _take_unit(ctx: Ctx, event: Event, d: CaseDraft) -> Go | Stay:
    unit = await pick_unit(ctx, event)
    if isinstance(unit, Stay):
        return unit
    d.unit_id = unit.id
    return await _proceed(ctx, d)


async def _ask_deadline(ctx: Ctx, d: CaseDraft) -> Reply:
    first = await _first_card(ctx, d)
    urgency = first[2] if first else Urgency.NORMAL
    proposed, guessed = ctx.rules.propose_deadline(urgency, ctx.today)
    text = ctx.t("ledger.ask_deadline")
    if guessed:
        years = "、".join(str(year) for year in guessed)
        text += "\n" + ctx.t("ledger.calendar_unknown", years=years)
    label = ctx.t(f"ledger.proposed_deadline_{urgency.value}", date=proposed.isoformat())
    return Reply(text, choices=((Choice(label, proposed.isoformat()),),), numbered=False)


async def _take_deadline(ctx: Ctx, event: Event, d: CaseDraft) -> Go | Stay:
    typed = event.data if isinstance(event, Pressed) else getattr(event, "text", "")
    try:
        d.deadline = parse_deadline(str(typed), ctx.today)
    except DateError as error:
        return Stay(ctx.t(f"ledger.deadline_{error.problem.value}"))
    return await _proceed(ctx, d)


# texts ──────────────────────────────────────────────────────────────────────


def _text_step(field: CaseStep) -> Step[CaseDraft]:
    async def ask(ctx: Ctx, d: CaseDraft) -> Reply:
        return Reply(ctx.t(f"ledger.ask_{field.value}.{d.action.value}", limit=MAX_TEXT))

    async def take(ctx: Ctx, event: Event, d: CaseDraft) -> Go | Stay:
        text = read_text(ctx, event, MAX_TEXT)
        if isinstance(text, Stay):
            return text
        setattr(d, field.value, text)
        return await _proceed(ctx, d)

    return Step(ask, take)


def _choice_step(field: CaseStep, enum: type[StrEnum]) -> Step[CaseDraft]:
    async def ask(ctx: Ctx, d: CaseDraft) -> Reply:
        choices = [Choice(ctx.t(f"ledger.{field.value}.{m.value}"), m.value) for m in enum]
        return Reply(ctx.t(f"ledger.ask_{field.value}"), choices=choice_rows(choices, 3))

    async def take(ctx: Ctx, event: Event, d: CaseDraft) -> Go | Stay:
        if not isinstance(event, Pressed) or event.data not in enum.__members__.values():
            return Stay(ctx.t("issue.use_buttons"))
        setattr(d, field.value, enum(event.data))
        return await _proceed(ctx, d)

    return Step(ask, take)


CASE_ACTION = Flow(
    name="case",
    draft=CaseDraft,
    begin=_begin,
    steps={
        CaseStep.UNIT: Step(_ask_unit, _take_unit),
        CaseStep.DEADLINE: Step(_ask_deadline, _take_deadline),
        CaseStep.REASON: _text_step(CaseStep.REASON),
        CaseStep.TAG: _choice_step(CaseStep.TAG, ProgressTag),
        CaseStep.NOTE: _text_step(CaseStep.NOTE),
        CaseStep.RESOLUTION: _text_step(CaseStep.RESOLUTION),
        CaseStep.CONTACT: _choice_step(CaseStep.CONTACT, ContactMethod),
        CaseStep.RESPONSE: _text_step(CaseStep.RESPONSE),
        CaseStep.SATISFACTION: _choice_step(CaseStep.SATISFACTION, Satisfaction),
    },
)
