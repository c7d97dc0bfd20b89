"""Routing rules and the holiday calendar from files, reloadable; the old ones stay on error."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from domain.cases import Category, IssueKind, Urgency
from domain.routing import RoutingFileError, RoutingRules, load_rules
from domain.workdays import (
    CalendarFileError,
    DeadlinePolicy,
    UnknownCalendar,
    WorkCalendar,
    deadline_for,
    parse_calendar,
)
from handlers.context import RulesProblem

__all__ = ["FileCaseRules"]


class FileCaseRules:
    """Implements the core's CaseRules from two optional files.

    The routing file (ROUTING_FILE) proposes units; the calendar file (CALENDAR_FILE) adds or
    corrects holidays for years the holiday library does not know yet.
    """

    def __init__(
        self, routing_file: Path | None, calendar_file: Path | None, policy: DeadlinePolicy
    ) -> None:
        self._routing_file = routing_file
        self._calendar_file = calendar_file
        self._policy = policy
        self._routing: RoutingRules | None = None
        self._calendar = WorkCalendar()

    def reload(self, unit_codes: set[str]) -> list[RulesProblem]:
        """Read both files; on any problem keep what was in force and return the problems."""
        problems: list[RulesProblem] = []
        routing = self._routing
        calendar = self._calendar
        if self._routing_file is not None and self._routing_file.is_file():
            try:
                routing = load_rules(self._routing_file.read_text("utf-8"), unit_codes)
            except RoutingFileError as error:
                name = self._routing_file.name
                problems += [
                    RulesProblem(name, p.line, p.message_code, p.detail) for p in error.problems
                ]
        if self._calendar_file is not None and self._calendar_file.is_file():
            try:
                calendar = WorkCalendar(parse_calendar(self._calendar_file.read_text("utf-8")))
            except CalendarFileError as error:
                name = self._calendar_file.name
                problems += [
                    RulesProblem(name, p.line, p.code.value, p.detail) for p in error.problems
                ]
        if not problems:
            self._routing, self._calendar = routing, calendar
        return problems

    def propose_unit(self, category: Category, kind: IssueKind, place: str) -> str | None:
        if self._routing is None:
            return None
        proposal = self._routing.propose(category, kind, place)
        return proposal.unit if proposal else None

    def propose_deadline(self, urgency: Urgency, today: date) -> tuple[date, tuple[int, ...]]:
        deadline = deadline_for(urgency, today, self._calendar, self._policy)
        return deadline.due, tuple(sorted(deadline.guessed_years))

    def is_workday(self, day: date) -> bool:
        try:
            return self._calendar.is_workday(day)
        except UnknownCalendar:
            return day.weekday() < 5

    def next_workday(self, day: date) -> date:
        return self._calendar.add_workdays_or_weekdays(day, 1)[0]
