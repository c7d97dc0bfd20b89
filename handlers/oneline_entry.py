"""Telling a one-line visit entry apart from chatter outside any flow."""

from __future__ import annotations

from domain.oneline import parse_visit_line

__all__ = ["looks_like_visit_line"]

_PREFIXES = ("走访", "visit ")


def looks_like_visit_line(text: str) -> bool:
    """ "走访 …", or a target with a count ("住户 15户 …"), starts a visit from one line."""
    stripped = text.strip()
    if stripped.lower().startswith(_PREFIXES):
        return True
    line = parse_visit_line(stripped)
    return line.target is not None and line.count is not None
