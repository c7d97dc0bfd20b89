"""`zoufang campaign create|quotas|show|activate|list`: campaigns, quotas, bound groups."""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

from bot.cli_support import Failed, Handler, Refused, aligned, campaign_named, opened, refusing
from bot.imports import read_table
from bot.quota_import import read_quotas
from bot.robot_command import bind_robot, unbind
from bot.settings import Settings
from domain.campaigns import Campaign, CampaignError, CampaignProblem, Quota, check_campaign
from domain.clock import SystemClock
from domain.numerals import to_halfwidth
from domain.people import Unit
from domain.visits import TargetType
from i18n import catalog
from i18n.catalog import Catalog
from storage.campaign_records import Binding

__all__ = ["add_campaign_commands"]

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _day(t: Catalog, option: str, text: str) -> date:
    try:
        return date.fromisoformat(to_halfwidth(text).strip())
    except ValueError:
        raise Refused(t("cli.campaign.bad_date", option=option, value=text)) from None


def _problem(t: Catalog, error: CampaignError, start: date, end: date, zone: str) -> str:
    if error.problem is CampaignProblem.END_BEFORE_START:
        return t("cli.campaign.end_before_start", start=start, end=end)
    if error.problem is CampaignProblem.BAD_ZONE:
        return t("cli.campaign.bad_zone", zone=zone)
    return t("cli.campaign.empty_name")


def _imported(t: Catalog, campaign: Campaign, quotas: list[Quota]) -> str:
    units = len({quota.unit_id for quota in quotas})
    return t("cli.campaign.quotas_imported", name=campaign.name, count=len(quotas), units=units)


# commands ───────────────────────────────────────────────────────────────────


async def _create(settings: Settings, args: argparse.Namespace) -> int:
    t = catalog(settings.language)
    start, end = _day(t, "--start", args.start), _day(t, "--end", args.end)
    zone = args.zone or settings.timezone
    try:
        new = check_campaign(args.name, start, end, zone)
    except CampaignError as error:
        raise Refused(_problem(t, error, start, end, zone)) from None
    if new.zone != settings.timezone:
        # Deadlines, spot checks and case numbers run on TIMEZONE: a campaign elsewhere would
        # count "today" differently from them.
        raise Refused(t("cli.campaign.other_zone", zone=new.zone, timezone=settings.timezone))
    table = read_table(args.quotas) if args.quotas else None
    # One transaction: a bad quota file leaves no half-made campaign behind.
    async with opened(settings) as store, store.transaction() as tx:
        if await tx.campaigns.by_name(new.name) is not None:
            raise Failed(t("cli.campaign.name_taken", name=new.name))
        campaign = await tx.campaigns.create(new, SystemClock().now())
        quotas = read_quotas(table, await tx.directory.units(), t) if table else []
        if quotas:
            await tx.campaigns.replace_quotas(campaign.id, quotas)
        if args.activate:
            await tx.campaigns.activate(campaign.id)
    print(t("cli.campaign.created", name=new.name, start=start, end=end, zone=new.zone))
    if table:
        print(_imported(t, campaign, quotas))
    if args.activate:
        print(t("cli.campaign.activated", name=new.name))
    return 0


async def _quotas(settings: Settings, args: argparse.Namespace) -> int:
    t = catalog(settings.language)
    table = read_table(args.file)
    async with opened(settings) as store, store.transaction() as tx:
        campaign = await campaign_named(tx, t, args.campaign)
        quotas = read_quotas(table, await tx.directory.units(), t)
        await tx.campaigns.replace_quotas(campaign.id, quotas)
    print(_imported(t, campaign, quotas))
    return 0


async def _activate(settings: Settings, args: argparse.Namespace) -> int:
    t = catalog(settings.language)
    async with opened(settings) as store, store.transaction() as tx:
        campaign = await campaign_named(tx, t, args.name)
        await tx.campaigns.activate(campaign.id)
    print(t("cli.campaign.activated", name=campaign.name))
    return 0


async def _list(settings: Settings, args: argparse.Namespace) -> int:
    t = catalog(settings.language)
    async with opened(settings) as store, store.transaction() as tx:
        campaigns = await tx.campaigns.all()
    if not campaigns:
        print(t("cli.campaign.none"))
        return 0
    keys = ("campaign", "start", "end", "zone", "state")
    header: list[tuple[str, ...]] = [tuple(t(f"cli.campaign.{key}") for key in keys)]
    rows: list[tuple[str, ...]] = [
        (
            c.name,
            str(c.starts_on),
            str(c.ends_on),
            c.zone.key,
            t("cli.campaign.is_active") if c.active else "",
        )
        for c in campaigns
    ]
    print("\n".join(aligned(header + rows)))
    return 0


