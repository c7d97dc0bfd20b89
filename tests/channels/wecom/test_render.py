"""Replies rendered for WeCom: byte limits, numbered choices, button cards, robot markdown."""

from __future__ import annotations

import pytest

from bot.channels.wecom_render import (
    APP_TEXT_BYTES,
    ROBOT_MARKDOWN_BYTES,
    CardPart,
    FilePart,
    ImagePart,
    TextPart,
    app_part,
    app_parts,
    button_card,
    calls,
    numbered_text,
    pressed_name,
    robot_parts,
    split_bytes,
)
from handlers.messages import Choice, Document, Image, Reply
from scheduler.delivery import encode_reply, reply_from_payload

KINDS = (
    (Choice("入户走访", "kind:home"), Choice("电话回访", "kind:phone")),
    (Choice("❌ 取消", "cancel"),),
)

# A long bulletin: Chinese paragraphs, markdown, emoji (4 bytes), a line with no break at all.
PARAGRAPH = (
    "各网格员：本周大走访共完成入户走访1,284户，电话回访356户，发现问题87件，其中已办结62件。"
    "请各网格于周五18:00前完成剩余任务，并将问题台账更新至系统。🏠📞✅\n"
)
BULLETIN = (
    "# 大走访周报（第3周）\n\n"
    + "".join(
        f'## 第{n}网格\n> 完成率 <font color="info">{n * 7 % 100}%</font>\n{PARAGRAPH}\n'
        for n in range(1, 60)
    )
    + "附："
    + "长" * 2000
    + "\n结束"
)


def test_bulletin_fixture_is_long_enough_to_need_splitting() -> None:
    assert len(BULLETIN.encode()) > 4 * ROBOT_MARKDOWN_BYTES


@pytest.mark.parametrize("limit", [APP_TEXT_BYTES, ROBOT_MARKDOWN_BYTES, 7])
def test_split_keeps_every_part_within_the_limit_and_loses_nothing(limit: int) -> None:
    parts = split_bytes(BULLETIN, limit)
    assert len(parts) > 1
    assert all(len(part.encode()) <= limit for part in parts)
    assert "".join(parts) == BULLETIN


def test_split_breaks_between_lines_where_it_can() -> None:
    parts = split_bytes(BULLETIN, APP_TEXT_BYTES)
    # Only the one line longer than a whole message is cut inside itself.
    cut_inside = [part for part in parts[:-1] if not part.endswith("\n")]
    assert cut_inside
    assert all(part.endswith("长") for part in cut_inside)


def test_split_never_cuts_inside_a_character() -> None:
    text = "🏠" * 1000  # 4 bytes each, no line breaks
    parts = split_bytes(text, 2047)
    assert [len(part.encode()) for part in parts] == [2044, 1956]
    assert "".join(parts) == text


def test_short_text_is_one_part_and_blank_text_none() -> None:
    assert split_bytes("你好", APP_TEXT_BYTES) == ["你好"]
    assert split_bytes("", APP_TEXT_BYTES) == []
    assert split_bytes("\n \n", APP_TEXT_BYTES) == []


def test_choices_are_numbered_under_the_text() -> None:
    reply = Reply("请选择走访类型：", KINDS)
    assert numbered_text(reply) == "请选择走访类型：\n\n1. 入户走访\n2. 电话回访\n3. ❌ 取消"


def test_choices_are_listed_without_numbers_where_a_number_is_the_answer() -> None:
    reply = Reply("走访了几户？", ((Choice("取消", "cancel"),),), numbered=False)
    assert numbered_text(reply) == "走访了几户？\n\n· 取消"


def test_card_carries_the_buttons_within_wecom_limits() -> None:
    reply = Reply("请选择走访类型：\n（可直接回复数字）", KINDS)
    card = button_card(reply, "zf-abc")
    assert card == {
        "card_type": "button_interaction",
        "main_title": {"title": "请选择走访类型："},
        "task_id": "zf-abc",
        "button_list": [
            {"text": "入户走访", "style": 1, "key": "kind:home"},
            {"text": "电话回访", "style": 1, "key": "kind:phone"},
            {"text": "❌ 取消", "style": 1, "key": "cancel"},
        ],
    }


def test_card_title_is_cut_to_36_characters() -> None:
    card = button_card(Reply("问" * 50, KINDS), "zf-1")
    assert card is not None
    assert card["main_title"]["title"] == "问" * 35 + "…"


