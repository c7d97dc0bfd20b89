"""Callback XML: hostile documents refused, WeCom's messages and events as neutral events."""

from __future__ import annotations

import pytest

from bot.channels.wecom_xml import (
    BadXml,
    CardPress,
    envelope_of,
    fields_of,
    inbound_of,
)
from handlers.messages import Actor, Command, Location, Photo, Pressed, Text, Unsupported
from tests.channels.wecom import callbacks as cb
from tests.channels.wecom import vectors as v

T = 1764036000


def _inbound(xml: str) -> tuple[object, str | None]:
    inbound = inbound_of(fields_of(xml))
    assert inbound is not None
    return inbound.incoming.event, inbound.incoming.update_key


def test_the_official_plaintext() -> None:
    inbound = inbound_of(fields_of(v.POST_PLAIN.encode()))
    assert inbound is not None
    assert inbound.incoming.actor == Actor("wecom", "ChenJiaShun", "ChenJiaShun")
    assert inbound.incoming.event == Text("你好")
    assert inbound.incoming.update_key == "wecom:1456453720"
    assert inbound.card is None


def test_the_official_envelope() -> None:
    envelope = envelope_of(v.POST_BODY.encode())
    assert envelope.to_user == v.CORP_ID
    assert envelope.agent_id == "1000002"
    assert envelope.encrypt.startswith("Kl7kjoSf6DMD1zh7")


@pytest.mark.parametrize(
    ("content", "event"),
    [
        ("/start OFFICER1", Command("start", "OFFICER1")),
        ("/Visit  住户 15户 40人 珍珠园五村", Command("visit", "住户 15户 40人 珍珠园五村")),
        ("/help@zoufang", Command("help")),
        ("/", Text("/")),
        ("/ 空格", Text("/ 空格")),
        ("15", Text("15")),
        ("<b>&amp;</b>", Text("<b>&amp;</b>")),
    ],
)
def test_texts_and_commands(content: str, event: object) -> None:
    assert _inbound(cb.text("u1", content, 42, T)) == (event, "wecom:42")


def test_locations_photos_and_the_rest() -> None:
    assert _inbound(cb.location("u1", 31.6886, 118.5083, 43, T))[0] == Location(31.6886, 118.5083)
    assert _inbound(cb.image("u1", "MEDIA-1", 44, T))[0] == Photo("MEDIA-1")
    assert _inbound(cb.voice("u1", 45, T))[0] == Unsupported("voice")
    video = "<xml><FromUserName>u1</FromUserName><MsgType>video</MsgType><MsgId>46</MsgId></xml>"
    assert _inbound(video)[0] == Unsupported("video")
    file = video.replace("video", "file")
    assert _inbound(file)[0] == Unsupported("document")
    link = video.replace("video", "link")
    assert _inbound(link)[0] == Unsupported("other")
    no_media = video.replace("video", "image")
    assert _inbound(no_media)[0] == Unsupported("other")


@pytest.mark.parametrize(("lat", "lng"), [("abc", "1"), ("91", "1"), ("1", "-181"), ("nan", "1")])
def test_a_location_that_is_not_one(lat: str, lng: str) -> None:
    xml = cb.location("u1", 0.0, 0.0, 47, T).replace(">0.0<", f">{lat}<", 1)
    xml = xml.replace(">0.0<", f">{lng}<", 1)
    assert _inbound(xml)[0] == Unsupported("other")


def test_a_card_press_keeps_what_marks_the_card() -> None:
    inbound = inbound_of(fields_of(cb.card_press("u1", "f:9:ask:yes", "zf-abc", "RC-1", T)))
    assert inbound is not None
    assert inbound.incoming.event == Pressed("f:9:ask:yes")
    assert inbound.incoming.update_key == f"wecom:u1:{T}:template_card_event:zf-abc:f:9:ask:yes"
    assert inbound.card == CardPress("u1", "zf-abc", "f:9:ask:yes", "RC-1")
    other = inbound_of(fields_of(cb.card_press("u1", "f:9:ask:no", "zf-abc", "RC-2", T)))
    assert other is not None
    assert other.incoming.update_key != inbound.incoming.update_key


def test_events_the_core_has_no_use_for_are_ignored() -> None:
    for name in ("enter_agent", "subscribe", "unsubscribe", "LOCATION", "view"):
        assert inbound_of(fields_of(cb.event("u1", name, T))) is None
    assert inbound_of(fields_of(cb.event("u1", "click", T, key="no-such-command"))) is None
    assert inbound_of(fields_of(cb.event("u1", "template_card_event", T))) is None


def test_menu_clicks_are_commands() -> None:
    assert _inbound(cb.event("u1", "click", T, key="visit")) == (
        Command("visit"),
        f"wecom:u1:{T}:click",
    )


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<xml><Encrypt>&lol2;</Encrypt></xml>"""

EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<xml><Encrypt>&secret;</Encrypt></xml>"""


@pytest.mark.parametrize(
    "body",
    [
        BILLION_LAUGHS,
        EXTERNAL,
        '<!DOCTYPE xml SYSTEM "http://127.0.0.1:9/x.dtd"><xml><Encrypt>a</Encrypt></xml>',
        "<xml><Encrypt>unclosed</xml>",
        "",
        "<html><Encrypt>a</Encrypt></html>",
        "<xml><ToUserName>ww</ToUserName></xml>",
    ],
)
def test_hostile_or_malformed_envelopes_are_refused(body: str) -> None:
    with pytest.raises(BadXml):
        envelope_of(body.encode())


def test_a_message_without_sender_or_type_is_refused() -> None:
    with pytest.raises(BadXml, match="FromUserName"):
        inbound_of(fields_of("<xml><MsgType>text</MsgType></xml>"))
