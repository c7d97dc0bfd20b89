"""Sending replies on WeCom: to a member through the app, to a group through its robot.

Chat ids: a member's WeCom userid, or "robot:<key>" for a group robot's webhook key.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from bot.channels.wecom_api import Sent, WeComApi, WeComError, robot_image_body
from bot.channels.wecom_render import (
    ROBOT_IMAGE_BYTES,
    CardPart,
    FilePart,
    ImagePart,
    TextPart,
    app_part,
    calls,
    robot_part,
)
from domain.robots import ROBOT_PREFIX, robot_key
from handlers.messages import Document, Image, Reply
from scheduler.delivery import DeliveryFailed, Pace

__all__ = [
    "ROBOT_PREFIX",
    "WeComSender",
    "new_task_id",
    "robot_key",
    "send_app",
    "send_app_call",
    "send_robot_call",
]

# Each robot: 20 messages a minute. The app, to one member: 30 a minute (and 1,000 an hour,
# which 30 a minute only passes after 33 busy minutes). Messages over either are dropped or
# refused with 45009.
_ROBOT_PACE = Pace(20, 60.0)
_MEMBER_PACE = Pace(30, 60.0)
# WeCom allows 10,000 calls a minute to one API per company; stay far below it.
_PER_SECOND = 50.0
# A 45009 means a one-minute window is full: waiting for the next one is enough.
_LIMIT_WAIT = 60.0
# Nobody there any more: 93000 a robot's webhook key removed (the robot deleted or taken out
# of its group); 81013 no such member (left the company), 40003 and 60111 an unknown userid.
_CHAT_GONE = frozenset({93000, 81013, 40003, 60111})


def new_task_id() -> str:
    """A template card task id, unique for the app (WeCom refuses one used before)."""
    return "zf-" + secrets.token_hex(12)


async def send_app_call(api: WeComApi, userid: str, call: Reply) -> Sent:
    """One of `calls`' parts to a member: one message/send (after an upload for a file)."""
    match app_part(call, new_task_id()):
        case TextPart(content):
            return await api.send(userid, "text", {"content": content})
        case ImagePart(image):
            media_id = await api.upload_media("image", image.content, image.filename)
            return await api.send(userid, "image", {"media_id": media_id})
        case FilePart(document):
            media_id = await api.upload_media("file", document.content, document.filename)
            return await api.send(userid, "file", {"media_id": media_id})
        case CardPart(card):
            return await api.send(userid, "template_card", card)


async def send_app(api: WeComApi, userid: str, reply: Reply) -> list[Sent]:
    """A reply to one member through the app; what each message/send answered, in order."""
    return [await send_app_call(api, userid, call) for call in calls(reply)]


async def send_robot_call(api: WeComApi, key: str, call: Reply) -> None:
    """One of `calls(…, robot=True)`'s parts into a robot's group: one webhook/send. An image
    over 2 MB goes as a file."""
    part = robot_part(call)
    if part.markdown:
        await api.robot_send(key, {"msgtype": "markdown", "markdown": {"content": part.markdown}})
    upload: Image | Document | None = part.document
    if part.image is not None:
        if len(part.image.content) <= ROBOT_IMAGE_BYTES:
            await api.robot_send(key, robot_image_body(part.image.content))
        else:
            upload = part.image
    if upload is not None:
        media_id = await api.robot_upload(key, upload.content, upload.filename)
        await api.robot_send(key, {"msgtype": "file", "file": {"media_id": media_id}})


def failure(error: WeComError) -> DeliveryFailed:
    """A failed call as the outbox understands it: retry later, never, or not again."""
    reason = str(error)
    if error.sent_maybe:
        return DeliveryFailed(reason, permanent=False, uncertain=True)
    if error.errcode in _CHAT_GONE:
        return DeliveryFailed(reason, permanent=True, chat_gone=True)
    wait = _LIMIT_WAIT if error.errcode == 45009 else None
    return DeliveryFailed(reason, permanent=error.permanent, retry_after=wait)


class WeComSender:
    """The outbox's way to WeCom: members through the app, groups through their robots.

    A reply goes as one Reply per WeCom message (`parts`), so the outbox paces and records
    each message, and resumes after the last one that went.
    """

    platform: str = "wecom"
    per_second: float = _PER_SECOND

    def __init__(self, api: WeComApi) -> None:
        self.api = api

    def pace(self, chat_id: str) -> Pace:
        return _ROBOT_PACE if chat_id.startswith(ROBOT_PREFIX) else _MEMBER_PACE

    def parts(self, chat_id: str, reply: Reply) -> Sequence[Reply]:
        """One Reply per message to this chat (see `calls`)."""
        return calls(reply, robot=chat_id.startswith(ROBOT_PREFIX))

    async def deliver(self, chat_id: str, reply: Reply) -> None:
        key = robot_key(chat_id)
        if key == "" or not chat_id.strip():
            raise DeliveryFailed(f"not a WeCom chat id: {chat_id!r}", permanent=True)
        if not self.api.started:
            raise DeliveryFailed("the WeCom client is not running", permanent=False)
        try:
            for call in calls(reply, robot=key is not None):
                if key is not None:
                    await send_robot_call(self.api, key, call)
                else:
                    await send_app_call(self.api, chat_id, call)
        except WeComError as error:
            raise failure(error) from error
