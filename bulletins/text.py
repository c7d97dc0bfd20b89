"""Bulletins worded as the campaign office would, from their figures and the message catalog."""

from __future__ import annotations

from datetime import date, datetime

from bulletins.figures import Daily, Monthly, Row, Weekly
from domain.pace import Standing
from i18n.catalog import Catalog
from storage.spot_records import SpotCounts

__all__ = ["daily_text", "monthly_text", "spot_text", "weekly_text"]

# A group chat reads every unit up to this many; past it, the best and the worst few.
_ALL_ROWS = 20
_ENDS = 5
_RANKED = 3


def _pct(share: float) -> str:
    return f"{share:.0%}"


def _standing(t: Catalog, stands: Standing) -> str:
    if stands.completion is None or stands.pace is None:
        return t("bulletin.no_quota")
    return t(
        "bulletin.standing",
        completion=_pct(stands.completion),
        expected=_pct(stands.expected),
        pace=t(f"bulletin.pace.{stands.pace.value}"),
    )


def _late(t: Catalog, due: datetime | None) -> str:
    return t("bulletin.late", due=f"{due:%m-%d %H:%M}") if due else ""


def _day(day: date) -> str:
    return f"{day:%Y-%m-%d}"


def _shown_rows(rows: list[Row]) -> tuple[list[Row], int]:
    if len(rows) <= _ALL_ROWS:
        return rows, 0
    return rows[:_ENDS] + rows[-_ENDS:], len(rows) - 2 * _ENDS


def daily_text(t: Catalog, daily: Daily, late_due: datetime | None = None) -> str:
    total = daily.total
    lines = [
        t("bulletin.daily.title", campaign=daily.campaign.name, day=_day(daily.day))
        + _late(t, late_due),
        t(
            "bulletin.daily.visits",
            today=total.today,
            people_today=total.people_today,
            visited=total.visited,
            people=total.people,
        ),
        _standing(t, total.standing),
        t(
            "bulletin.daily.cases",
            new=total.new,
            on_spot=total.on_spot,
            resolved=total.resolved,
            overdue=total.overdue,
        ),
    ]
    ranked = daily.ranked or list(daily.rows)
    unranked = [row for row in daily.rows if row not in ranked]
    shown, hidden = _shown_rows(ranked + unranked)
    if shown:
        lines.append("")
        lines.append(t("bulletin.units") if not hidden else t("bulletin.units_ends", n=_ENDS))
        lines += [
            t(
                "bulletin.daily.row",
                n=i,
                unit=row.unit.name,
                today=row.today,
                visited=row.visited,
                standing=_standing(t, row.standing),
                new=row.new,
                overdue=row.overdue,
            )
            for i, row in enumerate(shown, 1)
        ]
        if hidden:
            lines.append(t("bulletin.hidden", n=hidden))
    # Leaders are named only when there is something to lead with, and not when everyone is.
    leaders = [r for r in daily.ranked[:_RANKED] if r.standing.completion]
    if len(daily.ranked) > 1 and leaders:
        best = t("bulletin.sep").join(
            t(
                "bulletin.daily.top_unit",
                unit=r.unit.name,
                completion=_pct(r.standing.completion or 0),
            )
            for r in leaders
        )
        lines.append(t("bulletin.daily.top", units=best))
    behind = daily.behind
    if behind:
        names = t("bulletin.sep").join(r.unit.name for r in behind[-_ALL_ROWS:])
        lines.append(t("bulletin.daily.behind", units=names, n=len(behind)))
    return "\n".join(lines)


