"""An async client for the WeCom server API: access token, app messages, media, group robots."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, Self

import aiohttp

from domain.clock import Clock, SystemClock

__all__ = [
    "DEFAULT_API_URL",
    "MediaKind",
    "Sent",
    "WeComApi",
    "WeComError",
    "robot_image_body",
]

DEFAULT_API_URL = "https://qyapi.weixin.qq.com"

MediaKind = Literal["image", "file"]
JSON = dict[str, Any]

# The token is renewed this long before WeCom says it expires, so no call races its expiry.
_RENEW_EARLY = timedelta(minutes=5)

# 42001 expired, 40014 invalid, 40001 "invalid credential" (also answered for a stale token).
_TOKEN_CODES = frozenset({42001, 40014, 40001})
# -1 busy, 45009 over a frequency limit, 45033 too many concurrent calls, 6000 version clash.
_RETRYABLE = frozenset({-1, 45009, 45033, 6000})
# Fixed by an administrator, not by the message: a wrong secret or corp id, an untrusted IP.
# Retrying later is right once the setting is fixed; dropping the message is not.
_SETUP = frozenset({40001, 40013, 40056, 41001, 41002, 41004, 60020})
# Calls that post a message: one that went out and got no answer may have been posted.
# Uploads and card updates are safe to repeat.
_POSTS = frozenset({"message/send", "webhook/send"})
# The request never left: nothing can have arrived.
_NOT_SENT = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)


class WeComError(Exception):
    """WeCom refused a call (`errcode` ≠ 0), or could not be reached (`errcode` None).

    `retryable`: the same call may work later (busy, over a limit, network, a server error).
    `permanent`: it never will (unknown member, robot removed from its group, bad content).
    Setup errors (wrong secret, untrusted IP) are neither: retry once an admin fixes them.
    `sent_maybe`: a message went out and its answer never came (a read timeout, the server
    hung up): WeCom may have posted it, so it must not be sent again (nor is it retryable).
    """

    def __init__(
        self, path: str, errcode: int | None, errmsg: str, *, sent_maybe: bool = False
    ) -> None:
        shown = "network" if errcode is None else str(errcode)
        super().__init__(f"WeCom {path}: {shown} {errmsg}")
        self.path = path
        self.errcode = errcode
        self.errmsg = errmsg
        self.sent_maybe = sent_maybe

    @property
    def retryable(self) -> bool:
        if self.errcode is None:
            return not self.sent_maybe
        return self.errcode in _RETRYABLE

    @property
    def permanent(self) -> bool:
        code = self.errcode
        return code is not None and code not in _RETRYABLE | _TOKEN_CODES | _SETUP


@dataclass(frozen=True, slots=True)
class Sent:
    """What message/send answered: the id to recall it, the code to update its card."""

    msgid: str
    response_code: str | None = None


@dataclass(frozen=True, slots=True)
class _Token:
    value: str
    renew_at: datetime


def robot_image_body(content: bytes) -> JSON:
    """A group robot image: the picture as base64 with the MD5 of its raw bytes."""
    return {
        "msgtype": "image",
        "image": {
            "base64": base64.b64encode(content).decode("ascii"),
            "md5": hashlib.md5(content).hexdigest(),  # WeCom's integrity check, not security
        },
    }


class WeComApi:
    """One app's calls (token cached and shared by concurrent callers) and group robot calls.

    Robots need no credentials, so an instance made without them serves robots only.
    Use as `async with WeComApi(...) as api:` or call `start()` / `close()`.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_API_URL,
        *,
        corp_id: str = "",
        secret: str = "",
        agent_id: int = 0,
        clock: Clock | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.agent_id = agent_id
        self._corp_id, self._secret = corp_id, secret
        self._clock = clock or SystemClock()
        # A connect that hangs ends before the whole call would, as a connect error: nothing
        # went out, so it is safe to retry (a total timeout may have posted the message).
        self._timeout = aiohttp.ClientTimeout(total=timeout, connect=timeout / 2)
        self._session: aiohttp.ClientSession | None = None
        self._token: _Token | None = None
        self._token_lock = asyncio.Lock()

    @property
    def started(self) -> bool:
        return self._session is not None

    async def start(self) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # -- the access token ---------------------------------------------------------------------

    async def access_token(self) -> str:
        """The app's token: cached, renewed shortly before it expires."""
        return (await self._fresh()).value

    async def _fresh(self) -> _Token:
        token = self._token
        if token is not None and self._clock.now() < token.renew_at:
            return token
        return await self._renew(token)

    async def _renew(self, stale: _Token | None) -> _Token:
        """A new token in place of `stale`; concurrent callers wait for one fetch and share it."""
        async with self._token_lock:
            current = self._token
            if (
                current is not None
                and current is not stale
                and self._clock.now() < current.renew_at
            ):
                return current
            if not self._corp_id or not self._secret:
                raise WeComError("gettoken", 41004, "no corp id or secret configured")
            answer = await self._call(
                "GET", "/cgi-bin/gettoken", {"corpid": self._corp_id, "corpsecret": self._secret}
            )
            lifetime = timedelta(seconds=int(answer.get("expires_in", 7200)))
            renew_at = self._clock.now() + max(lifetime - _RENEW_EARLY, lifetime / 2)
            self._token = _Token(str(answer["access_token"]), renew_at)
            return self._token

    async def _with_token(
        self,
        method: str,
        path: str,
        query: dict[str, str] | None = None,
        *,
        body: JSON | None = None,
        media: tuple[bytes, str] | None = None,
    ) -> JSON:
        """A call that needs the token; one WeCom refuses is renewed and the call made once more."""
        token = await self._fresh()
        try:
            return await self._call(
                method, path, {**(query or {}), "access_token": token.value}, body=body, media=media
            )
        except WeComError as error:
            if error.errcode not in _TOKEN_CODES:
                raise
        token = await self._renew(token)
        return await self._call(
            method, path, {**(query or {}), "access_token": token.value}, body=body, media=media
        )

    # -- app messages and media ---------------------------------------------------------------

    async def send(self, touser: str, msgtype: str, content: JSON) -> Sent:
        """message/send of one message of `msgtype` (`content` is that type's object)."""
        body: JSON = {
            "touser": touser,
            "msgtype": msgtype,
            "agentid": self.agent_id,
            msgtype: content,
        }
        answer = await self._with_token("POST", "/cgi-bin/message/send", body=body)
        invalid = str(answer.get("invaliduser") or "")
        if touser.lower() in invalid.lower().split("|"):
            raise WeComError("message/send", 40003, f"invalid user {touser}")
        code = answer.get("response_code")
        return Sent(str(answer.get("msgid", "")), str(code) if code else None)

    async def send_text(self, touser: str, text: str) -> Sent:
        return await self.send(touser, "text", {"content": text})

    async def update_card_button(self, userid: str, response_code: str, replace_name: str) -> None:
        """Turn a pressed card's buttons into one greyed-out button reading `replace_name`."""
        body: JSON = {
            "userids": [userid],
            "agentid": self.agent_id,
            "response_code": response_code,
            "button": {"replace_name": replace_name},
        }
        await self._with_token("POST", "/cgi-bin/message/update_template_card", body=body)

    async def upload_media(self, kind: MediaKind, content: bytes, filename: str) -> str:
        """media/upload: a temporary file (kept 3 days) for image and file messages; its id."""
        answer = await self._with_token(
            "POST", "/cgi-bin/media/upload", {"type": kind}, media=(content, filename)
        )
        return str(answer["media_id"])

    # -- group robots -------------------------------------------------------------------------

    async def robot_send(self, key: str, message: JSON) -> None:
        """webhook/send: one message (`{"msgtype": ..., type: {...}}`) into the robot's group."""
        await self._call("POST", "/cgi-bin/webhook/send", {"key": key}, body=message)

    async def robot_upload(self, key: str, content: bytes, filename: str) -> str:
        """webhook/upload_media: a file for the robot's `file` messages; its media_id."""
        answer = await self._call(
            "POST",
            "/cgi-bin/webhook/upload_media",
            {"key": key, "type": "file"},
            media=(content, filename),
        )
        return str(answer["media_id"])

    # -- transport ----------------------------------------------------------------------------

    async def _call(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        *,
        body: JSON | None = None,
        media: tuple[bytes, str] | None = None,
    ) -> JSON:
        if self._session is None:
            raise RuntimeError("WeComApi is not started")
        name = path.removeprefix("/cgi-bin/")
        # A form can be sent only once, so each attempt builds its own.
        data: bytes | aiohttp.FormData | None = _media_form(*media) if media else None
        headers = {}
        if body is not None:
            # WeCom wants UTF-8 as is: an escaped character would count 6 bytes against its limits.
            data = json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json; charset=utf-8"
        try:
            async with self._session.request(
                method, self.base_url + path, params=query, data=data, headers=headers
            ) as response:
                if response.status != 200:
                    raise WeComError(name, None, f"HTTP {response.status}")
                answer = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            # A garbled 200 was answered too: WeCom had the request.
            maybe = name in _POSTS and not isinstance(error, _NOT_SENT)
            raise WeComError(
                name, None, f"{type(error).__name__}: {error}", sent_maybe=maybe
            ) from error
        if not isinstance(answer, dict):
            raise WeComError(name, None, "answer is not a JSON object")
        errcode = int(answer.get("errcode", 0))
        if errcode != 0:
            raise WeComError(name, errcode, str(answer.get("errmsg", "")))
        return answer


def _media_form(content: bytes, filename: str) -> aiohttp.FormData:
    # Raw UTF-8 in the filename, so a Chinese name is not sent percent-encoded.
    form = aiohttp.FormData(quote_fields=False)
    # A stream, not bytes: aiohttp warns that a large bytes body would block the event loop.
    form.add_field(
        "media", io.BytesIO(content), filename=filename, content_type="application/octet-stream"
    )
    return form
