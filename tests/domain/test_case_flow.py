"""Tests for domain.case_flow."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest

import domain.case_flow
from domain.case_flow import (
    MAX_TEXT,
    TRANSITIONS,
    Action,
    ActionRequest,
    ContactMethod,
    EventRecord,
    Moved,
    Need,
    Outcome,
    ProgressTag,
    RefusalReason,
    Refused,
    Relation,
    Satisfaction,
    Status,
    allowed_actions,
    days_left,
    is_closed,
    is_open,
    overdue,
    relation_of,
    transition,
)
from domain.cases import CaseStatus
from domain.people import Role

S, A, Why = Status, Action, RefusalReason
COORD, UNIT, REPORTER, OTHER = (
    Relation.COORDINATOR,
    Relation.HOLDING_UNIT,
    Relation.REPORTER,
    Relation.OTHER,
)
BOTH = frozenset({COORD, UNIT})

TODAY = date(2026, 11, 25)
YESTERDAY = TODAY - timedelta(days=1)
TOMORROW = TODAY + timedelta(days=1)
DEADLINE = TODAY + timedelta(days=7)
HOLDER = 11
ELSEWHERE = 12
REASON = "该问题属于住建部门职责"
NOTE = "已联系物业，下周更换路灯"
RESOLUTION = "已协调物业更换小区路灯3盏"
RESPONSE = "路灯已经亮了，谢谢"

FULL = ActionRequest(
    unit_id=ELSEWHERE,
    deadline=DEADLINE,
    reason=REASON,
    note=NOTE,
    tag=ProgressTag.HANDLING,
    resolution=RESOLUTION,
    contact=ContactMethod.PHONE,
    response=RESPONSE,
    satisfaction=Satisfaction.SATISFIED,
)

# The loop as the campaign wrote it, kept apart from TRANSITIONS so that a slip in the table
# shows up here instead of being copied into the expectations.
SPEC: dict[tuple[Status, Action], tuple[Status, frozenset[Relation]]] = {
    (S.PENDING_ASSIGNMENT, A.ASSIGN): (S.ASSIGNED, frozenset({COORD})),
    (S.ASSIGNED, A.REASSIGN): (S.ASSIGNED, frozenset({COORD})),
    (S.IN_PROGRESS, A.REASSIGN): (S.ASSIGNED, frozenset({COORD})),
    (S.ASSIGNED, A.ACCEPT): (S.IN_PROGRESS, frozenset({UNIT})),
    (S.ASSIGNED, A.ASK_REASSIGN): (S.PENDING_ASSIGNMENT, frozenset({UNIT})),
    (S.IN_PROGRESS, A.ASK_REASSIGN): (S.PENDING_ASSIGNMENT, frozenset({UNIT})),
    (S.IN_PROGRESS, A.PROGRESS): (S.IN_PROGRESS, frozenset({UNIT})),
    (S.IN_PROGRESS, A.RESOLVE): (S.PENDING_VERIFICATION, frozenset({UNIT})),
    (S.PENDING_VERIFICATION, A.VERIFY): (S.PENDING_FOLLOWUP, frozenset({COORD})),
    (S.PENDING_VERIFICATION, A.SEND_BACK): (S.IN_PROGRESS, frozenset({COORD})),
    (S.PENDING_FOLLOWUP, A.FOLLOW_UP): (S.CLOSED, BOTH),
    (S.CLOSED, A.REOPEN): (S.IN_PROGRESS, frozenset({COORD})),
    (S.SOLVED_ON_SPOT, A.REOPEN): (S.PENDING_ASSIGNMENT, frozenset({COORD})),
}

RELATION_SETS = [frozenset({r}) for r in Relation] + [BOTH]
ALL_RELATION_SETS = [
    frozenset(chosen)
    for size in range(len(Relation) + 1)
    for chosen in combinations(Relation, size)
]


def _ids(value: object) -> str | None:
    if isinstance(value, frozenset):
        return "+".join(sorted(value)) or "nobody"
    return None


def _full(**changes: Any) -> ActionRequest:
    return replace(FULL, **changes)


def _move(
    status: Status,
    action: Action,
    relations: frozenset[Relation] = BOTH,
    request: ActionRequest = FULL,
) -> Outcome:
    return transition(status, action, relations, request, today=TODAY, holder_unit_id=HOLDER)


# --- the whole grid: every state, action and relation ---------------------------------------


@pytest.mark.parametrize("relations", RELATION_SETS, ids=_ids)
@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("status", list(Status))
def test_every_state_action_and_relation(
    status: Status, action: Action, relations: frozenset[Relation]
) -> None:
    outcome = _move(status, action, relations)
    spec = SPEC.get((status, action))
    if spec is None:
        assert outcome == Refused(Why.NOT_ALLOWED_IN_STATE)
    elif not relations & spec[1]:
        assert outcome == Refused(Why.NOT_YOUR_ROLE)
    else:
        assert isinstance(outcome, Moved)
        assert outcome.to == spec[0]
        assert outcome.event.action is action
        assert outcome.event.from_status is status
        assert outcome.event.to_status is spec[0]


def test_table_is_the_spec() -> None:
    assert {key: (rule.to, rule.by) for key, rule in TRANSITIONS.items()} == SPEC


def test_reporter_and_other_may_do_nothing() -> None:
    for rule in TRANSITIONS.values():
        assert not rule.by & {REPORTER, OTHER}


def test_no_rule_needs_both_a_reason_and_a_note() -> None:
    # Both are recorded in the event's one note field.
    for rule in TRANSITIONS.values():
        assert not {Need.REASON, Need.NOTE} <= set(rule.needs)


@pytest.mark.parametrize(
    ("status", "action", "relations", "request_", "expected"),
    [
        # a state the action never leaves from is reported before the role
        (S.CLOSED, A.ASSIGN, frozenset({OTHER}), FULL, Why.NOT_ALLOWED_IN_STATE),
        (
            S.SOLVED_ON_SPOT,
            A.FOLLOW_UP,
            frozenset({REPORTER}),
            ActionRequest(),
            Why.NOT_ALLOWED_IN_STATE,
        ),
        # and the role before any missing field
        (S.PENDING_ASSIGNMENT, A.ASSIGN, frozenset({UNIT}), ActionRequest(), Why.NOT_YOUR_ROLE),
        (S.IN_PROGRESS, A.RESOLVE, frozenset({COORD}), ActionRequest(), Why.NOT_YOUR_ROLE),
        (S.CLOSED, A.REOPEN, frozenset(), FULL, Why.NOT_YOUR_ROLE),
        # fields are checked in the rule's order
        (S.ASSIGNED, A.REASSIGN, frozenset({COORD}), ActionRequest(), Why.MISSING_UNIT),
        (
            S.PENDING_ASSIGNMENT,
            A.ASSIGN,
            frozenset({COORD}),
            ActionRequest(unit_id=3),
            Why.MISSING_DEADLINE,
        ),
        (S.IN_PROGRESS, A.PROGRESS, frozenset({UNIT}), ActionRequest(), Why.MISSING_NOTE),
    ],
)
def test_precedence(
    status: Status,
    action: Action,
    relations: frozenset[Relation],
    request_: ActionRequest,
    expected: RefusalReason,
) -> None:
    assert _move(status, action, relations, request_) == Refused(expected)


# --- required fields ----------------------------------------------------------------------

TEXT_NEEDS = [
    (S.ASSIGNED, A.REASSIGN, "reason", Why.MISSING_REASON),
    (S.IN_PROGRESS, A.REASSIGN, "reason", Why.MISSING_REASON),
    (S.ASSIGNED, A.ASK_REASSIGN, "reason", Why.MISSING_REASON),
    (S.IN_PROGRESS, A.ASK_REASSIGN, "reason", Why.MISSING_REASON),
    (S.PENDING_VERIFICATION, A.SEND_BACK, "reason", Why.MISSING_REASON),
    (S.CLOSED, A.REOPEN, "reason", Why.MISSING_REASON),
    (S.SOLVED_ON_SPOT, A.REOPEN, "reason", Why.MISSING_REASON),
    (S.IN_PROGRESS, A.PROGRESS, "note", Why.MISSING_NOTE),
    (S.IN_PROGRESS, A.RESOLVE, "resolution", Why.MISSING_RESOLUTION),
    (S.PENDING_FOLLOWUP, A.FOLLOW_UP, "response", Why.MISSING_FOLLOWUP),
]
TEXT_IDS = [f"{status}-{action}-{field}" for status, action, field, _ in TEXT_NEEDS]


@pytest.mark.parametrize("blank", [None, "", " ", "   \n\t", "\u3000\u3000"])
@pytest.mark.parametrize(("status", "action", "field", "expected"), TEXT_NEEDS, ids=TEXT_IDS)
def test_missing_or_blank_text_is_refused(
    status: Status, action: Action, field: str, expected: RefusalReason, blank: str | None
) -> None:
    assert _move(status, action, request=_full(**{field: blank})) == Refused(expected)


@pytest.mark.parametrize("text", ["字" * (MAX_TEXT + 1), "a" * (MAX_TEXT + 1)])
@pytest.mark.parametrize(("status", "action", "field", "expected"), TEXT_NEEDS, ids=TEXT_IDS)
def test_too_long_text_is_refused(
    status: Status, action: Action, field: str, expected: RefusalReason, text: str
) -> None:
    assert _move(status, action, request=_full(**{field: text})) == Refused(Why.TOO_LONG)


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("字" * MAX_TEXT, "字" * MAX_TEXT),
        ("  " + "字" * MAX_TEXT + "\n", "字" * MAX_TEXT),  # padding does not count
        ("\u3000已处理 ", "已处理"),
    ],
)
@pytest.mark.parametrize(("status", "action", "field", "expected"), TEXT_NEEDS, ids=TEXT_IDS)
def test_text_up_to_the_limit_is_kept_stripped(
    status: Status, action: Action, field: str, expected: RefusalReason, text: str, stored: str
) -> None:
    outcome = _move(status, action, request=_full(**{field: text}))
    assert isinstance(outcome, Moved)
    recorded = {"reason": "note"}.get(field, field)
    assert getattr(outcome.event, recorded) == stored


@pytest.mark.parametrize(
    ("status", "action", "changes", "expected"),
    [
        (S.PENDING_ASSIGNMENT, A.ASSIGN, {"unit_id": None}, Why.MISSING_UNIT),
        (S.PENDING_ASSIGNMENT, A.ASSIGN, {"deadline": None}, Why.MISSING_DEADLINE),
        (S.PENDING_ASSIGNMENT, A.ASSIGN, {"deadline": YESTERDAY}, Why.DEADLINE_IN_PAST),
        (S.PENDING_ASSIGNMENT, A.ASSIGN, {"deadline": date(2025, 12, 31)}, Why.DEADLINE_IN_PAST),
        (S.ASSIGNED, A.REASSIGN, {"unit_id": None}, Why.MISSING_UNIT),
        (S.ASSIGNED, A.REASSIGN, {"unit_id": HOLDER}, Why.SAME_UNIT),
        (S.ASSIGNED, A.REASSIGN, {"deadline": None}, Why.MISSING_DEADLINE),
        (S.ASSIGNED, A.REASSIGN, {"deadline": YESTERDAY}, Why.DEADLINE_IN_PAST),
        (S.IN_PROGRESS, A.REASSIGN, {"unit_id": None}, Why.MISSING_UNIT),
        (S.IN_PROGRESS, A.REASSIGN, {"unit_id": HOLDER}, Why.SAME_UNIT),
        (S.IN_PROGRESS, A.REASSIGN, {"deadline": None}, Why.MISSING_DEADLINE),
        (S.IN_PROGRESS, A.REASSIGN, {"deadline": YESTERDAY}, Why.DEADLINE_IN_PAST),
        (S.IN_PROGRESS, A.PROGRESS, {"tag": None}, Why.MISSING_TAG),
        (S.PENDING_FOLLOWUP, A.FOLLOW_UP, {"contact": None}, Why.MISSING_FOLLOWUP),
        (S.PENDING_FOLLOWUP, A.FOLLOW_UP, {"satisfaction": None}, Why.MISSING_FOLLOWUP),
    ],
)
def test_missing_or_wrong_field_is_refused(
    status: Status, action: Action, changes: dict[str, Any], expected: RefusalReason
) -> None:
    assert _move(status, action, request=_full(**changes)) == Refused(expected)


@pytest.mark.parametrize(
    ("status", "action", "changes"),
    [
        (S.PENDING_ASSIGNMENT, A.ASSIGN, {"deadline": TODAY}),
        (S.ASSIGNED, A.REASSIGN, {"deadline": TODAY}),
        (S.IN_PROGRESS, A.REASSIGN, {"deadline": TODAY}),
        # after 申请改派 the office may still decide the same unit should handle it
        (S.PENDING_ASSIGNMENT, A.ASSIGN, {"unit_id": HOLDER}),
    ],
)
def test_edge_values_that_are_accepted(
    status: Status, action: Action, changes: dict[str, Any]
) -> None:
    assert isinstance(_move(status, action, request=_full(**changes)), Moved)


@pytest.mark.parametrize(
    ("status", "action"), [(S.ASSIGNED, A.ACCEPT), (S.PENDING_VERIFICATION, A.VERIFY)]
)
def test_actions_that_need_nothing(status: Status, action: Action) -> None:
    assert isinstance(_move(status, action, request=ActionRequest()), Moved)


def test_reassign_with_no_known_holder_cannot_be_same_unit() -> None:
    outcome = transition(S.ASSIGNED, A.REASSIGN, BOTH, FULL, today=TODAY)
    assert isinstance(outcome, Moved)


# --- what is recorded ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "action", "event"),
    [
        (
            S.PENDING_ASSIGNMENT,
            A.ASSIGN,
            EventRecord(
                A.ASSIGN, S.PENDING_ASSIGNMENT, S.ASSIGNED, unit_id=ELSEWHERE, deadline=DEADLINE
            ),
        ),
        (
            S.ASSIGNED,
            A.REASSIGN,
            EventRecord(
                A.REASSIGN,
                S.ASSIGNED,
                S.ASSIGNED,
                note=REASON,
                unit_id=ELSEWHERE,
                deadline=DEADLINE,
            ),
        ),
        (
            S.IN_PROGRESS,
            A.REASSIGN,
            EventRecord(
                A.REASSIGN,
                S.IN_PROGRESS,
                S.ASSIGNED,
                note=REASON,
                unit_id=ELSEWHERE,
                deadline=DEADLINE,
            ),
        ),
        (S.ASSIGNED, A.ACCEPT, EventRecord(A.ACCEPT, S.ASSIGNED, S.IN_PROGRESS)),
        (
            S.ASSIGNED,
            A.ASK_REASSIGN,
            EventRecord(A.ASK_REASSIGN, S.ASSIGNED, S.PENDING_ASSIGNMENT, note=REASON),
        ),
        (
            S.IN_PROGRESS,
            A.ASK_REASSIGN,
            EventRecord(A.ASK_REASSIGN, S.IN_PROGRESS, S.PENDING_ASSIGNMENT, note=REASON),
        ),
        (
            S.IN_PROGRESS,
            A.PROGRESS,
            EventRecord(
                A.PROGRESS, S.IN_PROGRESS, S.IN_PROGRESS, note=NOTE, tag=ProgressTag.HANDLING
            ),
        ),
        (
            S.IN_PROGRESS,
            A.RESOLVE,
            EventRecord(A.RESOLVE, S.IN_PROGRESS, S.PENDING_VERIFICATION, resolution=RESOLUTION),
        ),
        (
            S.PENDING_VERIFICATION,
            A.VERIFY,
            EventRecord(A.VERIFY, S.PENDING_VERIFICATION, S.PENDING_FOLLOWUP),
        ),
        (
            S.PENDING_VERIFICATION,
            A.SEND_BACK,
            EventRecord(A.SEND_BACK, S.PENDING_VERIFICATION, S.IN_PROGRESS, note=REASON),
        ),
        (
            S.PENDING_FOLLOWUP,
            A.FOLLOW_UP,
            EventRecord(
                A.FOLLOW_UP,
                S.PENDING_FOLLOWUP,
                S.CLOSED,
                contact=ContactMethod.PHONE,
                response=RESPONSE,
                satisfaction=Satisfaction.SATISFIED,
            ),
        ),
        (S.CLOSED, A.REOPEN, EventRecord(A.REOPEN, S.CLOSED, S.IN_PROGRESS, note=REASON)),
        (
            S.SOLVED_ON_SPOT,
            A.REOPEN,
            EventRecord(A.REOPEN, S.SOLVED_ON_SPOT, S.PENDING_ASSIGNMENT, note=REASON),
        ),
    ],
)
def test_event_carries_only_what_the_action_needs(
    status: Status, action: Action, event: EventRecord
) -> None:
    assert _move(status, action) == Moved(event.to_status, event)


def test_every_rule_has_an_event_case() -> None:
    # keeps the test above complete when the table grows
    assert set(SPEC) == set(TRANSITIONS)


@pytest.mark.parametrize(
    ("satisfaction", "to"),
    [
        (Satisfaction.SATISFIED, S.CLOSED),
        (Satisfaction.BASICALLY_SATISFIED, S.CLOSED),
        (Satisfaction.DISSATISFIED, S.IN_PROGRESS),
    ],
)
@pytest.mark.parametrize("contact", list(ContactMethod))
@pytest.mark.parametrize("relations", [frozenset({COORD}), frozenset({UNIT}), BOTH], ids=_ids)
def test_follow_up_closes_or_reopens(
    satisfaction: Satisfaction, to: Status, contact: ContactMethod, relations: frozenset[Relation]
) -> None:
    request = _full(contact=contact, satisfaction=satisfaction)
    outcome = _move(S.PENDING_FOLLOWUP, A.FOLLOW_UP, relations, request)
    assert outcome == Moved(
        to,
        EventRecord(
            A.FOLLOW_UP,
            S.PENDING_FOLLOWUP,
            to,
            contact=contact,
            response=RESPONSE,
            satisfaction=satisfaction,
        ),
    )


@pytest.mark.parametrize("tag", list(ProgressTag))
def test_progress_stays_in_progress_with_any_tag(tag: ProgressTag) -> None:
    outcome = _move(S.IN_PROGRESS, A.PROGRESS, frozenset({UNIT}), _full(tag=tag))
    assert isinstance(outcome, Moved)
    assert (outcome.to, outcome.event.tag) == (S.IN_PROGRESS, tag)


# --- buttons ------------------------------------------------------------------------------


@pytest.mark.parametrize("relations", ALL_RELATION_SETS, ids=_ids)
@pytest.mark.parametrize("status", list(Status))
def test_offered_actions_are_exactly_those_that_succeed(
    status: Status, relations: frozenset[Relation]
) -> None:
    offered = allowed_actions(status, relations)
    for action in Action:
        moved = isinstance(_move(status, action, relations), Moved)
        assert moved == (action in offered), action
    assert list(offered) == [action for action in Action if action in offered]


@pytest.mark.parametrize(
    ("status", "relations", "expected"),
    [
        (S.PENDING_ASSIGNMENT, {COORD}, (A.ASSIGN,)),
        (S.PENDING_ASSIGNMENT, {UNIT}, ()),
        (S.ASSIGNED, {UNIT}, (A.ACCEPT, A.ASK_REASSIGN)),
        (S.ASSIGNED, {COORD}, (A.REASSIGN,)),
        (S.IN_PROGRESS, {UNIT}, (A.PROGRESS, A.RESOLVE, A.ASK_REASSIGN)),
        (S.IN_PROGRESS, {COORD}, (A.REASSIGN,)),
        (S.IN_PROGRESS, {COORD, UNIT}, (A.PROGRESS, A.RESOLVE, A.ASK_REASSIGN, A.REASSIGN)),
        (S.PENDING_VERIFICATION, {COORD}, (A.VERIFY, A.SEND_BACK)),
        (S.PENDING_VERIFICATION, {UNIT}, ()),
        (S.PENDING_FOLLOWUP, {UNIT}, (A.FOLLOW_UP,)),
        (S.PENDING_FOLLOWUP, {COORD}, (A.FOLLOW_UP,)),
        (S.CLOSED, {COORD}, (A.REOPEN,)),
        (S.CLOSED, {UNIT, REPORTER}, ()),
        (S.SOLVED_ON_SPOT, {COORD}, (A.REOPEN,)),
        (S.SOLVED_ON_SPOT, {REPORTER}, ()),
        (S.IN_PROGRESS, {OTHER}, ()),
    ],
)
def test_button_order(
    status: Status, relations: set[Relation], expected: tuple[Action, ...]
) -> None:
    assert allowed_actions(status, frozenset(relations)) == expected


# --- who is acting ------------------------------------------------------------------------

REPORTER_ID = 7
PERSON_ID = 8


@pytest.mark.parametrize(
    ("role", "person_id", "unit_id", "holder", "ancestors", "expected"),
    [
        (Role.OFFICER, PERSON_ID, HOLDER, HOLDER, (), {UNIT}),
        (Role.UNIT_LEAD, PERSON_ID, HOLDER, HOLDER, (1, 2), {UNIT}),
        (Role.UNIT_LEAD, PERSON_ID, 2, HOLDER, (1, 2), {UNIT}),  # the county bureau above
        (Role.OFFICER, PERSON_ID, 1, HOLDER, frozenset({1, 2}), {UNIT}),
        (Role.OFFICER, PERSON_ID, 30, HOLDER, (1, 2), {OTHER}),  # a unit below, or beside
        (Role.COORDINATOR, PERSON_ID, 1, HOLDER, (), {COORD}),
        (Role.ADMIN, PERSON_ID, 1, HOLDER, (), {COORD}),
        (Role.COORDINATOR, PERSON_ID, HOLDER, HOLDER, (), {COORD, UNIT}),
        (Role.ADMIN, PERSON_ID, 1, HOLDER, (1,), {COORD, UNIT}),
        (Role.OFFICER, REPORTER_ID, 30, HOLDER, (), {REPORTER}),
        (Role.OFFICER, REPORTER_ID, HOLDER, HOLDER, (), {UNIT, REPORTER}),
        (Role.COORDINATOR, REPORTER_ID, HOLDER, HOLDER, (), {COORD, UNIT, REPORTER}),
        (Role.OFFICER, PERSON_ID, HOLDER, None, (), {OTHER}),  # nobody holds it yet
        (Role.OFFICER, PERSON_ID, 1, None, (1,), {OTHER}),
        (Role.UNIT_LEAD, PERSON_ID, 30, HOLDER, (), {OTHER}),
        (Role.COORDINATOR, PERSON_ID, 1, None, (), {COORD}),
    ],
)
def test_relation_of(
    role: Role,
    person_id: int,
    unit_id: int,
    holder: int | None,
    ancestors: tuple[int, ...] | frozenset[int],
    expected: set[Relation],
) -> None:
    relations = relation_of(
        role,
        person_id,
        unit_id,
        reporter_id=REPORTER_ID,
        holder_unit_id=holder,
        holder_ancestor_ids=ancestors,
    )
    assert relations == frozenset(expected)


# --- open, closed, overdue ------------------------------------------------------------------

OPEN = {S.PENDING_ASSIGNMENT, S.ASSIGNED, S.IN_PROGRESS, S.PENDING_VERIFICATION, S.PENDING_FOLLOWUP}


@pytest.mark.parametrize("status", list(Status))
def test_open_and_closed(status: Status) -> None:
    assert is_open(status) == (status in OPEN)
    assert is_closed(status) == (status not in OPEN)


@pytest.mark.parametrize("deadline", [None, date(2026, 1, 1), YESTERDAY, TODAY, TOMORROW], ids=str)
@pytest.mark.parametrize("status", list(Status))
def test_overdue(status: Status, deadline: date | None) -> None:
    late = deadline is not None and deadline < TODAY
    assert overdue(status, deadline, TODAY) == (status in OPEN and late)


@pytest.mark.parametrize(
    ("deadline", "today", "expected"),
    [
        (TODAY, TODAY, 0),
        (TOMORROW, TODAY, 1),
        (YESTERDAY, TODAY, -1),
        (date(2027, 1, 1), date(2026, 12, 31), 1),
        (date(2026, 12, 31), date(2027, 1, 1), -1),
        (date(2028, 3, 1), date(2028, 2, 28), 2),  # leap year
        (date(2026, 12, 2), TODAY, 7),
    ],
)
def test_days_left(deadline: date, today: date, expected: int) -> None:
    assert days_left(deadline, today) == expected


# --- stored values and the diagram ----------------------------------------------------------


def test_stored_values() -> None:
    assert [s.value for s in Status] == [
        "solved_on_spot",
        "pending_assignment",
        "assigned",
        "in_progress",
        "pending_verification",
        "pending_followup",
        "closed",
    ]
    for old in CaseStatus:
        assert Status(old.value).value == old.value
        assert is_closed(Status(old.value)) == old.closed


DIAGRAM = Path(domain.case_flow.__file__).with_suffix(".mmd")
ARROW = re.compile(r"^\s*(\[\*\]|\w+)\s*-->\s*(\[\*\]|\w+)\s*(?::\s*(\S+))?")


def _diagram_arrows() -> list[tuple[str, str, str | None]]:
    lines = DIAGRAM.read_text(encoding="utf-8").splitlines()
    matches = [m for line in lines if (m := ARROW.match(line))]
    return [(m[1], m[2], m[3]) for m in matches]


def test_diagram_edges_are_the_table() -> None:
    drawn = {
        (Status(a), Status(b), Action(label))
        for a, b, label in _diagram_arrows()
        if "[*]" not in (a, b) and label is not None
    }
    table = {
        (status, to, action)
        for (status, action), rule in TRANSITIONS.items()
        for to in rule.targets
    }
    assert drawn == table


def test_diagram_has_no_unlabelled_moves_between_states() -> None:
    for a, b, label in _diagram_arrows():
        assert label is not None or "[*]" in (a, b), (a, b)


def test_diagram_starts_at_logging_and_rests_at_closed_states() -> None:
    arrows = _diagram_arrows()
    starts = {Status(b) for a, b, _ in arrows if a == "[*]"}
    ends = {Status(a) for a, b, _ in arrows if b == "[*]"}
    assert starts == {Status(s.value) for s in CaseStatus}
    assert ends == {s for s in Status if is_closed(s)}


def test_diagram_names_every_state() -> None:
    text = DIAGRAM.read_text(encoding="utf-8")
    for status in Status:
        assert re.search(rf"^\s*{status.value}: \S", text, re.MULTILINE), status
