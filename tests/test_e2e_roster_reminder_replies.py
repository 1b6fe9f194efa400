"""The roster shows who answered "I'll be there" on their reminder, until they are checked in at the door."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.services.signups import sign_up
from bot.store import roles
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator
from tests.emulator.models import BotMessage
from tests.emulator.user import TestUser
from tests.factories import make_org, make_shift, make_volunteer
from tests.flows import tr

START = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)
SHIFT_AT = START + timedelta(days=2)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


def line_of(page: BotMessage, name: str) -> str:
    return next(line for line in (page.text or "").splitlines() if name in line)


async def roster_of_first(coord: TestUser) -> BotMessage:
    await coord.send("/roster")
    await coord.next_reply()
    await coord.press("1")
    return await coord.next_reply()


async def test_the_roster_marks_who_said_they_will_be_there(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Door canvass", starts=SHIFT_AT)
    coordinator = await make_volunteer(bot.db, 7601, first_name="Coco", locale="ko")
    async with bot.db.transaction() as tx:
        await roles.grant(tx, coordinator.id, org.id, "coordinator", None, 0)
    coco = emulator.user(7601, "Coco", language_code="ko")
    users = {}
    for tid, name, locale in ((7602, "Linh", "vi"), (7603, "Bob", "en")):
        person = await make_volunteer(bot.db, tid, first_name=name, locale=locale)
        await sign_up(bot.db, person.id, shift_id, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
        users[name] = emulator.user(tid, name, language_code=locale)
    said = "👍 " + tr("ko", "said they'll be there")

    before = await roster_of_first(coco)
    assert said not in before.text  # nobody has had a reminder yet

    clock.set(SHIFT_AT - timedelta(hours=24))
    await bot.dispatch()
    linh, bob = users["Linh"], users["Bob"]
    await linh.next_reply()
    await bob.next_reply()  # Bob leaves his reminder unanswered
    await linh.press("✅ " + tr("vi", "I'll be there"))
    await linh.next_reply()

    page = await roster_of_first(coco)
    assert said in line_of(page, "Linh")
    assert said not in line_of(page, "Bob")

    # At the door, checked in says more: the mark gives way to ✓.
    clock.set(SHIFT_AT - timedelta(minutes=10))
    page = await roster_of_first(coco)
    await coco.press("📍 1", message=page)
    page = await coco.next_reply()
    assert "✓" in line_of(page, "Linh") and said not in line_of(page, "Linh")
