"""Ledger exports, opened back with openpyxl and csv and checked cell by cell."""

from __future__ import annotations

import asyncio
import io
import sqlite3
import zipfile
from contextlib import closing
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from exports import export_cases, export_visits, file_name, format_for
from exports.ledger import Format
from storage import Store
from storage.ledger_records import CaseFilter, Scope
from tests.exports.conftest import TODAY, ZONE, Ledger, add_many, at, csv_rows, new_case, sheet_rows

EVERYTHING = CaseFilter(Scope(everything=True, person_id=0))
HEADERS = [
    *("编号", "登记日期", "类别", "类型", "紧急程度", "问题描述", "地点", "反映人", "联系电话"),
    *("上报人", "上报单位", "责任单位", "交办日期", "办理时限", "状态", "是否逾期", "逾期天数"),
    *("办理进展", "办理结果", "办结日期", "回访方式", "回访结果", "满意度"),
]


async def cases(
    store: Store, search: CaseFilter = EVERYTHING, fmt: Format = "xlsx", **options: Any
) -> bytes:
    out = io.BytesIO()
    settings: dict[str, Any] = {"language": "zh", "full": False} | options
    await export_cases(store, search, zone=ZONE, today=TODAY, out=out, fmt=fmt, **settings)
    return out.getvalue()


def export_log(db_path: Path) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(db_path)) as db:
        return list(db.execute("SELECT person_id, via, what, full_data, row_count FROM export_log"))


async def test_the_case_ledger_in_xlsx_cell_by_cell(store: Store, ledger: Ledger) -> None:
    ws, rows = sheet_rows(await cases(store))
    assert ws.title == "整改台账"
    assert [cell.value for cell in ws[1]] == HEADERS
    assert [row["编号"] for row in rows] == [
        "261110-001",
        "261111-001",
        "261112-001",
        "261117-001",
        "261119-001",
    ]
    assert rows[1] == {
        "编号": "261111-001",
        "登记日期": datetime(2026, 11, 11, 14, 0),  # Shanghai time, not the stored UTC
        "类别": "政法类",
        "类型": "矛盾纠纷",
        "紧急程度": "紧急",
        "问题描述": "邻里噪音纠纷",
        "地点": "湖东路12号",
        "反映人": "欧阳**",
        "联系电话": "139****4321",
        "上报人": "王小明",
        "上报单位": "湖东路派出所",
        "责任单位": "湖东路派出所",
        "交办日期": datetime(2026, 11, 11, 15, 0),
        "办理时限": datetime(2026, 11, 15, 0, 0),
        "状态": "办理中",
        "是否逾期": "是",
        "逾期天数": 5,
        "办理进展": "已联系物业，调解中",  # the latest of two notes
        "办理结果": None,
        "办结日期": None,
        "回访方式": None,
        "回访结果": None,
        "满意度": None,
    }
    closed = rows[2]
    assert (closed["状态"], closed["是否逾期"], closed["逾期天数"]) == ("已办结", "否", None)
    assert closed["办结日期"] == datetime(2026, 11, 13, 14, 0)
    assert (closed["回访方式"], closed["回访结果"], closed["满意度"]) == (
        "电话",
        "群众表示满意",
        "满意",
    )
    assert (rows[0]["状态"], rows[3]["状态"], rows[4]["状态"]) == ("待交办", "当场解决", "已交办")
    assert rows[4]["是否逾期"] == "否"  # due on the 25th


async def test_dates_are_real_date_cells_with_their_formats(store: Store, ledger: Ledger) -> None:
    ws, _ = sheet_rows(await cases(store))
    logged, deadline = ws["B3"], ws["N3"]
    assert (logged.is_date, logged.number_format) == (True, "yyyy-mm-dd hh:mm")
    assert (deadline.is_date, deadline.number_format) == (True, "yyyy-mm-dd")
    assert ws["Q3"].data_type == "n"  # days overdue is a number
    assert ws["Q3"].value == 5


async def test_the_sheet_has_a_frozen_bold_header_a_filter_and_widths(
    store: Store, ledger: Ledger
) -> None:
    ws, _ = sheet_rows(await cases(store))
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:W6"
    assert all(cell.font.b for cell in ws[1])
    assert not ws["A2"].font.b
    assert ws.column_dimensions["F"].width == 50  # the description
    assert ws.column_dimensions["A"].width == 12


async def test_residents_are_masked_by_default_and_nothing_is_logged(
    store: Store, ledger: Ledger, db_path: Path
) -> None:
    data = await cases(store)
    _, rows = sheet_rows(data)
    assert [(r["反映人"], r["联系电话"]) for r in rows[:3]] == [
        ("张*", "138****5678"),
        ("欧阳**", "139****4321"),
        ("李*", "0555-***5678"),
    ]
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "13812345678" not in sheet
    assert "张三" not in sheet
    masked_csv = csv_rows(await cases(store, fmt="csv"))
    assert (masked_csv[0]["反映人"], masked_csv[0]["联系电话"]) == ("张*", "138****5678")
    assert export_log(db_path) == []


