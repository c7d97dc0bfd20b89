"""Shared fixtures: a real SQLite file, a hand-moved clock, the core, and seeded people."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.case_rules import FileCaseRules
from domain.clock import Clock
from domain.people import Role
from domain.workdays import DeadlinePolicy
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


ROUTING = """
[[rule]]
kind = "dispute"
unit = "MAS-SFJ"

[[rule]]
place_contains = ["湖东路", "珍珠园"]
unit = "MAS-HS-HDL"
"""


def case_rules(tmp_path: Path) -> FileCaseRules:
    """Routing for the seeded units, and the holiday library's calendar."""
    routing = tmp_path / "routing.toml"
    routing.write_text(ROUTING, encoding="utf-8")
    rules = FileCaseRules(routing, tmp_path / "no-calendar.toml", DeadlinePolicy())
    assert rules.reload({unit.code for unit in UNITS}) == []
    return rules


def make_core(store: Store, clock: Clock, tmp_path: Path, links: Links | None = None) -> Core:
    rules = case_rules(tmp_path)
    return Core(store, clock, ZONE, "zh", links or Links(), rules, all_flows())


@pytest.fixture
def core(store: Store, clock: FakeClock, tmp_path: Path) -> Core:
    return make_core(store, clock, tmp_path)


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
        bureau = await tx.directory.unit_by_code("MAS-SFJ")
        assert bureau
        await tx.directory.add_invite(NewInvite("SFJ00001", bureau.id, Role.OFFICER, clock.now()))
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


@pytest.fixture
async def handler(core: Core, seeded: Seeded) -> Chat:
    """刘科长 of 市司法局, the unit the routing rules send disputes to."""
    chat = Chat(core, actor("301", "刘科长"))
    await chat.say("/start SFJ00001")
    await chat.press("刘科长")
    return chat
