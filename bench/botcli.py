"""What every bot under test shares: its command line, quiet logging, and stopping on SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
import warnings
from collections.abc import Sequence

from telegram import Update
from telegram.ext import Application

from bench.gcstats import GcPauses

__all__ = ["bot_arguments", "serve", "until_terminated"]


def bot_arguments(description: str, argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--api", required=True, help="the fake Bot API, e.g. http://127.0.0.1:8081")
    parser.add_argument("--db", default=None, help="the SQLite file (bots that keep data)")
    parser.add_argument("--concurrency", type=int, default=64, help="PTB concurrent_updates")
    parser.add_argument(
        "--pool", type=int, default=0, help="HTTP connection pool size (0: PTB's default, 256)"
    )
    parser.add_argument(
        "--experiment",
        default="",
        help="zoufang only, for cost attribution: no-mark, poll=SECONDS (comma-separated)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # PTB warns about ConversationHandler settings; the benchmark knows, and stderr is its log.
    warnings.simplefilter("ignore")
    return args


async def until_terminated() -> None:
    """Return on SIGTERM or SIGINT: the driver stops a bot with SIGTERM.

    Meanwhile the bot's garbage-collector pauses are counted; the log gets them at the end.
    """
    pauses = GcPauses().install()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        pauses.uninstall()
        print("GC " + json.dumps(pauses.summary()), file=sys.stderr, flush=True)


async def serve(application: Application) -> None:  # type: ignore[type-arg]
    """Long-poll until SIGTERM, then stop every part of the application, whatever happened."""
    await application.initialize()
    try:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(
            allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY]
        )
        await until_terminated()
    finally:
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
