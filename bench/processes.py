"""The bot under test as a child process: started, pinned to a core, measured, always stopped."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from pathlib import Path
from typing import IO

__all__ = ["TICKS", "BotProcess", "cpu_count", "cpu_times", "pin_self"]

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_count() -> int:
    return len(os.sched_getaffinity(0))


def cpu_times(cpu: int | None) -> tuple[int, int, int]:
    """(steal, busy, total) jiffies of one core (None: all cores) from /proc/stat.

    Steal is time the hypervisor gave this virtual core to someone else: on a shared host it
    slows whichever process runs there, and the figures with it.
    """
    name = "cpu" if cpu is None else f"cpu{cpu}"
    for line in Path("/proc/stat").read_text().splitlines():
        fields = line.split()
        if fields and fields[0] == name:
            values = [int(v) for v in fields[1:9]]
            idle = values[3] + values[4] + values[7]  # idle, iowait, steal
            return values[7], sum(values) - idle, sum(values)
    return 0, 0, 0


def pin_self(cpu: int | None) -> None:
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})


class BotProcess:
    """`python -m <module> --api URL [...]` in its own session, its output in a log file."""

    def __init__(self, module: str, args: list[str], log_path: Path, cpu: int | None) -> None:
        self.module, self._args, self.log_path, self._cpu = module, args, log_path, cpu
        self._process: asyncio.subprocess.Process | None = None
        self._log: IO[bytes] | None = None

    @property
    def pid(self) -> int:
        if self._process is None:
            raise RuntimeError("not started")
        return self._process.pid

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def start(self) -> None:
        self._log = self.log_path.open("ab")
        environment = {**os.environ, "PTB_TIMEDELTA": "true", "PYTHONUNBUFFERED": "1"}
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            self.module,
            *self._args,
            cwd=ROOT,
            env=environment,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=self._log,
            stderr=self._log,
            start_new_session=True,  # its own process group: stopped as a whole
        )
        if self._cpu is not None:
            with contextlib.suppress(ProcessLookupError):
                os.sched_setaffinity(self._process.pid, {self._cpu})

    async def stop(self, grace: float = 20.0) -> int | None:
        """SIGTERM (the bot finishes what it is doing), then SIGKILL after `grace` seconds."""
        process = self._process
        try:
            if process is not None and process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                try:
                    await asyncio.wait_for(process.wait(), grace)
                except TimeoutError:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGKILL)
                    await asyncio.wait_for(process.wait(), 10)
            return None if process is None else process.returncode
        finally:
            if self._log is not None:
                self._log.close()
                self._log = None

    def status(self) -> dict[str, int]:
        """VmRSS, VmHWM, … from /proc/<pid>/status, in KiB."""
        found: dict[str, int] = {}
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.startswith("Vm") and value.strip().endswith("kB"):
                found[key] = int(value.split()[0])
        return found

    def cpu_seconds(self) -> float:
        """User + system CPU time of the whole process (every thread) so far."""
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text()
        except FileNotFoundError:
            return 0.0
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""
