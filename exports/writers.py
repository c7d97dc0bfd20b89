"""Write sheets of rows, streamed from an async iterator, to XLSX or CSV files or streams."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import AsyncIterable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, TypeAlias

from exports.cells import Cell, defuse
from exports.xlsx import XlsxBook

__all__ = ["PROGRESS_EVERY", "Progress", "Sheet", "Target", "write_csv", "write_xlsx"]

Progress: TypeAlias = Callable[[int, int], None]
"""Told (rows done, rows expected) as the rows go out, and once more at the end."""

Target: TypeAlias = str | os.PathLike[str] | IO[bytes]
"""A file path (written whole or not at all), or a binary stream such as io.BytesIO."""

PROGRESS_EVERY = 500
# Beyond this many rows a sheet's XML may pass 2 GiB, the most a zip entry holds without Zip64.
_LARGE = 500_000


@dataclass(frozen=True, slots=True)
class Sheet:
    """A titled table: headers, column widths (in characters), and its rows as they come."""

    title: str
    headers: tuple[str, ...]
    widths: tuple[float, ...]
    rows: AsyncIterable[Sequence[Cell]]
    total: int = 0  # rows expected, for progress; 0 when unknown


class _Ticker:
    def __init__(self, progress: Progress | None, total: int) -> None:
        self._progress = progress
        self.total = total
        self.done = 0

    def tick(self) -> None:
        self.done += 1
        if self._progress and self.done % PROGRESS_EVERY == 0:
            self._progress(self.done, max(self.total, self.done))

    def finish(self) -> None:
        if self._progress:
            self._progress(self.done, self.done)


@contextmanager
def _binary(out: Target) -> Iterator[IO[bytes]]:
    """The stream to write to: for a path, a temporary file beside it, renamed into place
    only once complete, so a failed export never leaves half a ledger behind."""
    if not isinstance(out, str | os.PathLike):
        yield out
        return
    path = Path(out)
    # mkstemp's file is readable by its owner only, which suits a list of residents' problems.
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


async def write_xlsx(out: Target, *sheets: Sheet, progress: Progress | None = None) -> int:
    """One workbook with a sheet each: bold frozen header row, auto-filter, real date cells.

    Returns the number of rows written, headers not counted."""
    ticker = _Ticker(progress, sum(sheet.total for sheet in sheets))
    with _binary(out) as stream:
        book = XlsxBook(stream, [sheet.title for sheet in sheets], ticker.total > _LARGE)
        try:
            for sheet in sheets:
                book.start_sheet(sheet.headers, sheet.widths)
                async for row in sheet.rows:
                    book.add_row(row)
                    ticker.tick()
                book.end_sheet()
        except BaseException:
            book.abort()
            raise
        book.close()
    ticker.finish()
    return ticker.done


def _csv_text(value: Cell) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, str):
        return defuse(value)
    if isinstance(value, datetime):
        return value.isoformat(" ", "minutes")  # 2026-11-20 14:05, as the XLSX format shows
    if isinstance(value, date):
        return value.isoformat()
    return value


async def write_csv(out: Target, sheet: Sheet, *, progress: Progress | None = None) -> int:
    """UTF-8 with a byte-order mark, which Excel on Chinese Windows needs to not show mojibake.

    Returns the number of rows written, the header not counted."""
    ticker = _Ticker(progress, sheet.total)
    with _binary(out) as stream:
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        try:
            writer = csv.writer(text)
            writer.writerow([defuse(header) for header in sheet.headers])
            async for row in sheet.rows:
                writer.writerow([_csv_text(value) for value in row])
                ticker.tick()
            text.flush()
        finally:
            text.detach()  # the stream is the caller's (or _binary's) to close, not the wrapper's
    ticker.finish()
    return ticker.done