@pytest.mark.parametrize(
    "choices",
    [
        tuple((Choice(f"选项{n}", f"o:{n}"),) for n in range(7)),  # seven buttons
        ((Choice("这是一个超过十个字的按钮文案", "long"),),),  # label over 10 characters
        ((Choice("确认", "k" * 1025),),),  # key over 1024 bytes
        ((Choice("是", "same"), Choice("否", "same")),),  # repeated key
    ],
)
def test_no_card_where_wecom_would_refuse_it(choices: tuple[tuple[Choice, ...], ...]) -> None:
    reply = Reply("请选择", choices)
    assert button_card(reply, "zf-1") is None
    parts = app_parts(reply, "zf-1")
    assert not any(isinstance(part, CardPart) for part in parts)
    assert isinstance(parts[0], TextPart)
    assert "1. " in parts[0].content


def test_a_bad_task_id_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="task id"):
        button_card(Reply("x", KINDS), "含中文")


def test_app_parts_in_order_text_image_file_card() -> None:
    image, document = Image(b"png-bytes"), Document(b"xlsx-bytes", "台账.xlsx")
    reply = Reply(PARAGRAPH * 40, KINDS, image=image, document=document)
    parts = app_parts(reply, "zf-1")
    texts = [part for part in parts if isinstance(part, TextPart)]
    assert len(texts) > 1
    assert all(len(part.content.encode()) <= APP_TEXT_BYTES for part in texts)
    assert texts[-1].content.endswith("3. ❌ 取消")
    assert parts[len(texts) :] == [
        ImagePart(image),
        FilePart(document),
        CardPart(button_card(reply, "zf-1") or {}),
    ]


def test_a_reply_without_text_or_choices_sends_only_its_file() -> None:
    document = Document(b"xlsx", "台账.xlsx")
    assert app_parts(Reply("", document=document), "zf-1") == [FilePart(document)]


def test_pressed_name_ticks_the_label_once() -> None:
    assert pressed_name("入户走访") == "✓ 入户走访"
    assert pressed_name("✓ 入户走访") == "✓ 入户走访"


def test_robot_parts_split_a_long_bulletin_within_the_markdown_limit() -> None:
    parts = robot_parts(Reply(BULLETIN))
    markdowns = [part.markdown for part in parts]
    assert len(markdowns) >= 5
    assert all(len(text.encode()) <= ROBOT_MARKDOWN_BYTES for text in markdowns)
    assert any(len(text.encode()) > APP_TEXT_BYTES for text in markdowns)  # a robot's own limit
    assert "".join(markdowns) == BULLETIN
    assert markdowns[0].startswith("# 大走访周报")


def test_robot_parts_show_the_options_as_text_and_keep_the_chart() -> None:
    chart = Image(b"png")
    parts = robot_parts(Reply("## 日报", KINDS, image=chart))
    assert [(p.markdown, p.image) for p in parts] == [
        ("## 日报\n\n1. 入户走访\n2. 电话回访\n3. ❌ 取消", None),
        ("", chart),
    ]


def test_every_call_is_its_own_only_call_even_through_the_outbox_json() -> None:
    image, document = Image(b"png-bytes"), Document(b"xlsx-bytes", "台账.xlsx")
    reply = Reply(PARAGRAPH * 40, KINDS, image=image, document=document)
    parts = calls(reply)
    assert len(parts) == len(app_parts(reply, "zf-1")) > 4
    assert calls(reply) == parts  # the same cut every time
    for part in parts:
        payload, blobs = encode_reply(part)
        assert calls(reply_from_payload(payload, blobs)) == [part]
    assert [app_part(part, "zf-1") for part in parts] == app_parts(reply, "zf-1")
    robot = calls(reply, robot=True)
    assert all(not part.choices for part in robot)  # no card: a group cannot press one
    assert [p.image for p in robot if p.image] == [image]
    for part in robot:
        payload, blobs = encode_reply(part)
        assert calls(reply_from_payload(payload, blobs), robot=True) == [part]


def test_the_card_alone_keeps_the_replys_title() -> None:
    card = calls(Reply("走访的是哪类对象？\n请选择。", KINDS))[-1]
    part = app_part(card, "zf-1")
    assert isinstance(part, CardPart)
    assert part.card["main_title"]["title"] == "走访的是哪类对象？"
