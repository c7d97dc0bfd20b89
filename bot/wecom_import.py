"""`zoufang import-wecom FILE`: WeCom user ids from the directory export (通讯录导出), bound to
imported people so they talk to the bot as themselves without an invite code."""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.cli_support import opened
from bot.imports import BadRows, RowProblem, column_field, read_table, table_records
from bot.settings import Settings
from domain.clock import SystemClock
from domain.people import Person
from domain.phone import normalize_phone
from i18n import catalog
from i18n.catalog import Catalog
from storage.interfaces import DirectoryStore

__all__ = [
    "WECOM",
    "WECOM_COLUMNS",
    "WecomLink",
    "WecomLinks",
    "add_wecom_import_arguments",
    "read_wecom_links",
    "run_wecom_import",
]

WECOM = "wecom"

WECOM_COLUMNS = {
    "userid": ("userid", "user_id", "账号", "帐号", "成员账号", "成员帐号"),
    "external_id": ("external_id", "工号", "编号", "警号"),
    "phone": ("mobile", "phone", "手机", "手机号", "手机号码"),
    "name": ("name", "姓名"),
    "department": ("department", "部门", "所在部门"),
}

# WeCom's rule for a UserID: 1-64 bytes of letters, digits and _-@., a letter or digit first.
_USERID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-@.]{0,63}")
_DEPARTMENTS = re.compile(r"[;；,，\n]")
# The console's export may put a title line or two above the header.
_HEADER_SEARCH = 5


@dataclass(frozen=True, slots=True)
class WecomLink:
    """A row of the export, matched: bind `user_id` to `person`."""

    row: int
    user_id: str
    person: Person


@dataclass(frozen=True, slots=True)
class WecomLinks:
    """The matched rows, and the rows of people not in the directory when those are skipped."""

    links: list[WecomLink]
    skipped: int


def _header_row(table: list[list[str]]) -> int:
    for number, row in enumerate(table[:_HEADER_SEARCH], start=1):
        if any(column_field(title, WECOM_COLUMNS) == "userid" for title in row):
            return number
    return 1


def _departments(cell: str) -> set[str]:
    """A member's departments, each by its own name: a path 总局/分局/派出所 ends in it."""
    return {part.rsplit("/", 1)[-1].strip() for part in _DEPARTMENTS.split(cell) if part.strip()}


async def _candidates(directory: DirectoryStore, record: dict[str, str]) -> list[Person]:
    """Who the row is: the first way of finding people that finds exactly one decides; else
    everyone any way found (none: unknown; several: ambiguous)."""
    found: list[list[Person]] = []
    external_id = record.get("external_id", "")
    if external_id:
        person = await directory.person_by_external_id(external_id)
        found.append([person] if person else [])
    typed = record.get("phone", "")
    phone = normalize_phone(typed) if typed else None
    if phone:
        found.append(await directory.people_by_phone(phone))
    name, departments = record.get("name", ""), _departments(record.get("department", ""))
    if name and departments:
        named = await directory.people_named(name)
        found.append([person for person in named if person.unit_name in departments])
    for people in found:
        if len(people) == 1:
            return people
    return list({person.id: person for people in found for person in people}.values())


def _who(record: dict[str, str]) -> str:
    fields = ("external_id", "phone", "name", "department")
    return " / ".join(record[field] for field in fields if record.get(field))


def _person(t: Catalog, person: Person) -> str:
    return t("import.wecom.person", name=person.name, unit=person.unit_name)


async def read_wecom_links(
    table: list[list[str]], directory: DirectoryStore, t: Catalog, skip_unknown: bool = False
) -> WecomLinks:
    """Every row of a directory export matched to one person, checked against each other and
    the accounts already bound. Raises BadRows with every problem, so nothing is half done."""
    header_row = _header_row(table)
    records = table_records(table, WECOM_COLUMNS, ("userid",), header_row)
    fields = {column_field(title, WECOM_COLUMNS) for title in table[header_row - 1]}
    if not {"external_id", "phone"} & fields and not {"name", "department"} <= fields:
        raise BadRows([RowProblem(header_row, t("import.wecom.no_way"))])
    bound = await directory.accounts(WECOM)
    owner = {user_id.casefold(): (user_id, person_id) for user_id, person_id in bound.items()}
    account_of = {person_id: user_id for user_id, person_id in bound.items()}
    problems: list[RowProblem] = []
    links: list[WecomLink] = []
    rows_of_ids: dict[str, int] = {}
    rows_of_people: dict[int, tuple[int, str]] = {}
    skipped = 0
    for number, record in records:
        user_id = record["userid"]
        if not _USERID.fullmatch(user_id):
            wrong = t("import.wecom.bad_userid", userid=user_id) if user_id else None
            problems.append(RowProblem(number, wrong or t("import.wecom.no_userid")))
            continue
        folded = user_id.casefold()  # WeCom tells user ids apart regardless of case
        if folded in rows_of_ids:
            first = rows_of_ids[folded]
            problems.append(
                RowProblem(number, t("import.wecom.duplicate", userid=user_id, first=first))
            )
            continue
        rows_of_ids[folded] = number
        people = await _candidates(directory, record)
        if not people:
            if skip_unknown:
                skipped += 1
            else:
                problems.append(RowProblem(number, t("import.wecom.unknown", who=_who(record))))
            continue
        if len(people) > 1:
            names = " / ".join(_person(t, person) for person in people)
            problems.append(
                RowProblem(number, t("import.wecom.ambiguous", who=_who(record), people=names))
            )
            continue
        person = people[0]
        if person.id in rows_of_people:
            first, first_id = rows_of_people[person.id]
            problems.append(
                RowProblem(
                    number,
                    t(
                        "import.wecom.same_person",
                        person=_person(t, person),
                        first=first,
                        userid=first_id,
                    ),
                )
            )
            continue
        rows_of_people[person.id] = (number, user_id)
        stored, owner_id = owner.get(folded, (user_id, person.id))  # unbound: theirs to take
        if owner_id != person.id:
            other = await directory.person(owner_id)
            taken_by = _person(t, other) if other else str(owner_id)
            problems.append(
                RowProblem(number, t("import.wecom.taken", userid=stored, person=taken_by))
            )
            continue
        current = account_of.get(person.id)
        if current is not None and current.casefold() != folded:
            problems.append(
                RowProblem(
                    number, t("import.wecom.has_other", person=_person(t, person), userid=current)
                )
            )
            continue
        links.append(WecomLink(number, stored, person))
    if problems:
        raise BadRows(problems)
    return WecomLinks(links, skipped)


async def run_wecom_import(settings: Settings, args: argparse.Namespace) -> int:
    """Check every row, then bind all accounts in one transaction; 0 when done."""
    t = catalog(settings.language)
    table = read_table(args.file)
    async with opened(settings) as store, store.transaction() as tx:
        read = await read_wecom_links(table, tx.directory, t, args.skip_unknown)
        now = SystemClock().now()
        linked = 0
        for link in read.links:
            user_id = link.user_id
            linked += await tx.directory.link_identity(link.person.id, WECOM, user_id, user_id, now)
    print(t("cli.wecom.imported", linked=linked, already=len(read.links) - linked))
    if read.skipped:
        print(t("cli.wecom.skipped", count=read.skipped), file=sys.stderr)
    return 0


def add_wecom_import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        type=Path,
        metavar="FILE",
        help="the admin console's export (.xlsx, or .csv): 账号/UserID and 工号, 手机 or 姓名+部门",
    )
    parser.add_argument(
        "--skip-unknown",
        action="store_true",
        help="pass over members who are not among the imported people (a whole-company export)",
    )
