"""The correction flow (补正): an officer fixes an entry a spot check returned, field by field.

Each new value is read with the visit and issue flows' own parsers and bounds. Nothing is
written until 提交补正; then the entry is updated in place, every change is traced (who,
when, old → new, which check), and the coordinator who returned it is told.
The diagram is in correction.mmd.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from pydantic import BaseModel, Field

from domain.dates import DateError, parse_visit_date
from domain.sampling import SpotKind, SpotOutcome
from domain.visits import MAX_COUNT, MAX_NOTE, MAX_PEOPLE, MAX_PLACE, TargetType
from handlers.context import Ctx
from handlers.flow import Flow, Go, Stay, Step, choice_rows
from handlers.inputs import read_count, read_text, wrong_kind
from handlers.issue import MAX_DESCRIPTION
from handlers.menu import main_menu
from handlers.messages import Choice, Event, Pressed, Reply, Text
from handlers.spot_card import entry_text, load_entry, value_text
from i18n import catalog
from scheduler.delivery import reply_to_payload
from storage.spot_records import CORRECTABLE, Correction, SpotCheck

__all__ = ["CORRECTION", "CorrectionDraft", "may_correct"]

# The catalog key naming each field, as the visit and issue review cards name it.
_LABEL = {
    "target": "visit.field.target",
    "count": "visit.field.count",
    "people": "visit.field.people",
    "visit_date": "visit.field.date",
    "note": "visit.field.note",
    "description": "issue.field.description",
}


class CorrectionStep(StrEnum):
    PICK = "pick"
    VALUE = "value"


class CorrectionDraft(BaseModel):
    check_id: int = 0
    kind: SpotKind = SpotKind.VISIT
    item_id: int = 0
    field: str | None = None
    changes: dict[str, str | int | None] = Field(default_factory=dict)


def _label(ctx: Ctx, kind: SpotKind, field: str) -> str:
    place = "visit.field.place" if kind is SpotKind.VISIT else "issue.field.place"
    return ctx.t(_LABEL.get(field, place))


def may_correct(ctx: Ctx, check: SpotCheck) -> str | None:
    """Why this person may not correct the entry now (a catalog key), or None if they may."""
    if check.person_id != ctx.member().id or check.outcome is not SpotOutcome.RETURNED:
        return "correction.not_yours"
    if check.corrected_at is not None:
        return "correction.already"
    return None


async def _begin(ctx: Ctx, args: str, draft: CorrectionDraft) -> Go:
    """`args`: the spot check's id (checked by the caller)."""
    check = await ctx.tx.spot_checks.check(int(args))
    assert check is not None
    draft.check_id, draft.kind, draft.item_id = check.id, check.kind, check.item_id
    return Go(CorrectionStep.PICK)


def _change_lines(ctx: Ctx, draft: CorrectionDraft, entry: object) -> list[str]:
    return [
        ctx.t(
            "correction.change",
            field=_label(ctx, draft.kind, field),
            old=value_text(ctx, field, getattr(entry, field, None)),
            new=value_text(ctx, field, new),
        )
        for field, new in draft.changes.items()
    ]


async def _ask_pick(ctx: Ctx, draft: CorrectionDraft) -> Reply:
    check = await ctx.tx.spot_checks.check(draft.check_id)
    assert check is not None
    entry = await load_entry(ctx, check)
    lines = [ctx.t("correction.pick", reason=check.reason or ""), entry_text(ctx, entry)]
    if draft.changes:
        lines += [ctx.t("correction.pending"), *_change_lines(ctx, draft, entry)]
    fields = [
        Choice(_label(ctx, draft.kind, field), f"e:{field}") for field in CORRECTABLE[draft.kind]
    ]
    ends = [Choice(ctx.t("correction.submit"), "ok")] if draft.changes else []
    ends.append(Choice(ctx.t("review.cancel"), "cancel"))
    return Reply("\n".join(lines), choices=(*choice_rows(fields, 3), tuple(ends)))


async def _take_pick(ctx: Ctx, event: Event, draft: CorrectionDraft) -> Go | Stay:
    if not isinstance(event, Pressed):
        return Stay(ctx.t("correction.use_buttons"))
    if event.data == "cancel":
        return Go(None, (Reply(ctx.t("correction.cancelled"), menu=main_menu(ctx.t, ctx.person)),))
    if event.data.startswith("e:") and event.data[2:] in CORRECTABLE[draft.kind]:
        draft.field = event.data[2:]
        return Go(CorrectionStep.VALUE)
    if event.data == "ok" and draft.changes:
        return await _submit(ctx, draft)
    return Stay(ctx.t("correction.use_buttons"))


# the new value, asked and read as the visit and issue flows do ─────────────────────


async def _current_target(ctx: Ctx, draft: CorrectionDraft) -> str:
    if "target" in draft.changes:
        return str(draft.changes["target"])
    entry = await ctx.tx.spot_checks.visit_entry(draft.item_id)
    return entry.target if entry else TargetType.OTHER.value


