"""Units, people, invites and platform identities in SQLite."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from domain.people import Invite, Person, Role, Unit
from storage.records import Member, NewInvite, NewPerson, NewUnit
from storage.sqlite._query import fetch_all, fetch_one
from storage.sqlite._time import text_time, time_text

__all__ = ["SqliteDirectory"]

_PERSON = """
SELECT p.id, p.name, p.unit_id, u.name, p.role, p.language, p.active
FROM people p JOIN units u ON u.id = p.unit_id
"""

_INVITE = """
SELECT i.id, i.code, i.unit_id, u.name, i.role, i.person_id, i.max_uses, i.uses,
       i.expires_at, i.revoked_at
FROM invites i JOIN units u ON u.id = i.unit_id
"""


def _person(row: Any) -> Person:
    return Person(
        id=row[0],
        name=row[1],
        unit_id=row[2],
        unit_name=row[3],
        role=Role(row[4]),
        language=row[5],
        active=bool(row[6]),
    )


def _invite(row: Any) -> Invite:
    return Invite(
        id=row[0],
        code=row[1],
        unit_id=row[2],
        unit_name=row[3],
        role=Role(row[4]),
        person_id=row[5],
        max_uses=row[6],
        uses=row[7],
        expires_at=text_time(row[8]) if row[8] else None,
        revoked_at=text_time(row[9]) if row[9] else None,
    )


def _unit(row: Any) -> Unit:
    return Unit(id=row[0], code=row[1], name=row[2], parent_id=row[3], kind=row[4])


class SqliteDirectory:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def _one(self, sql: str, *params: Any) -> Any:
        return await fetch_one(self._db, sql, params)

    async def _all(self, sql: str, *params: Any) -> list[Any]:
        return await fetch_all(self._db, sql, params)

    async def person_by_identity(self, platform: str, user_id: str) -> Person | None:
        row = await self._one(
            _PERSON
            + """
            JOIN identities d ON d.person_id = p.id
            LEFT JOIN invites v ON v.id = p.invite_id
            WHERE d.platform = ? AND d.user_id = ? AND p.active = 1 AND v.revoked_at IS NULL
            """,
            platform,
            user_id,
        )
        return _person(row) if row else None

    async def person(self, person_id: int) -> Person | None:
        row = await self._one(_PERSON + " WHERE p.id = ?", person_id)
        return _person(row) if row else None

    async def person_by_external_id(self, external_id: str) -> Person | None:
        row = await self._one(_PERSON + " WHERE p.external_id = ?", external_id)
        return _person(row) if row else None

    async def chat_of(self, person_id: int, platform: str) -> str | None:
        row = await self._one(
            "SELECT chat_id FROM identities WHERE person_id = ? AND platform = ?",
            person_id,
            platform,
        )
        return str(row[0]) if row else None

    async def set_language(self, person_id: int, language: str) -> None:
        await self._db.execute("UPDATE people SET language = ? WHERE id = ?", (language, person_id))

    async def units(self) -> list[Unit]:
        rows = await self._all("SELECT id, code, name, parent_id, kind FROM units ORDER BY code")
        return [_unit(row) for row in rows]

    async def unit(self, unit_id: int) -> Unit | None:
        row = await self._one(
            "SELECT id, code, name, parent_id, kind FROM units WHERE id = ?", unit_id
        )
        return _unit(row) if row else None

    async def unit_by_code(self, code: str) -> Unit | None:
        row = await self._one(
            "SELECT id, code, name, parent_id, kind FROM units WHERE code = ?", code
        )
        return _unit(row) if row else None

    async def add_units(self, units: list[NewUnit]) -> int:
        """Insert or update units by code; parents may come later in the list than children."""
        for unit in units:
            await self._db.execute(
                """INSERT INTO units (code, name, kind) VALUES (?, ?, ?)
                   ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind""",
                (unit.code, unit.name, unit.kind),
            )
        for unit in units:
            await self._db.execute(
                "UPDATE units SET parent_id = (SELECT id FROM units WHERE code = ?) WHERE code = ?",
                (unit.parent_code, unit.code),
            )
        return len(units)

    async def add_people(self, people: list[NewPerson], now: datetime) -> int:
        """Insert people, or update those already known by external id."""
        for person in people:
            unit = await self.unit_by_code(person.unit_code)
            if unit is None:
                raise LookupError(person.unit_code)
            await self._db.execute(
                """INSERT INTO people (name, unit_id, role, phone, external_id, created_at)
                   VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT (external_id) DO UPDATE SET name = excluded.name,
                       unit_id = excluded.unit_id, role = excluded.role, phone = excluded.phone""",
                (
                    person.name,
                    unit.id,
                    person.role.value,
                    person.phone,
                    person.external_id,
                    time_text(now),
                ),
            )
        return len(people)

    async def invite_by_code(self, code: str) -> Invite | None:
        row = await self._one(_INVITE + " WHERE i.code = ?", code.upper())
        return _invite(row) if row else None

    async def add_invite(self, invite: NewInvite) -> Invite:
        await self._db.execute(
            """INSERT INTO invites (code, unit_id, role, person_id, max_uses, expires_at,
                                    created_by, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                invite.code,
                invite.unit_id,
                invite.role.value,
                invite.person_id,
                invite.max_uses,
                time_text(invite.expires_at) if invite.expires_at else None,
                invite.created_by,
                time_text(invite.created_at),
            ),
        )
        stored = await self.invite_by_code(invite.code)
        assert stored is not None
        return stored

    async def revoke_invite(self, code: str, now: datetime) -> Invite | None:
        await self._db.execute(
            "UPDATE invites SET revoked_at = ? WHERE code = ? AND revoked_at IS NULL",
            (time_text(now), code.upper()),
        )
        return await self.invite_by_code(code)

    async def join(
        self,
        invite: Invite,
        name: str,
        platform: str,
        user_id: str,
        chat_id: str,
        language: str,
        now: datetime,
    ) -> Person:
        if invite.person_id is not None:
            person_id = invite.person_id
            await self._db.execute(
                "UPDATE people SET name = ?, invite_id = ?, language = ?, active = 1 WHERE id = ?",
                (name, invite.id, language, person_id),
            )
        else:
            cursor = await self._db.execute(
                """INSERT INTO people (name, unit_id, role, language, invite_id, created_at)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                (name, invite.unit_id, invite.role.value, language, invite.id, time_text(now)),
            )
            assert cursor.lastrowid is not None
            person_id = cursor.lastrowid
        await self._db.execute(
            """INSERT INTO identities (platform, user_id, chat_id, person_id, joined_at)
               VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (platform, user_id) DO UPDATE SET
                   chat_id = excluded.chat_id, person_id = excluded.person_id,
                   joined_at = excluded.joined_at""",
            (platform, user_id, chat_id, person_id, time_text(now)),
        )
        await self._db.execute("UPDATE invites SET uses = uses + 1 WHERE id = ?", (invite.id,))
        person = await self.person(person_id)
        assert person is not None
        return person

    async def people_by_phone(self, phone: str) -> list[Person]:
        rows = await self._all(_PERSON + " WHERE p.phone = ? ORDER BY p.id", phone)
        return [_person(row) for row in rows]

    async def people_named(self, name: str) -> list[Person]:
        rows = await self._all(_PERSON + " WHERE p.name = ? ORDER BY p.id", name)
        return [_person(row) for row in rows]

    async def accounts(self, platform: str) -> dict[str, int]:
        rows = await self._all(
            "SELECT user_id, person_id FROM identities WHERE platform = ?", platform
        )
        return {str(row[0]): int(row[1]) for row in rows}

    async def link_identity(
        self, person_id: int, platform: str, user_id: str, chat_id: str, now: datetime
    ) -> bool:
        cursor = await self._db.execute(
            """INSERT INTO identities (platform, user_id, chat_id, person_id, joined_at)
               VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, user_id) DO NOTHING""",
            (platform, user_id, chat_id, person_id, time_text(now)),
        )
        if cursor.rowcount == 1:
            return True
        row = await self._one(
            "SELECT person_id FROM identities WHERE platform = ? AND user_id = ?",
            platform,
            user_id,
        )
        if row[0] != person_id:
            raise LookupError(f"{platform} account {user_id} belongs to person {row[0]}")
        return False

    async def members(self, platform: str | None = None) -> list[Member]:
        rows = await self._all(
            """SELECT p.id, p.name, u.code, p.role, d.platform, d.joined_at,
                      p.active = 1 AND v.revoked_at IS NULL
               FROM identities d
               JOIN people p ON p.id = d.person_id
               JOIN units u ON u.id = p.unit_id
               LEFT JOIN invites v ON v.id = p.invite_id
               WHERE ? IS NULL OR d.platform = ?
               ORDER BY u.code, p.name""",
            platform,
            platform,
        )
        return [
            Member(
                person_id=row[0],
                name=row[1],
                unit_code=row[2],
                role=Role(row[3]),
                platform=row[4],
                joined_at=text_time(row[5]),
                active=bool(row[6]),
            )
            for row in rows
        ]
