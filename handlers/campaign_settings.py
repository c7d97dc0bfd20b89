"""Campaign settings in the chat: quotas, the timetable (the campaign's or one group's), show."""

from __future__ import annotations

from dataclasses import replace

from domain.campaigns import (
    BulletinKind,
    Campaign,
    CampaignError,
    Quota,
    Timetable,
    parse_time_of_day,
)
from domain.numerals import parse_count
from domain.people import Unit
from domain.visits import TargetType
from handlers.context import Ctx
from handlers.messages import Reply
from storage.campaign_records import Binding

__all__ = ["group_schedule", "quota", "schedule", "show", "unit_named"]


async def unit_named(ctx: Ctx, text: str) -> Unit | None:
    """A unit by its code or its full name, as a coordinator types it."""
    word = text.strip()
    unit = await ctx.tx.directory.unit_by_code(word.upper())
    if unit is not None:
        return unit
    return next((u for u in await ctx.tx.directory.units() if u.name == word), None)


async def show(ctx: Ctx, campaign: Campaign) -> Reply:
    quotas = await ctx.tx.campaigns.quotas(campaign.id)
    bindings = await ctx.tx.campaigns.bindings(campaign.id)
    t = campaign.timetable
    return Reply(
        ctx.t(
            "campaign.show",
            name=campaign.name,
            start=campaign.starts_on.isoformat(),
            end=campaign.ends_on.isoformat(),
            zone=str(campaign.zone),
            quotas=len({q.unit_id for q in quotas}),
            groups=len(bindings),
            daily=f"{t.daily_at:%H:%M}",
            weekly=f"{t.weekly_at:%H:%M}",
            monthly=f"{t.monthly_at:%H:%M}",
            nudge=f"{t.nudge_at:%H:%M}",
            quiet=f"{t.quiet_from:%H:%M}–{t.quiet_until:%H:%M}",
        )
    )


async def quota(ctx: Ctx, campaign: Campaign, args: str) -> Reply:
    words = args.split()
    if len(words) != 3:
        return Reply(ctx.t("campaign.quota_usage"))
    unit = await unit_named(ctx, words[0])
    target = TargetType.from_word(words[1]) or _target_code(words[1])
    number = parse_count(words[2])
    if unit is None:
        return Reply(ctx.t("campaign.unknown_unit", code=words[0]))
    if target is None or number is None or number < 0:
        return Reply(ctx.t("campaign.quota_usage"))
    await ctx.tx.campaigns.set_quota(campaign.id, Quota(unit.id, target, number))
    return Reply(
        ctx.t("campaign.quota_set", unit=unit.name, target=ctx.t(f"target.{target}"), n=number)
    )


def _target_code(word: str) -> TargetType | None:
    try:
        return TargetType(word.lower())
    except ValueError:
        return None


_SCHEDULE_FIELDS = {
    "daily": "daily_at",
    "日报": "daily_at",
    "weekly": "weekly_at",
    "周调度": "weekly_at",
    "monthly": "monthly_at",
    "月小结": "monthly_at",
    "nudge": "nudge_at",
    "提醒": "nudge_at",
}


async def group_schedule(ctx: Ctx, binding: Binding | None, args: str) -> Reply:
    """A bound group's own time for a bulletin (the campaign's: /schedule in private)."""
    if binding is None:
        return Reply(ctx.t("campaign.not_bound"))
    words = args.split(maxsplit=1)
    kind = _KIND_OF_FIELD.get(_SCHEDULE_FIELDS.get(words[0].lower(), "")) if words else None
    if kind is None or len(words) < 2:
        return Reply(ctx.t("campaign.group_schedule_usage"))
    try:
        at = parse_time_of_day(words[1])
    except CampaignError:
        return Reply(ctx.t("campaign.bad_time", text=words[1]))
    await ctx.tx.campaigns.bind(replace(binding, times={**binding.times, kind: at}))
    return Reply(
        ctx.t("campaign.group_schedule_set", what=ctx.t(f"campaign.kind.{kind}"), at=f"{at:%H:%M}")
    )


_KIND_OF_FIELD = {
    "daily_at": BulletinKind.DAILY,
    "weekly_at": BulletinKind.WEEKLY,
    "monthly_at": BulletinKind.MONTHLY,
}


async def schedule(ctx: Ctx, campaign: Campaign, args: str) -> Reply:
    words = args.split(maxsplit=1)
    field = _SCHEDULE_FIELDS.get(words[0].lower()) if words else None
    if field is None or len(words) < 2:
        return Reply(ctx.t("campaign.schedule_usage"))
    try:
        at = parse_time_of_day(words[1])
    except CampaignError:
        return Reply(ctx.t("campaign.bad_time", text=words[1]))
    current = campaign.timetable
    changed = Timetable(
        daily_at=at if field == "daily_at" else current.daily_at,
        weekly_day=current.weekly_day,
        weekly_at=at if field == "weekly_at" else current.weekly_at,
        monthly_at=at if field == "monthly_at" else current.monthly_at,
        nudge_at=at if field == "nudge_at" else current.nudge_at,
        quiet_from=current.quiet_from,
        quiet_until=current.quiet_until,
    )
    await ctx.tx.campaigns.set_timetable(campaign.id, changed)
    return Reply(ctx.t("campaign.schedule_set", what=words[0], at=f"{at:%H:%M}"))
