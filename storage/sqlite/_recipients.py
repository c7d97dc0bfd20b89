"""People the bot may write to unprompted: active, invite standing, with a chat."""

from __future__ import annotations

from typing import Any

import aiosqlite

from storage.ledger_records import Recipient
from storage.sqlite._query import fetch_all

__all__ = ["recipients"]


async def recipients(
    db: aiosqlite.Connection, condition: str, params: tuple[Any, ...], *, once: bool = False
) -> list[Recipient]:
    """Everyone matching `condition` (on `p`, the people table), at every account; with `once`,
    at the account they joined first, so someone on two platforms is told once."""
    rows = await fetch_all(
        db,
        f"""SELECT p.id, p.name, d.platform, d.chat_id, p.language, p.role, p.unit_id
            FROM people p
            JOIN identities d ON d.person_id = p.id
            LEFT JOIN invites v ON v.id = p.invite_id
            WHERE p.active = 1 AND v.revoked_at IS NULL AND {condition}
            ORDER BY p.id, d.joined_at""",
        params,
    )
    if not once:
        return [Recipient(*row) for row in rows]
    first: dict[int, Recipient] = {}
    for row in rows:
        first.setdefault(row[0], Recipient(*row))
    return list(first.values())
