"""The bot under test: zoufang itself, started through its composition root (bot.app.run_bot)."""

from __future__ import annotations

import asyncio
import functools
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from telegram.ext import Updater
from telegram.request import HTTPXRequest

from bench.botcli import bot_arguments
from bench.fake_api import TOKEN
from bench.gcstats import GcPauses
from bot.app import run_bot
from bot.channels.telegram import TelegramChannel
from bot.settings import Settings

__all__ = ["main"]

_DEFAULT_CONCURRENCY = 64  # TelegramChannel's default, which bot/app.py keeps


def _channel_options(concurrency: int, pool: int) -> None:
    """Give the channel the benchmark's concurrency and pool when they differ from its own."""
    if concurrency == _DEFAULT_CONCURRENCY and not pool:
        return
    original = TelegramChannel.__init__

    @functools.wraps(original)
    def init(self: TelegramChannel, *args: Any, **kwargs: Any) -> None:
        kwargs["max_concurrent_updates"] = concurrency
        if pool:
            kwargs["request"] = HTTPXRequest(connection_pool_size=pool)
        original(self, *args, **kwargs)

    setattr(TelegramChannel, "__init__", init)  # noqa: B010 - this process only


def _experiments(spec: str) -> None:
    """Cost attribution only, never the headline figures: change one thing the channel does.

    no-mark: skip ticking the pressed button (one editMessageReplyMarkup per press).
    poll=S: wait S seconds between getUpdates calls, so updates arrive in batches.
    one-hop: each SQL statement runs, fetches and closes in one aiosqlite hop (bench/prefetch.py).
    inline-sqlite: every aiosqlite call runs on the event loop's thread (bench/prefetch.py).
    trace-store: no change, but the store lock and aiosqlite calls are timed (to the log).
    """
    for item in filter(None, (part.strip() for part in spec.split(","))):
        name, _, value = item.partition("=")
        if name == "no-mark":

            async def unmarked(self: TelegramChannel, *args: object) -> None:
                return None

            setattr(TelegramChannel, "_mark_pressed", unmarked)  # noqa: B010
        elif name == "poll":
            _poll_every(float(value))
        elif name == "one-hop":
            from bench.prefetch import one_hop_statements

            one_hop_statements()
        elif name == "inline-sqlite":
            from bench.prefetch import inline_sqlite

            inline_sqlite()
        elif name == "trace-store":
            from bench.storetrace import trace_store

            trace_store()
        else:
            raise SystemExit(f"unknown experiment {item!r}")


def _poll_every(seconds: float) -> None:
    original: Callable[..., Awaitable[Any]] = Updater.start_polling

    @functools.wraps(original)
    async def start_polling(self: Updater, **kwargs: Any) -> Any:
        return await original(self, **{**kwargs, "poll_interval": seconds})

    setattr(Updater, "start_polling", start_polling)  # noqa: B010 - this process only


def main() -> None:
    args = bot_arguments(__doc__ or "")
    if not args.db:
        raise SystemExit("--db is required")
    _channel_options(args.concurrency, args.pool)
    _experiments(args.experiment)
    settings = Settings(
        telegram_bot_token=TOKEN,
        telegram_api_url=args.api,
        database_url=f"sqlite:///{Path(args.db)}",
        log_level="WARNING",
    )
    pauses = GcPauses().install()
    try:
        asyncio.run(run_bot(settings))  # returns on SIGTERM, the channel and store closed
    finally:
        print("GC " + json.dumps(pauses.summary()), file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
