"""Binding a WeCom group robot and unbinding groups from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.support import create, example_database, query, run

KEY = "693axxx6-7aoc-4bc4-97a0-0ec2sifa5aaa"
URL = f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={KEY}"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return example_database(tmp_path, monkeypatch)


def test_bind_a_robot_and_unbind_it(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert create(capsys, "--activate")[0] == 0
    code, out, _ = run(capsys, "campaign", "bind-robot", URL, "--kinds", "日报,周调度")
    assert code == 0
    assert (
        out == f"已绑定 robot:{KEY} 到“冬季大走访”，绑定通知已排入发送队列（机器人运行时发出）。\n"
    )
    assert query(db, "SELECT platform, chat_id, unit_id, kinds FROM chat_bindings") == [
        ("wecom", f"robot:{KEY}", None, "daily,weekly")
    ]
    [(chat, payload)] = query(db, "SELECT chat_id, payload FROM outbox")
    assert chat == f"robot:{KEY}"
    assert "本群已绑定“冬季大走访”" in payload

    assert run(capsys, "campaign", "unbind", "wecom", KEY)[:2] == (0, f"已解绑 {KEY}。\n")
    assert query(db, "SELECT count(*) FROM chat_bindings") == [(0,)]
    assert run(capsys, "campaign", "unbind", "wecom", KEY)[0] == 1


def test_a_bad_webhook_or_kind_changes_nothing(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert create(capsys, "--activate")[0] == 0
    code, _, err = run(capsys, "campaign", "bind-robot", "https://example.com/x")
    assert code == 2
    assert "不是群机器人的 Webhook 地址" in err
    code, _, err = run(capsys, "campaign", "bind-robot", URL, "--kinds", "hourly")
    assert code == 2
    assert "看不懂“hourly”" in err
    assert query(db, "SELECT count(*) FROM chat_bindings") == [(0,)]
    assert query(db, "SELECT count(*) FROM outbox") == [(0,)]