def weekly_text(
    t: Catalog, weekly: Weekly, spot: str | None = None, late_due: datetime | None = None
) -> str:
    total = weekly.total
    daily = weekly.daily
    lines = [
        t(
            "bulletin.weekly.title",
            campaign=daily.campaign.name,
            first=_day(weekly.first),
            last=_day(weekly.last),
        )
        + _late(t, late_due),
        t(
            "bulletin.weekly.visits",
            visited=total.today,
            people=total.people_today,
            new=total.new,
            on_spot=total.on_spot,
            resolved=total.resolved,
        ),
        _standing(t, total.standing),
        t(
            "bulletin.weekly.ledger",
            open=total.open_cases,
            overdue=total.overdue,
            silent=total.silent,
        ),
    ]
    busy = [r for r in weekly.rows if r.open_cases or r.overdue or r.silent or r.today]
    shown, hidden = _shown_rows(sorted(busy, key=lambda r: (-r.overdue, -r.silent, r.unit.code)))
    if shown:
        lines.append("")
        lines.append(t("bulletin.units"))
        lines += [
            t(
                "bulletin.weekly.row",
                unit=row.unit.name,
                visited=row.today,
                open=row.open_cases,
                overdue=row.overdue,
                silent=row.silent,
            )
            for row in shown
        ]
        if hidden:
            lines.append(t("bulletin.hidden", n=hidden))
    if weekly.overdue_cases:
        lines.append("")
        lines.append(t("bulletin.weekly.overdue_header"))
        lines += [
            t(
                "bulletin.weekly.overdue_case",
                number=case.number,
                unit=weekly.unit_names.get(case.holder_unit_id, ""),
                category=t(f"category.{case.category}")
                if t.has(f"category.{case.category}")
                else case.category,
                deadline=f"{case.deadline:%m-%d}",
                days=(weekly.last - case.deadline).days + 1,
            )
            for case in weekly.overdue_cases
        ]
    behind = daily.behind
    if behind:
        lines.append("")
        lines.append(
            t(
                "bulletin.weekly.named",
                units=t("bulletin.sep").join(
                    t(
                        "bulletin.weekly.named_unit",
                        unit=r.unit.name,
                        completion=_pct(r.standing.completion or 0),
                        expected=_pct(r.standing.expected),
                    )
                    for r in behind
                ),
            )
        )
    if spot:
        lines.append("")
        lines.append(spot)
    return "\n".join(lines)


def spot_text(t: Catalog, counts: SpotCounts) -> str | None:
    """The week's spot checks (日抽查) in one line, or None if none were drawn."""
    if counts.drawn == 0:
        return None
    return t(
        "bulletin.weekly.spot",
        drawn=counts.drawn,
        verified=counts.verified,
        doubtful=counts.doubtful,
        returned=counts.returned,
        corrected=counts.corrected,
        pending=counts.pending,
    )


def _change(t: Catalog, now: int, before: int) -> str:
    if before == 0:
        return t("bulletin.monthly.no_before")
    change = (now - before) / before
    key = "bulletin.monthly.up" if change >= 0 else "bulletin.monthly.down"
    return t(key, pct=_pct(abs(change)))


def monthly_text(t: Catalog, monthly: Monthly, late_due: datetime | None = None) -> str:
    total, before = monthly.total, monthly.previous
    lines = [
        t(
            "bulletin.monthly.title",
            campaign=monthly.campaign.name,
            month=f"{monthly.first:%Y-%m}",
        )
        + _late(t, late_due),
        t(
            "bulletin.monthly.visits",
            visited=total.today,
            before=before.today,
            change=_change(t, total.today, before.today),
            people=total.people_today,
        ),
        t(
            "bulletin.monthly.cases",
            new=total.new,
            on_spot=total.on_spot,
            resolved=total.resolved,
            change=_change(t, total.new, before.new),
        ),
    ]
    if monthly.days:
        best = max(monthly.days, key=lambda d: (d.visited, d.day))
        days = (monthly.last - monthly.first).days + 1
        lines.append(
            t(
                "bulletin.monthly.days",
                average=round(total.today / days),
                best_day=f"{best.day:%m-%d}",
                best=best.visited,
            )
        )
    return "\n".join(lines)
