"""Tests for domain.numerals."""

from __future__ import annotations

import pytest

from domain.numerals import find_numbers, parse_count, to_halfwidth


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15", 15),
        ("0", 0),
        ("007", 7),
        (" 15 ", 15),
        ("１５", 15),
        ("1,200", 1200),
        ("12,345,678", 12_345_678),
        ("十", 10),
        ("十五", 15),
        ("二十", 20),
        ("三十五", 35),
        ("一百零三", 103),
        ("两千", 2000),
        ("两", 2),
        ("零", 0),
        ("廿", 20),
        ("叁拾伍", 35),
        ("一万二", 12_000),
        ("3千", 3000),
        ("1万", 10_000),
        ("1.5万", 15_000),
        ("二零二六", 2026),
    ],
)
def test_parse_count_reads_whole_numbers(text: str, expected: int) -> None:
    value = parse_count(text)
    assert value == expected
    assert type(value) is int


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "1.5",
        "3.0",
        "-3",
        "+3",
        "负三",
        "三点五",
        "abc",
        "十五户",
        "15户",
        "百",
        "万",
        "十十",
        "1,2000",
        "12,00",
        "1e3",
        "٣",  # Arabic-Indic digit: str.isdigit() says yes, a count says no
        "²",
        "1" * 30,
        "一" * 100,
        "\x00",
        "🎉",
    ],
)
def test_parse_count_refuses_everything_else(text: str) -> None:
    assert parse_count(text) is None


def test_to_halfwidth_folds_fullwidth_ascii_and_ideographic_space() -> None:
    assert to_halfwidth("１５户，（珍珠园）\u3000Ａ") == "15户,(珍珠园) A"


def test_find_numbers_reports_spans_and_values() -> None:
    assert find_numbers("住户十五户40人") == [(2, 4, 15), (5, 7, 40)]
    assert find_numbers("珍珠园") == []
