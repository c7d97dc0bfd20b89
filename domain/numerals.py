"""Whole, non-negative numbers written in Arabic digits or Chinese numerals."""

from __future__ import annotations

import re

import cn2an

__all__ = ["CN_DIGITS", "NUMERAL_PATTERN", "find_numbers", "parse_count", "to_halfwidth"]

CN_DIGITS = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟廿"
_MULTIPLIERS = "十百千万亿拾佰仟"

# One run of numerals; a decimal point is only part of it between two numerals ("1.5万").
NUMERAL_PATTERN = rf"[0-9{CN_DIGITS}]+(?:[.点][0-9{CN_DIGITS}]+)?"

_NUMERAL_RE = re.compile(NUMERAL_PATTERN)
_ARABIC_RE = re.compile(r"[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+")
_HAS_CN_RE = re.compile(f"[{CN_DIGITS}]")
# Longer runs are not counts, and int() refuses very long digit strings anyway.
_MAX_LEN = 20

_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def to_halfwidth(text: str) -> str:
    """The text with full-width ASCII characters (１５, ，, （) and the ideographic space folded."""
    return text.translate(_HALFWIDTH)


def parse_count(text: str) -> int | None:
    """The whole non-negative number ``text`` spells, or None.

    Accepts "15", "１５", "1,200", "十五", "一百零三", "两千", "3千", "1.5万".  Anything
    else is None: fractions ("1.5"), signs ("-3"), words, and numbers with a unit ("十五户").
    """
    s = to_halfwidth(text).strip()
    if not s or len(s) > _MAX_LEN:
        return None
    if _ARABIC_RE.fullmatch(s):
        return int(s.replace(",", ""))
    if not _NUMERAL_RE.fullmatch(s) or not _HAS_CN_RE.search(s):
        return None
    # cn2an happily reads "3.0"-style decimals; a point is only fine when a multiplier follows it.
    point = max(s.find("."), s.find("点"))
    if point >= 0 and not any(m in s[point:] for m in _MULTIPLIERS):
        return None
    try:
        value = cn2an.cn2an(s, "smart")
    except Exception:  # a third-party parser fed user text: any failure just means "not a number"
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    whole = int(value)
    return whole if whole >= 0 else None


def find_numbers(text: str) -> list[tuple[int, int, int]]:
    """Every numeral run in ``text`` that reads as a count, as (start, end, value)."""
    found: list[tuple[int, int, int]] = []
    for match in _NUMERAL_RE.finditer(to_halfwidth(text)):
        value = parse_count(match.group())
        if value is not None:
            found.append((match.start(), match.end(), value))
    return found
