"""A case card (问题卡片): its fields, days left or overdue, its history, the allowed actions."""

from __future__ import annotations

from datetime import date

from domain.case_flow import Action, Relation, Status, allowed_actions, days_left, overdue
from domain.phone import mask_name, mask_phone
from handlers.case_access import sees_resident
from handlers.context import Ctx
from handlers.flow import choice_rows
from handlers.messages import Choice, Reply
from i18n import Catalog
from storage.ledger_records import CaseCard, CaseEvent

__all__ = ["action_data", "card_reply", "deadline_text", "resident_text"]

_HISTORY_SHOWN = 12


def action_data(card: CaseCard, action: Action) -> str:
    """A card's button names the case and the version it was drawn for."""
    return f"k:{card.id}:{card.version}:{action.value}"


def deadline_text(t: Catalog, status: Status, deadline: date | None, today: date) -> str:
    if deadline is None:
        return t("ledger.no_deadline")
    if overdue(status, deadline, today):
        return t(
            "ledger.deadline_overdue", date=deadline.isoformat(), days=-days_left(deadline, today)
        )
    if status in (Status.CLOSED, Status.SOLVED_ON_SPOT):
        return deadline.isoformat()
    return t("ledger.deadline_left", date=deadline.isoformat(), days=days_left(deadline, today))


def resident_text(t: Catalog, card: CaseCard, full: bool) -> str:
    name, phone = card.resident_name, card.resident_phone
    if not full:
        name = mask_name(name) if name else None
        phone = mask_phone(phone) if phone else None
    return " ".join(part for part in (name, phone) if part) or t("review.none")


def _event_line(ctx: Ctx, event: CaseEvent) -> str:
    t = ctx.t
    what = t(f"ledger.action.{event.action}") if event.action else t("ledger.action.logged")
    line = t(
        "ledger.history_line",
        at=ctx.local(event.at).strftime("%m-%d %H:%M"),
        who=event.actor_name or t("ledger.system"),
        what=what,
        status=t(f"case_status.{event.to_status}"),
    )
    extras = [event.unit_name or ""]
    if event.detail.get("tag"):
        extras.append(t(f"ledger.tag.{event.detail['tag']}"))
    if event.detail.get("satisfaction"):
        extras.append(t(f"ledger.satisfaction.{event.detail['satisfaction']}"))
    extras.append(event.note or "")
    shown = " · ".join(extra for extra in extras if extra)
    return f"{line}：{shown}" if shown else line


async def card_reply(
    ctx: Ctx, card: CaseCard, relations: frozenset[Relation], *, notice: str | None = None
) -> Reply:
    t = ctx.t
    status = Status(card.status)
    lines = [notice] if notice else []
    lines.append(
        t(
            "ledger.card",
            number=card.number,
            status=t(f"case_status.{card.status}"),
            kind=t(f"issue_kind.{card.kind}"),
            category=t(f"category.{card.category}"),
            urgency=t(f"urgency.{card.urgency}"),
            description=card.description,
            place=card.place,
            resident=resident_text(t, card, sees_resident(relations)),
            reporter=card.reporter_name,
            reporter_unit=card.reporter_unit_name,
            created=ctx.local(card.created_at).strftime("%Y-%m-%d %H:%M"),
            holder=card.holder_unit_name or card.suggested_unit_name or t("issue.unit_unknown"),
            deadline=deadline_text(t, status, card.deadline, ctx.today),
        )
    )
    if card.visit_id:
        lines.append(t("issue.linked_visit", id=card.visit_id).strip())
    if card.resolution:
        lines.append(t("ledger.resolution_line", resolution=card.resolution))
    if card.satisfaction:
        lines.append(
            t(
                "ledger.followup_line",
                contact=t(f"ledger.contact.{card.contact_method}"),
                satisfaction=t(f"ledger.satisfaction.{card.satisfaction}"),
                response=card.followup_response or "",
            )
        )
    events = await ctx.tx.ledger.history(card.id)
    lines.append(t("ledger.history_header", count=len(events)))
    lines += [_event_line(ctx, event) for event in events[-_HISTORY_SHOWN:]]
    buttons = [
        Choice(t(f"ledger.action.{action.value}"), action_data(card, action))
        for action in allowed_actions(status, relations)
    ]
    return Reply("\n".join(lines), choices=choice_rows(buttons, 3))
