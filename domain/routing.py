"""Rules proposing the unit responsible for a case: 业务主管 by category/kind, 属地管理 by place.

The rules file is TOML, an array of ``[[rule]]`` tables read top to bottom; the first rule whose
every given condition holds proposes its unit::

    [[rule]]
    category = "legal"                    # optional: legal / livelihood / other, or a list of them
    kind = ["dispute", "risk"]            # optional: opinion / dispute / hardship / lead / risk
    place_contains = ["湖东路", "珍珠园"]  # optional: the place contains at least one of these
    unit = "MAS-HS-HDL"                   # required: a known unit code

A list matches any of its items; a single string is a list of one.  Place words are compared
after NFKC folding and case folding.  A rule with only ``unit`` matches every case (a fallback)
and must come last.  A file with any problem is refused whole (RoutingFileError) so the rules
in force stay; problems carry the line of the rule's ``[[rule]]`` header and a code, no prose.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from domain.cases import Category, IssueKind

__all__ = [
    "MatchReason",
    "Proposal",
    "RoutingFileError",
    "RoutingRules",
    "Rule",
    "RuleCode",
    "RuleProblem",
    "load_rules",
]

_RULE_KEYS = frozenset({"category", "kind", "place_contains", "unit"})
_RULE_HEADER_RE = re.compile(r"\s*\[\[\s*[\"']?rule[\"']?\s*\]\]")
_TOML_LINE_RE = re.compile(r"\(at line ([0-9]+), column [0-9]+\)$")
_E = TypeVar("_E", Category, IssueKind)


class RuleCode(StrEnum):
    """Why a rules file was refused; callers turn it into a message."""

    TOML_SYNTAX = "toml_syntax"
    NOT_RULES = "not_rules"  # ``rule`` is not an array of tables
    NO_RULES = "no_rules"
    UNKNOWN_KEY = "unknown_key"
    BAD_VALUE = "bad_value"  # a value of the wrong type, or an empty list
    UNKNOWN_CATEGORY = "unknown_category"
    UNKNOWN_KIND = "unknown_kind"
    UNKNOWN_UNIT = "unknown_unit"
    MISSING_UNIT = "missing_unit"
    EMPTY_PLACE_CONTAINS = "empty_place_contains"
    UNREACHABLE_RULE = "unreachable_rule"  # after a fallback; detail is the fallback's number


@dataclass(frozen=True, slots=True)
class RuleProblem:
    line: int | None
    message_code: str
    detail: str


class RoutingFileError(ValueError):
    """A rules file that was refused whole, with every problem found in ``problems``."""

    def __init__(self, problems: list[RuleProblem]) -> None:
        super().__init__("; ".join(f"line {p.line} {p.message_code}: {p.detail}" for p in problems))
        self.problems = problems


class MatchReason(StrEnum):
    CATEGORY = "category"
    KIND = "kind"
    PLACE = "place"


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule; an empty condition matches anything."""

    number: int  # 1-based, in file order
    line: int | None
    unit: str
    categories: frozenset[Category] = frozenset()
    kinds: frozenset[IssueKind] = frozenset()
    place_contains: tuple[str, ...] = ()

    @property
    def fallback(self) -> bool:
        return not (self.categories or self.kinds or self.place_contains)

    def match(
        self, category: Category, kind: IssueKind, place: str
    ) -> tuple[MatchReason, ...] | None:
        """The conditions that held, or None if one did not."""
        reasons: list[MatchReason] = []
        if self.categories:
            if category not in self.categories:
                return None
            reasons.append(MatchReason.CATEGORY)
        if self.kinds:
            if kind not in self.kinds:
                return None
            reasons.append(MatchReason.KIND)
        if self.place_contains:
            folded = _fold(place)
            if not any(_fold(word) in folded for word in self.place_contains):
                return None
            reasons.append(MatchReason.PLACE)
        return tuple(reasons)


@dataclass(frozen=True, slots=True)
class Proposal:
    """The unit a rule proposes; no reasons means the fallback rule matched."""

    unit: str
    rule: int
    line: int | None
    reasons: tuple[MatchReason, ...]

    @property
    def fallback(self) -> bool:
        return not self.reasons


@dataclass(frozen=True, slots=True)
class RoutingRules:
    rules: tuple[Rule, ...]

    def propose(self, category: Category, kind: IssueKind, place: str) -> Proposal | None:
        """The first matching rule's unit, or None when no rule matches."""
        for rule in self.rules:
            reasons = rule.match(category, kind, place)
            if reasons is not None:
                return Proposal(rule.unit, rule.number, rule.line, reasons)
        return None


def _toml_line(message: str, text: str) -> int | None:
    if m := _TOML_LINE_RE.search(message):
        return int(m[1])
    # tomllib says "at end of document" for errors it only notices there.
    return len(text.splitlines()) or None


