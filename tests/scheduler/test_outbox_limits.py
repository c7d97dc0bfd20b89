"""The fake platform's limits refuse what Telegram would, so passing them means something."""

from __future__ import annotations

from tests.fakes.rate_limits import RateLimits


class Moment:
    def __init__(self) -> None:
        self.at = 0.0

    def __call__(self) -> float:
        return self.at


def test_thirty_a_second_in_all() -> None:
    now = Moment()
    limits = RateLimits(now)
    assert [limits.admit(str(n)) for n in range(30)] == [None] * 30
    assert limits.admit("31") == 1
    now.at = 0.999
    assert limits.admit("31") == 1
    now.at = 1.0
    assert limits.admit("31") is None
    assert limits.refused == 2


def test_one_a_second_per_private_chat_twenty_a_minute_per_group() -> None:
    now = Moment()
    limits = RateLimits(now)
    assert limits.admit("101") is None
    assert limits.admit("101") == 1
    assert limits.admit("102") is None  # another chat is not held back
    for n in range(20):
        now.at = 1.0 + n
        assert limits.admit("-5") is None
    now.at = 30.5
    assert limits.admit("-5") == 31  # the group's first message leaves the window at 61 s
    now.at = 61.0
    assert limits.admit("-5") is None
