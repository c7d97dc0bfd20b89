"""Settings from the environment and `.env`, validated once into one frozen object."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

__all__ = ["Settings", "SettingsError", "load_settings"]

_TOKEN_PATTERN = r"^\d{3,20}:[A-Za-z0-9_-]{20,}$"
_WECOM_APP = ("wecom_corp_id", "wecom_agent_id", "wecom_secret", "wecom_token", "wecom_aes_key")


class SettingsError(Exception):
    """A setting is missing or wrong; the message names the variable."""


class Settings(BaseModel):
    """Everything the bot reads from its environment (see `.env.example`)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    telegram_bot_token: str | None = Field(default=None, pattern=_TOKEN_PATTERN)
    telegram_api_url: str = "https://api.telegram.org"
    telegram_bot_username: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_]{5,32}$")
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,256}$")
    wecom_corp_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9]{1,64}$")
    wecom_agent_id: int | None = Field(default=None, ge=1)
    wecom_secret: str | None = None
    wecom_token: str | None = Field(default=None, pattern=r"^[A-Za-z0-9]{1,32}$")
    wecom_aes_key: str | None = None
    wecom_api_url: str = "https://qyapi.weixin.qq.com"
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8080, ge=1, le=65535)
    database_url: str = "sqlite:///data/zoufang.db"
    timezone: str = "Asia/Shanghai"
    language: Literal["zh", "en"] = "zh"
    routing_file: Path = Path("routing.toml")
    calendar_file: Path = Path("calendar.toml")
    urgent_workdays: int = Field(default=3, ge=1, le=60)
    normal_workdays: int = Field(default=10, ge=1, le=120)
    draft_reminder_minutes: int = Field(default=60, ge=1, le=24 * 60)
    draft_expiry_hours: int = Field(default=24, ge=1, le=24 * 30)
    spot_check_size: int = Field(default=10, ge=1, le=500)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (try Asia/Shanghai)") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _sqlite_url(cls, value: str) -> str:
        if not value.startswith("sqlite:///"):
            raise ValueError("only sqlite:///path/to/file.db is supported so far")
        return value

    @field_validator("telegram_api_url", "wecom_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("wecom_aes_key")
    @classmethod
    def _aes_key(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9+/]{43}", value):
            raise ValueError(
                "must be the 43 characters (A-Z a-z 0-9 + /) of the app's EncodingAESKey"
            )
        return value

    @model_validator(mode="after")
    def _whole_wecom_app(self) -> Settings:
        """Half a WeCom app would start and then fail on the first callback or send."""
        given = [name for name in _WECOM_APP if getattr(self, name) is not None]
        if given and len(given) < len(_WECOM_APP):
            missing = ", ".join(n.upper() for n in _WECOM_APP if getattr(self, n) is None)
            raise ValueError(f"{given[0].upper()} is set, so set {missing} too")
        return self

    @model_validator(mode="after")
    def _signed_webhook(self) -> Settings:
        """Without the secret anyone who finds the webhook's address could post updates as
        any Telegram user."""
        if self.telegram_webhook_url and not self.telegram_webhook_secret:
            raise ValueError("TELEGRAM_WEBHOOK_URL is set, so set TELEGRAM_WEBHOOK_SECRET too")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def database_path(self) -> Path:
        return Path(self.database_url.removeprefix("sqlite:///"))

    @property
    def webhook(self) -> bool:
        return self.telegram_webhook_url is not None

    @property
    def wecom(self) -> bool:
        """A WeCom app is configured (all of WECOM_CORP_ID … WECOM_AES_KEY)."""
        return self.wecom_corp_id is not None


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
) -> Settings:
    """Read settings: the process environment wins over the `.env` file.

    Empty values count as unset, so `TELEGRAM_BOT_TOKEN=` in `.env` means "no Telegram".
    """
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)
    fields = {name.upper(): name for name in Settings.model_fields}
    given = {fields[key]: value for key, value in values.items() if key in fields and value != ""}
    try:
        return Settings(**given)  # type: ignore[arg-type]  # pydantic coerces str → field types
    except ValidationError as exc:
        error = exc.errors()[0]
        variable = str(error["loc"][0]).upper() if error["loc"] else "settings"
        secret = any(word in variable for word in ("TOKEN", "SECRET", "KEY"))
        shown = "" if secret or not error["loc"] else f" (got {error['input']!r})"
        raise SettingsError(f"{variable}: {error['msg']}{shown}") from None
