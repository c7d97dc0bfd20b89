"""`zoufang bulletin …`, run in-process against a temporary database.

The hand-made campaign: 2025-11-03 (Mon) … 2025-11-28 (Fri), 20 working days (no holiday that
November); Thursday 11-20 is the 14th, so 70 % of the quota is expected by then.
Quotas: 湖东路派出所 100 households; 市司法局 10 enterprises.
Visits: 湖东路派出所 30 households / 80 people on 11-20 and 40 / 100 on 11-10;
        市司法局 5 enterprises / 12 people on 11-20.
So on 11-20: today 35 visited, 92 people; since the start 75, 192 people;
湖东路派出所 70/100 = 70 % (on track), 市司法局 5/10 = 50 % (behind);
the whole campaign 75/110 = 68 % (on track: within five points of 70 %).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from domain.people import Role
from domain.visits import TargetType
from storage import open_store
from storage.records import NewPerson, NewVisit
from tests.cli.support import NAME, bind, create, example_database, query, run, write_csv


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return example_database(tmp_path, monkeypatch)


async def seed_visits(db: Path) -> None:
    store = await open_store(db)
    now = datetime(2025, 11, 20, 10, tzinfo=UTC)
    try:
        async with store.transaction() as tx:
            await tx.directory.add_people(
                [
                    NewPerson("甲", "MAS-HS-HDL-PCS", Role.OFFICER, external_id="P-1"),
                    NewPerson("乙", "MAS-SFJ", Role.OFFICER, external_id="P-2"),
                ],
                now,
            )
            units = {u.code: u.id for u in await tx.directory.units()}
            people = {
                code: await tx.directory.person_by_external_id(code) for code in ("P-1", "P-2")
            }
            for n, (who, unit, target, count, reached, day) in enumerate(
                [
                    ("P-1", "MAS-HS-HDL-PCS", TargetType.HOUSEHOLD, 30, 80, date(2025, 11, 20)),
                    ("P-1", "MAS-HS-HDL-PCS", TargetType.HOUSEHOLD, 40, 100, date(2025, 11, 10)),
                    ("P-2", "MAS-SFJ", TargetType.ENTERPRISE, 5, 12, date(2025, 11, 20)),
                ]
            ):
                person = people[who]
                assert person is not None
                await tx.visits.add(
                    NewVisit(
                        f"v-{n}",
                        person.id,
                        units[unit],
                        target,
                        "某地",
                        count,
                        reached,
                        0,
                        0,
                        day,
                        now,
                    )
                )
    finally:
        await store.close()


@pytest.fixture
def campaign(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    hand_made = write_csv(
        tmp_path / "q.csv",
        ["单位代码,走访对象,走访任务数", "MAS-HS-HDL-PCS,住户,100", "MAS-SFJ,企业,10"],
    )
    assert create(capsys, "--activate", "--quotas", str(hand_made))[0] == 0
    asyncio.run(seed_visits(db))
    return db


def test_daily_bulletin_prints_the_hand_computed_figures(
    campaign: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chart = tmp_path / "chart.png"
    code, out, err = run(
        capsys, "bulletin", "daily", "--date", "2025-11-20", "--chart-out", str(chart)
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[:4] == [
        f"📊 {NAME} 走访进度通报（2025-11-20）",
        "今日走访 35 户/家/所/个，覆盖 92 人；累计走访 75，覆盖 192 人。",
        "任务完成率 68%（按时序应达 70%），进度正常",
        "今日新发现问题 0 个，当场解决 0 个，办结 0 个；逾期未办结 0 个。",
    ]
    assert "湖东路派出所：今日 30，累计 70，任务完成率 70%（按时序应达 70%），进度正常" in out
    assert "市司法局：今日 5，累计 5，任务完成率 50%（按时序应达 70%），进度滞后" in out
    assert lines[-1] == "⚠️ 进度滞后（1 个）：市司法局，请抓紧推进。"
    assert chart.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert f"图表已写入 {chart}" in err
    assert query(campaign, "SELECT count(*) FROM outbox") == [(0,)]  # printing queues nothing


def test_weekly_and_monthly_print(campaign: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "bulletin", "weekly", "--date", "2025-11-24")
    assert code == 0
    assert out.startswith(f"📋 {NAME} 周调度（2025-11-17 至 2025-11-23）\n本周走访 35，覆盖 92 人")
    code, out, _ = run(capsys, "bulletin", "monthly", "--date", "2025-12-01")
    assert code == 0
    assert out.startswith(
        f"🗓 {NAME} 2025-11 月小结\n本月走访 75（上月 0，上月无数据），覆盖 192 人。"
    )


def test_send_queues_once(campaign: Path, capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(bind(campaign))
    bulletins = "SELECT chat_id, dedup_key FROM outbox WHERE dedup_key LIKE 'bulletin:%'"
    code, out, _ = run(capsys, "bulletin", "daily", "--date", "2025-11-20", "--send")
    assert code == 0
    assert out.startswith(f"📊 {NAME} 走访进度通报（2025-11-20）")
    assert out.splitlines()[-1] == "已将 2025-11-20 的日报排入 1 个群的发送队列，标注为补发"
    queued = query(campaign, bulletins)
    assert queued
    assert {chat for chat, _ in queued} == {"-100"}
    assert query(campaign, "SELECT kind, period, late FROM bulletin_runs") == [
        ("daily", "2025-11-20", 1)
    ]
    code, out, _ = run(capsys, "bulletin", "daily", "--date", "2025-11-20", "--send")
    assert code == 0
    assert out.splitlines()[-1] == "2025-11-20 的日报已排队发送过，不再重复"
    assert query(campaign, bulletins) == queued


def test_send_needs_a_bound_group_for_that_kind(
    campaign: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(bind(campaign))
    code, _, err = run(capsys, "bulletin", "monthly", "--date", "2025-12-01", "--send")
    assert code == 1
    assert err == f"error: 没有群绑定 {NAME} 的月小结，未发送（请先在群里 /bind）\n"
    assert query(campaign, "SELECT count(*) FROM bulletin_runs") == [(0,)]


def test_send_outside_the_campaign_is_refused(
    campaign: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(bind(campaign))
    code, _, err = run(capsys, "bulletin", "daily", "--date", "2025-12-05", "--send")
    assert code == 2
    assert "2025-12-05 不在" in err
    assert query(campaign, "SELECT count(*) FROM outbox") == [(0,)]


def test_bulletin_without_active_campaign_or_with_bad_date(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "bulletin", "daily")
    assert (code, out) == (2, "")
    assert err.startswith("error: 没有进行中的活动")
    create(capsys, "--activate")
    code, out, err = run(capsys, "bulletin", "daily", "--date", "11月32日")
    assert (code, out) == (2, "")
    assert err == "error: --date“11月32日”不是日期，请写成 YYYY-MM-DD，例如 2025-11-20\n"


def test_send_before_the_bulletins_time_is_refused(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(
        capsys,
        "campaign",
        "create",
        "--name",
        NAME,
        "--start",
        "2026-12-01",
        "--end",
        "2099-12-31",
        "--activate",
    )
    assert code == 0
    asyncio.run(bind(db))
    code, _, err = run(capsys, "bulletin", "daily", "--date", "2099-06-01", "--send")
    assert code == 2
    assert "定于 2099-06-01 18:00 发送，还没到时间" in err
    assert query(db, "SELECT count(*) FROM bulletin_runs") == [(0,)]
