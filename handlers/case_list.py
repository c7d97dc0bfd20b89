"""The ledger list (`/cases`): filters typed as words, ten cases a page, each a button to its card.

`/cases 待交办 逾期 民生类 矛盾纠纷 湖东路派出所 11-01..11-20 路灯` — statuses, 逾期, a category,
a kind, a unit (its subtree), a creation date range, and any other words as text to search.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from domain.case_flow import Status
from domain.cases import Category, IssueKind
from domain.dates import DateError, parse_day
from handlers.case_access import scope_of
from handlers.case_card import deadline_text
from handlers.choices import label_key
from handlers.context import Ctx
from handlers.flow import choice_rows
from handlers.messages import Choice, Reply
from i18n import LANGUAGES, catalog
from storage.ledger_records import CaseFilter

__all__ = ["PAGE", "case_filter", "date_range", "list_cases"]

PAGE = 10
_RANGE = re.compile(r"^(\S+?)(?:\.\.|~|～|至)(\S+)$")
_MAX_PAGING_ARGS = 40  # bytes of filter words that still fit in a button beside the offset


def _words(prefix: str, values: list[str]) -> dict[str, str]:
    """Each value's label in every language (and its code) → the value."""
    words = {value: value for value in values}
    for language in LANGUAGES:
        t = catalog(language)
        words |= {label_key(t(f"{prefix}.{value}")): value for value in values}
    return words


_STATUSES = _words("case_status", [s.value for s in Status])
_CATEGORIES = _words("category", [c.value for c in Category])
_KINDS = _words("issue_kind", [k.value for k in IssueKind])
_OVERDUE = {"逾期", "overdue", "已逾期"}


async def case_filter(ctx: Ctx, args: str) -> CaseFilter:
    """The filter the words name, within what the person may see."""
    search = CaseFilter(scope=await scope_of(ctx))
    text: list[str] = []
    units = {label_key(u.name): u for u in await ctx.tx.directory.units()}
    units |= {label_key(u.code): u for u in units.values()}
    for word in args.split():
        key = label_key(word)
        if word in _OVERDUE:
            search = replace(search, overdue_on=ctx.today)
        elif key in _STATUSES:
            search = replace(search, statuses=(*search.statuses, _STATUSES[key]))
        elif key in _CATEGORIES:
            search = replace(search, category=_CATEGORIES[key])
        elif key in _KINDS:
            search = replace(search, kind=_KINDS[key])
        elif key in units:
            subtree = await ctx.tx.ledger.subtree(units[key].id)
            search = replace(search, holder_unit_ids=subtree)
        elif days := date_range(ctx, word):
            start = datetime.combine(days[0], time(), ctx.zone)
            end = datetime.combine(days[1] + timedelta(days=1), time(), ctx.zone)
            search = replace(search, created_from=start, created_before=end)
        else:
            text.append(word)
    return replace(search, text=" ".join(text)[:50] or None)


def date_range(ctx: Ctx, word: str) -> tuple[date, date] | None:
    """The local dates "11-01..11-20" (or ~, 至) names, first to last, if it is one."""
    span = _RANGE.match(word)
    if span is None:
        return None
    try:
        a, b = parse_day(span[1], ctx.today), parse_day(span[2], ctx.today)
    except DateError:
        return None
    return min(a, b), max(a, b)


async def list_cases(ctx: Ctx, args: str, offset: int = 0) -> Reply:
    search = await case_filter(ctx, args)
    page = await ctx.tx.ledger.find(search, offset, PAGE)
    t = ctx.t
    if page.total == 0:
        return Reply(t("ledger.list_empty"))
    lines = [
        t(
            "ledger.list_header",
            first=offset + 1,
            last=offset + len(page.rows),
            total=f"{page.total}+" if page.more else page.total,
        )
    ]
    for row in page.rows:
        lines.append(
            t(
                "ledger.list_line",
                number=row.number,
                status=t(f"case_status.{row.status}"),
                kind=t(f"issue_kind.{row.kind}"),
                description=row.description[:24],
                holder=row.holder_name or t("issue.unit_unknown"),
                deadline=deadline_text(t, Status(row.status), row.deadline, ctx.today),
            )
        )
    buttons = [Choice(row.number, f"o:{row.id}") for row in page.rows]
    paging: list[Choice] = []
    if len(args.encode()) <= _MAX_PAGING_ARGS:
        if offset > 0:
            paging.append(Choice(t("ledger.previous"), f"l:{max(offset - PAGE, 0)}:{args}"))
        if offset + PAGE < page.total or page.more:
            paging.append(Choice(t("ledger.next"), f"l:{offset + PAGE}:{args}"))
    elif page.total > PAGE:
        lines.append(t("ledger.narrow_down"))
    return Reply(
        "\n".join(lines), choices=(*choice_rows(buttons, 5), *((tuple(paging),) if paging else ()))
    )
