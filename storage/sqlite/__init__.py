"""The SQLite backend (WAL, foreign keys, one writer), the embedded default."""

from storage.sqlite.store import SqliteStore, open_store

__all__ = ["SqliteStore", "open_store"]
