"""The `zoufang` command line, run in-process against a database in a temporary directory."""

from __future__ import annotations

import asyncio
import io
import re
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bot.cli import main
from domain.clock import SystemClock
from handlers.messages import Actor, Command, Incoming, Pressed, Reply
from storage import open_store
from storage.sqlite.migrate import migrations
from tests.conftest import make_core

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TABLES = ("units", "people", "invites", "identities", "visits", "cases")


class Links:
    def invite_link(self, platform: str, code: str) -> str | None:
        return None


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh database path; the working directory is the temp dir so no .env is read."""
    monkeypatch.chdir(tmp_path)
    for name in ("TELEGRAM_BOT_USERNAME", "TIMEZONE", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "data" / "zoufang.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(db)) as connection:
        return list(connection.execute(sql))


def counts(db: Path) -> dict[str, int]:
    return {table: query(db, f"SELECT count(*) FROM {table}")[0][0] for table in TABLES}


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


COMMANDS = "init import-units import-people import-wecom invite revoke members demo console run"


@pytest.mark.parametrize("command", ["", *COMMANDS.split()])
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*command.split(), "--help"])
    assert exit_.value.code == 0
    assert "usage: zoufang" in capsys.readouterr().out


def test_no_command_prints_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: zoufang" in capsys.readouterr().err


def test_bad_setting_is_one_line_and_exit_2(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIMEZONE", "Mars/Olympus")
    code, _, err = run(capsys, "members")
    assert code == 2
    assert err.startswith("TIMEZONE: ")
    assert err.count("\n") == 1
    assert not db.exists()


def test_init_creates_the_database(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "init")
    assert code == 0
    assert out.splitlines() == [f"database: {db}", f"schema version: {migrations()[-1][0]}"]
    assert query(db, "PRAGMA user_version") == [(migrations()[-1][0],)]
    assert run(capsys, "init")[0] == 0


def test_import_units_builds_the_tree(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "import-units", str(EXAMPLES / "units.csv"))
    assert (code, err) == (0, "")
    assert out == "imported 15 units: 15 new, 0 updated\n"
    parents = query(
        db,
        """SELECT u.code, u.name, u.kind, p.code FROM units u LEFT JOIN units p ON p.id = u.parent_id
           WHERE u.code IN ('MAS', 'MAS-HS-HDL-PCS')""",
    )
    assert sorted(parents) == [
        ("MAS", "马鞍山市", "city", None),
        ("MAS-HS-HDL-PCS", "湖东路派出所", "police", "MAS-HS-HDL"),
    ]
    again = run(capsys, "import-units", str(EXAMPLES / "units.csv"))
    assert again[:2] == (0, "imported 15 units: 0 new, 15 updated\n")


def test_units_may_hang_under_units_already_known(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "import-units", str(EXAMPLES / "units.csv"))
    extra = write_csv(tmp_path / "more.csv", "code,name,parent,kind\nMAS-YS-X,向山镇,MAS-YS,\n")
    assert run(capsys, "import-units", str(extra))[:2] == (
        0,
        "imported 1 units: 1 new, 0 updated\n",
    )
    assert query(db, "SELECT kind FROM units WHERE code = 'MAS-YS-X'") == [("other",)]


def test_bad_units_file_imports_nothing_and_names_every_row(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write_csv(
        tmp_path / "units.csv",
        "编码,名称,上级,类型\n"
        "MAS,马鞍山市,,city\n"  # 2: fine
        "MAS HS,花山区,MAS,county\n"  # 3: a space in the code
        "MAS,马鞍山,,city\n"  # 4: the same code again
        "MAS-YS,雨山区,MAS-XX,county\n"  # 5: unknown parent
        "A,甲,B,\n"  # 6: A → B → A
        "B,乙,A,\n"  # 7
        f"MAS-FY,{'法' * 61},MAS,court\n",  # 8: name too long
    )
    code, out, err = run(capsys, "import-units", str(bad))
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        "row 3: code: must be 1-32 letters, digits, _ or -",
        "row 4: code MAS already on row 2",
        "row 5: parent MAS-XX is neither in the file nor known",
        "row 6: parent cycle: A → B → A",
        "row 8: name: must be 1-60 characters",
        "nothing imported: 5 problem(s)",
    ]
    assert counts(db)["units"] == 0


def test_a_file_without_the_needed_columns_is_refused(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write_csv(tmp_path / "units.csv", "代码,单位\nMAS,马鞍山市\n")
    code, _, err = run(capsys, "import-units", str(bad))
    assert code == 1
    assert err.splitlines()[0] == "row 1: missing column name (name / 名称 / 单位名称)"
    assert run(capsys, "import-units", str(tmp_path / "units.txt"))[0] == 1
    assert run(capsys, "import-units", str(tmp_path / "missing.csv"))[0] == 1


def test_import_people_from_csv_and_xlsx(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "import-units", str(EXAMPLES / "units.csv"))
    code, out, err = run(capsys, "import-people", str(EXAMPLES / "people.csv"))
    assert (code, out, err) == (0, "imported 6 people: 6 new, 0 updated by external_id\n", "")
    code, out, err = run(capsys, "import-people", str(EXAMPLES / "people.xlsx"))
    assert (code, out, err) == (0, "imported 5 people: 5 new, 0 updated by external_id\n", "")
    people = query(
        db,
        """SELECT p.name, u.code, p.role, p.phone FROM people p JOIN units u ON u.id = p.unit_id
           WHERE p.external_id IN ('MAS-0003', 'MAS-0011', 'MAS-0014', 'MAS-0015')
           ORDER BY p.external_id""",
    )
    assert people == [
        ("陈建国", "MAS-HS-HDL-PCS", "unit_lead", "0555-2345678"),
        ("周涛", "MAS-HS-JS-PCS", "officer", "13805550011"),
        ("钱静", "MAS-YS-SFJ", "officer", None),
        ("冯磊", "MAS-SFJ", "admin", "18055501234"),
    ]
    again = run(capsys, "import-people", str(EXAMPLES / "people.csv"))
    assert again[:2] == (0, "imported 6 people: 0 new, 6 updated by external_id\n")
    assert counts(db)["people"] == 11


def test_a_csv_saved_by_chinese_excel_is_read(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "import-units", str(EXAMPLES / "units.csv"))
    gbk = tmp_path / "people.csv"
    gbk.write_text("姓名,单位代码,角色\n张三,MAS,活动办\n", encoding="gb18030")
    assert run(capsys, "import-people", str(gbk))[:2] == (
        0,
        "imported 1 people: 1 new, 0 updated by external_id\n",
    )
    assert query(db, "SELECT name, role FROM people") == [("张三", "coordinator")]


def test_bad_people_rows_import_nothing(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "import-units", str(EXAMPLES / "units.csv"))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name", "unit", "role", "phone", "external_id"])
    sheet.append(["王五", "MAS-HS", "Officer", "+86 138 0555 0009", "E-1"])  # fine
    sheet.append(["赵六", "NOWHERE", "officer", None, "E-2"])
    sheet.append(["钱七", "MAS-HS", "boss", None, "E-3"])
    sheet.append(["孙八", "MAS-HS", "officer", 12345, "E-4"])
    sheet.append(["李九", "MAS-HS", "officer", None, "E-1"])
    sheet.append([None, None, None, None, None])  # blank rows are skipped
    book.save(tmp_path / "people.xlsx")
    code, _, err = run(capsys, "import-people", str(tmp_path / "people.xlsx"))
    assert code == 1
    assert err.splitlines() == [
        "row 3: unit NOWHERE is not known; import units first",
        "row 4: role: must be officer/unit_lead/coordinator/admin or 走访干警/单位负责人/活动办/管理员",
        "row 5: phone: 12345 is not a mainland mobile or a landline with area code",
        "row 6: external_id E-1 already on row 2",
        "nothing imported: 4 problem(s)",
    ]
    assert counts(db)["people"] == 0


def invite_code(out: str) -> str:
    found = re.search(r"^invite code: ([A-Z0-9]+)$", out, re.MULTILINE)
    assert found, out
    return found.group(1)


async def join(db: Path, code: str, user_id: str, name: str) -> list[Reply]:
    """Join with an invite the way a person does in the chat: /start CODE, then the name button."""
    store = await open_store(db)
    try:
        core = make_core(store, SystemClock(), db.parent)
        actor = Actor("telegram", user_id, user_id, name, "zh")
        asked = await core.handle(Incoming(actor, Command("start", code)))
        suggested = asked[-1].choices[0][0]
        return await core.handle(Incoming(actor, Pressed(suggested.data)))
    finally:
        await store.close()


def test_invite_join_members_revoke(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, "import-units", str(EXAMPLES / "units.csv"))
    code, out, err = run(
        capsys,
        "invite",
        "--unit",
        "MAS-HS-HDL-PCS",
        "--role",
        "走访干警",
        "--uses",
        "5",
        "--days",
        "7",
    )
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[1:4] == [
        "  unit:    湖东路派出所 (MAS-HS-HDL-PCS)",
        "  role:    officer",
        "  uses:    5",
    ]
    assert (
        lines[5]
        == "set TELEGRAM_BOT_USERNAME to print the link; officers can also send /start CODE"
    )
    invite = invite_code(out)
    assert query(db, "SELECT max_uses, expires_at IS NOT NULL FROM invites") == [(5, 1)]

    joined = asyncio.run(join(db, invite, "101", "周警官"))
    assert "加入成功" in joined[0].text

    code, out, _ = run(capsys, "members")
    header, member = out.splitlines()
    assert header.split() == ["unit", "name", "role", "platform", "joined", "status"]
    assert member.split()[:4] == ["MAS-HS-HDL-PCS", "周警官", "officer", "telegram"]
    assert member.split()[-1] == "active"
    assert member.index("周警官") == header.index("name")  # aligned despite wide characters

    code, out, _ = run(capsys, "revoke", invite.lower())
    assert code == 0
    assert out.splitlines()[0] == f"invite {invite} (湖东路派出所, officer, used 1x)"
    assert out.splitlines()[-1] == "people who joined with it can no longer use the bot"
    assert run(capsys, "members")[1].splitlines()[1].split()[-1] == "revoked"
    assert run(capsys, "revoke", invite)[0] == 0  # revoking twice is harmless

    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "zoufang_bot")
    out = run(capsys, "invite", "--unit", "MAS", "--role", "coordinator")[1]
    assert out.splitlines()[-1] == f"link: https://t.me/zoufang_bot?start={invite_code(out)}"


def test_invite_for_a_person(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "import-units", str(EXAMPLES / "units.csv"))
    run(capsys, "import-people", str(EXAMPLES / "people.csv"))
    code, out, _ = run(capsys, "invite", "--person", "MAS-0002")
    assert code == 0
    assert "  for:     刘芳 (MAS-0002)" in out.splitlines()
    assert "  uses:    1" in out.splitlines()
    assert asyncio.run(join(db, invite_code(out), "102", "芳"))[0].text.startswith("加入成功！刘芳")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--unit", "NOPE", "--role", "officer"], "error: no unit NOPE"),
        (["--role", "officer"], "error: --unit is required without --person"),
        (["--unit", "MAS"], "error: --role is required without --person"),
        (["--person", "NOBODY"], "error: no person with external_id NOBODY"),
        (
            ["--person", "MAS-0002", "--role", "admin"],
            "error: 刘芳 is officer of 湖东路派出所; the invite must match",
        ),
    ],
)
def test_invite_refuses_what_it_cannot_do(
    argv: list[str], message: str, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "import-units", str(EXAMPLES / "units.csv"))
    run(capsys, "import-people", str(EXAMPLES / "people.csv"))
    assert run(capsys, "invite", *argv) == (1, "", message + "\n")
    assert counts(db)["invites"] == 0


def test_revoke_unknown_code(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "revoke", "NOSUCH99") == (1, "", "error: no invite NOSUCH99\n")


def test_members_when_nobody_joined(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "members") == (0, "nobody has joined yet\n", "")


def test_demo_twice_changes_nothing_the_second_time(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "demo")
    assert (code, out.splitlines()[0]) == (0, "demo data seeded")
    seeded = counts(db)
    assert list(seeded.values()) == [8, 2, 2, 2, 4, 2]  # in the order of TABLES
    code, out, _ = run(capsys, "demo")
    assert (code, out.splitlines()[0]) == (0, "demo data already in place; nothing changed")
    assert counts(db) == seeded
    members = run(capsys, "members")[1].splitlines()[1:]
    assert [line.split()[:4] for line in members] == [
        ["MAS", "李主任", "coordinator", "console"],
        ["MAS-HS-HDL-PCS", "王小明", "officer", "console"],
    ]


def test_console_as_the_demo_officer(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(capsys, "console")[0] == 1  # no demo yet: told to seed it
    run(capsys, "demo")
    monkeypatch.setattr("sys.stdin", io.StringIO("/my\n/quit\n"))
    code, out, _ = run(capsys, "console")
    assert code == 0
    assert "王小明（湖东路派出所）的走访情况" in out.splitlines()
