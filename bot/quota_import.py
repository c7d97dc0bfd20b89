"""A campaign's quotas (走访任务数) from CSV or Excel, every row checked before any is kept."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ValidationError, ValidationInfo, field_validator

from bot.imports import BadRows, RowProblem, table_records, validation_problems
from domain.campaigns import Quota
from domain.numerals import to_halfwidth
from domain.people import Unit
from domain.visits import TargetType
from i18n.catalog import Catalog

__all__ = ["MAX_QUOTA", "QUOTA_COLUMNS", "read_quotas"]

# Far above any unit's real task count; a bigger number is a typo (or a phone number pasted in).
MAX_QUOTA = 10_000_000

QUOTA_COLUMNS = {
    "unit": ("unit", "unit_code", "unitcode", "code", "单位", "单位代码", "代码"),
    "target": (
        "target",
        "target_type",
        "targettype",
        "type",
        "对象",
        "走访对象",
        "对象类型",
        "类型",
    ),
    "quota": ("quota", "count", "任务数", "走访任务数", "数量"),
}


class _QuotaRow(BaseModel):
    unit: str
    target: TargetType
    quota: int

    @field_validator("target", mode="before")
    @classmethod
    def _target(cls, value: str, info: ValidationInfo) -> TargetType:
        target = TargetType.from_word(value)
        if target is None:
            raise ValueError(_t(info)("import.quota.bad_target", value=value))
        return target

    @field_validator("quota", mode="before")
    @classmethod
    def _quota(cls, value: str, info: ValidationInfo) -> int:
        text = to_halfwidth(value).strip().replace(",", "")
        digits = text.removeprefix("-")
        if not digits.isdigit():
            raise ValueError(_t(info)("import.quota.not_number", value=value))
        if text.startswith("-"):
            raise ValueError(_t(info)("import.quota.negative", value=value))
        if int(digits) > MAX_QUOTA:
            raise ValueError(_t(info)("import.quota.too_big", value=value, most=MAX_QUOTA))
        return int(digits)


def _t(info: ValidationInfo) -> Catalog:
    assert info.context is not None, "validate with context={'t': catalog}"
    t: Catalog = info.context["t"]
    return t


def read_quotas(table: list[list[str]], units: Sequence[Unit], t: Catalog) -> list[Quota]:
    """The quotas of a table, each for a known unit (by code) and one row per unit and target.

    Raises BadRows with every problem found, so nothing of a bad file is ever kept.
    """
    by_code = {unit.code: unit for unit in units}
    problems: list[RowProblem] = []
    quotas: list[Quota] = []
    seen: dict[tuple[str, TargetType], int] = {}
    for number, record in table_records(table, QUOTA_COLUMNS, tuple(QUOTA_COLUMNS)):
        try:
            row = _QuotaRow.model_validate(record, context={"t": t})
        except ValidationError as error:
            problems += validation_problems(number, error)
            continue
        unit = by_code.get(row.unit)
        if unit is None:
            problems.append(RowProblem(number, t("import.quota.unknown_unit", unit=row.unit)))
            continue
        key = (row.unit, row.target)
        if key in seen:
            problems.append(
                RowProblem(
                    number,
                    t(
                        "import.quota.duplicate",
                        unit=row.unit,
                        target=t(f"target.{row.target.value}"),
                        first=seen[key],
                    ),
                )
            )
            continue
        seen[key] = number
        quotas.append(Quota(unit.id, row.target, row.quota))
    if problems:
        raise BadRows(problems)
    return quotas
