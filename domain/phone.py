"""Chinese phone numbers (mobile and landline) and masking of phones and names for display."""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import PhoneNumberType

from domain.numerals import to_halfwidth

__all__ = ["mask_name", "mask_phone", "normalize_phone"]

# Only what people type around a number; letters would let phonenumbers read vanity numbers.
_ALLOWED_RE = re.compile(r"\+?[0-9 ()\-.]{5,24}")
_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE_RE = re.compile(r"(0[0-9]{2,3})-([0-9]{7,8})")
_MOBILE_TYPES = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
_COMPOUND_TEXT = (
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离 端木 "
    "独孤 南宫 西门 百里 呼延 澹台 公冶 申屠 太史 闻人 万俟 赫连 东郭 拓跋"
)
_COMPOUND_SURNAMES = frozenset(_COMPOUND_TEXT.split())


def normalize_phone(text: str) -> str | None:
    """The number as "13812345678" (mobile) or "0859-3221234" (landline), or None.

    A mobile may carry +86, 0086 or 86 and spaces or dashes; a landline needs its area code.
    Extensions ("0859-3221234-801") and numbers outside mainland China are refused.
    """
    s = to_halfwidth(text).strip()
    if not _ALLOWED_RE.fullmatch(s):
        return None
    if s.startswith("00"):
        s = "+" + s[2:]  # 0086 is the international prefix dialled from China
    try:
        number = phonenumbers.parse(s, "CN")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 86 or number.extension or not phonenumbers.is_valid_number(number):
        return None
    national = phonenumbers.national_significant_number(number)
    kind = phonenumbers.number_type(number)
    if kind in _MOBILE_TYPES and _MOBILE_RE.fullmatch(national):
        return national
    if kind == PhoneNumberType.FIXED_LINE:
        area = phonenumbers.length_of_geographical_area_code(number)
        if area:
            return f"0{national[:area]}-{national[area:]}"
    return None


def mask_phone(p: str) -> str:
    """The phone with its middle hidden: "138****5678", "0859-***1234"."""
    normal = normalize_phone(p) or p.strip()
    if _MOBILE_RE.fullmatch(normal):
        return f"{normal[:3]}****{normal[-4:]}"
    landline = _LANDLINE_RE.fullmatch(normal)
    if landline:
        area, local = landline.groups()
        return f"{area}-{'*' * (len(local) - 4)}{local[-4:]}"
    # Not a number we know: show only its last two characters, if it is long enough to spare them.
    keep = 2 if len(normal) >= 6 else 0
    return "*" * (len(normal) - keep) + normal[len(normal) - keep :]


def mask_name(n: str) -> str:
    """The name with all but its surname hidden: "张*", "王**", "欧阳**", "Li Wei" → "L*****"."""
    name = n.strip()
    if len(name) <= 1:
        return "*" * len(name)
    keep = 2 if len(name) > 2 and name[:2] in _COMPOUND_SURNAMES else 1
    return name[:keep] + "*" * (len(name) - keep)
