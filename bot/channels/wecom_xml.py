"""WeCom's callback XML, parsed safely: the encrypted envelope, and messages as neutral events."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

from handlers.messages import (
    Actor,
    Command,
    Event,
    Incoming,
    Location,
    Photo,
    Pressed,
    Text,
    Unsupported,
)

__all__ = [
    "BadXml",
    "CardPress",
    "Envelope",
    "Inbound",
    "envelope_of",
    "fields_of",
    "inbound_of",
]

PLATFORM = "wecom"

_Kind = Literal["voice", "video", "document", "other"]
_UNSUPPORTED: dict[str, _Kind] = {"voice": "voice", "video": "video", "file": "document"}
# The app's own custom menu (自定义菜单) can send these keys as click events.
_MENU_COMMANDS = frozenset({"visit", "issue", "my", "cases", "help", "cancel", "lang", "start"})


class BadXml(ValueError):
    """Not well-formed, not the shape WeCom sends, or carrying a DTD or entities."""


@dataclass(frozen=True, slots=True)
class Envelope:
    """The outer, plain XML of an encrypted callback."""

    to_user: str
    encrypt: str
    agent_id: str


@dataclass(frozen=True, slots=True)
class CardPress:
    """A template-card button press: what the channel needs to mark the card afterwards."""

    user_id: str
    task_id: str
    key: str
    response_code: str


@dataclass(frozen=True, slots=True)
class Inbound:
    """One decoded callback: the core's `Incoming`, and the card press it came from, if any."""

    incoming: Incoming
    card: CardPress | None = None


def fields_of(body: bytes | str) -> dict[str, str]:
    """The children of `<xml>` as name → text; DTDs, entities and external references refused."""
    try:
        root: Element = fromstring(body, forbid_dtd=True)
    except (ParseError, DefusedXmlException) as exc:
        raise BadXml(f"{type(exc).__name__}: {exc}") from exc
    if root.tag != "xml":
        raise BadXml(f"root element is <{root.tag}>, not <xml>")
    return {child.tag: (child.text or "").strip() for child in root}


def envelope_of(body: bytes) -> Envelope:
    fields = fields_of(body)
    encrypt = fields.get("Encrypt", "")
    if not encrypt:
        raise BadXml("no <Encrypt>")
    return Envelope(fields.get("ToUserName", ""), encrypt, fields.get("AgentID", ""))


def _text_event(text: str) -> Event:
    """A leading "/" is a command, as on Telegram: "/visit 住户 15户" → visit, "住户 15户"."""
    if text.startswith("/") and len(text) > 1 and not text[1].isspace():
        word, _, rest = text[1:].partition(" ")
        return Command(word.split("@")[0].lower(), rest.strip())
    return Text(text)


def _location(fields: dict[str, str]) -> Location | None:
    try:
        latitude = float(fields["Location_X"])
        longitude = float(fields["Location_Y"])
    except (KeyError, ValueError):
        return None
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return None
    if abs(latitude) > 90 or abs(longitude) > 180:
        return None
    return Location(latitude, longitude)


def _message_event(kind: str, fields: dict[str, str]) -> Event:
    if kind == "text":
        return _text_event(fields.get("Content", ""))
    if kind == "location":
        return _location(fields) or Unsupported("other")
    if kind == "image" and fields.get("MediaId"):
        return Photo(fields["MediaId"])
    return Unsupported(_UNSUPPORTED.get(kind, "other"))


def _event_event(name: str, fields: dict[str, str]) -> Event | None:
    """What an event means to the core; None for those it has no use for."""
    key = fields.get("EventKey", "")
    if name == "template_card_event" and key:
        return Pressed(key)
    if name == "click" and key in _MENU_COMMANDS:
        return Command(key)
    # Opening the app (enter_agent, daily at most) or being added to it says nothing that needs
    # an answer: greeting on each would interrupt a person in the middle of a visit.
    return None


def inbound_of(fields: dict[str, str]) -> Inbound | None:
    """The neutral form of a decrypted callback, or None when it needs nothing from the core.

    Update keys: "wecom:" + MsgId for messages; for events, which have no MsgId, the sender,
    CreateTime and the event (with the card and button for a press), so WeCom's retries of
    one event share a key while two different presses in the same second do not.
    """
    user = fields.get("FromUserName", "")
    kind = fields.get("MsgType", "")
    if not user or not kind:
        raise BadXml("no FromUserName or MsgType")
    actor = Actor(PLATFORM, user, user)
    if kind != "event":
        msg_id = fields.get("MsgId", "")
        key = f"wecom:{msg_id}" if msg_id else f"wecom:{user}:{fields.get('CreateTime', '')}"
        return Inbound(Incoming(actor, _message_event(kind, fields), key))
    name = fields.get("Event", "")
    event = _event_event(name, fields)
    if event is None:
        return None
    task = fields.get("TaskId", "")
    parts = [user, fields.get("CreateTime", ""), name]
    if isinstance(event, Pressed):
        parts += [task, event.data]
    incoming = Incoming(actor, event, "wecom:" + ":".join(parts))
    code = fields.get("ResponseCode", "")
    card = CardPress(user, task, event.data, code) if isinstance(event, Pressed) and code else None
    return Inbound(incoming, card)
