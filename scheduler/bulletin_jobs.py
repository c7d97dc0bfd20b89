"""Bulletins to bound group chats: computed when due, queued once, marked late if missed."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from bulletins.compose import Bulletin, compute, render, spot_line
from bulletins.figures import IsWorkday
from domain.campaigns import BulletinKind, Campaign
from domain.schedule import Occurrence, latest_due
from handlers.messages import Image, Reply
from i18n import catalog
from scheduler.delivery import queue_reply
from storage import Store, Tx
from storage.campaign_records import Binding

__all__ = ["Queued", "bulletin_dedup", "publish", "run_due_bulletins", "within_campaign"]

log = logging.getLogger(__name__)

# Weekly and monthly bulletins look back: the ones just after the campaign ends still count.
_AFTERGLOW = {BulletinKind.DAILY: 0, BulletinKind.WEEKLY: 7, BulletinKind.MONTHLY: 31}


@dataclass(frozen=True, slots=True)
class Queued:
    kind: BulletinKind
    day: date
    chats: int
    late: bool


def within_campaign(campaign: Campaign, kind: BulletinKind, day: date) -> bool:
    if kind is BulletinKind.DAILY:
        return campaign.runs_on(day)
    last = campaign.ends_on + timedelta(days=_AFTERGLOW[kind])
    return campaign.starts_on < day <= last


def bulletin_dedup(campaign_id: int, kind: BulletinKind, day: date, binding: Binding) -> str:
    return f"bulletin:{campaign_id}:{kind.value}:{day}:{binding.platform}:{binding.chat_id}"


async def run_due_bulletins(
    store: Store, now: datetime, language: str, is_workday: IsWorkday
) -> list[Queued]:
    """Queue every bulletin whose latest occurrence has not run yet (at most one per kind)."""
    async with store.transaction() as tx:
        campaign = await tx.campaigns.active()
        bindings = await tx.campaigns.bindings(campaign.id) if campaign else []
    if campaign is None or not bindings:
        return []
    done = []
    for kind in BulletinKind:
        # Groups with their own time for this bulletin get it apart, computed at that time.
        by_time: dict[time | None, list[Binding]] = defaultdict(list)
        for binding in bindings:
            if kind in binding.kinds:
                by_time[binding.times.get(kind)].append(binding)
        for own, group in by_time.items():
            timetable = campaign.timetable.with_times({kind: own} if own else {})
            occurrence = latest_due(kind, now, campaign.zone, timetable, is_workday)
            if occurrence is None or not within_campaign(campaign, kind, occurrence.day):
                continue
            if own is not None:
                occurrence = replace(occurrence, suffix=f"@{own:%H:%M}")
            targets = [b for b in group if b.bound_at <= occurrence.due_at]
            if not targets:
                continue
            queued = await publish(store, campaign, occurrence, targets, now, language, is_workday)
            if queued is not None:
                done.append(queued)
    return done


async def publish(
    store: Store,
    campaign: Campaign,
    occurrence: Occurrence,
    targets: list[Binding],
    now: datetime,
    language: str,
    is_workday: IsWorkday,
) -> Queued | None:
    """Compute once per scope, draw outside any transaction, then claim the run and queue every
    chat in one transaction: a crash leaves either nothing or everything queued."""
    async with store.transaction() as tx:
        if await _ran(tx, campaign, occurrence):
            return None
    kind = BulletinKind(occurrence.kind)
    late = occurrence.is_late(now)
    t = catalog(language)
    by_scope: dict[int | None, list[Binding]] = defaultdict(list)
    for binding in targets:
        by_scope[binding.unit_id].append(binding)
    made: dict[int | None, Bulletin] = {}
    for root_id in by_scope:
        async with store.transaction() as tx:
            figures = await compute(tx, campaign, kind, occurrence.day, root_id, is_workday)
            spot = await spot_line(tx, t, figures, root_id)
        late_due = occurrence.due_at if late else None
        made[root_id] = await render(t, figures, spot=spot, late_due=late_due)
    async with store.transaction() as tx:
        if not await tx.campaigns.record_run(campaign.id, occurrence, now, late):
            return None
        for root_id, chats in by_scope.items():
            bulletin = made[root_id]
            image = Image(bulletin.chart, "chart.png") if bulletin.chart else None
            for binding in chats:
                await queue_reply(
                    tx.outbox,
                    binding.platform,
                    binding.chat_id,
                    Reply(bulletin.text, image=image),
                    now,
                    bulletin_dedup(campaign.id, kind, occurrence.day, binding),
                )
    if late:
        log.warning(
            "%s bulletin for %s sent late (was due %s)",
            occurrence.kind,
            occurrence.day,
            occurrence.due_at,
        )
    return Queued(kind, occurrence.day, len(targets), late)


async def _ran(tx: Tx, campaign: Campaign, occurrence: Occurrence) -> bool:
    return await tx.campaigns.has_run(campaign.id, occurrence)
