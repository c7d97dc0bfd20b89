"""Units, people, their roles, and the rules for joining by invite."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

__all__ = [
    "INVITE_ALPHABET",
    "Invite",
    "InviteProblem",
    "Person",
    "Role",
    "Unit",
    "invite_problem",
    "new_invite_code",
]

# No 0/O, 1/I/L: officers read codes aloud and type them on phones.
INVITE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class Role(StrEnum):
    OFFICER = "officer"
    UNIT_LEAD = "unit_lead"
    COORDINATOR = "coordinator"
    ADMIN = "admin"

    @property
    def may_invite(self) -> bool:
        return self in (Role.COORDINATOR, Role.ADMIN)


@dataclass(frozen=True, slots=True)
class Unit:
    id: int
    code: str
    name: str
    parent_id: int | None
    kind: str


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    name: str
    unit_id: int
    unit_name: str
    role: Role
    language: str | None
    active: bool


@dataclass(frozen=True, slots=True)
class Invite:
    id: int
    code: str
    unit_id: int
    unit_name: str
    role: Role
    person_id: int | None
    max_uses: int | None
    uses: int
    expires_at: datetime | None
    revoked_at: datetime | None


class InviteProblem(StrEnum):
    REVOKED = "revoked"
    EXPIRED = "expired"
    USED_UP = "used_up"


def invite_problem(invite: Invite, now: datetime) -> InviteProblem | None:
    """Why this invite cannot be used now, or None if it can."""
    if invite.revoked_at is not None:
        return InviteProblem.REVOKED
    if invite.expires_at is not None and invite.expires_at <= now:
        return InviteProblem.EXPIRED
    if invite.max_uses is not None and invite.uses >= invite.max_uses:
        return InviteProblem.USED_UP
    return None


def new_invite_code(length: int = 8) -> str:
    return "".join(secrets.choice(INVITE_ALPHABET) for _ in range(length))
