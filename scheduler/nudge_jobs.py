"""Private nudges: to officers with nothing logged today, and to leads of units behind pace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bulletins.figures import IsWorkday, Row, daily_figures
from domain.schedule import NUDGE, Occurrence
from handlers.messages import Reply
from i18n import catalog, language_for
from scheduler.delivery import reply_to_payload
from storage import Store

__all__ = ["Nudged", "send_nudges"]


@dataclass(frozen=True, slots=True)
class Nudged:
    officers: int = 0
    leads: int = 0


async def send_nudges(store: Store, now: datetime, language: str, is_workday: IsWorkday) -> Nudged:
    """Once a day, from the nudge hour on a working day of the campaign, outside quiet hours;
    muted people are left alone. A day whose nudge hour passed in downtime is skipped once
    quiet hours begin."""
    async with store.transaction() as tx:
        campaign = await tx.campaigns.active()
        if campaign is None:
            return Nudged()
        local = now.astimezone(campaign.zone)
        today = local.date()
        timetable = campaign.timetable
        if (
            not campaign.runs_on(today)
            or not is_workday(today)
            or local.time() < timetable.nudge_at
            or timetable.is_quiet(local.time())
        ):
            return Nudged()
        due = datetime.combine(today, timetable.nudge_at, tzinfo=campaign.zone)
        if not await tx.campaigns.record_run(
            campaign.id, Occurrence(NUDGE, today, due), now, False
        ):
            return Nudged()
        officers = leads = 0
        for person in await tx.stats.idle_officers(today):
            t = catalog(language_for(person.language, language))
            officers += await tx.outbox.enqueue(
                person.platform,
                person.chat_id,
                reply_to_payload(Reply(t("nudge.officer", name=person.name))),
                now,
                dedup_key=f"nudge:officer:{person.person_id}:{today}",
            )
        daily = await daily_figures(tx, campaign, today, None, is_workday)
        # A lead anywhere under a unit behind pace answers for part of it.
        behind_of: dict[int, Row] = {}
        for row in daily.behind:
            for unit_id in await tx.ledger.subtree(row.unit.id):
                behind_of[unit_id] = row
        for person in await tx.stats.leads(tuple(behind_of)) if behind_of else []:
            row = behind_of[person.unit_id]
            t = catalog(language_for(person.language, language))
            text = t(
                "nudge.lead",
                unit=row.unit.name,
                completion=f"{row.standing.completion or 0:.0%}",
                expected=f"{row.standing.expected:.0%}",
            )
            leads += await tx.outbox.enqueue(
                person.platform,
                person.chat_id,
                reply_to_payload(Reply(text)),
                now,
                dedup_key=f"nudge:lead:{person.person_id}:{today}",
            )
    return Nudged(officers, leads)
