"""Simulated officers completing visits in a private chat each, closed-loop or paced."""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bench.fake_api import BenchBotApi
from bench.gcstats import GcPauses
from bench.measures import Latency, Mode, PhaseResult
from bench.processes import TICKS
from bench.visits import PLACES, Step, visit_steps

__all__ = ["Phase"]

JSONDict = dict[str, Any]

_RECORD = re.compile(r"记录 #(\d+)")
_MAX_ERRORS_PER_OFFICER = 5  # past this an officer stops: an error storm must not run forever
_LATE = 0.005  # an offer made more than 5 ms after its slot counts as late (paced mode)


@dataclass(slots=True)
class _Sample:
    pushed: float
    taken: float  # getUpdates handed it to the bot
    first: float  # the first message of the answer reached the fake
    done: float  # the whole answer had


class Phase:
    """Officers repeat the visit transcript; each waits for the bot's answer before going on.

    closed: the next update goes as soon as the answer is in.
    paced: each officer also waits for its slot in a fixed schedule of `pace` updates/s in all.
    A warm-up comes first; the window then lasts `seconds`, or until `window_visits` visits
    are done inside it. With `budget`, officers start at most that many visits in all and the
    phase ends when they are done (or after `max_seconds`). Officers always finish the visit
    they are in before stopping, so no draft is left half-way.
    """

    def __init__(
        self,
        api: BenchBotApi,
        name: str,
        bot: str,
        officers: Sequence[int],
        *,
        echo: bool,
        mode: Mode = "closed",
        pace: float = 0.0,
        warmup: float = 0.0,
        seconds: float = 0.0,
        window_visits: int | None = None,
        budget: int | None = None,
        reply_timeout: float = 10.0,
        max_seconds: float = 600.0,
        bot_cpu: Callable[[], float] = lambda: 0.0,
        steal: Callable[[], tuple[int, int, int]] = lambda: (0, 0, 0),
        run: int = 1,
        gc_pauses: GcPauses | None = None,
    ) -> None:
        if mode == "paced" and pace <= 0:
            raise ValueError("paced mode needs pace > 0")
        self._api, self.name, self.bot, self._officers = api, name, bot, list(officers)
        self._echo, self._mode, self._pace = echo, mode, pace
        self._warmup, self._seconds, self._window_visits = warmup, seconds, window_visits
        self._budget, self._timeout, self._max_seconds = budget, reply_timeout, max_seconds
        self._bot_cpu, self._run, self._gc = bot_cpu, run, gc_pauses
        self._steal = steal
        self._steal_at: dict[str, tuple[int, int, int]] = {}
        self._gc_summary: dict[str, Any] = {}
        self._stop = asyncio.Event()
        self._window_full = asyncio.Event()
        self._samples: list[_Sample] = []
        self._pushes: list[float] = []
        self._visits_done: list[float] = []
        self._record_ids: list[int] = []
        self._errors: Counter[str] = Counter()
        self._error_samples: list[str] = []
        self._late = 0
        self._claimed = 0
        self._window_count = 0
        self._t0 = self._start = self._end = 0.0
        self._cpu: dict[str, float] = {}
        self._calls: dict[str, dict[str, int]] = {}

    # -- running ------------------------------------------------------------------------------

    async def run(self) -> PhaseResult:
        self._t0 = time.perf_counter()
        self._start = self._t0 + self._warmup
        tasks = [
            asyncio.create_task(self._officer(index, user_id))
            for index, user_id in enumerate(self._officers)
        ]
        everyone = asyncio.gather(*tasks)
        try:
            await self._control(everyone)
            # Each officer finishes its visit: at most a visit's worth of answers to wait for.
            grace = self._timeout * 7 + 5
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(everyone), grace)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        if not self._end:
            self._end = time.perf_counter()
            self._snapshot_cpu("end")
        return self._result()

    async def _control(self, everyone: asyncio.Future[list[None]]) -> None:
        deadline = self._max_seconds
        if self._budget is not None:
            self._snapshot_cpu("start")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(everyone), deadline)
        else:
            await asyncio.sleep(self._warmup)
            self._snapshot_cpu("start")
            wait = self._seconds if self._window_visits is None else deadline
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._window_full.wait(), wait)
        self._end = time.perf_counter()
        self._snapshot_cpu("end")
        self._stop.set()

    def _snapshot_cpu(self, when: str) -> None:
        self._cpu[f"bot_{when}"] = self._bot_cpu()
        self._cpu[f"driver_{when}"] = time.process_time()
        self._calls[when] = self._api.call_counts()
        self._steal_at[when] = self._steal()
        if self._gc is not None and when == "start":
            self._gc.reset()
        elif self._gc is not None:
            self._gc_summary = self._gc.summary()

    def _claim(self) -> bool:
        if self._budget is None:
            return True
        if self._claimed >= self._budget:
            return False
        self._claimed += 1
        return True

    async def _officer(self, index: int, user_id: int) -> None:
        errors = 0
        visit = 0
        slot = 0
        while not self._stop.is_set() and errors < _MAX_ERRORS_PER_OFFICER and self._claim():
            steps = visit_steps(PLACES[(index + visit) % len(PLACES)], echo=self._echo)
            visit += 1
            last: list[JSONDict] = []
            for step in steps:
                if self._mode == "paced":
                    await self._wait_for_slot(index, slot)
                    slot += 1
                answer = await self._say(user_id, step, last)
                if answer is None:
                    errors += 1
                    await self._recover(user_id)
                    break
                last = answer
            else:
                done = time.perf_counter()
                self._visits_done.append(done)
                if not self._echo:
                    found = _RECORD.search(last[0].get("text", "")) if last else None
                    self._record_ids.append(int(found[1]) if found else -1)
                if done >= self._start:
                    self._window_count += 1
                    if (
                        self._window_visits is not None
                        and self._window_count >= self._window_visits
                    ):
                        self._window_full.set()

    async def _wait_for_slot(self, index: int, slot: int) -> None:
        due = self._t0 + (slot * len(self._officers) + index) / self._pace
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        elif -delay > _LATE and self._start <= due and not self._stop.is_set():
            self._late += 1

    async def _say(self, user_id: int, step: Step, last: list[JSONDict]) -> list[JSONDict] | None:
        """Send one update and wait for its whole answer; None (and an error noted) if wrong."""
        api = self._api
        if step.kind == "text":
            update = api.push_text(user_id, step.value)
        else:
            found = self._button(last, step.value)
            if found is None:
                self._error("no-button", f"{step.value!r} not in {_texts(last)}")
                return None
            message, data = found
            update = api.push_callback(user_id, data, message=message)
        pushed = time.perf_counter()
        self._pushes.append(pushed)
        answer: list[tuple[float, JSONDict]] = []
        for prefix in step.expect:
            try:
                at, message = await api.receive(user_id, self._timeout)
            except TimeoutError:
                self._error("timeout", f"{step.value!r} got {_texts(answer)}")
                return None
            answer.append((at, message))
            if not str(message.get("text", "")).startswith(prefix):
                self._error("unexpected", f"{step.value!r} got {_texts(answer)}")
                return None
        taken = api.taken.pop(int(update["update_id"]), pushed)
        self._samples.append(_Sample(pushed, taken, answer[0][0], answer[-1][0]))
        return [message for _, message in answer]

    def _button(self, last: list[JSONDict], label: str) -> tuple[JSONDict, str] | None:
        """The message carrying the button `label` and its callback data.

        The echo bot sends no keyboards: its "button" is the label, pressed on its last message.
        """
        if self._echo:
            return (last[-1], label) if last else None
        for message in reversed(last):
            for row in message.get("reply_markup", {}).get("inline_keyboard", []):
                for button in row:
                    if button.get("text") == label:
                        return message, str(button["callback_data"])
        return None

    def _error(self, kind: str, detail: str) -> None:
        self._errors[kind] += 1
        if len(self._error_samples) < 5:
            self._error_samples.append(f"{kind}: {detail}")
        return

    async def _recover(self, user_id: int) -> None:
        """After a wrong or missing answer: /cancel, let stragglers arrive, forget them."""
        api = self._api
        api.drain(user_id)
        api.push_text(user_id, "/cancel")
        with contextlib.suppress(TimeoutError):
            await api.receive(user_id, self._timeout)
        await asyncio.sleep(0.5)
        api.drain(user_id)

    # -- results ------------------------------------------------------------------------------

    def _result(self) -> PhaseResult:
        start, end = self._start, self._end
        window = max(end - start, 1e-9)
        handled = sum(1 for s in self._samples if start <= s.done <= end)
        inside = [s for s in self._samples if start <= s.pushed <= end]
        latency = Latency.of([s.first - s.pushed for s in inside])
        fetch = Latency.of([s.taken - s.pushed for s in inside])
        in_bot = Latency.of([s.first - s.taken for s in inside])
        offered = sum(1 for pushed in self._pushes if start <= pushed <= end)
        cpu = self._cpu
        bot_cpu = (cpu.get("bot_end", 0.0) - cpu.get("bot_start", 0.0)) / window * 100
        driver_cpu = (cpu.get("driver_end", 0.0) - cpu.get("driver_start", 0.0)) / window * 100
        steal0, busy0, total0 = self._steal_at.get("start", (0, 0, 0))
        steal1, busy1, total1 = self._steal_at.get("end", (0, 0, 0))
        jiffies = max(total1 - total0, 1)
        steal = (steal1 - steal0) / jiffies * 100
        bot_jiffies = (cpu.get("bot_end", 0.0) - cpu.get("bot_start", 0.0)) * TICKS
        other = max(0.0, (busy1 - busy0 - bot_jiffies) / jiffies * 100) if total1 else 0.0
        before, after = self._calls.get("start", {}), self._calls.get("end", {})
        calls = {
            method: (count - before.get(method, 0)) / max(handled, 1)
            for method, count in sorted(after.items())
            if count > before.get(method, 0)
        }
        return PhaseResult(
            name=self.name,
            bot=self.bot,
            mode=self._mode,
            run=self._run,
            officers=len(self._officers),
            window_s=window,
            updates=handled,
            updates_per_s=handled / window,
            offered_per_s=offered / window,
            visits=sum(1 for done in self._visits_done if start <= done <= end),
            latency=latency,
            fetch=fetch,
            in_bot=in_bot,
            errors=dict(self._errors),
            error_samples=list(self._error_samples),
            late_offers=self._late,
            bot_cpu_pct=bot_cpu,
            driver_cpu_pct=driver_cpu,
            steal_pct=steal,
            other_pct=other,
            visits_total=len(self._visits_done),
            record_ids=list(self._record_ids),
            calls_per_update=calls,
            timeline=self._timeline(),
            driver_gc=self._gc_summary,
        )

    def _timeline(self) -> list[tuple[int, int, float, float]]:
        seconds: dict[int, list[float]] = {}
        for s in self._samples:
            if self._start <= s.pushed <= self._end:
                seconds.setdefault(int(s.pushed - self._start), []).append(s.first - s.pushed)
        timeline = []
        for second, values in sorted(seconds.items()):
            latency = Latency.of(values)
            timeline.append((second, latency.n, round(latency.p99, 1), round(latency.max, 1)))
        return timeline


def _texts(answer: Sequence[Any]) -> list[str]:
    messages = [item[1] if isinstance(item, tuple) else item for item in answer]
    return [str(message.get("text", ""))[:40] for message in messages]
