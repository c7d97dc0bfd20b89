"""A second, idle client for bench.wecom_callbacks: answer times not slowed by a busy driver.

    python -m bench.wecom_probe URL --rate 20 --seconds 10 --users 10

Says "ready", waits for a line on stdin, then posts one "/cancel" callback at a time, on a
fixed schedule, from probe officers in turn; its event loop has nothing else to do, so what it
times is the bot (and loopback), not the driver's own queueing. Prints [[monotonic start,
seconds to the answer, status], …] as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import sys
import time
from collections.abc import Sequence

import aiohttp

from bench.processes import ROOT, pin_self
from bot.channels.wecom_crypto import WeComCrypto
from domain.clock import SystemClock
from tests.channels.wecom import callbacks as cb
from tests.channels.wecom import vectors as v
from tests.channels.wecom.callbacks import CallbackClient
from tests.fakes.wecom_api import CORP_ID

__all__ = ["PROBE_RATE", "PROBE_USERS", "Probe", "main", "probe_user"]

PROBE_RATE, PROBE_USERS = 20.0, 10


def probe_user(index: int) -> str:
    return f"probe{index:04d}"


async def _probe(
    url: str, rate: float, seconds: float, users: int, first_id: int
) -> list[list[float]]:
    timings: list[list[float]] = []
    crypto = WeComCrypto(v.TOKEN, v.AES_KEY, CORP_ID)
    async with aiohttp.ClientSession() as session:
        # Message ids apart from the driver's: the bot drops a repeated one as a retry.
        ids = itertools.count(first_id)
        client = CallbackClient(url, crypto, SystemClock(), session, _ids=ids)
        # Starting Python takes the driver's core for a while: the driver waits for this.
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        start = time.perf_counter()
        sent = 0
        while (due := start + sent / rate) < start + seconds:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            user = probe_user(sent % users)
            params, data = client.sign(cb.text(user, "/cancel", client.next_id(), client.now()))
            began = time.perf_counter()
            posted = await client.send(params, data)
            timings.append([began, time.perf_counter() - began, posted.status])
            sent += 1
    return timings


class Probe:
    """The probe as the driver's child: ready before a phase begins, told to go when it does."""

    def __init__(self, url: str, seconds: float, cpu: int | None, first_id: int) -> None:
        self._url, self._seconds, self._cpu, self._first_id = url, seconds, cpu, first_id
        self._process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        cpu = self._cpu
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.wecom_probe",
            self._url,
            *("--rate", str(PROBE_RATE), "--seconds", str(self._seconds)),
            *("--users", str(PROBE_USERS), "--first-id", str(self._first_id)),
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            preexec_fn=(lambda: pin_self(cpu)) if cpu is not None else None,
        )
        assert self._process.stdout is not None
        if (await self._process.stdout.readline()).strip() != b"ready":
            raise RuntimeError("the probe did not start")

    async def run(self) -> list[float]:
        process = self._process
        assert process is not None
        assert process.stdin is not None
        process.stdin.write(b"go\n")
        out, _ = await process.communicate()
        return [float(seconds) for _, seconds, status in json.loads(out) if status == 200]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--rate", type=float, default=PROBE_RATE, help="callbacks per second")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--users", type=int, default=PROBE_USERS)
    parser.add_argument("--first-id", type=int, default=9_000_000_001, help="of the MsgIds")
    options = parser.parse_args(argv)
    timings = asyncio.run(
        _probe(options.url, options.rate, options.seconds, options.users, options.first_id)
    )
    print(json.dumps(timings), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
