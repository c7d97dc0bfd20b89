"""How a problem draft reads on its review card."""

from __future__ import annotations

from typing import TYPE_CHECKING

from handlers.context import Ctx

if TYPE_CHECKING:
    from handlers.issue import IssueDraft

__all__ = ["review_text"]


def review_text(ctx: Ctx, draft: IssueDraft) -> str:
    t = ctx.t
    none = t("review.none")
    if draft.on_spot:
        outcome = t("issue.outcome_on_spot", resolution=draft.resolution or none)
    else:
        outcome = t("issue.outcome_pending", unit=draft.unit_name or t("issue.unit_unknown"))
    return t(
        "issue.review",
        kind=t(f"issue_kind.{draft.kind}"),
        category=t(f"category.{draft.category}"),
        description=draft.description,
        place=draft.place,
        resident=draft.resident_name or none,
        phone=draft.resident_phone or none,
        urgency=t(f"urgency.{draft.urgency}"),
        outcome=outcome,
        visit=t("issue.linked_visit", id=draft.visit_id) if draft.visit_id else "",
    )
