"""The small interfaces the rest of the bot uses to read and write; one role each."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime
from typing import Any, Protocol

from domain.cases import Case
from domain.people import Invite, Person, Unit
from domain.visits import VisitSummary
from storage.ledger_records import (
    CaseCard,
    CaseChange,
    CaseEvent,
    CaseExportRow,
    CaseFilter,
    CasePage,
    Recipient,
    VisitExportRow,
)
from storage.records import (
    ConversationState,
    Member,
    NewCase,
    NewInvite,
    NewPerson,
    NewUnit,
    NewVisit,
    OutboxItem,
    Shown,
)

__all__ = [
    "CaseStore",
    "ConversationStore",
    "DirectoryStore",
    "LedgerStore",
    "OutboxStore",
    "Reader",
    "Store",
    "Tx",
    "UpdateLog",
    "VisitStore",
]


class DirectoryStore(Protocol):
    """Units, people, invites and platform identities."""

    async def person_by_identity(self, platform: str, user_id: str) -> Person | None:
        """The person behind a platform account, if they are active and their invite stands."""

    async def person(self, person_id: int) -> Person | None: ...
    async def chat_of(self, person_id: int, platform: str) -> str | None: ...
    async def set_language(self, person_id: int, language: str) -> None: ...
    async def units(self) -> list[Unit]: ...
    async def unit(self, unit_id: int) -> Unit | None: ...
    async def unit_by_code(self, code: str) -> Unit | None: ...
    async def add_units(self, units: list[NewUnit]) -> int: ...
    async def add_people(self, people: list[NewPerson], now: datetime) -> int: ...
    async def person_by_external_id(self, external_id: str) -> Person | None: ...
    async def invite_by_code(self, code: str) -> Invite | None: ...
    async def add_invite(self, invite: NewInvite) -> Invite: ...
    async def revoke_invite(self, code: str, now: datetime) -> Invite | None: ...
    async def join(
        self,
        invite: Invite,
        name: str,
        platform: str,
        user_id: str,
        chat_id: str,
        language: str,
        now: datetime,
    ) -> Person:
        """Use one of the invite's places and bind the account to a person."""

    async def members(self) -> list[Member]: ...


class VisitStore(Protocol):
    async def add(self, visit: NewVisit) -> int: ...
    async def id_for_draft(self, draft_id: str) -> int | None: ...
    async def place_of(self, visit_id: int) -> str | None: ...
    async def recent_places(self, person_id: int, limit: int) -> list[str]: ...
    async def summary(self, person_id: int, first: date, last: date) -> VisitSummary: ...


class CaseStore(Protocol):
    async def add(self, case: NewCase) -> Case:
        """Store a new case under the next number of its local day."""

    async def by_draft(self, draft_id: str) -> Case | None: ...
    async def reported_by(self, person_id: int, limit: int) -> list[Case]: ...
    async def count_reported_by(self, person_id: int) -> int: ...


class LedgerStore(Protocol):
    """The case ledger: what a person may see of it, and changes that are version-checked."""

    async def subtree(self, unit_id: int) -> tuple[int, ...]: ...
    async def ancestors(self, unit_id: int) -> tuple[int, ...]: ...
    async def find(self, search: CaseFilter, offset: int, limit: int) -> CasePage: ...
    async def card(self, number: str) -> CaseCard | None: ...
    async def card_by_id(self, case_id: int) -> CaseCard | None: ...
    async def history(self, case_id: int) -> list[CaseEvent]: ...
    async def apply(self, change: CaseChange) -> bool:
        """Move the case; False, with nothing written, if its version moved on meanwhile."""

    async def members_of(self, unit_id: int) -> list[Recipient]: ...
    async def coordinators(self) -> list[Recipient]: ...
    async def recipient(self, person_id: int) -> list[Recipient]: ...
    async def due_between(self, first: date, last: date) -> list[CaseCard]: ...
    async def needing_progress(self, before: datetime) -> list[CaseCard]: ...
    async def log_export(
        self, person_id: int | None, via: str, what: str, full: bool, rows: int, at: datetime
    ) -> None:
        """Record an export of the ledger (full ones carry residents' names and phones)."""


class ConversationStore(Protocol):
    async def get(self, platform: str, user_id: str) -> ConversationState | None: ...
    async def save(self, state: ConversationState) -> None: ...
    async def clear(self, platform: str, user_id: str) -> None: ...
    async def idle_since(self, before: datetime) -> list[ConversationState]:
        """Conversations not touched since `before` and not yet reminded."""

    async def mark_reminded(self, platform: str, user_id: str, at: datetime) -> None: ...
    async def expire(self, before: datetime) -> int: ...
    async def shown(self, platform: str, user_id: str) -> Shown | None: ...
    async def show(self, platform: str, user_id: str, shown: Shown | None) -> None:
        """Remember the buttons just shown (None: the last message had none)."""


class UpdateLog(Protocol):
    async def first_time(self, key: str, now: datetime) -> bool:
        """Record a platform update; False if it was handled before."""

    async def forget(self, before: datetime) -> int: ...


class OutboxStore(Protocol):
    async def enqueue(
        self,
        platform: str,
        chat_id: str,
        payload: dict[str, Any],
        due_at: datetime,
        dedup_key: str | None = None,
    ) -> bool:
        """Queue a message; False if one with the same dedup key exists."""

    async def due(self, now: datetime, limit: int) -> list[OutboxItem]: ...
    async def mark_sent(self, item_id: int, now: datetime) -> None: ...
    async def retry_later(self, item_id: int, due_at: datetime, error: str) -> None: ...
    async def mark_failed(self, item_id: int, error: str) -> None: ...


class Tx(Protocol):
    """One transaction: everything done through it is kept together or not at all."""

    @property
    def directory(self) -> DirectoryStore: ...
    @property
    def visits(self) -> VisitStore: ...
    @property
    def cases(self) -> CaseStore: ...
    @property
    def ledger(self) -> LedgerStore: ...
    @property
    def conversations(self) -> ConversationStore: ...
    @property
    def updates(self) -> UpdateLog: ...
    @property
    def outbox(self) -> OutboxStore: ...


class Reader(Protocol):
    """A read-only snapshot for long reads (exports): it never holds up, or waits for, writers.

    Rows are streamed; counts and rows come from the same snapshot, so they agree.
    """

    async def count_cases(self, search: CaseFilter) -> int: ...
    def export_cases(self, search: CaseFilter) -> AsyncIterator[CaseExportRow]: ...
    async def count_visits(
        self, first: date | None, last: date | None, unit_ids: tuple[int, ...]
    ) -> int: ...
    def export_visits(
        self, first: date | None, last: date | None, unit_ids: tuple[int, ...]
    ) -> AsyncIterator[VisitExportRow]:
        """Visits dated first..last (both included; None: open-ended) of the units (none: all)."""


class Store(Protocol):
    def transaction(self) -> AbstractAsyncContextManager[Tx]: ...
    def reading(self) -> AbstractAsyncContextManager[Reader]:
        """A read-only snapshot on a connection of its own, for exports."""

    async def version(self) -> int:
        """The schema version in force (the number of the last migration applied)."""

    async def close(self) -> None: ...
