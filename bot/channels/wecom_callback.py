"""The WeCom callback endpoint: URL verification, and encrypted messages answered at once.

A POST is checked (signature, corp id, timestamp window, fresh nonce), decoded, answered 200
with an empty body, and only then worked on: WeCom retries a callback not answered within
5 s, so the work must never hold the answer up. Each person's callbacks are worked on one at a
time, in the order they came; different people's run side by side.

    POST ─┬─ params missing, body not XML ───────────── 400
          ├─ timestamp outside the window ───────────── 403  (stale)
          ├─ msg_signature wrong ────────────────────── 403
          ├─ nonce seen within the window ───────────── 403  (replayed)
          ├─ ciphertext bad, corp id not ours ───────── 403
          ├─ an update key seen lately (a retry) ────── 200, dropped
          └─ otherwise ─────────────────────────────── 200, queued for the person
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiohttp import web

from bot.channels.wecom_crypto import BadSignature, WeComCrypto, WeComCryptoError
from bot.channels.wecom_xml import BadXml, Inbound, envelope_of, fields_of, inbound_of
from domain.clock import Clock

__all__ = ["CALLBACK_PATH", "CallbackStats", "WeComCallback"]

log = logging.getLogger(__name__)

CALLBACK_PATH = "/wecom/callback"
# WeCom's callbacks are a few hundred bytes; nothing honest comes near this.
_MAX_BODY = 64 * 1024
# Enough to cover WeCom's retries (three, within about 15 s) under heavy traffic.
_RECENT_KEYS = 10_000
_PARAMS = ("msg_signature", "timestamp", "nonce")

Work = Callable[[Inbound], Awaitable[None]]


class _Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass
class CallbackStats:
    """What the endpoint did, counted: for logs, tests and the benchmark."""

    queued: int = 0
    duplicates: int = 0
    ignored: int = 0
    refused: int = 0
    failed: int = 0
    done: int = 0


class _Nonces:
    """Nonces of signed requests, each kept for twice the window.

    A request passes the timestamp check for up to twice the window after it was first
    seen (its timestamp may lag or lead by one window), so its nonce is needed that long.
    """

    def __init__(self, window: timedelta) -> None:
        self._keep = 2 * window
        self._seen: set[str] = set()
        self._order: deque[tuple[datetime, str]] = deque()

    def first_time(self, nonce: str, now: datetime) -> bool:
        while self._order and self._order[0][0] <= now - self._keep:
            self._seen.discard(self._order.popleft()[1])
        if nonce in self._seen:
            return False
        self._seen.add(nonce)
        self._order.append((now, nonce))
        return True


class _InOrder:
    """One queue and worker task per person; a worker ends when its queue runs dry."""

    def __init__(self, work: Work, stats: CallbackStats, max_concurrent: int) -> None:
        self._work = work
        self._stats = stats
        self._queues: dict[str, deque[Inbound]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(max_concurrent)

    def submit(self, inbound: Inbound) -> None:
        user = inbound.incoming.actor.user_id
        queue = self._queues.get(user)
        if queue is not None:
            queue.append(inbound)
            return
        self._queues[user] = deque([inbound])
        task = asyncio.create_task(self._drain(user))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _drain(self, user: str) -> None:
        queue = self._queues[user]
        try:
            while queue:
                inbound = queue.popleft()
                async with self._slots:
                    try:
                        await self._work(inbound)
                        self._stats.done += 1
                    except Exception:
                        self._stats.failed += 1
                        log.exception("could not handle WeCom %s", inbound.incoming.update_key)
        finally:
            del self._queues[user]

    async def join(self) -> None:
        """Wait for everything queued so far, and whatever it queues in turn."""
        while self._tasks:
            await asyncio.gather(*self._tasks)


async def _body(request: web.Request) -> bytes:
    """The whole body, however it came (in several segments, chunked), but never over the cap
    (whatever the listener's own limit: it may be shared with a webhook that allows more)."""
    if (request.content_length or 0) > _MAX_BODY:
        raise _Refused(413, "body too large")
    body = bytearray()
    while chunk := await request.content.readany():
        body += chunk
        if len(body) > _MAX_BODY:
            raise _Refused(413, "body too large")
    return bytes(body)


class WeComCallback:
    """The `/wecom/callback` routes; `work` runs for each accepted callback, after the answer."""

    def __init__(
        self,
        crypto: WeComCrypto,
        clock: Clock,
        work: Work,
        *,
        window: timedelta = timedelta(minutes=5),
        max_concurrent: int = 64,
    ) -> None:
        self._crypto = crypto
        self._clock = clock
        self._window = window
        self._nonces = _Nonces(window)
        self._recent: OrderedDict[str, None] = OrderedDict()
        self.stats = CallbackStats()
        self._workers = _InOrder(work, self.stats, max_concurrent)

    def add_routes(self, app: web.Application, path: str = CALLBACK_PATH) -> None:
        """Mount on `app`: on the channel's own listener, or one shared with a webhook."""
        app.router.add_get(path, self.on_get)
        app.router.add_post(path, self.on_post)

    async def join(self) -> None:
        """Let the work already accepted finish (at shutdown, and in tests)."""
        await self._workers.join()

    async def on_get(self, request: web.Request) -> web.Response:
        """URL verification: WeCom saves the callback URL only if we echo its echostr."""
        try:
            params = self._params(request, (*_PARAMS, "echostr"))
            self._check_time(params["timestamp"])
            # Base64 has no spaces: one here is a "+" the sender left unescaped in the URL.
            echostr = params["echostr"].replace(" ", "+")
            echo = self._crypto.verify_url(
                params["msg_signature"], params["timestamp"], params["nonce"], echostr
            )
        except _Refused as refused:
            return self._refuse(request, refused)
        except WeComCryptoError as error:
            return self._refuse(request, _Refused(403, f"{type(error).__name__}: {error}"))
        return web.Response(text=echo)

    async def on_post(self, request: web.Request) -> web.Response:
        try:
            inbound = await self._accept(request)
        except _Refused as refused:
            return self._refuse(request, refused)
        if inbound is None:
            self.stats.ignored += 1
        elif self._seen_lately(inbound):
            self.stats.duplicates += 1
        else:
            self.stats.queued += 1
            self._workers.submit(inbound)
        return web.Response()

    async def _accept(self, request: web.Request) -> Inbound | None:
        params = self._params(request, _PARAMS)
        body = await _body(request)
        now = self._check_time(params["timestamp"])
        signature, timestamp, nonce = params["msg_signature"], params["timestamp"], params["nonce"]
        try:
            envelope = envelope_of(body)
            self._crypto.verify(signature, timestamp, nonce, envelope.encrypt)
            if not self._nonces.first_time(nonce, now):
                raise _Refused(403, f"nonce {nonce[:40]!r} replayed")
            return inbound_of(fields_of(self._crypto.decrypt(envelope.encrypt)))
        except BadXml as error:
            raise _Refused(400, f"bad XML: {error}") from error
        except BadSignature as error:
            raise _Refused(403, str(error)) from error
        except WeComCryptoError as error:
            raise _Refused(403, f"{type(error).__name__}: {error}") from error

    def _params(self, request: web.Request, names: tuple[str, ...]) -> dict[str, str]:
        params = {name: request.query.get(name, "") for name in names}
        missing = [name for name, value in params.items() if not value]
        if missing:
            raise _Refused(400, "missing " + ", ".join(missing))
        return params

    def _check_time(self, timestamp: str) -> datetime:
        now = self._clock.now()
        if not timestamp.isdigit() or len(timestamp) > 12:
            raise _Refused(400, f"timestamp {timestamp[:20]!r} is not a number")
        skew = abs(now.timestamp() - int(timestamp))
        if skew > self._window.total_seconds():
            raise _Refused(403, f"timestamp {skew:.0f} s from now")
        return now

    def _seen_lately(self, inbound: Inbound) -> bool:
        """A retry WeCom sent while the first try was still being answered costs nothing.

        The core drops a repeated update key too; this spares it the transaction.
        """
        key = inbound.incoming.update_key or ""
        if key in self._recent:
            return True
        self._recent[key] = None
        if len(self._recent) > _RECENT_KEYS:
            self._recent.popitem(last=False)
        return False

    def _refuse(self, request: web.Request, refused: _Refused) -> web.Response:
        self.stats.refused += 1
        log.warning("refused WeCom %s from %s: %s", request.method, request.remote, refused.reason)
        return web.Response(status=refused.status)
