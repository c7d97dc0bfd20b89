"""Tests for domain.phone."""

from __future__ import annotations

import pytest

from domain.phone import mask_name, mask_phone, normalize_phone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("0086-13812345678", "13812345678"),
        ("86 13812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("19912345678", "19912345678"),
        ("0859-3221234", "0859-3221234"),
        ("(0859)3221234", "0859-3221234"),
        ("0859 3221234", "0859-3221234"),
        ("+86 859 3221234", "0859-3221234"),
        ("010 12345678", "010-12345678"),
        ("+86 10 1234 5678", "010-12345678"),
        ("021-12345678", "021-12345678"),
        ("0851-86812345", "0851-86812345"),
    ],
)
def test_normalize_phone_accepts_chinese_numbers(text: str, expected: str) -> None:
    assert normalize_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "1381234567",  # one digit short
        "138123456789",  # one digit long
        "12012345678",  # no such mobile prefix
        "3221234",  # landline without area code
        "12345678",
        "010-1234567",
        "0859-3221234-801",  # extensions are refused
        "0859-3221234 ext. 801",
        "4008123123",  # a service number, not a person's
        "95588",
        "110",
        "+1 650 253 0000",
        "1-800-FLOWERS",
        "'; DROP TABLE visits;--",
        "138\x0012345678",
        "1" * 1000,
    ],
)
def test_normalize_phone_refuses_others(text: str) -> None:
    assert normalize_phone(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13812345678", "138****5678"),
        ("+86 138 1234 5678", "138****5678"),
        ("0859-3221234", "0859-***1234"),
        ("010-12345678", "010-****5678"),
        ("0859-3221234-801", "**************01"),
        ("abc", "***"),
        ("", ""),
    ],
)
def test_mask_phone(text: str, expected: str) -> None:
    assert mask_phone(text) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("张三", "张*"),
        ("王小明", "王**"),
        (" 王小明 ", "王**"),
        ("欧阳娜娜", "欧阳**"),
        ("欧阳修", "欧阳*"),
        ("欧阳", "欧*"),  # two characters are surname + given name, whatever they are
        ("张", "*"),
        ("Li Wei", "L*****"),
        ("", ""),
    ],
)
def test_mask_name(name: str, expected: str) -> None:
    assert mask_name(name) == expected