async def test_a_full_export_shows_residents_and_is_logged(
    store: Store, ledger: Ledger, db_path: Path
) -> None:
    data = await cases(store, full=True, by=ledger.coordinator, via="telegram")
    _, rows = sheet_rows(data)
    assert [(r["反映人"], r["联系电话"]) for r in rows[:3]] == [
        ("张三", "13812345678"),
        ("欧阳娜娜", "13987654321"),
        ("李四", "0555-2345678"),
    ]
    assert export_log(db_path) == [(ledger.coordinator, "telegram", "cases", 1, 5)]
    overdue = replace(EVERYTHING, overdue_on=TODAY)
    await cases(store, overdue, fmt="csv", full=True)
    assert export_log(db_path)[1] == (None, "cli", "cases overdue_on=2026-11-20", 1, 1)


async def test_a_full_export_is_only_over_the_whole_ledger(store: Store, ledger: Ledger) -> None:
    mine = CaseFilter(Scope(everything=False, person_id=ledger.officer, unit_ids=(ledger.pcs,)))
    with pytest.raises(PermissionError):
        await cases(store, mine, full=True)


async def test_text_that_looks_like_a_formula_is_prefixed(store: Store, ledger: Ledger) -> None:
    ws, rows = sheet_rows(await cases(store))
    spot = rows[3]
    assert (spot["问题描述"], spot["地点"]) == ("'=1+1 楼道堆放杂物", "'@3栋楼道")
    assert spot["办理结果"] == "'+当场清理完毕"  # and the bell character, not XML, is dropped
    assert ws["F5"].data_type == "s"  # text, never a formula
    text = csv_rows(await cases(store, fmt="csv"))[3]
    assert (text["问题描述"], text["地点"]) == ("'=1+1 楼道堆放杂物", "'@3栋楼道")
    assert text["办理结果"] == "'+当场清理\x07完毕"
    _, visits = sheet_rows(await _visits(store))
    assert visits[0]["备注"] == "'-入户宣传"


@pytest.mark.parametrize(
    ("change", "numbers"),
    [
        ({"statuses": ("in_progress", "assigned")}, ["261111-001", "261119-001"]),
        ({"holder_unit_ids": "district"}, ["261111-001", "261119-001"]),
        ({"overdue_on": TODAY}, ["261111-001"]),
        ({"created_from": at(12, 0), "created_before": at(18, 0)}, ["261112-001", "261117-001"]),
        ({"scope": "officer"}, ["261110-001", "261111-001", "261117-001"]),
        ({"category": "legal", "kind": "lead"}, ["261119-001"]),
    ],
)
async def test_filters_are_honoured(
    store: Store, ledger: Ledger, change: dict[str, Any], numbers: list[str]
) -> None:
    async with store.transaction() as tx:
        subtree = await tx.ledger.subtree(ledger.district)
    if change.get("holder_unit_ids") == "district":
        change = {"holder_unit_ids": subtree}  # 花山区 and 湖东路派出所 under it
    if change.get("scope") == "officer":
        change = {"scope": Scope(False, ledger.officer, (ledger.pcs,))}
    _, rows = sheet_rows(await cases(store, replace(EVERYTHING, **change)))
    assert [row["编号"] for row in rows] == numbers


async def test_csv_has_a_bom_and_plain_dates(store: Store, ledger: Ledger) -> None:
    data = await cases(store, fmt="csv")
    assert data.startswith(b"\xef\xbb\xbf\xe7\xbc\x96\xe5\x8f\xb7,")  # BOM, then 编号
    rows = csv_rows(data)
    assert list(rows[1]) == HEADERS
    late = rows[1]
    assert (late["登记日期"], late["办理时限"], late["逾期天数"]) == (
        "2026-11-11 14:00",
        "2026-11-15",
        "5",
    )
    assert (late["状态"], late["是否逾期"], late["办结日期"]) == ("办理中", "是", "")
    assert data.count(b"\r\n") == 6  # Excel's line ends: the header and five cases


async def test_english_headers_and_labels(store: Store, ledger: Ledger) -> None:
    ws, rows = sheet_rows(await cases(store, language="en"))
    assert ws.title == "Case ledger"
    assert list(rows[1])[:5] == ["Number", "Logged", "Category", "Kind", "Urgency"]
    late = rows[1]
    assert (late["Status"], late["Overdue"], late["Days overdue"]) == ("In progress", "yes", 5)
    assert late["Kind"] == "Dispute"
    assert rows[2]["Satisfaction"] == "Satisfied"


async def _visits(store: Store, fmt: Format = "xlsx", **filters: Any) -> bytes:
    out = io.BytesIO()
    await export_visits(store, zone=ZONE, language="zh", out=out, fmt=fmt, **filters)
    return out.getvalue()


