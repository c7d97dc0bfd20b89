"""Spot-check commands (`/spot`, `/correction`, `/remind`) and the buttons on checks ("s:…")."""

from __future__ import annotations

from domain.sampling import SpotOutcome
from handlers import commands
from handlers.context import Ctx
from handlers.correction import may_correct
from handlers.messages import Choice, Reply
from handlers.runner import Runner
from handlers.spot_card import OUTCOME_CODES, check_card, entry_text, load_entry
from handlers.spot_check import decided_already, record_outcome
from storage.records import ConversationState
from storage.spot_records import SpotCheck

__all__ = ["spot_command", "spot_pressed"]


async def _pending_checks(ctx: Ctx) -> list[Reply]:
    """Today's checks nobody has decided yet, each with its one-tap outcomes."""
    pending = await ctx.tx.spot_checks.drawn(ctx.today, undecided=True)
    if not pending:
        return [Reply(ctx.t("spot.none_pending"))]
    return [await check_card(ctx, check) for check in pending]


async def _returned_to_me(ctx: Ctx) -> list[Reply]:
    """The person's entries returned for correction, each with its button."""
    returned = await ctx.tx.spot_checks.to_correct(ctx.member().id)
    if not returned:
        return [Reply(ctx.t("correction.none"))]
    return [await _returned_card(ctx, check) for check in returned]


async def _returned_card(ctx: Ctx, check: SpotCheck) -> Reply:
    text = ctx.t(
        "correction.returned",
        who=check.decided_by_name or ctx.t("ledger.system"),
        reason=check.reason or "",
        entry=entry_text(ctx, await load_entry(ctx, check)),
    )
    return Reply(text, choices=((Choice(ctx.t("spot.correct_button"), f"s:fix:{check.id}"),),))


async def spot_command(
    ctx: Ctx, state: ConversationState | None, name: str, args: str, runner: Runner
) -> list[Reply] | None:
    """The answer to a spot-check or reminder command, or None if `name` is not one."""
    office = ctx.member().role.may_invite
    if name == "correction":
        return await _returned_to_me(ctx)
    if name not in ("spot", "remind"):
        return None
    if not office:
        return [commands.not_understood(ctx)]
    if name == "spot":
        return await _pending_checks(ctx)
    if state is not None:
        return [commands.unfinished(ctx, state, "remind")]
    return await runner.start(ctx, "remind", args)


async def _outcome(
    ctx: Ctx,
    state: ConversationState | None,
    check: SpotCheck,
    outcome: SpotOutcome,
    runner: Runner,
) -> list[Reply]:
    if not ctx.member().role.may_invite:
        return [commands.not_understood(ctx)]
    if check.outcome is not None:
        return [decided_already(ctx, check)]
    if not outcome.needs_reason:
        return await record_outcome(ctx, check.id, outcome, None)
    if state is not None:
        return [commands.unfinished(ctx, state, "spot")]
    return await runner.start(ctx, "spot", f"{check.id} {outcome.value}")


async def _correct(
    ctx: Ctx, state: ConversationState | None, check: SpotCheck, runner: Runner
) -> list[Reply]:
    refusal = may_correct(ctx, check)
    if refusal is not None:
        return [Reply(ctx.t(refusal))]
    if state is not None:
        return [commands.unfinished(ctx, state, "correction")]
    return await runner.start(ctx, "correction", str(check.id))


async def spot_pressed(
    ctx: Ctx, state: ConversationState | None, data: str, runner: Runner
) -> list[Reply] | None:
    """The answer to a spot-check button, or None if `data` is not one."""
    kind, _, rest = data.partition(":")
    action, _, arg = rest.partition(":")
    if kind != "s" or not arg.isdigit() or (action != "fix" and action not in OUTCOME_CODES):
        return None
    check = await ctx.tx.spot_checks.check(int(arg))
    if check is None:
        return [Reply(ctx.t("stale.button"))]
    if action == "fix":
        return await _correct(ctx, state, check, runner)
    return await _outcome(ctx, state, check, OUTCOME_CODES[action], runner)
