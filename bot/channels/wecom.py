"""The WeCom channel: callbacks in on the web listener, the core's replies out through the app."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

from aiohttp import web

from bot.channels.wecom_api import WeComApi, WeComError
from bot.channels.wecom_callback import CALLBACK_PATH, CallbackStats, WeComCallback
from bot.channels.wecom_crypto import WeComCrypto
from bot.channels.wecom_render import calls, pressed_name
from bot.channels.wecom_sender import WeComSender, send_app_call
from bot.channels.wecom_xml import CardPress, Inbound
from bot.settings import Settings
from bot.web import WebListener
from domain.clock import Clock, SystemClock
from handlers.core import Core
from handlers.messages import Reply

__all__ = ["CALLBACK_PATH", "WeComChannel"]

# Replies that could not go at once, for the outbox (scheduler.deferred.Deferred).
Defer = Callable[[str, Sequence[Reply]], Awaitable[None]]

log = logging.getLogger(__name__)

# Labels of buttons recently sent, to tick the one pressed: a card's callback carries only the
# button's key. Old cards are rarely pressed; an unknown one is ticked without its label.
_LABELS_KEPT = 50_000
# A busy WeCom (-1) or a dropped connection usually passes within seconds; a person waits.
_RETRY_DELAYS = (1.0, 4.0)
_STOP_GRACE = 10.0


class WeComChannel:
    """Every callback becomes an `Incoming` for the core; every reply goes by `message/send`.

    `start()` serves `/wecom/callback` on WEB_HOST:WEB_PORT, or only mounts it when given the
    `web_app` of a listener someone else runs (the Telegram webhook's, say). `sender`
    delivers the outbox's messages to members and to group robots.
    """

    def __init__(
        self,
        settings: Settings,
        core: Core,
        *,
        clock: Clock | None = None,
        api: WeComApi | None = None,
        web_app: web.Application | None = None,
        window: timedelta = timedelta(minutes=5),
        max_concurrent: int = 64,
        retry_delays: tuple[float, ...] = _RETRY_DELAYS,
        defer: Defer | None = None,
    ) -> None:
        corp_id, agent_id = settings.wecom_corp_id, settings.wecom_agent_id
        token, aes_key, secret = settings.wecom_token, settings.wecom_aes_key, settings.wecom_secret
        if not (corp_id and agent_id and token and aes_key and secret):
            raise ValueError("the WeCom app is not configured (WECOM_CORP_ID … WECOM_AES_KEY)")
        self._settings = settings
        self._core = core
        self._clock = clock or SystemClock()
        self._api = api or WeComApi(
            settings.wecom_api_url,
            corp_id=corp_id,
            secret=secret,
            agent_id=agent_id,
            clock=self._clock,
        )
        self._sender = WeComSender(self._api)
        crypto = WeComCrypto(token, aes_key, corp_id)
        self._callback = WeComCallback(
            crypto, self._clock, self._work, window=window, max_concurrent=max_concurrent
        )
        # Its own listener unless mounted on a shared one (the Telegram webhook's, say).
        self._listener: WebListener | None = None
        if web_app is None:
            self._listener = WebListener(settings.web_host, settings.web_port)
            web_app = self._listener.app
        self._retry_delays = retry_delays
        self._defer = defer
        self._labels: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._callback.add_routes(web_app)

    @property
    def sender(self) -> WeComSender:
        return self._sender

    @property
    def api(self) -> WeComApi:
        return self._api

    @property
    def stats(self) -> CallbackStats:
        return self._callback.stats

    @property
    def port(self) -> int | None:
        """The port the channel's own listener is bound to (None when mounted elsewhere)."""
        return self._listener.port if self._listener is not None else None

    async def start(self) -> None:
        await self._api.start()
        if self._listener is None:
            log.info("WeCom channel mounted at %s on a shared listener", CALLBACK_PATH)
            return
        try:
            await self._listener.start()
        except BaseException:
            await self._api.close()
            raise
        log.info("WeCom callback at %s", CALLBACK_PATH)

    async def stop(self) -> None:
        """Stop taking callbacks, finish those accepted, close the API client."""
        if self._listener is not None:
            await self._listener.stop()
        try:
            await asyncio.wait_for(self._callback.join(), _STOP_GRACE)
        except TimeoutError:
            log.warning("stopped with WeCom callbacks still being handled")
        await self._api.close()

    async def join(self) -> None:
        """Wait until every callback accepted so far has been answered."""
        await self._callback.join()

    async def _work(self, inbound: Inbound) -> None:
        incoming = inbound.incoming
        replies = await self._core.handle(incoming)
        user = incoming.actor.user_id
        # Message by message, so a failure leaves nothing sent twice and nothing skipped.
        sends = [call for reply in replies for call in calls(reply)]
        for n, call in enumerate(sends):
            error = await self._send(user, call)
            if error is None:
                continue
            # Too many messages to this member just now (45009) or WeCom busy: the outbox
            # sends the rest at the member's pace; the rest must not arrive before this one.
            # One that may have arrived already is not sent again.
            rest = sends[n + 1 :] if error.sent_maybe else sends[n:]
            if self._defer is not None and not error.permanent:
                if rest:
                    await self._defer(user, rest)
            else:
                log.warning("could not send a reply to WeCom user %s: %s", user, error)
            break
        # Nothing back means the core saw this press already: the card is marked then.
        if replies and inbound.card is not None:
            await self._mark(inbound.card)

    async def _send(self, user: str, call: Reply) -> WeComError | None:
        """None once sent; the error that stopped it otherwise (retried first if worth it)."""
        delays = iter(self._retry_delays)
        while True:
            try:
                await send_app_call(self._api, user, call)
            except WeComError as error:
                delay = next(delays, None)
                if delay is None or not error.retryable or error.errcode == 45009:
                    return error
                await asyncio.sleep(delay)
            else:
                self._remember_labels(user, call)
                return None

    def _remember_labels(self, user: str, reply: Reply) -> None:
        for row in reply.choices:
            for choice in row:
                self._labels[(user, choice.data)] = choice.label
                self._labels.move_to_end((user, choice.data))
        while len(self._labels) > _LABELS_KEPT:
            self._labels.popitem(last=False)

    async def _mark(self, card: CardPress) -> None:
        """Grey out the pressed card, showing what was chosen (as Telegram ticks the button)."""
        label = self._labels.get((card.user_id, card.key), "")
        try:
            await self._api.update_card_button(
                card.user_id, card.response_code, pressed_name(label).strip()
            )
        except WeComError as error:
            # The card keeps its buttons; pressing one again only gets "already done".
            log.info("could not mark a pressed WeCom card: %s", error)
