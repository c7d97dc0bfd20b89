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


class Render:
    """What turning rows into cells depends on: language, zone, today, and whether to mask."""

    __slots__ = ("_labels", "_t", "_yes_no", "full", "language", "today", "zone")

    def __init__(self, language: str, zone: tzinfo, today: date, full: bool = False) -> None:
        self._t = catalog(language)
        self.language = self._t.language
        self.zone = zone
        self.today = today
        self.full = full
        self._yes_no = (self._t("export.yes"), self._t("export.no"))
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
    key: str  # export.column.<key> in the catalogs
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
    Column("cases.number", 12, lambda c, r: c.number),
    Column("cases.logged", 17, lambda c, r: r.local(c.created_at)),
    Column("cases.category", 8, lambda c, r: r.label("category", c.category)),
    Column("cases.kind", 10, lambda c, r: r.label("issue_kind", c.kind)),
    Column("cases.urgency", 9, lambda c, r: r.label("urgency", c.urgency)),
    Column("cases.description", 50, lambda c, r: c.description),
    Column("cases.place", 24, lambda c, r: c.place),
    Column("cases.resident", 10, lambda c, r: r.name(c.resident_name)),
    Column("cases.phone", 14, lambda c, r: r.phone(c.resident_phone)),
    Column("cases.reported_by", 10, lambda c, r: c.reporter_name),
    Column("cases.reporter_s_unit", 18, lambda c, r: c.reporter_unit_name),
    Column("cases.responsible_unit", 18, lambda c, r: c.holder_unit_name),
    Column("cases.assigned", 17, lambda c, r: r.local(c.assigned_at)),
    Column("cases.deadline", 12, lambda c, r: c.deadline),
    Column("cases.status", 10, lambda c, r: r.label("case_status", c.status)),
    Column("cases.overdue", 9, lambda c, r: r.yes_no(_is_overdue(c, r))),
    Column("cases.days_overdue", 9, _days_overdue),
    Column("cases.latest_progress", 36, lambda c, r: c.progress_note),
    Column("cases.resolution", 36, lambda c, r: c.resolution),
    Column("cases.closed", 17, lambda c, r: r.local(c.closed_at)),
    Column("cases.follow_up_by", 9, lambda c, r: r.label("ledger.contact", c.contact_method)),
    Column("cases.follow_up", 30, lambda c, r: c.followup_response),
    Column("cases.satisfaction", 10, lambda c, r: r.label("ledger.satisfaction", c.satisfaction)),
)

VISIT_COLUMNS: tuple[Column[VisitExportRow], ...] = (
    Column("visits.id", 8, lambda v, r: v.id),
    Column("visits.date", 12, lambda v, r: v.visit_date),
    Column("visits.officer", 10, lambda v, r: v.officer_name),
    Column("visits.unit", 18, lambda v, r: v.unit_name),
    Column("visits.visited", 9, lambda v, r: r.label("target", v.target)),
    Column("visits.place", 24, lambda v, r: v.place),
    Column("visits.count", 7, lambda v, r: v.count),
    Column("visits.people", 9, lambda v, r: v.people),
    Column("visits.materials", 9, lambda v, r: v.materials),
    Column("visits.opinions", 9, lambda v, r: v.opinions),
    Column("visits.latitude", 11, lambda v, r: v.latitude),
    Column("visits.longitude", 11, lambda v, r: v.longitude),
    Column("visits.note", 30, lambda v, r: v.note),
    Column("visits.photos", 7, lambda v, r: v.photos),
    Column("visits.recorded", 17, lambda v, r: r.local(v.created_at)),
)


def headers(columns: Sequence[Column[R]], language: str) -> tuple[str, ...]:
    t = catalog(language)
    return tuple(t(f"export.column.{column.key}") for column in columns)


def widths(columns: Sequence[Column[R]]) -> tuple[float, ...]:
    return tuple(column.width for column in columns)


def cells(columns: Sequence[Column[R]], row: R, render: Render) -> list[Cell]:
    return [column.value(row, render) for column in columns]


def sheet_title(what: str, language: str) -> str:
    """The sheet's name, and the start of the file's: 整改台账, 走访台账."""
    return catalog(language)(f"export.title.{what}")
