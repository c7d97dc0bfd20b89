"""Fake Telegram Bot API server on aiohttp for end-to-end tests and benchmarks (fully offline)."""

from __future__ import annotations

import argparse
import asyncio
import inspect
import itertools
import json
import random
import signal
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Self

from aiohttp import web

from .rate_limits import RateLimits
from .telegram_objects import (
    ApiError,
    BotApiState,
    Call,
    Handler,
    JSONDict,
    UploadedFile,
    command_entities,
    decode_param,
    make_chat,
    make_message,
)

__all__ = ["ApiError", "Call", "FakeBotApi", "UploadedFile", "main"]

_MAX_UPLOAD = 64 * 1024 * 1024
_FAULT_EXEMPT = frozenset({"getUpdates"})  # wildcard/random faults there would only stall polling
_UNLIMITED_SENDS = frozenset({"sendChatAction"})  # not a message: outside the sending limits
_PUSH_KINDS = ("text", "command", "callback", "location", "photo", "sticker", "voice", "document")
_CONTROL_ACTIONS = frozenset(
    {f"push_{kind}" for kind in (*_PUSH_KINDS, "raw", "duplicate")}
    | {"fail_next", "set_fault_rate", "reset"}
)


@dataclass(slots=True)
class _Fault:
    method: str | None
    status: int
    retry_after: int | None
    description: str | None
    remaining: int
    migrate_to: int | None = None


@dataclass(frozen=True, slots=True)
class _RawResult:
    payload: bytes


