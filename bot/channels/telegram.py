"""The Telegram channel: updates in (polling or webhook), the core's replies out."""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections import Counter
from collections.abc import Awaitable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Bot, BotCommand, CallbackQuery, Chat, Message, Update, User
from telegram.constants import ChatType
from telegram.error import BadRequest, RetryAfter, TelegramError
from telegram.ext import ApplicationBuilder, BaseUpdateProcessor, ContextTypes, TypeHandler
from telegram.request import BaseRequest

from bot.channels.telegram_http import AiohttpRequest
from bot.channels.telegram_render import (
    TelegramSender,
    actor_of,
    command_of,
    event_of,
    flood_seconds,
    outgoing,
    pressed_markup,
    send,
)
from bot.links import TelegramLinks
from bot.settings import Settings
from handlers.core import Core
from handlers.messages import Event, Incoming, Pressed, Reply
from i18n import catalog, language_for

__all__ = ["TelegramChannel", "TelegramSender"]

log = logging.getLogger(__name__)

# The command menu, most used first: officers tap "/" and see 登记走访 at the top.
_COMMANDS = ("visit", "issue", "my", "stats", "cases", "help", "cancel", "mute", "lang", "start")
# Edited messages and the rest are never acted on, so Telegram need not send them.
_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
# A short pause between long polls lets updates arriving together come in one getUpdates
# under load (0.39 polls per update instead of 0.92 in bench/); 10 ms is nothing beside
# Telegram's own round trip.
_POLL_PAUSE = 0.01
# A person waits for their answer and the core has already moved on: wait out a short flood
# limit once rather than lose the message; a longer one is logged instead.
_MAX_FLOOD_WAIT = 30.0


