"""Export the case ledger and the visit ledger from a read-only snapshot to XLSX or CSV."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, tzinfo
from pathlib import PurePath
from typing import Literal, TypeVar

from exports.cells import Cell
from exports.columns import (
    CASE_COLUMNS,
    VISIT_COLUMNS,
    Column,
    Render,
    cells,
    headers,
    sheet_title,
    widths,
)
from exports.writers import Progress, Sheet, Target, write_csv, write_xlsx
from storage.interfaces import Store
from storage.ledger_records import CaseFilter

__all__ = ["FORMATS", "Format", "export_cases", "export_visits", "file_name", "format_for"]

Format = Literal["xlsx", "csv"]
FORMATS: tuple[Format, ...] = ("xlsx", "csv")

R = TypeVar("R")


def format_for(path: str | PurePath) -> Format | None:
    """The format a file name asks for by its extension, or None if it is neither."""
    suffix = PurePath(path).suffix.lower().lstrip(".")
    return next((fmt for fmt in FORMATS if fmt == suffix), None)


def file_name(what: Literal["cases", "visits"], language: str, today: date, fmt: Format) -> str:
    """A name for the file sent in chat: 整改台账-2026-11-20.xlsx."""
    return f"{sheet_title(what, language)}-{today.isoformat()}.{fmt}"


async def _rendered(
    rows: AsyncIterator[R], columns: Sequence[Column[R]], render: Render
) -> AsyncGenerator[list[Cell], None]:
    try:
        async for row in rows:
            yield cells(columns, row, render)
    finally:
        if isinstance(rows, AsyncGenerator):
            await rows.aclose()  # its cursor, now, while the snapshot's connection is open


@asynccontextmanager
async def _cells(
    rows: AsyncIterator[R], columns: Sequence[Column[R]], render: Render
) -> AsyncIterator[AsyncIterator[list[Cell]]]:
    """The rows as cells, closed with the reader's stream under them even if writing stops."""
    stream = _rendered(rows, columns, render)
    try:
        yield stream
    finally:
        await stream.aclose()


async def _write(out: Target, fmt: Format, sheet: Sheet, progress: Progress | None) -> int:
    if fmt == "xlsx":
        return await write_xlsx(out, sheet, progress=progress)
    return await write_csv(out, sheet, progress=progress)


def _describe(search: CaseFilter) -> str:
    """The filter in a line, for the export log."""
    parts = ["cases"]
    if search.statuses:
        parts.append("status=" + ",".join(search.statuses))
    if search.holder_unit_ids:
        parts.append("units=" + ",".join(map(str, search.holder_unit_ids)))
    for name, value in (("category", search.category), ("kind", search.kind)):
        if value:
            parts.append(f"{name}={value}")
    if search.overdue_on:
        parts.append(f"overdue_on={search.overdue_on.isoformat()}")
    if search.text:
        parts.append(f"text={search.text}")
    if search.created_from:
        parts.append(f"from={search.created_from.isoformat()}")
    if search.created_before:
        parts.append(f"before={search.created_before.isoformat()}")
    if not search.scope.everything:
        parts.append(f"scope=person:{search.scope.person_id}")
    return " ".join(parts)


async def export_cases(
    store: Store,
    search: CaseFilter,
    *,
    zone: tzinfo,
    language: str,
    today: date,
    full: bool,
    out: Target,
    fmt: Format,
    progress: Progress | None = None,
    by: int | None = None,
    via: str = "cli",
) -> int:
    """Write the cases the filter selects; returns how many.

    Residents' names and phones are masked unless `full`, which only a filter over the whole
    ledger (a coordinator's) may ask for, and which is logged with `by` and `via` once written.
    Overdue is judged against `today`, times are shown in `zone`.
    """
    if full and not search.scope.everything:
        raise PermissionError("a full export is the coordinators' choice, over the whole ledger")
    render = Render(language, zone, today, full)
    async with store.reading() as reader:
        total = await reader.count_cases(search)
        async with _cells(reader.export_cases(search), CASE_COLUMNS, render) as rows:
            sheet = Sheet(
                title=sheet_title("cases", render.language),
                headers=headers(CASE_COLUMNS, render.language),
                widths=widths(CASE_COLUMNS),
                rows=rows,
                total=total,
            )
            written = await _write(out, fmt, sheet, progress)
    if full:
        # A write of its own, after the snapshot is closed: the export never held the lock.
        async with store.transaction() as tx:
            await tx.ledger.log_export(by, via, _describe(search), True, written, datetime.now(UTC))
    return written


async def export_visits(
    store: Store,
    first: date | None = None,
    last: date | None = None,
    unit_ids: tuple[int, ...] = (),
    *,
    zone: tzinfo,
    language: str,
    out: Target,
    fmt: Format,
    progress: Progress | None = None,
) -> int:
    """Write the visits dated first..last (None: open-ended) of the units (none: all units)."""
    render = Render(language, zone, datetime.now(zone).date())
    async with store.reading() as reader:
        total = await reader.count_visits(first, last, unit_ids)
        visits = reader.export_visits(first, last, unit_ids)
        async with _cells(visits, VISIT_COLUMNS, render) as rows:
            sheet = Sheet(
                title=sheet_title("visits", render.language),
                headers=headers(VISIT_COLUMNS, render.language),
                widths=widths(VISIT_COLUMNS),
                rows=rows,
                total=total,
            )
            return await _write(out, fmt, sheet, progress)
