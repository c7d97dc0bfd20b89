"""One-shot answers: welcome, help, progress, language, cancel, refusals and stale buttons."""

from __future__ import annotations

from datetime import timedelta

from domain.visits import VisitSummary
from handlers.context import Ctx, RulesProblem
from handlers.menu import main_menu
from handlers.messages import Choice, Reply
from i18n import LANGUAGES, catalog
from storage.records import ConversationState

__all__ = [
    "cancel",
    "help_text",
    "my_progress",
    "not_understood",
    "outcome_of",
    "refusal",
    "reloaded",
    "switch_language",
    "unfinished",
    "welcome",
]

_RECENT_CASES = 10


def _menu(ctx: Ctx) -> tuple[tuple[str, ...], ...] | None:
    return main_menu(ctx.t, ctx.person)


def refusal(ctx: Ctx) -> Reply:
    return Reply(ctx.t("door.refused"))


def not_understood(ctx: Ctx) -> Reply:
    return Reply(ctx.t("menu.not_understood"), menu=_menu(ctx))


def welcome(ctx: Ctx, *, joined_again: bool = False) -> Reply:
    person = ctx.member()
    key = "door.already_joined" if joined_again else "menu.welcome"
    return Reply(ctx.t(key, name=person.name, unit=person.unit_name), menu=_menu(ctx))


def help_text(ctx: Ctx) -> Reply:
    text = ctx.t("help.officer")
    if ctx.member().role.may_invite:
        text += "\n\n" + ctx.t("help.coordinator")
    return Reply(text, menu=_menu(ctx))


async def cancel(ctx: Ctx, state: ConversationState | None) -> list[Reply]:
    if state is None:
        return [Reply(ctx.t("menu.nothing_to_cancel"), menu=_menu(ctx))]
    await ctx.tx.conversations.clear(state.platform, state.user_id)
    return [Reply(ctx.t("menu.cancelled", flow=ctx.t(f"flow.{state.flow}")), menu=_menu(ctx))]


async def switch_language(ctx: Ctx, wanted: str) -> Reply:
    """`/lang en`, `/lang zh`, or plain `/lang` to switch to the other one."""
    wanted = wanted.strip().lower()[:2]
    if wanted not in LANGUAGES:
        wanted = "en" if ctx.t.language == "zh" else "zh"
    person = ctx.member()
    await ctx.tx.directory.set_language(person.id, wanted)
    ctx.t = catalog(wanted)
    return Reply(ctx.t("menu.language_set"), menu=_menu(ctx))


def unfinished(ctx: Ctx, state: ConversationState, wanted: str) -> Reply:
    """Someone mid-way through one flow asked for another: keep the draft unless they say."""
    return Reply(
        ctx.t("menu.unfinished", flow=ctx.t(f"flow.{state.flow}")),
        choices=(
            (
                Choice(ctx.t("menu.resume"), f"g:resume:{state.draft_id}"),
                Choice(ctx.t("menu.discard_and_start"), f"g:restart:{wanted}"),
            ),
        ),
    )


def _totals(ctx: Ctx, title: str, summary: VisitSummary) -> str:
    return ctx.t(
        "my.totals",
        title=title,
        batches=summary.batches,
        count=summary.count,
        people=summary.people,
        materials=summary.materials,
        opinions=summary.opinions,
    )


async def my_progress(ctx: Ctx) -> Reply:
    """Today's and this week's visits, and the person's own cases with their status."""
    person = ctx.member()
    today = ctx.today
    monday = today - timedelta(days=today.weekday())
    visits = ctx.tx.visits
    lines = [
        ctx.t("my.header", name=person.name, unit=person.unit_name),
        _totals(ctx, ctx.t("my.today"), await visits.summary(person.id, today, today)),
        _totals(ctx, ctx.t("my.week"), await visits.summary(person.id, monday, today)),
    ]
    cases = await ctx.tx.cases.reported_by(person.id, _RECENT_CASES)
    total = await ctx.tx.cases.count_reported_by(person.id)
    if cases:
        lines.append(ctx.t("my.cases_header", shown=len(cases), total=total))
        lines += [
            ctx.t(
                "my.case_line",
                number=case.number,
                status=ctx.t(f"case_status.{case.status.value}"),
                kind=ctx.t(f"issue_kind.{case.kind.value}"),
                description=_shorten(case.description, 24),
            )
            for case in cases
        ]
    else:
        lines.append(ctx.t("my.no_cases"))
    return Reply("\n".join(lines), menu=_menu(ctx))


async def outcome_of(ctx: Ctx, draft_id: str) -> Reply:
    """What became of the draft an old button belonged to."""
    person = ctx.person
    visit_id = await ctx.tx.visits.id_for_draft(draft_id)
    if visit_id is not None:
        return Reply(ctx.t("stale.visit_saved", id=visit_id))
    case = await ctx.tx.cases.by_draft(draft_id)
    if case is not None and person is not None:
        status = ctx.t(f"case_status.{case.status.value}")
        return Reply(ctx.t("stale.case_saved", number=case.number, status=status))
    return Reply(ctx.t("stale.button"))


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def reloaded(ctx: Ctx, problems: list[RulesProblem]) -> Reply:
    """The outcome of `/reload`: in force now, or each problem with its file and line."""
    if not problems:
        return Reply(ctx.t("rules.reloaded"))
    lines = [ctx.t("rules.refused")]
    lines += [
        ctx.t(
            "rules.problem",
            file=p.file,
            line=p.line if p.line is not None else "?",
            problem=ctx.t(f"rules.code.{p.code}"),
            detail=p.detail,
        )
        for p in problems
    ]
    return Reply("\n".join(lines))
