"""Demo data: units in 马鞍山, an officer and a coordinator on the console, a few visits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.campaigns import Quota, check_campaign
from domain.cases import CaseStatus, Category, IssueKind, Urgency
from domain.people import Person, Role, new_invite_code
from domain.visits import TargetType
from storage import Store, Tx
from storage.records import NewCase, NewInvite, NewPerson, NewUnit, NewVisit

__all__ = [
    "COORDINATOR_ID",
    "COORDINATOR_USER",
    "DEMO_UNITS",
    "OFFICER_ID",
    "OFFICER_USER",
    "DemoIds",
    "seed_demo",
]

_MAANSHAN = ZoneInfo("Asia/Shanghai")

OFFICER_ID = "DEMO-OFFICER"
OFFICER_USER = "demo-officer"
COORDINATOR_ID = "DEMO-COORD"
COORDINATOR_USER = "demo-coord"

DEMO_UNITS = (
    NewUnit("MAS", "马鞍山市", None, "city"),
    NewUnit("MAS-HS", "花山区", "MAS", "county"),
    NewUnit("MAS-HS-SFJ", "花山区司法局", "MAS-HS", "bureau"),
    NewUnit("MAS-HS-HDL", "湖东路街道", "MAS-HS", "township"),
    NewUnit("MAS-HS-HDL-PCS", "湖东路派出所", "MAS-HS-HDL", "police"),
    NewUnit("MAS-YS", "雨山区", "MAS", "county"),
    NewUnit("MAS-GAJ", "市公安局", "MAS", "bureau"),
    NewUnit("MAS-FY", "市法院", "MAS", "court"),
)

_PEOPLE = (
    (NewPerson("王小明", "MAS-HS-HDL-PCS", Role.OFFICER, external_id=OFFICER_ID), OFFICER_USER),
    (NewPerson("李主任", "MAS", Role.COORDINATOR, external_id=COORDINATOR_ID), COORDINATOR_USER),
)

# (draft id, days ago, target, place, count, people, materials, opinions); none today, so a
# demo starts with an empty "today" and the first visit logged is the day's first.
_VISITS = (
    ("demo-v1", 3, TargetType.HOUSEHOLD, "珍珠园五村", 15, 40, 30, 4),
    ("demo-v2", 2, TargetType.ENTERPRISE, "湖东路商业街", 6, 18, 12, 2),
    ("demo-v3", 1, TargetType.SCHOOL, "湖东路小学", 1, 120, 200, 5),
    ("demo-v4", 1, TargetType.COMMUNITY, "雨山湖社区", 1, 35, 50, 3),
)


# The demo campaign's quotas (走访任务数) by unit and target.
_QUOTAS = (
    ("MAS-HS", TargetType.HOUSEHOLD, 300),
    ("MAS-HS", TargetType.ENTERPRISE, 30),
    ("MAS-HS", TargetType.SCHOOL, 5),
    ("MAS-YS", TargetType.HOUSEHOLD, 200),
    ("MAS-GAJ", TargetType.HOUSEHOLD, 100),
    ("MAS-FY", TargetType.HOUSEHOLD, 50),
)


@dataclass(frozen=True, slots=True)
class DemoIds:
    """The demo people's ids; `created` says whether this call seeded anything."""

    officer_id: int
    coordinator_id: int
    created: bool


def _at(day: date, zone: ZoneInfo) -> datetime:
    """Mid-afternoon of a local day, in UTC, as if the record was made after the visit."""
    return datetime.combine(day, time(16, 0), zone).astimezone(UTC)


async def _bind(tx: Tx, person: Person, user_id: str, language: str, now: datetime) -> None:
    """Give the person a console identity the one way identities are made: by invite."""
    code = new_invite_code()
    while await tx.directory.invite_by_code(code) is not None:
        code = new_invite_code()
    invite = await tx.directory.add_invite(
        NewInvite(code, person.unit_id, person.role, now, max_uses=1, person_id=person.id)
    )
    await tx.directory.join(invite, person.name, "console", user_id, user_id, language, now)


async def _person(tx: Tx, external_id: str) -> Person:
    person = await tx.directory.person_by_external_id(external_id)
    assert person is not None, external_id
    return person


