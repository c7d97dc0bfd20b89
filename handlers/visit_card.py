"""How a visit draft reads on the review card and once saved."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from domain.visits import VisitSummary
from handlers.context import Ctx

if TYPE_CHECKING:
    from handlers.visit import VisitDraft

__all__ = ["review_text", "saved_text"]


def _day(ctx: Ctx, day: date) -> str:
    offset = (ctx.today - day).days
    name = ctx.t(f"visit.day_{offset}", date="").strip() if offset in (0, 1, 2) else ""
    return f"{day.isoformat()}（{name}）" if name else day.isoformat()


def review_text(ctx: Ctx, draft: VisitDraft) -> str:
    t = ctx.t
    none = t("review.none")
    location = (
        t("visit.location_value", lat=f"{draft.latitude:.5f}", lon=f"{draft.longitude:.5f}")
        if draft.latitude is not None and draft.longitude is not None
        else none
    )
    return t(
        "visit.review",
        target=t(f"target.{draft.target}"),
        place=draft.place,
        count=draft.count,
        measure=t(f"measure.{draft.target}"),
        people=draft.people,
        materials=draft.materials,
        opinions=draft.opinions,
        date=_day(ctx, draft.visit_date or ctx.today),
        location=location,
        photos=len(draft.photos),
        note=draft.note or none,
    )


def saved_text(
    ctx: Ctx, visit_id: int, draft: VisitDraft, visit_date: date, today: VisitSummary
) -> str:
    return ctx.t(
        "visit.saved",
        id=visit_id,
        target=ctx.t(f"target.{draft.target}"),
        count=draft.count,
        measure=ctx.t(f"measure.{draft.target}"),
        people=draft.people,
        place=draft.place,
        date=_day(ctx, visit_date),
        batches=today.batches,
        today_count=today.count,
        today_people=today.people,
    )
