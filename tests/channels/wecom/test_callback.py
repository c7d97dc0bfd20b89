"""The callback endpoint on 127.0.0.1: verification, refusals that process nothing, retries, order."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import aiohttp
import pytest
from aiohttp import web
from yarl import URL

from bot.channels.wecom_callback import CALLBACK_PATH, WeComCallback
from bot.channels.wecom_crypto import WeComCrypto
from bot.channels.wecom_xml import CardPress, Inbound
from handlers.messages import Photo, Pressed, Text
from tests.channels.wecom import callbacks as cb
from tests.channels.wecom import vectors as v
from tests.channels.wecom.callbacks import CallbackClient
from tests.transcript import FakeClock


@dataclass
class Endpoint:
    callback: WeComCallback
    client: CallbackClient
    clock: FakeClock
    seen: list[Inbound] = field(default_factory=list)
    gates: dict[str, asyncio.Event] = field(default_factory=dict)
    reached: dict[str, asyncio.Event] = field(default_factory=dict)

    def arrival(self, said: str) -> asyncio.Event:
        """Set once the text `said` has been worked on."""
        return self.reached.setdefault(said, asyncio.Event())

    async def settled(self) -> list[Inbound]:
        await self.callback.join()
        return self.seen

    def texts(self) -> list[str]:
        return [i.incoming.event.text for i in self.seen if isinstance(i.incoming.event, Text)]


@pytest.fixture
async def endpoint(clock: FakeClock) -> AsyncIterator[Endpoint]:
    crypto = WeComCrypto(v.TOKEN, v.AES_KEY, v.CORP_ID)
    ended: list[Endpoint] = []  # the one this fixture yields, made once the client exists

    async def work(inbound: Inbound) -> None:
        [endpoint] = ended
        event = inbound.incoming.event
        said = event.text if isinstance(event, Text) else ""
        if said in endpoint.gates:
            await endpoint.gates[said].wait()
        endpoint.seen.append(inbound)
        endpoint.arrival(said).set()

    callback = WeComCallback(crypto, clock, work)
    app = web.Application()
    callback.add_routes(app)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{port}{CALLBACK_PATH}"
            client = CallbackClient(url, crypto, clock, session)
            ended.append(Endpoint(callback, client, clock))
            yield ended[0]
    finally:
        await runner.cleanup()


def _at(clock: FakeClock, timestamp: str) -> None:
    clock.moment = datetime.fromtimestamp(int(timestamp), UTC)


async def test_url_verification_with_the_official_vector(endpoint: Endpoint) -> None:
    _at(endpoint.clock, v.URL_TIMESTAMP)
    params = {
        "msg_signature": v.URL_SIGNATURE,
        "timestamp": v.URL_TIMESTAMP,
        "nonce": v.URL_NONCE,
        "echostr": v.URL_ECHOSTR,
    }
    async with endpoint.client.session.get(endpoint.client.url, params=params) as response:
        assert response.status == 200
        assert response.content_type == "text/plain"
        assert await response.text() == v.URL_ECHO
    wrong = {**params, "msg_signature": "0" * 40}
    async with endpoint.client.session.get(endpoint.client.url, params=wrong) as response:
        assert (response.status, await response.text()) == (403, "")
    async with endpoint.client.session.get(endpoint.client.url) as response:
        assert response.status == 400
    endpoint.clock.advance(minutes=6)
    async with endpoint.client.session.get(endpoint.client.url, params=params) as response:
        assert response.status == 403


async def test_url_verification_with_a_fresh_echo(endpoint: Endpoint) -> None:
    answered = await endpoint.client.verify_url("5927618312345")
    assert (answered.status, answered.body) == (200, "5927618312345")


async def test_url_verification_with_an_unescaped_plus(endpoint: Endpoint) -> None:
    """A "+" sent raw in the query reads as a space; the echostr is base64, so it was a "+"."""
    _at(endpoint.clock, v.URL_TIMESTAMP)
    assert "+" in v.URL_ECHOSTR
    raw = (
        f"{endpoint.client.url}?msg_signature={v.URL_SIGNATURE}&timestamp={v.URL_TIMESTAMP}"
        f"&nonce={v.URL_NONCE}&echostr={v.URL_ECHOSTR}"
    )
    async with endpoint.client.session.get(URL(raw, encoded=True)) as response:
        assert (response.status, await response.text()) == (200, v.URL_ECHO)


async def test_the_official_message_is_answered_empty_and_handled(endpoint: Endpoint) -> None:
    _at(endpoint.clock, v.POST_TIMESTAMP)
    params = {
        "msg_signature": v.POST_SIGNATURE,
        "timestamp": v.POST_TIMESTAMP,
        "nonce": v.POST_NONCE,
    }
    first = await endpoint.client.send(params, v.POST_BODY)
    assert (first.status, first.body) == (200, "")
    [inbound] = await endpoint.settled()
    assert inbound.incoming.event == Text("你好")
    assert inbound.incoming.actor.user_id == "ChenJiaShun"
    assert inbound.incoming.update_key == "wecom:1456453720"

    replayed = await endpoint.client.send(params, v.POST_BODY)
    assert replayed.status == 403
    assert len(await endpoint.settled()) == 1
    assert endpoint.callback.stats.refused == 1


async def test_tampered_callbacks_are_refused_and_nothing_is_processed(
    endpoint: Endpoint, caplog: pytest.LogCaptureFixture
) -> None:
    client = endpoint.client
    params, body = client.sign(cb.text("u1", "15", 1, client.now()))
    bad_signature = {**params, "msg_signature": "f" * 40}
    assert (await client.send(bad_signature, body)).status == 403
    encrypt = _encrypt_of(body)
    flipped = ("B" if encrypt[0] == "A" else "A") + encrypt[1:]
    assert (await client.send(params, body.replace(encrypt, flipped))).status == 403
    assert (await client.send({**params, "nonce": params["nonce"] + "1"}, body)).status == 403
    missing = {k: val for k, val in params.items() if k != "nonce"}
    assert (await client.send(missing, body)).status == 400
    assert (await client.send(params, "<xml><Encrypt>")).status == 400
    assert (await client.send({**params, "timestamp": "soon"}, body)).status == 400

    # Signed with our token and key but for another corp: decrypts, then is refused.
    other = WeComCrypto(v.TOKEN, v.AES_KEY, "wwffffffffffffffff")
    stranger = CallbackClient(client.url, other, client.clock, client.session)
    assert (await stranger.post(cb.text("u1", "15", 2, client.now()))).status == 403

    # A valid signature over an inner document carrying a DTD: refused by the parser.
    bomb = '<!DOCTYPE xml [<!ENTITY a "aaaa">]><xml><FromUserName>&a;</FromUserName></xml>'
    assert (await client.post(bomb)).status == 400

    assert await endpoint.settled() == []
    assert endpoint.callback.stats.refused == 8
    assert endpoint.callback.stats.queued == 0
    assert "refused WeCom POST" in caplog.text
    assert "msg_signature does not match" in caplog.text
    assert "WrongReceiver" in caplog.text


async def test_stale_and_future_timestamps_are_refused(endpoint: Endpoint) -> None:
    client = endpoint.client
    now = client.now()
    for stamp in (now - 301, now + 301):
        assert (
            await client.post(cb.text("u1", "x", client.next_id(), now), timestamp=stamp)
        ).status == 403
    for stamp in (now - 299, now + 299):
        assert (
            await client.post(cb.text("u1", "y", client.next_id(), now), timestamp=stamp)
        ).status == 200
    assert [i.incoming.event for i in await endpoint.settled()] == [Text("y"), Text("y")]
    assert endpoint.callback.stats.refused == 2


def _encrypt_of(body: str) -> str:
    found = re.search(r"<Encrypt><!\[CDATA\[([^\]]+)\]\]></Encrypt>", body)
    assert found
    return found.group(1)


async def test_a_replayed_nonce_is_refused_until_well_outside_the_window(
    endpoint: Endpoint,
) -> None:
    client = endpoint.client
    params, body = client.sign(cb.text("u1", "15", 1, client.now()))
    nonce = params["nonce"]

    def signed_now() -> dict[str, str]:
        """The same nonce in a new, properly signed request."""
        stamp = str(client.now())
        signature = client.crypto.signature(stamp, nonce, _encrypt_of(body))
        return {"msg_signature": signature, "timestamp": stamp, "nonce": nonce}

    assert (await client.send(params, body)).status == 200
    endpoint.clock.advance(minutes=4)
    assert (await client.send(params, body)).status == 403
    assert (await client.send(signed_now(), body)).status == 403
    endpoint.clock.advance(minutes=5)
    assert (await client.send(signed_now(), body)).status == 403
    endpoint.clock.advance(minutes=2)  # 11 minutes after the first: the nonce is forgotten
    assert (await client.send(signed_now(), body)).status == 200
    # The message itself is the same MsgId: dropped in memory, never queued twice.
    assert len(await endpoint.settled()) == 1
    assert endpoint.callback.stats.duplicates == 1
    assert endpoint.callback.stats.refused == 3


async def test_a_retry_of_the_same_message_is_queued_once(endpoint: Endpoint) -> None:
    client = endpoint.client
    plain = cb.text("u1", "15", 77, client.now())
    answers = await asyncio.gather(*(client.post(plain) for _ in range(4)))
    assert [a.status for a in answers] == [200] * 4  # each retry has its own nonce
    [inbound] = await endpoint.settled()
    assert inbound.incoming.update_key == "wecom:77"
    assert endpoint.callback.stats.duplicates == 3


async def test_one_persons_callbacks_run_in_order_others_do_not_wait(endpoint: Endpoint) -> None:
    client = endpoint.client
    endpoint.gates["a1"] = asyncio.Event()
    for user, said in (("a", "a1"), ("a", "a2"), ("b", "b1")):
        answered = await client.text(user, said)
        assert (answered.status, answered.body) == (200, "")  # answered while "a1" still waits
    await endpoint.arrival("b1").wait()
    assert endpoint.texts() == ["b1"]  # a2 waits behind a1
    endpoint.gates["a1"].set()
    await endpoint.settled()
    assert endpoint.texts() == ["b1", "a1", "a2"]


async def test_events_photos_and_card_presses(endpoint: Endpoint) -> None:
    client = endpoint.client
    now = client.now()
    assert (await client.post(cb.event("u1", "enter_agent", now))).status == 200
    assert (await client.post(cb.image("u1", "MEDIA-9", client.next_id(), now))).status == 200
    press = cb.card_press("u1", "f:1:x:y", "zf-1", "RC-1", now)
    assert (await client.post(press)).status == 200
    assert (await client.post(press)).status == 200  # WeCom's retry of the press
    photo, pressed = await endpoint.settled()
    assert photo.incoming.event == Photo("MEDIA-9")
    assert pressed.incoming.event == Pressed("f:1:x:y")
    assert pressed.card == CardPress("u1", "zf-1", "f:1:x:y", "RC-1")
    stats = endpoint.callback.stats
    assert (stats.ignored, stats.queued, stats.duplicates, stats.done) == (1, 2, 1, 2)


async def test_an_oversized_body_is_refused(endpoint: Endpoint) -> None:
    client = endpoint.client
    params, _ = client.sign(cb.text("u1", "x", 1, client.now()))
    assert (await client.send(params, "<xml>" + "a" * 70_000 + "</xml>")).status == 413
    assert await endpoint.settled() == []


async def test_a_failing_worker_is_logged_and_the_next_callback_still_runs(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    crypto = WeComCrypto(v.TOKEN, v.AES_KEY, v.CORP_ID)
    done: list[str] = []

    async def work(inbound: Inbound) -> None:
        event = inbound.incoming.event
        assert isinstance(event, Text)
        if event.text == "boom":
            raise RuntimeError("boom")
        done.append(event.text)

    callback = WeComCallback(crypto, clock, work)
    app = web.Application()
    callback.add_routes(app)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{runner.addresses[0][1]}{CALLBACK_PATH}"
            client = CallbackClient(url, crypto, clock, session)
            await client.text("u1", "boom")
            await client.text("u1", "after")
            await callback.join()
    finally:
        await runner.cleanup()
    assert done == ["after"]
    assert (callback.stats.failed, callback.stats.done) == (1, 1)
    assert "could not handle WeCom wecom:" in caplog.text


async def test_a_body_in_several_chunks_is_read_whole(endpoint: Endpoint) -> None:
    """A body split across TCP segments (here chunked, with pauses) is not cut short."""
    client = endpoint.client
    params, data = client.sign(cb.text("zhangsan", "分几段送达", client.next_id(), client.now()))
    raw = data.encode()
    pieces = [raw[i : i + 40] for i in range(0, len(raw), 40)]
    assert len(pieces) > 3

    async def in_chunks() -> AsyncIterator[bytes]:
        for piece in pieces:
            await asyncio.sleep(0)  # each piece its own write
            yield piece

    async with client.session.post(client.url, params=params, data=in_chunks()) as response:
        assert response.status == 200
    assert [i.incoming.event for i in await endpoint.settled()] == [Text("分几段送达")]


async def test_a_chunked_body_over_the_cap_is_refused(endpoint: Endpoint) -> None:
    client = endpoint.client
    params, _ = client.sign(cb.text("zhangsan", "x", client.next_id(), client.now()))

    async def endless() -> AsyncIterator[bytes]:
        for _ in range(80):
            yield b"a" * 1024

    async with client.session.post(client.url, params=params, data=endless()) as response:
        assert response.status == 413
    assert await endpoint.settled() == []