async def _visits(tx: Tx, officer: Person, today: date, zone: ZoneInfo) -> dict[str, int]:
    ids: dict[str, int] = {}
    for draft_id, days_ago, target, place, count, people, materials, opinions in _VISITS:
        known = await tx.visits.id_for_draft(draft_id)
        day = today - timedelta(days=days_ago)
        ids[draft_id] = known or await tx.visits.add(
            NewVisit(
                draft_id=draft_id,
                person_id=officer.id,
                unit_id=officer.unit_id,
                target=target,
                place=place,
                count=count,
                people=people,
                materials=materials,
                opinions=opinions,
                visit_date=day,
                created_at=_at(day, zone),
            )
        )
    return ids


async def _cases(
    tx: Tx, officer: Person, visits: dict[str, int], today: date, zone: ZoneInfo
) -> None:
    street = await tx.directory.unit_by_code("MAS-HS-HDL")
    assert street is not None
    solved_day, pending_day = today - timedelta(days=3), today - timedelta(days=1)
    cases = (
        NewCase(
            draft_id="demo-c1",
            reporter_id=officer.id,
            reporter_unit_id=officer.unit_id,
            kind=IssueKind.DISPUTE,
            category=Category.LIVELIHOOD,
            description="两户邻居因楼道堆放杂物发生争执，现场调解后双方达成一致。",
            place="珍珠园五村",
            urgency=Urgency.NORMAL,
            status=CaseStatus.SOLVED_ON_SPOT,
            created_at=_at(solved_day, zone),
            local_day=solved_day,
            visit_id=visits["demo-v1"],
            resolution="现场调解，杂物已清理。",
        ),
        NewCase(
            draft_id="demo-c2",
            reporter_id=officer.id,
            reporter_unit_id=officer.unit_id,
            kind=IssueKind.HARDSHIP,
            category=Category.LIVELIHOOD,
            description="独居老人反映小区路灯损坏多日，夜间出行不便。",
            place="雨山湖社区",
            urgency=Urgency.NORMAL,
            status=CaseStatus.PENDING_ASSIGNMENT,
            created_at=_at(pending_day, zone),
            local_day=pending_day,
            visit_id=visits["demo-v4"],
            suggested_unit_id=street.id,
        ),
    )
    for case in cases:
        if await tx.cases.by_draft(case.draft_id) is None:
            await tx.cases.add(case)


async def _campaign(tx: Tx, today: date, zone: ZoneInfo, now: datetime) -> None:
    """A campaign that started two weeks ago and runs six more, unless one is running."""
    if await tx.campaigns.active() is not None:
        return
    name = "大走访（演示）"
    campaign = await tx.campaigns.by_name(name) or await tx.campaigns.create(
        check_campaign(name, today - timedelta(days=14), today + timedelta(days=42), zone.key),
        now,
    )
    await tx.campaigns.activate(campaign.id)
    codes = {unit.code: unit.id for unit in await tx.directory.units()}
    await tx.campaigns.replace_quotas(
        campaign.id, [Quota(codes[code], target, n) for code, target, n in _QUOTAS]
    )


async def seed_demo(
    store: Store, now: datetime, zone: ZoneInfo = _MAANSHAN, language: str = "zh"
) -> DemoIds:
    """Seed the demo campaign; a second call finds it in place and changes nothing.

    `zone` places the visits on local days; `language` is the demo people's chat language.
    """
    async with store.transaction() as tx:
        directory = tx.directory
        seeded = await directory.unit_by_code("MAS") is not None and (
            await directory.person_by_identity("console", OFFICER_USER) is not None
        )
        if not seeded:
            await directory.add_units(list(DEMO_UNITS))
            await directory.add_people([person for person, _ in _PEOPLE], now)
            for person, user_id in _PEOPLE:
                assert person.external_id is not None
                if await directory.person_by_identity("console", user_id) is None:
                    stored = await _person(tx, person.external_id)
                    await _bind(tx, stored, user_id, language, now)
            officer = await _person(tx, OFFICER_ID)
            today = now.astimezone(zone).date()
            await _cases(tx, officer, await _visits(tx, officer, today, zone), today, zone)
            await _campaign(tx, today, zone, now)
        officer = await _person(tx, OFFICER_ID)
        coordinator = await _person(tx, COORDINATOR_ID)
        return DemoIds(officer.id, coordinator.id, created=not seeded)
