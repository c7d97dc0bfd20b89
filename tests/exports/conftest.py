"""A small ledger built through the storage API: units, people, visits, cases in every state."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from domain.cases import CaseStatus, Category, IssueKind, Urgency
from domain.people import Role
from domain.visits import TargetType
from storage import Store, Tx, open_store
from storage.ledger_records import CaseChange
from storage.records import NewCase, NewPerson, NewUnit, NewVisit

ZONE = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 20)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of November 2026 on the campaign's (Shanghai) clock."""
    return datetime(2026, 11, day, hour, minute, tzinfo=ZONE)


@dataclass(frozen=True)
class Ledger:
    officer: int  # 王小明, 湖东路派出所
    coordinator: int  # 李主任, 马鞍山市
    handler: int  # 刘科长, 市司法局
    city: int
    district: int  # 花山区, above 湖东路派出所
    pcs: int
    bureau: int


UNITS = [
    NewUnit("MAS", "马鞍山市", None, "city"),
    NewUnit("MAS-HS", "花山区", "MAS", "county"),
    NewUnit("MAS-HS-PCS", "湖东路派出所", "MAS-HS", "police"),
    NewUnit("MAS-SFJ", "市司法局", "MAS", "bureau"),
]


async def _move(tx: Tx, case_id: int, actor: int, action: str, to: str, **change: Any) -> None:
    card = await tx.ledger.card_by_id(case_id)
    assert card is not None
    moved = CaseChange(case_id, card.version, actor, action, card.status, to, **change)
    assert await tx.ledger.apply(moved)


def new_case(draft: str, reporter: int, unit: int, when: datetime, **fields: Any) -> NewCase:
    values: dict[str, Any] = {
        "kind": IssueKind.OPINION,
        "category": Category.LIVELIHOOD,
        "description": f"问题 {draft}",
        "place": "珍珠园五村",
        "urgency": Urgency.NORMAL,
        "status": CaseStatus.PENDING_ASSIGNMENT,
    } | fields
    return NewCase(draft, reporter, unit, created_at=when, local_day=when.date(), **values)


