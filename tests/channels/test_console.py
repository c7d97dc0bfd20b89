"""The console channel, typed at by the demo officer, against the real core and SQLite."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from tempfile import mkdtemp
from zoneinfo import ZoneInfo

import pytest

from bot.channels.console import ConsoleChannel, parse_line, render
from bot.demo import DemoIds, seed_demo
from handlers.messages import Actor, Choice, Command, Location, Photo, Reply, Text
from i18n import catalog
from storage import Store, open_store
from tests.conftest import make_core

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # Wednesday 10:00 in Shanghai
TODAY = date(2026, 11, 25)
OFFICER = Actor("console", "demo-officer", "demo-officer", "王小明", "zh")


class FixedClock:
    def now(self) -> datetime:
        return NOW


class Links:
    def invite_link(self, platform: str, code: str) -> str | None:
        return None


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await open_store(tmp_path / "zoufang.db")
    yield opened
    await opened.close()


@pytest.fixture
async def demo(store: Store) -> DemoIds:
    return await seed_demo(store, NOW, ZONE)


async def chat(store: Store, script: str, actor: Actor = OFFICER) -> list[str]:
    """Everything the console prints while the script is typed into it."""
    core = make_core(store, FixedClock(), Path(mkdtemp()))
    output = io.StringIO()
    await ConsoleChannel(core, actor, io.StringIO(script), output).run()
    return output.getvalue().splitlines()


def block(lines: list[str], expected: list[str]) -> bool:
    return any(lines[i : i + len(expected)] == expected for i in range(len(lines)))


async def test_a_visit_typed_with_numbers(store: Store, demo: DemoIds) -> None:
    lines = await chat(store, "/visit\n1\n湖东路菜市场\n15\n40\n1\n")

    assert lines[:2] == ["走访机器人 · 控制台", "您现在的身份：王小明（控制台用户 demo-officer）。"]
    assert block(
        lines,
        [
            "> /visit",
            "走访的是哪类对象？",
            "[1] 住户  [2] 企业  [3] 学校",
            "[4] 村(寨)  [5] 社区  [6] 其他",
            "",
            "> 1",
        ],
    )
    assert block(
        lines,
        [
            "> 15",
            "覆盖多少人？请输入数字。",
            "",
            "> 40",
            "请核对走访登记：",
            "类型：住户",
            "地点：湖东路菜市场",
            "数量：15 户",
            "覆盖人数：40 人",
            "宣传资料：0 份",
            "意见建议：0 条",
            "日期：2026-11-25（今天）",
            "定位：无",
            "照片：0 张",
            "备注：无",
            "无误请点【确认】，需要修改请点对应项目。",
            "[1] ✅ 确认  [2] ❌ 取消",
            "[3] 类型  [4] 地点  [5] 数量  [6] 人数",
            "[7] 宣传资料  [8] 意见建议  [9] 日期",
            "[10] 定位  [11] 照片  [12] 备注",
            "",
            "> 1",
            "✅ 走访已登记（记录 #5）",
            "住户 15户 · 40 人 · 湖东路菜市场 · 2026-11-25（今天）",
            "今天累计：1 批次，15 户/家/所/个，40 人。",
            "菜单: 登记走访 | 上报问题 | 我的走访 | 帮助",
            "",
        ],
    )
    async with store.transaction() as tx:
        today = await tx.visits.summary(demo.officer_id, TODAY, TODAY)
        recent = await tx.visits.recent_places(demo.officer_id, 1)
    assert (today.batches, today.count, today.people) == (1, 15, 40)
    assert recent == ["湖东路菜市场"]


async def test_labels_recent_places_location_and_photo(store: Store, demo: DemoIds) -> None:
    script = "/visit\n住户\n/loc 31.6886, 118.5083\n/photo 门口.jpg\n珍珠园五村\n3户\n九\n✅ 确认\n"
    lines = await chat(store, script)

    assert block(lines, ["[1] 雨山湖社区  [2] 湖东路小学", "[3] 湖东路商业街  [4] 珍珠园五村"])
    assert "📍 定位已附上。" in lines
    assert "📷 已附上照片（共 1 张）。" in lines
    assert block(lines, ["定位：已定位（31.68860, 118.50830）", "照片：1 张"])
    assert "住户 3户 · 9 人 · 珍珠园五村 · 2026-11-25（今天）" in lines


async def test_usage_hints_and_quit(store: Store, demo: DemoIds) -> None:
    lines = await chat(store, "/loc north\n/photo\n\n/quit\n/help\n")
    assert block(
        lines,
        [
            "> /loc north",
            "用法：/loc 纬度 经度，例如 /loc 31.6886 118.5083",
            "",
            "> /photo",
            "用法：/photo 名称，例如 /photo 现场1.jpg",
            "",
            "> /quit",
        ],
    )
    assert lines[-1] == "> /quit"


async def test_a_stranger_is_refused(store: Store) -> None:
    lines = await chat(store, "你好\n", Actor("console", "nobody", "nobody", "", "zh"))
    assert lines[1] == "您现在的身份：nobody（控制台用户 nobody）。"
    assert lines[-2:] == [
        "您好！本机器人仅供大走访工作人员使用。如需加入，请向所在单位或活动办索取邀请链接。",
        "",
    ]


@pytest.mark.parametrize(
    ("line", "event"),
    [
        ("你好", Text("你好")),
        ("  /Start  ABCD2345 ", Command("start", "ABCD2345")),
        ("/visit 住户 15户", Command("visit", "住户 15户")),
        ("/loc 31.6886 118.5083", Location(31.6886, 118.5083)),
        ("/loc 31.6886，118.5083", Location(31.6886, 118.5083)),
        ("/loc 91 0", "console.loc_usage"),
        ("/photo 现场 1.jpg", Photo("现场 1.jpg")),
        ("/QUIT", None),
    ],
)
def test_parse_line(line: str, event: object) -> None:
    assert parse_line(line) == event


def test_render_unnumbered_choices_and_location_hint() -> None:
    reply = Reply(
        "有多少户？",
        choices=((Choice("住户", "a"), Choice("企业", "b")),),
        numbered=False,
        ask_location="📍 发送当前位置",
    )
    assert render(reply, catalog("zh")) == [
        "有多少户？",
        "[住户] [企业]",
        "(/loc 纬度 经度 发送定位)",
    ]
    assert render(Reply("Hi", menu=(("Log a visit", "Help"),)), catalog("en")) == [
        "Hi",
        "Menu: Log a visit | Help",
    ]
