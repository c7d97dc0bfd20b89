"""`zoufang import-wecom FILE`: WeCom user ids from the directory export, bound to people."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path

import openpyxl
import pytest

from bot.cli import main
from domain.clock import SystemClock
from handlers.messages import Actor, Incoming, Text
from storage import open_store
from tests.cli.support import EXAMPLES, example_database, query, run, write_csv
from tests.conftest import make_core

# The example directory's accounts: phones find four (one typed +86 138 0555 0002); 陈建国's
# mobile is not on file and 赵丽 has none, so 姓名 with the last part of 部门 finds them.
EXAMPLE_ACCOUNTS = [
    ("ChenJianGuo", "MAS-0003"),
    ("LiZhuRen", "MAS-0006"),
    ("LiuFang", "MAS-0002"),
    ("SunQiang", "MAS-0005"),
    ("WangXiaoMing", "MAS-0001"),
    ("zhaoli", "MAS-0004"),
]
IDENTITIES = """SELECT d.user_id, p.external_id FROM identities d JOIN people p ON p.id = d.person_id
                WHERE d.platform = 'wecom' AND d.chat_id = d.user_id ORDER BY d.user_id"""
HEADER = "姓名,账号,部门,手机,工号"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example units and people, nobody bound to an account yet."""
    path = example_database(tmp_path, monkeypatch)
    assert main(["import-people", str(EXAMPLES / "people.csv")]) == 0
    return path


def accounts(db: Path) -> list[tuple[str, str]]:
    return [(user_id, external_id) for user_id, external_id in query(db, IDENTITIES)]


async def bind(db: Path, external_id: str, user_id: str) -> None:
    store = await open_store(db)
    try:
        async with store.transaction() as tx:
            person = await tx.directory.person_by_external_id(external_id)
            assert person is not None
            now = SystemClock().now()
            assert await tx.directory.link_identity(person.id, "wecom", user_id, user_id, now)
    finally:
        await store.close()


def test_example_directory_binds_everyone(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "import-wecom", str(EXAMPLES / "wecom_directory.csv"))
    assert (code, err) == (0, "")
    assert out == "企业微信账号：新绑定 6 人，原已绑定 0 人\n"
    assert accounts(db) == EXAMPLE_ACCOUNTS


