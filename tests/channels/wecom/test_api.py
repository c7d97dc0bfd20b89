"""The WeCom API client against the fake server: token life, errors, media, robots."""

from __future__ import annotations

import asyncio
import base64
import hashlib
from collections.abc import Awaitable

import pytest

from bot.channels.wecom_api import WeComApi, WeComError, robot_image_body
from tests.fakes.wecom_api import AGENT_ID, CORP_ID, SECRET, FakeWeComApi
from tests.transcript import FakeClock

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


async def test_one_token_serves_many_calls(wecom_api: WeComApi, fake: FakeWeComApi) -> None:
    for number in range(5):
        await wecom_api.send_text("zhangsan", f"第{number}条")
    assert fake.tokens_issued == 1
    assert fake.texts("zhangsan") == [f"第{n}条" for n in range(5)]
    assert fake.messages["zhangsan"][0]["agentid"] == AGENT_ID


async def test_a_token_expired_mid_run_is_renewed_and_the_call_made_again(
    wecom_api: WeComApi, fake: FakeWeComApi
) -> None:
    await wecom_api.send_text("zhangsan", "第一条")
    fake.expire_tokens()
    await wecom_api.send_text("zhangsan", "第二条")
    assert fake.texts("zhangsan") == ["第一条", "第二条"]
    assert fake.tokens_issued == 2
    assert ("message/send", 42001) in fake.calls


async def test_concurrent_callers_share_one_renewal(
    wecom_api: WeComApi, fake: FakeWeComApi
) -> None:
    await wecom_api.send_text("zhangsan", "先来一条")
    fake.expire_tokens()
    await asyncio.gather(*(wecom_api.send_text(f"user{n}", "并发") for n in range(10)))
    assert fake.tokens_issued == 2
    assert all(fake.texts(f"user{n}") == ["并发"] for n in range(10))


async def test_the_token_is_renewed_before_it_expires(
    wecom_api: WeComApi, fake: FakeWeComApi, clock: FakeClock
) -> None:
    await wecom_api.send_text("zhangsan", "一")
    clock.advance(seconds=fake.token_ttl - 60)  # inside the renewal margin, still valid
    await wecom_api.send_text("zhangsan", "二")
    assert fake.tokens_issued == 2
    assert ("message/send", 42001) not in fake.calls


async def test_an_invalid_token_is_renewed_once_only(
    wecom_api: WeComApi, fake: FakeWeComApi
) -> None:
    fake.fail_next(40014, times=2, path="message/send")
    with pytest.raises(WeComError) as caught:
        await wecom_api.send_text("zhangsan", "不会到")
    assert caught.value.errcode == 40014
    assert fake.tokens_issued == 2
    assert fake.texts("zhangsan") == []


async def test_a_wrong_secret_is_a_setup_error_not_a_permanent_one(fake: FakeWeComApi) -> None:
    async with WeComApi(fake.url, corp_id=CORP_ID, secret="wrong", agent_id=AGENT_ID) as api:
        with pytest.raises(WeComError) as caught:
            await api.send_text("zhangsan", "x")
    assert caught.value.errcode == 40001
    assert not caught.value.permanent
    assert not caught.value.retryable


@pytest.mark.parametrize("errcode", [45009, -1])
async def test_busy_and_rate_limited_are_retryable(
    wecom_api: WeComApi, fake: FakeWeComApi, errcode: int
) -> None:
    fake.fail_next(errcode, path="message/send")
    with pytest.raises(WeComError) as caught:
        await wecom_api.send_text("zhangsan", "稍后")
    assert caught.value.retryable
    assert not caught.value.permanent
    await wecom_api.send_text("zhangsan", "再来")
    assert fake.texts("zhangsan") == ["再来"]


async def test_a_server_error_is_retryable(wecom_api: WeComApi, fake: FakeWeComApi) -> None:
    fake.fail_next(0, status=502, path="message/send")
    with pytest.raises(WeComError) as caught:
        await wecom_api.send_text("zhangsan", "x")
    assert caught.value.errcode is None
    assert caught.value.retryable
    assert not caught.value.permanent


