"""Buttons can be typed: by label (emoji and spacing ignored) or by number where offered."""

from __future__ import annotations

from datetime import timedelta

from scheduler.drafts import sweep_drafts
from storage import Store
from tests.expected import KINDS
from tests.transcript import Chat, FakeClock

UNFINISHED = (
    "您有一条未完成的问题上报。要继续它，还是放弃并重新开始？\n[继续未完成的] [放弃并重新开始]"
)


async def test_numbers_answer_the_buttons_just_shown_not_the_flow(officer: Chat) -> None:
    await officer.say("/issue")
    assert await officer.say("/visit") == [UNFINISHED]
    assert await officer.say("1") == [KINDS]


async def test_the_chained_problem_button_can_be_typed(officer: Chat) -> None:
    await officer.say("/visit 住户 15户 40人 珍珠园五村")
    await officer.say("确认")
    assert await officer.say("1") == [KINDS]
    await officer.press("矛盾纠纷")
    await officer.press("民生类")
    await officer.say("通道堆放杂物")
    assert (await officer.say("同走访地点：珍珠园五村"))[0].startswith("反映人姓名？")


async def test_labels_match_without_emoji(officer: Chat) -> None:
    await officer.say("/visit 住户 15户 40人 珍珠园五村")
    assert (await officer.say(" 确认 "))[0].startswith("✅ 走访已登记（记录 #1）")


async def test_numbers_are_counts_where_a_count_is_asked(officer: Chat) -> None:
    await officer.say("/visit")
    await officer.press("住户")
    await officer.say("珍珠园五村")
    assert await officer.say("1") == ["覆盖多少人？请输入数字。"]


async def test_the_menu_is_a_command_even_mid_flow(officer: Chat) -> None:
    await officer.say("/issue")
    assert await officer.say("登记走访") == [UNFINISHED]
    assert (await officer.say("我的走访"))[-1] == KINDS


async def test_the_reminder_buttons_can_be_typed(
    officer: Chat, store: Store, clock: FakeClock
) -> None:
    await officer.say("/issue")
    clock.advance(hours=2)
    await sweep_drafts(store, clock.now(), timedelta(hours=1), timedelta(days=1))
    assert await officer.say("继续填写") == [KINDS]