async def _ask_value(ctx: Ctx, draft: CorrectionDraft) -> Reply:
    t, field = ctx.t, draft.field
    if field == "target":
        choices = [Choice(t(f"target.{target.value}"), target.value) for target in TargetType]
        return Reply(t("visit.ask_target"), choices=choice_rows(choices, 3))
    if field == "count":
        target = await _current_target(ctx, draft)
        text = t("visit.ask_count", target=t(f"target.{target}"), measure=t(f"measure.{target}"))
        return Reply(text, numbered=False)
    if field == "people":
        return Reply(t("visit.ask_people"), numbered=False)
    if field == "visit_date":
        return Reply(t("visit.ask_date"), numbered=False)
    if field == "note":
        clear = ((Choice(t("visit.note_clear"), "clear"),),)
        return Reply(t("visit.ask_note", limit=MAX_NOTE), choices=clear)
    if field == "description":
        return Reply(t("issue.ask_description", limit=MAX_DESCRIPTION))
    key = "visit.ask_place" if draft.kind is SpotKind.VISIT else "issue.ask_place"
    return Reply(t(key, limit=MAX_PLACE))


def _read_value(ctx: Ctx, event: Event, draft: CorrectionDraft) -> str | int | Stay | None:
    field = draft.field
    if field == "target":
        typed = event.data if isinstance(event, Pressed) else getattr(event, "text", "")
        target = TargetType.from_word(str(typed))
        return target.value if target else Stay(ctx.t("visit.bad_target"))
    if field in ("count", "people"):
        return read_count(ctx, event, MAX_COUNT if field == "count" else MAX_PEOPLE)
    if field == "visit_date":
        if not isinstance(event, Text):
            return wrong_kind(ctx, event, "input.expect_date")
        try:
            return parse_visit_date(event.text, ctx.today).isoformat()
        except DateError as error:
            return Stay(ctx.t(f"visit.date_{error.problem.value}"))
    if field == "note":
        return None if isinstance(event, Pressed) else read_text(ctx, event, MAX_NOTE)
    if field == "description":
        return read_text(ctx, event, MAX_DESCRIPTION, minimum=2)
    return read_text(ctx, event, MAX_PLACE, minimum=2)


async def _take_value(ctx: Ctx, event: Event, draft: CorrectionDraft) -> Go | Stay:
    value = _read_value(ctx, event, draft)
    if isinstance(value, Stay):
        return value
    assert draft.field is not None
    draft.changes = {**draft.changes, draft.field: value}
    draft.field = None
    return Go(CorrectionStep.PICK)


# submit ─────────────────────────────────────────────────────────────────────────


async def _tell_coordinator(ctx: Ctx, check: SpotCheck, traced: list[Correction]) -> None:
    if check.decided_by is None:
        return
    entry = await load_entry(ctx, check)
    for recipient in await ctx.tx.ledger.recipient(check.decided_by):
        theirs = replace(ctx, t=catalog(recipient.language or ctx.t.language))
        changes = [
            theirs.t(
                "correction.change",
                field=_label(theirs, c.kind, c.field),
                old=value_text(theirs, c.field, c.old),
                new=value_text(theirs, c.field, c.new),
            )
            for c in traced
        ]
        text = "\n".join(
            [
                theirs.t("correction.notify", person=check.person_name, id=check.id),
                *changes,
                entry_text(theirs, entry),
            ]
        )
        dedup = f"spot-fixed:{check.id}:{recipient.platform}"
        await ctx.tx.outbox.enqueue(
            recipient.platform, recipient.chat_id, reply_to_payload(Reply(text)), ctx.now, dedup
        )


async def _submit(ctx: Ctx, draft: CorrectionDraft) -> Go:
    menu = main_menu(ctx.t, ctx.person)
    check = await ctx.tx.spot_checks.check(draft.check_id)
    refusal = may_correct(ctx, check) if check else "correction.not_yours"
    if check is None or refusal:
        return Go(None, (Reply(ctx.t(refusal or "correction.not_yours"), menu=menu),))
    traced = await ctx.tx.spot_checks.correct(
        check.id, draft.kind, draft.item_id, draft.changes, ctx.member().id, ctx.now
    )
    await _tell_coordinator(ctx, check, traced)
    entry = await load_entry(ctx, check)
    lines = [ctx.t("correction.saved", count=len(traced)), entry_text(ctx, entry)]
    return Go(None, (Reply("\n".join(lines), menu=menu),))


CORRECTION = Flow(
    name="correction",
    draft=CorrectionDraft,
    begin=_begin,
    steps={
        CorrectionStep.PICK: Step(_ask_pick, _take_pick),
        CorrectionStep.VALUE: Step(_ask_value, _take_value),
    },
)
