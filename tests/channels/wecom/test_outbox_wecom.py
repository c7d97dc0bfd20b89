"""The outbox worker sending to WeCom message by message: paced, resumed, never doubled."""

from __future__ import annotations

import base64

import aiohttp
import pytest

from bot.channels.wecom import WeComChannel
from bot.channels.wecom_api import WeComApi
from bot.channels.wecom_sender import WeComSender
from handlers import Core
from handlers.messages import Image, Reply
from scheduler.deferred import Deferred
from scheduler.delivery import DeliveryFailed, queue_reply
from scheduler.outbox import OutboxWorker
from storage import Store
from tests.channels.wecom.conftest import callback_client, free_port, join_as, wecom_settings
from tests.conftest import Seeded
from tests.fakes.paced import VirtualTime
from tests.fakes.wecom_api import FakeWeComApi
from tests.transcript import FakeClock

KEY = "4f1c2d3e-0000-4bc4-97a0-0ec2sifa5aaa"
ROBOT = "robot:" + KEY
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def bulletin(lines: int) -> Reply:
    text = "# 大走访日报\n" + "".join(
        f"- 第{n}网格：完成{n}户，走访群众{n * 3}人\n" for n in range(lines)
    )
    return Reply(text, image=Image(PNG, "chart.png"))


def worker_for(store: Store, sender: WeComSender, time: VirtualTime) -> OutboxWorker:
    return OutboxWorker(store, {"wecom": sender}, time.clock, sleep=time.sleep, timer=time.now)


async def queue(store: Store, clock: FakeClock, chat_id: str, reply: Reply) -> None:
    async with store.transaction() as tx:
        await queue_reply(tx.outbox, "wecom", chat_id, reply, clock.now())


def robot_sent(fake: FakeWeComApi) -> list[str]:
    """What the robot posted, in order: markdown as its text, an image as "<image>"."""
    return [
        m["markdown"]["content"] if m["msgtype"] == "markdown" else f"<{m['msgtype']}>"
        for m in fake.robots[KEY]
    ]


def expected(sender: WeComSender, reply: Reply) -> list[str]:
    return [part.text if part.image is None else "<image>" for part in sender.parts(ROBOT, reply)]


async def test_a_bulletin_refused_at_its_second_message_resumes_there(
    store: Store, clock: FakeClock, fake: FakeWeComApi, sender: WeComSender
) -> None:
    reply = bulletin(300)
    assert len(sender.parts(ROBOT, reply)) > 3  # several markdown messages, then the chart
    await queue(store, clock, ROBOT, reply)
    fake.fail_next(45009, path="webhook/send", after=1)
    time = VirtualTime(clock)

    done = await worker_for(store, sender, time).run_until_idle()

    assert (done.sent, done.retrying, done.failed, done.uncertain) == (1, 1, 0, 0)
    assert robot_sent(fake) == expected(sender, reply)  # each once, in order
    assert "".join(robot_sent(fake)[:-1]) == reply.text
    assert base64.b64decode(fake.robots[KEY][-1]["image"]["base64"]) == PNG
    assert fake.calls.count(("webhook/send", 45009)) == 1
    assert time.now() >= 60.0  # waited out the full minute WeCom asked for


async def test_a_reply_of_more_messages_than_a_minute_allows_is_paced_per_message(
    store: Store, clock: FakeClock, fake: FakeWeComApi, sender: WeComSender
) -> None:
    reply = bulletin(1800)
    parts = sender.parts(ROBOT, reply)
    assert len(parts) > 20  # more than the robot takes in a minute
    await queue(store, clock, ROBOT, reply)
    time = VirtualTime(clock)

    done = await worker_for(store, sender, time).run_until_idle()

    assert done.sent == 1
    assert robot_sent(fake) == expected(sender, reply)
    assert ("webhook/send", 45009) not in fake.calls  # never over 20 a minute
    assert time.now() >= 60.0


