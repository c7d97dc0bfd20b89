"""`zoufang bulletin daily|weekly|monthly [--date D] [--send]`: print a bulletin, or queue it."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from pathlib import Path

from bot.case_rules import FileCaseRules
from bot.cli_support import Failed, opened
from bot.settings import Settings
from bulletins.compose import compute, render, spot_line
from bulletins.figures import IsWorkday
from domain.campaigns import BulletinKind, Campaign
from domain.clock import SystemClock
from domain.dates import DateError, parse_day
from domain.schedule import Occurrence
from domain.workdays import DeadlinePolicy
from i18n import catalog
from i18n.catalog import Catalog
from scheduler.bulletin_jobs import publish, within_campaign
from storage import Store

__all__ = ["add_bulletin_arguments", "run_bulletin"]


def add_bulletin_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "kind",
        choices=[kind.value for kind in BulletinKind],
        help="daily 日报 / weekly 周调度 / monthly 月小结",
    )
    parser.add_argument(
        "--date",
        metavar="DATE",
        help="its day: YYYY-MM-DD, 11-20 or 昨天 (default: today in the campaign's zone)",
    )
    parser.add_argument(
        "--chart-out", type=Path, metavar="FILE.png", help="also write its chart to this file"
    )
    parser.add_argument(
        "--send",
        action="store_true",
        help="queue it for the groups bound to the campaign; each day's bulletin is sent once",
    )


def _workdays(settings: Settings, t: Catalog) -> IsWorkday:
    """The working-day calendar the bot uses; a bad override file is reported, not fatal."""
    policy = DeadlinePolicy(settings.urgent_workdays, settings.normal_workdays)
    rules = FileCaseRules(None, settings.calendar_file, policy)
    for p in rules.reload(set()):
        print(
            t(
                "cli.bulletin.calendar_problem",
                file=p.file,
                line=p.line,
                code=p.code,
                detail=p.detail,
            ),
            file=sys.stderr,
        )
    return rules.is_workday


async def run_bulletin(settings: Settings, args: argparse.Namespace) -> int:
    t = catalog(settings.language)
    kind = BulletinKind(args.kind)
    now = SystemClock().now()
    async with opened(settings) as store:
        async with store.transaction() as tx:
            campaign = await tx.campaigns.active()
        if campaign is None:
            print(f"error: {t('cli.bulletin.no_active')}", file=sys.stderr)
            return 2
        today = now.astimezone(campaign.zone).date()
        try:
            day = parse_day(args.date, today) if args.date else today
        except DateError:
            print(f"error: {t('cli.bulletin.bad_date', value=args.date)}", file=sys.stderr)
            return 2
        is_workday = _workdays(settings, t)
        async with store.transaction() as tx:
            figures = await compute(tx, campaign, kind, day, None, is_workday)
            spot = await spot_line(tx, t, figures, None)
        bulletin = await render(t, figures, spot=spot, chart=args.chart_out is not None)
        print(bulletin.text)
        if args.chart_out is not None:
            if bulletin.chart is None:
                print(t("cli.bulletin.no_chart"), file=sys.stderr)
            else:
                args.chart_out.write_bytes(bulletin.chart)
                print(t("cli.bulletin.chart_written", path=args.chart_out), file=sys.stderr)
        if args.send:
            return await _send(store, settings, t, campaign, kind, day, now, is_workday)
    return 0


async def _send(
    store: Store,
    settings: Settings,
    t: Catalog,
    campaign: Campaign,
    kind: BulletinKind,
    day: date,
    now: datetime,
    is_workday: IsWorkday,
) -> int:
    """Queue through the scheduler's own path, so the day's run is claimed once for both."""
    name = t(f"campaign.kind.{kind.value}")
    if not within_campaign(campaign, kind, day):
        print(
            f"error: {t('cli.bulletin.outside', day=day, campaign=campaign.name, kind=name)}",
            file=sys.stderr,
        )
        return 2
    due = datetime.combine(day, campaign.timetable.at(kind), tzinfo=campaign.zone)
    if due > now:
        # Sending early would claim the day's run, and the groups would get these figures
        # instead of the ones of the bulletin's time.
        print(
            f"error: {t('cli.bulletin.not_yet', kind=name, due=f'{due:%Y-%m-%d %H:%M}')}",
            file=sys.stderr,
        )
        return 2
    async with store.transaction() as tx:
        targets = [
            b
            for b in await tx.campaigns.bindings(campaign.id)
            if kind in b.kinds and kind not in b.times and b.bound_at <= due
        ]
    if not targets:
        raise Failed(t("cli.bulletin.no_groups", campaign=campaign.name, kind=name))
    occurrence = Occurrence(kind.value, day, due)
    queued = await publish(store, campaign, occurrence, targets, now, settings.language, is_workday)
    if queued is None:
        print(t("cli.bulletin.already", kind=name, day=day))
        return 0
    late = t("cli.bulletin.queued_late") if queued.late else ""
    print(t("cli.bulletin.queued", kind=name, day=day, chats=queued.chats, late=late))
    return 0
