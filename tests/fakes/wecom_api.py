"""A fake WeCom server API on 127.0.0.1: tokens, app messages, media, group robots, faults."""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import itertools
import json
import random
import re
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Self

from aiohttp import web

__all__ = ["AGENT_ID", "CORP_ID", "SECRET", "FakeWeComApi", "Upload"]

JSON = dict[str, Any]
CORP_ID = "wwfakecorp0001"
SECRET = "fake-app-secret"
AGENT_ID = 1000002

_TEXT_BYTES = 2048
_APP_MARKDOWN_BYTES = 2048
_ROBOT_MARKDOWN_BYTES = 4096
_ROBOT_IMAGE_BYTES = 2 * 1024 * 1024
_MEDIA_LIMITS = {"image": 10 * 1024 * 1024, "file": 20 * 1024 * 1024}
_TASK_ID = re.compile(r"[0-9A-Za-z_\-@]{1,128}")
_ROBOT_WINDOW = timedelta(minutes=1)
_FAULTABLE = frozenset({"message/send", "webhook/send", "media/upload", "webhook/upload_media"})


class _Refused(Exception):
    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(errmsg)
        self.errcode, self.errmsg = errcode, errmsg


class _SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Upload:
    kind: str
    filename: str
    content: bytes


@dataclass(slots=True)
class _Fault:
    errcode: int
    path: str | None
    remaining: int
    status: int = 200
    after: int = 0  # calls let through first


