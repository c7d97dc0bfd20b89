"""The work reminder (工作提示单): a coordinator writes once, everyone in the audience gets it.

Audience (everyone, or one unit and the units under it) → text → a preview with the
number of recipients → 发送: one outbox message per person with a chat, in the same
transaction. The diagram is in work_reminder.mmd.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel

from handlers.context import Ctx
from handlers.flow import Flow, Go, Stay, Step, choice_rows
from handlers.inputs import read_text, wrong_kind
from handlers.menu import main_menu
from handlers.messages import Choice, Event, Pressed, Reply, Text
from handlers.spot_card import stamp
from handlers.units import pick_unit, unit_choices
from i18n import catalog
from scheduler.delivery import reply_to_payload
from storage.ledger_records import Recipient

__all__ = ["MAX_REMINDER", "REMIND"]

MAX_REMINDER = 1000
_EVERYONE = "all"


class RemindStep(StrEnum):
    AUDIENCE = "audience"
    TEXT = "text"
    PREVIEW = "preview"


class RemindDraft(BaseModel):
    everyone: bool = False
    unit_id: int | None = None
    unit_name: str | None = None
    text: str | None = None


def _next(draft: RemindDraft) -> RemindStep:
    if not draft.everyone and draft.unit_id is None:
        return RemindStep.AUDIENCE
    return RemindStep.TEXT if draft.text is None else RemindStep.PREVIEW


async def _begin(ctx: Ctx, args: str, draft: RemindDraft) -> Go:
    """`/remind TEXT` brings the text along; the audience is asked first either way."""
    if args.strip():
        text = _read_lines(ctx, Text(args))
        draft.text = None if isinstance(text, Stay) else text
    return Go(_next(draft))


async def _recipients(ctx: Ctx, draft: RemindDraft) -> list[Recipient]:
    """The officers and unit leads in the audience with a chat, except the sender."""
    units = await ctx.tx.ledger.subtree(draft.unit_id) if draft.unit_id is not None else ()
    me = ctx.member().id
    return [r for r in await ctx.tx.stats.officers(units) if r.person_id != me]


def _audience(ctx: Ctx, draft: RemindDraft) -> str:
    if draft.everyone:
        return ctx.t("remind.everyone")
    return ctx.t("remind.unit", unit=draft.unit_name)


async def _ask_audience(ctx: Ctx, draft: RemindDraft) -> Reply:
    choices = [Choice(ctx.t("remind.everyone"), _EVERYONE), *await unit_choices(ctx)]
    return Reply(ctx.t("remind.ask_audience"), choices=choice_rows(choices, 2))


async def _take_audience(ctx: Ctx, event: Event, draft: RemindDraft) -> Go | Stay:
    if isinstance(event, Pressed) and event.data == _EVERYONE:
        draft.everyone, draft.unit_id, draft.unit_name = True, None, None
        return Go(_next(draft))
    unit = await pick_unit(ctx, event)
    if isinstance(unit, Stay):
        return unit
    draft.everyone, draft.unit_id, draft.unit_name = False, unit.id, unit.name
    return Go(_next(draft))


async def _ask_text(ctx: Ctx, draft: RemindDraft) -> Reply:
    return Reply(ctx.t("remind.ask_text", limit=MAX_REMINDER))


def _read_lines(ctx: Ctx, event: Event) -> str | Stay:
    """The text line by line, each cleaned as free text is, so the points stay apart."""
    if not isinstance(event, Text):
        return wrong_kind(ctx, event, "input.expect_text")
    lines: list[str] = []
    for line in event.text.splitlines():
        if not line.strip():
            continue
        cleaned = read_text(ctx, Text(line), MAX_REMINDER)
        if isinstance(cleaned, Stay):
            return cleaned
        lines.append(cleaned)
    text = "\n".join(lines)
    if not text:
        return Stay(ctx.t("input.text_empty"))
    if len(text) > MAX_REMINDER:
        return Stay(ctx.t("input.text_too_long", limit=MAX_REMINDER, length=len(text)))
    return text


async def _take_text(ctx: Ctx, event: Event, draft: RemindDraft) -> Go | Stay:
    text = _read_lines(ctx, event)
    if isinstance(text, Stay):
        return text
    draft.text = text
    return Go(RemindStep.PREVIEW)


async def _ask_preview(ctx: Ctx, draft: RemindDraft) -> Reply:
    count = len(await _recipients(ctx, draft))
    key = "remind.preview" if count else "remind.preview_nobody"
    text = ctx.t(key, audience=_audience(ctx, draft), count=count, text=draft.text)
    send = (Choice(ctx.t("remind.send"), "send"),) if count else ()
    rows = (
        (*send, Choice(ctx.t("review.cancel"), "cancel")),
        (Choice(ctx.t("remind.change_audience"), "audience"), Choice(ctx.t("remind.edit"), "text")),
    )
    return Reply(text, choices=rows)


async def _take_preview(ctx: Ctx, event: Event, draft: RemindDraft) -> Go | Stay:
    if not isinstance(event, Pressed):
        return Stay(ctx.t("remind.use_buttons"))
    if event.data == "cancel":
        return Go(None, (Reply(ctx.t("remind.cancelled"), menu=main_menu(ctx.t, ctx.person)),))
    if event.data == "audience":
        return Go(RemindStep.AUDIENCE)
    if event.data == "text":
        return Go(RemindStep.TEXT)
    return await _send(ctx, draft)


async def _send(ctx: Ctx, draft: RemindDraft) -> Go | Stay:
    sender = ctx.member()
    recipients = await _recipients(ctx, draft)
    if not recipients:
        return Stay(ctx.t("remind.nobody"))
    queued = 0
    for recipient in recipients:
        t = catalog(recipient.language or ctx.t.language)
        text = t(
            "remind.message",
            sender=sender.name,
            unit=sender.unit_name,
            at=stamp(ctx, ctx.now),
            text=draft.text,
        )
        # keyed by the draft, so a confirm pressed twice queues nothing twice
        dedup = f"remind:{ctx.draft_id}:{recipient.person_id}"
        queued += await ctx.tx.outbox.enqueue(
            recipient.platform, recipient.chat_id, reply_to_payload(Reply(text)), ctx.now, dedup
        )
    said = ctx.t("remind.sent", count=queued, audience=_audience(ctx, draft))
    return Go(None, (Reply(said, menu=main_menu(ctx.t, sender)),))


REMIND = Flow(
    name="remind",
    draft=RemindDraft,
    begin=_begin,
    steps={
        RemindStep.AUDIENCE: Step(_ask_audience, _take_audience),
        RemindStep.TEXT: Step(_ask_text, _take_text),
        RemindStep.PREVIEW: Step(_ask_preview, _take_preview),
    },
)
