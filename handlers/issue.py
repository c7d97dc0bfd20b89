"""The problem flow (上报问题): what was raised, by whom, and whether it was solved on the spot.

Solved on the spot → closed as 当场解决 with a resolution note. Otherwise → the case
waits for assignment (待交办) with the unit the officer thinks is responsible.
Either way the officer is shown the case number. The diagram is in issue.mmd.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.cases import CaseStatus, Category, IssueKind, Urgency
from domain.phone import normalize_phone
from domain.visits import MAX_PLACE
from handlers.context import Ctx
from handlers.flow import Flow, Go, Stay, Step, choice_rows
from handlers.inputs import read_text
from handlers.issue_card import review_text
from handlers.menu import main_menu
from handlers.messages import Choice, Event, Pressed, Reply, Text
from handlers.units import pick_unit, unit_choices
from storage.records import NewCase

__all__ = ["ISSUE", "IssueDraft", "IssueStep"]

MAX_DESCRIPTION = 500
MAX_RESIDENT = 20


class IssueStep(StrEnum):
    KIND = "kind"
    CATEGORY = "category"
    DESCRIPTION = "description"
    PLACE = "place"
    RESIDENT = "resident"
    PHONE = "phone"
    URGENCY = "urgency"
    ON_SPOT = "onspot"
    RESOLUTION = "resolution"
    UNIT = "unit"
    REVIEW = "review"


class IssueDraft(BaseModel):
    model_config = ConfigDict(validate_assignment=True)

    visit_id: int | None = None
    visit_place: str | None = None
    kind: IssueKind | None = None
    category: Category | None = None
    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION)
    place: str | None = Field(default=None, max_length=MAX_PLACE)
    resident_name: str | None = Field(default=None, max_length=MAX_RESIDENT)
    resident_phone: str | None = None
    urgency: Urgency | None = None
    on_spot: bool | None = None
    resolution: str | None = Field(default=None, max_length=MAX_DESCRIPTION)
    unit_id: int | None = None
    unit_name: str | None = None
    skipped: list[str] = Field(default_factory=list)


def _next(d: IssueDraft) -> IssueStep:
    """The first question not yet answered (or skipped), else the review card."""
    unanswered = [
        (d.kind is None, IssueStep.KIND),
        (d.category is None, IssueStep.CATEGORY),
        (d.description is None, IssueStep.DESCRIPTION),
        (d.place is None, IssueStep.PLACE),
        (d.resident_name is None and "resident" not in d.skipped, IssueStep.RESIDENT),
        (d.resident_phone is None and "phone" not in d.skipped, IssueStep.PHONE),
        (d.urgency is None, IssueStep.URGENCY),
        (d.on_spot is None, IssueStep.ON_SPOT),
        (d.on_spot is True and d.resolution is None, IssueStep.RESOLUTION),
        (d.on_spot is False and d.unit_id is None and "unit" not in d.skipped, IssueStep.UNIT),
    ]
    return next((step for missing, step in unanswered if missing), IssueStep.REVIEW)


def _skip(ctx: Ctx) -> Choice:
    return Choice(ctx.t("issue.skip"), "skip")


async def _begin(ctx: Ctx, args: str, draft: IssueDraft) -> Go:
    if args.startswith("visit:") and args[6:].isdigit():
        place = await ctx.tx.visits.place_of(int(args[6:]))
        if place is not None:
            draft.visit_id, draft.visit_place = int(args[6:]), place
        return Go(_next(draft))
    if args:
        description = read_text(ctx, Text(args), MAX_DESCRIPTION, minimum=2)
        if not isinstance(description, Stay):
            draft.description = description
    return Go(_next(draft))


def _enum_step(enum: type[StrEnum], key: str, field: str, per_row: int) -> Step[IssueDraft]:
    """A question answered by one of an enum's values, shown as buttons."""

    async def ask(ctx: Ctx, draft: IssueDraft) -> Reply:
        choices = [Choice(ctx.t(f"{key}.{member.value}"), member.value) for member in enum]
        return Reply(ctx.t(f"issue.ask_{field}"), choices=choice_rows(choices, per_row))

    async def take(ctx: Ctx, event: Event, draft: IssueDraft) -> Go | Stay:
        if not isinstance(event, Pressed) or event.data not in enum.__members__.values():
            return Stay(ctx.t("issue.use_buttons"))
        setattr(draft, field, enum(event.data))
        return Go(_next(draft))

    return Step(ask, take)


