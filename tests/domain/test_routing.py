"""Tests for domain.routing: matching order, places, fallback, and refused rules files."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import pytest

from domain.cases import Category, IssueKind
from domain.routing import (
    MatchReason,
    Proposal,
    RoutingFileError,
    RoutingRules,
    RuleCode,
    load_rules,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
UNITS = {
    "MAS",
    "MAS-HS",
    "MAS-HS-SFJ",
    "MAS-HS-HDL",
    "MAS-HS-HDL-PCS",
    "MAS-YS",
    "MAS-GAJ",
    "MAS-FY",
}
LEGAL, LIVELIHOOD, OTHER = Category.LEGAL, Category.LIVELIHOOD, Category.OTHER
C, K, P = MatchReason.CATEGORY, MatchReason.KIND, MatchReason.PLACE

RULES = """\
# first matching rule wins
[[rule]]
category = "legal"
kind = "dispute"
unit = "MAS-HS-SFJ"

[[rule]]
kind = ["lead", "risk"]
unit = "MAS-GAJ"

[[rule]]
place_contains = ["湖东路", "珍珠园"]
unit = "MAS-HS-HDL"

[[rule]]
category = ["livelihood", "other"]
place_contains = "雨山"
unit = "MAS-YS"

[[rule]]
unit = "MAS"
"""


def codes_and_lines(text: str, units: set[str] = UNITS) -> list[tuple[int | None, str, str]]:
    with pytest.raises(RoutingFileError) as caught:
        load_rules(text, units)
    return [(p.line, p.message_code, p.detail) for p in caught.value.problems]


# --- matching -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "kind", "place", "expected"),
    [
        (LEGAL, IssueKind.DISPUTE, "湖东路12号", Proposal("MAS-HS-SFJ", 1, 2, (C, K))),
        (LEGAL, IssueKind.LEAD, "湖东路12号", Proposal("MAS-GAJ", 2, 7, (K,))),
        (LIVELIHOOD, IssueKind.RISK, "雨山区", Proposal("MAS-GAJ", 2, 7, (K,))),
        (LIVELIHOOD, IssueKind.DISPUTE, "湖东路12号", Proposal("MAS-HS-HDL", 3, 11, (P,))),
        (OTHER, IssueKind.HARDSHIP, "珍珠园小区3栋", Proposal("MAS-HS-HDL", 3, 11, (P,))),
        (OTHER, IssueKind.OPINION, "雨山区采石", Proposal("MAS-YS", 4, 15, (C, P))),
        (LEGAL, IssueKind.OPINION, "雨山区采石", Proposal("MAS", 5, 20, ())),
        (LIVELIHOOD, IssueKind.HARDSHIP, "博望区", Proposal("MAS", 5, 20, ())),
    ],
)
def test_the_first_matching_rule_wins(
    category: Category, kind: IssueKind, place: str, expected: Proposal
) -> None:
    assert load_rules(RULES, UNITS).propose(category, kind, place) == expected


def test_a_fallback_proposal_says_so() -> None:
    proposal = load_rules(RULES, UNITS).propose(OTHER, IssueKind.OPINION, "")
    assert proposal is not None
    assert proposal.fallback
    assert proposal.unit == "MAS"


def test_without_a_fallback_nothing_may_match() -> None:
    rules = load_rules('[[rule]]\nplace_contains = ["湖东路"]\nunit = "MAS-HS-HDL"\n', UNITS)
    assert rules.propose(LEGAL, IssueKind.DISPUTE, "解放路") is None


def test_places_match_across_width_and_case() -> None:
    text = '[[rule]]\nplace_contains = ["1号楼", "Block A"]\nunit = "MAS-HS-HDL"\n'
    rules = load_rules(text, UNITS)
    assert rules.propose(LEGAL, IssueKind.DISPUTE, "湖东路１号楼") is not None
    assert rules.propose(LEGAL, IssueKind.DISPUTE, "ＢＬＯＣＫ ａ, 珍珠园") is not None
    assert rules.propose(LEGAL, IssueKind.DISPUTE, "湖东路2号楼") is None


def test_the_sample_file_loads_with_the_demo_units() -> None:
    with (EXAMPLES / "units.csv").open(encoding="utf-8") as f:
        demo_units = {row["代码"] for row in csv.DictReader(f)}
    rules = load_rules((EXAMPLES / "routing.toml").read_text(encoding="utf-8"), demo_units)
    assert {rule.unit for rule in rules.rules} <= UNITS

    def unit(category: Category, kind: IssueKind, place: str) -> str | None:
        proposal = rules.propose(category, kind, place)
        return proposal.unit if proposal else None

    assert unit(LEGAL, IssueKind.RISK, "湖东路") == "MAS-GAJ"
    assert unit(LEGAL, IssueKind.OPINION, "湖东路") == "MAS-FY"
    assert unit(LEGAL, IssueKind.DISPUTE, "珍珠园小区") == "MAS-HS-HDL-PCS"
    assert unit(LEGAL, IssueKind.DISPUTE, "花山区解放路") == "MAS-HS-SFJ"
    assert unit(LIVELIHOOD, IssueKind.HARDSHIP, "湖东路") == "MAS-HS-HDL"
    assert unit(LIVELIHOOD, IssueKind.HARDSHIP, "解放路") == "MAS-HS"
    assert unit(OTHER, IssueKind.OPINION, "采石古镇") == "MAS-YS"
    assert unit(LEGAL, IssueKind.DISPUTE, "博望区") == "MAS"


# --- refused files --------------------------------------------------------------------------


def test_a_toml_syntax_error_names_its_line() -> None:
    [(line, code, detail)] = codes_and_lines('[[rule]]\nunit = "MAS"\n\n[[rule]]\nunit = \n')
    assert (line, code) == (5, RuleCode.TOML_SYNTAX)
    assert "line 5" in detail


def test_every_problem_is_reported_with_its_rule_line() -> None:
    text = """\
