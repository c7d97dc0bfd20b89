"""A guided conversation: named steps, each asking a question and taking the answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from pydantic import BaseModel

from handlers.context import Ctx
from handlers.messages import Choice, Event, Reply

__all__ = ["Flow", "Go", "Stay", "Step", "choice_rows"]

D = TypeVar("D", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Go:
    """Move to `step` (None ends the conversation), saying `say` first."""

    step: str | None
    say: tuple[Reply, ...] = ()


@dataclass(frozen=True, slots=True)
class Stay:
    """The answer was not usable: tell the person why and ask the same step again."""

    problem: str


@dataclass(frozen=True, slots=True)
class Step(Generic[D]):
    ask: Callable[[Ctx, D], Awaitable[Reply]]
    take: Callable[[Ctx, Event, D], Awaitable[Go | Stay]]


@dataclass(frozen=True, slots=True)
class Flow(Generic[D]):
    """A flow's draft type, its steps, and how it begins from a command's arguments.

    `begin` fills a fresh draft and names the first step (or ends at once).
    `anytime` sees every event before the step does, for input valid at any step
    (a photo sent in the middle of a visit); it returns None to let the step take it.
    """

    name: str
    draft: type[D]
    steps: Mapping[str, Step[D]]
    begin: Callable[[Ctx, str, D], Awaitable[Go]]
    anytime: Callable[[Ctx, Event, D, str], Awaitable[Go | Stay | None]] | None = field(
        default=None
    )


def choice_rows(choices: list[Choice], per_row: int) -> tuple[tuple[Choice, ...], ...]:
    return tuple(tuple(choices[i : i + per_row]) for i in range(0, len(choices), per_row))
