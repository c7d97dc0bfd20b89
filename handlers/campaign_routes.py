"""Campaign commands: binding group chats, stats, the digest preview and charts, mutes."""

from __future__ import annotations

import asyncio

from bulletins.compose import compute, draw, render
from domain.campaigns import (
    BulletinKind,
    Campaign,
    CampaignError,
    parse_kinds,
)
from domain.robots import robot_chat_id
from handlers import commands
from handlers.campaign_settings import group_schedule, quota, schedule, show, unit_named
from handlers.context import Ctx
from handlers.messages import Command, Event, Image, Reply
from i18n.catalog import Catalog
from scheduler.delivery import queue_reply
from storage import Store
from storage.campaign_records import Binding

__all__ = ["bound_text", "campaign_command", "group_event"]

_GROUP_COMMANDS = ("bind", "unbind", "schedule", "stats", "chart", "help")
_PRIVATE_COMMANDS = (
    "stats",
    "digest",
    "chart",
    "quota",
    "schedule",
    "campaign",
    "bind",
    "bindrobot",
)


async def group_event(ctx: Ctx, event: Event) -> list[Reply]:
    """What the bot answers in a group chat: only the campaign's commands; nothing to chatter.

    An empty answer to a command lets the channel point the person to a private chat.
    """
    if not isinstance(event, Command) or event.name not in _GROUP_COMMANDS:
        return []
    if event.name == "help":
        return [Reply(ctx.t("campaign.group_help"))]
    binding_command = event.name in ("bind", "unbind", "schedule")
    if binding_command and (ctx.person is None or not ctx.person.role.may_invite):
        return [Reply(ctx.t("campaign.bind_refused"))]
    campaign = await ctx.tx.campaigns.active()
    if campaign is None:
        return [Reply(ctx.t("campaign.none"))]
    binding = await ctx.tx.campaigns.binding(ctx.actor.platform, ctx.actor.chat_id)
    if event.name == "schedule":
        return [await group_schedule(ctx, binding, event.args)]
    if binding_command:
        if event.name == "unbind":
            gone = await ctx.tx.campaigns.unbind(ctx.actor.platform, ctx.actor.chat_id)
            return [Reply(ctx.t("campaign.unbound" if gone else "campaign.not_bound"))]
        bound, _ = await _bind(ctx, campaign, event.args, ctx.actor.platform, ctx.actor.chat_id)
        return [bound]
    # Figures go only to a group bound to them, and only to people of the campaign.
    if ctx.person is None:
        return []
    if binding is None:
        return [Reply(ctx.t("campaign.not_bound"))]
    if event.name == "chart":
        return await _chart(ctx, campaign, binding.unit_id)
    return [await _stats(ctx, campaign, binding.unit_id)]


async def campaign_command(ctx: Ctx, name: str, args: str) -> list[Reply] | None:
    """The answer to a campaign command in a private chat, or None if `name` is not one."""
    if name in ("mute", "unmute"):
        await ctx.tx.campaigns.set_muted(ctx.member().id, name == "mute")
        return [Reply(ctx.t(f"campaign.{name}d"))]
    if name not in _PRIVATE_COMMANDS:
        return None
    if name == "bind":
        return [Reply(ctx.t("campaign.bind_in_group"))]
    campaign = await ctx.tx.campaigns.active()
    if campaign is None:
        return [Reply(ctx.t("campaign.none"))]
    person = ctx.member()
    coordinator = person.role.may_invite
    if name == "stats":
        if args.strip().lower() in ("me", "我", "my"):
            return [await commands.my_progress(ctx)]
        unit = await unit_named(ctx, args) if args.strip() else None
        if args.strip() and unit is None:
            return [Reply(ctx.t("campaign.unknown_unit", code=args.strip()))]
        root = unit.id if unit else (None if coordinator else await _home(ctx, campaign))
        return [await _stats(ctx, campaign, root)]
    if name == "chart":
        return await _chart(ctx, campaign, None if coordinator else await _home(ctx, campaign))
    if name == "digest":
        return await _digest(ctx, campaign, None if coordinator else await _home(ctx, campaign))
    if name == "campaign":
        return [await show(ctx, campaign)]
    if not coordinator:
        return [commands.not_understood(ctx)]
    if name == "quota":
        return [await quota(ctx, campaign, args)]
    if name == "bindrobot":
        return [await _bind_robot(ctx, campaign, args)]
    return [await schedule(ctx, campaign, args)]


