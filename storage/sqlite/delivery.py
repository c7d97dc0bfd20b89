"""The update log (to drop repeated platform updates) and the outbox in SQLite."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from storage.records import OutboxItem
from storage.sqlite._query import fetch_all
from storage.sqlite._time import time_text

__all__ = ["SqliteOutbox", "SqliteUpdateLog"]


class SqliteUpdateLog:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def first_time(self, key: str, now: datetime) -> bool:
        cursor = await self._db.execute(
            "INSERT OR IGNORE INTO processed_updates (key, at) VALUES (?, ?)",
            (key, time_text(now)),
        )
        return cursor.rowcount == 1

    async def forget(self, before: datetime) -> int:
        cursor = await self._db.execute(
            "DELETE FROM processed_updates WHERE at < ?", (time_text(before),)
        )
        return cursor.rowcount


class SqliteOutbox:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def enqueue(
        self,
        platform: str,
        chat_id: str,
        payload: dict[str, Any],
        due_at: datetime,
        dedup_key: str | None = None,
    ) -> bool:
        cursor = await self._db.execute(
            """INSERT OR IGNORE INTO outbox (platform, chat_id, payload, dedup_key, due_at,
                                             created_at)
               VALUES (?, ?, ?, ?, ?, ?)""",
            (
                platform,
                chat_id,
                json.dumps(payload, ensure_ascii=False),
                dedup_key,
                time_text(due_at),
                time_text(due_at),
            ),
        )
        return cursor.rowcount == 1

    async def due(self, now: datetime, limit: int) -> list[OutboxItem]:
        rows = await fetch_all(
            self._db,
            """SELECT id, platform, chat_id, payload, attempts FROM outbox
               WHERE status = 'pending' AND due_at <= ? ORDER BY id LIMIT ?""",
            (time_text(now), limit),
        )
        return [
            OutboxItem(
                id=r[0], platform=r[1], chat_id=r[2], payload=json.loads(r[3]), attempts=r[4]
            )
            for r in rows
        ]

    async def mark_sent(self, item_id: int, now: datetime) -> None:
        await self._db.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1 WHERE id = ?",
            (time_text(now), item_id),
        )

    async def retry_later(self, item_id: int, due_at: datetime, error: str) -> None:
        await self._db.execute(
            """UPDATE outbox SET attempts = attempts + 1, due_at = ?, last_error = ?
               WHERE id = ?""",
            (time_text(due_at), error[:500], item_id),
        )

    async def mark_failed(self, item_id: int, error: str) -> None:
        await self._db.execute(
            """UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?
               WHERE id = ?""",
            (error[:500], item_id),
        )