@pytest.mark.parametrize("drop", [True, False], ids=["disconnected", "timed-out"])
async def test_a_message_whose_answer_never_came_is_not_sent_again(
    store: Store, clock: FakeClock, fake: FakeWeComApi, drop: bool
) -> None:
    api = WeComApi(fake.url, clock=clock, timeout=0.5)
    reply = bulletin(300)
    async with api:
        sender = WeComSender(api)
        await queue(store, clock, ROBOT, reply)
        worker = worker_for(store, sender, VirtualTime(clock))
        assert (await worker.run_once()).sent == 0  # the first message went
        fake.hang_next("webhook/send", drop=drop)  # the second is taken, its answer lost

        done = await worker.run_until_idle()

    assert (done.sent, done.uncertain) == (0, 1)
    assert robot_sent(fake) == expected(sender, reply)[:2]  # neither sent twice
    async with store.transaction() as tx:
        assert (await tx.outbox.counts()).get("uncertain") == 1


async def test_a_removed_robot_is_a_chat_gone(sender: WeComSender, fake: FakeWeComApi) -> None:
    fake.remove_robot(KEY)
    with pytest.raises(DeliveryFailed) as caught:
        await sender.deliver(ROBOT, Reply("日报"))
    assert (caught.value.permanent, caught.value.chat_gone) == (True, True)


async def test_a_member_who_left_is_a_chat_gone(sender: WeComSender, fake: FakeWeComApi) -> None:
    fake.unknown_users.add("left-the-company")
    with pytest.raises(DeliveryFailed) as caught:
        await sender.deliver("left-the-company", Reply("你好"))
    assert (caught.value.permanent, caught.value.chat_gone) == (True, True)


async def test_a_refused_message_is_not_a_chat_gone(
    sender: WeComSender, fake: FakeWeComApi
) -> None:
    fake.fail_next(40058, path="message/send")  # the message itself is wrong
    with pytest.raises(DeliveryFailed) as caught:
        await sender.deliver("zhangsan", Reply("你好"))
    assert (caught.value.permanent, caught.value.chat_gone) == (True, False)


async def test_a_cut_off_answer_is_uncertain(sender: WeComSender, fake: FakeWeComApi) -> None:
    fake.hang_next("message/send", drop=True)
    with pytest.raises(DeliveryFailed) as caught:
        await sender.deliver("zhangsan", Reply("你好"))
    assert (caught.value.uncertain, caught.value.permanent) == (True, False)
    assert fake.texts("zhangsan") == ["你好"]


async def test_an_answer_deferred_midway_sends_only_what_did_not_go(
    fake: FakeWeComApi,
    core: Core,
    store: Store,
    clock: FakeClock,
    seeded: Seeded,
    http: aiohttp.ClientSession,
) -> None:
    channel = WeComChannel(
        wecom_settings(fake, free_port()),
        core,
        clock=clock,
        retry_delays=(0.0,),
        defer=Deferred(store, clock, "wecom"),
    )
    await channel.start()
    try:
        client = callback_client(channel, clock, http)
        chat = await join_as(fake, channel, client, "zhangsan", "张三", seeded.officer_invite)
        # The question goes as its text, then its card: the card is refused for rate.
        fake.fail_next(45009, path="message/send", after=1)
        [question] = await chat.say("/visit")
        assert question.startswith("走访的是哪类对象？")
        assert chat.cards == []
        async with store.transaction() as tx:
            [queued] = await tx.outbox.due(clock.now(), 10)
        assert queued.chat_id == "zhangsan"

        done = await worker_for(store, channel.sender, VirtualTime(clock)).run_until_idle()

        assert done.sent == 1
        assert await chat.answers() == []  # no text again: only the card
        [card] = chat.cards
        assert card["main_title"]["title"] == "走访的是哪类对象？"
        assert await chat.press("住户") != []
    finally:
        await channel.stop()
