"""Runs flows: starts them, feeds answers to the current step, and keeps state per step."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from handlers.context import Ctx
from handlers.flow import Flow, Go, Stay
from handlers.messages import Choice, Event, Reply
from storage.records import ConversationState

__all__ = ["FlowData", "Runner", "flow_data", "new_draft_id", "parse_flow_data"]

_DRAFT_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


def new_draft_id() -> str:
    return "".join(secrets.choice(_DRAFT_ALPHABET) for _ in range(8))


def flow_data(draft_id: str, step: str, value: str) -> str:
    """Button data names the draft and step it belongs to, so a stale button is recognised."""
    return f"f:{draft_id}:{step}:{value}"


class FlowData:
    __slots__ = ("draft_id", "step", "value")

    def __init__(self, draft_id: str, step: str, value: str) -> None:
        self.draft_id, self.step, self.value = draft_id, step, value


def parse_flow_data(data: str) -> FlowData | None:
    parts = data.split(":", 3)
    if len(parts) != 4 or parts[0] != "f":
        return None
    return FlowData(parts[1], parts[2], parts[3])


class Runner:
    def __init__(self, flows: Mapping[str, Flow[Any]]) -> None:
        self._flows = flows

    def __contains__(self, name: str) -> bool:
        return name in self._flows

    async def start(self, ctx: Ctx, name: str, args: str = "") -> list[Reply]:
        flow = self._flows[name]
        draft = flow.draft()
        state = ConversationState(
            platform=ctx.actor.platform,
            user_id=ctx.actor.user_id,
            chat_id=ctx.actor.chat_id,
            language=ctx.t.language,
            flow=name,
            step="",
            draft_id=new_draft_id(),
            data={},
            started_at=ctx.now,
            updated_at=ctx.now,
        )
        ctx.draft_id = state.draft_id
        return await self._follow(ctx, flow, state, draft, await flow.begin(ctx, args, draft))

    async def advance(self, ctx: Ctx, state: ConversationState, event: Event) -> list[Reply]:
        """Give the current step the person's answer."""
        flow = self._flows[state.flow]
        draft = flow.draft.model_validate(state.data)
        ctx.draft_id = state.draft_id
        outcome = await flow.anytime(ctx, event, draft, state.step) if flow.anytime else None
        if outcome is None:
            outcome = await flow.steps[state.step].take(ctx, event, draft)
        if isinstance(outcome, Stay):
            question = await flow.steps[state.step].ask(ctx, flow.draft.model_validate(state.data))
            return [_bind(replace(question, text=outcome.problem), state)]
        return await self._follow(ctx, flow, state, draft, outcome)

    async def ask_again(self, ctx: Ctx, state: ConversationState) -> list[Reply]:
        """The current step's question once more, for a person coming back to it."""
        flow = self._flows[state.flow]
        draft = flow.draft.model_validate(state.data)
        return await self._follow(ctx, flow, state, draft, Go(state.step))

    async def _follow(
        self, ctx: Ctx, flow: Flow[Any], state: ConversationState, draft: Any, go: Go
    ) -> list[Reply]:
        replies = list(go.say)
        if go.step is None:
            await ctx.tx.conversations.clear(state.platform, state.user_id)
            return replies
        question = await flow.steps[go.step].ask(ctx, draft)
        state.step = go.step
        state.data = draft.model_dump(mode="json")
        state.updated_at = ctx.now
        state.reminded_at = None
        await ctx.tx.conversations.save(state)
        replies.append(_bind(question, state))
        return replies


def _bind(question: Reply, state: ConversationState) -> Reply:
    """Stamp the question's buttons with the draft and step they answer."""
    rows = tuple(
        tuple(Choice(c.label, flow_data(state.draft_id, state.step, c.data)) for c in row)
        for row in question.choices
    )
    return replace(question, choices=rows)
