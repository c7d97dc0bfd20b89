"""What a visit batch is: target types, their counting measures, and the bounds on a batch."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "MAX_BACKDATE_DAYS",
    "MAX_COUNT",
    "MAX_NOTE",
    "MAX_PEOPLE",
    "MAX_PHOTOS",
    "MAX_PLACE",
    "TargetType",
    "VisitSummary",
]

MAX_COUNT = 10_000
MAX_PEOPLE = 100_000
MAX_PLACE = 100
MAX_NOTE = 500
MAX_PHOTOS = 9
MAX_BACKDATE_DAYS = 7


class TargetType(StrEnum):
    """Who was visited; the value is the stored code."""

    HOUSEHOLD = "household"
    ENTERPRISE = "enterprise"
    SCHOOL = "school"
    VILLAGE = "village"
    COMMUNITY = "community"
    OTHER = "other"

    @property
    def measure(self) -> str:
        """The Chinese counting word for this target (户, 家, 所, 个)."""
        return _MEASURES[self]

    @property
    def zh(self) -> str:
        return _ZH_NAMES[self]

    @classmethod
    def from_word(cls, word: str) -> TargetType | None:
        """The target a Chinese or English word names (住户, 户, 企业, school …), if any."""
        return _WORDS.get(word.strip().lower())


_MEASURES = {
    TargetType.HOUSEHOLD: "户",
    TargetType.ENTERPRISE: "家",
    TargetType.SCHOOL: "所",
    TargetType.VILLAGE: "个",
    TargetType.COMMUNITY: "个",
    TargetType.OTHER: "个",
}

_ZH_NAMES = {
    TargetType.HOUSEHOLD: "住户",
    TargetType.ENTERPRISE: "企业",
    TargetType.SCHOOL: "学校",
    TargetType.VILLAGE: "村(寨)",
    TargetType.COMMUNITY: "社区",
    TargetType.OTHER: "其他",
}

_WORDS: dict[str, TargetType] = {
    **{t.value: t for t in TargetType},
    **{name: t for t, name in _ZH_NAMES.items()},
    "户": TargetType.HOUSEHOLD,
    "农户": TargetType.HOUSEHOLD,
    "居民": TargetType.HOUSEHOLD,
    "家庭": TargetType.HOUSEHOLD,
    "重点企业": TargetType.ENTERPRISE,
    "公司": TargetType.ENTERPRISE,
    "学校": TargetType.SCHOOL,
    "村": TargetType.VILLAGE,
    "村寨": TargetType.VILLAGE,
    "寨": TargetType.VILLAGE,
    "村(寨)": TargetType.VILLAGE,
    "村（寨）": TargetType.VILLAGE,
    "社区": TargetType.COMMUNITY,
    "其它": TargetType.OTHER,
    "households": TargetType.HOUSEHOLD,
    "enterprises": TargetType.ENTERPRISE,
    "schools": TargetType.SCHOOL,
    "villages": TargetType.VILLAGE,
    "communities": TargetType.COMMUNITY,
}


@dataclass(frozen=True, slots=True)
class VisitSummary:
    """Totals of a set of visits."""

    batches: int = 0
    count: int = 0
    people: int = 0
    materials: int = 0
    opinions: int = 0
