"""Applying an action to a case: check it is still as shown, move it, record it, tell people."""

from __future__ import annotations

from domain.case_flow import Action, ActionRequest, Refused, Status, transition
from handlers.case_access import relations_to, scope_of, visible
from handlers.case_card import card_reply
from handlers.case_notify import notify
from handlers.context import Ctx
from handlers.messages import Reply
from storage.ledger_records import CaseCard, CaseChange

__all__ = ["act", "as_drawn", "open_card"]


async def _visible_card(ctx: Ctx, case_id: int) -> CaseCard | None:
    card = await ctx.tx.ledger.card_by_id(case_id)
    if card is None or not visible(await scope_of(ctx), card):
        return None  # a case the person may not see is answered as if it did not exist
    return card


async def open_card(ctx: Ctx, case_id: int, notice: str | None = None) -> list[Reply]:
    card = await _visible_card(ctx, case_id)
    if card is None:
        return [Reply(ctx.t("ledger.not_found"))]
    return [await card_reply(ctx, card, await relations_to(ctx, card), notice=notice)]


async def _changed_meanwhile(ctx: Ctx, card: CaseCard) -> list[Reply]:
    events = await ctx.tx.ledger.history(card.id)
    last = events[-1]
    notice = ctx.t(
        "ledger.changed_meanwhile",
        number=card.number,
        who=last.actor_name or ctx.t("ledger.system"),
        status=ctx.t(f"case_status.{card.status}"),
    )
    return [await card_reply(ctx, card, await relations_to(ctx, card), notice=notice)]


async def as_drawn(ctx: Ctx, case_id: int, version: int) -> CaseCard | list[Reply]:
    """The case if it is still as its button showed it; otherwise what to tell the person."""
    card = await _visible_card(ctx, case_id)
    if card is None:
        return [Reply(ctx.t("ledger.not_found"))]
    if card.version != version:
        return await _changed_meanwhile(ctx, card)
    return card


async def act(
    ctx: Ctx, case_id: int, version: int, action: Action, request: ActionRequest
) -> list[Reply]:
    """Do `action` on the case as drawn at `version`, or say why not; nothing half-done."""
    card = await as_drawn(ctx, case_id, version)
    if isinstance(card, list):
        return card
    relations = await relations_to(ctx, card)
    outcome = transition(
        Status(card.status),
        action,
        relations,
        request,
        today=ctx.today,
        holder_unit_id=card.holder_unit_id,
    )
    if isinstance(outcome, Refused):
        return [Reply(ctx.t(f"ledger.refused.{outcome.reason.value}", number=card.number))]
    event = outcome.event
    detail = {
        key: value
        for key, value in (
            ("tag", event.tag.value if event.tag else None),
            ("deadline", event.deadline.isoformat() if event.deadline else None),
            ("satisfaction", event.satisfaction.value if event.satisfaction else None),
        )
        if value
    }
    applied = await ctx.tx.ledger.apply(
        CaseChange(
            case_id=card.id,
            expected_version=version,
            actor_id=ctx.member().id,
            action=action.value,
            from_status=card.status,
            to_status=outcome.to.value,
            at=ctx.now,
            note=event.note or event.resolution or event.response,
            holder_unit_id=event.unit_id,
            deadline=event.deadline,
            resolution=event.resolution,
            contact_method=event.contact.value if event.contact else None,
            followup_response=event.response,
            satisfaction=event.satisfaction.value if event.satisfaction else None,
            progress=action is Action.PROGRESS,
            detail=detail,
        )
    )
    moved = await ctx.tx.ledger.card_by_id(card.id)
    assert moved is not None
    if not applied:
        return await _changed_meanwhile(ctx, moved)
    await notify(ctx, moved, action)
    notice = ctx.t(f"ledger.done.{action.value}", number=moved.number)
    return [await card_reply(ctx, moved, await relations_to(ctx, moved), notice=notice)]
