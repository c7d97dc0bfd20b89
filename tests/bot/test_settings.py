"""Settings load once, frozen; a missing or bad value stops start-up naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import SettingsError, load_settings

TOKEN = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345678"


def test_defaults_with_nothing_set(tmp_path: Path) -> None:
    settings = load_settings({}, tmp_path / "none.env")
    assert settings.telegram_bot_token is None
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert settings.database_path == Path("data/zoufang.db")
    assert str(settings.zone) == "Asia/Shanghai"
    assert settings.language == "zh"
    assert not settings.webhook


def test_env_file_then_environment_wins(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\nLANGUAGE=en\nTIMEZONE=Asia/Urumqi\n")
    settings = load_settings({"LANGUAGE": "zh", "UNRELATED": "x"}, env)
    assert settings.telegram_bot_token == TOKEN
    assert settings.language == "zh"
    assert str(settings.zone) == "Asia/Urumqi"


def test_empty_values_count_as_unset(tmp_path: Path) -> None:
    settings = load_settings({"TELEGRAM_BOT_TOKEN": "", "WEB_PORT": ""}, tmp_path / "x")
    assert settings.telegram_bot_token is None
    assert settings.web_port == 8080


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("TIMEZONE", "Mars/Olympus", "TIMEZONE: Value error, unknown time zone 'Mars/Olympus'"),
        ("LANGUAGE", "fr", "LANGUAGE: Input should be 'zh' or 'en' (got 'fr')"),
        ("WEB_PORT", "eighty", "WEB_PORT: Input should be a valid integer"),
        ("DATABASE_URL", "postgres://x", "DATABASE_URL: Value error, only sqlite:///"),
        ("TELEGRAM_API_URL", "api.telegram.org", "TELEGRAM_API_URL: Value error, must start"),
        ("TELEGRAM_BOT_TOKEN", "not-a-token", "TELEGRAM_BOT_TOKEN: String should match pattern"),
    ],
)
def test_bad_values_name_the_variable(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({variable: value}, tmp_path / "x")
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_a_token_is_never_echoed(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"TELEGRAM_BOT_TOKEN": "123:short-secret"}, tmp_path / "x")
    assert "short-secret" not in str(caught.value)


def test_settings_are_frozen(tmp_path: Path) -> None:
    settings = load_settings({}, tmp_path / "x")
    with pytest.raises(ValidationError):
        settings.language = "en"  # type: ignore[misc]


def test_every_setting_is_in_env_example() -> None:
    from bot.settings import Settings

    example = (Path(__file__).parents[2] / ".env.example").read_text("utf-8")
    documented = {line.split("=")[0] for line in example.splitlines() if "=" in line}
    documented = {name for name in documented if not name.startswith("#")}
    assert documented == {name.upper() for name in Settings.model_fields}


def test_a_webhook_needs_its_secret(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/hook"}, tmp_path / "x")
    assert "TELEGRAM_WEBHOOK_SECRET" in str(caught.value)
    both = {"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/hook", "TELEGRAM_WEBHOOK_SECRET": "s"}
    assert load_settings(both, tmp_path / "x").webhook