class _InOrderPerPerson(BaseUpdateProcessor):
    """Different people's updates run concurrently; one person's run one at a time, in order.

    The core keeps the data consistent either way, but "15" then "40" typed quickly must
    answer the count and then the people question, not the other way round.
    """

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._queued: Counter[int] = Counter()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        user = update.effective_user if isinstance(update, Update) else None
        if user is None:
            await coroutine
            return
        lock = self._locks.setdefault(user.id, asyncio.Lock())
        self._queued[user.id] += 1
        try:
            async with lock:
                await coroutine
        finally:
            self._queued[user.id] -= 1
            if not self._queued[user.id]:
                del self._queued[user.id], self._locks[user.id]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free: the application waits for running updates before this."""


class TelegramChannel:
    """Every update becomes an `Incoming` for the core; every reply, Telegram sends.

    `start()` long-polls, or serves the webhook when TELEGRAM_WEBHOOK_URL is set, until
    `stop()`. `links` spells invite deep links (pass the same object to the Core);
    `sender` delivers the outbox's messages.
    """

    def __init__(
        self,
        settings: Settings,
        core: Core,
        *,
        links: TelegramLinks | None = None,
        request: BaseRequest | None = None,
        get_updates_request: BaseRequest | None = None,
        max_concurrent_updates: int = 64,
        web_app: web.Application | None = None,
    ) -> None:
        if not settings.telegram_bot_token:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        self._settings = settings
        self._core = core
        self._links = links or TelegramLinks(settings.telegram_bot_username)
        self._sender = TelegramSender()
        api = settings.telegram_api_url
        builder = (
            ApplicationBuilder()
            .token(settings.telegram_bot_token)
            .base_url(f"{api}/bot")
            .base_file_url(f"{api}/file/bot")
            .concurrent_updates(_InOrderPerPerson(max_concurrent_updates))
            .job_queue(None)  # timed work (reminders, outbox) is the scheduler's, not PTB's
        )
        builder = builder.request(request or AiohttpRequest())
        builder = builder.get_updates_request(get_updates_request or AiohttpRequest(8))
        self._application = builder.build()
        self._application.add_handler(TypeHandler(Update, self._on_update))
        self._application.add_error_handler(self._on_error)
        # With a shared listener (WeCom's callback on the same port), the webhook is a route
        # on it rather than PTB's own server.
        self._shared = web_app is not None and bool(settings.telegram_webhook_url)
        if web_app is not None and settings.telegram_webhook_url:
            path = "/" + urlsplit(settings.telegram_webhook_url).path.strip("/")
            web_app.router.add_post(path, self._on_webhook)

    @property
    def links(self) -> TelegramLinks:
        return self._links

    @property
    def sender(self) -> TelegramSender:
        return self._sender

    @property
    def bot(self) -> Bot:
        return self._application.bot

    @property
    def username(self) -> str | None:
        """The bot's @username without "@": from getMe once started, else from settings."""
        return self._links.username

    async def start(self) -> None:
        app = self._application
        await app.initialize()  # getMe: a wrong token or unreachable API fails here
        try:
            # getMe wins over TELEGRAM_BOT_USERNAME: links must open the bot that answers.
            self._links.username = app.bot.username
            await self._register_commands()
            await app.start()
            assert app.updater is not None  # ApplicationBuilder always builds one
            url = self._settings.telegram_webhook_url
            if url and self._shared:
                await app.bot.set_webhook(
                    url,
                    secret_token=self._settings.telegram_webhook_secret,
                    allowed_updates=_UPDATES,
                )
            elif url:
                await app.updater.start_webhook(
                    listen=self._settings.web_host,
                    port=self._settings.web_port,
                    url_path=urlsplit(url).path.strip("/"),
                    webhook_url=url,
                    secret_token=self._settings.telegram_webhook_secret,
                    allowed_updates=_UPDATES,
                    bootstrap_retries=3,
                )
            else:
                await app.updater.start_polling(
                    allowed_updates=_UPDATES, bootstrap_retries=3, poll_interval=_POLL_PAUSE
                )
        except BaseException:
            await self._shut_down()
            raise
        self._sender.bot = app.bot
        log.info("Telegram channel started as @%s", app.bot.username)

    async def _on_webhook(self, request: web.Request) -> web.Response:
        """One update POSTed by Telegram to the shared listener: checked, queued, answered."""
        secret = self._settings.telegram_webhook_secret or ""
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=403)
        if not self._application.running:
            return web.Response(status=503)  # Telegram retries later
        try:
            data = await request.json()
            if not isinstance(data, dict):
                return web.Response(status=400)
            update = Update.de_json(data, self.bot)
        except (ValueError, TypeError, KeyError, AttributeError):
            return web.Response(status=400)
        await self._application.update_queue.put(update)
        return web.Response()

    async def stop(self) -> None:
        """Stop taking updates, finish the ones under way, close every connection."""
        await self._shut_down()

    async def _shut_down(self) -> None:
        self._sender.bot = None  # the outbox retries later rather than use a closed bot
        app = self._application
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()  # waits for updates being processed
        await app.shutdown()  # a no-op when never initialised

    async def _register_commands(self) -> None:
        """The "/" menu in Chinese, and in English for everyone else."""
        for language, codes in (("zh", ("zh",)), ("en", (None, "en"))):
            t = catalog(language)
            commands = [BotCommand(name, t(f"commands.{name}")) for name in _COMMANDS]
            for code in codes:
                try:
                    await self.bot.set_my_commands(commands, language_code=code)
                except TelegramError:
                    # Only the menu is missing then; the bot still answers every command.
                    log.warning("could not register the command menu (%s)", code, exc_info=True)

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            if update.callback_query is not None:
                await self._on_press(update, update.callback_query)
            elif update.message is not None:
                await self._on_message(update, update.message)
            # Anything else (edits, channel posts, …) is not a person talking to the bot.
        except Exception:
            log.exception("could not handle Telegram update %s", update.update_id)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("Telegram error (update %r)", update, exc_info=context.error)

    async def _on_message(self, update: Update, message: Message) -> None:
        user = message.from_user
        if user is None or user.is_bot:
            return
        if message.chat.type != ChatType.PRIVATE:
            await self._in_group(update, message, user)
            return
        event = event_of(message)
        if event is not None:
            await self._converse(update, user, message.chat, event)

    async def _on_press(self, update: Update, query: CallbackQuery) -> None:
        try:
            await query.answer()  # stops the button's spinner
        except TelegramError:
            log.debug("could not answer callback query %s", query.id, exc_info=True)
        message = query.message
        if message is None or query.data is None or message.chat.type != ChatType.PRIVATE:
            return  # only our own private messages carry buttons
        replies = await self._converse(update, query.from_user, message.chat, Pressed(query.data))
        # Nothing back means the core saw this update already: the message is marked then.
        if replies and isinstance(message, Message):
            await self._mark_pressed(message, query.data)

    async def _mark_pressed(self, message: Message, data: str) -> None:
        """Leave only the pressed button, ticked, on the message it was pressed on.

        One edit per press is worth it: the chat then shows what was chosen at each step, and
        the stale buttons beside it cannot be tapped by mistake (the core would only answer
        that they are stale). Sent after the replies so the next question is not delayed.
        """
        ticked = pressed_markup(message.reply_markup, data)
        if ticked == message.reply_markup:
            return
        try:
            await self.bot.edit_message_reply_markup(
                message.chat_id, message.message_id, reply_markup=ticked
            )
        except BadRequest as error:
            # Two quick taps on one message: the first one already left it like this.
            if "not modified" not in error.message:
                log.warning("could not mark the pressed button: %s", error.message)

    async def _in_group(self, update: Update, message: Message, user: User) -> None:
        """In a group the core answers only the campaign's commands (/bind, /stats …); any
        other command to the bot is pointed to a private chat, where residents' data stays."""
        command = command_of(message)
        if command is None:
            return  # group chatter is not for the bot
        target = command[1].casefold()
        if target and target != (self.username or "").casefold():
            return  # a command for another bot
        if await self._converse(update, user, message.chat, command[0]):
            return
        t = catalog(language_for(user.language_code, self._settings.language))
        text = t("telegram.private_only", link=f"https://t.me/{self.username}")
        await self._send_all(message.chat_id, [Reply(text)])

    async def _converse(self, update: Update, user: User, chat: Chat, event: Event) -> list[Reply]:
        incoming = Incoming(actor_of(user, chat), event, update_key=f"tg:{update.update_id}")
        replies = await self._core.handle(incoming)
        await self._send_all(chat.id, replies)
        return replies

    async def _send_all(self, chat_id: int, replies: list[Reply]) -> None:
        for part in (part for reply in replies for part in outgoing(reply)):
            try:
                await send(self.bot, chat_id, part)
            except RetryAfter as flood:
                if flood_seconds(flood) > _MAX_FLOOD_WAIT:
                    raise
                await asyncio.sleep(flood_seconds(flood))
                await send(self.bot, chat_id, part)