async def _ask_description(ctx: Ctx, draft: IssueDraft) -> Reply:
    return Reply(ctx.t("issue.ask_description", limit=MAX_DESCRIPTION))


async def _take_description(ctx: Ctx, event: Event, draft: IssueDraft) -> Go | Stay:
    text = read_text(ctx, event, MAX_DESCRIPTION, minimum=2)
    if isinstance(text, Stay):
        return text
    draft.description = text
    return Go(_next(draft))


async def _ask_place(ctx: Ctx, draft: IssueDraft) -> Reply:
    choices: tuple[tuple[Choice, ...], ...] = ()
    if draft.visit_place:
        label = ctx.t("issue.same_place", place=draft.visit_place)
        choices = ((Choice(label, "visit"),),)
    return Reply(ctx.t("issue.ask_place", limit=MAX_PLACE), choices=choices)


async def _take_place(ctx: Ctx, event: Event, draft: IssueDraft) -> Go | Stay:
    if isinstance(event, Pressed) and draft.visit_place:
        draft.place = draft.visit_place
        return Go(_next(draft))
    place = read_text(ctx, event, MAX_PLACE, minimum=2)
    if isinstance(place, Stay):
        return place
    draft.place = place
    return Go(_next(draft))


async def _ask_resident(ctx: Ctx, draft: IssueDraft) -> Reply:
    return Reply(ctx.t("issue.ask_resident"), choices=((_skip(ctx),),))


async def _take_resident(ctx: Ctx, event: Event, draft: IssueDraft) -> Go | Stay:
    if isinstance(event, Pressed):
        draft.resident_name = None
        draft.skipped = sorted({*draft.skipped, "resident"})
        return Go(_next(draft))
    name = read_text(ctx, event, MAX_RESIDENT)
    if isinstance(name, Stay):
        return name
    draft.resident_name = name
    return Go(_next(draft))


async def _ask_phone(ctx: Ctx, draft: IssueDraft) -> Reply:
    return Reply(ctx.t("issue.ask_phone"), choices=((_skip(ctx),),), numbered=False)


async def _take_phone(ctx: Ctx, event: Event, draft: IssueDraft) -> Go | Stay:
    if isinstance(event, Pressed):
        draft.resident_phone = None
        draft.skipped = sorted({*draft.skipped, "phone"})
        return Go(_next(draft))
    typed = read_text(ctx, event, 40)
    if isinstance(typed, Stay):
        return typed
    phone = normalize_phone(typed)
    if phone is None:
        return Stay(ctx.t("issue.bad_phone"))
    draft.resident_phone = phone
    return Go(_next(draft))


async def _ask_on_spot(ctx: Ctx, draft: IssueDraft) -> Reply:
    choices = (Choice(ctx.t("issue.on_spot_yes"), "yes"), Choice(ctx.t("issue.on_spot_no"), "no"))
    return Reply(ctx.t("issue.ask_onspot"), choices=(choices,))


async def _take_on_spot(ctx: Ctx, event: Event, draft: IssueDraft) -> Go | Stay:
    if not isinstance(event, Pressed) or event.data not in ("yes", "no"):
        return Stay(ctx.t("issue.use_buttons"))
    draft.on_spot = event.data == "yes"
    return Go(_next(draft))


async def _ask_resolution(ctx: Ctx, draft: IssueDraft) -> Reply:
    return Reply(ctx.t("issue.ask_resolution", limit=MAX_DESCRIPTION))


async def _take_resolution(ctx: Ctx, event: Event, draft: IssueDraft) -> Go | Stay:
    text = read_text(ctx, event, MAX_DESCRIPTION, minimum=2)
    if isinstance(text, Stay):
        return text
    draft.resolution = text
    return Go(_next(draft))


async def _ask_unit(ctx: Ctx, draft: IssueDraft) -> Reply:
    choices = [*await unit_choices(ctx), Choice(ctx.t("issue.unit_unsure"), "skip")]
    return Reply(ctx.t("issue.ask_unit"), choices=choice_rows(choices, 2))


