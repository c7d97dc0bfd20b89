"""WeCom group robots (群机器人): how a webhook address names one, and the chat id it gets."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

__all__ = ["ROBOT_PREFIX", "robot_chat_id", "robot_key"]

ROBOT_PREFIX = "robot:"

_KEY = re.compile(r"[A-Za-z0-9-]{8,64}")


def robot_chat_id(text: str) -> str | None:
    """ "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a…" (or the bare key) →
    "robot:693a…"; None if it names no robot."""
    text = text.strip()
    if "key=" in text:
        keys = parse_qs(urlsplit(text).query).get("key", [])
        text = keys[0] if keys else ""
    return ROBOT_PREFIX + text if _KEY.fullmatch(text) else None


def robot_key(chat_id: str) -> str | None:
    """The webhook key of a "robot:<key>" chat id; None for a member's userid."""
    return chat_id.removeprefix(ROBOT_PREFIX) if chat_id.startswith(ROBOT_PREFIX) else None
