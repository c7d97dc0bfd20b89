"""Loading the zh/en catalogs and looking messages up by dotted key."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from string import Formatter
from typing import Any

__all__ = ["LANGUAGES", "Catalog", "catalog", "language_for", "placeholders"]

LANGUAGES = ("zh", "en")


class Catalog:
    """The messages of one language; `t("visit.ask_place")` or `t("x", n=3)`."""

    def __init__(self, language: str, messages: dict[str, str]) -> None:
        self.language = language
        self.messages = messages

    def __call__(self, key: str, /, **values: Any) -> str:
        text = self.messages[key]
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in self.messages


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = str(value)
    return flat


@cache
def catalog(language: str) -> Catalog:
    if language not in LANGUAGES:
        language = LANGUAGES[0]
    source = resources.files("i18n").joinpath(f"{language}.toml").read_text(encoding="utf-8")
    return Catalog(language, _flatten(tomllib.loads(source)))


def language_for(code: str | None, default: str) -> str:
    """The catalog for a platform's language code ("en-US" → en, "zh-hans" → zh)."""
    if code:
        base = code.split("-")[0].split("_")[0].lower()
        if base in LANGUAGES:
            return base
    return default


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}