async def _take_unit(ctx: Ctx, event: Event, draft: IssueDraft) -> Go | Stay:
    if isinstance(event, Pressed) and event.data == "skip":
        draft.unit_id = draft.unit_name = None
        draft.skipped = sorted({*draft.skipped, "unit"})
        return Go(_next(draft))
    unit = await pick_unit(ctx, event)
    if isinstance(unit, Stay):
        return unit
    draft.unit_id, draft.unit_name = unit.id, unit.name
    return Go(_next(draft))


_EDITABLE = (
    (IssueStep.KIND, IssueStep.CATEGORY, IssueStep.DESCRIPTION, IssueStep.PLACE),
    (IssueStep.RESIDENT, IssueStep.PHONE, IssueStep.URGENCY),
    (IssueStep.ON_SPOT, IssueStep.RESOLUTION, IssueStep.UNIT),
)


async def _ask_review(ctx: Ctx, draft: IssueDraft) -> Reply:
    rows: list[tuple[Choice, ...]] = [
        (Choice(ctx.t("review.confirm"), "ok"), Choice(ctx.t("review.cancel"), "cancel"))
    ]
    for row in _EDITABLE:
        shown = [s for s in row if s != (IssueStep.UNIT if draft.on_spot else IssueStep.RESOLUTION)]
        rows.append(tuple(Choice(ctx.t(f"issue.field.{s}"), f"e:{s}") for s in shown))
    return Reply(review_text(ctx, draft), choices=tuple(rows))


async def _take_review(ctx: Ctx, event: Event, draft: IssueDraft) -> Go | Stay:
    if not isinstance(event, Pressed):
        return Stay(ctx.t("review.use_buttons"))
    if event.data == "cancel":
        return Go(None, (Reply(ctx.t("issue.cancelled"), menu=main_menu(ctx.t, ctx.person)),))
    if event.data.startswith("e:") and event.data[2:] in IssueStep.__members__.values():
        return Go(IssueStep(event.data[2:]))
    return await _save(ctx, draft)


async def _save(ctx: Ctx, draft: IssueDraft) -> Go:
    person = ctx.member()
    assert draft.kind
    assert draft.category
    assert draft.urgency
    assert draft.description
    assert draft.place
    on_spot = bool(draft.on_spot)
    case = await ctx.tx.cases.add(
        NewCase(
            draft_id=ctx.draft_id,
            reporter_id=person.id,
            reporter_unit_id=person.unit_id,
            kind=draft.kind,
            category=draft.category,
            description=draft.description,
            place=draft.place,
            urgency=draft.urgency,
            status=CaseStatus.SOLVED_ON_SPOT if on_spot else CaseStatus.PENDING_ASSIGNMENT,
            created_at=ctx.now,
            local_day=ctx.today,
            visit_id=draft.visit_id,
            resident_name=draft.resident_name,
            resident_phone=draft.resident_phone,
            suggested_unit_id=None if on_spot else draft.unit_id,
            resolution=draft.resolution if on_spot else None,
        )
    )
    key = "issue.saved_on_spot" if on_spot else "issue.saved_pending"
    saved = ctx.t(key, number=case.number, unit=draft.unit_name or ctx.t("issue.unit_unknown"))
    return Go(None, (Reply(saved, menu=main_menu(ctx.t, person)),))


ISSUE = Flow(
    name="issue",
    draft=IssueDraft,
    begin=_begin,
    steps={
        IssueStep.KIND: _enum_step(IssueKind, "issue_kind", "kind", 3),
        IssueStep.CATEGORY: _enum_step(Category, "category", "category", 3),
        IssueStep.DESCRIPTION: Step(_ask_description, _take_description),
        IssueStep.PLACE: Step(_ask_place, _take_place),
        IssueStep.RESIDENT: Step(_ask_resident, _take_resident),
        IssueStep.PHONE: Step(_ask_phone, _take_phone),
        IssueStep.URGENCY: _enum_step(Urgency, "urgency", "urgency", 2),
        IssueStep.ON_SPOT: Step(_ask_on_spot, _take_on_spot),
        IssueStep.RESOLUTION: Step(_ask_resolution, _take_resolution),
        IssueStep.UNIT: Step(_ask_unit, _take_unit),
        IssueStep.REVIEW: Step(_ask_review, _take_review),
    },
)
