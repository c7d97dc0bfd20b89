"""The case ledger through the neutral core: from a logged problem to closed with a follow-up."""

from __future__ import annotations

from pathlib import Path

from handlers.messages import Pressed
from scheduler.delivery import reply_from_payload
from storage import Store
from tests.transcript import Chat, FakeClock, render


async def _log_dispute(officer: Chat, place: str = "珍珠园五村3栋") -> str:
    await officer.say("/issue 邻里因楼道堆放杂物发生争执")
    await officer.press("矛盾纠纷")
    await officer.press("民生类")
    await officer.say(place)
    await officer.say("张三丰")
    await officer.say("13812345678")
    await officer.press("一般")
    await officer.press("否，需要交办")
    await officer.press("不确定")
    saved = (await officer.press("✅ 确认"))[0]
    return saved.split("编号 ")[1][:10]


async def _outbox(store: Store, clock: FakeClock, chat_id: str) -> list[str]:
    async with store.transaction() as tx:
        items = await tx.outbox.due(clock.now(), 100)
        for item in items:
            await tx.outbox.mark_sent(item.id, clock.now())
    return [render(reply_from_payload(i.payload)) for i in items if i.chat_id == chat_id]


CARD_PENDING = (
    "问题 261125-001【待交办】\n"
    "矛盾纠纷 · 民生类 · 一般\n"
    "描述：邻里因楼道堆放杂物发生争执\n"
    "地点：珍珠园五村3栋\n"
    "反映人：{resident}\n"
    "上报：王小明（湖东路派出所）2026-11-25 10:00\n"
    "责任单位：待活动办确定\n"
    "办理时限：未定\n"
    "办理记录（1 条）：\n"
    "11-25 10:00 王小明 登记 → 待交办"
)


async def test_the_closed_loop(
    officer: Chat, coordinator: Chat, handler: Chat, store: Store, clock: FakeClock
) -> None:
    number = await _log_dispute(officer)
    assert number == "261125-001"
    assert await coordinator.say("/cases 待交办") == [
        "问题台账：第 1–1 条，共 1 条\n"
        "261125-001【待交办】矛盾纠纷：邻里因楼道堆放杂物发生争执 · 待活动办确定 · 未定\n"
        "[261125-001]"
    ]
    assert await coordinator.press("261125-001") == [
        CARD_PENDING.format(resident="张三丰 13812345678") + "\n[交办]"
    ]
    assert await coordinator.press("交办") == [
        "交办给哪个单位？（共 1 个问题）可点选，或输入单位名称或代码。\n"
        "[建议：市司法局] [马鞍山市]\n[花山区] [湖东路街道]\n[湖东路派出所]"
    ]
    assert await coordinator.press("建议：市司法局") == [
        "办理时限？点选建议的日期，或输入日期如 12-09。\n[2026-12-09（一般：10 个工作日）]"
    ]
    assigned = await coordinator.press("2026-12-09（一般：10 个工作日）")
    assert assigned[0].splitlines()[:2] == ["问题 261125-001 已交办。", "问题 261125-001【已交办】"]
    assert "办理时限：2026-12-09（剩 14 天）" in assigned[0]
    assert assigned[0].endswith("11-25 10:00 李主任 交办 → 已交办：市司法局\n[改派]")

    to_unit = await _outbox(store, clock, "301")
    assert to_unit[0].startswith(
        "📌 新交办：问题 261125-001 已交办给贵单位，请接收并办理。\n问题 261125-001【已交办】"
    )
    assert "反映人：张三丰 13812345678" in to_unit[0]
    assert to_unit[0].endswith("[接收] [申请改派]")

    card = (await handler.say("/case 261125-1"))[0]
    assert card.endswith("[接收] [申请改派]")
    accepted = await handler.press("接收")
    assert accepted[0].startswith("已接收问题 261125-001。\n问题 261125-001【办理中】")
    assert accepted[0].endswith("[报进展] [办结] [申请改派]")

    assert await handler.press("报进展") == ["办理进展如何？\n[办理中] [已办结] [需协调]"]
    assert await handler.press("需协调") == ["请写明本周办理进展（不超过 500 字）。"]
    progressed = (await handler.say("已约双方到司法所调解"))[0]
    assert "刘科长 报进展 → 办理中：需协调 · 已约双方到司法所调解" in progressed

    await handler.press("办结")
    resolved = (await handler.say("调解成功，杂物已清理"))[0]
    assert resolved.startswith(
        "问题 261125-001 已提交办结，等待活动办核验。\n问题 261125-001【待核验】"
    )
    assert "办理结果：调解成功，杂物已清理" in resolved
    assert (await _outbox(store, clock, "201"))[0].startswith("问题 261125-001 已办结，请核验。")

    await coordinator.say("/case 261125-001")
    verified = (await coordinator.press("核验通过"))[0]
    assert verified.startswith("问题 261125-001 核验通过，等待回访。\n问题 261125-001【待回访】")
    assert (await _outbox(store, clock, "301"))[0].startswith(
        "问题 261125-001 已核验通过，请回访群众"
    )

    await handler.say("/case 261125-001")
    assert await handler.press("回访") == ["用什么方式回访的？\n[电话] [上门] [微信]\n[其他]"]
    assert await handler.press("电话") == ["群众的答复是什么？（不超过 500 字）"]
    assert await handler.say("问题已解决，谢谢") == ["群众满意度？\n[满意] [基本满意] [不满意]"]
    closed = (await handler.press("满意"))[0]
    assert closed.startswith("已记录问题 261125-001 的回访。\n问题 261125-001【已办结】")
    assert "回访：电话 · 满意 · 问题已解决，谢谢" in closed
    assert (await _outbox(store, clock, "101"))[-1].startswith(
        "您上报的问题 261125-001 已办结，群众已回访。"
    )


