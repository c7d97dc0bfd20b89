"""`/export` in the chat: the ledger as an Excel file, masked unless the office asks for it all."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from storage import Store
from tests.handlers.test_ledger import _log_dispute
from tests.transcript import Chat


def _sheet(chat: Chat) -> list[tuple[object, ...]]:
    (reply,) = chat.last
    assert reply.document is not None
    book = load_workbook(io.BytesIO(reply.document.content), read_only=True)
    return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]


async def test_the_office_downloads_the_ledger_masked_and_in_full(
    officer: Chat, coordinator: Chat, store: Store
) -> None:
    await _log_dispute(officer)
    assert await coordinator.say("/export") == [
        "📎 整改台账-2026-11-25.xlsx：共 1 条（反映人信息已脱敏）。"
    ]
    assert coordinator.last[0].document is not None
    assert coordinator.last[0].document.filename == "整改台账-2026-11-25.xlsx"
    header, row = _sheet(coordinator)
    cells = dict(zip(header, row, strict=False))  # a read-only sheet drops trailing blanks
    assert (cells["编号"], cells["状态"], cells["反映人"], cells["联系电话"]) == (
        "261125-001",
        "待交办",
        "张**",
        "138****5678",
    )
    assert await coordinator.say("/export 全量") == [
        "📎 整改台账-2026-11-25.xlsx：共 1 条，含完整反映人信息，已记录导出。请妥善保管。"
    ]
    header, row = _sheet(coordinator)
    cells = dict(zip(header, row, strict=False))  # a read-only sheet drops trailing blanks
    assert (cells["反映人"], cells["联系电话"]) == ("张三丰", "13812345678")


async def test_an_officer_gets_their_own_and_never_the_full_ledger(
    officer: Chat, coordinator: Chat
) -> None:
    await _log_dispute(officer)
    assert (await officer.say("/export 全量"))[0].startswith("完整导出（含反映人信息）仅限活动办。")
    assert (await officer.say("/export 逾期")) == ["没有符合条件的记录，未生成文件。"]
    await officer.say("/export")
    assert len(_sheet(officer)) == 2


async def test_the_visit_ledger(officer: Chat, coordinator: Chat) -> None:
    await officer.say("/visit 住户 15户 40人 珍珠园五村")
    await officer.press("✅ 确认")
    assert await coordinator.say("/export 走访 11-20..11-25") == [
        "📎 走访台账-2026-11-25.xlsx：共 1 条。"
    ]
    assert "珍珠园五村" in _sheet(coordinator)[1]
