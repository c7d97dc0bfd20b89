"""The invite flow (创建邀请), for coordinators: unit, role, how many uses, how long it lasts.

The diagram is in invite.mmd.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from pydantic import BaseModel

from domain.people import Role, new_invite_code
from handlers.context import Ctx
from handlers.flow import Flow, Go, Stay, Step, choice_rows
from handlers.menu import main_menu
from handlers.messages import Choice, Event, Pressed, Reply
from handlers.units import pick_unit, unit_choices
from storage.records import NewInvite

__all__ = ["INVITE", "InviteDraft", "InviteStep"]

_USES = ("1", "10", "50", "0")  # 0: no limit
_DAYS = ("7", "30", "0")  # 0: never expires


class InviteStep(StrEnum):
    UNIT = "unit"
    ROLE = "role"
    USES = "uses"
    EXPIRY = "expiry"


class InviteDraft(BaseModel):
    unit_id: int | None = None
    role: Role | None = None
    max_uses: int | None = None


async def _begin(ctx: Ctx, args: str, draft: InviteDraft) -> Go:
    return Go(InviteStep.UNIT)


async def _ask_unit(ctx: Ctx, draft: InviteDraft) -> Reply:
    return Reply(ctx.t("invite.ask_unit"), choices=choice_rows(await unit_choices(ctx), 2))


async def _take_unit(ctx: Ctx, event: Event, draft: InviteDraft) -> Go | Stay:
    unit = await pick_unit(ctx, event)
    if isinstance(unit, Stay):
        return unit
    draft.unit_id = unit.id
    return Go(InviteStep.ROLE)


def _roles(ctx: Ctx) -> list[Role]:
    # Only an admin may make more admins.
    return [r for r in Role if r is not Role.ADMIN or ctx.member().role is Role.ADMIN]


async def _ask_role(ctx: Ctx, draft: InviteDraft) -> Reply:
    choices = [Choice(ctx.t(f"role.{role}"), role.value) for role in _roles(ctx)]
    return Reply(ctx.t("invite.ask_role"), choices=choice_rows(choices, 2))


async def _take_role(ctx: Ctx, event: Event, draft: InviteDraft) -> Go | Stay:
    allowed = {role.value for role in _roles(ctx)}
    if not isinstance(event, Pressed) or event.data not in allowed:
        return Stay(ctx.t("invite.use_buttons"))
    draft.role = Role(event.data)
    return Go(InviteStep.USES)


async def _ask_uses(ctx: Ctx, draft: InviteDraft) -> Reply:
    choices = [Choice(ctx.t(f"invite.uses_{n}"), n) for n in _USES]
    return Reply(ctx.t("invite.ask_uses"), choices=(tuple(choices),))


async def _take_uses(ctx: Ctx, event: Event, draft: InviteDraft) -> Go | Stay:
    if not isinstance(event, Pressed) or event.data not in _USES:
        return Stay(ctx.t("invite.use_buttons"))
    draft.max_uses = int(event.data) or None
    return Go(InviteStep.EXPIRY)


async def _ask_expiry(ctx: Ctx, draft: InviteDraft) -> Reply:
    choices = [Choice(ctx.t(f"invite.days_{n}"), n) for n in _DAYS]
    return Reply(ctx.t("invite.ask_expiry"), choices=(tuple(choices),))


async def _take_expiry(ctx: Ctx, event: Event, draft: InviteDraft) -> Go | Stay:
    if not isinstance(event, Pressed) or event.data not in _DAYS:
        return Stay(ctx.t("invite.use_buttons"))
    days = int(event.data)
    assert draft.unit_id is not None
    assert draft.role is not None
    invite = await ctx.tx.directory.add_invite(
        NewInvite(
            code=new_invite_code(),
            unit_id=draft.unit_id,
            role=draft.role,
            created_at=ctx.now,
            max_uses=draft.max_uses,
            expires_at=ctx.now + timedelta(days=days) if days else None,
            created_by=ctx.member().id,
        )
    )
    link = ctx.links.invite_link(ctx.actor.platform, invite.code) or f"/start {invite.code}"
    expires = (
        ctx.local(invite.expires_at).strftime("%Y-%m-%d %H:%M")
        if invite.expires_at
        else ctx.t("invite.never")
    )
    text = ctx.t(
        "invite.created",
        code=invite.code,
        unit=invite.unit_name,
        role=ctx.t(f"role.{invite.role}"),
        uses=invite.max_uses or ctx.t("invite.unlimited"),
        expires=expires,
        link=link,
    )
    return Go(None, (Reply(text, menu=main_menu(ctx.t, ctx.person)),))


INVITE = Flow(
    name="invite",
    draft=InviteDraft,
    begin=_begin,
    steps={
        InviteStep.UNIT: Step(_ask_unit, _take_unit),
        InviteStep.ROLE: Step(_ask_role, _take_role),
        InviteStep.USES: Step(_ask_uses, _take_uses),
        InviteStep.EXPIRY: Step(_ask_expiry, _take_expiry),
    },
)
