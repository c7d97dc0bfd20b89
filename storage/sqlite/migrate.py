"""Numbered migrations, each applied in its own transaction and recorded in user_version."""

from __future__ import annotations

import re
from importlib import resources

import aiosqlite

__all__ = ["apply_migrations", "migrations"]

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migrations() -> list[tuple[int, str]]:
    """(number, SQL) for every migration shipped, in order; numbers must run 1, 2, 3 …"""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [number for number, _ in found]
    if numbers != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..n without gaps, found {numbers}")
    return found


async def apply_migrations(db: aiosqlite.Connection) -> int:
    """Bring the schema up to date; returns the version now in force."""
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    version = int(row[0]) if row else 0
    for number, sql in migrations():
        if number <= version:
            continue
        # executescript commits first, so the BEGIN/COMMIT here makes the step atomic.
        await db.executescript(f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
        version = number
    return version
