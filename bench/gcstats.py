"""Garbage-collector pauses of this process: a stalled collector shows up as tail latency."""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field
from typing import Any

__all__ = ["GcPauses"]


@dataclass(slots=True)
class GcPauses:
    """Collections per generation, their total and longest pause (ms), and the long ones."""

    counts: list[int] = field(default_factory=lambda: [0, 0, 0])
    total_ms: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    max_ms: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    long: list[tuple[float, int, float]] = field(default_factory=list)  # (at, gen, ms) ≥ 10 ms
    _started: float = 0.0

    def install(self) -> GcPauses:
        gc.callbacks.append(self._callback)
        return self

    def uninstall(self) -> None:
        if self._callback in gc.callbacks:
            gc.callbacks.remove(self._callback)

    def reset(self) -> None:
        self.counts, self.total_ms, self.max_ms = [0, 0, 0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]
        self.long = []

    def _callback(self, phase: str, info: dict[str, Any]) -> None:
        now = time.perf_counter()
        if phase == "start":
            self._started = now
            return
        generation = int(info.get("generation", 0))
        ms = (now - self._started) * 1000
        self.counts[generation] += 1
        self.total_ms[generation] += ms
        self.max_ms[generation] = max(self.max_ms[generation], ms)
        if ms >= 10 and len(self.long) < 100:
            self.long.append((now, generation, round(ms, 1)))

    def summary(self) -> dict[str, Any]:
        return {
            "collections": list(self.counts),
            "total_ms": [round(ms, 1) for ms in self.total_ms],
            "max_ms": [round(ms, 1) for ms in self.max_ms],
            "long_pauses": len(self.long),
        }
