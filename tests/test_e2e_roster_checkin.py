"""A coordinator checks people in and out from the roster: logged as "coordinator" and by whom; refused for
anyone else, for forged presses and before the window opens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock, from_ts, to_ts
from bot.i18n import translator
from bot.services.signups import sign_up
from bot.store import checkins as checkin_store
from bot.store import roles, signups
from bot.store.orgs import Org
from handlers.roster_views import RosterCheck
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator
from tests.emulator.models import BotMessage
from tests.emulator.user import TestUser
from tests.factories import make_org, make_shift, make_volunteer
from tests.flows import tr

START = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)
SHIFT_AT = START + timedelta(minutes=20)  # check-in is open from the start of each test
LA = translator("en", ZoneInfo("America/Los_Angeles"))
NOT_COORD = "Sorry, only the organization's coordinators can do that."


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


async def coordinator(bot: RunningBot, emulator: BotAPIEmulator, org: Org, tid: int, name: str = "Coco") -> TestUser:
    person = await make_volunteer(bot.db, tid, first_name=name)
    async with bot.db.transaction() as tx:
        await roles.grant(tx, person.id, org.id, "coordinator", None, 0)
    return emulator.user(tid, name, language_code="en")


async def on_shift(bot: RunningBot, shift_id: int, tid: int, name: str) -> int:
    person = await make_volunteer(bot.db, tid, first_name=name)
    await sign_up(bot.db, person.id, shift_id, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
    signup = await signups.find(bot.db, shift_id, person.id)
    assert signup is not None
    return signup.id


async def open_roster(coord: TestUser) -> BotMessage:
    await coord.send("/roster")
    await coord.next_reply()
    await coord.press("1")
    return await coord.next_reply()


async def test_a_coordinator_checks_someone_in_and_out_from_the_roster(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Door canvass", starts=SHIFT_AT, hours=2)
    coord = await coordinator(bot, emulator, org, 7201)
    linh = await on_shift(bot, shift_id, 7202, "Linh")
    await on_shift(bot, shift_id, 7203, "Bob")

    page = await open_roster(coord)
    assert "📍 1" in page.labels and "📍 2" in page.labels
    assert tr("en", "Check people in at the door: 📍 check in, 🚪 check out.") in page.text
    answer = await coord.press("📍 1", message=page)
    assert answer.text == tr("en", "{name} is checked in.").format(name="Linh") and not answer.show_alert
    after = await coord.next_reply()
    assert after.edited and "🚪 1" in after.labels and "📍 2" in after.labels and "📍 1" not in after.labels
    assert "1. ✓ Linh" in after.text and "2. – Bob" in after.text

    checkin = await checkin_store.get(bot.db, linh)
    assert checkin is not None and checkin.method == "coordinator"
    coco = await bot.db.fetchval("SELECT id FROM person WHERE telegram_id = 7201")
    events = await checkin_store.events(bot.db, linh)
    assert [(e["event"], e["method"], e["by_person"]) for e in events] == [("in", "coordinator", coco)]

    # The old 📍 again (an older copy of the roster): said so, nothing recorded twice.
    again = await coord.press_data(RosterCheck(shift_id, linh, "i", 0).pack(), message=after)
    assert again.show_alert and again.text == tr("en", "{name} is already checked in.").format(name="Linh")
    assert len(await checkin_store.events(bot.db, linh)) == 1

    clock.set(SHIFT_AT + timedelta(hours=1))
    out = await coord.press("🚪 1", message=after)
    hours = to_ts(SHIFT_AT + timedelta(hours=1)) - to_ts(START)
    assert out.text == tr("en", "{name} is checked out. Hours: {hours}.").format(
        name="Linh", hours=LA.number(round(hours / 3600, 2))
    )
    final = await coord.next_reply()
    assert "🚪 " + tr("en", "checked out") in final.text and "🚪 1" not in final.labels
    events = await checkin_store.events(bot.db, linh)
    assert [(e["event"], e["method"], e["by_person"]) for e in events][-1] == ("out", "coordinator", coco)


async def test_roster_check_in_refuses_volunteers_other_orgs_and_forged_signups(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    org = await make_org(bot.db)
    other_org = await make_org(bot.db, slug="other", name="Other org")
    shift_id = await make_shift(bot.db, org, title="Door canvass", starts=SHIFT_AT)
    other_shift = await make_shift(bot.db, other_org, title="Elsewhere", starts=SHIFT_AT)
    linh = await on_shift(bot, shift_id, 7211, "Linh")
    stranger = await on_shift(bot, other_shift, 7212, "Sam")
    press = RosterCheck(shift_id, linh, "i", 0).pack()

    # A volunteer on the shift pressing the coordinator's button (forged data).
    vol = emulator.user(7211, "Linh", language_code="en")
    await vol.send("/checkin")
    listing = await vol.next_reply()
    answer = await vol.press_data(press, message=listing)
    assert answer.show_alert and answer.text == tr("en", NOT_COORD)
    # A coordinator of another organization.
    elsewhere = await coordinator(bot, emulator, other_org, 7213, "Ola")
    await elsewhere.send("/roster")
    theirs = await elsewhere.next_reply()
    answer = await elsewhere.press_data(press, message=theirs)
    assert answer.show_alert and answer.text == tr("en", NOT_COORD)
    assert await checkin_store.get(bot.db, linh) is None

    # This shift's coordinator with another shift's signup in the data: stale, nobody checked in.
    coord = await coordinator(bot, emulator, org, 7214)
    page = await open_roster(coord)
    forged = await coord.press_data(RosterCheck(shift_id, stranger, "i", 0).pack(), message=page)
    assert forged.show_alert and forged.text == tr("en", "This button no longer works. Please send /start.")
    assert await checkin_store.get(bot.db, stranger) is None
    assert await bot.db.fetchval("SELECT count(*) FROM checkin_event") == 0


async def test_no_check_in_buttons_before_the_window_and_a_forged_press_says_when(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    org = await make_org(bot.db)
    later = START + timedelta(hours=5)
    shift_id = await make_shift(bot.db, org, title="Evening canvass", starts=later)
    linh = await on_shift(bot, shift_id, 7221, "Linh")
    coord = await coordinator(bot, emulator, org, 7222)
    page = await open_roster(coord)
    assert not any(label.startswith(("📍", "🚪")) for label in page.labels)
    answer = await coord.press_data(RosterCheck(shift_id, linh, "i", 0).pack(), message=page)
    opens = LA.datetime(from_ts(to_ts(later - timedelta(minutes=30))))
    assert answer.text == tr("en", "Check-in for this shift opens {when}.").format(when=opens)
    assert await checkin_store.get(bot.db, linh) is None
