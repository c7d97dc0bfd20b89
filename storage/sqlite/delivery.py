"""The update log (to drop repeated platform updates) and the outbox in SQLite."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from typing import Any

import aiosqlite

from storage.records import OutboxItem
from storage.sqlite._query import fetch_all, fetch_one
from storage.sqlite._time import text_time, time_text

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


_ITEM = "SELECT id, platform, chat_id, payload, attempts, parts_sent, created_at FROM outbox o"
# Left to itself, the planner walks the whole table in id order for ORDER BY id LIMIT n,
# every sent message of the campaign included; what is pending and due is the few rows.
_PENDING = f"{_ITEM} INDEXED BY outbox_due"
# The oldest unsettled item of the same chat, if older than this one (the outbox_open index).
_EARLIER_OPEN = """EXISTS (SELECT 1 FROM outbox e
                          WHERE e.platform = o.platform AND e.chat_id = o.chat_id
                            AND e.status IN ('pending', 'sending') AND e.id < o.id)"""


def _exact(moment: datetime) -> str:
    """A due time to the microsecond: a retry 0.4 s away must not come due at once.

    It compares rightly with the whole-second times of older rows: "…:01+00:00" < "…:01.4…".
    """
    if moment.tzinfo is None:
        raise ValueError("naive datetime: times are stored in UTC and must say so")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


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
        blobs: Mapping[str, bytes] | None = None,
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
                _exact(due_at),
                time_text(due_at),
            ),
        )
        if cursor.rowcount != 1:
            return False
        if blobs:
            await self._db.executemany(
                "INSERT OR IGNORE INTO outbox_blobs (sha256, content) VALUES (?, ?)",
                blobs.items(),
            )
            await self._db.executemany(
                "INSERT INTO outbox_files (outbox_id, sha256) VALUES (?, ?)",
                [(cursor.lastrowid, sha) for sha in blobs],
            )
        return True

    async def due(self, now: datetime, limit: int) -> list[OutboxItem]:
        rows = await fetch_all(
            self._db,
            f"{_PENDING} WHERE status = 'pending' AND due_at <= ? ORDER BY id LIMIT ?",
            (_exact(now), limit),
        )
        return await self._items(rows)

    async def heads(self, now: datetime, limit: int) -> list[OutboxItem]:
        rows = await fetch_all(
            self._db,
            f"""{_PENDING} WHERE status = 'pending' AND due_at <= ? AND NOT {_EARLIER_OPEN}
                ORDER BY id LIMIT ?""",
            (_exact(now), limit),
        )
        return await self._items(rows, with_files=False)

    async def files(self, item_id: int) -> dict[str, bytes]:
        rows = await fetch_all(
            self._db,
            """SELECT b.sha256, b.content FROM outbox_files f
               JOIN outbox_blobs b ON b.sha256 = f.sha256 WHERE f.outbox_id = ?""",
            (item_id,),
        )
        return {sha: bytes(content) for sha, content in rows}

    async def _items(self, rows: list[Any], *, with_files: bool = True) -> list[OutboxItem]:
        ids = [r[0] for r in rows]
        blobs: dict[int, dict[str, bytes]] = {}
        if ids and with_files:
            marks = ",".join("?" * len(ids))
            files = await fetch_all(
                self._db,
                f"""SELECT f.outbox_id, b.sha256, b.content FROM outbox_files f
                    JOIN outbox_blobs b ON b.sha256 = f.sha256 WHERE f.outbox_id IN ({marks})""",
                ids,
            )
            for item_id, sha, content in files:
                blobs.setdefault(item_id, {})[sha] = bytes(content)
        return [
            OutboxItem(
                id=r[0],
                platform=r[1],
                chat_id=r[2],
                payload=json.loads(r[3]),
                attempts=r[4],
                parts_sent=r[5],
                created_at=text_time(r[6]),
                blobs=blobs.get(r[0], {}),
            )
            for r in rows
        ]

    async def claim(self, item_id: int, now: datetime) -> bool:
        cursor = await self._db.execute(
            f"""UPDATE outbox AS o SET status = 'sending', claimed_at = ?
                WHERE id = ? AND status = 'pending' AND NOT {_EARLIER_OPEN}""",
            (_exact(now), item_id),
        )
        return cursor.rowcount == 1

    async def mark_sent(self, item_id: int, now: datetime) -> None:
        await self._db.execute(
            """UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1,
                                 parts_sent = 0, claimed_at = NULL
               WHERE id = ?""",
            (time_text(now), item_id),
        )

    async def mark_part_sent(self, item_id: int, parts_sent: int) -> None:
        await self._db.execute(
            """UPDATE outbox SET status = 'pending', parts_sent = ?, attempts = attempts + 1,
                                 claimed_at = NULL
               WHERE id = ?""",
            (parts_sent, item_id),
        )

    async def retry_later(self, item_id: int, due_at: datetime, error: str) -> None:
        await self._db.execute(
            """UPDATE outbox SET status = 'pending', attempts = attempts + 1, due_at = ?,
                                 last_error = ?, claimed_at = NULL
               WHERE id = ?""",
            (_exact(due_at), error[:500], item_id),
        )

    async def move_chat(self, platform: str, old_chat: str, new_chat: str) -> int:
        """Send what is still to go to `old_chat` to `new_chat` instead."""
        cursor = await self._db.execute(
            """UPDATE outbox SET chat_id = ?
               WHERE platform = ? AND chat_id = ? AND status IN ('pending', 'sending')""",
            (new_chat, platform, old_chat),
        )
        return cursor.rowcount

    async def mark_failed(self, item_id: int, error: str) -> None:
        await self._settle(item_id, "failed", error)

    async def mark_uncertain(self, item_id: int, error: str) -> None:
        await self._settle(item_id, "uncertain", error)

    async def _settle(self, item_id: int, status: str, error: str) -> None:
        await self._db.execute(
            """UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ?,
                                 claimed_at = NULL
               WHERE id = ?""",
            (status, error[:500], item_id),
        )

    async def abandon_stale(self, claimed_before: datetime, keep: Collection[int]) -> list[int]:
        rows = await fetch_all(
            self._db,
            "SELECT id FROM outbox WHERE status = 'sending' AND claimed_at <= ?",
            (_exact(claimed_before),),
        )
        stale = [r[0] for r in rows if r[0] not in keep]
        await self._db.executemany(
            """UPDATE outbox SET status = 'uncertain', claimed_at = NULL,
                      last_error = 'claimed by a worker that stopped before it settled the send'
               WHERE id = ? AND status = 'sending'""",
            [(item_id,) for item_id in stale],
        )
        return stale

    async def next_due(self) -> datetime | None:
        row = await fetch_one(self._db, "SELECT min(due_at) FROM outbox WHERE status = 'pending'")
        return text_time(row[0]) if row and row[0] else None

    async def counts(self) -> dict[str, int]:
        rows = await fetch_all(self._db, "SELECT status, count(*) FROM outbox GROUP BY status")
        return {str(status): int(count) for status, count in rows}

    async def prune(self, before: datetime) -> int:
        cursor = await self._db.execute(
            """DELETE FROM outbox
               WHERE status IN ('sent', 'failed', 'uncertain') AND created_at < ?""",
            (time_text(before),),
        )
        await self._db.execute(
            """DELETE FROM outbox_blobs
               WHERE NOT EXISTS (SELECT 1 FROM outbox_files f
                                 WHERE f.sha256 = outbox_blobs.sha256)"""
        )
        return cursor.rowcount
