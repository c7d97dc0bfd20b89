"""The outbox's WeCom sender against the fake server: members, robots, paces, failures."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest

from bot.channels.wecom_api import WeComApi
from bot.channels.wecom_sender import WeComSender, send_app
from handlers.messages import Choice, Document, Image, Reply
from scheduler.delivery import DeliveryFailed, Pace
from tests.fakes.wecom_api import AGENT_ID, CORP_ID, SECRET, FakeWeComApi
from tests.transcript import FakeClock

ROBOT = "robot:4f1c2d3e-0000-4bc4-97a0-0ec2sifa5aaa"
KINDS = ((Choice("入户走访", "kind:home"), Choice("电话回访", "kind:phone")),)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def test_paces() -> None:
    sender = WeComSender(WeComApi())
    assert sender.platform == "wecom"
    assert sender.pace(ROBOT) == Pace(20, 60.0)
    assert sender.pace("zhangsan") == Pace(30, 60.0)
    assert sender.per_second > 0


async def test_a_reply_with_choices_is_numbered_text_then_a_card(
    sender: WeComSender, fake: FakeWeComApi
) -> None:
    await sender.deliver("zhangsan", Reply("请选择走访类型：", KINDS))
    text, card = fake.messages["zhangsan"]
    assert text["text"]["content"] == "请选择走访类型：\n\n1. 入户走访\n2. 电话回访"
    assert card["msgtype"] == "template_card"
    assert [b["key"] for b in card["template_card"]["button_list"]] == ["kind:home", "kind:phone"]


async def test_every_card_gets_a_new_task_id(sender: WeComSender, fake: FakeWeComApi) -> None:
    sent = await send_app(sender.api, "zhangsan", Reply("一", KINDS))
    sent += await send_app(sender.api, "zhangsan", Reply("二", KINDS))
    cards = [
        m["template_card"] for m in fake.messages["zhangsan"] if m["msgtype"] == "template_card"
    ]
    assert len({card["task_id"] for card in cards}) == 2
    assert [s.response_code is not None for s in sent] == [False, True, False, True]


async def test_image_and_document_go_through_media_upload(
    sender: WeComSender, fake: FakeWeComApi
) -> None:
    ledger = Document(b"PK\x03\x04 ledger bytes", "走访台账.xlsx")
    await sender.deliver(
        "zhangsan", Reply("台账如下", image=Image(PNG, "chart.png"), document=ledger)
    )
    text, image, file = fake.messages["zhangsan"]
    assert text["text"]["content"] == "台账如下"
    assert fake.uploads[image["image"]["media_id"]].content == PNG
    uploaded = fake.uploads[file["file"]["media_id"]]
    assert (uploaded.kind, uploaded.filename, uploaded.content) == (
        "file",
        "走访台账.xlsx",
        ledger.content,
    )


async def test_a_long_chinese_reply_arrives_whole_in_parts(
    sender: WeComSender, fake: FakeWeComApi
) -> None:
    text = "\n".join(f"第{n}户：王阿姨，独居，需要每周电话回访一次，已登记。" for n in range(200))
    await sender.deliver("zhangsan", Reply(text))
    parts = fake.texts("zhangsan")
    assert len(parts) > 1
    assert "".join(parts) == text


async def test_a_token_expired_between_deliveries_is_recovered(
    sender: WeComSender, fake: FakeWeComApi
) -> None:
    await sender.deliver("zhangsan", Reply("一"))
    fake.expire_tokens()
    await sender.deliver("zhangsan", Reply("二"))
    assert fake.texts("zhangsan") == ["一", "二"]


async def test_an_unknown_member_fails_permanently(sender: WeComSender, fake: FakeWeComApi) -> None:
    fake.unknown_users.add("left-the-company")
    with pytest.raises(DeliveryFailed) as caught:
        await sender.deliver("left-the-company", Reply("你好"))
    assert caught.value.permanent
    assert "81013" in caught.value.reason


@pytest.mark.parametrize(("errcode", "retry_after"), [(45009, 60.0), (-1, None)])
async def test_busy_and_rate_limited_fail_for_now(
    sender: WeComSender, fake: FakeWeComApi, errcode: int, retry_after: float | None
) -> None:
    fake.fail_next(errcode, path="message/send")
    with pytest.raises(DeliveryFailed) as caught:
        await sender.deliver("zhangsan", Reply("你好"))
    assert not caught.value.permanent
    assert caught.value.retry_after == retry_after


async def test_a_stopped_client_fails_for_now(fake: FakeWeComApi) -> None:
    sender = WeComSender(WeComApi(fake.url, corp_id=CORP_ID, secret=SECRET, agent_id=AGENT_ID))
    with pytest.raises(DeliveryFailed) as caught:
        await sender.deliver("zhangsan", Reply("你好"))
    assert not caught.value.permanent


@pytest.mark.parametrize("chat_id", ["robot:", "", "  "])
async def test_a_malformed_chat_id_fails_permanently(sender: WeComSender, chat_id: str) -> None:
    with pytest.raises(DeliveryFailed) as caught:
        await sender.deliver(chat_id, Reply("你好"))
    assert caught.value.permanent


async def test_a_bulletin_reaches_the_group_as_markdown_with_its_chart(
    sender: WeComSender, fake: FakeWeComApi
) -> None:
    bulletin = "# 大走访日报\n" + "".join(f"- 第{n}网格：完成{n}户\n" for n in range(400))
    await sender.deliver(ROBOT, Reply(bulletin, image=Image(PNG)))
    key = ROBOT.removeprefix("robot:")
    markdowns = fake.robot_markdowns(key)
    assert len(markdowns) > 1
    assert "".join(markdowns) == bulletin
    image = fake.robots[key][-1]
    assert image["msgtype"] == "image"
    assert base64.b64decode(image["image"]["base64"]) == PNG


async def test_an_image_over_two_megabytes_goes_to_the_group_as_a_file(
    sender: WeComSender, fake: FakeWeComApi
) -> None:
    big = Image(b"\x89PNG" + b"\0" * (2 * 1024 * 1024), "chart.png")
    await sender.deliver(ROBOT, Reply("", image=big))
    (message,) = fake.robots[ROBOT.removeprefix("robot:")]
    assert message["msgtype"] == "file"
    assert fake.uploads[message["file"]["media_id"]].content == big.content


async def test_a_ledger_goes_to_the_group_as_a_file(
    sender: WeComSender, fake: FakeWeComApi
) -> None:
    ledger = Document(b"PK\x03\x04 ledger", "台账.xlsx")
    await sender.deliver(ROBOT, Reply("本周台账", document=ledger))
    markdown, file = fake.robots[ROBOT.removeprefix("robot:")]
    assert markdown["markdown"]["content"] == "本周台账"
    assert fake.uploads[file["file"]["media_id"]].filename == "台账.xlsx"


async def test_sending_at_the_robot_pace_never_meets_the_limit(
    sender: WeComSender, fake: FakeWeComApi, clock: FakeClock
) -> None:
    pace = sender.pace(ROBOT)
    gap = timedelta(seconds=pace.per / pace.count)
    for number in range(60):
        await sender.deliver(ROBOT, Reply(f"通知{number}"))
        clock.advance(seconds=gap.total_seconds())
    assert len(fake.robots[ROBOT.removeprefix("robot:")]) == 60
    assert ("webhook/send", 45009) not in fake.calls


async def test_sending_faster_than_the_robot_pace_is_told_to_wait(
    sender: WeComSender, fake: FakeWeComApi, clock: FakeClock
) -> None:
    for number in range(sender.pace(ROBOT).count):
        await sender.deliver(ROBOT, Reply(f"通知{number}"))
    with pytest.raises(DeliveryFailed) as caught:
        await sender.deliver(ROBOT, Reply("多了一条"))
    assert not caught.value.permanent
    assert caught.value.retry_after == 60.0
    clock.advance(seconds=caught.value.retry_after)
    await sender.deliver(ROBOT, Reply("多了一条"))
    assert fake.robot_markdowns(ROBOT.removeprefix("robot:"))[-1] == "多了一条"


async def test_a_removed_robot_fails_permanently(sender: WeComSender, fake: FakeWeComApi) -> None:
    fake.remove_robot(ROBOT.removeprefix("robot:"))
    with pytest.raises(DeliveryFailed) as caught:
        await sender.deliver(ROBOT, Reply("日报"))
    assert caught.value.permanent
    assert "93000" in caught.value.reason
