"""Sending replies on WeCom: to a member through the app, to a group through its robot.

Chat ids: a member's WeCom userid, or "robot:<key>" for a group robot's webhook key.
"""

from __future__ import annotations

import secrets

from bot.channels.wecom_api import Sent, WeComApi, WeComError, robot_image_body
from bot.channels.wecom_render import (
    ROBOT_IMAGE_BYTES,
    CardPart,
    FilePart,
    ImagePart,
    TextPart,
    app_parts,
    robot_parts,
)
from domain.robots import ROBOT_PREFIX, robot_key
from handlers.messages import Document, Image, Reply
from scheduler.delivery import DeliveryFailed, Pace

__all__ = ["ROBOT_PREFIX", "WeComSender", "new_task_id", "robot_key", "send_app", "send_robot"]

# Each robot: 20 messages a minute. The app, to one member: 30 a minute (and 1,000 an hour,
# which 30 a minute only passes after 33 busy minutes). Messages over either are dropped or
# refused with 45009.
_ROBOT_PACE = Pace(20, 60.0)
_MEMBER_PACE = Pace(30, 60.0)
# WeCom allows 10,000 calls a minute to one API per company; stay far below it.
_PER_SECOND = 50.0
# A 45009 means a one-minute window is full: waiting for the next one is enough.
_LIMIT_WAIT = 60.0


def new_task_id() -> str:
    """A template card task id, unique for the app (WeCom refuses one used before)."""
    return "zf-" + secrets.token_hex(12)


async def send_app(api: WeComApi, userid: str, reply: Reply) -> list[Sent]:
    """A reply to one member through the app; what each message/send answered, in order."""
    sent: list[Sent] = []
    for part in app_parts(reply, new_task_id()):
        match part:
            case TextPart(content):
                sent.append(await api.send(userid, "text", {"content": content}))
            case ImagePart(image):
                media_id = await api.upload_media("image", image.content, image.filename)
                sent.append(await api.send(userid, "image", {"media_id": media_id}))
            case FilePart(document):
                media_id = await api.upload_media("file", document.content, document.filename)
                sent.append(await api.send(userid, "file", {"media_id": media_id}))
            case CardPart(card):
                sent.append(await api.send(userid, "template_card", card))
    return sent


async def send_robot(api: WeComApi, key: str, reply: Reply) -> None:
    """A reply into a robot's group: markdown, then the image (as a file when over 2 MB)."""
    for part in robot_parts(reply):
        if part.markdown:
            await api.robot_send(
                key, {"msgtype": "markdown", "markdown": {"content": part.markdown}}
            )
        upload: Image | Document | None = part.document
        if part.image is not None:
            if len(part.image.content) <= ROBOT_IMAGE_BYTES:
                await api.robot_send(key, robot_image_body(part.image.content))
            else:
                upload = part.image
        if upload is not None:
            media_id = await api.robot_upload(key, upload.content, upload.filename)
            await api.robot_send(key, {"msgtype": "file", "file": {"media_id": media_id}})


def _failure(error: WeComError) -> DeliveryFailed:
    wait = _LIMIT_WAIT if error.errcode == 45009 else None
    return DeliveryFailed(str(error), permanent=error.permanent, retry_after=wait)


class WeComSender:
    """The outbox's way to WeCom: members through the app, groups through their robots."""

    platform: str = "wecom"
    per_second: float = _PER_SECOND

    def __init__(self, api: WeComApi) -> None:
        self.api = api

    def pace(self, chat_id: str) -> Pace:
        return _ROBOT_PACE if chat_id.startswith(ROBOT_PREFIX) else _MEMBER_PACE

    async def deliver(self, chat_id: str, reply: Reply) -> None:
        key = robot_key(chat_id)
        if key == "" or not chat_id.strip():
            raise DeliveryFailed(f"not a WeCom chat id: {chat_id!r}", permanent=True)
        if not self.api.started:
            raise DeliveryFailed("the WeCom client is not running", permanent=False)
        try:
            if key is not None:
                await send_robot(self.api, key, reply)
            else:
                await send_app(self.api, chat_id, reply)
        except WeComError as error:
            raise _failure(error) from error
