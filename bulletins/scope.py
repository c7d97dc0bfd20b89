"""Which units a bulletin lists, and how every unit's figures roll up into them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from domain.campaigns import Quota
from domain.people import Unit

__all__ = ["Scope", "scope_for"]


@dataclass(frozen=True, slots=True)
class Scope:
    """The bulletin's rows (units, in directory order) and, for every unit inside, its row."""

    rows: tuple[Unit, ...]
    row_of: dict[int, int]  # unit id → id of the row unit it counts toward
    quotas: dict[int, dict[str, int]]  # row unit id → target → quota
    unit_ids: tuple[int, ...]  # every unit inside the scope

    def roll_up(self, per_unit: Iterable[tuple[int, int]]) -> dict[int, int]:
        """Sum (unit id, number) pairs into the rows; units outside the scope are left out."""
        summed: dict[int, int] = defaultdict(int)
        for unit_id, number in per_unit:
            row = self.row_of.get(unit_id)
            if row is not None:
                summed[row] += number
        return summed


def scope_for(units: list[Unit], quotas: list[Quota], root_id: int | None) -> Scope:
    """Rows are the topmost units with a quota under `root_id` (None: everything); with no quota
    set anywhere there, the root's direct children, or the root alone if it has none."""
    children: dict[int | None, list[Unit]] = defaultdict(list)
    by_id = {unit.id: unit for unit in units}
    for unit in units:
        children[unit.parent_id].append(unit)
    tops = [by_id[root_id]] if root_id is not None and root_id in by_id else children[None]
    inside: list[Unit] = []
    stack = list(reversed(tops))
    while stack:
        unit = stack.pop()
        inside.append(unit)
        stack.extend(reversed(children[unit.id]))
    quota_of: dict[int, dict[str, int]] = defaultdict(dict)
    for quota in quotas:
        quota_of[quota.unit_id][quota.target.value] = quota.quota

    rows: list[Unit] = []
    row_of: dict[int, int] = {}

    def assign(unit: Unit, row: int | None) -> None:
        if row is None and unit.id in quota_of:
            rows.append(unit)
            row = unit.id
        if row is not None:
            row_of[unit.id] = row
        for child in children[unit.id]:
            assign(child, row)

    for top in tops:
        assign(top, None)
    if not rows:
        rows = [child for top in tops for child in children[top.id]] or list(tops)
        row_ids = {row.id for row in rows}
        found = ((unit.id, _nearest(unit, row_ids, by_id)) for unit in inside)
        row_of = {unit_id: row for unit_id, row in found if row is not None}
    return Scope(
        rows=tuple(rows),
        row_of=row_of,
        quotas={row.id: dict(quota_of.get(row.id, {})) for row in rows},
        unit_ids=tuple(unit.id for unit in inside),
    )


def _nearest(unit: Unit, row_ids: set[int], by_id: dict[int, Unit]) -> int | None:
    current: Unit | None = unit
    while current is not None:
        if current.id in row_ids:
            return current.id
        current = by_id.get(current.parent_id) if current.parent_id is not None else None
    return None
