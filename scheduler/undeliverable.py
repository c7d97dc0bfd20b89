"""A group the bot can no longer post to (removed from it, robot deleted): unbound, and the
coordinator who bound it is told, instead of every later bulletin failing the same way."""

from __future__ import annotations

from datetime import datetime

from handlers.messages import Reply
from i18n import catalog, language_for
from scheduler.delivery import reply_to_payload
from storage import Tx
from storage.records import OutboxItem

__all__ = ["Undeliverable"]


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
