"""Tests for domain.oneline."""

from __future__ import annotations

import pytest

from domain.oneline import OneLine, parse_visit_line
from domain.visits import TargetType

H, E, S = TargetType.HOUSEHOLD, TargetType.ENTERPRISE, TargetType.SCHOOL
V, C = TargetType.VILLAGE, TargetType.COMMUNITY


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("住户 15户 40人 珍珠园五村", OneLine(H, 15, 40, place="珍珠园五村")),
        ("企业 3家 发放宣传册20份", OneLine(E, 3, materials=20)),
        ("住户 十五户 四十人 珍珠园五村", OneLine(H, 15, 40, place="珍珠园五村")),
        (
            "学校2所 学生300人 发放资料100份 收集意见5条 兴义市第八中学",
            OneLine(S, 2, 300, 100, 5, "兴义市第八中学"),
        ),
        ("村 1个 张家寨 80人", OneLine(V, 1, 80, place="张家寨")),
        ("社区 2个 120人 建议3条", OneLine(C, 2, 120, opinions=3)),
        ("household 15 40 people Pearl Garden", OneLine(H, 15, 40, place="Pearl Garden")),
        ("households 15", OneLine(H, 15)),
        ("15 households", OneLine(H, 15)),
    ],
)
def test_examples(text: str, expected: OneLine) -> None:
    assert parse_visit_line(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the measure word is the count whatever the target; it names a missing target if only
        # one target uses it
        ("住户 3家", OneLine(H, 3)),
        ("3家", OneLine(E, 3)),
        ("15户", OneLine(H, 15)),
        ("2所", OneLine(S, 2)),
        ("2个", OneLine(None, 2)),
        ("15户 住户", OneLine(H, 15)),
        # a number with no unit takes its meaning from the word beside it
        ("住户 15 珍珠园", OneLine(H, 15, place="珍珠园")),
        ("住户15 珍珠园", OneLine(H, 15, place="珍珠园")),
        ("学生 300", OneLine(people=300)),
        ("意见 5", OneLine(opinions=5)),
        ("300 学生 5 意见", OneLine(people=300, opinions=5)),
        ("15 户", OneLine(H, 15)),
        ("企业 3 家", OneLine(E, 3)),
        ("住户 15 40 人", OneLine(H, 15, 40)),
        # the quantity may come before what it counts
        ("3家企业", OneLine(E, 3)),
        ("2所学校 300名学生", OneLine(S, 2, 300)),
        ("一个村", OneLine(V, 1)),
        ("100份宣传资料 5条意见", OneLine(materials=100, opinions=5)),
        # introducing words glued to a place leave the place alone
        ("兴义八中学生300人", OneLine(people=300, place="兴义八中")),
        ("走访住户15户", OneLine(H, 15)),
        ("住户15户40人珍珠园", OneLine(H, 15, 40, place="珍珠园")),
        ("意见5个", OneLine(opinions=5)),
        ("发放 宣传册 20份", OneLine(materials=20)),
        ("学生300名 传单500张", OneLine(people=300, materials=500)),
        ("约300人", OneLine(people=300)),
        ("共计15户", OneLine(H, 15)),
        ("100余份", OneLine(materials=100)),
        ("300多人次", OneLine(people=300)),
        ("住户 1.5万人", OneLine(H, people=15_000)),
        ("三千户", OneLine(H, 3000)),
        ("村（寨） 2个", OneLine(V, 2)),
    ],
)
def test_rules(text: str, expected: OneLine) -> None:
    assert parse_visit_line(text) == expected


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("住户 15户 珍珠园五村", "珍珠园五村"),  # 五 is part of the name, 村 no target
        ("住户 5户 三家村", "三家村"),  # 三家 before a word that is not an enterprise
        ("住户 5户 三家店", "三家店"),
        ("住户 20户 千户苗寨", "千户苗寨"),
        ("住户 2户 张家寨", "张家寨"),  # 寨 inside a name is not the village target
        ("住户 2户 兴义市第八中学", "兴义市第八中学"),
        ("住户 2户 珍珠园  五村", "珍珠园 五村"),  # separators collapse to one space
        ("住户、2户；珍珠园，五村。", "珍珠园 五村"),
        ("住户\u30002户\u3000珍珠园", "珍珠园"),
        ("住户 2户 幸福路88", "幸福路88"),
        ("住户 2户 ＡＢＣ小区", "ABC小区"),
    ],
)
def test_place(text: str, place: str) -> None:
    assert parse_visit_line(text).place == place


def test_fullwidth_digits_and_punctuation() -> None:
    assert parse_visit_line("住户，１５户；４０人次、珍珠园") == OneLine(H, 15, 40, place="珍珠园")


def test_thousands_separator_only_in_ascii() -> None:
    assert parse_visit_line("1,200人").people == 1200
    assert parse_visit_line("住户15，200人") == OneLine(H, 15, 200)


def test_long_place_is_kept_for_the_caller_to_check() -> None:
    place = "珍" * 300
    assert parse_visit_line(f"住户 2户 {place}").place == place


@pytest.mark.parametrize(
    ("text", "target", "unknown"),
    [
        ("珍珠园 15", None, ("15",)),  # a bare number beside a place says nothing
        ("住户 15户 3户", H, ("3户",)),  # a second count is not silently dropped
        ("住户 15户 40人 50人", H, ("50人",)),
        ("1.5户", None, ("1.5户",)),
        ("-3户", None, ("-3户",)),
        ("住户 1.5", H, ("1.5",)),
        ("住户 企业", H, ("企业",)),  # a second, different target
        ("住户 15户 人", H, ("人",)),  # a unit with nothing to count
    ],
)
def test_unknown(text: str, target: TargetType | None, unknown: tuple[str, ...]) -> None:
    result = parse_visit_line(text)
    assert result.target == target
    assert result.unknown == unknown


def test_leading_visit_word_is_tolerated() -> None:
    assert parse_visit_line("走访 住户 15户") == parse_visit_line("住户 15户")
    assert parse_visit_line("走访：企业3家") == OneLine(E, 3)


HOSTILE = [
    "",
    " ",
    "\x00",
    "\x00住户\x0015户",
    "🎉",
    "🎉🎉 住户 15户 🏠",
    "'; DROP TABLE visits;--",
    "<b>x</b>",
    "<script>alert(1)</script> 15户",
    "户" * 10_000,
    "1户" * 3_400,
    "1" * 10_000,
    "一" * 10_000,
    "十" * 5_000 + "户",
    "资料" * 5_000,
    "1," * 5_000,
    "1." * 5_000,
    "一点" * 5_000,
    "-" * 10_000,
    "负" * 100 + "3户",
    "\u202e\u200b住户 15户",
    "住户 15户 40人 " * 1_000,
    "%s %d {} {0} \\n",
    "٣ 户 ² 人",
    "９" * 100 + "户",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_never_raises(text: str) -> None:
    result = parse_visit_line(text)
    assert isinstance(result, OneLine)
    for value in (result.count, result.people, result.materials, result.opinions):
        assert value is None or value >= 0
    assert result.place is None or result.place == result.place.strip()


def test_hostile_text_still_yields_what_it_can() -> None:
    assert parse_visit_line("🎉🎉 住户 15户 🏠") == OneLine(H, 15)
    assert parse_visit_line("\u202e\u200b住户 15户") == OneLine(H, 15)
    assert parse_visit_line("\x00住户\x0015户") == OneLine(H, 15)