async def test_an_unknown_member_is_permanent(wecom_api: WeComApi, fake: FakeWeComApi) -> None:
    fake.unknown_users.add("gone")
    with pytest.raises(WeComError) as caught:
        await wecom_api.send_text("gone", "x")
    assert caught.value.errcode == 81013
    assert caught.value.permanent
    assert not caught.value.retryable


async def test_text_over_the_byte_limit_is_refused_by_the_fake(wecom_api: WeComApi) -> None:
    with pytest.raises(WeComError) as caught:
        await wecom_api.send_text("zhangsan", "走" * 683)  # 2049 bytes
    assert caught.value.errcode == 45002
    assert caught.value.permanent


async def test_media_upload_and_file_message(wecom_api: WeComApi, fake: FakeWeComApi) -> None:
    media_id = await wecom_api.upload_media("file", b"PK\x03\x04ledger", "台账.xlsx")
    assert fake.uploads[media_id].content == b"PK\x03\x04ledger"
    assert fake.uploads[media_id].filename == "台账.xlsx"
    await wecom_api.send("zhangsan", "file", {"media_id": media_id})
    assert fake.messages["zhangsan"] == [
        {
            "touser": "zhangsan",
            "msgtype": "file",
            "agentid": AGENT_ID,
            "file": {"media_id": media_id},
        }
    ]


async def test_an_upload_survives_a_token_renewal(wecom_api: WeComApi, fake: FakeWeComApi) -> None:
    await wecom_api.access_token()
    fake.expire_tokens()
    media_id = await wecom_api.upload_media("image", PNG, "chart.png")
    assert fake.uploads[media_id].content == PNG


async def test_a_card_answers_a_response_code_for_updating_it(
    wecom_api: WeComApi, fake: FakeWeComApi
) -> None:
    card = {
        "card_type": "button_interaction",
        "main_title": {"title": "选择类型"},
        "task_id": "zf-1",
        "button_list": [{"text": "入户走访", "style": 1, "key": "visit:home"}],
    }
    sent = await wecom_api.send("zhangsan", "template_card", card)
    assert sent.response_code
    await wecom_api.update_card_button("zhangsan", sent.response_code, "✓ 入户走访")
    assert fake.card_updates[0]["button"] == {"replace_name": "✓ 入户走访"}
    with pytest.raises(WeComError):  # a response code works once
        await wecom_api.update_card_button("zhangsan", sent.response_code, "✓ 入户走访")


async def test_robot_markdown_image_and_file(wecom_api: WeComApi, fake: FakeWeComApi) -> None:
    await wecom_api.robot_send("key-1", {"msgtype": "markdown", "markdown": {"content": "## 日报"}})
    await wecom_api.robot_send("key-1", robot_image_body(PNG))
    media_id = await wecom_api.robot_upload("key-1", b"PK\x03\x04ledger", "台账.xlsx")
    await wecom_api.robot_send("key-1", {"msgtype": "file", "file": {"media_id": media_id}})
    markdown, image, file = fake.robots["key-1"]
    assert markdown["markdown"]["content"] == "## 日报"
    assert base64.b64decode(image["image"]["base64"]) == PNG
    assert image["image"]["md5"] == hashlib.md5(PNG).hexdigest()
    assert file["file"]["media_id"] == media_id
    assert fake.tokens_issued == 0  # robots need no token


async def test_robot_calls_work_without_app_credentials(fake: FakeWeComApi) -> None:
    async with WeComApi(fake.url) as robots_only:
        await robots_only.robot_send("key-2", {"msgtype": "text", "text": {"content": "hi"}})
        with pytest.raises(WeComError):
            await robots_only.send_text("zhangsan", "x")
    assert len(fake.robots["key-2"]) == 1


async def test_a_removed_robot_is_permanent(wecom_api: WeComApi, fake: FakeWeComApi) -> None:
    fake.remove_robot("key-3")
    with pytest.raises(WeComError) as caught:
        await wecom_api.robot_send("key-3", {"msgtype": "text", "text": {"content": "hi"}})
    assert caught.value.errcode == 93000
    assert caught.value.permanent


