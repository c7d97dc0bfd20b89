"""Problems residents raise (cases): their kinds, categories, states and numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

__all__ = [
    "Case",
    "CaseStatus",
    "Category",
    "IssueKind",
    "Urgency",
    "case_number",
]


class IssueKind(StrEnum):
    OPINION = "opinion"  # 意见建议
    DISPUTE = "dispute"  # 矛盾纠纷
    HARDSHIP = "hardship"  # 群众困难
    LEAD = "lead"  # 问题线索
    RISK = "risk"  # 风险隐患


class Category(StrEnum):
    LEGAL = "legal"  # 政法类
    LIVELIHOOD = "livelihood"  # 民生类
    OTHER = "other"  # 其他


class Urgency(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"


class CaseStatus(StrEnum):
    """Where a case stands; the ledger issue adds the states after assignment."""

    SOLVED_ON_SPOT = "solved_on_spot"  # 当场解决
    PENDING_ASSIGNMENT = "pending_assignment"  # 待交办

    @property
    def closed(self) -> bool:
        return self is CaseStatus.SOLVED_ON_SPOT


@dataclass(frozen=True, slots=True)
class Case:
    id: int
    number: str
    kind: IssueKind
    category: Category
    description: str
    place: str
    status: CaseStatus
    created_at: datetime


def case_number(day: date, sequence: int) -> str:
    """A short number an officer can read out: local date and the day's sequence, 261125-007."""
    return f"{day:%y%m%d}-{sequence:03d}"
