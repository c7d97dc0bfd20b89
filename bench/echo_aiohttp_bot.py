"""The bare echo bot on zoufang's Bot API transport (aiohttp), beside the stock one on httpx."""

from __future__ import annotations

import asyncio

from bench.botcli import bot_arguments
from bench.echo_bot import run_echo

__all__ = ["main"]


def main() -> None:
    args = bot_arguments(__doc__ or "")
    asyncio.run(run_echo(args.api, args.concurrency, args.pool, aiohttp=True))


if __name__ == "__main__":
    main()
