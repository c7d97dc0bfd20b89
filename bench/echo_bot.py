"""The baseline: a bare python-telegram-bot echo bot, no database, on the same fake API."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bench.botcli import bot_arguments, serve
from bench.fake_api import TOKEN
from bot.channels.telegram_http import AiohttpRequest

__all__ = ["build", "main", "run_echo"]


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text is not None:
        await context.bot.send_message(message.chat_id, message.text)


async def _press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None or query.message is None or query.data is None:
        return
    await query.answer()
    await context.bot.send_message(query.message.chat.id, query.data)


def build(
    api: str, concurrency: int, pool: int = 0, request: BaseRequest | None = None
) -> Application:  # type: ignore[type-arg]
    """Built as TelegramChannel builds its application: same concurrency, no job queue.

    `request`: a transport in place of PTB's default httpx (for the echo-aiohttp contender).
    """
    builder = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .concurrent_updates(concurrency)
        .job_queue(None)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(AiohttpRequest(8))
    elif pool:
        builder = builder.connection_pool_size(pool)
    application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT, _echo))
    application.add_handler(CallbackQueryHandler(_press))
    return application


async def run_echo(api: str, concurrency: int, pool: int, aiohttp: bool = False) -> None:
    application = build(api, concurrency, pool, AiohttpRequest() if aiohttp else None)
    await serve(application)


def main() -> None:
    args = bot_arguments(__doc__ or "")
    asyncio.run(run_echo(args.api, args.concurrency, args.pool))


if __name__ == "__main__":
    main()