async def _show(settings: Settings, args: argparse.Namespace) -> int:
    t = catalog(settings.language)
    async with opened(settings) as store, store.transaction() as tx:
        campaign = await campaign_named(tx, t, args.name)
        quotas = await tx.campaigns.quotas(campaign.id)
        bindings = await tx.campaigns.bindings(campaign.id)
        units = {unit.id: unit for unit in await tx.directory.units()}
    tt = campaign.timetable
    active = t("cli.campaign.active") if campaign.active else ""
    lines = [
        t("cli.campaign.title", name=campaign.name, active=active),
        t(
            "cli.campaign.dates",
            start=campaign.starts_on,
            end=campaign.ends_on,
            zone=campaign.zone.key,
        ),
        t(
            "cli.campaign.timetable",
            daily=f"{tt.daily_at:%H:%M}",
            weekday=t(f"cli.campaign.weekday.{_WEEKDAYS[tt.weekly_day]}"),
            weekly=f"{tt.weekly_at:%H:%M}",
            monthly=f"{tt.monthly_at:%H:%M}",
            nudge=f"{tt.nudge_at:%H:%M}",
            quiet_from=f"{tt.quiet_from:%H:%M}",
            quiet_until=f"{tt.quiet_until:%H:%M}",
        ),
        "",
    ]
    if quotas:
        lines += [t("cli.campaign.quotas"), *aligned(_quota_rows(t, quotas, units))]
    else:
        lines.append(t("cli.campaign.no_quotas"))
    lines.append("")
    if bindings:
        lines += [t("cli.campaign.groups"), *aligned(_binding_rows(t, bindings, units))]
    else:
        lines.append(t("cli.campaign.no_groups"))
    print("\n".join(lines))
    return 0


def _quota_rows(t: Catalog, quotas: list[Quota], units: dict[int, Unit]) -> list[tuple[str, ...]]:
    """One row per unit, one column per target type that has any quota, and the unit's total."""
    targets = [target for target in TargetType if any(q.target is target for q in quotas)]
    by_unit: dict[int, dict[TargetType, int]] = defaultdict(dict)
    for quota in quotas:
        by_unit[quota.unit_id][quota.target] = quota.quota
    header = (
        t("cli.campaign.unit"),
        t("cli.campaign.name"),
        *(t(f"target.{target.value}") for target in targets),
        t("cli.campaign.total"),
    )
    rows = [
        (
            units[unit_id].code,
            units[unit_id].name,
            *(str(by_unit[unit_id].get(target, "")) for target in targets),
            str(sum(by_unit[unit_id].values())),
        )
        for unit_id in sorted(by_unit, key=lambda unit_id: units[unit_id].code)
    ]
    sums = (str(sum(q.quota for q in quotas if q.target is target)) for target in targets)
    total = (t("cli.campaign.total"), "", *sums, str(sum(q.quota for q in quotas)))
    return [header, *rows, total]


def _binding_rows(
    t: Catalog, bindings: list[Binding], units: dict[int, Unit]
) -> list[tuple[str, ...]]:
    keys = ("platform", "chat", "group_title", "scope", "kinds")
    rows: list[tuple[str, ...]] = [tuple(t(f"cli.campaign.{key}") for key in keys)]
    for b in bindings:
        unit = units.get(b.unit_id) if b.unit_id is not None else None
        scope = f"{unit.name} ({unit.code})" if unit else t("cli.campaign.whole")
        kinds = " ".join(t(f"campaign.kind.{kind.value}") for kind in b.kinds)
        rows.append((b.platform, b.chat_id, b.title, scope, kinds))
    return rows


# parsing ────────────────────────────────────────────────────────────────────


async def _usage(settings: Settings, args: argparse.Namespace) -> int:
    args.campaign_parser.print_help(sys.stderr)
    return 2


def add_campaign_commands(parser: argparse.ArgumentParser) -> None:
    """`campaign create|quotas|show|activate|list` under `parser`."""
    parser.set_defaults(handler=_usage, campaign_parser=parser)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, handler: Handler, text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text, description=text)
        sub.set_defaults(handler=refusing(handler))
        return sub

    quotas_help = (
        ".csv or .xlsx; columns unit code, target, quota (单位代码, 走访对象, 走访任务数);"
        " target: household/enterprise/school/village/community/other"
        " or 住户/企业/学校/村/社区/其他"
    )
    create = command("create", _create, "create a campaign (创建活动)")
    create.add_argument("--name", required=True, help="the campaign's name, e.g. 2025年冬季大走访")
    create.add_argument("--start", required=True, metavar="YYYY-MM-DD", help="first day")
    create.add_argument("--end", required=True, metavar="YYYY-MM-DD", help="last day, included")
    create.add_argument("--zone", metavar="ZONE", help="time zone (default: TIMEZONE)")
    create.add_argument("--activate", action="store_true", help="make it the active campaign")
    create.add_argument("--quotas", type=Path, metavar="FILE", help=quotas_help)
    quotas = command(
        "quotas", _quotas, "replace a campaign's quotas from a file; all rows are checked first"
    )
    quotas.add_argument("file", type=Path, metavar="FILE", help=quotas_help)
    quotas.add_argument("--campaign", metavar="NAME", help="default: the active campaign")
    show = command("show", _show, "dates, timetable, quotas and bound groups of a campaign")
    show.add_argument("name", nargs="?", metavar="NAME", help="default: the active campaign")
    activate = command("activate", _activate, "make a campaign the active one (one at a time)")
    activate.add_argument("name", metavar="NAME")
    command("list", _list, "every campaign, the active one marked")
    robot = command("bind-robot", bind_robot, "bind a WeCom group by its group robot's webhook")
    robot.add_argument("webhook", metavar="URL", help="the robot's webhook address, or its key")
    robot.add_argument("--unit", metavar="CODE", help="only this unit's subtree (default: all)")
    robot.add_argument("--kinds", metavar="KINDS", help="daily,weekly,monthly (default: all)")
    robot.add_argument("--campaign", metavar="NAME", help="default: the active campaign")
    gone = command("unbind", unbind, "stop bulletins to a bound group")
    gone.add_argument("platform", choices=("telegram", "wecom"))
    gone.add_argument("chat", metavar="CHAT", help="Telegram chat id, or the robot's webhook/key")
