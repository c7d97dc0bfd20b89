"""What every `zoufang` command shares: its handler type, its failure, the store, table output."""

from __future__ import annotations

import argparse
import sys
import unicodedata
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from functools import wraps
from typing import Any

from bot.settings import Settings
from domain.campaigns import Campaign
from i18n.catalog import Catalog
from storage import Store, Tx, open_store

__all__ = [
    "Failed",
    "Handler",
    "Refused",
    "aligned",
    "campaign_named",
    "display_width",
    "local_time",
    "opened",
    "refusing",
]

Handler = Callable[[Settings, argparse.Namespace], Coroutine[Any, Any, int]]


class Failed(Exception):
    """A command cannot do what was asked; the message says why (one line on stderr, exit 1)."""


@asynccontextmanager
async def opened(settings: Settings) -> AsyncIterator[Store]:
    """The settings' database, migrated, closed on the way out."""
    store = await open_store(settings.database_path)
    try:
        yield store
    finally:
        await store.close()


def local_time(settings: Settings, moment: datetime) -> str:
    """The moment to the minute in the campaign's zone."""
    return moment.astimezone(settings.zone).strftime("%Y-%m-%d %H:%M")


def display_width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def aligned(rows: Sequence[Sequence[str]]) -> list[str]:
    """The rows as lines, each column padded to its widest cell (CJK counted double)."""
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell + " " * (width - display_width(cell))
            for cell, width in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    ]


class Refused(Exception):
    """What was typed cannot be used (a date, a zone); nothing was changed. Exit code 2."""


def refusing(handler: Handler) -> Handler:
    """The handler, with Refused printed as one line on stderr and exit code 2."""

    @wraps(handler)
    async def run(settings: Settings, args: argparse.Namespace) -> int:
        try:
            return await handler(settings, args)
        except Refused as refused:
            print(f"error: {refused}", file=sys.stderr)
            return 2

    return run


async def campaign_named(tx: Tx, t: Catalog, name: str | None) -> Campaign:
    """The campaign called `name`, or the active one when no name is given; Failed if none."""
    if name is None:
        campaign = await tx.campaigns.active()
        if campaign is None:
            raise Failed(t("cli.campaign.no_active"))
        return campaign
    campaign = await tx.campaigns.by_name(name)
    if campaign is None:
        raise Failed(t("cli.campaign.unknown", name=name))
    return campaign
