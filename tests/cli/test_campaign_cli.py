"""`zoufang campaign …`, run in-process against a temporary database."""

from __future__ import annotations

import asyncio
from pathlib import Path

import openpyxl
import pytest

from tests.cli.support import (
    EXAMPLES,
    NAME,
    bind,
    create,
    example_database,
    query,
    run,
    write_csv,
)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return example_database(tmp_path, monkeypatch)


def quotas(db: Path) -> list[tuple[str, str, int]]:
    return query(
        db,
        """SELECT u.code, q.target, q.quota FROM quotas q JOIN units u ON u.id = q.unit_id
           ORDER BY u.code, q.target""",
    )


# campaigns ──────────────────────────────────────────────────────────────────


def test_create_activate_and_list(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = create(capsys, "--activate")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"已创建活动 {NAME}：2025-11-03 至 2025-11-28（Asia/Shanghai）",
        f"{NAME} 现为进行中的活动",
    ]
    assert query(db, "SELECT name, starts_on, ends_on, zone, active FROM campaigns") == [
        (NAME, "2025-11-03", "2025-11-28", "Asia/Shanghai", 1)
    ]
    code, out, _ = run(
        capsys,
        "campaign",
        "create",
        "--name",
        "春季",
        "--start",
        "2026-03-02",
        "--end",
        "2026-03-31",
        "--zone",
        "Asia/Shanghai",
    )
    assert code == 0
    assert run(capsys, "campaign", "activate", "春季")[:2] == (0, "春季 现为进行中的活动\n")
    assert query(db, "SELECT name FROM campaigns WHERE active = 1") == [("春季",)]
    code, out, _ = run(capsys, "campaign", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["活动", "开始", "结束", "时区", "状态"]
    assert lines[1].split() == [NAME, "2025-11-03", "2025-11-28", "Asia/Shanghai"]
    assert lines[2].split() == ["春季", "2026-03-02", "2026-03-31", "Asia/Shanghai", "进行中"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--start", "2025-11-28", "--end", "2025-11-03"),
            "结束日期 2025-11-03 早于开始日期 2025-11-28",
        ),
        (("--start", "2025-11-03", "--end", "11月底"), "--end“11月底”不是日期"),
        (
            ("--start", "2025-11-03", "--end", "2025-11-28", "--zone", "Mars/Base"),
            "“Mars/Base”不是时区",
        ),
        (
            ("--start", "2025-11-03", "--end", "2025-11-28", "--zone", "Asia/Urumqi"),
            "活动的时区 Asia/Urumqi 与机器人的 TIMEZONE（Asia/Shanghai）不同",
        ),
    ],
)
def test_bad_campaign_is_refused_and_nothing_stored(
    db: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code, out, err = run(capsys, "campaign", "create", "--name", NAME, *args)
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {message}")
    assert err.count("\n") == 1
    assert query(db, "SELECT count(*) FROM campaigns") == [(0,)]


def test_a_name_is_used_once(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    create(capsys)
    code, _, err = create(capsys)
    assert code == 1
    assert err == f"error: 已有名为 {NAME} 的活动，未保存任何内容\n"
    assert query(db, "SELECT count(*) FROM campaigns") == [(1,)]


def test_activate_an_unknown_campaign(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "campaign", "activate", "没有")
    assert code == 1
    assert "没有名为 没有 的活动" in err


# quotas ─────────────────────────────────────────────────────────────────────

EXAMPLE_QUOTAS = 17


@pytest.mark.parametrize("name", ["quotas.csv", "quotas.xlsx"])
def test_example_quotas_import(db: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    create(capsys, "--activate")
    code, out, err = run(capsys, "campaign", "quotas", str(EXAMPLES / name))
    assert (code, err) == (0, "")
    assert out == f"{NAME}：已导入 11 个单位的 {EXAMPLE_QUOTAS} 条任务数，替换原有任务数\n"
    stored = quotas(db)
    assert len(stored) == EXAMPLE_QUOTAS
    assert ("MAS-HS-HDL-PCS", "household", 600) in stored
    assert ("MAS-YS-CS-PCS", "village", 6) in stored


def test_english_headers_and_words_replace_every_quota(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    create(capsys, "--quotas", str(EXAMPLES / "quotas.csv"))
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Unit Code", "Target", "Quota"])
    sheet.append(["MAS-SFJ", "enterprise", 12.0])  # Excel stores numbers as floats
    sheet.append(["MAS-GAJ", "Households", "１,000"])
    book.save(tmp_path / "q.xlsx")
    code, _, err = run(capsys, "campaign", "quotas", str(tmp_path / "q.xlsx"), "--campaign", NAME)
    assert (code, err) == (0, "")
    assert quotas(db) == [("MAS-GAJ", "household", 1000), ("MAS-SFJ", "enterprise", 12)]


BAD_FILES = [
    (["MAS-NOPE,住户,10"], "row 3: 单位 MAS-NOPE 不存在，请先导入单位"),
    (["MAS-SFJ,住户,-5"], "row 3: quota: -5：任务数不能为负数"),
    (["MAS-SFJ,住户,十个"], "row 3: quota: “十个”不是整数"),
    (["MAS-SFJ,住户,2.5"], "row 3: quota: “2.5”不是整数"),
    (["MAS-SFJ,住户,"], "row 3: quota: “”不是整数"),
    (["MAS-SFJ,household,7"], "row 3: MAS-SFJ 住户 已在第 2 行出现"),
    (["MAS-SFJ,宠物,7"], "row 3: target: “宠物”不是走访对象"),
    (["MAS-SFJ,住户,99999999"], "row 3: quota: 99999999 超过 10000000"),
]


@pytest.mark.parametrize(("rows", "problem"), BAD_FILES)
def test_bad_quota_file_is_refused_with_row_and_problem(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], rows: list[str], problem: str
) -> None:
    create(capsys, "--activate", "--quotas", str(EXAMPLES / "quotas.csv"))
    before = quotas(db)
    bad = write_csv(tmp_path / "bad.csv", ["单位代码,走访对象,走访任务数", "MAS-SFJ,住户,3", *rows])
    code, out, err = run(capsys, "campaign", "quotas", str(bad))
    assert (code, out) == (1, "")
    first, last = err.splitlines()
    assert first.startswith(problem)
    assert last == "nothing imported: 1 problem(s)"
    assert quotas(db) == before


def test_every_problem_is_listed_and_a_bad_file_makes_no_campaign(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write_csv(
        tmp_path / "bad.csv",
        [
            "unit,target,quota",
            "MAS-X,住户,1",
            "MAS-SFJ,企业,-1",
            "MAS-GAJ,企业,3",
            "MAS-GAJ,企业,4",
        ],
    )
    code, out, err = create(capsys, "--activate", "--quotas", str(bad))
    assert (code, out) == (1, "")
    assert [line.split(":")[0] for line in err.splitlines()] == [
        "row 2",
        "row 3",
        "row 5",
        "nothing imported",
    ]
    assert query(db, "SELECT count(*) FROM campaigns") == [(0,)]


def test_missing_column_is_named(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    create(capsys, "--activate")
    bad = write_csv(tmp_path / "bad.csv", ["单位代码,任务数", "MAS-SFJ,3"])
    code, _, err = run(capsys, "campaign", "quotas", str(bad))
    assert code == 1
    assert err.startswith("row 1: missing column target")


def test_quotas_need_a_campaign(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "campaign", "quotas", str(EXAMPLES / "quotas.csv"))
    assert code == 1
    assert err.startswith("error: 没有进行中的活动")


# show ───────────────────────────────────────────────────────────────────────


def test_show_dates_timetable_quotas_and_groups(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    create(capsys, "--activate", "--quotas", str(EXAMPLES / "quotas.csv"))
    asyncio.run(bind(db, unit="MAS-HS"))
    monkeypatch.setenv("LANGUAGE", "en")
    code, out, _ = run(capsys, "campaign", "show")
    assert code == 0
    lines = out.splitlines()
    assert lines[:3] == [
        f"{NAME} (active)",
        "dates: 2025-11-03 to 2025-11-28 (Asia/Shanghai)",
        "daily 18:00 · weekly Monday 09:00 · monthly on the first working day 09:00"
        " · nudges 16:00 · quiet 21:00-08:00",
    ]
    assert lines[5].split() == [
        "unit",
        "name",
        "Households",
        "Enterprises",
        "Schools",
        "Villages",
        "Communities",
        "total",
    ]
    assert lines[6].split() == ["MAS-FY", "市法院", "20", "20"]
    assert lines[9].split() == ["MAS-HS-HDL-PCS", "湖东路派出所", "600", "40", "5", "645"]
    assert lines[17].split() == ["total", "1950", "180", "19", "10", "14", "2173"]
    assert lines[19:] == [
        "bound groups:",
        "platform  chat  title     scope            bulletins",
        "telegram  -100  花山区群  花山区 (MAS-HS)  daily bulletin weekly dispatch",
    ]


def test_show_names_an_unknown_campaign(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "campaign", "show", "没有")[0] == 1
