"""The daily spot check's draw (日抽查): each working day, a sample of the previous one."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.sampling import draw_sample, previous_workday
from handlers.context import CaseRules, Ctx, Links
from handlers.messages import Reply
from handlers.spot_card import check_card
from i18n import catalog
from scheduler.delivery import reply_to_payload
from storage import Store

__all__ = ["draw_spot_checks"]


async def draw_spot_checks(
    store: Store,
    now: datetime,
    zone: ZoneInfo,
    language: str,
    links: Links,
    rules: CaseRules,
    size: int,
    rng: random.Random,
) -> int:
    """Draw today's sample and queue it for every coordinator; the number of entries drawn.

    Nothing on a day off (a 调休 weekend is a working day). Once a day: a second run the
    same day draws nothing, even when the first found nothing to draw.
    """
    today = now.astimezone(zone).date()
    if not rules.is_workday(today):
        return 0
    day = previous_workday(today, rules.is_workday)
    if day is None:
        return 0
    start = datetime.combine(day, time(), zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(), zone).astimezone(UTC)
    async with store.transaction() as tx:
        spots = tx.spot_checks
        if not await spots.begin_draw(today, day, now):
            return 0
        logged = await spots.logged_on(day, start, end)
        sample = draw_sample(logged, size, rng)
        ids = await spots.add(today, day, sample)
        checks = [check for i in ids if (check := await spots.check(i)) is not None]
        if not checks:
            return 0
        ctx = Ctx.for_system(tx, now, zone, catalog(language), links, rules)
        units = len({item.unit_id for item in logged})
        for coordinator in await tx.ledger.coordinators():
            theirs = replace(ctx, t=catalog(coordinator.language or language))
            header = theirs.t(
                "spot.drawn",
                day=day.isoformat(),
                logged=len(logged),
                units=units,
                count=len(checks),
            )
            messages = [(f"spot-day:{today}", Reply(header))]
            for n, check in enumerate(checks, 1):
                heading = theirs.t("spot.card_numbered", n=n, total=len(checks), id=check.id)
                messages.append((f"spot:{check.id}", await check_card(theirs, check, heading)))
            for key, reply in messages:
                await tx.outbox.enqueue(
                    coordinator.platform,
                    coordinator.chat_id,
                    reply_to_payload(reply),
                    now,
                    dedup_key=f"{key}:{coordinator.person_id}:{coordinator.platform}",
                )
    return len(checks)
