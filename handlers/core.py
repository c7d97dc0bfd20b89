"""The core: one transaction per thing a person does, routed to a command or their flow."""

from __future__ import annotations

import logging
import re
from zoneinfo import ZoneInfo

from domain.clock import Clock
from handlers import commands
from handlers.campaign_routes import campaign_command, group_event
from handlers.choices import shown_in, typed_choice
from handlers.context import CaseRules, Ctx, Later, Links
from handlers.ledger_routes import ledger_command, ledger_pressed
from handlers.menu import command_for_label, main_menu
from handlers.messages import Command, Event, Incoming, Pressed, Reply, Text
from handlers.oneline_entry import looks_like_visit_line
from handlers.runner import Runner, parse_flow_data
from handlers.spot_routes import spot_command, spot_pressed
from i18n import catalog, language_for
from storage import Store
from storage.records import ConversationState

__all__ = ["Core"]

log = logging.getLogger(__name__)

# Commands that start a flow, and the role check for each.
_FLOW_COMMANDS = {"visit": "visit", "issue": "issue", "invite": "invite"}


class Core:
    """Takes what a person did on any channel and returns what the bot answers."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        zone: ZoneInfo,
        language: str,
        links: Links,
        rules: CaseRules,
        runner: Runner,
    ) -> None:
        self._store = store
        self._clock = clock
        self._zone = zone
        self._language = language
        self._links = links
        self._rules = rules
        self._runner = runner

    @property
    def links(self) -> Links:
        return self._links

    @property
    def rules(self) -> CaseRules:
        return self._rules

    async def handle(self, incoming: Incoming) -> list[Reply]:
        try:
            replies, later = await self._in_transaction(incoming)
            for job in later:
                replies += await job(self._store)
            return replies
        except Exception:
            log.exception("failed to handle %s", incoming)
            fallback = catalog(language_for(incoming.actor.language_code, self._language))
            return [Reply(fallback("error.internal"))]

    async def _in_transaction(self, incoming: Incoming) -> tuple[list[Reply], list[Later]]:
        """Everything a message does to the database, kept together or not at all."""
        async with self._store.transaction() as tx:
            now = self._clock.now()
            if incoming.update_key and not await tx.updates.first_time(incoming.update_key, now):
                return [], []
            actor = incoming.actor
            person = await tx.directory.person_by_identity(actor.platform, actor.user_id)
            state = await tx.conversations.get(actor.platform, actor.user_id)
            language = (
                person.language
                if person and person.language
                else language_for(actor.language_code, self._language)
            )
            ctx = Ctx(
                tx, now, self._zone, catalog(language), actor, person, self._links, self._rules
            )
            if not actor.private:
                return await group_event(ctx, incoming.event), ctx.later
            shown = await tx.conversations.shown(actor.platform, actor.user_id)
            replies = await self._route(ctx, state, typed_choice(shown, incoming.event))
            if replies:
                await tx.conversations.show(actor.platform, actor.user_id, shown_in(replies))
            return replies, ctx.later

    async def _route(self, ctx: Ctx, state: ConversationState | None, event: Event) -> list[Reply]:
        if isinstance(event, Command):
            return await self._command(ctx, state, event)
        if isinstance(event, Pressed):
            return await self._pressed(ctx, state, event.data)
        if ctx.person is None and state is None and await _is_invite(ctx, event):
            assert isinstance(event, Text)
            return await self._runner.start(ctx, "join", event.text)
        if ctx.person is None and (state is None or state.flow != "join"):
            return [commands.refusal(ctx)]
        # The menu stays on screen during a flow, so its labels are commands everywhere.
        command = command_for_label(event.text) if isinstance(event, Text) else None
        if command and ctx.person is not None:
            return await self._command(ctx, state, Command(command))
        if state is not None:
            return await self._runner.advance(ctx, state, event)
        if isinstance(event, Text) and looks_like_visit_line(event.text):
            return await self._runner.start(ctx, "visit", event.text)
        return [commands.not_understood(ctx)]

    async def _command(
        self, ctx: Ctx, state: ConversationState | None, command: Command
    ) -> list[Reply]:
        name, args = command.name, command.args.strip()
        if name == "start" and args and ctx.person is None:
            return await self._runner.start(ctx, "join", args)
        if ctx.person is None:
            return [commands.refusal(ctx)]
        if name == "cancel":
            return await commands.cancel(ctx, state)
        if name in ("start", "menu"):
            return [commands.welcome(ctx, joined_again=bool(args))]
        if name == "help":
            return [commands.help_text(ctx)]
        if name == "lang":
            return [await commands.switch_language(ctx, args)]
        if name == "my":
            shown = [await commands.my_progress(ctx)]
            return shown + (await self._runner.ask_again(ctx, state) if state else [])
        if name == "reload" and ctx.member().role.may_invite:
            units = {unit.code for unit in await ctx.tx.directory.units()}
            return [commands.reloaded(ctx, self._rules.reload(units))]
        ledger = await ledger_command(ctx, state, name, args, self._runner)
        if ledger is not None:
            return ledger
        supervision = await campaign_command(ctx, name, args)
        if supervision is not None:
            return supervision
        spot = await spot_command(ctx, state, name, args, self._runner)
        if spot is not None:
            return spot
        flow = _FLOW_COMMANDS.get(name)
        if flow is None or (flow == "invite" and not ctx.member().role.may_invite):
            return [commands.not_understood(ctx)]
        if state is not None:
            return [commands.unfinished(ctx, state, flow)]
        return await self._runner.start(ctx, flow, args)

    async def _pressed(self, ctx: Ctx, state: ConversationState | None, data: str) -> list[Reply]:
        if ctx.person is None and (state is None or state.flow != "join"):
            return [commands.refusal(ctx)]
        pressed = parse_flow_data(data)
        if pressed is not None:
            if state and (state.draft_id, state.step) == (pressed.draft_id, pressed.step):
                return await self._runner.advance(ctx, state, Pressed(pressed.value))
            return await self._stale(ctx, state, pressed.draft_id)
        ledger = await ledger_pressed(ctx, state, data, self._runner)
        if ledger is not None:
            return ledger
        spot = await spot_pressed(ctx, state, data, self._runner)
        if spot is not None:
            return spot
        action, _, arg = data.removeprefix("g:").partition(":")
        mine = state is not None and state.draft_id == arg
        if action == "resume" and state is not None and mine:
            return await self._runner.ask_again(ctx, state)
        if action == "discard" and state is not None and mine:
            return await commands.cancel(ctx, state)
        if action == "restart" and arg in self._runner and arg != "join":
            if state is not None:
                await ctx.tx.conversations.clear(state.platform, state.user_id)
            return await self._command(ctx, None, Command(arg))
        if action == "issue" and state is None and arg.isdigit():
            return await self._runner.start(ctx, "issue", f"visit:{arg}")
        return await self._stale(ctx, state, arg)

    async def _stale(self, ctx: Ctx, state: ConversationState | None, draft_id: str) -> list[Reply]:
        """An old button: say what became of it, and where the person is now."""
        said = await commands.outcome_of(ctx, draft_id)
        if state is not None:
            return [said, *await self._runner.ask_again(ctx, state)]
        return [Reply(said.text, menu=main_menu(ctx.t, ctx.person))]


_CODE = re.compile(r"[A-Z0-9]{4,32}")


async def _is_invite(ctx: Ctx, event: Event) -> bool:
    """A stranger's first message that is an invite code joins them, where a platform has no
    deep links (WeCom): the code is typed or pasted as it was handed out."""
    if not isinstance(event, Text):
        return False
    code = event.text.strip().upper()
    return bool(_CODE.fullmatch(code)) and await ctx.tx.directory.invite_by_code(code) is not None
