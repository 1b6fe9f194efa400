"""Checking in through the chat: /checkin and its buttons, check-out and hours, a shared location, forged presses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock, from_ts, to_ts
from bot.i18n import translator
from bot.services.signups import sign_up
from bot.store import checkins as checkin_store
from bot.store import shifts, signups
from handlers import checkin_views as views
from handlers.checkin_views import CheckIn
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator
from tests.factories import make_org, make_shift, make_volunteer
from tests.flows import tr

START = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)  # Monday 10:00 in Los Angeles
SHIFT_AT = datetime(2026, 12, 8, 22, 0, tzinfo=UTC)  # Tuesday 14:00 in Los Angeles
LA = translator("en", ZoneInfo("America/Los_Angeles"))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


async def on_shift(bot: RunningBot, telegram_id: int, **shift: object) -> tuple[int, int]:
    """A shift and a volunteer signed up for it: (shift id, person id)."""
    db = bot.db
    org = await make_org(db)
    shift_id = await make_shift(db, org, title="Canvass in Garden Grove", starts=SHIFT_AT, hours=3, **shift)  # type: ignore[arg-type]
    person = await make_volunteer(db, telegram_id, first_name="Linh")
    result = await sign_up(db, person.id, shift_id, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
    assert result.signup is not None
    return shift_id, person.id


async def test_checkin_before_in_and_after_the_window(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    shift_id, person_id = await on_shift(bot, 4101)
    linh = emulator.user(4101, "Linh", language_code="en")

    await linh.send("/checkin")
    early = await linh.next_reply()
    opens = views.when(LA, to_ts(SHIFT_AT - timedelta(minutes=30)))
    expected = tr("en", "Check-in for {title} opens {when}.")
    assert early.text == expected.format(title="Canvass in Garden Grove", when=opens)
    assert not early.labels

    clock.set(SHIFT_AT - timedelta(minutes=10))
    await linh.send("/checkin")
    listing = await linh.next_reply()
    assert "Canvass in Garden Grove" in listing.text and listing.labels == ["✅ I'm here"]
    answer = await linh.press("✅ I'm here")
    assert not answer.show_alert
    done = await linh.next_reply()
    assert done.text.startswith("✅ You're checked in at Canvass in Garden Grove.")
    assert done.labels == ["Check out"]

    # The same button again: said so, nothing recorded twice.
    again = await linh.press("✅ I'm here", message=listing)
    assert again.show_alert and again.text == "You're already checked in at Canvass in Garden Grove."
    signup = await signups.find(bot.db, shift_id, person_id)
    assert signup is not None and signup.status == "attended"
    checkin = await checkin_store.get(bot.db, signup.id)
    assert checkin is not None and checkin.method == "button"
    events = await checkin_store.events(bot.db, signup.id)
    assert [e["event"] for e in events] == ["in"]

    clock.set(SHIFT_AT + timedelta(hours=2))
    await linh.press("Check out", message=done)
    out = await linh.next_reply()
    assert out.edited and not out.labels
    assert out.text == tr("en", "You're checked out. Hours: {hours}. Thank you!").format(hours=LA.number(2.17))

    clock.set(SHIFT_AT + timedelta(hours=4))
    await linh.send("/checkin")
    assert (await linh.next_reply()).text == "You have no shifts to check in to."


async def test_checkin_answers_in_the_readers_language_and_zone(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    db = bot.db
    org = await make_org(db)
    shift_id = await make_shift(db, org, title="Phone bank", starts=SHIFT_AT)
    person = await make_volunteer(db, 4102, locale="ko", timezone="America/New_York")
    await sign_up(db, person.id, shift_id, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
    user = emulator.user(4102, "Min", language_code="ko")
    await user.send("/checkin")
    reply = await user.next_reply()
    ko = translator("ko", ZoneInfo("America/New_York"))
    expected = tr("ko", "Check-in for {title} opens {when}.").format(
        title="Phone bank", when=views.when(ko, to_ts(SHIFT_AT - timedelta(minutes=30)))
    )
    assert reply.text == expected and expected != "Check-in for Phone bank opens"


async def test_a_forged_button_for_someone_elses_shift_checks_nobody_in(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    db = bot.db
    shift_id, _ = await on_shift(bot, 4103)
    stranger = await make_volunteer(db, 4104, first_name="Sam")
    clock.set(SHIFT_AT)
    sam = emulator.user(4104, "Sam", language_code="en")
    await sam.send("/checkin")
    listing = await sam.next_reply()
    assert listing.text == "You have no shifts to check in to."
    answer = await sam.press_data(CheckIn(shift_id).pack(), message=listing)
    assert answer.show_alert and answer.text == tr("en", "You're not signed up for this shift.")
    assert await signups.find(db, shift_id, stranger.id) is None
    # Someone else's check-out: refused too.
    forged = await sam.press_data("ci:out:1", message=listing)
    assert forged.show_alert


async def test_a_shared_location_checks_in_near_and_says_how_far_otherwise(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    shift_id, person_id = await on_shift(bot, 4105)
    async with bot.db.transaction() as tx:
        await shifts.update(tx, shift_id, 0, latitude=37.7793, longitude=-122.4193)
    linh = emulator.user(4105, "Linh", language_code="en")

    await linh.share_location(37.7793, -122.4193)
    assert (await linh.next_reply()).text == "None of your shifts is open for check-in right now."

    clock.set(SHIFT_AT - timedelta(minutes=5))
    await linh.share_location(37.7893, -122.4193)  # about 1.1 km north
    far = await linh.next_reply()
    too_far = tr("en", "You're {distance} from {title}. Share your location again when you're there.")
    assert far.text == too_far.format(distance=views.distance(LA, 1112), title="Canvass in Garden Grove")
    assert await checkin_store.get(bot.db, (await signups.find(bot.db, shift_id, person_id)).id) is None  # type: ignore[union-attr]

    await linh.share_location(37.7800, -122.4190)
    near = await linh.next_reply()
    assert near.text.startswith("✅ You're checked in at Canvass in Garden Grove.") and near.labels == ["Check out"]
    signup = await signups.find(bot.db, shift_id, person_id)
    assert signup is not None
    checkin = await checkin_store.get(bot.db, signup.id)
    assert checkin is not None and checkin.method == "location"
    assert from_ts(checkin.checked_in_at) == SHIFT_AT - timedelta(minutes=5)
