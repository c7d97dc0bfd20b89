"""How times and dates are written to SQLite: UTC ISO-8601 text."""

from __future__ import annotations

from datetime import UTC, date, datetime

__all__ = ["day_text", "text_day", "text_time", "time_text"]


def time_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: times are stored in UTC and must say so")
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def text_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def day_text(day: date) -> str:
    return day.isoformat()


def text_day(text: str) -> date:
    return date.fromisoformat(text)
