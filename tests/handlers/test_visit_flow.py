"""Transcripts of the visit flow through the neutral core."""

from __future__ import annotations

from tests.expected import MENU, TARGETS, review
from tests.transcript import Chat


async def test_household_batch_in_six_messages(officer: Chat) -> None:
    assert await officer.say("/visit") == [TARGETS]
    assert await officer.press("住户") == ["走访地点在哪里？请输入名称或地址（不超过 100 字）。"]
    assert await officer.say("珍珠园五村") == ["走访了多少户住户？请输入数字。"]
    assert await officer.say("15") == ["覆盖多少人？请输入数字。"]
    assert await officer.say("40") == [review()]
    assert await officer.press("✅ 确认") == [
        "✅ 走访已登记（记录 #1）\n"
        "住户 15户 · 40 人 · 珍珠园五村 · 2026-11-25（今天）\n"
        "今天累计：1 批次，15 户/家/所/个，40 人。\n" + MENU,
        "走访中群众反映了问题吗？可以直接上报，会关联到这次走访。\n[上报问题]",
    ]


async def test_every_field_can_be_edited_from_the_review_card(officer: Chat) -> None:
    await officer.say("/visit 住户 15户 40人 珍珠园五村")
    assert await officer.press("人数") == ["覆盖多少人？请输入数字。"]
    assert await officer.say("四十二") == [review(people=42)]
    assert await officer.press("宣传资料") == [
        "发放了多少份普法宣传资料？（当前 0 份）请输入数字。"
    ]
    assert await officer.say("20份") == [review(people=42, materials=20)]
    await officer.press("意见建议")
    assert await officer.say("3") == [review(people=42, materials=20, opinions=3)]
    assert await officer.press("日期") == [
        "走访日期是哪天？可点选，或输入日期如 11-20（最多补登 7 天内）。\n"
        "[今天 11-25] [昨天 11-24] [前天 11-23]"
    ]
    assert await officer.press("昨天 11-24") == [
        review(people=42, materials=20, opinions=3, date="2026-11-24（昨天）")
    ]
    await officer.press("备注")
    assert await officer.say("  老旧小区，\n独居老人多  ") == [
        review(
            people=42,
            materials=20,
            opinions=3,
            date="2026-11-24（昨天）",
            note="老旧小区， 独居老人多",
        )
    ]
    await officer.press("类型")
    assert await officer.press("社区") == [
        review(
            target="社区",
            count="15 个",
            people=42,
            materials=20,
            opinions=3,
            date="2026-11-24（昨天）",
            note="老旧小区， 独居老人多",
        )
    ]
    replies = await officer.press("✅ 确认")
    assert replies[0].startswith(
        "✅ 走访已登记（记录 #1）\n社区 15个 · 42 人 · 珍珠园五村 · 2026-11-24（昨天）"
    )


async def test_one_line_entry_goes_straight_to_the_card(officer: Chat) -> None:
    assert await officer.say("/visit 住户 15户 40人 珍珠园五村") == [review()]


async def test_one_line_without_command_and_missing_parts_are_asked(officer: Chat) -> None:
    assert await officer.say("走访 企业 3家 发放宣传册20份") == [
        "走访地点在哪里？请输入名称或地址（不超过 100 字）。"
    ]
    assert await officer.say("雨山经济开发区") == ["覆盖多少人？请输入数字。"]
    assert await officer.say("12") == [
        review(target="企业", place="雨山经济开发区", count="3 家", people=12, materials=20)
    ]


async def test_recent_places_are_offered_as_one_tap_choices(officer: Chat) -> None:
    await officer.say("/visit 住户 15户 40人 珍珠园五村")
    await officer.press("✅ 确认")
    await officer.say("/visit 住户 3户 9人 湖东路小区")
    await officer.press("✅ 确认")
    await officer.say("/visit")
    assert await officer.press("住户") == [
        "走访地点在哪里？点选最近去过的地点，或输入新的名称或地址（不超过 100 字）。\n"
        "[湖东路小区] [珍珠园五村]"
    ]
    assert await officer.press("珍珠园五村") == ["走访了多少户住户？请输入数字。"]


async def test_typing_a_label_or_its_number_counts_as_pressing(officer: Chat) -> None:
    await officer.say("/visit")
    assert await officer.say("企业") == ["走访地点在哪里？请输入名称或地址（不超过 100 字）。"]
    await officer.say("/cancel")
    await officer.say("/visit")
    assert await officer.say("3") == ["走访地点在哪里？请输入名称或地址（不超过 100 字）。"]


async def test_bad_counts_are_refused_and_the_step_kept(officer: Chat) -> None:
    await officer.say("/visit")
    await officer.press("住户")
    await officer.say("珍珠园五村")
    refusal = "请输入 0 到 10000 之间的整数，例如 15 或 十五。"
    assert await officer.say("abc") == [refusal]
    assert await officer.say("-5") == [refusal]
    assert await officer.say("1.5") == [refusal]
    assert await officer.say("10001") == ["数字太大了，最多 10000。请核对后重新输入。"]
    assert await officer.say("十五户") == ["覆盖多少人？请输入数字。"]


async def test_bad_places_are_refused(officer: Chat) -> None:
    await officer.say("/visit")
    await officer.press("住户")
    assert await officer.say("🏠🏠") == ["请输入文字内容（不能只有表情或符号）。"]
    assert await officer.say("村" * 101) == ["内容太长（101 字），最多 100 字。请精简后重新发送。"]
    assert await officer.say("'; DROP TABLE visits;--") == ["走访了多少户住户？请输入数字。"]


async def test_dates_out_of_range_are_refused(officer: Chat) -> None:
    await officer.say("/visit 住户 15户 40人 珍珠园五村")
    await officer.press("日期")
    assert await officer.say("11-26") == [
        "只能补登 7 天以内的走访。更早的请联系活动办。\n[今天 11-25] [昨天 11-24] [前天 11-23]"
    ]
    assert await officer.say("明天") == [
        "走访日期不能晚于今天。\n[今天 11-25] [昨天 11-24] [前天 11-23]"
    ]
    assert await officer.say("11-17") == [
        "只能补登 7 天以内的走访。更早的请联系活动办。\n[今天 11-25] [昨天 11-24] [前天 11-23]"
    ]
    assert "日期：2026-11-18\n" in (await officer.say("11-18"))[0]


async def test_cancel_on_the_card_records_nothing(officer: Chat) -> None:
    await officer.say("/visit 住户 15户 40人 珍珠园五村")
    assert await officer.press("❌ 取消") == [
        "已取消本次走访登记。\n≡ 登记走访 上报问题 | 我的走访 帮助"
    ]
    assert (await officer.say("/my"))[0].splitlines()[1].startswith("今天：0 批次")
