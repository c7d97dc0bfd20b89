"""`/export`: the case ledger or the visit ledger as an Excel file in the chat.

`/export` or `/export cases [filter words]` — the cases the person may see, filtered as in
`/cases`; `/export visits [11-01..11-20]` — the visits of their unit (everyone's for the
campaign office). Residents' details are masked; a coordinator adds 全量 / full for the
unmasked ledger, which is logged. The file is written after the message's transaction,
from a read-only snapshot, so officers keep logging while it is made.
"""

from __future__ import annotations

import io
from typing import Literal

from exports import export_cases, export_visits, file_name
from handlers.case_list import case_filter, date_range
from handlers.context import Ctx
from handlers.messages import Document, Reply
from storage import Store

__all__ = ["export_command"]

_FULL = {"全量", "full", "完整"}
_VISITS = {"visits", "走访", "走访台账"}
_CASES = {"cases", "问题", "台账", "整改台账"}


async def export_command(ctx: Ctx, args: str) -> list[Reply]:
    words = args.split()
    full = any(word in _FULL for word in words)
    words = [word for word in words if word not in _FULL]
    what: Literal["cases", "visits"] = "visits" if words and words[0] in _VISITS else "cases"
    if words and (words[0] in _VISITS or words[0] in _CASES):
        words = words[1:]
    person = ctx.member()
    if full and not person.role.may_invite:
        return [Reply(ctx.t("export.full_refused"))]
    t, zone, today, language = ctx.t, ctx.zone, ctx.today, ctx.t.language
    name = file_name(what, language, today, "xlsx")

    if what == "cases":
        search = await case_filter(ctx, " ".join(words))

        async def write(out: io.BytesIO, store: Store) -> int:
            return await export_cases(
                store,
                search,
                zone=zone,
                language=language,
                today=today,
                full=full,
                out=out,
                fmt="xlsx",
                by=person.id,
                via="chat",
            )

    else:
        span = next((d for word in words if (d := date_range(ctx, word))), None)
        first, last = span if span else (None, None)
        units = () if person.role.may_invite else await ctx.tx.ledger.subtree(person.unit_id)

        async def write(out: io.BytesIO, store: Store) -> int:
            return await export_visits(
                store, first, last, units, zone=zone, language=language, out=out, fmt="xlsx"
            )

    async def send(store: Store) -> list[Reply]:
        out = io.BytesIO()
        rows = await write(out, store)
        if rows == 0:
            return [Reply(t("export.empty"))]
        key = "export.ready_full" if full else f"export.ready_{what}"
        return [Reply(t(key, rows=rows, name=name), document=Document(out.getvalue(), name))]

    ctx.later.append(send)
    return []
