"""The case ledger's closed loop (事事有着落、件件有回音): who may move a case where, with what."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import TypeAlias

from domain.people import Role

__all__ = [
    "MAX_TEXT",
    "TRANSITIONS",
    "Action",
    "ActionRequest",
    "ContactMethod",
    "EventRecord",
    "Moved",
    "Need",
    "Outcome",
    "ProgressTag",
    "RefusalReason",
    "Refused",
    "Relation",
    "Rule",
    "Satisfaction",
    "Status",
    "allowed_actions",
    "days_left",
    "is_closed",
    "is_open",
    "overdue",
    "relation_of",
    "transition",
]

MAX_TEXT = 500


class Status(StrEnum):
    """Where a case stands; the value is stored, and the first two equal CaseStatus's."""

    SOLVED_ON_SPOT = "solved_on_spot"  # 当场解决
    PENDING_ASSIGNMENT = "pending_assignment"  # 待交办
    ASSIGNED = "assigned"  # 已交办
    IN_PROGRESS = "in_progress"  # 办理中
    PENDING_VERIFICATION = "pending_verification"  # 待核验
    PENDING_FOLLOWUP = "pending_followup"  # 待回访
    CLOSED = "closed"  # 已办结


class Action(StrEnum):
    """What can be done to a case; the declaration order is the order buttons are shown in."""

    ACCEPT = "accept"  # 接收
    PROGRESS = "progress"  # 报进展
    RESOLVE = "resolve"  # 办结申请
    ASK_REASSIGN = "ask_reassign"  # 申请改派
    ASSIGN = "assign"  # 交办
    REASSIGN = "reassign"  # 改派
    VERIFY = "verify"  # 核验通过
    SEND_BACK = "send_back"  # 退回
    FOLLOW_UP = "follow_up"  # 回访
    REOPEN = "reopen"  # 重新打开


class Relation(StrEnum):
    """How the person acting stands to the case."""

    COORDINATOR = "coordinator"  # 活动办 (coordinator or admin)
    HOLDING_UNIT = "holding_unit"  # 承办单位, or a unit above it
    REPORTER = "reporter"  # 上报人
    OTHER = "other"


class ProgressTag(StrEnum):
    HANDLING = "handling"  # 办理中
    DONE = "done"  # 已办结
    NEEDS_COORDINATION = "needs_coordination"  # 需协调


class ContactMethod(StrEnum):
    PHONE = "phone"
    VISIT = "visit"
    WECHAT = "wechat"
    OTHER = "other"


class Satisfaction(StrEnum):
    SATISFIED = "satisfied"  # 满意
    BASICALLY_SATISFIED = "basically_satisfied"  # 基本满意
    DISSATISFIED = "dissatisfied"  # 不满意


class Need(StrEnum):
    """What an action must carry."""

    UNIT = "unit"
    NEW_UNIT = "new_unit"  # a unit other than the one holding the case
    DEADLINE = "deadline"
    REASON = "reason"
    NOTE = "note"
    TAG = "tag"
    RESOLUTION = "resolution"
    FOLLOWUP = "followup"  # contact method, the resident's response, and satisfaction


class RefusalReason(StrEnum):
    """Why an action was not applied; callers translate the value through the catalogs."""

    NOT_ALLOWED_IN_STATE = "not_allowed_in_state"
    NOT_YOUR_ROLE = "not_your_role"
    MISSING_UNIT = "missing_unit"
    SAME_UNIT = "same_unit"
    MISSING_DEADLINE = "missing_deadline"
    DEADLINE_IN_PAST = "deadline_in_past"
    MISSING_REASON = "missing_reason"
    MISSING_NOTE = "missing_note"
    MISSING_TAG = "missing_tag"
    MISSING_RESOLUTION = "missing_resolution"
    MISSING_FOLLOWUP = "missing_followup"
    TOO_LONG = "too_long"


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of the transition table; `to_if_dissatisfied` is follow_up's other branch."""

    to: Status
    by: frozenset[Relation]
    needs: tuple[Need, ...] = ()
    to_if_dissatisfied: Status | None = None

    @property
    def targets(self) -> tuple[Status, ...]:
        if self.to_if_dissatisfied is None:
            return (self.to,)
        return (self.to, self.to_if_dissatisfied)


