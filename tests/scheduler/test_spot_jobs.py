"""The daily draw on the campaign's calendar: working days only (调休 included), once a day."""

from __future__ import annotations

from handlers import Core
from storage import Store
from tests.handlers.spot_helpers import at, draw, log_visit, sent_to
from tests.transcript import Chat, FakeClock


async def test_days_off_draw_nothing_and_a_make_up_saturday_draws_friday(
    officer: Chat, coordinator: Chat, core: Core, store: Store, clock: FakeClock
) -> None:
    clock.moment = at(9, month=10, hour=16)  # Friday 10-09, the first working day after 国庆
    await log_visit(officer)
    assert await draw(core, store, at(3, month=10)) == 0  # National Day holiday
    assert await draw(core, store, at(11, month=10)) == 0  # Sunday
    assert await draw(core, store, at(10, month=10)) == 1  # Saturday 10-10 is worked (调休)
    clock.moment = at(10, month=10)
    (header, card) = await sent_to(store, clock, "201")
    assert header.startswith("🔍 日抽查：2026-10-09 共登记 1 条（1 个单位）")
    assert "走访记录 #1：2026-10-09 · 住户 · 珍珠园五村" in card


async def test_after_the_holiday_the_sample_is_of_the_last_working_day_before_it(
    officer: Chat, coordinator: Chat, core: Core, store: Store, clock: FakeClock
) -> None:
    clock.moment = at(30, month=9, hour=16)
    await log_visit(officer)
    clock.moment = at(2, month=10, hour=16)  # a holiday's visit is not in Thursday's sample
    await log_visit(officer, "企业 2家 5人 开发区")
    assert await draw(core, store, at(8, month=10)) == 1
    clock.moment = at(8, month=10)
    assert "走访记录 #1：2026-09-30" in (await sent_to(store, clock, "201"))[1]


async def test_once_a_day_even_when_there_was_nothing_to_draw(
    officer: Chat, coordinator: Chat, core: Core, store: Store, clock: FakeClock
) -> None:
    assert await draw(core, store, at(25)) == 0  # nothing logged on Tuesday
    clock.moment = at(24, hour=18)  # a late entry for Tuesday, once the day is drawn
    await log_visit(officer)
    assert await draw(core, store, at(25, hour=11)) == 0  # today's draw is done
    assert await sent_to(store, clock, "201") == []
    assert await draw(core, store, at(26)) == 0  # Wednesday: nothing logged
    clock.moment = at(26, hour=10)
    await log_visit(officer)
    assert await draw(core, store, at(27)) == 1
    assert await draw(core, store, at(27, hour=12)) == 0
    clock.moment = at(27)
    assert len(await sent_to(store, clock, "201")) == 2
