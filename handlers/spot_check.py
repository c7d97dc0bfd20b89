"""Spot-check outcomes: recorded at a tap (核实无误) or after a reason (存疑 / 退回补正).

The first decision wins; a coordinator deciding later is told who decided. 退回补正 goes
to the officer who logged the entry, with the reason and a button to correct it.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from pydantic import BaseModel

from domain.sampling import SpotOutcome
from handlers.context import Ctx
from handlers.flow import Flow, Go, Stay, Step
from handlers.inputs import read_text
from handlers.menu import main_menu
from handlers.messages import Choice, Event, Reply
from handlers.spot_card import check_card, entry_text, load_entry, stamp
from i18n import catalog
from scheduler.delivery import reply_to_payload
from storage.spot_records import SpotCheck

__all__ = ["MAX_REASON", "SPOT", "decided_already", "record_outcome"]

MAX_REASON = 200


class SpotStep(StrEnum):
    REASON = "reason"


class SpotDraft(BaseModel):
    check_id: int = 0
    outcome: SpotOutcome = SpotOutcome.DOUBTFUL


def decided_already(ctx: Ctx, check: SpotCheck) -> Reply:
    assert check.outcome is not None
    assert check.decided_at is not None
    return Reply(
        ctx.t(
            "spot.decided_already",
            who=check.decided_by_name or ctx.t("ledger.system"),
            at=stamp(ctx, check.decided_at),
            outcome=ctx.t(f"spot.outcome.{check.outcome.value}"),
        )
    )


async def _return_to_officer(ctx: Ctx, check: SpotCheck) -> None:
    """The officer who logged the entry gets the reason and a button to correct it."""
    entry = await load_entry(ctx, check)
    for recipient in await ctx.tx.ledger.recipient(check.person_id):
        theirs = replace(ctx, t=catalog(recipient.language or ctx.t.language))
        text = theirs.t(
            "spot.returned_notice",
            who=ctx.member().name,
            reason=check.reason or "",
            entry=entry_text(theirs, entry),
        )
        fix = Choice(theirs.t("spot.correct_button"), f"s:fix:{check.id}")
        reply = Reply(text, choices=((fix,),))
        dedup = f"spot-return:{check.id}:{recipient.platform}"
        await ctx.tx.outbox.enqueue(
            recipient.platform, recipient.chat_id, reply_to_payload(reply), ctx.now, dedup
        )


async def record_outcome(
    ctx: Ctx, check_id: int, outcome: SpotOutcome, reason: str | None
) -> list[Reply]:
    """Decide the check if nobody has; the card as it now stands."""
    spots = ctx.tx.spot_checks
    decided = await spots.decide(check_id, outcome, reason, ctx.member().id, ctx.now)
    check = await spots.check(check_id)
    if check is None:
        return [Reply(ctx.t("stale.button"))]
    if not decided:
        return [decided_already(ctx, check)]
    if outcome is SpotOutcome.RETURNED:
        await _return_to_officer(ctx, check)
    card = await check_card(ctx, check)
    done = ctx.t(f"spot.done.{outcome.value}")
    return [Reply(f"{done}\n{card.text}", menu=main_menu(ctx.t, ctx.person))]


async def _begin(ctx: Ctx, args: str, draft: SpotDraft) -> Go:
    """`args`: "CHECK_ID OUTCOME"."""
    check_id, outcome = args.split()
    draft.check_id, draft.outcome = int(check_id), SpotOutcome(outcome)
    return Go(SpotStep.REASON)


async def _ask_reason(ctx: Ctx, draft: SpotDraft) -> Reply:
    return Reply(ctx.t(f"spot.ask_reason.{draft.outcome.value}", limit=MAX_REASON))


async def _take_reason(ctx: Ctx, event: Event, draft: SpotDraft) -> Go | Stay:
    reason = read_text(ctx, event, MAX_REASON, minimum=2)
    if isinstance(reason, Stay):
        return reason
    return Go(None, tuple(await record_outcome(ctx, draft.check_id, draft.outcome, reason)))


SPOT = Flow(
    name="spot",
    draft=SpotDraft,
    begin=_begin,
    steps={SpotStep.REASON: Step(_ask_reason, _take_reason)},
)