async def build_ledger(store: Store) -> Ledger:
    """Five cases (one waiting, one overdue, one closed, one solved on the spot, one fresh)
    and two visits."""
    async with store.transaction() as tx:
        d = tx.directory
        await d.add_units(UNITS)
        people = [
            NewPerson("王小明", "MAS-HS-PCS", Role.OFFICER, external_id="E-1"),
            NewPerson("李主任", "MAS", Role.COORDINATOR, external_id="E-2"),
            NewPerson("刘科长", "MAS-SFJ", Role.OFFICER, external_id="E-3"),
        ]
        await d.add_people(people, at(1, 9))
        ids = [(await d.person_by_external_id(f"E-{n}")) for n in (1, 2, 3)]
        units = [(await d.unit_by_code(u.code)) for u in UNITS]
        officer, coordinator, handler = (p.id for p in ids if p)
        city, district, pcs, bureau = (u.id for u in units if u)

        visit = NewVisit(
            "v1",
            officer,
            pcs,
            TargetType.HOUSEHOLD,
            "珍珠园五村",
            15,
            40,
            20,
            3,
            date(2026, 11, 18),
            at(18, 16, 5),
            31.6886,
            118.5083,
            "-入户宣传",
            ("a", "b"),
        )
        visit_id = await tx.visits.add(visit)
        await tx.visits.add(
            NewVisit(
                "v2",
                handler,
                bureau,
                TargetType.ENTERPRISE,
                "雨山工业园",
                3,
                12,
                0,
                1,
                date(2026, 11, 19),
                at(19, 10),
            )
        )

        add = tx.cases.add
        await add(
            new_case(
                "c1",
                officer,
                pcs,
                at(10, 9, 30),
                description="小区路灯坏了",
                place="珍珠园五村3栋",
                resident_name="张三",
                resident_phone="13812345678",
                visit_id=visit_id,
                suggested_unit_id=pcs,
            )
        )
        late = await add(
            new_case(
                "c2",
                officer,
                pcs,
                at(11, 14),
                kind=IssueKind.DISPUTE,
                category=Category.LEGAL,
                description="邻里噪音纠纷",
                place="湖东路12号",
                urgency=Urgency.URGENT,
                resident_name="欧阳娜娜",
                resident_phone="13987654321",
            )
        )
        await _move(
            tx,
            late.id,
            coordinator,
            "assign",
            "assigned",
            at=at(11, 15),
            holder_unit_id=pcs,
            deadline=date(2026, 11, 15),
        )
        await _move(tx, late.id, officer, "accept", "in_progress", at=at(12, 9))
        for day, note in ((13, "已约双方调解"), (16, "已联系物业，调解中")):
            await _move(
                tx,
                late.id,
                officer,
                "progress",
                "in_progress",
                at=at(day, 10),
                note=note,
                progress=True,
            )
        done = await add(
            new_case(
                "c3",
                handler,
                bureau,
                at(12, 8),
                kind=IssueKind.HARDSHIP,
                description="独居老人生活困难",
                place="湖东路5号",
                resident_name="李四",
                resident_phone="0555-2345678",
            )
        )
        steps: list[tuple[int, str, str, dict[str, Any]]] = [
            (
                coordinator,
                "assign",
                "assigned",
                {"holder_unit_id": bureau, "deadline": date(2026, 11, 14)},
            ),
            (handler, "accept", "in_progress", {}),
            (handler, "progress", "in_progress", {"note": "已上门走访", "progress": True}),
            (handler, "resolve", "pending_verification", {"resolution": "已办理低保"}),
            (coordinator, "verify", "pending_followup", {}),
            (
                coordinator,
                "follow_up",
                "closed",
                {
                    "contact_method": "phone",
                    "followup_response": "群众表示满意",
                    "satisfaction": "satisfied",
                },
            ),
        ]
        for hour, (actor, action, to, change) in enumerate(steps, 9):
            await _move(tx, done.id, actor, action, to, at=at(13, hour), **change)
        await add(
            new_case(
                "c4",
                officer,
                pcs,
                at(17, 11),
                kind=IssueKind.RISK,
                category=Category.OTHER,
                description="=1+1 楼道堆放杂物",
                place="@3栋楼道",
                status=CaseStatus.SOLVED_ON_SPOT,
                resolution="+当场清理\x07完毕",
            )
        )
        fresh = await add(
            new_case(
                "c5",
                handler,
                bureau,
                at(19, 20),
                kind=IssueKind.LEAD,
                category=Category.LEGAL,
                description="疑似电信诈骗窝点",
                place="花山区某小区",
                urgency=Urgency.URGENT,
            )
        )
        await _move(
            tx,
            fresh.id,
            coordinator,
            "assign",
            "assigned",
            at=at(19, 21),
            holder_unit_id=district,
            deadline=date(2026, 11, 25),
        )
    return Ledger(officer, coordinator, handler, city, district, pcs, bureau)


async def add_many(store: Store, ledger: Ledger, count: int) -> None:
    """`count` more waiting cases, one a minute from 2026-11-01."""
    async with store.transaction() as tx:
        for n in range(count):
            when = at(1, 8 + n // 600, (n // 10) % 60)
            await tx.cases.add(
                new_case(f"m{n}", ledger.officer, ledger.pcs, when, resident_phone="13812345678")
            )


@pytest.fixture
async def ledger(store: Store) -> Ledger:
    return await build_ledger(store)


async def seed_file(path: Path, many: int = 0) -> Ledger:
    """The ledger in a database file of its own, for the command line's tests."""
    opened = await open_store(path)
    try:
        built = await build_ledger(opened)
        if many:
            await add_many(opened, built, many)
        return built
    finally:
        await opened.close()


@pytest.fixture
async def reopened(db_path: Path) -> AsyncIterator[Store]:
    """A second store on the same file: another process, as far as SQLite can tell."""
    other = await open_store(db_path)
    yield other
    await other.close()


def sheet_rows(data: bytes | Path) -> tuple[Any, list[dict[str, Any]]]:
    """The workbook's active sheet, and its rows as {header: value}."""
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    ws = openpyxl.load_workbook(source).active
    assert ws is not None
    header, *rows = ws.iter_rows(values_only=True)
    return ws, [dict(zip(header, row, strict=True)) for row in rows]


def csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
