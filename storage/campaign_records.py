"""Records the campaign stores hand back: bound chats and the running totals bulletins read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time

from domain.campaigns import BulletinKind

__all__ = ["Binding", "CaseDay", "DayTotal", "OverdueCase", "UnitCount", "VisitTotal"]


@dataclass(frozen=True, slots=True)
class Binding:
    """A group chat that gets bulletins: the whole campaign (unit_id None) or a unit's subtree."""

    platform: str
    chat_id: str
    campaign_id: int
    unit_id: int | None
    kinds: tuple[BulletinKind, ...]
    title: str
    bound_by: int | None
    bound_at: datetime
    times: Mapping[BulletinKind, time] = field(default_factory=dict)  # the group's own times


@dataclass(frozen=True, slots=True)
class VisitTotal:
    """Visits of one unit (not its subtree) for one target type over some days."""

    unit_id: int
    target: str
    entries: int
    visited: int
    people: int


@dataclass(frozen=True, slots=True)
class DayTotal:
    day: date
    entries: int
    visited: int
    people: int


@dataclass(frozen=True, slots=True)
class CaseDay:
    """Problems logged by one unit's officers over some days, and how many were solved there."""

    unit_id: int
    new: int
    on_spot: int


@dataclass(frozen=True, slots=True)
class UnitCount:
    unit_id: int
    count: int


@dataclass(frozen=True, slots=True)
class OverdueCase:
    number: str
    holder_unit_id: int
    deadline: date
    category: str
