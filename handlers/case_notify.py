"""Who is told what when a case moves: through the outbox, in each person's language."""

from __future__ import annotations

from dataclasses import replace

from domain.case_flow import Action, Status
from handlers.case_access import relations_to
from handlers.case_card import card_reply
from handlers.context import Ctx
from handlers.messages import Choice
from i18n import catalog
from scheduler.delivery import reply_to_payload
from storage.ledger_records import CaseCard, Recipient

__all__ = ["notify", "tell"]

# (action, status after) → (who, message key). "unit": the holding unit's members;
# "reporter": the officer who logged it; "office": coordinators.
_WHO = {
    Action.ASSIGN: (("unit", "assigned"), ("reporter", "reporter_assigned")),
    Action.REASSIGN: (("unit", "assigned"), ("reporter", "reporter_assigned")),
    Action.ASK_REASSIGN: (("office", "reassign_asked"),),
    Action.RESOLVE: (("office", "resolved"),),
    Action.SEND_BACK: (("unit", "sent_back"),),
    Action.VERIFY: (("unit", "verified"),),
    Action.REOPEN: (("unit", "reopened"),),
}


async def _recipients(ctx: Ctx, card: CaseCard, who: str) -> list[Recipient]:
    ledger = ctx.tx.ledger
    if who == "unit":
        return await ledger.members_of(card.holder_unit_id) if card.holder_unit_id else []
    if who == "office":
        return await ledger.coordinators()
    return await ledger.recipient(card.reporter_id)


async def tell(
    ctx: Ctx,
    card: CaseCard,
    recipient: Recipient,
    key: str,
    dedup: str,
    answers: tuple[Choice, ...] = (),
) -> bool:
    """Queue the card for one person, in their language, with the buttons they may press
    (`answers` first, when the message asks for something). False if already queued."""
    person = await ctx.tx.directory.person(recipient.person_id)
    if person is None:
        return False
    theirs = replace(ctx, t=catalog(recipient.language or ctx.t.language), person=person)
    notice = theirs.t(f"ledger.notify.{key}", number=card.number)
    reply = await card_reply(theirs, card, await relations_to(theirs, card), notice=notice)
    if answers:
        reply = replace(reply, choices=(answers, *reply.choices))
    return await ctx.tx.outbox.enqueue(
        recipient.platform, recipient.chat_id, reply_to_payload(reply), ctx.now, dedup_key=dedup
    )


async def notify(ctx: Ctx, card: CaseCard, action: Action) -> None:
    plan = list(_WHO.get(action, ()))
    if action is Action.FOLLOW_UP:
        closed = card.status == Status.CLOSED.value
        plan = [("reporter", "reporter_closed")] if closed else [("unit", "reopened")]
    me = ctx.member().id
    for who, key in plan:
        for recipient in await _recipients(ctx, card, who):
            if recipient.person_id != me:
                dedup = f"case:{card.id}:{card.version}:{recipient.person_id}:{recipient.platform}"
                await tell(ctx, card, recipient, key, dedup)
