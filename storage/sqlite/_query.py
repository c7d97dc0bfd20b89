"""Reads in one trip to aiosqlite's thread: execute-and-fetch together, no cursor to close.

Each trip is a thread hand-off and back; `async with db.execute() as c: await c.fetchone()`
makes three of them, and a message's work is a dozen queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import aiosqlite

__all__ = ["fetch_all", "fetch_one"]


async def fetch_all(db: aiosqlite.Connection, sql: str, params: Iterable[Any] = ()) -> list[Any]:
    return list(await db.execute_fetchall(sql, params))


async def fetch_one(db: aiosqlite.Connection, sql: str, params: Iterable[Any] = ()) -> Any | None:
    rows = await db.execute_fetchall(sql, params)
    return next(iter(rows), None)