def test_xlsx_with_a_title_line_english_headers_and_numeric_phones(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with (EXAMPLES / "wecom_directory.csv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["成员列表（导出）"])
    sheet.append(["Name", "UserID", "Department", "Mobile"])
    for row in rows:
        digits = row["手机"].replace("+86", "").replace(" ", "")
        sheet.append([row["姓名"], row["账号"], row["部门"], float(digits)])
    book.save(tmp_path / "directory.xlsx")
    code, out, _ = run(capsys, "import-wecom", str(tmp_path / "directory.xlsx"))
    assert (code, out) == (0, "企业微信账号：新绑定 6 人，原已绑定 0 人\n")
    assert accounts(db) == EXAMPLE_ACCOUNTS


def test_a_second_import_changes_nothing(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    example = str(EXAMPLES / "wecom_directory.csv")
    assert run(capsys, "import-wecom", example)[0] == 0
    joined = query(db, "SELECT user_id, joined_at FROM identities ORDER BY user_id")
    code, out, _ = run(capsys, "import-wecom", example)
    assert (code, out) == (0, "企业微信账号：新绑定 0 人，原已绑定 6 人\n")
    assert query(db, "SELECT user_id, joined_at FROM identities ORDER BY user_id") == joined


BAD_FILES = [
    (["赵六,zhaoliu,,13800000000,"], "row 2: 找不到对应的人员（13800000000 / 赵六）"),
    (["王小明,,,13805550001,"], "row 2: 账号为空"),
    (["王小明,王 小明,,13805550001,"], "row 2: “王 小明”不是企业微信账号"),
    (["王小明,_wxm,,13805550001,"], "row 2: “_wxm”不是企业微信账号"),
    (
        ["王小明,WangXiaoMing,,13805550001,", "刘芳,wangxiaoming,,13805550002,"],
        "row 3: 账号 wangxiaoming 已在第 2 行出现",
    ),
    (
        ["王小明,wxm,,13805550001,", "王小明,wxm2,,,MAS-0001"],
        "row 3: 王小明（湖东路派出所） 已在第 2 行对应账号 wxm",
    ),
    (
        ["王小明,wxm,马鞍山市/湖东路派出所,,"],
        "row 2: 王小明 / 马鞍山市/湖东路派出所 对应多人：王小明（湖东路派出所） / 王小明（湖东路派出所）",
    ),
]


@pytest.mark.parametrize(("rows", "problem"), BAD_FILES)
def test_a_bad_row_is_refused_and_nothing_bound(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], rows: list[str], problem: str
) -> None:
    namesake = write_csv(
        tmp_path / "namesake.csv",
        ["姓名,单位代码,角色,工号", "王小明,MAS-HS-HDL-PCS,走访干警,MAS-0100"],
    )
    assert run(capsys, "import-people", str(namesake))[0] == 0
    bad = write_csv(tmp_path / "bad.csv", [HEADER, *rows])
    code, out, err = run(capsys, "import-wecom", str(bad))
    assert (code, out) == (1, "")
    first, last = err.splitlines()
    assert first.startswith(problem)
    assert last == "nothing imported: 1 problem(s)"
    assert accounts(db) == []


def test_accounts_already_bound_elsewhere_are_refused(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(bind(db, "MAS-0002", "WangXiaoMing"))  # 刘芳 holds 王小明's account
    asyncio.run(bind(db, "MAS-0006", "lzr"))  # 李主任 has another account already
    bad = write_csv(
        tmp_path / "bad.csv",
        [
            HEADER,
            "王小明,wangxiaoming,,13805550001,",
            "李主任,LiZhuRen,,13955512345,",
            "孙强,SunQiang,,15155560021,",
            "某人,someone,,,",
        ],
    )
    code, _, err = run(capsys, "import-wecom", str(bad))
    assert code == 1
    assert err.splitlines() == [
        "row 2: 账号 WangXiaoMing 已绑定给 刘芳（湖东路派出所）",
        "row 3: 李主任（马鞍山市） 已绑定企业微信账号 lzr",
        "row 5: 找不到对应的人员（某人），请先导入人员（zoufang import-people）",
        "nothing imported: 3 problem(s)",
    ]
    assert accounts(db) == [("WangXiaoMing", "MAS-0002"), ("lzr", "MAS-0006")]


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ("姓名,部门,手机", "row 1: missing column userid"),
        ("姓名,账号,职务", "row 1: 没有可用来找人的列"),
    ],
)
def test_a_file_without_the_columns_it_needs(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], header: str, problem: str
) -> None:
    bad = write_csv(tmp_path / "bad.csv", [header, "王小明,wxm,民警"])
    code, _, err = run(capsys, "import-wecom", str(bad))
    assert code == 1
    assert err.startswith(problem)


def test_skip_unknown_passes_over_strangers_only(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANGUAGE", "en")
    whole_company = write_csv(
        tmp_path / "all.csv",
        [HEADER, "食堂张师傅,chef,后勤/食堂,13900000000,", "孙强,SunQiang,,15155560021,"],
    )
    code, out, err = run(capsys, "import-wecom", str(whole_company), "--skip-unknown")
    assert code == 0
    assert out == "WeCom accounts: 1 newly bound, 0 already bound\n"
    assert err == "skipped 1 row(s): not among the imported people\n"
    assert accounts(db) == [("SunQiang", "MAS-0005")]


def test_members_by_platform(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "import-wecom", str(EXAMPLES / "wecom_directory.csv"))[0] == 0
    code, out, _ = run(capsys, "members", "--platform", "wecom")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["unit", "name", "role", "platform", "joined", "status"]
    assert [line.split()[1] for line in lines[1:]] == [
        "李主任",
        "刘芳",
        "王小明",
        "陈建国",
        "赵丽",
        "孙强",
    ]
    assert all(line.split()[3] == "wecom" for line in lines[1:])
    code, out, _ = run(capsys, "members", "--platform", "telegram")
    assert (code, out) == (0, "nobody has joined on telegram yet\n")


async def talk(db: Path, user_id: str, text: str) -> str:
    store = await open_store(db)
    try:
        core = make_core(store, SystemClock(), db.parent)
        replies = await core.handle(Incoming(Actor("wecom", user_id, user_id), Text(text)))
        return "\n".join(reply.text for reply in replies)
    finally:
        await store.close()


def test_an_imported_person_talks_to_the_bot_as_themselves(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "仅供大走访工作人员使用" in asyncio.run(talk(db, "WangXiaoMing", "我的走访"))
    assert run(capsys, "import-wecom", str(EXAMPLES / "wecom_directory.csv"))[0] == 0
    mine = asyncio.run(talk(db, "WangXiaoMing", "我的走访"))
    assert mine.startswith("王小明（湖东路派出所）的走访情况")
    assert "仅供大走访工作人员使用" in asyncio.run(talk(db, "chef", "我的走访"))
