"""`zoufang export`: run in-process against a seeded database in a temporary directory."""

from __future__ import annotations

import asyncio
import io
import re
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.export_command import ProgressLines
from domain.clock import SystemClock
from tests.exports.conftest import csv_rows, seed_file, sheet_rows

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The seeded ledger; the working directory is the temp dir so no .env is read."""
    monkeypatch.chdir(tmp_path)
    for name in ("TELEGRAM_BOT_USERNAME", "TIMEZONE", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "data" / "zoufang.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setattr(SystemClock, "now", lambda self: NOW)
    asyncio.run(seed_file(path))
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def export_log(db: Path) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(db)) as connection:
        return list(
            connection.execute("SELECT person_id, via, what, full_data, row_count FROM export_log")
        )


def test_export_cases_to_xlsx(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "export", "cases", "--out", "台账.xlsx")
    assert (code, out) == (0, "")
    assert re.fullmatch(r"exported 5 cases to 台账\.xlsx in \d+\.\d s\n", err)
    _, rows = sheet_rows(Path("台账.xlsx"))
    assert [row["联系电话"] for row in rows[:2]] == ["138****5678", "139****4321"]
    assert rows[1]["是否逾期"] == "是"
    assert export_log(db) == []


def test_filters_as_flags(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def numbers(*flags: str) -> list[str]:
        code, _, err = run(capsys, "export", "cases", "--out", "x.csv", *flags)
        assert code == 0, err
        return [row["编号"] for row in csv_rows(Path("x.csv").read_bytes())]

    assert numbers("--status", "办理中,assigned") == ["261111-001", "261119-001"]
    assert numbers("--status", "in_progress", "--status", "已办结") == ["261111-001", "261112-001"]
    assert numbers("--unit", "MAS-HS") == ["261111-001", "261119-001"]
    assert numbers("--overdue") == ["261111-001"]
    assert numbers("--from", "11-12", "--to", "2026-11-17") == ["261112-001", "261117-001"]


def test_a_full_export_is_logged(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "export", "cases", "--out", "full.csv", "--full", "--overdue")
    assert code == 0
    assert err.startswith("full export: residents' names and phones are NOT masked\n")
    assert csv_rows(Path("full.csv").read_bytes())[0]["联系电话"] == "13987654321"
    assert export_log(db) == [(None, "cli", "cases overdue_on=2026-11-20", 1, 1)]


def test_export_visits_in_english(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ("export", "visits", "--out", "v.xlsx", "--unit", "MAS-SFJ", "--language", "en")
    code, _, err = run(capsys, *argv)
    assert code == 0
    assert err.startswith("exported 1 visits to v.xlsx")
    ws, rows = sheet_rows(Path("v.xlsx"))
    assert ws.title == "Visit ledger"
    assert [(row["Officer"], row["Visited"]) for row in rows] == [("刘科长", "Enterprises")]


@pytest.mark.parametrize("name", ["ledger.xls", "ledger", "ledger.pdf"])
def test_the_extension_names_the_format(
    db: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["export", "cases", "--out", name])
    assert exit_.value.code == 2
    assert "the file must end in .xlsx or .csv" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["visits", "--out", "v.csv", "--full"], "--status, --overdue and --full are for cases"),
        (["cases", "--out", "x.csv", "--unit", "NOPE"], "no unit NOPE"),
        (["cases", "--out", "x.csv", "--from", "11-20", "--to", "11-01"], "is after --to"),
        (["cases", "--out", "x.csv", "--from", "someday"], "dates are read like"),
        (["cases", "--out", "missing/x.csv"], "no directory missing"),
    ],
)
def test_mistakes_are_one_line_and_exit_1(
    db: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = run(capsys, "export", *argv)
    assert code == 1
    assert err.startswith("error: ")
    assert message in err
    assert err.count("\n") == 1
    assert not Path("x.csv").exists()


def test_an_unknown_status_is_a_usage_error(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["export", "cases", "--out", "x.csv", "--status", "lost"])
    assert "'lost' is no status" in capsys.readouterr().err


def test_progress_lines_on_a_larger_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'big.db'}")
    asyncio.run(seed_file(tmp_path / "big.db", many=1995))
    code, _, err = run(capsys, "export", "cases", "--out", "big.xlsx")
    assert code == 0
    lines = err.splitlines()
    assert lines[:3] == [
        "  500/2,000 cases (25%)",
        "  1,000/2,000 cases (50%)",
        "  1,500/2,000 cases (75%)",
    ]
    assert re.fullmatch(r"exported 2,000 cases to big\.xlsx in \d+\.\d s", lines[3])
    assert len(lines) == 4


def test_progress_every_5_percent_or_10000_rows() -> None:
    stream = io.StringIO()
    ticks = iter([0.0, 12.25])
    lines = ProgressLines("cases", stream, now=lambda: next(ticks))
    for done in range(500, 100_001, 500):
        lines(done, 100_000)
    lines(100_000, 100_000)  # the writer's last word
    lines.finished(100_000, Path("out.xlsx"))
    printed = stream.getvalue().splitlines()
    assert printed[0] == "  5,000/100,000 cases (5%)"
    assert printed[-2] == "  95,000/100,000 cases (95%)"
    assert printed[-1] == "exported 100,000 cases to out.xlsx in 12.2 s"
    assert len(printed) == 20

    huge = io.StringIO()
    lines = ProgressLines("cases", huge)
    for done in range(500, 1_000_001, 500):
        lines(done, 1_000_000)
    assert huge.getvalue().splitlines()[:2] == [
        "  10,000/1,000,000 cases (1%)",
        "  20,000/1,000,000 cases (2%)",
    ]


def test_export_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["export", "--help"])
    assert exit_.value.code == 0
    assert "--out FILE" in capsys.readouterr().out
