"""Conversation state in SQLite: one row per person in a guided conversation."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from storage.records import ConversationState
from storage.sqlite._time import text_time, time_text

__all__ = ["SqliteConversations"]

_COLUMNS = """platform, user_id, chat_id, language, flow, step, draft_id, data, offered,
              started_at, updated_at, reminded_at"""


def _state(row: Any) -> ConversationState:
    offered = json.loads(row[8])
    return ConversationState(
        platform=row[0],
        user_id=row[1],
        chat_id=row[2],
        language=row[3],
        flow=row[4],
        step=row[5],
        draft_id=row[6],
        data=json.loads(row[7]),
        offered=[(label, value) for label, value in offered["choices"]],
        numbered=offered["numbered"],
        started_at=text_time(row[9]),
        updated_at=text_time(row[10]),
        reminded_at=text_time(row[11]) if row[11] else None,
    )


class SqliteConversations:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def get(self, platform: str, user_id: str) -> ConversationState | None:
        async with self._db.execute(
            f"SELECT {_COLUMNS} FROM conversations WHERE platform = ? AND user_id = ?",
            (platform, user_id),
        ) as cursor:
            row = await cursor.fetchone()
        return _state(row) if row else None

    async def save(self, state: ConversationState) -> None:
        offered = {"choices": state.offered, "numbered": state.numbered}
        await self._db.execute(
            f"INSERT OR REPLACE INTO conversations ({_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                state.platform,
                state.user_id,
                state.chat_id,
                state.language,
                state.flow,
                state.step,
                state.draft_id,
                json.dumps(state.data, ensure_ascii=False),
                json.dumps(offered, ensure_ascii=False),
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
        async with self._db.execute(
            f"""SELECT {_COLUMNS} FROM conversations
                WHERE updated_at < ? AND reminded_at IS NULL ORDER BY updated_at""",
            (time_text(before),),
        ) as cursor:
            return [_state(row) for row in await cursor.fetchall()]

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
