"""The columns of the exported ledgers: headers in zh or en, and how a row becomes cells."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Generic, TypeVar

from domain.case_flow import Status, overdue
from domain.phone import mask_name, mask_phone
from exports.cells import Cell
from i18n import catalog
from storage.ledger_records import CaseExportRow, VisitExportRow

__all__ = [
    "CASE_COLUMNS",
    "VISIT_COLUMNS",
    "Column",
    "Render",
    "cells",
    "headers",
    "sheet_title",
    "widths",
]

R = TypeVar("R")

_STATUSES = {status.value: status for status in Status}
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_YES_NO = {"zh": ("是", "否"), "en": ("yes", "no")}
_TITLES = {
    "cases": {"zh": "整改台账", "en": "Case ledger"},
    "visits": {"zh": "走访台账", "en": "Visit ledger"},
}


class Render:
    """What turning rows into cells depends on: language, zone, today, and whether to mask."""

    __slots__ = ("_labels", "_t", "_yes_no", "full", "language", "today", "zone")

    def __init__(self, language: str, zone: tzinfo, today: date, full: bool = False) -> None:
        self._t = catalog(language)
        self.language = self._t.language
        self.zone = zone
        self.today = today
        self.full = full
        self._yes_no = _YES_NO[self.language]
        self._labels: dict[str, dict[str, str]] = {}

    def label(self, group: str, value: str | None) -> str | None:
        """The value's label in the catalog; a value it does not know is shown as stored."""
        if value is None:
            return None
        # Looked up once per value: an export asks the same few labels a hundred thousand times.
        labels = self._labels.setdefault(group, {})
        found = labels.get(value)
        if found is None:
            key = f"{group}.{value}"
            found = labels[value] = self._t(key) if self._t.has(key) else value
        return found

    def local(self, moment: datetime | None) -> datetime | None:
        """The moment on the campaign's wall clock, without a zone (spreadsheets have none)."""
        return moment.astimezone(self.zone).replace(tzinfo=None) if moment else None

    def yes_no(self, flag: bool) -> str:
        return self._yes_no[0] if flag else self._yes_no[1]

    def name(self, name: str | None) -> str | None:
        """A resident's name: whole in a full export, else only the surname (张*)."""
        return name if self.full or not name else mask_name(name)

    def phone(self, phone: str | None) -> str | None:
        """A resident's phone: whole in a full export, else 138****5678."""
        if self.full or not phone:
            return phone
        # Stored mobiles are normalised already; mask_phone would parse each one again,
        # which costs seconds over a 100,000-case ledger, for the same result.
        if _MOBILE.fullmatch(phone):
            return f"{phone[:3]}****{phone[-4:]}"
        return mask_phone(phone)


@dataclass(frozen=True, slots=True)
class Column(Generic[R]):
    zh: str
    en: str
    width: float  # in characters; a CJK character takes about two
    value: Callable[[R, Render], Cell]


def _is_overdue(row: CaseExportRow, r: Render) -> bool:
    status = _STATUSES.get(row.status)
    # A status this version does not know is not ours to call overdue.
    return status is not None and overdue(status, row.deadline, r.today)


def _days_overdue(row: CaseExportRow, r: Render) -> int | None:
    if row.deadline is None or not _is_overdue(row, r):
        return None
    return (r.today - row.deadline).days


CASE_COLUMNS: tuple[Column[CaseExportRow], ...] = (
    Column("编号", "Number", 12, lambda c, r: c.number),
    Column("登记日期", "Logged", 17, lambda c, r: r.local(c.created_at)),
    Column("类别", "Category", 8, lambda c, r: r.label("category", c.category)),
    Column("类型", "Kind", 10, lambda c, r: r.label("issue_kind", c.kind)),
    Column("紧急程度", "Urgency", 9, lambda c, r: r.label("urgency", c.urgency)),
    Column("问题描述", "Description", 50, lambda c, r: c.description),
    Column("地点", "Place", 24, lambda c, r: c.place),
    Column("反映人", "Resident", 10, lambda c, r: r.name(c.resident_name)),
    Column("联系电话", "Phone", 14, lambda c, r: r.phone(c.resident_phone)),
    Column("上报人", "Reported by", 10, lambda c, r: c.reporter_name),
    Column("上报单位", "Reporter's unit", 18, lambda c, r: c.reporter_unit_name),
    Column("责任单位", "Responsible unit", 18, lambda c, r: c.holder_unit_name),
    Column("交办日期", "Assigned", 17, lambda c, r: r.local(c.assigned_at)),
    Column("办理时限", "Deadline", 12, lambda c, r: c.deadline),
    Column("状态", "Status", 10, lambda c, r: r.label("case_status", c.status)),
    Column("是否逾期", "Overdue", 9, lambda c, r: r.yes_no(_is_overdue(c, r))),
    Column("逾期天数", "Days overdue", 9, _days_overdue),
    Column("办理进展", "Latest progress", 36, lambda c, r: c.progress_note),
    Column("办理结果", "Resolution", 36, lambda c, r: c.resolution),
    Column("办结日期", "Closed", 17, lambda c, r: r.local(c.closed_at)),
    Column("回访方式", "Follow-up by", 9, lambda c, r: r.label("ledger.contact", c.contact_method)),
    Column("回访结果", "Follow-up", 30, lambda c, r: c.followup_response),
    Column(
        "满意度", "Satisfaction", 10, lambda c, r: r.label("ledger.satisfaction", c.satisfaction)
    ),
)

VISIT_COLUMNS: tuple[Column[VisitExportRow], ...] = (
    Column("编号", "ID", 8, lambda v, r: v.id),
    Column("走访日期", "Date", 12, lambda v, r: v.visit_date),
    Column("走访人", "Officer", 10, lambda v, r: v.officer_name),
    Column("单位", "Unit", 18, lambda v, r: v.unit_name),
    Column("走访对象", "Visited", 9, lambda v, r: r.label("target", v.target)),
    Column("地点", "Place", 24, lambda v, r: v.place),
    Column("数量", "Count", 7, lambda v, r: v.count),
    Column("覆盖人数", "People", 9, lambda v, r: v.people),
    Column("宣传资料", "Materials", 9, lambda v, r: v.materials),
    Column("意见建议", "Opinions", 9, lambda v, r: v.opinions),
    Column("纬度", "Latitude", 11, lambda v, r: v.latitude),
    Column("经度", "Longitude", 11, lambda v, r: v.longitude),
    Column("备注", "Note", 30, lambda v, r: v.note),
    Column("照片数", "Photos", 7, lambda v, r: v.photos),
    Column("登记时间", "Recorded", 17, lambda v, r: r.local(v.created_at)),
)


def headers(columns: Sequence[Column[R]], language: str) -> tuple[str, ...]:
    return tuple(column.en if language == "en" else column.zh for column in columns)


def widths(columns: Sequence[Column[R]]) -> tuple[float, ...]:
    return tuple(column.width for column in columns)


def cells(columns: Sequence[Column[R]], row: R, render: Render) -> list[Cell]:
    return [column.value(row, render) for column in columns]


def sheet_title(what: str, language: str) -> str:
    """The sheet's name, and the start of the file's: 整改台账, 走访台账."""
    return _TITLES[what]["en" if language == "en" else "zh"]
