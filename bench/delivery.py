"""Delivery through the outbox: 1,000 private nudges and a bulletin with its chart to 50 groups.

    .venv/bin/python -m bench.delivery [--privates 1000] [--groups 50] [--fault-rate 0.1]

Everything measured is the product's own path: items queued with `queue_reply`, the
`OutboxWorker` started and stopped as the app does, `TelegramSender` on the project's
aiohttp transport, to the fake Bot API on 127.0.0.1 in this process. The fake enforces
Telegram's limits (30 a second in all, 1 a second per private chat, 20 a minute per group,
answering 429 with retry_after beyond them) and fails `--fault-rate` of the calls with a
429 (retry_after 1 s) or a 502 before it looks at the limits: a refused call uses none of
the budget, as a message Telegram did not take is not a message sent.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import random
import struct
import sys
import tempfile
import time
import zlib
from collections import Counter
from pathlib import Path

from telegram import Bot

from bot.channels.telegram_http import AiohttpRequest
from bot.channels.telegram_render import TelegramSender
from domain.clock import SystemClock
from handlers.messages import Image, Reply
from scheduler.delivery import queue_reply
from scheduler.outbox import OutboxWorker
from storage import Store, open_store
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.rate_limits import RateLimits

__all__ = ["main"]

TOKEN = "5151:AAFakeTokenForTheDeliveryBench"


def chart_png(seed: int, side: int = 128) -> bytes:
    """A real PNG of noise, about 50 KB (noise does not compress), different for each seed."""
    rng = random.Random(seed)
    rows = b"".join(b"\x00" + rng.randbytes(side * 3) for _ in range(side))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def bulletin(group: int) -> str:
    lines = [f"【走访进度通报】第 {group} 片区 11 月 25 日"]
    for n in range(1, 16):
        lines.append(
            f"{n}. 单位 {group}-{n}：今日 {n * 3} 户，累计 {n * 40} 户，完成 {n * 7 % 100}%"
        )
    return "\n".join(lines)


async def queue_all(store: Store, privates: int, groups: int) -> dict[str, list[str]]:
    """Queue everything at once, as the 18:00 jobs would; the texts each chat must get, in order."""
    expected: dict[str, list[str]] = {}
    now = SystemClock().now()
    async with store.transaction() as tx:
        for g in range(groups):
            chat_id = str(-1001000000000 - g)
            text, caption = bulletin(g), f"图：第 {g} 片区完成率"
            chart = Image(chart_png(g), f"完成率-{g}.png")
            await queue_reply(tx.outbox, "telegram", chat_id, Reply(text), now)
            await queue_reply(tx.outbox, "telegram", chat_id, Reply(caption, image=chart), now)
            expected[chat_id] = [text, caption]
        for p in range(privates):
            chat_id = str(700000000 + p)
            text = f"您今天还没有登记走访（提醒 {p}）。"
            await queue_reply(tx.outbox, "telegram", chat_id, Reply(text), now)
            expected[chat_id] = [text]
    return expected


async def run(privates: int, groups: int, fault_rate: float, seed: int) -> dict[str, object]:
    limits = RateLimits(time.monotonic)
    api = FakeBotApi(token=TOKEN, limits=limits, fault_rate=fault_rate, seed=seed)
    await api.start()
    request = AiohttpRequest()
    await request.initialize()
    sender = TelegramSender()
    sender.bot = Bot(TOKEN, base_url=api.base_url, request=request)
    with tempfile.TemporaryDirectory() as folder:
        store = await open_store(Path(folder) / "bench.db")
        try:
            expected = await queue_all(store, privates, groups)
            worker = OutboxWorker(store, {"telegram": sender}, SystemClock())
            cpu, began = time.process_time(), time.perf_counter()
            worker.start()
            while True:
                await asyncio.sleep(0.05)
                async with store.transaction() as tx:
                    counts = await tx.outbox.counts()
                if not counts.get("pending") and not counts.get("sending"):
                    break
            wall = time.perf_counter() - began
            await worker.stop()
            cpu = time.process_time() - cpu
        finally:
            await store.close()
            await request.shutdown()
            await api.stop()
    got: dict[str, list[str]] = {
        c: [str(m.get("text", m.get("caption"))) for m in api.sent_to(int(c))] for c in expected
    }
    messages = sum(len(texts) for texts in expected.values())
    lost = sum(_count(Counter(want) - Counter(got[c])) for c, want in expected.items())
    repeated = sum(_count(Counter(got[c]) - Counter(want)) for c, want in expected.items())
    out_of_order = sum(1 for c, want in expected.items() if got[c] != want and not lost)
    statuses = Counter(call.status for call in api.calls if call.method.startswith("send"))
    floor = messages / sender.per_second
    return {
        "messages": messages,
        "wall_s": round(wall, 2),
        "floor_s": round(floor, 2),
        "over_floor": f"{(wall / floor - 1) * 100:+.1f}%",
        "calls": sum(statuses.values()),
        "answers": dict(sorted(statuses.items())),
        "injected_faults": sum(statuses.values()) - messages - limits.refused,
        "over_limit_429": limits.refused,
        "lost": lost,
        "repeated": repeated,
        "out_of_order_chats": out_of_order,
        "outbox": counts,
        "worker": worker.totals,
        "cpu_s": round(cpu, 2),
    }


def _count(texts: Counter[str]) -> int:
    return sum(texts.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--privates", type=int, default=1000)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--fault-rate", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("PTB_TIMEDELTA", "true")  # as bot/app.py runs PTB
    # PTB logs every 502 page it cannot parse as JSON; the counts below say it once.
    logging.getLogger("telegram").setLevel(logging.CRITICAL)
    print(f"{platform.node()} · {os.cpu_count()} CPUs · Python {sys.version.split()[0]}")
    result = asyncio.run(run(args.privates, args.groups, args.fault_rate, args.seed))
    for key, value in result.items():
        print(f"{key:>20}: {value}")


if __name__ == "__main__":
    main()