def _top_key_line(lines: list[str], key: str) -> int | None:
    pattern = re.compile(rf"\s*(\[{{1,2}}\s*)?[\"']?{re.escape(key)}[\"']?\s*[=\].]")
    return next((i + 1 for i, s in enumerate(lines) if pattern.match(s)), None)


def _strings(value: object) -> list[str] | None:
    """A string or a non-empty list of strings as a list; None for anything else."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return [v for v in value if isinstance(v, str)]
    return None


class _Reader:
    """Checks one rule table after another, collecting every problem."""

    def __init__(self, known_units: set[str]) -> None:
        self.known_units = known_units
        self.problems: list[RuleProblem] = []

    def refuse(self, line: int | None, code: RuleCode, detail: str) -> None:
        self.problems.append(RuleProblem(line, code, detail))

    def _values(
        self, table: dict[str, object], key: str, enum: type[_E], code: RuleCode, line: int | None
    ) -> frozenset[_E]:
        if key not in table:
            return frozenset()
        words = _strings(table[key])
        if words is None:
            self.refuse(line, RuleCode.BAD_VALUE, key)
            return frozenset()
        known = {member.value: member for member in enum}
        for word in words:
            if word not in known:
                self.refuse(line, code, word)
        return frozenset(known[w] for w in words if w in known)

    def _places(self, table: dict[str, object], line: int | None) -> tuple[str, ...]:
        if "place_contains" not in table:
            return ()
        value = table["place_contains"]
        words = [] if value == [] else _strings(value)
        if words is None:
            self.refuse(line, RuleCode.BAD_VALUE, "place_contains")
            return ()
        if not words or any(not w.strip() for w in words):
            # An empty word would be contained in every place and route everything here.
            self.refuse(line, RuleCode.EMPTY_PLACE_CONTAINS, repr(words))
        return tuple(w.strip() for w in words if w.strip())

    def rule(self, number: int, line: int | None, table: object) -> Rule | None:
        if not isinstance(table, dict):
            self.refuse(line, RuleCode.NOT_RULES, "rule")
            return None
        before = len(self.problems)
        for key in sorted(set(table) - _RULE_KEYS):
            self.refuse(line, RuleCode.UNKNOWN_KEY, key)
        categories = self._values(table, "category", Category, RuleCode.UNKNOWN_CATEGORY, line)
        kinds = self._values(table, "kind", IssueKind, RuleCode.UNKNOWN_KIND, line)
        places = self._places(table, line)
        unit = table.get("unit")
        if unit is None:
            self.refuse(line, RuleCode.MISSING_UNIT, "unit")
        elif not isinstance(unit, str):
            self.refuse(line, RuleCode.BAD_VALUE, "unit")
        elif unit not in self.known_units:
            self.refuse(line, RuleCode.UNKNOWN_UNIT, unit)
        if len(self.problems) > before or not isinstance(unit, str):
            return None
        return Rule(number, line, unit, categories, kinds, places)


def _header_lines(lines: list[str], count: int) -> list[int | None]:
    found = [i + 1 for i, s in enumerate(lines) if _RULE_HEADER_RE.match(s)]
    # Rules written as an inline array have no headers; a miscount would point at wrong lines.
    return list[int | None](found) if len(found) == count else [None] * count


def _unreachable(rules: Iterable[Rule]) -> list[RuleProblem]:
    problems: list[RuleProblem] = []
    fallback: Rule | None = None
    for rule in rules:
        if fallback is not None:
            problems.append(RuleProblem(rule.line, RuleCode.UNREACHABLE_RULE, str(fallback.number)))
        elif rule.fallback:
            fallback = rule
    return problems


def load_rules(text: str, known_units: set[str]) -> RoutingRules:
    """The rules in ``text``, all of them, or RoutingFileError listing every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problem = RuleProblem(_toml_line(str(exc), text), RuleCode.TOML_SYNTAX, str(exc))
        raise RoutingFileError([problem]) from None
    lines = text.splitlines()
    reader = _Reader(known_units)
    for key in data:
        if key != "rule":
            reader.refuse(_top_key_line(lines, key), RuleCode.UNKNOWN_KEY, key)
    tables = data.get("rule", [])
    if not isinstance(tables, list):
        reader.refuse(_top_key_line(lines, "rule"), RuleCode.NOT_RULES, "rule")
        tables = []
    elif not tables:
        reader.refuse(None, RuleCode.NO_RULES, "")
    header_lines = _header_lines(lines, len(tables))
    numbered = enumerate(zip(header_lines, tables, strict=True), start=1)
    read = [reader.rule(number, line, table) for number, (line, table) in numbered]
    rules = [rule for rule in read if rule is not None]
    # Rules that failed to load are reported already; only good ones can shadow others.
    problems = reader.problems + _unreachable(rules)
    if problems:
        raise RoutingFileError(sorted(problems, key=lambda p: p.line or 0))
    return RoutingRules(tuple(rules))
