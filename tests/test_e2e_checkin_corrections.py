"""A coordinator corrects someone's check-in and check-out times from the roster (🕒), typed in their own
language on the shift's clock; bad times are refused in words, every correction is logged, the roster shows
it, and the hours follow everywhere. Volunteers, shift leads and other organizations' coordinators can't."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock, from_ts, to_ts
from bot.i18n import Translator
from bot.services import leads
from bot.services.invalid import Invalid, TimeOfDay
from bot.services.signups import sign_up
from bot.store import checkins as checkin_store
from bot.store import roles, signups
from handlers.hours_views import hours_text
from handlers.roster_views import AskTime, RosterTimes
from handlers.shift_views import explain
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator
from tests.emulator.formatting import strip_bidi
from tests.emulator.models import BotMessage
from tests.emulator.user import TestUser
from tests.factories import make_org, make_shift, make_volunteer
from tests.flows import expect_pointer, tr
from tests.test_checkins import coordinator_of

START = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)  # Monday 10:00 in Los Angeles
SHIFT_AT = datetime(2026, 12, 7, 22, 0, tzinfo=UTC)  # 14:00 in Los Angeles, two hours
LA = ZoneInfo("America/Los_Angeles")
NOT_COORD = "Sorry, only the organization's coordinators can do that."
STALE = "This button no longer works. Please send /start."


async def reply_containing(user: TestUser, expected: str) -> BotMessage:
    """The next message that says `expected`: a milestone or follow-up the scheduler sends may come first."""
    for _ in range(4):
        message = await user.next_reply()
        if expected in message.text:
            return message
    raise AssertionError(f"no message said {expected!r}")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


async def coordinator(bot: RunningBot, emulator: BotAPIEmulator, org_id: int, tid: int, locale: str) -> TestUser:
    person = await make_volunteer(bot.db, tid, first_name="Coco", locale=locale, language_code=locale)
    async with bot.db.transaction() as tx:
        await roles.grant(tx, person.id, org_id, "coordinator", None, 0)
    return emulator.user(tid, "Coco", language_code=locale)


async def test_a_korean_coordinator_corrects_times_and_the_hours_follow(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    db, ko = bot.db, "ko"
    st = Translator(ko, LA)  # the coordinator's language on the shift's clock
    org = await make_org(db)
    shift_id = await make_shift(db, org, title="Door canvass", starts=SHIFT_AT, hours=2)
    person = await make_volunteer(db, 7501, first_name="Linh")
    await sign_up(db, person.id, shift_id, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
    linh = emulator.user(7501, "Linh", language_code="en")
    coord = await coordinator(bot, emulator, org.id, 7502, ko)

    clock.set(SHIFT_AT - timedelta(minutes=10))
    await linh.send("/checkin")
    await linh.next_reply()
    await linh.press("✅ I'm here")
    await reply_containing(linh, "✅")  # forgot to check out; the coordinator fixes it after the shift
    clock.set(SHIFT_AT + timedelta(hours=3))

    await coord.send("/roster")
    await coord.next_reply()
    await coord.press("1")
    page = await coord.next_reply()
    assert "🕒 1" in page.labels
    await coord.press("🕒 1", message=page)
    times = await coord.next_reply()
    arrived = st.time(SHIFT_AT - timedelta(minutes=10))
    assert tr(ko, "Checked in: {time}").format(time=arrived) in times.text
    assert tr(ko, "Checked out: {time}").format(time="—") in times.text

    await coord.press("🕒 " + tr(ko, "Check-in time"), message=times)
    question = await coord.next_reply()
    assert tr(ko, "Now: {value}").format(value=arrived) in question.text
    await coord.send("25:99")
    assert tr(ko, "Minutes go from 00 to 59.") in (await coord.next_reply()).text
    await coord.send("25:00")
    no_hour = Invalid("There is no hour {hour}: hours go from 0 to 23.", hour=25)
    assert strip_bidi(explain(st, no_hour)) in (await coord.next_reply()).text
    await coord.send(st.time(SHIFT_AT - timedelta(hours=2)))  # before check-in opened
    bounds = Invalid("Type a time from {opens} to {ends}: from when check-in opens to the end of the shift.",
                     opens=TimeOfDay(to_ts(SHIFT_AT - timedelta(minutes=30))),
                     ends=TimeOfDay(to_ts(SHIFT_AT + timedelta(hours=2))))
    assert strip_bidi(explain(st, bounds)) in (await coord.next_reply()).text
    await coord.send(st.time(SHIFT_AT + timedelta(minutes=5)))  # as the bot writes times: read back
    fixed = await coord.next_reply()
    assert tr(ko, "Check-in time corrected.") in fixed.text
    assert tr(ko, "Checked in: {time}").format(time=st.time(SHIFT_AT + timedelta(minutes=5))) in fixed.text

    await coord.press("🕒 " + tr(ko, "Check-out time"), message=fixed)
    asked = await coord.next_reply()
    await coord.press("◀ " + tr(ko, "Back"), message=asked)  # changed their mind: the question closes
    again = await coord.next_reply()
    await coord.send(st.time(SHIFT_AT + timedelta(minutes=90)))
    await expect_pointer(coord, ko)
    await coord.press("🕒 " + tr(ko, "Check-out time"), message=again)
    await coord.next_reply()
    await coord.send(st.time(SHIFT_AT))  # before the corrected check-in
    before = Invalid("Check-out can't be before check-in ({when}).",
                     when=TimeOfDay(to_ts(SHIFT_AT + timedelta(minutes=5))))
    assert strip_bidi(explain(st, before)) in (await coord.next_reply()).text
    await coord.send(st.time(SHIFT_AT + timedelta(minutes=95)))
    out = await coord.next_reply()
    assert tr(ko, "Check-out time corrected.") in out.text
    assert tr(ko, "Hours: {hours}").format(hours=st.number(1.5)) in out.text
    assert "✏️ " + tr(ko, "Corrections") in out.text and "Coco" in out.text

    await coord.press("◀ " + tr(ko, "Back"), message=out)
    roster = await coord.next_reply()
    assert "✏️ " + tr(ko, "times corrected") in roster.text

    signup = await signups.find(db, shift_id, person.id)
    assert signup is not None and signup.status == "attended"
    checkin = await checkin_store.get(db, signup.id)
    assert checkin is not None and checkin.hours == 1.5
    coco = await db.fetchval("SELECT id FROM person WHERE telegram_id = 7502")
    log = await checkin_store.corrections(db, signup.id)
    assert [(c.field, c.old_at, c.new_at, c.old_hours, c.new_hours, c.by_person) for c in log] == [
        ("in", to_ts(SHIFT_AT - timedelta(minutes=10)), to_ts(SHIFT_AT + timedelta(minutes=5)), None, None, coco),
        ("out", None, to_ts(SHIFT_AT + timedelta(minutes=95)), None, 1.5, coco),
    ]
    assert all(c.created_at == to_ts(SHIFT_AT + timedelta(hours=3)) for c in log)

    # The organization's numbers and the volunteer's own follow the corrected times.
    await coord.send("/stats")
    assert tr(ko, "Hours volunteered: {hours}").format(hours=st.number(1.5)) in (await coord.next_reply()).text
    await linh.send("/hours")
    await reply_containing(linh, tr("en", "shifts: {shifts} · hours: {hours}").format(
        shifts="1", hours=hours_text(Translator("en", LA), 1.5)))
    await linh.send("/myshifts")
    past = Translator("en", LA).ngettext(
        "Past: {count} shift, {hours} hours volunteered. Thank you!",
        "Past: {count} shifts, {hours} hours volunteered. Thank you!", 1,
    ).format(count="1", hours=Translator("en", LA).number(1.5))
    await reply_containing(linh, past)


async def test_volunteers_leads_and_other_orgs_cannot_correct_and_forged_signups_are_stale(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    db = bot.db
    org = await make_org(db)
    other = await make_org(db, slug="other", name="Other org")
    shift_id = await make_shift(db, org, title="Door canvass", starts=SHIFT_AT, hours=2)
    other_shift = await make_shift(db, other, title="Elsewhere", starts=SHIFT_AT)
    linh = await make_volunteer(db, 7511, first_name="Linh")
    lead = await make_volunteer(db, 7512, first_name="Lee")
    stranger = await make_volunteer(db, 7513, first_name="Sam")
    for who, shift in ((linh, shift_id), (lead, shift_id), (stranger, other_shift)):
        await sign_up(db, who.id, shift, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
    emulator.user(7513, "Sam", language_code="en")  # a chat for the follow-up the scheduler sends after the shift
    linh_signup = await signups.find(db, shift_id, linh.id)
    sam_signup = await signups.find(db, other_shift, stranger.id)
    assert linh_signup is not None and sam_signup is not None
    coco = await coordinator(bot, emulator, org.id, 7514, "en")
    coco_id = await db.fetchval("SELECT id FROM person WHERE telegram_id = 7514")
    await leads.name_lead(db, coordinator_of(org.id, coco_id), shift_id, lead.id, show_phones=False,
                          now=bot.runtime.now_ts())
    clock.set(SHIFT_AT + timedelta(hours=3))
    view, ask = RosterTimes(shift_id, linh_signup.id, 0).pack(), AskTime(shift_id, linh_signup.id, "i", 0).pack()

    volunteer = emulator.user(7511, "Linh", language_code="en")
    await volunteer.send("/hours")
    mine = await volunteer.next_reply()
    for data in (view, ask):
        answer = await volunteer.press_data(data, message=mine)
        assert answer.show_alert and answer.text == tr("en", NOT_COORD)

    lee = emulator.user(7512, "Lee", language_code="en")
    await lee.send("/roster")
    await lee.next_reply()
    await lee.press("1")
    led = await lee.next_reply()
    assert not any(label.startswith("🕒") for label in led.labels)  # a lead runs the door, not the record
    for data in (view, ask):
        answer = await lee.press_data(data, message=led)
        assert answer.show_alert and answer.text == tr("en", NOT_COORD)

    ola = await coordinator(bot, emulator, other.id, 7515, "en")
    await ola.send("/roster")
    theirs = await ola.next_reply()
    answer = await ola.press_data(ask, message=theirs)
    assert answer.show_alert and answer.text == tr("en", NOT_COORD)

    # This shift's coordinator with another shift's signup in the data: stale, nothing asked.
    await coco.send("/roster")
    await coco.next_reply()
    await coco.press("1")
    page = await coco.next_reply()
    for data in (RosterTimes(shift_id, sam_signup.id, 0).pack(), AskTime(shift_id, sam_signup.id, "i", 0).pack()):
        forged = await coco.press_data(data, message=page)
        assert forged.show_alert and forged.text == tr("en", STALE)
    # Check-out before any check-in: said at the press.
    answer = await coco.press_data(AskTime(shift_id, linh_signup.id, "o", 0).pack(), message=page)
    assert answer.show_alert
    assert answer.text == tr("en", "They aren't checked in: correct the check-in time first.")

    # Lost the role while the question was open: the typed time changes nothing.
    await coco.press_data(ask, message=page)
    await coco.next_reply()
    async with db.transaction() as tx:
        await roles.revoke(tx, coco_id, org.id)
    await coco.send(Translator("en", LA).time(from_ts(to_ts(SHIFT_AT))))
    assert (await coco.next_reply()).text == tr("en", NOT_COORD)
    assert await checkin_store.get(db, linh_signup.id) is None
    assert await db.fetchval("SELECT count(*) FROM checkin_correction") == 0
