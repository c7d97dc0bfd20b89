"""WeCom's side of the callback: plaintext XML as WeCom writes it, encrypted, signed and posted."""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import aiohttp

from bot.channels.wecom_crypto import WeComCrypto
from domain.clock import Clock

__all__ = [
    "CallbackClient",
    "Posted",
    "card_press",
    "event",
    "file",
    "image",
    "location",
    "text",
    "voice",
]

CORP_ID = "ww1436e0e65a779aee"
AGENT_ID = "1000002"


def _xml(user: str, create_time: int, kind: str, **fields: str) -> str:
    inner = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in fields.items())
    return (
        f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
        f"<FromUserName><![CDATA[{user}]]></FromUserName>"
        f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[{kind}]]></MsgType>"
        f"{inner}<AgentID>{AGENT_ID}</AgentID></xml>"
    )


def text(user: str, content: str, msg_id: int, create_time: int) -> str:
    return _xml(user, create_time, "text", Content=content, MsgId=str(msg_id))


def location(user: str, lat: float, lng: float, msg_id: int, create_time: int) -> str:
    return _xml(
        user,
        create_time,
        "location",
        Location_X=str(lat),
        Location_Y=str(lng),
        Scale="15",
        Label="安徽省马鞍山市花山区",
        MsgId=str(msg_id),
    )


def image(user: str, media_id: str, msg_id: int, create_time: int) -> str:
    url = "https://wework.qpic.cn/fake.jpg"
    return _xml(user, create_time, "image", PicUrl=url, MediaId=media_id, MsgId=str(msg_id))


def voice(user: str, msg_id: int, create_time: int) -> str:
    return _xml(user, create_time, "voice", MediaId="voice-1", Format="amr", MsgId=str(msg_id))


def file(user: str, name: str, msg_id: int, create_time: int) -> str:
    return _xml(user, create_time, "file", MediaId="file-1", FileName=name, MsgId=str(msg_id))


def event(user: str, name: str, create_time: int, key: str = "") -> str:
    return _xml(user, create_time, "event", Event=name, EventKey=key)


def card_press(user: str, key: str, task_id: str, response_code: str, create_time: int) -> str:
    return _xml(
        user,
        create_time,
        "event",
        Event="template_card_event",
        EventKey=key,
        TaskId=task_id,
        CardType="button_interaction",
        ResponseCode=response_code,
    )


@dataclass(frozen=True, slots=True)
class Posted:
    status: int
    body: str
    params: dict[str, str]
    data: str


@dataclass
class CallbackClient:
    """Posts callbacks to the bot as WeCom would: encrypted with the app's key, signed, timed."""

    url: str
    crypto: WeComCrypto
    clock: Clock
    session: aiohttp.ClientSession
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(7_000_000_001))

    def next_id(self) -> int:
        return next(self._ids)

    def now(self) -> int:
        return int(self.clock.now().timestamp())

    def sign(self, plain: str, *, timestamp: int | None = None) -> tuple[dict[str, str], str]:
        """The query and body of one callback for `plain`, with a fresh nonce."""
        stamp = str(self.now() if timestamp is None else timestamp)
        nonce = str(secrets.randbelow(10**10))
        ciphertext, signature = self.crypto.seal(plain.encode(), stamp, nonce)
        params = {"msg_signature": signature, "timestamp": stamp, "nonce": nonce}
        body = (
            f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
            f"<Encrypt><![CDATA[{ciphertext}]]></Encrypt>"
            f"<AgentID><![CDATA[{AGENT_ID}]]></AgentID></xml>"
        )
        return params, body

    async def send(self, params: dict[str, str], data: str) -> Posted:
        async with self.session.post(self.url, params=params, data=data.encode()) as response:
            return Posted(response.status, await response.text(), params, data)

    async def post(self, plain: str, *, timestamp: int | None = None) -> Posted:
        params, data = self.sign(plain, timestamp=timestamp)
        return await self.send(params, data)

    async def verify_url(self, echo: str) -> Posted:
        stamp, nonce = str(self.now()), str(secrets.randbelow(10**10))
        echostr, signature = self.crypto.seal(echo.encode(), stamp, nonce)
        params = {"msg_signature": signature, "timestamp": stamp, "nonce": nonce}
        async with self.session.get(self.url, params={**params, "echostr": echostr}) as response:
            return Posted(response.status, await response.text(), params, "")

    async def text(self, user: str, content: str) -> Posted:
        return await self.post(text(user, content, self.next_id(), self.now()))
