"""The small interfaces the rest of the bot uses to read and write; one role each."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Mapping
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime
from typing import Any, Protocol

from domain.cases import Case
from domain.people import Invite, Person, Unit
from domain.visits import VisitSummary
from storage.campaign_interfaces import CampaignStore, StatsStore
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
from storage.spot_interfaces import SpotCheckStore

__all__ = [
    "CampaignStore",
    "CaseStore",
    "ConversationStore",
    "DirectoryStore",
    "LedgerStore",
    "OutboxStore",
    "Reader",
    "SpotCheckStore",
    "StatsStore",
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

    async def people_by_phone(self, phone: str) -> list[Person]:
        """Everyone whose stored phone is this normalised number."""

    async def people_named(self, name: str) -> list[Person]: ...
    async def accounts(self, platform: str) -> dict[str, int]:
        """Every account bound on the platform: user id → person id."""

    async def link_identity(
        self, person_id: int, platform: str, user_id: str, chat_id: str, now: datetime
    ) -> bool:
        """Bind the account to the person without an invite; False if it already was theirs.
        LookupError if it is bound to someone else."""

    async def members(self, platform: str | None = None) -> list[Member]:
        """Everyone bound to an account (on one platform only, if given)."""


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
    """Messages waiting to go out. An item is 'pending', then 'sending' once claimed, then
    'sent', 'failed' (never deliverable) or 'uncertain' (the platform may have it: not resent)."""

    async def enqueue(
        self,
        platform: str,
        chat_id: str,
        payload: dict[str, Any],
        due_at: datetime,
        dedup_key: str | None = None,
        blobs: Mapping[str, bytes] | None = None,
    ) -> bool:
        """Queue a message (with the files its payload names, by SHA-256); False if one with
        the same dedup key exists."""

    async def due(self, now: datetime, limit: int) -> list[OutboxItem]:
        """Pending items due by `now`, oldest first, whatever chat they are for."""

    async def heads(self, now: datetime, limit: int) -> list[OutboxItem]:
        """The oldest unsettled item of each chat, where it is pending and due, oldest first;
        without their files (`files` loads them for the one about to go)."""

    async def files(self, item_id: int) -> dict[str, bytes]:
        """The files an item's payload names, by SHA-256."""

    async def claim(self, item_id: int, now: datetime) -> bool:
        """Mark a pending item as being sent; False if not pending or not its chat's oldest."""

    async def mark_sent(self, item_id: int, now: datetime) -> None: ...
    async def mark_part_sent(self, item_id: int, parts_sent: int) -> None:
        """Some of a reply's sends went: pending again, for the rest."""

    async def retry_later(self, item_id: int, due_at: datetime, error: str) -> None: ...
    async def mark_failed(self, item_id: int, error: str) -> None: ...
    async def move_chat(self, platform: str, old_chat: str, new_chat: str) -> int:
        """Send what is still to go to `old_chat` to `new_chat` instead."""

    async def mark_uncertain(self, item_id: int, error: str) -> None:
        """The platform may or may not have the message; it is not sent again."""

    async def abandon_stale(self, claimed_before: datetime, keep: Collection[int]) -> list[int]:
        """Items claimed before the moment and not in `keep` become 'uncertain'; their ids."""

    async def next_due(self) -> datetime | None:
        """When the earliest pending item is due."""

    async def counts(self) -> dict[str, int]:
        """How many items are in each status."""

    async def prune(self, before: datetime) -> int:
        """Forget settled items queued before the moment, and files nothing refers to."""


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
    @property
    def spot_checks(self) -> SpotCheckStore: ...
    @property
    def campaigns(self) -> CampaignStore: ...
    @property
    def stats(self) -> StatsStore: ...


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
