"""Diagnostic only: how long zoufang's store lock is held and each aiosqlite call takes."""

from __future__ import annotations

import atexit
import json
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiosqlite

from storage.sqlite.store import SqliteStore

__all__ = ["trace_store"]


class _Trace:
    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.waits: list[float] = []  # asking for a transaction → inside it (lock + BEGIN)
        self.holds: list[float] = []  # inside it → committed: the lock is held all along
        self.calls: list[float] = []  # one aiosqlite call, queued to the thread and back
        self.kinds: Counter[str] = Counter()  # which sqlite3 method each call ran

    def summary(self) -> dict[str, Any]:
        def ms(values: list[float], pct: float) -> float:
            ordered = sorted(values)
            return round(ordered[min(len(ordered) - 1, int(pct * len(ordered)))] * 1000, 2)

        elapsed = time.perf_counter() - self.started
        if not self.holds:
            return {"transactions": 0}
        return {
            "transactions": len(self.holds),
            "lock_held_share": round(sum(self.holds) / elapsed, 3),
            "hold_ms_mean": round(sum(self.holds) / len(self.holds) * 1000, 2),
            "hold_ms_p50": ms(self.holds, 0.5),
            "hold_ms_p99": ms(self.holds, 0.99),
            "wait_ms_p50": ms(self.waits, 0.5),
            "wait_ms_p99": ms(self.waits, 0.99),
            "sqlite_calls_per_transaction": round(len(self.calls) / len(self.holds), 1),
            "sqlite_call_ms_mean": round(sum(self.calls) / len(self.calls) * 1000, 3),
            "sqlite_call_ms_p99": ms(self.calls, 0.99),
            "calls_per_transaction_by_kind": {
                kind: round(count / len(self.holds), 2) for kind, count in self.kinds.most_common()
            },
        }


def trace_store() -> None:
    """Wrap SqliteStore.transaction and aiosqlite's call path; print a summary at exit."""
    trace = _Trace()
    transaction = SqliteStore.transaction
    execute: Any = aiosqlite.Connection._execute

    @asynccontextmanager
    async def traced(self: SqliteStore) -> AsyncIterator[Any]:
        asked = time.perf_counter()
        async with transaction(self) as tx:
            inside = time.perf_counter()
            trace.waits.append(inside - asked)
            try:
                yield tx
            finally:
                pending = inside
        trace.holds.append(time.perf_counter() - pending)

    async def timed(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        trace.kinds[getattr(fn, "__name__", type(fn).__name__)] += 1
        try:
            return await execute(self, fn, *args, **kwargs)
        finally:
            trace.calls.append(time.perf_counter() - began)

    setattr(SqliteStore, "transaction", traced)  # noqa: B010 - this process only
    setattr(aiosqlite.Connection, "_execute", timed)  # noqa: B010
    atexit.register(lambda: print("STORE " + json.dumps(trace.summary()), file=sys.stderr))
