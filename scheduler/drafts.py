"""Unfinished drafts: one reminder after a while idle, and expiry after a day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers.choices import shown_in
from handlers.messages import Choice, Reply
from i18n import catalog
from scheduler.delivery import reply_to_payload
from storage import Store

__all__ = ["DraftSweep", "sweep_drafts"]


@dataclass(frozen=True, slots=True)
class DraftSweep:
    reminded: int
    expired: int


async def sweep_drafts(
    store: Store, now: datetime, remind_after: timedelta, expire_after: timedelta
) -> DraftSweep:
    """Expire old drafts and queue one reminder for each draft idle since `remind_after`.

    Safe to run any number of times: a draft is reminded once (until touched again), and
    the outbox refuses a second reminder with the same key.
    """
    reminded = 0
    async with store.transaction() as tx:
        expired = await tx.conversations.expire(now - expire_after)
        for state in await tx.conversations.idle_since(now - remind_after):
            await tx.conversations.mark_reminded(state.platform, state.user_id, now)
            if state.flow == "join":
                continue  # not a member yet: nothing of theirs to lose
            t = catalog(state.language)
            reminder = Reply(
                t("reminder.draft", flow=t(f"flow.{state.flow}")),
                choices=(
                    (
                        Choice(t("reminder.resume"), f"g:resume:{state.draft_id}"),
                        Choice(t("reminder.discard"), f"g:discard:{state.draft_id}"),
                    ),
                ),
            )
            await tx.conversations.show(state.platform, state.user_id, shown_in([reminder]))
            reminded += await tx.outbox.enqueue(
                state.platform,
                state.chat_id,
                reply_to_payload(reminder),
                due_at=now,
                dedup_key=f"draft-reminder:{state.draft_id}:{state.updated_at.isoformat()}",
            )
    return DraftSweep(reminded=reminded, expired=expired)