_COORDINATOR = frozenset({Relation.COORDINATOR})
_UNIT = frozenset({Relation.HOLDING_UNIT})
_EITHER = _COORDINATOR | _UNIT
_REASSIGN = Rule(Status.ASSIGNED, _COORDINATOR, (Need.NEW_UNIT, Need.DEADLINE, Need.REASON))
_ASK_REASSIGN = Rule(Status.PENDING_ASSIGNMENT, _UNIT, (Need.REASON,))


# The only place the loop is written down; case_flow.mmd is tested against it.
TRANSITIONS: Mapping[tuple[Status, Action], Rule] = MappingProxyType(
    {
        (Status.PENDING_ASSIGNMENT, Action.ASSIGN): Rule(
            Status.ASSIGNED, _COORDINATOR, (Need.UNIT, Need.DEADLINE)
        ),
        (Status.ASSIGNED, Action.REASSIGN): _REASSIGN,
        (Status.IN_PROGRESS, Action.REASSIGN): _REASSIGN,
        (Status.ASSIGNED, Action.ACCEPT): Rule(Status.IN_PROGRESS, _UNIT),
        (Status.ASSIGNED, Action.ASK_REASSIGN): _ASK_REASSIGN,
        (Status.IN_PROGRESS, Action.ASK_REASSIGN): _ASK_REASSIGN,
        (Status.IN_PROGRESS, Action.PROGRESS): Rule(
            Status.IN_PROGRESS, _UNIT, (Need.NOTE, Need.TAG)
        ),
        (Status.IN_PROGRESS, Action.RESOLVE): Rule(
            Status.PENDING_VERIFICATION, _UNIT, (Need.RESOLUTION,)
        ),
        (Status.PENDING_VERIFICATION, Action.VERIFY): Rule(Status.PENDING_FOLLOWUP, _COORDINATOR),
        (Status.PENDING_VERIFICATION, Action.SEND_BACK): Rule(
            Status.IN_PROGRESS, _COORDINATOR, (Need.REASON,)
        ),
        (Status.PENDING_FOLLOWUP, Action.FOLLOW_UP): Rule(
            Status.CLOSED, _EITHER, (Need.FOLLOWUP,), to_if_dissatisfied=Status.IN_PROGRESS
        ),
        (Status.CLOSED, Action.REOPEN): Rule(Status.IN_PROGRESS, _COORDINATOR, (Need.REASON,)),
        # It was not really solved on the spot, so nobody holds it yet.
        (Status.SOLVED_ON_SPOT, Action.REOPEN): Rule(
            Status.PENDING_ASSIGNMENT, _COORDINATOR, (Need.REASON,)
        ),
    }
)

_CLOSED = frozenset({Status.SOLVED_ON_SPOT, Status.CLOSED})


@dataclass(frozen=True, slots=True)
class ActionRequest:
    """What the person acting supplied; each action reads only the fields it needs."""

    unit_id: int | None = None
    deadline: date | None = None
    reason: str | None = None
    note: str | None = None
    tag: ProgressTag | None = None
    resolution: str | None = None
    contact: ContactMethod | None = None
    response: str | None = None
    satisfaction: Satisfaction | None = None


@dataclass(frozen=True, slots=True)
class EventRecord:
    """The trail entry the store appends; `note` holds the reason or the progress note."""

    action: Action
    from_status: Status
    to_status: Status
    note: str | None = None
    unit_id: int | None = None
    deadline: date | None = None
    tag: ProgressTag | None = None
    resolution: str | None = None
    contact: ContactMethod | None = None
    response: str | None = None
    satisfaction: Satisfaction | None = None


@dataclass(frozen=True, slots=True)
class Moved:
    to: Status
    event: EventRecord


@dataclass(frozen=True, slots=True)
class Refused:
    reason: RefusalReason


Outcome: TypeAlias = Moved | Refused


def relation_of(
    role: Role,
    person_id: int,
    person_unit_id: int,
    *,
    reporter_id: int,
    holder_unit_id: int | None,
    holder_ancestor_ids: Collection[int] = (),
) -> frozenset[Relation]:
    """How a person stands to a case; a coordinator in the holding unit is both, OTHER alone."""
    relations: set[Relation] = set()
    if role in (Role.COORDINATOR, Role.ADMIN):
        relations.add(Relation.COORDINATOR)
    if holder_unit_id is not None and (
        person_unit_id == holder_unit_id or person_unit_id in holder_ancestor_ids
    ):
        relations.add(Relation.HOLDING_UNIT)
    if person_id == reporter_id:
        relations.add(Relation.REPORTER)
    return frozenset(relations) if relations else frozenset({Relation.OTHER})


