"""Records of the case ledger as the stores hand them out and take them in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

__all__ = [
    "CaseCard",
    "CaseChange",
    "CaseEvent",
    "CaseExportRow",
    "CaseFilter",
    "CasePage",
    "CaseRow",
    "Recipient",
    "Scope",
    "VisitExportRow",
]


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose cases a person may see: all (coordinators), or theirs and their units' subtree."""

    everything: bool
    person_id: int
    unit_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class CaseFilter:
    scope: Scope
    statuses: tuple[str, ...] = ()
    holder_unit_ids: tuple[int, ...] = ()
    category: str | None = None
    kind: str | None = None
    overdue_on: date | None = None
    text: str | None = None
    created_from: datetime | None = None
    created_before: datetime | None = None


@dataclass(frozen=True, slots=True)
class CaseRow:
    id: int
    number: str
    status: str
    kind: str
    category: str
    description: str
    holder_name: str | None
    deadline: date | None


@dataclass(frozen=True, slots=True)
class CasePage:
    """A page of rows; `total` counts matches up to a cap, and `more` says there were more."""

    rows: tuple[CaseRow, ...]
    total: int
    more: bool = False


@dataclass(frozen=True, slots=True)
class CaseCard:
    id: int
    number: str
    status: str
    version: int
    kind: str
    category: str
    urgency: str
    description: str
    place: str
    resident_name: str | None
    resident_phone: str | None
    reporter_id: int
    reporter_name: str
    reporter_unit_name: str
    created_at: datetime
    visit_id: int | None
    suggested_unit_name: str | None
    holder_unit_id: int | None
    holder_unit_name: str | None
    assigned_at: datetime | None
    deadline: date | None
    resolution: str | None
    contact_method: str | None
    followup_response: str | None
    satisfaction: str | None
    closed_at: datetime | None
    last_progress_at: datetime | None


@dataclass(frozen=True, slots=True)
class CaseEvent:
    at: datetime
    actor_name: str | None
    action: str | None
    from_status: str | None
    to_status: str
    note: str | None
    unit_name: str | None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CaseChange:
    """One move of a case, applied only if the case is still at `expected_version`."""

    case_id: int
    expected_version: int
    actor_id: int
    action: str
    from_status: str
    to_status: str
    at: datetime
    note: str | None = None
    holder_unit_id: int | None = None
    deadline: date | None = None
    resolution: str | None = None
    contact_method: str | None = None
    followup_response: str | None = None
    satisfaction: str | None = None
    progress: bool = False
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Recipient:
    """Someone the bot can message unprompted: their chat on one platform, and language."""

    person_id: int
    name: str
    platform: str
    chat_id: str
    language: str | None
    role: str
    unit_id: int


@dataclass(frozen=True, slots=True)
class CaseExportRow:
    """One line of the case ledger as exported: the case, who holds it, its latest progress."""

    number: str
    created_at: datetime
    category: str
    kind: str
    urgency: str
    description: str
    place: str
    resident_name: str | None
    resident_phone: str | None
    reporter_name: str
    reporter_unit_name: str
    holder_unit_name: str | None
    assigned_at: datetime | None
    deadline: date | None
    status: str
    progress_note: str | None
    resolution: str | None
    closed_at: datetime | None
    contact_method: str | None
    followup_response: str | None
    satisfaction: str | None


@dataclass(frozen=True, slots=True)
class VisitExportRow:
    """One line of the visit ledger as exported."""

    id: int
    visit_date: date
    officer_name: str
    unit_name: str
    target: str
    place: str
    count: int
    people: int
    materials: int
    opinions: int
    latitude: float | None
    longitude: float | None
    note: str | None
    photos: int
    created_at: datetime