async def test_residents_details_are_masked_for_others(
    officer: Chat, coordinator: Chat, handler: Chat
) -> None:
    await _log_dispute(officer)
    assert "反映人：张** 138****5678" in (await officer.say("/case 261125-001"))[0]
    assert "反映人：张三丰 13812345678" in (await coordinator.say("/case 261125-001"))[0]
    assert await handler.say("/case 261125-001") == [
        "没有找到这个问题，或您无权查看。\n用法：/case 编号，例如 /case 261125-001"
    ]


async def test_a_second_press_on_a_moved_case_is_told_what_happened(
    officer: Chat, coordinator: Chat, handler: Chat
) -> None:
    await _log_dispute(officer)
    await coordinator.say("/assign 261125-001")
    await coordinator.press("建议：市司法局")
    await coordinator.press("2026-12-09（一般：10 个工作日）")
    await handler.say("/case 261125-001")
    first, second = handler.button("接收"), handler.button("申请改派")
    await handler.send(Pressed(first))
    again = (await handler.send(Pressed(second)))[0]
    assert again.startswith(
        "问题 261125-001 刚刚已被刘科长处理，现为【办理中】。请按最新情况操作：\n问题 261125-001【办理中】"
    )


async def test_bad_ledger_input(officer: Chat, coordinator: Chat) -> None:
    await _log_dispute(officer)
    assert (await coordinator.say("/case 999999-999"))[0].startswith("没有找到这个问题")
    assert (await coordinator.say("/case abc"))[0].startswith("没有找到这个问题")
    assert await coordinator.say("/assign 261125-001 261125-099") == [
        "261125-099：没有找到这个问题。"
    ]
    await coordinator.say("/assign 261125-001")
    assert (await coordinator.say("不存在的单位"))[0].startswith("没有找到这个单位。")
    await coordinator.say("市司法局")
    assert await coordinator.say("2026-11-24") == [
        "办理时限不能早于今天。\n[2026-12-09（一般：10 个工作日）]"
    ]
    assert await coordinator.say("下周") == [
        "没看懂这个日期。请输入如 12-09 或 2026-12-09。\n[2026-12-09（一般：10 个工作日）]"
    ]
    assert (await coordinator.say("11-30"))[0].startswith("问题 261125-001 已交办。")
    assert (await officer.say("/assign 261125-001"))[0].startswith("没看懂这条消息")


async def test_dissatisfied_reopens_and_overdue_is_flagged(
    officer: Chat, coordinator: Chat, handler: Chat, clock: FakeClock
) -> None:
    await _log_dispute(officer)
    await coordinator.say("/assign 261125-001")
    await coordinator.press("建议：市司法局")
    await coordinator.say("11-27")
    await handler.say("/case 261125-001")
    await handler.press("接收")
    clock.advance(days=3)
    card = (await handler.say("/case 261125-001"))[0]
    assert "办理时限：2026-11-27（⚠️ 已逾期 1 天）" in card
    assert "261125-001【办理中】" in (await coordinator.say("/cases 逾期"))[0]
    await handler.press("办结")
    await handler.say("已清理")
    await coordinator.say("/case 261125-001")
    await coordinator.press("核验通过")
    await handler.say("/case 261125-001")
    await handler.press("回访")
    await handler.press("上门")
    await handler.say("仍有杂物")
    reopened = (await handler.press("不满意"))[0]
    assert "问题 261125-001【办理中】" in reopened


async def test_reload_refuses_a_bad_rules_file_and_keeps_the_old_rules(
    officer: Chat, coordinator: Chat, tmp_path: Path
) -> None:
    rules = tmp_path / "routing.toml"
    rules.write_text('[[rule]]\nkind = "dispute"\nunit = "MAS-SFJ"\n\n[[rule]]\nunit = "NOPE"\n')
    assert (await coordinator.say("/reload"))[0].startswith(
        "规则文件有问题，未载入，原规则继续有效：\nrouting.toml 第 5 行：未知的单位代码（"
    )
    await _log_dispute(officer, place="湖东路88号")
    # the rules loaded at start (disputes → 市司法局) are still in force
    assert "[建议：市司法局]" in (await coordinator.say("/assign 261125-001"))[0]
    await coordinator.say("/cancel")
    rules.write_text('[[rule]]\nplace_contains = "湖东路"\nunit = "MAS-HS-HDL"\n')
    assert await coordinator.say("/reload") == ["✅ 交办规则和节假日安排已重新载入。"]
    assert "[建议：湖东路街道]" in (await coordinator.say("/assign 261125-001"))[0]
    assert (await officer.say("/reload"))[0].startswith("没看懂这条消息")
