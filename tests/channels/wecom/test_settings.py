"""WECOM_* settings: the whole app or none of it, a checked key, and secrets never echoed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings
from tests.channels.wecom import vectors as v

APP = {
    "WECOM_CORP_ID": v.CORP_ID,
    "WECOM_AGENT_ID": "1000002",
    "WECOM_SECRET": "app-secret-value",
    "WECOM_TOKEN": v.TOKEN,
    "WECOM_AES_KEY": v.AES_KEY,
}


def test_none_set_means_no_wecom(tmp_path: Path) -> None:
    settings = load_settings({}, tmp_path / "none.env")
    assert not settings.wecom
    assert settings.wecom_api_url == "https://qyapi.weixin.qq.com"


def test_the_whole_app(tmp_path: Path) -> None:
    settings = load_settings({**APP, "WECOM_API_URL": "http://10.0.0.5:8000/"}, tmp_path / "x")
    assert settings.wecom
    assert (settings.wecom_corp_id, settings.wecom_agent_id) == (v.CORP_ID, 1000002)
    assert settings.wecom_api_url == "http://10.0.0.5:8000"


def test_half_an_app_names_what_is_missing(tmp_path: Path) -> None:
    given = {k: APP[k] for k in ("WECOM_CORP_ID", "WECOM_SECRET")}
    with pytest.raises(SettingsError) as caught:
        load_settings(given, tmp_path / "x")
    message = str(caught.value)
    assert "WECOM_CORP_ID is set, so set WECOM_AGENT_ID, WECOM_TOKEN, WECOM_AES_KEY too" in message
    assert APP["WECOM_SECRET"] not in message


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("WECOM_AES_KEY", v.AES_KEY[:-1], "WECOM_AES_KEY: Value error, must be the 43 characters"),
        ("WECOM_AES_KEY", v.AES_KEY[:-1] + "=", "WECOM_AES_KEY: Value error, must be the 43"),
        ("WECOM_AGENT_ID", "abc", "WECOM_AGENT_ID: Input should be a valid integer"),
        ("WECOM_TOKEN", "has space", "WECOM_TOKEN: String should match pattern"),
        ("WECOM_API_URL", "qyapi.weixin.qq.com", "WECOM_API_URL: Value error, must start"),
    ],
)
def test_bad_values_name_the_variable(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({**APP, variable: value}, tmp_path / "x")
    assert str(caught.value).startswith(message)
    if variable in ("WECOM_AES_KEY", "WECOM_TOKEN"):
        assert value not in str(caught.value)  # secrets are never echoed


def test_env_example_documents_every_wecom_setting() -> None:
    example = (Path(__file__).parents[3] / ".env.example").read_text("utf-8")
    for variable in (*APP, "WECOM_API_URL"):
        assert f"\n{variable}=" in example
