"""Shared fixtures: a real SQLite file, a hand-moved clock, the core, and seeded people."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from domain.people import Role
from handlers import Core, all_flows
from handlers.messages import Actor
from storage import Store, open_store
from storage.records import NewInvite, NewPerson, NewUnit
from tests.transcript import Chat, FakeClock, Links, start_of_test

ZONE = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(start_of_test())


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "zoufang.db"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[Store]:
    opened = await open_store(db_path)
    yield opened
    await opened.close()


@pytest.fixture
def core(store: Store, clock: FakeClock) -> Core:
    return Core(store, clock, ZONE, "zh", Links(), all_flows())


@dataclass(frozen=True)
class Seeded:
    officer_invite: str
    coordinator_invite: str


UNITS = [
    NewUnit("MAS", "马鞍山市", None, "city"),
    NewUnit("MAS-HS", "花山区", "MAS", "county"),
    NewUnit("MAS-HS-HDL", "湖东路街道", "MAS-HS", "township"),
    NewUnit("MAS-HS-PCS", "湖东路派出所", "MAS-HS-HDL", "police"),
    NewUnit("MAS-SFJ", "市司法局", "MAS", "bureau"),
]


@pytest.fixture
async def seeded(store: Store, clock: FakeClock) -> Seeded:
    """Units, and two open invites: an officer's and a coordinator's."""
    async with store.transaction() as tx:
        await tx.directory.add_units(UNITS)
        await tx.directory.add_people(
            [NewPerson("赵六", "MAS-SFJ", Role.OFFICER, external_id="E-1")], clock.now()
        )
        pcs = await tx.directory.unit_by_code("MAS-HS-PCS")
        city = await tx.directory.unit_by_code("MAS")
        assert pcs
        assert city
        await tx.directory.add_invite(NewInvite("OFFICER1", pcs.id, Role.OFFICER, clock.now()))
        await tx.directory.add_invite(NewInvite("COORD001", city.id, Role.COORDINATOR, clock.now()))
    return Seeded("OFFICER1", "COORD001")


def actor(user_id: str = "101", name: str = "王小明", language: str = "zh-hans") -> Actor:
    return Actor("telegram", user_id, user_id, name, language)


@pytest.fixture
def stranger(core: Core) -> Chat:
    return Chat(core, actor("999", "路人"))


@pytest.fixture
async def officer(core: Core, seeded: Seeded) -> Chat:
    """王小明 of 湖东路派出所, joined by invite."""
    chat = Chat(core, actor())
    await chat.say(f"/start {seeded.officer_invite}")
    await chat.press("王小明")
    return chat


@pytest.fixture
async def coordinator(core: Core, seeded: Seeded) -> Chat:
    chat = Chat(core, actor("201", "李主任"))
    await chat.say(f"/start {seeded.coordinator_invite}")
    await chat.press("李主任")
    return chat
