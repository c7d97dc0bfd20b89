"""The zh and en catalogs hold the same keys with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

from i18n import catalog
from i18n.catalog import placeholders


def test_same_keys_and_placeholders() -> None:
    zh, en = catalog("zh").messages, catalog("en").messages
    assert sorted(zh) == sorted(en)
    for key in zh:
        assert placeholders(zh[key]) == placeholders(en[key]), key


def test_every_key_used_in_code_exists() -> None:
    """Literal keys in the code must be in the catalog (dynamic ones are tested by transcripts)."""
    known = catalog("zh").messages
    used = set()
    for path in Path(__file__).parent.parent.glob("*/**/*.py"):
        if "tests" in path.parts or ".venv" in path.parts:
            continue
        used |= set(re.findall(r"""\.t\(\s*"([a-z_]+\.[a-z_.0-9]+)\"""", path.read_text("utf-8")))
    assert used, "the scan found no keys: the pattern is wrong"
    assert sorted(used - set(known)) == []