async def test_the_visit_ledger(store: Store, ledger: Ledger) -> None:
    ws, rows = sheet_rows(await _visits(store))
    assert ws.title == "走访台账"
    assert (ws.freeze_panes, ws.auto_filter.ref) == ("A2", "A1:O3")
    assert rows[0] == {
        "编号": 1,
        "走访日期": datetime(2026, 11, 18, 0, 0),
        "走访人": "王小明",
        "单位": "湖东路派出所",
        "走访对象": "住户",
        "地点": "珍珠园五村",
        "数量": 15,
        "覆盖人数": 40,
        "宣传资料": 20,
        "意见建议": 3,
        "纬度": 31.6886,
        "经度": 118.5083,
        "备注": "'-入户宣传",
        "照片数": 2,
        "登记时间": datetime(2026, 11, 18, 16, 5),
    }
    assert ws["B2"].number_format == "yyyy-mm-dd"
    assert (rows[1]["走访对象"], rows[1]["照片数"], rows[1]["纬度"]) == ("企业", 0, None)
    by_day = csv_rows(await _visits(store, "csv", first=date(2026, 11, 19)))
    assert [(row["编号"], row["走访日期"]) for row in by_day] == [("2", "2026-11-19")]
    _, by_unit = sheet_rows(await _visits(store, unit_ids=(ledger.pcs,), last=date(2026, 11, 18)))
    assert [row["走访人"] for row in by_unit] == ["王小明"]


async def test_an_empty_export_still_has_its_header(store: Store, ledger: Ledger) -> None:
    nothing = replace(EVERYTHING, statuses=("pending_verification",))
    ws, rows = sheet_rows(await cases(store, nothing))
    assert rows == []
    assert ws.auto_filter.ref == "A1:W1"
    assert csv_rows(await cases(store, nothing, fmt="csv")) == []


async def test_to_a_file_with_progress(store: Store, ledger: Ledger, tmp_path: Path) -> None:
    await add_many(store, ledger, 1195)
    seen: list[tuple[int, int]] = []
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "台账 2026.xlsx"
    count = await export_cases(
        store,
        EVERYTHING,
        zone=ZONE,
        language="zh",
        today=TODAY,
        full=False,
        out=out,
        fmt="xlsx",
        progress=lambda done, total: seen.append((done, total)),
    )
    assert count == 1200
    assert seen == [(500, 1200), (1000, 1200), (1200, 1200)]
    assert len(sheet_rows(out)[1]) == 1200
    assert await asyncio.to_thread(lambda: [p.name for p in folder.iterdir()]) == [out.name]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
async def test_a_failed_export_leaves_no_file(
    store: Store, ledger: Ledger, tmp_path: Path, fmt: Format
) -> None:
    def broken(done: int, total: int) -> None:
        raise RuntimeError("disk full")

    await add_many(store, ledger, 600)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / f"ledger.{fmt}"
    with pytest.raises(RuntimeError):
        await export_cases(
            store,
            EVERYTHING,
            zone=ZONE,
            language="zh",
            today=TODAY,
            full=False,
            out=out,
            fmt=fmt,
            progress=broken,
        )
    assert await asyncio.to_thread(lambda: list(folder.iterdir())) == []  # not even a part


async def test_an_export_runs_while_a_write_transaction_is_open(
    store: Store, ledger: Ledger
) -> None:
    await add_many(store, ledger, 2995)
    async with store.transaction() as tx:  # holds the store's lock and SQLite's write lock
        await tx.cases.add(new_case("late", ledger.officer, ledger.pcs, at(20, 9)))
        # The export needs neither: it finishes while the writer waits, and cannot see its case.
        data = await asyncio.wait_for(cases(store, fmt="csv"), timeout=30)
    assert len(csv_rows(data)) == 3000


async def test_writers_commit_while_the_reader_streams(
    store: Store, ledger: Ledger, db_path: Path
) -> None:
    await add_many(store, ledger, 2995)
    async with store.reading() as reader:
        total = await reader.count_cases(EVERYTHING)
        rows = reader.export_cases(EVERYTHING)
        first = await anext(rows)
        async with asyncio.timeout(5), store.transaction() as tx:
            await tx.cases.add(new_case("during", ledger.officer, ledger.pcs, at(20, 9)))
        # Another process writing, with no patience at all: the reader holds no lock against it.
        with closing(sqlite3.connect(db_path, timeout=0)) as db:
            db.execute("UPDATE cases SET place = '改了' WHERE id = 3000")
            db.commit()
        rest = [row async for row in rows]
    assert (total, 1 + len(rest)) == (3000, 3000)  # the snapshot: neither change shows
    assert first.number == "261110-001"
    assert rest[-1].place == "珍珠园五村"
    async with store.reading() as after:
        assert await after.count_cases(EVERYTHING) == 3001


def test_formats_and_file_names() -> None:
    assert [format_for(name) for name in ("a.xlsx", "B.CSV", "c.xls", "d")] == [
        "xlsx",
        "csv",
        None,
        None,
    ]
    assert file_name("cases", "zh", TODAY, "xlsx") == "整改台账-2026-11-20.xlsx"
    assert file_name("visits", "en", TODAY, "csv") == "Visit ledger-2026-11-20.csv"