async def test_the_robot_limit_is_twenty_a_minute(
    wecom_api: WeComApi, fake: FakeWeComApi, clock: FakeClock
) -> None:
    message = {"msgtype": "text", "text": {"content": "hi"}}
    for _ in range(20):
        await wecom_api.robot_send("key-4", message)
    with pytest.raises(WeComError) as caught:
        await wecom_api.robot_send("key-4", message)
    assert caught.value.errcode == 45009
    assert caught.value.retryable
    clock.advance(seconds=60)
    await wecom_api.robot_send("key-4", message)
    assert len(fake.robots["key-4"]) == 21


async def test_an_unreachable_server_is_retryable(fake: FakeWeComApi) -> None:
    url = fake.url
    await fake.stop()
    async with WeComApi(url, corp_id=CORP_ID, secret=SECRET, agent_id=AGENT_ID) as api:
        with pytest.raises(WeComError) as caught:
            await api.send_text("zhangsan", "x")
    assert caught.value.errcode is None
    assert caught.value.retryable


async def test_the_fake_wakes_a_waiter_when_messages_arrive(
    wecom_api: WeComApi, fake: FakeWeComApi
) -> None:
    waiter = asyncio.create_task(fake.wait_messages("zhangsan", 2))
    await wecom_api.send_text("zhangsan", "一")
    await wecom_api.send_text("zhangsan", "二")
    messages = await waiter
    assert [m["text"]["content"] for m in messages] == ["一", "二"]


async def test_the_fake_fails_a_seeded_share_of_sends(
    wecom_api: WeComApi, fake: FakeWeComApi
) -> None:
    fake.set_fault_rate(0.3)
    errors: list[WeComError] = []
    for number in range(40):
        while True:
            try:
                await wecom_api.send_text("zhangsan", str(number))
                break
            except WeComError as error:
                errors.append(error)
    assert fake.texts("zhangsan") == [str(n) for n in range(40)]
    assert 5 <= len(errors) <= 30
    assert {error.errcode for error in errors} == {45009, -1}
    assert all(error.retryable for error in errors)


@pytest.mark.parametrize("path", ["message/send", "webhook/send"])
async def test_a_message_whose_answer_was_cut_off_may_have_been_posted(
    wecom_api: WeComApi, fake: FakeWeComApi, path: str
) -> None:
    fake.hang_next(path, drop=True)  # taken, then the connection closed
    sending: Awaitable[object]
    if path == "message/send":
        sending = wecom_api.send_text("zhangsan", "你好")
    else:
        sending = wecom_api.robot_send("key-5", {"msgtype": "text", "text": {"content": "你好"}})
    with pytest.raises(WeComError) as caught:
        await sending
    assert caught.value.sent_maybe
    assert not caught.value.retryable
    assert not caught.value.permanent
    assert len(fake.messages["zhangsan"]) + len(fake.robots["key-5"]) == 1


async def test_a_message_that_timed_out_may_have_been_posted(fake: FakeWeComApi) -> None:
    async with WeComApi(
        fake.url, corp_id=CORP_ID, secret=SECRET, agent_id=AGENT_ID, timeout=0.5
    ) as api:
        fake.hang_next("message/send")
        with pytest.raises(WeComError) as caught:
            await api.send_text("zhangsan", "你好")
    assert caught.value.sent_maybe
    assert fake.texts("zhangsan") == ["你好"]


async def test_an_upload_cut_off_is_safe_to_retry(wecom_api: WeComApi, fake: FakeWeComApi) -> None:
    fake.hang_next("media/upload", drop=True)
    with pytest.raises(WeComError) as caught:
        await wecom_api.upload_media("file", b"PK\x03\x04 ledger", "台账.xlsx")
    assert not caught.value.sent_maybe
    assert caught.value.retryable


async def test_a_message_that_never_left_is_safe_to_retry(fake: FakeWeComApi) -> None:
    url = fake.url
    await fake.stop()
    async with WeComApi(url) as api:
        with pytest.raises(WeComError) as caught:
            await api.robot_send("key-6", {"msgtype": "text", "text": {"content": "x"}})
    assert not caught.value.sent_maybe
    assert caught.value.retryable
