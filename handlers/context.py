"""What a step sees: the transaction, the clock reading, the person and their language."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from domain.cases import Category, IssueKind, Urgency
from domain.people import Person
from handlers.messages import Actor, Reply
from i18n import Catalog
from storage import Store, Tx

__all__ = ["CaseRules", "Ctx", "Later", "Links", "RulesProblem"]


class Links(Protocol):
    """How a platform spells an invite link (Telegram: a t.me deep link)."""

    def invite_link(self, platform: str, code: str) -> str | None: ...


Later = Callable[[Store], Awaitable[list[Reply]]]


@dataclass(frozen=True, slots=True)
class RulesProblem:
    """One problem in a rules file: which file, which line, a code to translate, the detail."""

    file: str
    line: int | None
    code: str
    detail: str


class CaseRules(Protocol):
    """Proposals for assigning a case: the unit (routing rules) and the deadline (working days)."""

    def propose_unit(self, category: Category, kind: IssueKind, place: str) -> str | None:
        """The code of the unit the routing rules name, if any rule matches."""

    def propose_deadline(self, urgency: Urgency, today: date) -> tuple[date, tuple[int, ...]]:
        """The deadline for this urgency, and the years counted Mon–Fri for want of a calendar."""

    def is_workday(self, day: date) -> bool:
        """A working day (Mon–Fri for a year whose holiday calendar is not known)."""

    def next_workday(self, day: date) -> date: ...

    def reload(self, unit_codes: set[str]) -> list[RulesProblem]:
        """Read the rules again; on any problem the rules in force stay and the problems say why."""


@dataclass(slots=True)
class Ctx:
    tx: Tx
    now: datetime
    zone: ZoneInfo
    t: Catalog
    actor: Actor
    person: Person | None
    links: Links
    rules: CaseRules
    draft_id: str = ""  # the conversation being answered; saved records carry it
    # Long reads (exports) that must not hold the transaction: run after it commits, each
    # given the store, and their replies follow the others.
    later: list[Later] = field(default_factory=list)

    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    @classmethod
    def for_system(
        cls, tx: Tx, now: datetime, zone: ZoneInfo, t: Catalog, links: Links, rules: CaseRules
    ) -> Ctx:
        """The context of a scheduled job: nobody is writing; messages go out through the outbox."""
        return cls(tx, now, zone, t, Actor("system", "system", "system"), None, links, rules)

    def member(self) -> Person:
        """The person writing; flows past the door are only run for members."""
        if self.person is None:
            raise PermissionError("not a member")
        return self.person
