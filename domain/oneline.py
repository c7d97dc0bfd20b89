"""Reading a one-line visit entry such as "住户 15户 40人 珍珠园五村" into its parts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from domain.numerals import NUMERAL_PATTERN, parse_count, to_halfwidth
from domain.visits import TargetType

__all__ = ["OneLine", "parse_visit_line"]


@dataclass(frozen=True)
class OneLine:
    """What one line said; every part is optional, ``unknown`` holds quantities not understood."""

    target: TargetType | None = None
    count: int | None = None
    people: int | None = None
    materials: int | None = None
    opinions: int | None = None
    place: str | None = None
    unknown: tuple[str, ...] = ()


class _Kind(Enum):
    COUNT = "count"
    PEOPLE = "people"
    MATERIALS = "materials"
    OPINIONS = "opinions"


_C, _P, _M, _O = _Kind.COUNT, _Kind.PEOPLE, _Kind.MATERIALS, _Kind.OPINIONS
_UNITS: dict[str, _Kind] = {
    **dict.fromkeys(["户", "家", "所", "个"], _C),
    **dict.fromkeys(["人次", "人", "名", "位", "people", "persons", "person"], _P),
    **dict.fromkeys(["份", "册", "本", "张", "copies", "leaflets", "brochures"], _M),
    **dict.fromkeys(["条", "opinions", "suggestions"], _O),
}
# Words that only introduce a quantity; they never become part of the place.
_HINTS: dict[str, _Kind] = {
    **dict.fromkeys(["走访", "拜访", "入户"], _C),
    **dict.fromkeys(["学生", "群众", "村民", "师生", "职工", "员工", "人员", "教师", "老师"], _P),
    **dict.fromkeys(["家长", "人数", "覆盖", "惠及", "受众", "residents"], _P),
    **dict.fromkeys(["发放", "分发", "派发", "散发", "赠送", "法律宣传资料", "普法资料"], _M),
    **dict.fromkeys(["宣传资料", "宣传材料", "宣传册", "宣传单", "宣传品", "资料", "材料"], _M),
    **dict.fromkeys(["传单", "手册", "折页", "materials"], _M),
    **dict.fromkeys(["收集", "征集", "收到", "听取", "意见建议", "意见", "建议", "诉求"], _O),
}
_CN_UNITS = "|".join(sorted((u for u in _UNITS if not u.isascii()), key=len, reverse=True))
_QTY_RE = re.compile(rf"(?P<num>{NUMERAL_PATTERN})(?:余|多)?(?P<unit>{_CN_UNITS})?")
_SEPARATORS_RE = re.compile(r"[\s,;:!?、；：。！？|]+")
_THOUSANDS_RE = re.compile(r"(?<=[0-9]),(?=[0-9]{3}(?![0-9]))")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u2028-\u202e\ufeff]")
_MINUS = "-−负"
_ABOUT_RE = re.compile(rf"(?:大约|约|共计|合计|总计|累计|共)(?={NUMERAL_PATTERN})")

# A measure word names the target only when no other target shares it (个 is ambiguous).
_IMPLIED: dict[str, TargetType] = {
    t.measure: t for t in TargetType if sum(u.measure == t.measure for u in TargetType) == 1
}


@dataclass
class _Seg:
    raw: str
    text: bool = False  # free text, part of the place
    value: int | None = None  # a quantity, when the number reads
    is_qty: bool = False
    unit: str | None = None
    kind: _Kind | None = None  # of a word or a quantity with a unit
    target: TargetType | None = None
    used: bool = False


def _word(s: str) -> _Seg | None:
    target = TargetType.from_word(s)
    low = s.lower()
    kind = _UNITS.get(low) or _HINTS.get(low) or (_C if target else None)
    if kind is None:
        return None
    return _Seg(s, unit=low if low in _UNITS else None, kind=kind, target=target)


def _peel_end(chunk: str) -> tuple[str, list[_Seg]]:
    """Split introducing words and target words off the end of ``chunk``."""
    words: list[_Seg] = []
    while chunk:
        for size in range(min(len(chunk), 6), 0, -1):
            seg = _word(chunk[-size:])
            # A one-letter target (户, 村, 寨) only when it stands alone: "张家寨" is a place.
            if seg is None or (seg.unit and not seg.target) or size == 1 < len(chunk):
                continue
            words.insert(0, seg)
            chunk = chunk[:-size]
            break
        else:
            break
    return chunk, words


def _peel_start(chunk: str, qty: _Seg) -> tuple[list[_Seg], str]:
    """Split words that name what the quantity before them counts ("3家企业", "300名学生")."""
    for size in range(min(len(chunk), 6), 0, -1):
        seg = _word(chunk[:size])
        # A one-letter target ("1个村") only when nothing follows it.
        if seg is None or seg.unit or size == 1 < len(chunk):
            continue
        names = seg.target.measure == qty.unit if seg.target else seg.kind == qty.kind
        if names:
            return [seg], chunk[size:]
    return [], chunk


def _split_token(tok: str) -> list[_Seg]:
    whole = _word(tok)
    if whole:
        return [whole]
    real: list[tuple[int, int, _Seg]] = []  # (start, end, quantity), left to right
    for m in reversed(list(_QTY_RE.finditer(tok))):
        unit = m["unit"]
        start = m.start() - (m.start() > 0 and tok[m.start() - 1] in _MINUS)
        qty = _Seg(tok[start : m.end()], value=parse_count(m["num"]), is_qty=True, unit=unit)
        qty.kind = _UNITS[unit] if unit else None
        at_end = m.end() == len(tok) or (bool(real) and real[0][0] == m.end())
        arabic = any(c.isdigit() and c.isascii() for c in m["num"])
        if unit:
            # "三家店" is a place name; Chinese numerals bind only before a break or a word.
            ok = arabic or at_end or bool(_peel_start(tok[m.end() :], qty)[0])
        else:
            ok = at_end and (m.start() == 0 or bool(_peel_end(tok[: m.start()])[1]))
        if not ok or (qty.value is None and not arabic):
            continue
        if start < m.start():
            qty.value = None  # a negative number looks like a quantity but cannot be one
        real.insert(0, (start, m.end(), qty))
    if not real:
        rest, words = _peel_end(tok)
        return words if not rest and words else [_Seg(tok, text=True)]
    segs: list[_Seg] = []
    pos, prev = 0, None
    for start, end, cur in [*real, (len(tok), len(tok), None)]:
        chunk, after, before = tok[pos:start], list[_Seg](), list[_Seg]()
        if prev is not None:
            after, chunk = _peel_start(chunk, prev)
        if cur is not None:
            chunk, before = _peel_end(chunk)
        segs += after + ([_Seg(chunk, text=True)] if chunk else []) + before
        if cur is not None:
            segs.append(cur)
        pos, prev = end, cur
    return segs


def _normalise(text: str) -> str:
    text = _CONTROL_RE.sub(" ", text).replace("，", "、")  # a full-width comma never groups digits
    text = _THOUSANDS_RE.sub("", to_halfwidth(text)).strip()
    text = _ABOUT_RE.sub("", text)  # "约300人", "共计15户": the number is what matters
    return text.removeprefix("走访").removeprefix("/visit")  # callers strip these; tolerate them


def _tokens(text: str) -> list[_Seg]:
    segs: list[_Seg] = []
    for tok in _SEPARATORS_RE.split(_normalise(text)):
        if tok:
            segs += _split_token(tok)
    return segs


def _bind(segs: list[_Seg], i: int) -> None:
    """Give the quantity at ``i`` its kind from the words beside it, marking those used."""
    qty = segs[i]
    prev = segs[i - 1] if i > 0 else None
    nxt = segs[i + 1] if i + 1 < len(segs) else None
    around = [s for s in (prev, nxt) if s and not s.used and not s.text and not s.is_qty]
    if qty.unit is None:
        # A unit written apart ("15 户") belongs to its number before any introducing word.
        order = [nxt, prev] if nxt and nxt.unit else [prev, nxt]
        pick = next((s for s in order if s in around), None)
        if pick:
            qty.kind, qty.unit, pick.used = pick.kind, pick.unit, True
        return
    if qty.unit == "个" and around and around[0].kind != _C:
        qty.kind = around[0].kind  # "意见5个", "学生300个": 个 counts what the word names
    for s in around:
        if s.kind == qty.kind:
            s.used = True


def parse_visit_line(text: str) -> OneLine:
    """Read what a one-line visit entry says; never raises.

    Quantities are numbers with a unit: 户/家/所/个 give the visit count (whatever the target),
    人/人次/名/位 the people covered, 份/册/本/张 the materials, 条 the opinions.  Words such
    as 学生, 发放宣传册, 收集意见 next to a number say what it counts and are dropped.  A number
    with no unit takes its meaning from the word beside it ("住户 15" is the count, "学生 300"
    people); otherwise it goes to ``unknown``, as does a quantity already given, an unreadable
    one ("1.5户", "-3户") or a second, different target.  Without a target word, 户/家/所 imply
    household/enterprise/school.  The remaining text, separators collapsed, is the place.
    """
    found: dict[_Kind, int] = {}
    target: TargetType | None = None
    measure: str | None = None
    unknown: list[str] = []
    place: list[str] = []
    segs = _tokens(text)
    for i, seg in enumerate(segs):
        if seg.is_qty:
            _bind(segs, i)
    for seg in segs:
        if seg.text:
            if any(c.isalnum() for c in seg.raw):
                place.append(seg.raw)
        elif seg.is_qty and seg.kind is not None and seg.value is not None:
            if seg.kind in found:
                unknown.append(seg.raw)
            else:
                found[seg.kind] = seg.value
                if seg.kind is _C and seg.unit:
                    measure = seg.unit
        elif seg.is_qty or (seg.unit and not seg.used and not seg.target):
            unknown.append(seg.raw)
        if seg.target and seg.target is not target:
            if target is None:
                target = seg.target
            else:
                unknown.append(seg.raw)
    return OneLine(
        target=target or _IMPLIED.get(measure or ""),
        count=found.get(_C),
        people=found.get(_P),
        materials=found.get(_M),
        opinions=found.get(_O),
        place=" ".join(place) or None,
        unknown=tuple(unknown),
    )
