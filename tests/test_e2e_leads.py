"""Shift leads: a coordinator names a volunteer on the roster as lead of one shift (phones or not); the lead is
told in their language, sees that shift's roster, checks people in and out, gets the QR code, and nothing
else of the organization — forged buttons for another shift are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock
from bot.i18n import translations, translator
from bot.services import leads
from bot.services.leads import LeadOutcome
from bot.services.signups import cancel, sign_up
from bot.store import checkins as checkin_store
from bot.store import people, roles, signups
from bot.store.orgs import Org
from handlers.checkin_views import QrCode
from handlers.lead_views import NameLead
from handlers.roster_views import Mark, RosterCheck, RosterPage
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator
from tests.emulator.models import BotMessage
from tests.emulator.user import TestUser
from tests.factories import coordinator_of, make_org, make_shift, make_volunteer, volunteer_actor
from tests.flows import tr

START = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)
SHIFT_AT = START + timedelta(minutes=20)  # check-in is open from the start of each test
NOT_COORD = "Sorry, only the organization's coordinators can do that."
BOB_PHONE = "+14155550123"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


async def coordinator(bot: RunningBot, emulator: BotAPIEmulator, org: Org, tid: int = 7301) -> TestUser:
    person = await make_volunteer(bot.db, tid, first_name="Coco")
    async with bot.db.transaction() as tx:
        await roles.grant(tx, person.id, org.id, "coordinator", None, 0)
    return emulator.user(tid, "Coco", language_code="en")


async def on_shift(bot: RunningBot, shift_id: int, tid: int, name: str, *, locale: str = "en",
                   phone: str | None = None) -> int:
    person = await make_volunteer(bot.db, tid, first_name=name, language_code=locale, locale=locale)
    if phone:
        async with bot.db.transaction() as tx:
            await people.update(tx, person.id, 0, phone=phone)
    await sign_up(bot.db, person.id, shift_id, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
    signup = await signups.find(bot.db, shift_id, person.id)
    assert signup is not None
    return signup.id


async def roster_of_first(coord: TestUser) -> BotMessage:
    await coord.send("/roster")
    await coord.next_reply()
    await coord.press("1")
    return await coord.next_reply()


async def name_first_lead(coord: TestUser, *, phones: bool) -> BotMessage:
    """From the roster: ⭐ Shift leads, ⭐ 1, then with or without phones; returns the list after."""
    page = await roster_of_first(coord)
    await coord.press("⭐ " + tr("en", "Shift leads"), message=page)
    listing = await coord.next_reply()
    assert tr("en", "⭐ name a lead · ✖ remove a lead") in listing.text
    await coord.press("⭐ 1", message=listing)
    question = await coord.next_reply()
    assert tr("en", "Make {name} the lead of {title}? May they see the phone numbers on its roster?").format(
        name="Linh", title="Door canvass") in question.text
    label = "📞 " + tr("en", "Yes, with phone numbers") if phones else tr("en", "Without phone numbers")
    answer = await coord.press(label, message=question)
    assert answer.text == tr("en", "{name} is now a lead of this shift. We've told them.").format(name="Linh")
    return await coord.next_reply()


async def test_a_named_lead_is_told_in_their_language_and_runs_the_door_of_that_shift_only(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Door canvass", starts=SHIFT_AT, hours=2)
    other_shift = await make_shift(bot.db, org, title="Phone bank", starts=SHIFT_AT + timedelta(days=1))
    coord = await coordinator(bot, emulator, org)
    await on_shift(bot, shift_id, 7302, "Linh", locale="vi")
    bob = await on_shift(bot, shift_id, 7303, "Bob", phone=BOB_PHONE)
    elsewhere = await on_shift(bot, other_shift, 7304, "Sam")

    listing = await name_first_lead(coord, phones=False)
    assert listing.edited and "Linh · ⭐ " + tr("en", "lead, no phones") in listing.text
    assert "✖ 1" in listing.labels and "⭐ 2" in listing.labels

    # Told in Vietnamese, with the way to the roster.
    linh = emulator.user(7302, "Linh", language_code="vi")
    await bot.dispatch()
    notice = await linh.next_reply()
    vi = translator("vi", ZoneInfo("America/Los_Angeles"))
    assert vi._("You can see volunteers' phone numbers there: please keep them private.") not in notice.text
    assert "Door canvass" in notice.text
    assert notice.text.startswith("⭐ " + vi._("You're a shift lead for <b>{title}</b> ({when}). Thank you for "
                                               "stepping up!").split("<b>")[0])
    await linh.press("👥 " + vi._("Roster"), message=notice)
    page = await linh.next_reply()
    assert vi._("You lead this shift: check people in and out here.") in page.text
    assert "Bob" in page.text and BOB_PHONE not in page.text  # no phones for this lead
    assert not any(label.startswith(("✅", "✖", "⭐")) for label in page.labels)  # no marks, no naming

    # Checks Bob in from it: logged as by the lead.
    answer = await linh.press("📍 2", message=page)
    assert answer.text == vi._("{name} is checked in.").format(name="Bob")
    linh_id = await bot.db.fetchval("SELECT id FROM person WHERE telegram_id = 7302")
    events = await checkin_store.events(bot.db, bob)
    assert [(e["event"], e["method"], e["by_person"]) for e in events] == [("in", "coordinator", linh_id)]
    await linh.next_reply()  # the roster again, Bob checked in

    # The QR code, but not a new one.
    await linh.press("📷 " + vi._("Check-in QR code"), message=page)
    photo = await linh.next_reply()
    assert photo.photo is not None and photo.labels == []
    refused = await linh.press_data(QrCode(shift_id, True).pack(), message=page)
    assert refused.show_alert and refused.text == vi._(NOT_COORD)

    # Nothing of another shift, nor the coordinators' buttons, nor their commands.
    for data in (RosterPage(other_shift, 0).pack(), RosterCheck(other_shift, elsewhere, "i", 0).pack(),
                 QrCode(other_shift).pack(), Mark(shift_id, bob, "n", 0).pack(),
                 NameLead(shift_id, bob, True, 0).pack()):
        refused = await linh.press_data(data, message=page)
        assert refused.show_alert and refused.text == vi._(NOT_COORD), data
    assert await checkin_store.get(bot.db, elsewhere) is None
    assert (await signups.get(bot.db, bob)).status == "attended"  # type: ignore[union-attr]
    for command in ("/manage", "/broadcast", "/export", "/stats", "/newshift"):
        await linh.send(command)
        assert (await linh.next_reply()).text == vi._(NOT_COORD), command

    # /roster lists only the shift they lead.
    await linh.send("/roster")
    picker = await linh.next_reply()
    assert "Door canvass" in picker.text and "Phone bank" not in picker.text


async def test_a_lead_allowed_phones_sees_them_and_myshifts_and_hours_show_the_role(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    org = await make_org(bot.db)
    later = START + timedelta(days=2)
    shift_id = await make_shift(bot.db, org, title="Door canvass", starts=later)
    coord = await coordinator(bot, emulator, org)
    await on_shift(bot, shift_id, 7312, "Linh")
    await on_shift(bot, shift_id, 7313, "Bob", phone=BOB_PHONE)
    await name_first_lead(coord, phones=True)
    linh = emulator.user(7312, "Linh", language_code="en")
    await bot.dispatch()
    notice = await linh.next_reply()
    assert tr("en", "You can see volunteers' phone numbers there: please keep them private.") in notice.text

    await linh.send("/myshifts")
    mine = await linh.next_reply()
    assert "⭐ " + tr("en", "shift lead") in mine.text
    await linh.press("👥 1. " + tr("en", "Roster"), message=mine)
    page = await linh.next_reply()
    assert BOB_PHONE in page.text and "⭐ " + tr("en", "shift lead") in page.text
    assert not any(label.startswith("📍") for label in page.labels)  # check-in not open yet

    await linh.send("/hours")
    hours = await linh.next_reply()
    assert tr("en", "Shift lead") in hours.text
    assert translations("en").ngettext("You lead {count} shift.", "You lead {count} shifts.", 1).format(
        count="1") in hours.text and "Door canvass" in hours.text


async def test_a_removed_lead_is_told_and_loses_the_roster(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Door canvass", starts=SHIFT_AT)
    coord = await coordinator(bot, emulator, org)
    await on_shift(bot, shift_id, 7322, "Linh")
    listing = await name_first_lead(coord, phones=False)
    linh = emulator.user(7322, "Linh", language_code="en")
    await bot.dispatch()
    named = await linh.next_reply()

    answer = await coord.press("✖ 1", message=listing)
    assert answer.text == tr("en", "{name} is no longer a lead of this shift. We've told them.").format(name="Linh")
    after = await coord.next_reply()
    assert "⭐ 1" in after.labels
    await bot.dispatch()
    removed = await linh.next_reply()
    assert removed.text.startswith(tr("en", "You're no longer a shift lead for <b>{title}</b> ({when}). "
                                            "Thank you for your help!").split("<b>")[0] + "Door canvass")
    refused = await linh.press("👥 " + tr("en", "Roster"), message=named)
    assert refused.show_alert and refused.text == tr("en", NOT_COORD)
    await linh.send("/roster")
    assert (await linh.next_reply()).text == tr("en", NOT_COORD)


async def test_naming_rules_in_the_service(bot: RunningBot, clock: ManualClock) -> None:
    db, now = bot.db, bot.runtime.now_ts()
    org = await make_org(db)
    other = await make_org(db, slug="other", name="Other")
    shift_id = await make_shift(db, org, title="Door canvass", starts=SHIFT_AT)
    linh = await make_volunteer(db, 7331, first_name="Linh")
    stranger = await make_volunteer(db, 7332, first_name="Sam")
    await sign_up(db, linh.id, shift_id, now, policy=bot.runtime.reminder_policy)
    coord = coordinator_of(org.id, person_id=stranger.id)

    with pytest.raises(leads.NotAllowed):
        await leads.name_lead(db, coordinator_of(other.id), shift_id, linh.id, show_phones=True, now=now)
    with pytest.raises(leads.NotAllowed):
        await leads.name_lead(db, volunteer_actor(linh.id), shift_id, linh.id, show_phones=True, now=now)
    assert await leads.name_lead(db, coord, shift_id, stranger.id, show_phones=False, now=now) is (
        LeadOutcome.NOT_ON_ROSTER)
    assert await leads.name_lead(db, coord, shift_id, linh.id, show_phones=False, now=now) is LeadOutcome.NAMED
    assert await leads.name_lead(db, coord, shift_id, linh.id, show_phones=False, now=now) is LeadOutcome.ALREADY
    assert await leads.name_lead(db, coord, shift_id, linh.id, show_phones=True, now=now) is LeadOutcome.UPDATED
    assert (await leads.leads_of(db, shift_id))[linh.id].show_phones
    named = await db.fetchval("SELECT count(*) FROM outbox WHERE kind = ?", (leads.LEAD_NAMED,))
    assert named == 1  # told once, not at each change
    actions = [r[0] for r in await db.fetchall("SELECT action FROM audit_log ORDER BY id")]
    assert actions[-2:] == ["shift.lead_named", "shift.lead_phones"]

    # Leaving the shift ends the role.
    signup = await signups.find(db, shift_id, linh.id)
    assert signup is not None
    await cancel(db, linh.id, signup.id, now, policy=bot.runtime.reminder_policy)
    assert await leads.leads_of(db, shift_id) == {}
    assert await leads.led_shifts(db, linh.id) == []
    assert await leads.remove_lead(db, coord, shift_id, linh.id, now=now) is LeadOutcome.REMOVED
    assert await db.fetchval("SELECT count(*) FROM outbox WHERE kind = ?", (leads.LEAD_REMOVED,)) == 0
    assert await leads.remove_lead(db, coord, shift_id, linh.id, now=now) is LeadOutcome.NOT_LEAD
