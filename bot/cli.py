"""The `zoufang` command line: database, imports, invites, members, demo data, console, run."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from bot.bulletin_command import add_bulletin_arguments, run_bulletin
from bot.campaign_command import add_campaign_commands
from bot.cli_support import Failed, Handler, aligned, local_time, opened
from bot.demo import COORDINATOR_ID, DEMO_UNITS, OFFICER_ID, seed_demo
from bot.export_command import add_export_arguments, run_export
from bot.imports import BadFile, BadRows, parse_role, read_people, read_table, read_units
from bot.links import TelegramLinks
from bot.settings import Settings, SettingsError, load_settings
from bot.wecom_import import add_wecom_import_arguments, run_wecom_import
from domain.clock import SystemClock
from domain.people import Role, new_invite_code
from storage.records import Member, NewInvite

__all__ = ["main"]


# commands ───────────────────────────────────────────────────────────────────


async def _init(settings: Settings, args: argparse.Namespace) -> int:
    async with opened(settings) as store:
        version = await store.version()
    print(f"database: {settings.database_path.resolve()}")
    print(f"schema version: {version}")
    return 0


async def _import_units(settings: Settings, args: argparse.Namespace) -> int:
    table = read_table(args.file)
    async with opened(settings) as store, store.transaction() as tx:
        known = await tx.directory.units()
        code_of = {unit.id: unit.code for unit in known}
        existing = {u.code: code_of.get(u.parent_id) if u.parent_id else None for u in known}
        units = read_units(table, existing)
        await tx.directory.add_units(units)
    added = sum(unit.code not in existing for unit in units)
    print(f"imported {len(units)} units: {added} new, {len(units) - added} updated")
    return 0


async def _import_people(settings: Settings, args: argparse.Namespace) -> int:
    table = read_table(args.file)
    async with opened(settings) as store, store.transaction() as tx:
        people = read_people(table, {unit.code for unit in await tx.directory.units()})
        updated = [
            person
            for person in people
            if person.external_id and await tx.directory.person_by_external_id(person.external_id)
        ]
        await tx.directory.add_people(people, SystemClock().now())
    added = len(people) - len(updated)
    print(f"imported {len(people)} people: {added} new, {len(updated)} updated by external_id")
    return 0


async def _invite(settings: Settings, args: argparse.Namespace) -> int:
    now = SystemClock().now()
    async with opened(settings) as store, store.transaction() as tx:
        directory = tx.directory
        person = await directory.person_by_external_id(args.person) if args.person else None
        if args.person and person is None:
            raise Failed(f"no person with external_id {args.person}")
        if args.unit:
            unit = await directory.unit_by_code(args.unit)
        else:
            unit = await directory.unit(person.unit_id) if person else None
        if unit is None:
            raise Failed(
                f"no unit {args.unit}" if args.unit else "--unit is required without --person"
            )
        role: Role | None = args.role or (person.role if person else None)
        if role is None:
            raise Failed("--role is required without --person")
        if person and (person.unit_id, person.role) != (unit.id, role):
            raise Failed(
                f"{person.name} is {person.role} of {person.unit_name}; the invite must match"
            )
        code = new_invite_code()
        while await directory.invite_by_code(code) is not None:
            code = new_invite_code()
        uses = args.uses if args.uses is not None else (1 if person else None)
        expires = now + timedelta(days=args.days) if args.days else None
        invite = await directory.add_invite(
            NewInvite(code, unit.id, role, now, uses, expires, person.id if person else None)
        )
    print(f"invite code: {invite.code}")
    print(f"  unit:    {unit.name} ({unit.code})")
    print(f"  role:    {role.value}")
    if person:
        print(f"  for:     {person.name} ({args.person})")
    print(f"  uses:    {uses or 'unlimited'}")
    print(f"  expires: {local_time(settings, expires) if expires else 'never'}")
    link = TelegramLinks(settings.telegram_bot_username).invite_link("telegram", invite.code)
    if link:
        print(f"link: {link}")
    else:
        print("set TELEGRAM_BOT_USERNAME to print the link; officers can also send /start CODE")
    return 0


async def _revoke(settings: Settings, args: argparse.Namespace) -> int:
    async with opened(settings) as store, store.transaction() as tx:
        invite = await tx.directory.invite_by_code(args.code)
        if invite is None:
            raise Failed(f"no invite {args.code}")
        if invite.revoked_at is None:
            invite = await tx.directory.revoke_invite(args.code, SystemClock().now())
    assert invite is not None
    assert invite.revoked_at is not None
    print(f"invite {invite.code} ({invite.unit_name}, {invite.role.value}, used {invite.uses}x)")
    print(f"revoked at {local_time(settings, invite.revoked_at)}")
    print("people who joined with it can no longer use the bot")
    return 0


def _member_row(settings: Settings, m: Member) -> tuple[str, ...]:
    status = "active" if m.active else "revoked"
    return (
        m.unit_code,
        m.name,
        m.role.value,
        m.platform,
        local_time(settings, m.joined_at),
        status,
    )


async def _members(settings: Settings, args: argparse.Namespace) -> int:
    async with opened(settings) as store, store.transaction() as tx:
        members = await tx.directory.members(args.platform)
    if not members:
        print(
            f"nobody has joined on {args.platform} yet"
            if args.platform
            else "nobody has joined yet"
        )
        return 0
    header = [("unit", "name", "role", "platform", "joined", "status")]
    print("\n".join(aligned(header + [_member_row(settings, m) for m in members])))
    return 0


async def _demo(settings: Settings, args: argparse.Namespace) -> int:
    async with opened(settings) as store:
        ids = await seed_demo(store, SystemClock().now(), settings.zone, settings.language)
    print("demo data seeded" if ids.created else "demo data already in place; nothing changed")
    print(f"  {len(DEMO_UNITS)} units under 马鞍山市 (MAS)")
    print(f"  officer 王小明 ({OFFICER_ID}), coordinator 李主任 ({COORDINATOR_ID})")
    print(f"try: zoufang console   or   zoufang console --as {COORDINATOR_ID}")
    return 0


async def _console(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import ConsoleUnavailable, run_console

    try:
        await run_console(settings, args.person, seed=False)
    except ConsoleUnavailable as error:
        hint = "; run `zoufang demo` first" if args.person == OFFICER_ID else ""
        raise Failed(f"{error}{hint}") from None
    return 0


async def _run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import run_bot  # the composition root pulls in every platform; only `run` needs it

    await run_bot(settings)
    return 0


# parsing ────────────────────────────────────────────────────────────────────


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def _role(text: str) -> Role:
    role = parse_role(text)
    if role is None:
        raise argparse.ArgumentTypeError(
            f"{text!r}: use officer/unit_lead/coordinator/admin"
            " or 走访干警/单位负责人/活动办/管理员"
        )
    return role


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zoufang",
        description="走访 bot administration. Settings come from the environment and .env.",
    )
    parser.set_defaults(handler=None)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, handler: Handler, text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text, description=text)
        sub.set_defaults(handler=handler)
        return sub

    command("init", _init, "create or migrate the database (建库/升级)")
    units = "units: code, name, parent, kind (代码, 名称, 上级代码, 类型)"
    people = "people: name, unit, role, phone, external_id (姓名, 单位代码, 角色, 电话, 工号)"
    for name, handler, what in (
        ("units", _import_units, units),
        ("people", _import_people, people),
    ):
        sub = command(f"import-{name}", handler, f"import {what}; all rows are checked first")
        sub.add_argument("file", type=Path, metavar="FILE", help=".csv (UTF-8/GB18030) or .xlsx")
    invite = command("invite", _invite, "create an invite code and link (创建邀请)")
    invite.add_argument("--unit", metavar="CODE", help="the unit's code (default: the person's)")
    invite.add_argument(
        "--role",
        type=_role,
        help="officer/unit_lead/coordinator/admin or 走访干警/单位负责人/活动办/管理员",
    )
    invite.add_argument(
        "--uses", type=_positive, metavar="N", help="default: no limit (1 with --person)"
    )
    invite.add_argument(
        "--days", type=_positive, metavar="N", help="valid for N days (default: no expiry)"
    )
    invite.add_argument("--person", metavar="EXTERNAL_ID", help="an imported person it is for")
    revoke = command("revoke", _revoke, "revoke an invite; who joined with it loses access")
    revoke.add_argument("code", metavar="CODE")
    members = command("members", _members, "list who has joined (已加入人员)")
    members.add_argument("--platform", metavar="NAME", help="only accounts on it: telegram, wecom")
    add_wecom_import_arguments(
        command(
            "import-wecom",
            run_wecom_import,
            "bind people's WeCom user ids from the directory export (通讯录导出);"
            " all rows are checked first",
        )
    )
    command("demo", _demo, "seed demo units, people and visits; running it again changes nothing")
    console = command("console", _console, "chat with the bot in this terminal (控制台)")
    console.add_argument("--as", dest="person", metavar="EXTERNAL_ID", default=OFFICER_ID)
    add_export_arguments(
        command("export", run_export, "write the case or visit ledger to .xlsx or .csv (导出台账)")
    )
    add_campaign_commands(
        commands.add_parser(
            "campaign",
            help="create, import quotas, show, activate, list campaigns (走访活动)",
            description="campaigns: dates, zone, quotas (走访任务数) and bound groups",
        )
    )
    add_bulletin_arguments(
        command(
            "bulletin",
            run_bulletin,
            "print a bulletin as it would be sent (日报/周调度/月小结), or --send it",
        )
    )
    command("run", _run, "start the bot (启动)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.handler is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        settings = load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    handler: Handler = args.handler
    try:
        return asyncio.run(handler(settings, args))
    except BadRows as error:
        for problem in error.problems:
            print(f"row {problem.row}: {problem.message}", file=sys.stderr)
        print(f"nothing imported: {len(error.problems)} problem(s)", file=sys.stderr)
    except (BadFile, Failed) as error:
        print(f"error: {error}", file=sys.stderr)
    except KeyboardInterrupt:
        return 130
    return 1
