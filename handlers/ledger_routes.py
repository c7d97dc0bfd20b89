"""Ledger commands (`/cases`, `/case N`, `/assign N …`) and the buttons on cards and lists."""

from __future__ import annotations

import re

from domain.case_flow import Action, ActionRequest, ProgressTag, Status
from handlers import commands
from handlers.case_access import scope_of, visible
from handlers.case_action import needs_input
from handlers.case_apply import act, as_drawn, open_card
from handlers.case_export import export_command
from handlers.case_list import list_cases
from handlers.context import Ctx
from handlers.messages import Reply
from handlers.runner import Runner
from storage.records import ConversationState

__all__ = ["ledger_command", "ledger_pressed"]

_NUMBER = re.compile(r"^(\d{6})-?(\d{1,4})$")


def _number(text: str) -> str | None:
    """ "261125-7", "261125007" and "261125-007" all name case 261125-007."""
    match = _NUMBER.match(text.strip())
    return f"{match[1]}-{int(match[2]):03d}" if match else None


async def ledger_command(
    ctx: Ctx, state: ConversationState | None, name: str, args: str, runner: Runner
) -> list[Reply] | None:
    """The answer to a ledger command, or None if `name` is not one."""
    if name == "cases":
        return [await list_cases(ctx, args)]
    if name == "case":
        number = _number(args)
        card = await ctx.tx.ledger.card(number) if number else None
        if card is None or not visible(await scope_of(ctx), card):
            # the same words whether it does not exist or is not theirs to see
            return [Reply(ctx.t("ledger.not_found") + "\n" + ctx.t("ledger.case_usage"))]
        return await open_card(ctx, card.id)
    if name == "export":
        return await export_command(ctx, args)
    if name == "assign":
        return await _assign_several(ctx, state, args, runner)
    return None


async def _assign_several(
    ctx: Ctx, state: ConversationState | None, args: str, runner: Runner
) -> list[Reply]:
    if not ctx.member().role.may_invite:
        return [commands.not_understood(ctx)]
    if state is not None:
        return [commands.unfinished(ctx, state, "case")]
    scope = await scope_of(ctx)
    picked: list[str] = []
    problems: list[str] = []
    for word in args.split():
        number = _number(word)
        card = await ctx.tx.ledger.card(number) if number else None
        if card is None or not visible(scope, card):
            problems.append(ctx.t("ledger.assign_unknown", number=word))
        elif card.status != Status.PENDING_ASSIGNMENT.value:
            status = ctx.t(f"case_status.{card.status}")
            problems.append(ctx.t("ledger.assign_not_pending", number=card.number, status=status))
        else:
            picked.append(f"{card.id}:{card.version}")
    if problems or not picked:
        return [Reply("\n".join(problems) or ctx.t("ledger.assign_usage"))]
    return await runner.start(ctx, "case", f"{Action.ASSIGN.value} {' '.join(picked)}")


async def ledger_pressed(
    ctx: Ctx, state: ConversationState | None, data: str, runner: Runner
) -> list[Reply] | None:
    """The answer to a card or list button, or None if `data` is not one of theirs."""
    kind, _, rest = data.partition(":")
    if kind == "o" and rest.isdigit():
        return await open_card(ctx, int(rest))
    if kind == "l":
        offset, _, args = rest.partition(":")
        return [await list_cases(ctx, args, int(offset) if offset.isdigit() else 0)]
    if kind not in ("k", "t"):
        return None
    parts = rest.split(":")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    case_id, version = int(parts[0]), int(parts[1])
    # "k": an action's button; "t": a one-tap answer to the weekly progress request
    action = Action(parts[2]) if kind == "k" else Action.PROGRESS
    extra = f" tag={ProgressTag(parts[2]).value}" if kind == "t" else ""
    if not needs_input(action):
        return await act(ctx, case_id, version, action, ActionRequest())
    current = await as_drawn(ctx, case_id, version)
    if isinstance(current, list):
        return current
    if state is not None:
        return [commands.unfinished(ctx, state, "case")]
    return await runner.start(ctx, "case", f"{action.value} {case_id}:{version}{extra}")
