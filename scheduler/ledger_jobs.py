"""Ledger jobs: deadline reminders, and the weekly request for progress (一周一上报)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.case_flow import ProgressTag
from handlers.case_notify import tell
from handlers.context import CaseRules, Ctx, Links
from handlers.messages import Choice
from i18n import catalog
from storage import Store

__all__ = ["ask_for_progress", "remind_deadlines"]

PROGRESS_EVERY = timedelta(days=7)


async def remind_deadlines(
    store: Store, now: datetime, zone: ZoneInfo, language: str, links: Links, rules: CaseRules
) -> int:
    """On a working day, remind each holding unit of cases due today or by the next working day.

    Safe to run more than once a day: each reminder is keyed by case, day and person.
    """
    today = now.astimezone(zone).date()
    if not rules.is_workday(today):
        return 0
    queued = 0
    async with store.transaction() as tx:
        ctx = Ctx.for_system(tx, now, zone, catalog(language), links, rules)
        for card in await tx.ledger.due_between(today, rules.next_workday(today)):
            key = "due_today" if card.deadline == today else "due_soon"
            assert card.holder_unit_id is not None
            for person in await tx.ledger.members_of(card.holder_unit_id):
                dedup = f"due:{card.id}:{today}:{person.person_id}:{person.platform}"
                queued += await tell(ctx, card, person, key, dedup)
    return queued


async def ask_for_progress(
    store: Store, now: datetime, zone: ZoneInfo, language: str, links: Links, rules: CaseRules
) -> int:
    """Ask the holding unit for a note on every case in progress with none for a week.

    The request carries one-tap answers (办理中 / 已办结 / 需协调) that open the note step.
    Asked at most once per case per week.
    """
    today = now.astimezone(zone).date()
    if not rules.is_workday(today):
        return 0
    week = today.isocalendar()
    queued = 0
    async with store.transaction() as tx:
        ctx = Ctx.for_system(tx, now, zone, catalog(language), links, rules)
        for card in await tx.ledger.needing_progress(now - PROGRESS_EVERY):
            assert card.holder_unit_id is not None
            for person in await tx.ledger.members_of(card.holder_unit_id):
                answers = tuple(
                    Choice(
                        catalog(person.language or language)(f"ledger.tag.{tag.value}"),
                        f"t:{card.id}:{card.version}:{tag.value}",
                    )
                    for tag in ProgressTag
                )
                dedup = f"progress:{card.id}:{week.year}-{week.week}:{person.person_id}"
                queued += await tell(ctx, card, person, "progress_due", dedup, answers)
    return queued
