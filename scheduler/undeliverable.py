"""A group the bot can no longer post to (removed from it, robot deleted): unbound, and the
coordinator who bound it is told, instead of every later bulletin failing the same way; a
group that moved to a new id keeps its binding under it."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from handlers.messages import Reply
from i18n import catalog, language_for
from scheduler.delivery import reply_to_payload
from storage import Tx
from storage.records import OutboxItem

__all__ = ["Undeliverable", "group_moved"]


class Undeliverable:
    """The outbox's `on_failed`: only bound groups are acted on; a person who blocked the bot
    is simply not written to again."""

    def __init__(self, language: str) -> None:
        self._language = language

    async def __call__(self, tx: Tx, item: OutboxItem, reason: str, now: datetime) -> None:
        binding = await tx.campaigns.binding(item.platform, item.chat_id)
        if binding is None:
            return
        await tx.campaigns.unbind(item.platform, item.chat_id)
        if binding.bound_by is None:
            return
        for person in await tx.ledger.recipient(binding.bound_by):
            if (person.platform, person.chat_id) == (item.platform, item.chat_id):
                continue
            t = catalog(language_for(person.language, self._language))
            text = t(
                "campaign.group_lost",
                platform=t(f"campaign.platform.{item.platform}"),
                chat=item.chat_id,
                reason=reason[:200],
            )
            await tx.outbox.enqueue(
                person.platform,
                person.chat_id,
                reply_to_payload(Reply(text)),
                now,
                dedup_key=f"group-lost:{item.platform}:{item.chat_id}:{now:%Y%m%d}",
            )


async def group_moved(tx: Tx, platform: str, old_chat: str, new_chat: str) -> None:
    """The outbox's `on_moved`: a bound group upgraded to a supergroup keeps its bulletins."""
    binding = await tx.campaigns.binding(platform, old_chat)
    if binding is None:
        return
    await tx.campaigns.unbind(platform, old_chat)
    await tx.campaigns.bind(replace(binding, chat_id=new_chat))
