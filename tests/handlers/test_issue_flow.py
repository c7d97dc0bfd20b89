"""Transcripts of the problem flow: solved on the spot, and left for assignment."""

from __future__ import annotations

from storage import Store
from tests.expected import KINDS, MENU
from tests.transcript import Chat


async def _describe(officer: Chat) -> None:
    await officer.press("矛盾纠纷")
    await officer.press("民生类")
    await officer.say("邻里因通道堆放杂物发生争执")


async def test_problem_solved_on_the_spot(officer: Chat, store: Store) -> None:
    assert await officer.say("/issue") == [KINDS]
    assert await officer.press("矛盾纠纷") == ["属于哪一类？\n[政法类] [民生类] [其他]"]
    assert await officer.press("民生类") == [
        "请描述问题（不超过 500 字）：谁、什么事、诉求是什么。"
    ]
    assert await officer.say("邻里因通道堆放杂物发生争执") == [
        "问题发生在哪里？请输入地点（不超过 100 字）。"
    ]
    assert await officer.say("珍珠园五村3栋") == [
        "反映人姓名？（可跳过；个人信息仅活动办和承办单位可见）\n[跳过]"
    ]
    assert await officer.say("张三") == ["反映人联系电话？（手机或带区号的座机，可跳过）\n[跳过]"]
    assert await officer.say("12345") == [
        "电话号码格式不对。请输入 11 位手机号（如 13812345678）或带区号的座机"
        "（如 0859-3221234），或点【跳过】。\n[跳过]"
    ]
    assert await officer.say("138 1234 5678") == ["紧急程度？\n[一般] [紧急]"]
    assert await officer.press("一般") == [
        "这个问题当场解决了吗？\n[是，已当场解决] [否，需要交办]"
    ]
    assert await officer.press("是，已当场解决") == [
        "请简要写明当场是怎么解决的（不超过 500 字）。"
    ]
    card = await officer.say("现场调解，双方同意清理杂物")
    assert card == [
        "请核对问题上报：\n类型：矛盾纠纷\n类别：民生类\n描述：邻里因通道堆放杂物发生争执\n"
        "地点：珍珠园五村3栋\n反映人：张三\n联系电话：13812345678\n紧急程度：一般\n"
        "当场解决：是\n处理结果：现场调解，双方同意清理杂物\n"
        "无误请点【确认】，需要修改请点对应项目。\n"
        "[✅ 确认] [❌ 取消]\n[类型] [类别] [描述] [地点]\n[反映人] [电话] [紧急程度]\n"
        "[是否当场解决] [处理结果]"
    ]
    assert await officer.press("✅ 确认") == [
        "✅ 问题已登记并办结（当场解决），编号 261125-001。\n" + MENU
    ]
    my = (await officer.say("/my"))[0]
    assert "· 261125-001 【当场解决】矛盾纠纷：邻里因通道堆放杂物发生争执" in my


async def test_problem_left_for_assignment_from_a_visit(officer: Chat) -> None:
    await officer.say("/visit 住户 15户 40人 珍珠园五村")
    await officer.press("✅ 确认")
    assert await officer.press("上报问题") == [KINDS]
    await _describe(officer)
    assert await officer.say("x") == ["内容太短，至少 2 个字。\n[同走访地点：珍珠园五村]"]
    assert await officer.press("同走访地点：珍珠园五村") == [
        "反映人姓名？（可跳过；个人信息仅活动办和承办单位可见）\n[跳过]"
    ]
    await officer.press("跳过")
    await officer.press("跳过")
    await officer.press("紧急")
    assert await officer.press("否，需要交办") == [
        "您认为应由哪个单位负责？可点选，或输入单位名称；拿不准就点【不确定】，由活动办交办。\n"
        "[湖东路街道] [湖东路派出所]\n[马鞍山市] [花山区]\n[市司法局] [不确定]"
    ]
    assert await officer.say("司法") == [
        "请核对问题上报：\n类型：矛盾纠纷\n类别：民生类\n描述：邻里因通道堆放杂物发生争执\n"
        "地点：珍珠园五村\n反映人：无\n联系电话：无\n紧急程度：紧急\n"
        "当场解决：否\n建议责任单位：市司法局\n关联走访：#1\n"
        "无误请点【确认】，需要修改请点对应项目。\n"
        "[✅ 确认] [❌ 取消]\n[类型] [类别] [描述] [地点]\n[反映人] [电话] [紧急程度]\n"
        "[是否当场解决] [责任单位]"
    ]
    assert await officer.press("✅ 确认") == [
        "✅ 问题已登记，编号 261125-001，状态：待交办（建议责任单位：市司法局）。"
        "活动办交办后会通知您。\n" + MENU
    ]


async def test_case_numbers_count_per_day(officer: Chat) -> None:
    numbers = []
    for _ in range(2):
        await officer.say("/issue 路灯损坏，夜间出行不便")
        await officer.press("意见建议")
        await officer.press("其他")
        await officer.say("湖东路")
        await officer.press("跳过")
        await officer.press("跳过")
        await officer.press("一般")
        await officer.press("否，需要交办")
        await officer.press("不确定")
        numbers.append((await officer.press("✅ 确认"))[0].split("编号 ")[1][:10])
    assert numbers == ["261125-001", "261125-002"]
