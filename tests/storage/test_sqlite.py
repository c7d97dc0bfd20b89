"""The SQLite store: migrations, WAL and foreign keys, and transactions that keep all or nothing."""

from __future__ import annotations

from pathlib import Path

import aiosqlite
import pytest

from domain.cases import CaseStatus, Category, IssueKind, Urgency
from domain.people import Role
from domain.visits import VisitSummary
from handlers.messages import Pressed
from storage import Store, open_store
from storage.ledger_records import CaseFilter, Scope
from storage.records import NewCase, NewInvite, NewPerson
from storage.sqlite.ledger import COUNT_CAP
from storage.sqlite.migrate import migrations
from storage.sqlite.visits import SqliteVisits
from tests.conftest import UNITS
from tests.transcript import Chat, FakeClock


async def _scalar(path: Path, sql: str) -> object:
    async with aiosqlite.connect(path) as db, db.execute(sql) as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return row[0]


async def test_migrations_are_numbered_and_applied_once(store: Store, db_path: Path) -> None:
    assert [number for number, _ in migrations()] == list(range(1, len(migrations()) + 1))
    assert await _scalar(db_path, "PRAGMA user_version") == len(migrations())
    assert await _scalar(db_path, "PRAGMA journal_mode") == "wal"
    reopened = await open_store(db_path)
    await reopened.close()
    assert await _scalar(db_path, "PRAGMA user_version") == len(migrations())


async def test_foreign_keys_are_enforced_and_the_transaction_rolls_back(
    store: Store, clock: FakeClock
) -> None:
    async def queue_then_break_a_key() -> None:
        async with store.transaction() as tx:
            await tx.outbox.enqueue("telegram", "1", {"text": "x"}, due_at=clock.now())
            await tx.directory.add_invite(NewInvite("NOUNIT23", 999, Role.OFFICER, clock.now()))

    with pytest.raises(aiosqlite.IntegrityError):
        await queue_then_break_a_key()
    async with store.transaction() as tx:
        assert await tx.outbox.due(clock.now(), 10) == []


async def test_a_failure_mid_step_writes_nothing_and_keeps_the_step(
    officer: Chat, store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The visit row is written before the day's totals are read; a failure there undoes it."""
    await officer.say("/visit 住户 15户 40人 珍珠园五村")
    confirm = Pressed(officer.button("✅ 确认"))

    async def broken_summary(*args: object) -> VisitSummary:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(SqliteVisits, "summary", broken_summary)
    assert await officer.send(confirm) == [
        "抱歉，刚才处理出错了，您的输入没有丢失。请再发一次；如果还不行，请联系活动办。"
    ]
    monkeypatch.undo()
    today = clock.now().date()
    async with store.transaction() as tx:
        assert await tx.visits.summary(1, today, today) == VisitSummary()
    assert (await officer.send(confirm))[0].startswith("✅ 走访已登记（记录 #1）")


async def test_a_broad_filter_counts_up_to_the_cap(store: Store, clock: FakeClock) -> None:
    async with store.transaction() as tx:
        await tx.directory.add_units(UNITS)
        await tx.directory.add_people(
            [NewPerson("赵六", "MAS-SFJ", Role.OFFICER, external_id="E-1")], clock.now()
        )
        person = await tx.directory.person_by_external_id("E-1")
        assert person is not None
        for n in range(COUNT_CAP + 1):
            await tx.cases.add(
                NewCase(
                    draft_id=f"d{n}",
                    reporter_id=person.id,
                    reporter_unit_id=person.unit_id,
                    kind=IssueKind.OPINION,
                    category=Category.OTHER,
                    description=f"路灯坏了 {n}",
                    place="湖东路",
                    urgency=Urgency.NORMAL,
                    status=CaseStatus.PENDING_ASSIGNMENT,
                    created_at=clock.now(),
                    local_day=clock.now().date(),
                )
            )
        everything = Scope(everything=True, person_id=person.id)
        page = await tx.ledger.find(CaseFilter(everything, text="路灯"), 0, 10)
        assert (page.total, page.more, page.rows[0].description) == (
            COUNT_CAP,
            True,
            "路灯坏了 1000",
        )
        page = await tx.ledger.find(CaseFilter(everything, text="坏了 999"), 0, 10)
        assert (page.total, page.more) == (1, False)