class FakeWeComApi:
    """WeCom double: the client talks HTTP to it; tests inspect what was accepted, in order.

    Accepted app messages are kept per userid (`messages`), robot messages per key (`robots`),
    each as the JSON body that was posted. Unknown robot keys are accepted unless removed.
    """

    def __init__(
        self,
        *,
        corp_id: str = CORP_ID,
        secret: str = SECRET,
        agent_id: int = AGENT_ID,
        clock: Any = None,
        token_ttl: int = 7200,
        robot_limit: int = 20,
        seed: int = 0,
    ) -> None:
        self.corp_id, self.secret, self.agent_id = corp_id, secret, agent_id
        self.clock = clock or _SystemClock()
        self.token_ttl, self.robot_limit = token_ttl, robot_limit
        self._random = random.Random(seed)
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._changed = asyncio.Condition()
        self._released = asyncio.Event()
        self._ids = itertools.count(1)
        self.reset()

    def reset(self) -> None:
        """Forget everything accepted, tokens and faults (ids keep increasing)."""
        self.messages: defaultdict[str, list[JSON]] = defaultdict(list)
        self.robots: defaultdict[str, list[JSON]] = defaultdict(list)
        self.uploads: dict[str, Upload] = {}
        self.card_updates: list[JSON] = []
        self.calls: list[tuple[str, int]] = []  # (path, errcode answered)
        self.tokens_issued = 0
        self.removed_robots: set[str] = set()
        self.unknown_users: set[str] = set()
        self._tokens: dict[str, datetime] = {}  # token → expiry
        self._robot_sends: defaultdict[str, deque[datetime]] = defaultdict(deque)
        self._response_codes: dict[str, str] = {}  # code → userid
        self._task_ids: set[str] = set()
        self._faults: list[_Fault] = []
        self._hangs: list[tuple[str, bool]] = []  # (path, drop the connection)
        self._fault_rate = 0.0
        self._fault_codes: tuple[int, ...] = (45009, -1)

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        if not self._port:
            raise RuntimeError("FakeWeComApi is not started")
        return f"http://127.0.0.1:{self._port}"

    async def start(self) -> None:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get("/cgi-bin/gettoken", self._gettoken)
        app.router.add_post("/cgi-bin/{path:.+}", self._post)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        self._released.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner, self._port = None, 0

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # -- faults ------------------------------------------------------------------------------

    def expire_tokens(self) -> None:
        """Every token issued so far answers 42001 from now on."""
        moment = self.clock.now()
        self._tokens = dict.fromkeys(self._tokens, moment)

    def fail_next(
        self,
        errcode: int,
        *,
        times: int = 1,
        path: str | None = None,
        status: int = 200,
        after: int = 0,
    ) -> None:
        """The next `times` calls (to `path`, e.g. "message/send", or any) answer `errcode`,
        once `after` such calls have gone through.

        With `status` other than 200 the answer is that HTTP status instead.
        """
        self._faults.append(_Fault(errcode, path, times, status, after))

    def hang_next(self, path: str, *, drop: bool = False) -> None:
        """The next call to `path` is taken (a message is posted) but never answered: the
        answer is held until the fake stops, or with `drop` the connection is closed."""
        self._hangs.append((path, drop))

    def set_fault_rate(self, rate: float, errcodes: tuple[int, ...] = (45009, -1)) -> None:
        """A share of sends and uploads answer one of `errcodes` (seeded, so runs repeat)."""
        self._fault_rate, self._fault_codes = rate, errcodes

    def remove_robot(self, key: str) -> None:
        """The robot was taken out of its group: its key answers 93000."""
        self.removed_robots.add(key)

    # -- inspection --------------------------------------------------------------------------

    def texts(self, userid: str) -> list[str]:
        """The text and markdown contents sent to a member, in order."""
        sent = self.messages[userid]
        return [m[m["msgtype"]]["content"] for m in sent if m["msgtype"] in ("text", "markdown")]

    def robot_markdowns(self, key: str) -> list[str]:
        return [m["markdown"]["content"] for m in self.robots[key] if m["msgtype"] == "markdown"]

    async def wait_messages(self, userid: str, count: int, seconds: float = 5.0) -> list[JSON]:
        """The member's messages once there are at least `count` (TimeoutError otherwise)."""
        async with asyncio.timeout(seconds), self._changed:
            await self._changed.wait_for(lambda: len(self.messages[userid]) >= count)
        return list(self.messages[userid])

    # -- handlers ----------------------------------------------------------------------------

    async def _gettoken(self, request: web.Request) -> web.Response:
        query = request.query
        if query.get("corpid") != self.corp_id:
            return self._answer("gettoken", 40013, "invalid corpid")
        if query.get("corpsecret") != self.secret:
            return self._answer("gettoken", 40001, "invalid credential")
        token = f"tok-{next(self._ids)}"
        self._tokens[token] = self.clock.now() + timedelta(seconds=self.token_ttl)
        self.tokens_issued += 1
        return self._answer("gettoken", 0, "ok", access_token=token, expires_in=self.token_ttl)

    async def _post(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        handlers: dict[str, Callable[[web.Request], Any]] = {
            "message/send": self._send,
            "message/update_template_card": self._update_card,
            "media/upload": self._upload,
            "webhook/send": self._robot_send,
            "webhook/upload_media": self._robot_upload,
        }
        handler = handlers.get(path)
        if handler is None:
            return web.Response(status=404)
        try:
            if path.startswith("webhook/"):
                self._check_robot(request.query.get("key", ""))
            else:
                self._check_token(request.query.get("access_token", ""))
            if (status := self._injected(path)) is not None:
                return web.Response(status=status, text="injected")
            extra = await handler(request)
        except _Refused as refused:
            return self._answer(path, refused.errcode, refused.errmsg)
        async with self._changed:
            self._changed.notify_all()
        hang = next((h for h in self._hangs if h[0] == path), None)
        if hang is not None:
            self._hangs.remove(hang)
            self.calls.append((path, 0))
            if hang[1] and request.transport is not None:
                request.transport.close()
            await self._released.wait()
            return web.Response(status=503)
        return self._answer(path, 0, "ok", **extra)

    def _answer(self, path: str, errcode: int, errmsg: str, **extra: Any) -> web.Response:
        self.calls.append((path, errcode))
        return web.json_response({"errcode": errcode, "errmsg": errmsg, **extra})

    def _check_token(self, token: str) -> None:
        expiry = self._tokens.get(token)
        if expiry is None:
            raise _Refused(40014, "invalid access_token")
        if self.clock.now() >= expiry:
            raise _Refused(42001, "access_token expired")

    def _check_robot(self, key: str) -> None:
        if not key or key in self.removed_robots:
            raise _Refused(93000, "invalid webhook url")

    def _injected(self, path: str) -> int | None:
        """Raise an injected errcode, or return an injected HTTP status."""
        for fault in self._faults:
            if fault.path in (None, path) and fault.after > 0:
                fault.after -= 1
                continue
            if fault.path in (None, path) and fault.remaining > 0:
                fault.remaining -= 1
                if fault.status != 200:
                    return fault.status
                raise _Refused(fault.errcode, "injected")
        if path in _FAULTABLE and self._random.random() < self._fault_rate:
            raise _Refused(self._random.choice(self._fault_codes), "injected")
        return None

    async def _json(self, request: web.Request) -> JSON:
        try:
            body = json.loads(await request.read())
        except ValueError as error:
            raise _Refused(47001, "data format error") from error
        if not isinstance(body, dict):
            raise _Refused(47001, "data format error")
        return body

    async def _send(self, request: web.Request) -> JSON:
        body = await self._json(request)
        if body.get("agentid") != self.agent_id:
            raise _Refused(40056, "invalid agentid")
        userid = str(body.get("touser", ""))
        if not userid or userid in self.unknown_users:
            raise _Refused(81013, "user & party & tag all invalid")
        msgtype = body.get("msgtype")
        content = body.get(msgtype) if isinstance(msgtype, str) else None
        if not isinstance(content, dict):
            raise _Refused(40008, "invalid message type")
        extra: JSON = {"msgid": f"msg-{next(self._ids)}"}
        if msgtype in ("text", "markdown"):
            limit = _TEXT_BYTES if msgtype == "text" else _APP_MARKDOWN_BYTES
            self._check_content(content.get("content"), limit)
        elif msgtype in ("image", "file"):
            upload = self.uploads.get(str(content.get("media_id")))
            if upload is None or upload.kind != msgtype:
                raise _Refused(40007, "invalid media_id")
        elif msgtype == "template_card":
            self._check_card(content)
            code = f"rc-{next(self._ids)}"
            self._response_codes[code] = userid
            extra["response_code"] = code
        else:
            raise _Refused(40008, "invalid message type")
        self.messages[userid].append(body)
        return extra

    @staticmethod
    def _check_content(content: Any, limit: int) -> None:
        if not isinstance(content, str) or not content.strip():
            raise _Refused(44004, "empty content")
        if len(content.encode()) > limit:
            raise _Refused(45002, "content size out of limit")

    def _check_card(self, card: JSON) -> None:
        if card.get("card_type") != "button_interaction":
            raise _Refused(40058, "only button_interaction cards are faked")
        task_id = str(card.get("task_id", ""))
        if not _TASK_ID.fullmatch(task_id) or task_id in self._task_ids:
            raise _Refused(40058, "invalid or repeated task_id")
        buttons = card.get("button_list")
        if not isinstance(buttons, list) or not 1 <= len(buttons) <= 6:
            raise _Refused(40058, "button_list must hold 1 to 6 buttons")
        keys = [str(button.get("key", "")) for button in buttons]
        if len(set(keys)) != len(keys) or any(not k or len(k.encode()) > 1024 for k in keys):
            raise _Refused(40058, "button keys must be unique, 1 to 1024 bytes")
        if not card.get("main_title", {}).get("title"):
            raise _Refused(40058, "main_title.title is required")
        self._task_ids.add(task_id)

    async def _update_card(self, request: web.Request) -> JSON:
        body = await self._json(request)
        code = str(body.get("response_code", ""))
        if code not in self._response_codes:
            raise _Refused(40058, "invalid or used response_code")
        del self._response_codes[code]
        self.card_updates.append(body)
        return {}

    async def _read_media(self, request: web.Request, kind: str) -> Upload:
        if kind not in _MEDIA_LIMITS:
            raise _Refused(40005, "invalid media type")
        form = await request.post()
        field = form.get("media")
        if not isinstance(field, web.FileField):
            raise _Refused(41005, "media data missing")
        content = field.file.read()
        if not 5 <= len(content) <= _MEDIA_LIMITS[kind]:
            raise _Refused(40006, "invalid file size")
        return Upload(kind, field.filename, content)

    async def _upload(self, request: web.Request) -> JSON:
        kind = request.query.get("type", "")
        upload = await self._read_media(request, kind)
        media_id = f"media-{next(self._ids)}"
        self.uploads[media_id] = upload
        return {
            "type": kind,
            "media_id": media_id,
            "created_at": str(int(self.clock.now().timestamp())),
        }

    async def _robot_upload(self, request: web.Request) -> JSON:
        if request.query.get("type") != "file":
            raise _Refused(40005, "invalid media type")
        upload = await self._read_media(request, "file")
        media_id = f"media-{next(self._ids)}"
        self.uploads[media_id] = upload
        return {
            "type": "file",
            "media_id": media_id,
            "created_at": str(int(self.clock.now().timestamp())),
        }

    async def _robot_send(self, request: web.Request) -> JSON:
        key = request.query["key"]
        body = await self._json(request)
        now = self.clock.now()
        window = self._robot_sends[key]
        while window and now - window[0] >= _ROBOT_WINDOW:
            window.popleft()
        if len(window) >= self.robot_limit:
            raise _Refused(45009, "api freq out of limit")
        msgtype = body.get("msgtype")
        content = body.get(msgtype) if isinstance(msgtype, str) else None
        if not isinstance(content, dict):
            raise _Refused(40008, "invalid message type")
        if msgtype == "text":
            self._check_content(content.get("content"), _TEXT_BYTES)
        elif msgtype == "markdown":
            self._check_content(content.get("content"), _ROBOT_MARKDOWN_BYTES)
        elif msgtype == "image":
            self._check_robot_image(content)
        elif msgtype == "file":
            upload = self.uploads.get(str(content.get("media_id")))
            if upload is None or upload.kind != "file":
                raise _Refused(40007, "invalid media_id")
        else:
            raise _Refused(40008, "invalid message type")
        window.append(now)
        self.robots[key].append(body)
        return {}

    @staticmethod
    def _check_robot_image(content: JSON) -> None:
        try:
            raw = base64.b64decode(str(content.get("base64", "")), validate=True)
        except binascii.Error as error:
            raise _Refused(40009, "invalid image base64") from error
        if not raw or len(raw) > _ROBOT_IMAGE_BYTES:
            raise _Refused(40009, "invalid image size")
        if hashlib.md5(raw).hexdigest() != content.get("md5"):
            raise _Refused(40009, "image md5 does not match")