async def _home(ctx: Ctx, campaign: Campaign) -> int:
    """The unit whose quota a person's visits count toward (their own, or the nearest above
    with a quota): an officer of a police station sees the district they report into."""
    unit_id = ctx.member().unit_id
    with_quota = {quota.unit_id for quota in await ctx.tx.campaigns.quotas(campaign.id)}
    for candidate in (unit_id, *await ctx.tx.ledger.ancestors(unit_id)):
        if candidate in with_quota:
            return candidate
    return unit_id


async def _bind(
    ctx: Ctx, campaign: Campaign, args: str, platform: str, chat_id: str
) -> tuple[Reply, bool]:
    """Bind the chat; the answer, and whether it was bound."""
    words = args.split(maxsplit=1)
    unit = await unit_named(ctx, words[0]) if words else None
    kinds_text = args if unit is None else (words[1] if len(words) > 1 else "")
    try:
        kinds = parse_kinds(kinds_text)
    except CampaignError as error:
        return Reply(ctx.t("campaign.bind_usage", word=error.detail)), False
    await ctx.tx.campaigns.bind(
        Binding(
            platform=platform,
            chat_id=chat_id,
            campaign_id=campaign.id,
            unit_id=unit.id if unit else None,
            kinds=kinds,
            title="",
            bound_by=ctx.member().id,
            bound_at=ctx.now,
        )
    )
    text = bound_text(ctx.t, campaign, unit.name if unit else None, kinds)
    return Reply(text), True


def bound_text(
    t: Catalog, campaign: Campaign, unit_name: str | None, kinds: tuple[BulletinKind, ...]
) -> str:
    """What a newly bound group (and the coordinator binding it) is told."""
    times = campaign.timetable
    return t(
        "campaign.bound",
        campaign=campaign.name,
        scope=unit_name or t("campaign.whole"),
        kinds=t("bulletin.sep").join(t(f"campaign.kind.{k.value}") for k in kinds),
        daily=f"{times.daily_at:%H:%M}",
        weekly=f"{times.weekly_at:%H:%M}",
        monthly=f"{times.monthly_at:%H:%M}",
    )


async def _bind_robot(ctx: Ctx, campaign: Campaign, args: str) -> Reply:
    """A WeCom group robot's webhook address binds its group; the group is greeted through the
    outbox, so a wrong or removed robot comes back to the coordinator as undeliverable."""
    words = args.split(maxsplit=1)
    chat_id = robot_chat_id(words[0]) if words else None
    if chat_id is None:
        return Reply(ctx.t("campaign.robot_usage"))
    bound, ok = await _bind(ctx, campaign, words[1] if len(words) > 1 else "", "wecom", chat_id)
    if not ok:
        return bound
    await queue_reply(ctx.tx.outbox, "wecom", chat_id, bound, ctx.now, None)
    return Reply(ctx.t("campaign.robot_bound") + "\n" + bound.text)


async def _stats(ctx: Ctx, campaign: Campaign, root: int | None) -> Reply:
    figures = await compute(
        ctx.tx, campaign, BulletinKind.DAILY, ctx.today, root, ctx.rules.is_workday
    )
    return Reply((await render(ctx.t, figures, chart=False)).text)


async def _digest(ctx: Ctx, campaign: Campaign, root: int | None) -> list[Reply]:
    """Today's bulletin as the group would get it; drawn after the transaction commits."""
    figures = await compute(
        ctx.tx, campaign, BulletinKind.DAILY, ctx.today, root, ctx.rules.is_workday
    )
    t = ctx.t

    async def drawn(_: Store) -> list[Reply]:
        bulletin = await render(t, figures)
        image = Image(bulletin.chart, "chart.png") if bulletin.chart else None
        return [Reply(t("campaign.digest_preview") + "\n\n" + bulletin.text, image=image)]

    ctx.later.append(drawn)
    return []


async def _chart(ctx: Ctx, campaign: Campaign, root: int | None) -> list[Reply]:
    figures = await compute(
        ctx.tx, campaign, BulletinKind.DAILY, ctx.today, root, ctx.rules.is_workday
    )
    t = ctx.t

    async def drawn(_: Store) -> list[Reply]:
        chart = await asyncio.to_thread(draw, t, figures)
        if chart is None:
            return [Reply(t("campaign.no_chart"))]
        return [Reply(t("campaign.chart_caption"), image=Image(chart, "chart.png"))]

    ctx.later.append(drawn)
    return []
