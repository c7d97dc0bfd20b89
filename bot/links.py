"""Invite deep links: Telegram's t.me/<bot>?start=CODE; other platforms type /start CODE."""

from __future__ import annotations

__all__ = ["TelegramLinks"]


class TelegramLinks:
    """Knows the bot's username (from settings, then from getMe once the channel starts)."""

    def __init__(self, username: str | None = None) -> None:
        self.username = username

    def invite_link(self, platform: str, code: str) -> str | None:
        if platform != "telegram" or not self.username:
            return None
        return f"https://t.me/{self.username}?start={code}"
