"""Conversation state in SQLite: one row per person in a guided conversation."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from storage.records import ConversationState, Shown
from storage.sqlite._query import fetch_all, fetch_one
from storage.sqlite._time import text_time, time_text

__all__ = ["SqliteConversations"]

_COLUMNS = """platform, user_id, chat_id, language, flow, step, draft_id, data,
              started_at, updated_at, reminded_at"""


def _state(row: Any) -> ConversationState:
    return ConversationState(
        platform=row[0],
        user_id=row[1],
        chat_id=row[2],
        language=row[3],
        flow=row[4],
        step=row[5],
        draft_id=row[6],
        data=json.loads(row[7]),
        started_at=text_time(row[8]),
        updated_at=text_time(row[9]),
        reminded_at=text_time(row[10]) if row[10] else None,
    )


class SqliteConversations:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def get(self, platform: str, user_id: str) -> ConversationState | None:
        row = await fetch_one(
            self._db,
            f"SELECT {_COLUMNS} FROM conversations WHERE platform = ? AND user_id = ?",
            (platform, user_id),
        )
        return _state(row) if row else None

    async def save(self, state: ConversationState) -> None:
        await self._db.execute(
            f"INSERT OR REPLACE INTO conversations ({_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                state.platform,
                state.user_id,
                state.chat_id,
                state.language,
                state.flow,
                state.step,
                state.draft_id,
                json.dumps(state.data, ensure_ascii=False),
                time_text(state.started_at),
                time_text(state.updated_at),
                time_text(state.reminded_at) if state.reminded_at else None,
            ),
        )

    async def clear(self, platform: str, user_id: str) -> None:
        await self._db.execute(
            "DELETE FROM conversations WHERE platform = ? AND user_id = ?", (platform, user_id)
        )

    async def idle_since(self, before: datetime) -> list[ConversationState]:
        rows = await fetch_all(
            self._db,
            f"""SELECT {_COLUMNS} FROM conversations
                WHERE updated_at < ? AND reminded_at IS NULL ORDER BY updated_at""",
            (time_text(before),),
        )
        return [_state(row) for row in rows]

    async def mark_reminded(self, platform: str, user_id: str, at: datetime) -> None:
        await self._db.execute(
            "UPDATE conversations SET reminded_at = ? WHERE platform = ? AND user_id = ?",
            (time_text(at), platform, user_id),
        )

    async def expire(self, before: datetime) -> int:
        cursor = await self._db.execute(
            "DELETE FROM conversations WHERE updated_at < ?", (time_text(before),)
        )
        return cursor.rowcount

    async def shown(self, platform: str, user_id: str) -> Shown | None:
        row = await fetch_one(
            self._db,
            "SELECT choices, numbered FROM shown_choices WHERE platform = ? AND user_id = ?",
            (platform, user_id),
        )
        if row is None:
            return None
        return Shown(tuple((label, data) for label, data in json.loads(row[0])), bool(row[1]))

    async def show(self, platform: str, user_id: str, shown: Shown | None) -> None:
        if shown is None:
            await self._db.execute(
                "DELETE FROM shown_choices WHERE platform = ? AND user_id = ?", (platform, user_id)
            )
            return
        await self._db.execute(
            "INSERT OR REPLACE INTO shown_choices (platform, user_id, choices, numbered) "
            "VALUES (?, ?, ?, ?)",
            (platform, user_id, json.dumps(shown.choices, ensure_ascii=False), shown.numbered),
        )