class _Signal:
    """Broadcast wake-up: waiters re-check their predicate after every notify()."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, predicate: Callable[[], bool], seconds: float) -> bool:
        try:
            async with asyncio.timeout(seconds):
                while not predicate():
                    await self._event.wait()
        except TimeoutError:
            pass
        return predicate()


class FakeBotApi(BotApiState):
    """Bot API double: PTB talks HTTP to it; tests push updates and inspect what the bot did."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str | None = None,
        strict_chats: bool = False,
        fault_rate: float = 0.0,
        seed: int = 0,
        limits: RateLimits | None = None,
    ) -> None:
        """`limits`: refuse sends beyond Telegram's rates with 429 (injected faults come
        first and use none of the budget); None, the default, never refuses."""
        self._host, self._port, self._token = host, port, token
        self.limits = limits
        self._runner: web.AppRunner | None = None
        self._activity, self._updates_signal = _Signal(), _Signal()
        self._callback_seq = itertools.count(4_200_000_000_001)
        self._poll_generation, self._closing = 0, False
        super().__init__(strict_chats=strict_chats)
        self.set_fault_rate(fault_rate, seed=seed)

    def reset(self) -> None:
        """Forget calls, messages, chats, pending updates and faults; ids keep increasing."""
        super().reset()
        self.calls: list[Call] = []
        self._counts: Counter[str] = Counter()
        self._cursors: dict[int, int] = {}
        self._faults: list[_Fault] = []
        self.set_fault_rate(0.0)

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        if not self._port:
            raise RuntimeError("FakeBotApi is not started")
        return f"http://{self._host}:{self._port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    async def start(self) -> None:
        app = web.Application(client_max_size=_MAX_UPLOAD)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_get("/_control/{action}", self._handle_control_get)
        app.router.add_post("/_control/{action}", self._handle_control_post)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._host, self._port).start()
        self._port = self._runner.addresses[0][1]
        self._closing = False

    async def stop(self) -> None:
        if self._runner is None:
            return
        self._closing = True
        self._updates_signal.notify()  # release long polls so shutdown need not wait for them
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # -- injecting user activity -------------------------------------------------------------

    def push_raw(self, update: JSONDict) -> JSONDict:
        """Queue any update dict (update_id assigned when missing) and return it."""
        self._queue.assign_id(update)
        if query := update.get("callback_query"):
            self._callback_ids.add(str(query.get("id")))
        self._queue.push(update)
        self._updates_signal.notify()
        return update

    def push_duplicate(self, update: JSONDict) -> JSONDict:
        """Deliver `update` again with the same update_id, even if it was already confirmed."""
        self._queue.assign_id(update)
        self._queue.push(update, forced=True)
        self._updates_signal.notify()
        return update

    def push_text(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        first_name: str | None = None,
        language_code: str | None = None,
        username: str | None = None,
    ) -> JSONDict:
        """A user message; unknown users default to first_name "测试", language "zh-hans"."""
        self._user(user_id, first_name=first_name, language_code=language_code, username=username)
        content: JSONDict = {"text": text}
        if entities := command_entities(text):
            content["entities"] = entities
        return self._push_message(user_id, chat_id, content)

    def push_command(
        self, user_id: int, command: str, args: str = "", *, chat_id: int | None = None
    ) -> JSONDict:
        text = "/" + command.lstrip("/") + (f" {args}" if args else "")
        return self.push_text(user_id, text, chat_id=chat_id)

    def push_callback(
        self,
        user_id: int,
        data: str,
        *,
        message: JSONDict | None = None,
        chat_id: int | None = None,
    ) -> JSONDict:
        """A button press on `message` (default: the bot's last message in the chat)."""
        target = user_id if chat_id is None else chat_id
        if message is None and target in self._last_sent:
            message = self._messages.get((target, self._last_sent[target]))
        query: JSONDict = {
            "id": str(next(self._callback_seq)),
            "from": self._user(user_id),
            "chat_instance": str(abs(target) * 31 + 17),
            "data": data,
        }
        if message is not None:
            query["message"] = message
        self._known_chats.add(target)
        return self.push_raw({"callback_query": query})

    def push_location(
        self, user_id: int, latitude: float, longitude: float, *, chat_id: int | None = None
    ) -> JSONDict:
        location = {"latitude": latitude, "longitude": longitude}
        return self._push_message(user_id, chat_id, {"location": location})

    def push_photo(
        self,
        user_id: int,
        file_id: str | None = None,
        *,
        data: bytes = b"\xff\xd8\xff\xe0fake-jpeg",
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> JSONDict:
        stored = self._files.add(data, "photos", "photo.jpg", "image/jpeg", file_id)
        return self._push_message(user_id, chat_id, {"photo": stored.as_photo_sizes()}, caption)

    def push_sticker(
        self, user_id: int, file_id: str | None = None, *, chat_id: int | None = None
    ) -> JSONDict:
        stored = self._files.add(
            b"RIFF\x00\x00\x00\x00WEBP", "stickers", "s.webp", "image/webp", file_id
        )
        return self._push_message(user_id, chat_id, {"sticker": stored.as_sticker()})

    def push_voice(
        self,
        user_id: int,
        file_id: str | None = None,
        *,
        duration: int = 3,
        chat_id: int | None = None,
    ) -> JSONDict:
        stored = self._files.add(b"OggS\x00fake", "voice", "v.oga", "audio/ogg", file_id)
        return self._push_message(user_id, chat_id, {"voice": stored.as_voice(duration)})

    def push_document(
        self,
        user_id: int,
        *,
        file_name: str = "data.bin",
        data: bytes = b"fake-document",
        mime_type: str = "application/octet-stream",
        file_id: str | None = None,
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> JSONDict:
        stored = self._files.add(data, "documents", file_name, mime_type, file_id)
        return self._push_message(user_id, chat_id, {"document": stored.as_document()}, caption)

    def _push_message(
        self, user_id: int, chat_id: int | None, content: JSONDict, caption: str | None = None
    ) -> JSONDict:
        sender = self._user(user_id)
        target = user_id if chat_id is None else chat_id
        self._known_chats.add(target)
        chat = make_chat(target, self._users.get(target))
        extra = {} if caption is None else {"caption": caption}
        message = make_message(self._next_message_id(target), chat, sender, **content, **extra)
        return self.push_raw({"message": message})

    # -- inspecting what the bot did ---------------------------------------------------------

    @property
    def pending_updates(self) -> int:
        return len(self._queue)

    def call_counts(self) -> dict[str, int]:
        return dict(self._counts)

    def calls_of(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    async def wait_for_calls(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - a per-assertion deadline reads best in tests
    ) -> list[Call]:
        """Wait until `method` was requested `count` times (failed attempts included)."""
        if not await self._activity.wait(lambda: self._counts[method] >= count, timeout):
            got = self._counts[method]
            raise TimeoutError(f"expected {count} {method} call(s) within {timeout}s, got {got}")
        return self.calls_of(method)

    async def next_messages(
        self,
        chat_id: int,
        n: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - a per-assertion deadline reads best in tests
    ) -> list[JSONDict]:
        """The next `n` unread messages sent/edited in `chat_id`; marks them read."""
        start, sent = self._cursors.get(chat_id, 0), self._sent[chat_id]
        if not await self._activity.wait(lambda: len(sent) - start >= n, timeout):
            texts = [m.get("text", m.get("caption")) for m in sent[start:]]
            raise TimeoutError(f"expected {n} message(s) to {chat_id} in {timeout}s, got {texts}")
        self._cursors[chat_id] = start + n
        return sent[start : start + n]

    async def wait_for_message(
        self,
        chat_id: int,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - a per-assertion deadline reads best in tests
    ) -> JSONDict:
        return (await self.next_messages(chat_id, 1, timeout))[0]

    def drain_messages(self, chat_id: int) -> list[JSONDict]:
        """All unread messages in `chat_id`, without waiting; marks them read."""
        start, sent = self._cursors.get(chat_id, 0), self._sent.get(chat_id, [])
        self._cursors[chat_id] = len(sent)
        return sent[start:]

    # -- fault injection ---------------------------------------------------------------------

    def fail_next(
        self,
        method: str | None,
        *,
        status: int,
        retry_after: int | None = None,
        times: int = 1,
        description: str | None = None,
        migrate_to: int | None = None,
    ) -> None:
        """Fail the next `times` calls of `method` (None: any method except getUpdates);
        `migrate_to`: as Telegram answers for a group upgraded to that supergroup."""
        self._faults.append(_Fault(method, status, retry_after, description, times, migrate_to))

    def set_fault_rate(
        self, rate: float, *, seed: int = 0, statuses: Sequence[int] = (429, 502)
    ) -> None:
        """Fail each non-getUpdates call with probability `rate`, reproducibly via `seed`."""
        self._fault_rate, self._fault_statuses = rate, tuple(statuses)
        self._random = random.Random(seed)

    def _inject_fault(self, method: str) -> None:
        for index, fault in enumerate(self._faults):
            if fault.method == method or (fault.method is None and method not in _FAULT_EXEMPT):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    del self._faults[index]
                if fault.migrate_to is not None:
                    raise ApiError(
                        fault.status, fault.description or "", migrate_to=fault.migrate_to
                    )
                raise ApiError.fault(fault.status, fault.retry_after, fault.description)
        exempt = method in _FAULT_EXEMPT
        if self._fault_rate and not exempt and self._random.random() < self._fault_rate:
            raise ApiError.fault(self._random.choice(self._fault_statuses))

    def _check_limits(self, method: str, call: Call) -> None:
        is_send = method.startswith("send") or method in ("copyMessage", "forwardMessage")
        if self.limits is None or not is_send or method in _UNLIMITED_SENDS:
            return
        wait = self.limits.admit(str(call.params.get("chat_id")))
        if wait is not None:
            raise ApiError.fault(429, wait)

    # -- HTTP ---------------------------------------------------------------------------------

    def _method_table(self) -> dict[str, Handler]:
        return {**super()._method_table(), "getUpdates": self._get_updates}

    async def _handle_method(self, request: web.Request) -> web.Response:
        if self._token is not None and request.match_info["token"] != self._token:
            return _error_response(ApiError.fault(401))
        name, handler = self.lookup(request.match_info["method"])
        call = Call(name, *await _read_params(request))
        self.calls.append(call)
        self._counts[name] += 1
        self._activity.notify()  # a long poll only finishes later; waiters may count it now
        try:
            if handler is None:
                raise ApiError.fault(404)
            self._inject_fault(name)
            self._check_limits(name, call)
            result = handler(call)
            return _ok(await result if inspect.isawaitable(result) else result)
        except ApiError as err:
            call.status = err.status
            return _error_response(err)
        finally:
            self._activity.notify()

    async def _get_updates(self, call: Call) -> _RawResult:
        if self.webhook_url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        self._poll_generation += 1
        generation = self._poll_generation
        self._updates_signal.notify()  # like Telegram, a newer poll ends the older one with 409
        params = call.params
        self._queue.confirm(int(params.get("offset") or 0))
        limit = min(max(int(params.get("limit") or 100), 1), 100)

        def ready() -> bool:
            return bool(self._queue) or self._closing or generation != self._poll_generation

        await self._updates_signal.wait(ready, float(params.get("timeout") or 0))
        if generation != self._poll_generation:
            raise ApiError.fault(409)
        return _RawResult(b"[" + b",".join(self._queue.take(limit)) + b"]")

    async def _handle_file(self, request: web.Request) -> web.Response:
        stored = self._files.by_path(request.match_info["path"])
        token_ok = self._token is None or request.match_info["token"] == self._token
        if stored is None or not token_ok:
            return _error_response(ApiError(404, "Not Found"))
        return web.Response(body=stored.data, content_type=stored.mime_type)

    async def _handle_control_post(self, request: web.Request) -> web.Response:
        """POST /_control/<push_*|fail_next|set_fault_rate|reset> with JSON kwargs (or a list)."""
        action = request.match_info["action"]
        if action not in _CONTROL_ACTIONS:
            raise web.HTTPNotFound()
        body = await request.json() if request.body_exists else {}
        run = getattr(self, action)
        result = [run(**item) for item in body] if isinstance(body, list) else run(**body)
        return _ok(True if result is None else result)

    async def _handle_control_get(self, request: web.Request) -> web.Response:
        """GET /_control/calls?since=N[&method=M], sent?chat_id=C[&since=N], stats, wait_calls."""
        query, action = request.query, request.match_info["action"]
        since = int(query.get("since", 0))
        if action == "calls":
            method = query.get("method")
            found = [c.as_json() for c in self.calls[since:] if method in (None, c.method)]
            return _ok({"calls": found, "next": len(self.calls)})
        if action == "sent":
            messages = self.sent_to(int(query["chat_id"]))[since:]
            return _ok({"messages": messages, "next": since + len(messages)})
        if action == "wait_calls":
            try:
                count, seconds = int(query.get("count", 1)), float(query.get("timeout", 5))
                await self.wait_for_calls(query["method"], count, seconds)
            except TimeoutError as err:
                return _error_response(ApiError(408, str(err)))
        elif action != "stats":
            raise web.HTTPNotFound()
        return _ok({"calls": self.call_counts(), "pending_updates": self.pending_updates})


async def _read_params(request: web.Request) -> tuple[JSONDict, dict[str, UploadedFile]]:
    raw: JSONDict = dict(request.query)
    files: dict[str, UploadedFile] = {}
    if request.content_type == "application/json":
        body = await request.json()
        raw.update(body if isinstance(body, dict) else {})
    elif request.body_exists:
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                files[key] = UploadedFile(value.filename, value.content_type, value.file.read())
            else:
                raw[key] = value if isinstance(value, str) else bytes(value).decode()
    return {key: decode_param(key, value) for key, value in raw.items()}, files


def _ok(result: Any) -> web.Response:
    if isinstance(result, _RawResult):
        body = b'{"ok":true,"result":' + result.payload + b"}"
    else:
        body = json.dumps({"ok": True, "result": result}, ensure_ascii=False).encode()
    return web.Response(body=body, content_type="application/json")


def _error_response(err: ApiError) -> web.Response:
    if err.plain:
        page = f"<html><head><title>{err.description}</title></head></html>"
        return web.Response(status=err.status, text=page, content_type="text/html")
    return web.json_response(err.body(), status=err.status)


async def _serve(host: str, port: int, token: str | None) -> None:
    api = FakeBotApi(host=host, port=port, token=token)
    await api.start()
    print(f"FAKE_BOT_API_URL={api.url}", flush=True)  # tells a parent process the chosen port
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopped.set)
    await stopped.wait()
    await api.stop()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fake Telegram Bot API server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", default=None, help="reject any other token with 401")
    args = parser.parse_args(argv)
    asyncio.run(_serve(args.host, args.port, args.token))


if __name__ == "__main__":
    main()
