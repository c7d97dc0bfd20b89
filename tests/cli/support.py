"""Running `zoufang` in-process against a temporary database, for the command-line tests."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from domain.campaigns import BulletinKind
from storage import open_store
from storage.campaign_records import Binding

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NAME = "冬季大走访"


def example_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh database with the example units; the working directory has no .env."""
    monkeypatch.chdir(tmp_path)
    for name in ("TIMEZONE", "LANGUAGE", "CALENDAR_FILE"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "data" / "zoufang.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    assert main(["import-units", str(EXAMPLES / "units.csv")]) == 0
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(db)) as connection:
        return list(connection.execute(sql))


def write_csv(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


# campaigns ───────────────────────────────────────────────────────────────────


def create(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    return run(
        capsys,
        "campaign",
        "create",
        "--name",
        NAME,
        "--start",
        "2025-11-03",
        "--end",
        "2025-11-28",
        *extra,
    )


async def bind(db: Path, unit: str | None = None) -> None:
    store = await open_store(db)
    try:
        async with store.transaction() as tx:
            campaign = await tx.campaigns.by_name(NAME)
            assert campaign is not None
            scope = await tx.directory.unit_by_code(unit) if unit else None
            unit_id = scope.id if scope else None
            await tx.campaigns.bind(
                Binding(
                    "telegram",
                    "-100",
                    campaign.id,
                    unit_id,
                    (BulletinKind.DAILY, BulletinKind.WEEKLY),
                    "花山区群",
                    None,
                    datetime(2025, 11, 1, tzinfo=UTC),
                )
            )
    finally:
        await store.close()
