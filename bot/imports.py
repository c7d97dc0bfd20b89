"""Reading unit and people lists from CSV or Excel files, checking every row before any is kept."""

from __future__ import annotations

import csv
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from pydantic import BaseModel, ValidationError, field_validator

from domain.people import Role
from domain.phone import normalize_phone
from i18n import LANGUAGES, catalog
from storage.records import NewPerson, NewUnit

__all__ = [
    "BadFile",
    "BadRows",
    "RowProblem",
    "column_field",
    "parse_role",
    "read_people",
    "read_table",
    "read_units",
    "table_records",
    "validation_problems",
]

_CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")
_MAX_UNIT_NAME = 60
_MAX_KIND = 20
_MAX_PERSON_NAME = 30  # as long as a name may be when joining in the chat
_MAX_EXTERNAL_ID = 32

_UNIT_COLUMNS = {
    "code": ("code", "代码", "编码", "单位代码"),
    "name": ("name", "名称", "单位名称"),
    "parent": ("parent", "parent_code", "上级", "上级代码", "上级单位代码"),
    "kind": ("kind", "类型", "单位类型"),
}
_PEOPLE_COLUMNS = {
    "name": ("name", "姓名"),
    "unit": ("unit", "unit_code", "单位", "单位代码"),
    "role": ("role", "角色"),
    "phone": ("phone", "电话", "手机", "联系电话"),
    "external_id": ("external_id", "工号", "编号", "警号"),
}


@dataclass(frozen=True, slots=True)
class RowProblem:
    """What is wrong with one row; rows are numbered as in a spreadsheet (the header is row 1)."""

    row: int
    message: str


class BadFile(Exception):
    """The file cannot be read as a table at all."""


class BadRows(Exception):
    """Some rows are wrong; nothing of the file may be kept."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def _cell(value: Any) -> str:
    # Excel keeps phones and employee numbers typed as numbers: 13805550001.0 → "13805550001".
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _csv_rows(path: Path) -> list[list[str]]:
    # Excel on Chinese Windows saves CSV in GB18030 unless told otherwise.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            with path.open(encoding=encoding, newline="") as file:
                return [[_cell(value) for value in row] for row in csv.reader(file)]
        except UnicodeDecodeError:
            continue
    raise BadFile(f"{path}: not UTF-8 or GB18030 text")


def _xlsx_rows(path: Path) -> list[list[str]]:
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise BadFile(f"{path}: not an Excel workbook ({exc})") from exc
    try:
        return [
            [_cell(value) for value in row]
            for row in book.worksheets[0].iter_rows(values_only=True)
        ]
    finally:
        book.close()


def read_table(path: Path) -> list[list[str]]:
    """The rows of a .csv or .xlsx file (the first sheet), header first, cells as stripped text."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise BadFile(f"{path}: only .csv and .xlsx files can be imported")
    if not path.is_file():
        raise BadFile(f"{path}: no such file")
    return _csv_rows(path) if suffix == ".csv" else _xlsx_rows(path)


def column_field(title: str, columns: Mapping[str, tuple[str, ...]]) -> str | None:
    """The field a column title names (spaces and case ignored), or None."""
    typed = title.replace(" ", "").casefold()
    return next(
        (field for field, aliases in columns.items() if typed in map(str.casefold, aliases)),
        None,
    )


def table_records(
    table: list[list[str]],
    columns: Mapping[str, tuple[str, ...]],
    required: Collection[str],
    header_row: int = 1,
) -> list[tuple[int, dict[str, str]]]:
    """(row number, {field: text}) for each non-blank row below the header (at `header_row`,
    counted from 1), the header's titles mapped to field names."""
    if len(table) < header_row:
        raise BadFile("the file is empty; a header row is required")
    header = [column_field(title, columns) for title in table[header_row - 1]]
    problems = [
        RowProblem(header_row, f"missing column {field} ({' / '.join(columns[field])})")
        for field in required
        if field not in header
    ]
    problems += [
        RowProblem(header_row, f"column {field} appears twice")
        for field in columns
        if header.count(field) > 1
    ]
    if problems:
        raise BadRows(problems)
    records = [
        (number, {field: value for field, value in zip(header, row, strict=False) if field})
        for number, row in enumerate(table[header_row:], start=header_row + 1)
        if any(row)
    ]
    if not records:
        raise BadFile("no rows below the header")
    return records


def validation_problems(number: int, error: ValidationError) -> list[RowProblem]:
    """One problem per failed check of a row validated by a pydantic model."""
    return [
        RowProblem(
            number, f"{'.'.join(map(str, e['loc']))}: {e['msg'].removeprefix('Value error, ')}"
        )
        for e in error.errors()
    ]


