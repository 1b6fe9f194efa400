"""Checking in by a scanned QR code: on the roster, a walk-in, a full shift, a replaced code, someone new,
and the coordinator's QR picture from the roster."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.services.signups import sign_up
from bot.store import checkins as checkin_store
from bot.store import people, roles, signups
from handlers.checkin_views import QrCode
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator
from tests.factories import make_org, make_shift, make_volunteer
from tests.flows import onboard, tr

START = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)
SHIFT_AT = START + timedelta(minutes=20)  # check-in is open from the start of each test
LINK = re.compile(r"https://t\.me/([A-Za-z0-9_]+)\?start=ci-([A-Za-z0-9_-]+)")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


async def coordinator_qr(bot: RunningBot, emulator: BotAPIEmulator, shift_title: str = "Door canvass",
                         capacity: int = 10) -> tuple[int, str]:
    """A coordinator opens the shift's roster and gets its QR code: (shift id, token from the caption)."""
    db = bot.db
    org = await make_org(db)
    shift_id = await make_shift(db, org, title=shift_title, starts=SHIFT_AT, capacity=capacity)
    coco = await make_volunteer(db, 7101, first_name="Coco")
    async with db.transaction() as tx:
        await roles.grant(tx, coco.id, org.id, "coordinator", None, 0)
    coord = emulator.user(7101, "Coco", language_code="en")
    await coord.send("/roster")
    await coord.next_reply()
    await coord.press("1")
    page = await coord.next_reply()
    await coord.press("📷 " + tr("en", "Check-in QR code"), message=page)
    photo = await coord.next_reply()
    assert photo.photo is not None and photo.photo.startswith(b"\x89PNG")
    width = int.from_bytes(photo.photo[16:20], "big")  # the PNG header's width: big enough to scan
    assert width >= 200 and len(photo.photo) < 100_000
    match = LINK.search(photo.text)
    assert match is not None and match.group(1) == emulator.username
    assert emulator.calls_to("sendPhoto")
    return shift_id, match.group(2)


async def test_a_coordinator_gets_the_qr_and_someone_on_the_roster_scans_it(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    shift_id, token = await coordinator_qr(bot, emulator)
    assert await checkin_store.token_of(bot.db, shift_id) == token
    linh = await make_volunteer(bot.db, 7102, first_name="Linh")
    await sign_up(bot.db, linh.id, shift_id, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
    user = emulator.user(7102, "Linh", language_code="en")
    await user.send(f"/start ci-{token}")
    done = await user.next_reply()
    assert done.text.startswith("✅ You're checked in at Door canvass.") and done.labels == ["Check out"]
    signup = await signups.find(bot.db, shift_id, linh.id)
    assert signup is not None
    checkin = await checkin_store.get(bot.db, signup.id)
    assert checkin is not None and checkin.method == "qr"
    await user.send(f"/start ci-{token}")
    assert (await user.next_reply()).text == "You're already checked in at Door canvass."
    assert [e["event"] for e in await checkin_store.events(bot.db, signup.id)] == ["in"]


async def test_a_new_code_replaces_the_old_one(emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock) -> None:
    _, old = await coordinator_qr(bot, emulator)
    coord = emulator.user(7101, "Coco", language_code="en")
    await coord.press("🔄 " + tr("en", "New code"))
    fresh = await coord.next_reply()
    assert fresh.photo is not None and tr("en", "This is a new code: the old one no longer works.") in fresh.text
    match = LINK.search(fresh.text)
    assert match is not None and match.group(2) != old
    await make_volunteer(bot.db, 7103, first_name="Sam")
    sam = emulator.user(7103, "Sam", language_code="en")
    await sam.send(f"/start ci-{old}")
    stale = await sam.next_reply()
    assert stale.text == tr("en", "This check-in code no longer works. Please ask the coordinator for the new one.")
    await sam.send(f"/start ci-{match.group(2)}")
    assert (await sam.next_reply()).text.startswith("✅ You're signed up and checked in at Door canvass.")


async def test_a_walk_in_is_signed_up_and_a_full_shift_says_so(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    shift_id, token = await coordinator_qr(bot, emulator, capacity=1)
    walker = await make_volunteer(bot.db, 7104, first_name="Walk")
    user = emulator.user(7104, "Walk", language_code="en")
    await user.send(f"/start ci-{token}")
    assert (await user.next_reply()).text.startswith("✅ You're signed up and checked in at Door canvass.")
    signup = await signups.find(bot.db, shift_id, walker.id)
    assert signup is not None and signup.status == "attended"

    late = await make_volunteer(bot.db, 7105, first_name="Late")
    other = emulator.user(7105, "Late", language_code="en")
    await other.send(f"/start ci-{token}")
    assert (await other.next_reply()).text == "Sorry, Door canvass is full."
    assert await signups.find(bot.db, shift_id, late.id) is None


async def test_someone_new_is_onboarded_then_checked_in(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    shift_id, token = await coordinator_qr(bot, emulator)
    newbie = emulator.user(7106, "Nia", language_code="en")
    await onboard(newbie, start=f"/start ci-{token}")
    done = await newbie.next_reply()
    assert done.text.startswith("✅ You're signed up and checked in at Door canvass.")
    person = await people.get_by_telegram_id(bot.db, 7106)
    assert person is not None and await signups.find(bot.db, shift_id, person.id) is not None


async def test_a_volunteer_cannot_get_the_qr_code(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    shift_id, token = await coordinator_qr(bot, emulator)
    await make_volunteer(bot.db, 7107, first_name="Vee")
    vee = emulator.user(7107, "Vee", language_code="en")
    await vee.send("/checkin")
    listing = await vee.next_reply()
    answer = await vee.press_data(QrCode(shift_id, True).pack(), message=listing)
    assert answer.show_alert
    await vee.expect_no_reply(within=0.2)
    assert await checkin_store.token_of(bot.db, shift_id) == token  # not replaced
