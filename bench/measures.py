"""What a phase measured: update-to-reply times and the figures of one run."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Latency", "Mode", "PhaseResult", "percentile"]

Mode = Literal["closed", "paced"]


def percentile(ordered: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted sequence (0.0 when empty)."""
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True, slots=True)
class Latency:
    """Update-to-reply times in milliseconds."""

    n: int
    mean: float
    p50: float
    p90: float
    p99: float
    max: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Latency:
        ms = sorted(s * 1000 for s in seconds)
        mean = sum(ms) / len(ms) if ms else 0.0
        p50, p90, p99 = (percentile(ms, p) for p in (50, 90, 99))
        return cls(len(ms), mean, p50, p90, p99, ms[-1] if ms else 0.0)


@dataclass(slots=True)
class PhaseResult:
    """What one phase measured (only updates inside the window count)."""

    name: str
    bot: str
    mode: Mode
    run: int  # 1, 2, … for repeated measurements
    officers: int
    window_s: float
    updates: int
    updates_per_s: float
    offered_per_s: float
    visits: int
    latency: Latency
    fetch: Latency  # push → handed out by getUpdates: waiting for the bot to poll
    in_bot: Latency  # handed out → first reply message: the bot's own work and queueing
    errors: dict[str, int]
    error_samples: list[str]
    late_offers: int
    bot_cpu_pct: float
    driver_cpu_pct: float
    steal_pct: float  # of the bot's core, taken by the hypervisor inside the window
    other_pct: float  # of the bot's core, used by processes other than the bot
    visits_total: int = 0  # every visit completed in the phase, window or not
    calls_per_update: dict[str, float] = field(default_factory=dict)  # Bot API calls in window
    # Per second of the window: updates pushed, their p99 and max update-to-reply time (ms).
    timeline: list[tuple[int, int, float, float]] = field(default_factory=list)
    driver_gc: dict[str, Any] = field(default_factory=dict)  # the driver's GC inside the window
    record_ids: list[int] = field(default_factory=list)
