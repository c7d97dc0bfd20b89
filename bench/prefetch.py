"""Experiment only: fewer (or no) aiosqlite thread hops per SQL statement."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterable
from typing import Any

import aiosqlite
import aiosqlite.core
from aiosqlite.context import contextmanager

__all__ = ["inline_sqlite", "one_hop_statements"]


class _Rows:
    """What zoufang's storage reads from a cursor, fetched in the same hop as the statement."""

    def __init__(self, rows: list[Any], rowcount: int, lastrowid: int | None) -> None:
        self._rows, self.rowcount, self.lastrowid = rows, rowcount, lastrowid

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def close(self) -> None:
        return None

    async def __aiter__(self) -> AsyncIterator[Any]:
        for row in await self.fetchall():
            yield row


def _run(connection: sqlite3.Connection, sql: str, parameters: Iterable[Any]) -> _Rows:
    cursor = connection.execute(sql, parameters)  # type: ignore[arg-type]
    try:
        return _Rows(cursor.fetchall(), cursor.rowcount, cursor.lastrowid)
    finally:
        cursor.close()


def one_hop_statements() -> None:
    """Connection.execute runs, fetches and closes in one hop (as execute_fetchall would)."""

    @contextmanager
    async def execute(
        self: aiosqlite.Connection, sql: str, parameters: Iterable[Any] | None = None
    ) -> _Rows:
        run: Any = self._execute
        rows: _Rows = await run(_run, self._conn, sql, list(parameters or []))
        return rows

    setattr(aiosqlite.Connection, "execute", execute)  # noqa: B010 - this process only


def inline_sqlite() -> None:
    """Every aiosqlite call runs right on the event loop's thread: no hop, no queue, no GIL
    hand-over (the connection itself is still opened by aiosqlite's thread)."""
    connect = sqlite3.connect

    def connect_anywhere(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection: sqlite3.Connection = connect(*args, **{**kwargs, "check_same_thread": False})
        return connection

    async def run_here(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)

    setattr(aiosqlite.core.sqlite3, "connect", connect_anywhere)  # type: ignore[attr-defined]  # noqa: B010
    setattr(aiosqlite.Connection, "_execute", run_here)  # noqa: B010