def allowed_actions(status: Status, relations: frozenset[Relation]) -> tuple[Action, ...]:
    """The actions to offer as buttons, in Action's declaration order."""
    return tuple(
        action
        for action in Action
        if (rule := TRANSITIONS.get((status, action))) is not None and relations & rule.by
    )


def transition(
    status: Status,
    action: Action,
    relations: frozenset[Relation],
    request: ActionRequest,
    *,
    today: date,
    holder_unit_id: int | None = None,
) -> Outcome:
    """Apply one action: where the case moves and what to record, or why it cannot.

    A state the action never leaves from is refused before the role, and the role before
    any field, so the person is told the most basic problem first.
    """
    rule = TRANSITIONS.get((status, action))
    if rule is None:
        return Refused(RefusalReason.NOT_ALLOWED_IN_STATE)
    if not relations & rule.by:
        return Refused(RefusalReason.NOT_YOUR_ROLE)
    for need in rule.needs:
        if (problem := _problem(need, request, today, holder_unit_id)) is not None:
            return Refused(problem)
    to = rule.to
    if rule.to_if_dissatisfied is not None and request.satisfaction is Satisfaction.DISSATISFIED:
        to = rule.to_if_dissatisfied
    needs = frozenset(rule.needs)
    followup = Need.FOLLOWUP in needs
    note = request.reason if Need.REASON in needs else request.note if Need.NOTE in needs else None
    return Moved(
        to,
        EventRecord(
            action=action,
            from_status=status,
            to_status=to,
            note=_clean(note),
            unit_id=request.unit_id if needs & {Need.UNIT, Need.NEW_UNIT} else None,
            deadline=request.deadline if Need.DEADLINE in needs else None,
            tag=request.tag if Need.TAG in needs else None,
            resolution=_clean(request.resolution) if Need.RESOLUTION in needs else None,
            contact=request.contact if followup else None,
            response=_clean(request.response) if followup else None,
            satisfaction=request.satisfaction if followup else None,
        ),
    )


def is_closed(status: Status) -> bool:
    return status in _CLOSED


def is_open(status: Status) -> bool:
    return status not in _CLOSED


def overdue(status: Status, deadline: date | None, today: date) -> bool:
    """Open and past its deadline; the deadline day itself still counts as on time."""
    return deadline is not None and is_open(status) and deadline < today


def days_left(deadline: date, today: date) -> int:
    """Days until the deadline: 0 on the day, negative once overdue."""
    return (deadline - today).days


def _clean(text: str | None) -> str | None:
    return text.strip() if text is not None else None


_TEXTS: Mapping[Need, tuple[Callable[[ActionRequest], str | None], RefusalReason]] = {
    Need.REASON: (lambda r: r.reason, RefusalReason.MISSING_REASON),
    Need.NOTE: (lambda r: r.note, RefusalReason.MISSING_NOTE),
    Need.RESOLUTION: (lambda r: r.resolution, RefusalReason.MISSING_RESOLUTION),
    Need.FOLLOWUP: (lambda r: r.response, RefusalReason.MISSING_FOLLOWUP),
}


def _problem(
    need: Need, request: ActionRequest, today: date, holder_unit_id: int | None
) -> RefusalReason | None:
    if need in (Need.UNIT, Need.NEW_UNIT):
        if request.unit_id is None:
            return RefusalReason.MISSING_UNIT
        if need is Need.NEW_UNIT and request.unit_id == holder_unit_id:
            return RefusalReason.SAME_UNIT
        return None
    if need is Need.DEADLINE:
        if request.deadline is None:
            return RefusalReason.MISSING_DEADLINE
        return RefusalReason.DEADLINE_IN_PAST if request.deadline < today else None
    if need is Need.TAG:
        return RefusalReason.MISSING_TAG if request.tag is None else None
    if need is Need.FOLLOWUP and (request.contact is None or request.satisfaction is None):
        return RefusalReason.MISSING_FOLLOWUP
    read, missing = _TEXTS[need]
    if not (text := _clean(read(request))):
        return missing
    return RefusalReason.TOO_LONG if len(text) > MAX_TEXT else None
