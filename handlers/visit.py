"""The visit flow (登记走访): who, where, how many, then a review card to edit or confirm.

A typical household batch is six taps or messages: /visit, 住户, place, 15, 40, 确认.
Optional fields (materials, opinions, date, location, photos, note) wait on the review
card. A one-line entry fills the draft and goes straight to whatever is still missing.
The diagram is in visit.mmd.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.dates import DateError, parse_visit_date
from domain.oneline import parse_visit_line
from domain.visits import MAX_COUNT, MAX_NOTE, MAX_PEOPLE, MAX_PHOTOS, MAX_PLACE, TargetType
from handlers.context import Ctx
from handlers.flow import Flow, Go, Stay, Step, choice_rows
from handlers.inputs import read_count, read_text, wrong_kind
from handlers.menu import main_menu
from handlers.messages import Choice, Event, Location, Photo, Pressed, Reply
from handlers.visit_card import review_text, saved_text
from storage.records import NewVisit

__all__ = ["VISIT", "VisitDraft", "VisitStep"]

_RECENT_PLACES = 4
MAX_MATERIALS = 100_000
MAX_OPINIONS = 10_000


class VisitStep(StrEnum):
    TARGET = "target"
    PLACE = "place"
    COUNT = "count"
    PEOPLE = "people"
    REVIEW = "review"
    MATERIALS = "materials"
    OPINIONS = "opinions"
    DATE = "date"
    LOCATION = "location"
    PHOTOS = "photos"
    NOTE = "note"


class VisitDraft(BaseModel):
    model_config = ConfigDict(validate_assignment=True)

    target: TargetType | None = None
    place: str | None = Field(default=None, max_length=MAX_PLACE)
    count: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    people: int | None = Field(default=None, ge=0, le=MAX_PEOPLE)
    materials: int = Field(default=0, ge=0, le=MAX_MATERIALS)
    opinions: int = Field(default=0, ge=0, le=MAX_OPINIONS)
    visit_date: date | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    photos: list[str] = Field(default_factory=list, max_length=MAX_PHOTOS)
    note: str | None = Field(default=None, max_length=MAX_NOTE)
    recent: list[str] = Field(default_factory=list)


def _next(draft: VisitDraft) -> VisitStep:
    """The first required field still missing, else the review card."""
    if draft.target is None:
        return VisitStep.TARGET
    if draft.place is None:
        return VisitStep.PLACE
    if draft.count is None:
        return VisitStep.COUNT
    if draft.people is None:
        return VisitStep.PEOPLE
    return VisitStep.REVIEW


async def _begin(ctx: Ctx, args: str, draft: VisitDraft) -> Go:
    if not args:
        return Go(_next(draft))
    line = parse_visit_line(args)
    draft.target = line.target
    draft.count = line.count if line.count is not None and line.count <= MAX_COUNT else None
    draft.people = line.people if line.people is not None and line.people <= MAX_PEOPLE else None
    draft.materials = min(line.materials or 0, MAX_MATERIALS)
    draft.opinions = min(line.opinions or 0, MAX_OPINIONS)
    if line.place and any(ch.isalnum() for ch in line.place):
        draft.place = line.place[:MAX_PLACE]
    said: tuple[Reply, ...] = ()
    if line.unknown:
        said = (Reply(ctx.t("visit.line_unknown", parts="、".join(line.unknown))),)
    return Go(_next(draft), said)


# target ─────────────────────────────────────────────────────────────────────


async def _ask_target(ctx: Ctx, draft: VisitDraft) -> Reply:
    choices = [Choice(ctx.t(f"target.{t.value}"), t.value) for t in TargetType]
    return Reply(ctx.t("visit.ask_target"), choices=choice_rows(choices, 3))


async def _take_target(ctx: Ctx, event: Event, draft: VisitDraft) -> Go | Stay:
    value = event.data if isinstance(event, Pressed) else getattr(event, "text", "")
    target = TargetType.from_word(value)
    if target is None:
        return Stay(ctx.t("visit.bad_target"))
    draft.target = target
    return Go(_next(draft))


# place ──────────────────────────────────────────────────────────────────────


async def _ask_place(ctx: Ctx, draft: VisitDraft) -> Reply:
    draft.recent = await ctx.tx.visits.recent_places(ctx.member().id, _RECENT_PLACES)
    choices = [Choice(place, f"r{i}") for i, place in enumerate(draft.recent)]
    key = "visit.ask_place_recent" if choices else "visit.ask_place"
    return Reply(ctx.t(key, limit=MAX_PLACE), choices=choice_rows(choices, 2))


async def _take_place(ctx: Ctx, event: Event, draft: VisitDraft) -> Go | Stay:
    if isinstance(event, Pressed):
        index = int(event.data[1:]) if event.data[1:].isdigit() else len(draft.recent)
        if index >= len(draft.recent):
            return Stay(ctx.t("visit.ask_place", limit=MAX_PLACE))
        draft.place = draft.recent[index]
        return Go(_next(draft))
    place = read_text(ctx, event, MAX_PLACE, minimum=2)
    if isinstance(place, Stay):
        return place
    draft.place = place
    return Go(_next(draft))


# counts ─────────────────────────────────────────────────────────────────────


def _measure(ctx: Ctx, draft: VisitDraft) -> str:
    return ctx.t(f"measure.{(draft.target or TargetType.OTHER).value}")


async def _ask_count(ctx: Ctx, draft: VisitDraft) -> Reply:
    text = ctx.t(
        "visit.ask_count", target=ctx.t(f"target.{draft.target}"), measure=_measure(ctx, draft)
    )
    return Reply(text, numbered=False)


async def _take_count(ctx: Ctx, event: Event, draft: VisitDraft) -> Go | Stay:
    value = read_count(ctx, event, MAX_COUNT)
    if isinstance(value, Stay):
        return value
    draft.count = value
    return Go(_next(draft))


async def _ask_people(ctx: Ctx, draft: VisitDraft) -> Reply:
    return Reply(ctx.t("visit.ask_people"), numbered=False)


async def _take_people(ctx: Ctx, event: Event, draft: VisitDraft) -> Go | Stay:
    value = read_count(ctx, event, MAX_PEOPLE)
    if isinstance(value, Stay):
        return value
    draft.people = value
    return Go(_next(draft))


async def _ask_materials(ctx: Ctx, draft: VisitDraft) -> Reply:
    return Reply(ctx.t("visit.ask_materials", now=draft.materials), numbered=False)


async def _take_materials(ctx: Ctx, event: Event, draft: VisitDraft) -> Go | Stay:
    value = read_count(ctx, event, MAX_MATERIALS)
    if isinstance(value, Stay):
        return value
    draft.materials = value
    return Go(VisitStep.REVIEW)


async def _ask_opinions(ctx: Ctx, draft: VisitDraft) -> Reply:
    return Reply(ctx.t("visit.ask_opinions", now=draft.opinions), numbered=False)


async def _take_opinions(ctx: Ctx, event: Event, draft: VisitDraft) -> Go | Stay:
    value = read_count(ctx, event, MAX_OPINIONS)
    if isinstance(value, Stay):
        return value
    draft.opinions = value
    return Go(VisitStep.REVIEW)


# date ───────────────────────────────────────────────────────────────────────


async def _ask_date(ctx: Ctx, draft: VisitDraft) -> Reply:
    days = [ctx.today - timedelta(days=n) for n in range(3)]
    choices = [
        Choice(ctx.t(f"visit.day_{n}", date=day.strftime("%m-%d")), day.isoformat())
        for n, day in enumerate(days)
    ]
    return Reply(ctx.t("visit.ask_date"), choices=(tuple(choices),))


async def _take_date(ctx: Ctx, event: Event, draft: VisitDraft) -> Go | Stay:
    if isinstance(event, Pressed):
        typed = event.data
    elif hasattr(event, "text"):
        typed = str(event.text)
    else:
        return wrong_kind(ctx, event, "input.expect_date")
    try:
        chosen = parse_visit_date(typed, ctx.today)
    except DateError as error:
        return Stay(ctx.t(f"visit.date_{error.problem.value}"))
    draft.visit_date = None if chosen == ctx.today else chosen
    return Go(VisitStep.REVIEW)


# location, photos, note ───────────────────────────────────────────────────────


async def _ask_location(ctx: Ctx, draft: VisitDraft) -> Reply:
    choices = [Choice(ctx.t("visit.skip"), "skip")]
    if draft.latitude is not None:
        choices.append(Choice(ctx.t("visit.remove_location"), "clear"))
    return Reply(
        ctx.t("visit.ask_location"),
        choices=(tuple(choices),),
        ask_location=ctx.t("visit.send_location"),
    )


async def _take_location(ctx: Ctx, event: Event, draft: VisitDraft) -> Go | Stay:
    if isinstance(event, Pressed):
        if event.data == "clear":
            draft.latitude = draft.longitude = None
        return Go(VisitStep.REVIEW)
    return wrong_kind(ctx, event, "input.expect_location")


async def _ask_photos(ctx: Ctx, draft: VisitDraft) -> Reply:
    choices = [Choice(ctx.t("visit.photos_done"), "done")]
    if draft.photos:
        choices.append(Choice(ctx.t("visit.photos_clear"), "clear"))
    text = ctx.t("visit.ask_photos", have=len(draft.photos), limit=MAX_PHOTOS)
    return Reply(text, choices=(tuple(choices),))


async def _take_photos(ctx: Ctx, event: Event, draft: VisitDraft) -> Go | Stay:
    if isinstance(event, Pressed):
        if event.data == "clear":
            draft.photos = []
            return Go(VisitStep.PHOTOS)
        return Go(VisitStep.REVIEW)
    return wrong_kind(ctx, event, "input.expect_photo")


async def _ask_note(ctx: Ctx, draft: VisitDraft) -> Reply:
    choices = [Choice(ctx.t("visit.note_clear"), "clear")] if draft.note else []
    return Reply(
        ctx.t("visit.ask_note", limit=MAX_NOTE), choices=(tuple(choices),) if choices else ()
    )


async def _take_note(ctx: Ctx, event: Event, draft: VisitDraft) -> Go | Stay:
    if isinstance(event, Pressed):
        draft.note = None
        return Go(VisitStep.REVIEW)
    note = read_text(ctx, event, MAX_NOTE)
    if isinstance(note, Stay):
        return note
    draft.note = note
    return Go(VisitStep.REVIEW)


async def _anytime(ctx: Ctx, event: Event, draft: VisitDraft, step: str) -> Go | Stay | None:
    """A location or photo is welcome at any step; it is attached and the step asked again."""
    if isinstance(event, Location):
        draft.latitude, draft.longitude = event.latitude, event.longitude
        back = VisitStep.REVIEW if step == VisitStep.LOCATION else step
        return Go(back, (Reply(ctx.t("visit.location_saved")),))
    if isinstance(event, Photo):
        if len(draft.photos) >= MAX_PHOTOS:
            return Stay(ctx.t("visit.photos_full", limit=MAX_PHOTOS))
        draft.photos = [*draft.photos, event.file_ref]
        if step == VisitStep.PHOTOS:
            return Go(step)
        return Go(step, (Reply(ctx.t("visit.photo_saved", have=len(draft.photos))),))
    return None


# review ─────────────────────────────────────────────────────────────────────

_EDITABLE = (
    (VisitStep.TARGET, VisitStep.PLACE, VisitStep.COUNT, VisitStep.PEOPLE),
    (VisitStep.MATERIALS, VisitStep.OPINIONS, VisitStep.DATE),
    (VisitStep.LOCATION, VisitStep.PHOTOS, VisitStep.NOTE),
)


async def _ask_review(ctx: Ctx, draft: VisitDraft) -> Reply:
    rows: list[tuple[Choice, ...]] = [
        (Choice(ctx.t("review.confirm"), "ok"), Choice(ctx.t("review.cancel"), "cancel"))
    ]
    rows += [tuple(Choice(ctx.t(f"visit.field.{s}"), f"e:{s}") for s in row) for row in _EDITABLE]
    return Reply(review_text(ctx, draft), choices=tuple(rows))


async def _take_review(ctx: Ctx, event: Event, draft: VisitDraft) -> Go | Stay:
    if not isinstance(event, Pressed):
        return Stay(ctx.t("review.use_buttons"))
    if event.data == "cancel":
        return Go(None, (Reply(ctx.t("visit.cancelled"), menu=main_menu(ctx.t, ctx.person)),))
    if event.data.startswith("e:") and event.data[2:] in VisitStep.__members__.values():
        return Go(VisitStep(event.data[2:]))
    return await _save(ctx, draft)


async def _save(ctx: Ctx, draft: VisitDraft) -> Go | Stay:
    person = ctx.member()
    visit_date = draft.visit_date or ctx.today
    try:
        parse_visit_date(visit_date.isoformat(), ctx.today)
    except DateError as error:
        return Stay(ctx.t(f"visit.date_{error.problem.value}"))
    assert draft.target
    assert draft.place
    assert draft.count is not None
    assert draft.people is not None
    visit_id = await ctx.tx.visits.add(
        NewVisit(
            draft_id=ctx.draft_id,
            person_id=person.id,
            unit_id=person.unit_id,
            target=draft.target,
            place=draft.place,
            count=draft.count,
            people=draft.people,
            materials=draft.materials,
            opinions=draft.opinions,
            visit_date=visit_date,
            created_at=ctx.now,
            latitude=draft.latitude,
            longitude=draft.longitude,
            note=draft.note,
            photos=tuple(draft.photos),
        )
    )
    today = await ctx.tx.visits.summary(person.id, ctx.today, ctx.today)
    saved = Reply(
        saved_text(ctx, visit_id, draft, visit_date, today), menu=main_menu(ctx.t, person)
    )
    chain = Reply(
        ctx.t("visit.any_problems"),
        choices=((Choice(ctx.t("visit.report_problem"), f"g:issue:{visit_id}"),),),
    )
    return Go(None, (saved, chain))


VISIT = Flow(
    name="visit",
    draft=VisitDraft,
    begin=_begin,
    anytime=_anytime,
    steps={
        VisitStep.TARGET: Step(_ask_target, _take_target),
        VisitStep.PLACE: Step(_ask_place, _take_place),
        VisitStep.COUNT: Step(_ask_count, _take_count),
        VisitStep.PEOPLE: Step(_ask_people, _take_people),
        VisitStep.REVIEW: Step(_ask_review, _take_review),
        VisitStep.MATERIALS: Step(_ask_materials, _take_materials),
        VisitStep.OPINIONS: Step(_ask_opinions, _take_opinions),
        VisitStep.DATE: Step(_ask_date, _take_date),
        VisitStep.LOCATION: Step(_ask_location, _take_location),
        VisitStep.PHOTOS: Step(_ask_photos, _take_photos),
        VisitStep.NOTE: Step(_ask_note, _take_note),
    },
)
