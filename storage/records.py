"""Plain records passed in and out of the stores."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from domain.cases import CaseStatus, Category, IssueKind, Urgency
from domain.people import Role
from domain.visits import TargetType

__all__ = [
    "ConversationState",
    "Member",
    "NewCase",
    "NewInvite",
    "NewPerson",
    "NewUnit",
    "NewVisit",
    "OutboxItem",
    "Shown",
]


@dataclass(slots=True)
class ConversationState:
    """Where one person is in a guided conversation; written at every step."""

    platform: str
    user_id: str
    chat_id: str
    language: str
    flow: str
    step: str
    draft_id: str
    data: dict[str, Any]
    started_at: datetime
    updated_at: datetime
    reminded_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Shown:
    """The buttons last shown to a person, as (label, data), in reading order."""

    choices: tuple[tuple[str, str], ...]
    numbered: bool


@dataclass(frozen=True, slots=True)
class NewUnit:
    code: str
    name: str
    parent_code: str | None
    kind: str = "other"


@dataclass(frozen=True, slots=True)
class NewPerson:
    name: str
    unit_code: str
    role: Role
    phone: str | None = None
    external_id: str | None = None


@dataclass(frozen=True, slots=True)
class NewInvite:
    code: str
    unit_id: int
    role: Role
    created_at: datetime
    max_uses: int | None = None
    expires_at: datetime | None = None
    person_id: int | None = None
    created_by: int | None = None


@dataclass(frozen=True, slots=True)
class Member:
    """Someone who has joined, as an admin lists them."""

    person_id: int
    name: str
    unit_code: str
    role: Role
    platform: str
    joined_at: datetime
    active: bool


@dataclass(frozen=True, slots=True)
class NewVisit:
    draft_id: str
    person_id: int
    unit_id: int
    target: TargetType
    place: str
    count: int
    people: int
    materials: int
    opinions: int
    visit_date: date
    created_at: datetime
    latitude: float | None = None
    longitude: float | None = None
    note: str | None = None
    photos: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NewCase:
    draft_id: str
    reporter_id: int
    reporter_unit_id: int
    kind: IssueKind
    category: Category
    description: str
    place: str
    urgency: Urgency
    status: CaseStatus
    created_at: datetime
    local_day: date
    visit_id: int | None = None
    resident_name: str | None = None
    resident_phone: str | None = None
    suggested_unit_id: int | None = None
    resolution: str | None = None


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """A queued message; `blobs` are the files its payload names (by SHA-256), loaded with it."""

    id: int
    platform: str
    chat_id: str
    payload: dict[str, Any]
    attempts: int
    parts_sent: int = 0  # the platform sends of this reply that already went
    created_at: datetime | None = None
    blobs: Mapping[str, bytes] = field(default_factory=dict)
