"""Joining, strangers, revocation, stale buttons, duplicates, restarts and the one-shot commands."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from domain.people import Role
from handlers import Core
from handlers.messages import Actor, Photo, Pressed, Text, Unsupported
from storage import Store
from storage.records import NewInvite
from tests.conftest import Seeded, actor, make_core
from tests.expected import MENU, REFUSED
from tests.transcript import Chat, FakeClock


async def test_join_by_invite(core: Core, seeded: Seeded) -> None:
    chat = Chat(core, actor("101", "Wang"))
    assert await chat.say("/start officer1") == [
        "欢迎加入大走访！您将以【走访干警】身份加入【湖东路派出所】。\n"
        "请确认您的真实姓名：点下方按钮，或直接输入姓名。\n[Wang]"
    ]
    assert await chat.say("王小明") == [
        "加入成功！王小明，您已加入湖东路派出所。\n"
        "点【登记走访】开始登记，或发送 /help 查看说明。\n" + MENU
    ]
    assert await chat.say("/start OFFICER1") == [
        "您已经加入了（湖东路派出所 · 王小明），无需再次使用邀请。\n" + MENU
    ]


async def test_strangers_see_nothing_and_write_nothing(stranger: Chat, officer: Chat) -> None:
    await officer.say("/visit 住户 15户 40人 珍珠园五村")
    data = officer.button("✅ 确认")
    for said in ("/visit", "/my", "/issue", "/help", "住户 15户 40人 珍珠园五村", "你好"):
        assert await stranger.say(said) == [REFUSED]
    assert await stranger.send(Photo("x")) == [REFUSED]
    assert await stranger.send(Pressed(data)) == [REFUSED]
    assert await stranger.say("/start NOPE1234") == [
        "邀请码无效。请核对后重新打开邀请链接，或向活动办索取新的邀请。"
    ]
    assert (await officer.say("/my"))[0].splitlines()[1].startswith("今天：0 批次")


async def test_invites_expire_run_out_and_can_be_revoked(
    core: Core, store: Store, clock: FakeClock, seeded: Seeded
) -> None:
    async with store.transaction() as tx:
        unit = await tx.directory.unit_by_code("MAS-HS-PCS")
        assert unit
        await tx.directory.add_invite(
            NewInvite(
                "ONCE2345",
                unit.id,
                Role.OFFICER,
                clock.now(),
                max_uses=1,
                expires_at=clock.now() + timedelta(days=1),
            )
        )
    first, second, late = (Chat(core, actor(str(n), f"P{n}")) for n in (1, 2, 3))
    await first.say("/start ONCE2345")
    assert (await first.press("P1"))[0].startswith("加入成功")
    assert await second.say("/start ONCE2345") == ["该邀请的名额已用完。请向活动办索取新的邀请。"]
    clock.advance(days=2)
    await late.say("/start OFFICER1")
    assert (await late.press("P3"))[0].startswith("加入成功")
    async with store.transaction() as tx:
        await tx.directory.revoke_invite("ONCE2345", clock.now())
    assert await first.say("/visit") == [REFUSED]
    assert await Chat(core, actor("4", "P4")).say("/start ONCE2345") == [
        "该邀请已被撤销。请向活动办索取新的邀请。"
    ]


async def test_expired_invite(core: Core, store: Store, clock: FakeClock, seeded: Seeded) -> None:
    async with store.transaction() as tx:
        unit = await tx.directory.unit_by_code("MAS")
        assert unit
        await tx.directory.add_invite(
            NewInvite(
                "SOON2345",
                unit.id,
                Role.OFFICER,
                clock.now(),
                expires_at=clock.now() + timedelta(hours=1),
            )
        )
    clock.advance(hours=2)
    assert await Chat(core, actor("5")).say("/start SOON2345") == [
        "该邀请已过期。请向活动办索取新的邀请。"
    ]


async def test_confirm_twice_records_one_visit(officer: Chat) -> None:
    await officer.say("/visit 住户 15户 40人 珍珠园五村")
    data = officer.button("✅ 确认")
    await officer.press("✅ 确认")
    assert await officer.send(Pressed(data)) == [
        "这次走访已经登记过了（记录 #1），不会重复登记。\n" + MENU
    ]
    assert "今天：1 批次" in (await officer.say("/my"))[0]


async def test_a_repeated_platform_update_is_handled_once(officer: Chat) -> None:
    await officer.say("/visit 住户 15户 40人 珍珠园五村")
    press = Pressed(officer.button("✅ 确认"))
    first = await officer.send(press, update_key="tg:77")
    assert first[0].startswith("✅ 走访已登记")
    assert await officer.send(press, update_key="tg:77") == []
    assert "今天：1 批次" in (await officer.say("/my"))[0]


async def test_a_restart_loses_no_draft(
    officer: Chat, store: Store, clock: FakeClock, tmp_path: Path
) -> None:
    await officer.say("/visit")
    await officer.press("住户")
    await officer.say("珍珠园五村")
    restarted = Chat(make_core(store, clock, tmp_path), officer.actor)
    assert await restarted.say("15") == ["覆盖多少人？请输入数字。"]


async def test_old_buttons_say_they_are_stale_and_show_where_you_are(officer: Chat) -> None:
    await officer.say("/visit")
    old_target = officer.button("住户")
    await officer.press("企业")
    assert await officer.send(Pressed(old_target)) == [
        "这个按钮已过期。",
        "走访地点在哪里？请输入名称或地址（不超过 100 字）。",
    ]


async def test_other_messages_where_text_is_expected(officer: Chat) -> None:
    await officer.say("/visit")
    await officer.press("住户")
    assert await officer.send(Unsupported("sticker")) == ["这一步不能接收表情贴纸，请发送文字。"]
    assert await officer.send(Unsupported("voice")) == ["这一步不能接收语音，请发送文字。"]
    assert await officer.send(Unsupported("document")) == ["这一步不能接收文件，请发送文字。"]
    assert await officer.send(Text("珍珠园 <b>五村</b>")) == ["走访了多少户住户？请输入数字。"]


async def test_another_command_mid_flow_keeps_the_draft(officer: Chat) -> None:
    await officer.say("/visit")
    await officer.press("住户")
    assert await officer.say("/issue") == [
        "您有一条未完成的走访登记。要继续它，还是放弃并重新开始？\n[继续未完成的] [放弃并重新开始]"
    ]
    assert await officer.press("继续未完成的") == [
        "走访地点在哪里？请输入名称或地址（不超过 100 字）。"
    ]
    await officer.say("/issue")
    assert (await officer.press("放弃并重新开始"))[0].startswith("群众反映的是哪类问题？")


async def test_cancel_help_and_language(officer: Chat) -> None:
    assert await officer.say("/cancel") == ["当前没有进行中的登记。\n" + MENU]
    await officer.say("/visit")
    assert await officer.say("/cancel") == ["已取消走访登记，草稿已删除。\n" + MENU]
    assert (await officer.say("/help"))[0].startswith("大走访机器人使用说明\n/visit 登记走访")
    assert await officer.say("/lang") == [
        "Language set to English.\n≡ Log a visit Report a problem | My visits Help"
    ]
    assert await officer.say("/visit") == [
        "Who did you visit?\n[Households] [Enterprises] [Schools]\n[Villages] [Communities] [Other]"
    ]
    assert (await officer.say("/lang zh"))[0].startswith("已切换为中文。")


async def test_menu_labels_work_as_commands(officer: Chat) -> None:
    assert (await officer.say("登记走访"))[0].startswith("走访的是哪类对象？")
    await officer.say("/cancel")
    assert (await officer.say("我的走访"))[0].startswith("王小明（湖东路派出所）的走访情况")
    assert (await officer.say("随便说点什么"))[0].startswith("没看懂这条消息")


async def test_english_speakers_are_answered_in_english(core: Core) -> None:
    chat = Chat(core, actor("77", "Ann", "en-US"))
    assert (await chat.say("/visit"))[0].startswith("Hello! This bot is for the staff")


async def test_an_invite_code_typed_as_the_first_message_joins(core: Core, seeded: Seeded) -> None:
    chat = Chat(core, Actor("wecom", "zhangsan", "zhangsan"))
    assert await chat.say("officer1") == [
        "欢迎加入大走访！您将以【走访干警】身份加入【湖东路派出所】。\n请输入您的真实姓名。"
    ]
    assert (await chat.say("张三"))[0].startswith("加入成功！张三，您已加入湖东路派出所。")
    stranger = Chat(core, Actor("wecom", "lisi", "lisi"))
    assert await stranger.say("ABCD2345") == [REFUSED]