# a coordinator's bad day
[[rule]]
categroy = "legal"
unit = "MAS"

[[rule]]
category = "legl"
kind = ["dispute", "disput"]
unit = "MAS-XX"

[[rule]]
place_contains = []
unit = "MAS-HS-HDL"

[[rule]]
place_contains = ["湖东路", " "]

[[rule]]
kind = 3
unit = 7
"""
    assert codes_and_lines(text) == [
        (2, RuleCode.UNKNOWN_KEY, "categroy"),
        (6, RuleCode.UNKNOWN_CATEGORY, "legl"),
        (6, RuleCode.UNKNOWN_KIND, "disput"),
        (6, RuleCode.UNKNOWN_UNIT, "MAS-XX"),
        (11, RuleCode.EMPTY_PLACE_CONTAINS, "[]"),
        (15, RuleCode.EMPTY_PLACE_CONTAINS, "['湖东路', ' ']"),
        (15, RuleCode.MISSING_UNIT, "unit"),
        (18, RuleCode.BAD_VALUE, "kind"),
        (18, RuleCode.BAD_VALUE, "unit"),
    ]


def test_rules_after_a_fallback_are_unreachable() -> None:
    text = '[[rule]]\nunit = "MAS"\n\n[[rule]]\nkind = "risk"\nunit = "MAS-GAJ"\n'
    assert codes_and_lines(text) == [(4, RuleCode.UNREACHABLE_RULE, "1")]


def test_unknown_top_level_keys_and_shapes() -> None:
    assert codes_and_lines('[[rule]]\nunit = "MAS"\n\n[[rules]]\nunit = "MAS"\n') == [
        (4, RuleCode.UNKNOWN_KEY, "rules"),
    ]
    assert codes_and_lines('version = 2\n[[rule]]\nunit = "MAS"\n') == [
        (1, RuleCode.UNKNOWN_KEY, "version"),
    ]
    assert codes_and_lines('[rule]\nunit = "MAS"\n') == [(1, RuleCode.NOT_RULES, "rule")]
    assert codes_and_lines("# nothing yet\n") == [(None, RuleCode.NO_RULES, "")]


def test_rules_without_headers_have_no_line() -> None:
    text = 'rule = [{unit = "MAS-XX"}, {unit = "MAS"}]\n'
    assert codes_and_lines(text) == [(None, RuleCode.UNKNOWN_UNIT, "MAS-XX")]
    rules = load_rules('rule = [{kind = "risk", unit = "MAS-GAJ"}, {unit = "MAS"}]\n', UNITS)
    assert rules.propose(LEGAL, IssueKind.RISK, "") == Proposal("MAS-GAJ", 1, None, (K,))


def test_a_bad_file_leaves_nothing_half_loaded() -> None:
    in_force = load_rules(RULES, UNITS)
    # The new file's first rules are fine; only its last one is wrong.
    edited = RULES.replace('[[rule]]\nunit = "MAS"', '[[rule]]\nunit = "MAS-NEW"')
    with pytest.raises(RoutingFileError) as caught:
        in_force = load_rules(edited, UNITS)
    assert [(p.line, p.message_code) for p in caught.value.problems] == [
        (20, RuleCode.UNKNOWN_UNIT)
    ]
    assert in_force == load_rules(RULES, UNITS)
    assert len(in_force.rules) == 5
    proposal = in_force.propose(OTHER, IssueKind.OPINION, "博望区")
    assert proposal is not None
    assert proposal.unit == "MAS"
    with pytest.raises(dataclasses.FrozenInstanceError):
        in_force.rules = ()  # type: ignore[misc]


def test_known_units_decide_what_is_unknown() -> None:
    assert codes_and_lines('[[rule]]\nunit = "MAS"\n', units=set()) == [
        (1, RuleCode.UNKNOWN_UNIT, "MAS"),
    ]
    assert isinstance(load_rules('[[rule]]\nunit = "MAS"\n', {"MAS"}), RoutingRules)
