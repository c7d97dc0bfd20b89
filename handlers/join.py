"""The join flow (加入): an invite code from a deep link, the person's name, and they are in.

The diagram is in join.mmd.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel

from domain.people import invite_problem
from handlers.context import Ctx
from handlers.flow import Flow, Go, Stay, Step
from handlers.inputs import read_text
from handlers.menu import main_menu
from handlers.messages import Choice, Event, Pressed, Reply

__all__ = ["JOIN", "JoinDraft", "JoinStep"]

MAX_NAME = 30


class JoinStep(StrEnum):
    NAME = "name"


class JoinDraft(BaseModel):
    code: str = ""
    suggested: str = ""


async def _invite_problem(ctx: Ctx, code: str) -> str | None:
    invite = await ctx.tx.directory.invite_by_code(code)
    if invite is None:
        return ctx.t("door.invite_unknown")
    problem = invite_problem(invite, ctx.now)
    return ctx.t(f"door.invite_{problem.value}") if problem else None


async def _begin(ctx: Ctx, args: str, draft: JoinDraft) -> Go:
    draft.code = args.strip().upper()[:32]
    problem = await _invite_problem(ctx, draft.code)
    if problem:
        return Go(None, (Reply(problem),))
    invite = await ctx.tx.directory.invite_by_code(draft.code)
    assert invite is not None
    known = await ctx.tx.directory.person(invite.person_id) if invite.person_id else None
    draft.suggested = (known.name if known else ctx.actor.display_name.strip())[:MAX_NAME]
    return Go(JoinStep.NAME)


async def _ask_name(ctx: Ctx, draft: JoinDraft) -> Reply:
    invite = await ctx.tx.directory.invite_by_code(draft.code)
    assert invite is not None
    # WeCom callbacks carry no display name: then there is no button to point to.
    key = "door.confirm_name" if draft.suggested else "door.ask_name"
    text = ctx.t(key, unit=invite.unit_name, role=ctx.t(f"role.{invite.role}"))
    choices = ((Choice(draft.suggested, "suggested"),),) if draft.suggested else ()
    return Reply(text, choices=choices)


async def _take_name(ctx: Ctx, event: Event, draft: JoinDraft) -> Go | Stay:
    if isinstance(event, Pressed) and draft.suggested:
        name: str | Stay = draft.suggested
    else:
        name = read_text(ctx, event, MAX_NAME)
    if isinstance(name, Stay):
        return name
    problem = await _invite_problem(ctx, draft.code)
    if problem:
        return Go(None, (Reply(problem),))
    invite = await ctx.tx.directory.invite_by_code(draft.code)
    assert invite is not None
    actor = ctx.actor
    person = await ctx.tx.directory.join(
        invite, name, actor.platform, actor.user_id, actor.chat_id, ctx.t.language, ctx.now
    )
    ctx.person = person
    welcome = ctx.t("door.joined", name=person.name, unit=person.unit_name)
    return Go(None, (Reply(welcome, menu=main_menu(ctx.t, person)),))


JOIN = Flow(
    name="join",
    draft=JoinDraft,
    begin=_begin,
    steps={JoinStep.NAME: Step(_ask_name, _take_name)},
)
