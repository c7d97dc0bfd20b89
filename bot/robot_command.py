"""`zoufang campaign bind-robot|unbind`: WeCom group robots, and any bound group, from the shell."""

from __future__ import annotations

import argparse

from bot.cli_support import Refused, campaign_named, opened
from bot.settings import Settings
from domain.campaigns import CampaignError, parse_kinds
from domain.clock import SystemClock
from domain.robots import robot_chat_id
from handlers.campaign_routes import bound_text
from handlers.messages import Reply
from i18n import catalog
from scheduler.delivery import queue_reply
from storage.campaign_records import Binding

__all__ = ["bind_robot", "unbind"]


async def bind_robot(settings: Settings, args: argparse.Namespace) -> int:
    """Bind a group robot's group, and queue a confirmation to it: a wrong key comes back as
    undeliverable when the bot runs, and the group is unbound again."""
    t = catalog(settings.language)
    chat_id = robot_chat_id(args.webhook)
    if chat_id is None:
        raise Refused(t("cli.robot.bad_webhook", value=args.webhook))
    try:
        kinds = parse_kinds(args.kinds or "")
    except CampaignError as error:
        raise Refused(t("cli.robot.bad_kinds", value=error.detail)) from None
    now = SystemClock().now()
    async with opened(settings) as store, store.transaction() as tx:
        campaign = await campaign_named(tx, t, args.campaign)
        unit = await tx.directory.unit_by_code(args.unit.upper()) if args.unit else None
        if args.unit and unit is None:
            raise Refused(t("cli.robot.unknown_unit", code=args.unit))
        await tx.campaigns.bind(
            Binding("wecom", chat_id, campaign.id, unit.id if unit else None, kinds, "", None, now)
        )
        text = bound_text(t, campaign, unit.name if unit else None, kinds)
        await queue_reply(tx.outbox, "wecom", chat_id, Reply(text), now)
    print(t("cli.robot.bound", chat=chat_id, campaign=campaign.name))
    return 0


async def unbind(settings: Settings, args: argparse.Namespace) -> int:
    t = catalog(settings.language)
    chat_id = robot_chat_id(args.chat) if args.platform == "wecom" else None
    async with opened(settings) as store, store.transaction() as tx:
        gone = await tx.campaigns.unbind(args.platform, chat_id or args.chat)
    print(t("cli.robot.unbound" if gone else "cli.robot.not_bound", chat=args.chat))
    return 0 if gone else 1
