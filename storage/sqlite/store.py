"""The SQLite store: one connection, one transaction at a time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import aiosqlite

from storage.sqlite.campaigns import SqliteCampaigns
from storage.sqlite.cases import SqliteCases
from storage.sqlite.conversations import SqliteConversations
from storage.sqlite.delivery import SqliteOutbox, SqliteUpdateLog
from storage.sqlite.directory import SqliteDirectory
from storage.sqlite.ledger import SqliteLedger
from storage.sqlite.migrate import apply_migrations
from storage.sqlite.reader import SqliteReader, open_reader
from storage.sqlite.spot_checks import SqliteSpotChecks
from storage.sqlite.stats import SqliteStats
from storage.sqlite.visits import SqliteVisits

__all__ = ["SqliteStore", "SqliteTx", "open_store"]


class SqliteTx:
    """The repositories of one transaction, all on the same connection."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self.directory = SqliteDirectory(db)
        self.visits = SqliteVisits(db)
        self.cases = SqliteCases(db)
        self.ledger = SqliteLedger(db)
        self.conversations = SqliteConversations(db)
        self.updates = SqliteUpdateLog(db)
        self.outbox = SqliteOutbox(db)
        self.spot_checks = SqliteSpotChecks(db)
        self.campaigns = SqliteCampaigns(db)
        self.stats = SqliteStats(db)


class SqliteStore:
    """SQLite in WAL mode. Transactions are serialised: SQLite has one writer anyway,
    and a queue in-process is cheaper than busy-waiting on the file lock."""

    def __init__(self, db: aiosqlite.Connection, path: Path | None = None) -> None:
        self._db = db
        self._path = path
        self._lock = asyncio.Lock()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqliteTx]:
        async with self._lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield SqliteTx(self._db)
            except BaseException:
                await self._db.rollback()
                raise
            await self._db.commit()

    def reading(self) -> AbstractAsyncContextManager[SqliteReader]:
        """A read-only snapshot on a second connection: a long export never takes the lock."""
        if self._path is None:
            raise RuntimeError("this store was opened without its file's path")
        return open_reader(self._path)

    async def version(self) -> int:
        async with self._db.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def close(self) -> None:
        await self._db.close()


async def open_store(path: Path) -> SqliteStore:
    """Open (creating if need be) the database file and apply pending migrations."""
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    db = await aiosqlite.connect(path, isolation_level=None)
    await db.execute("PRAGMA journal_mode = WAL")
    # NORMAL in WAL keeps every commit safe from a crash of the bot; only a power cut
    # can lose the last commits, and it saves an fsync per message.
    await db.execute("PRAGMA synchronous = NORMAL")
    await db.execute("PRAGMA foreign_keys = ON")
    await db.execute("PRAGMA busy_timeout = 5000")
    # SQLite's own checkpoint, inside the writer's commit, is the one that keeps up with a
    # writer that never pauses (one run on another connection let the log grow 15 MB/s);
    # once reset, the log file is cut back to this size.
    await db.execute("PRAGMA journal_size_limit = 67108864")
    await apply_migrations(db)
    return SqliteStore(db, path)