def parse_role(word: str) -> Role | None:
    """A role by its code (officer) or its name in either language (走访干警, Officer)."""
    typed = word.strip().casefold()
    for role in Role:
        names = {role.value, *(catalog(language)(f"role.{role.value}") for language in LANGUAGES)}
        if typed in {name.casefold() for name in names}:
            return role
    return None


# units ──────────────────────────────────────────────────────────────────────


class _UnitRow(BaseModel):
    code: str
    name: str
    parent: str = ""
    kind: str = ""

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not _CODE.fullmatch(value):
            raise ValueError("must be 1-32 letters, digits, _ or -")
        return value

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not 1 <= len(value) <= _MAX_UNIT_NAME:
            raise ValueError(f"must be 1-{_MAX_UNIT_NAME} characters")
        return value

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if len(value) > _MAX_KIND:
            raise ValueError(f"must be at most {_MAX_KIND} characters")
        return value


def _cycles(
    rows: dict[str, tuple[int, str]], parents: Mapping[str, str | None]
) -> list[RowProblem]:
    """One problem per cycle of parents, named at the first of its rows in the file."""
    problems: list[RowProblem] = []
    reported: set[str] = set()
    for code, (number, _) in rows.items():
        path, current = [code], parents.get(code)
        while current is not None and current not in path and current not in reported:
            path.append(current)
            current = parents.get(current)
        if current == code:
            reported.update(path)
            problems.append(RowProblem(number, f"parent cycle: {' → '.join([*path, code])}"))
    return problems


def read_units(table: list[list[str]], existing: Mapping[str, str | None]) -> list[NewUnit]:
    """The units of a table, checked against each other and `existing` (code → parent code)."""
    problems: list[RowProblem] = []
    units: list[NewUnit] = []
    seen: dict[str, tuple[int, str]] = {}
    records = table_records(table, _UNIT_COLUMNS, ("code", "name"))
    for number, record in records:
        try:
            row = _UnitRow.model_validate(record)
        except ValidationError as error:
            problems += validation_problems(number, error)
            continue
        if row.code in seen:
            problems.append(
                RowProblem(number, f"code {row.code} already on row {seen[row.code][0]}")
            )
            continue
        seen[row.code] = (number, row.parent)
        units.append(NewUnit(row.code, row.name, row.parent or None, row.kind or "other"))
    for number, parent in seen.values():
        if parent and parent not in seen and parent not in existing:
            problems.append(RowProblem(number, f"parent {parent} is neither in the file nor known"))
    parents = {**existing, **{code: parent or None for code, (_, parent) in seen.items()}}
    problems += _cycles(seen, parents)
    if problems:
        raise BadRows(sorted(problems, key=lambda p: p.row))
    return units


# people ─────────────────────────────────────────────────────────────────────


class _PersonRow(BaseModel):
    name: str
    unit: str
    role: Role
    phone: str | None = None
    external_id: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not 1 <= len(value) <= _MAX_PERSON_NAME:
            raise ValueError(f"must be 1-{_MAX_PERSON_NAME} characters")
        return value

    @field_validator("role", mode="before")
    @classmethod
    def _role(cls, value: str) -> Role:
        role = parse_role(value)
        if role is None:
            raise ValueError(
                "must be officer/unit_lead/coordinator/admin or 走访干警/单位负责人/活动办/管理员"
            )
        return role

    @field_validator("phone", mode="before")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if not value:
            return None
        phone = normalize_phone(value)
        if phone is None:
            raise ValueError(f"{value} is not a mainland mobile or a landline with area code")
        return phone

    @field_validator("external_id", mode="before")
    @classmethod
    def _external_id(cls, value: str | None) -> str | None:
        if not value:
            return None
        if len(value) > _MAX_EXTERNAL_ID or any(ch.isspace() for ch in value):
            raise ValueError(f"must be at most {_MAX_EXTERNAL_ID} characters without spaces")
        return value


def read_people(table: list[list[str]], units: Collection[str]) -> list[NewPerson]:
    """The people of a table, each in one of `units` (codes) and with a distinct external id."""
    problems: list[RowProblem] = []
    people: list[NewPerson] = []
    seen: dict[str, int] = {}
    for number, record in table_records(table, _PEOPLE_COLUMNS, ("name", "unit", "role")):
        try:
            row = _PersonRow.model_validate(record)
        except ValidationError as error:
            problems += validation_problems(number, error)
            continue
        if row.unit not in units:
            problems.append(RowProblem(number, f"unit {row.unit} is not known; import units first"))
        if row.external_id is not None:
            if row.external_id in seen:
                first = seen[row.external_id]
                problems.append(
                    RowProblem(number, f"external_id {row.external_id} already on row {first}")
                )
            seen.setdefault(row.external_id, number)
        people.append(NewPerson(row.name, row.unit, row.role, row.phone, row.external_id))
    if problems:
        raise BadRows(problems)
    return people
