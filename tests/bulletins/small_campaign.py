"""A small campaign whose every figure is worked out by hand in the tests that use it.

Campaign 2026-11-02 (Mon) … 2026-11-27 (Fri): 20 working days; Wednesday 11-25 is the 18th,
so 90 % of the quota is expected by then.

Quotas: 花山区 (MAS-HS) 100 households + 10 schools; 市司法局 (MAS-SFJ) 50 households.
Visits:  11-25 湖东路派出所 (under 花山区) 30 households, 80 people
         11-20 湖东路街道 (under 花山区) 40 households, 150 people; 5 schools, 500 people
         11-25 市司法局 10 households, 20 people
         11-10 市司法局 50 households, 100 people
So 花山区 has 70/100 + 5/10 = 75/110 = 68 % (behind), 市司法局 60 capped at 50/50 = 100 %
(ahead), and the whole campaign (70 + 5 + 50)/160 = 78 % (behind).
Cases on 11-25: one solved on the spot by 湖东路派出所, one pending from 市司法局.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from domain.campaigns import Quota, check_campaign
from domain.cases import CaseStatus, Category, IssueKind, Urgency
from domain.people import Role
from domain.visits import TargetType
from storage import Store
from storage.records import NewCase, NewPerson, NewVisit
from tests.conftest import UNITS, ZONE

__all__ = ["CAMPAIGN_DAY", "seed_small_campaign"]

CAMPAIGN_DAY = date(2026, 11, 25)

_VISITS = [
    ("MAS-HS-PCS", TargetType.HOUSEHOLD, 30, 80, date(2026, 11, 25)),
    ("MAS-HS-HDL", TargetType.HOUSEHOLD, 40, 150, date(2026, 11, 20)),
    ("MAS-HS-HDL", TargetType.SCHOOL, 5, 500, date(2026, 11, 20)),
    ("MAS-SFJ", TargetType.HOUSEHOLD, 10, 20, date(2026, 11, 25)),
    ("MAS-SFJ", TargetType.HOUSEHOLD, 50, 100, date(2026, 11, 10)),
]


async def seed_small_campaign(store: Store, now: datetime, *, units: bool = True) -> int:
    """Units (unless already there), people, the campaign with its quotas, visits and cases."""
    async with store.transaction() as tx:
        if units:
            await tx.directory.add_units(UNITS)
        await tx.directory.add_people(
            [
                NewPerson("甲", "MAS-HS-PCS", Role.OFFICER, external_id="S-1"),
                NewPerson("乙", "MAS-SFJ", Role.OFFICER, external_id="S-2"),
            ],
            now,
        )
        campaign = await tx.campaigns.create(
            check_campaign("清风走访", date(2026, 11, 2), date(2026, 11, 27), "Asia/Shanghai"),
            now,
        )
        await tx.campaigns.activate(campaign.id)
        code = {u.code: u for u in await tx.directory.units()}
        await tx.campaigns.replace_quotas(
            campaign.id,
            [
                Quota(code["MAS-HS"].id, TargetType.HOUSEHOLD, 100),
                Quota(code["MAS-HS"].id, TargetType.SCHOOL, 10),
                Quota(code["MAS-SFJ"].id, TargetType.HOUSEHOLD, 50),
            ],
        )
        pcs_officer = await tx.directory.person_by_external_id("S-1")
        sfj_officer = await tx.directory.person_by_external_id("S-2")
        assert pcs_officer
        assert sfj_officer
        for n, (unit, target, count, people, day) in enumerate(_VISITS):
            person = sfj_officer if unit == "MAS-SFJ" else pcs_officer
            await tx.visits.add(
                NewVisit(
                    f"small-{n}",
                    person.id,
                    code[unit].id,
                    target,
                    "某地",
                    count,
                    people,
                    0,
                    0,
                    day,
                    now,
                )
            )
        created = datetime(2026, 11, 25, 9, 0, tzinfo=ZONE)
        for n, (person, status) in enumerate(
            [(pcs_officer, CaseStatus.SOLVED_ON_SPOT), (sfj_officer, CaseStatus.PENDING_ASSIGNMENT)]
        ):
            await tx.cases.add(
                NewCase(
                    f"case-{n}",
                    person.id,
                    person.unit_id,
                    IssueKind.DISPUTE,
                    Category.LEGAL,
                    "邻里纠纷",
                    "某地",
                    Urgency.NORMAL,
                    status,
                    created + timedelta(minutes=n),
                    CAMPAIGN_DAY,
                )
            )
    return campaign.id
