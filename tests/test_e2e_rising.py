"""/stats for a coordinator lists volunteers on a path — most shifts attended in the last 60 days, a recent
first shift, no no-shows, the languages they bring — each a tap from leading an upcoming shift they're on;
the new lead is told in their language. Forged buttons name nobody."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock, to_ts
from bot.i18n import babel_locale, translator
from bot.services import leads
from bot.store import roles, signups
from bot.store.orgs import Org
from handlers.rising_views import LeadOn, MakeLead
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator
from tests.emulator.models import BotMessage
from tests.emulator.user import TestUser
from tests.factories import make_org, make_shift, make_volunteer
from tests.flows import tr

NOW = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)  # Monday 10:00 in Los Angeles
LA = ZoneInfo("America/Los_Angeles")
NOT_COORD = "Sorry, only the organization's coordinators can do that."


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


async def past_shift(bot: RunningBot, org: Org, days_ago: int, people: dict[int, str]) -> int:
    """A shift that has happened, with each person marked as they came ('attended') or not ('no_show')."""
    shift_id = await make_shift(bot.db, org, title=f"Canvass {days_ago}", starts=NOW - timedelta(days=days_ago))
    async with bot.db.transaction() as tx:
        for person_id, status in people.items():
            await signups.save(tx, shift_id=shift_id, person_id=person_id, status=status, position=None,
                               now=to_ts(NOW - timedelta(days=days_ago + 3)))
    return shift_id


async def on_upcoming(bot: RunningBot, shift_id: int, *person_ids: int) -> None:
    async with bot.db.transaction() as tx:
        for person_id in person_ids:
            await signups.save(tx, shift_id=shift_id, person_id=person_id, status="confirmed", position=None,
                               now=bot.runtime.now_ts())


def line_of(message: BotMessage, name: str) -> str:
    return next(line for line in (message.text or "").splitlines() if name in line)


async def stats_list(coord: TestUser) -> BotMessage:
    """/stats: the numbers, the chart, then the rising volunteers."""
    await coord.send("/stats")
    await coord.next_reply()
    photo = await coord.next_reply()
    assert photo.photo is not None
    return await coord.next_reply()


async def test_a_coordinator_sees_rising_volunteers_and_makes_one_a_lead_in_one_tap(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    db = bot.db
    org = await make_org(db, name="KAYA")
    other_org = await make_org(db, slug="hana", name="Hana Center")
    coord = await make_volunteer(db, 7701, first_name="Coco", locale="ko")
    async with db.transaction() as tx:
        await roles.grant(tx, coord.id, org.id, "coordinator", None, 0)
    linh = await make_volunteer(db, 7702, first_name="Linh", locale="vi", languages=("vi", "ko"))
    bob = await make_volunteer(db, 7703, first_name="Bob")
    sam = await make_volunteer(db, 7704, first_name="Sam", languages=("hmn",))
    old = await make_volunteer(db, 7705, first_name="Oldtimer")
    elsewhere = await make_volunteer(db, 7706, first_name="Elsewhere")
    await past_shift(bot, org, 90, {old.id: "attended", linh.id: "attended"})  # before the 60 days
    await past_shift(bot, org, 50, {linh.id: "attended", bob.id: "attended"})
    await past_shift(bot, org, 20, {linh.id: "attended", bob.id: "no_show"})
    await past_shift(bot, org, 10, {linh.id: "attended", bob.id: "attended"})
    await past_shift(bot, org, 5, {sam.id: "attended", bob.id: "attended", coord.id: "attended"})
    await past_shift(bot, other_org, 5, {elsewhere.id: "attended"})
    door = await make_shift(db, org, title="Door canvass", starts=NOW + timedelta(days=2))
    phones = await make_shift(db, org, title="Phone bank", starts=NOW + timedelta(days=4))
    await on_upcoming(bot, door, linh.id, bob.id)
    await on_upcoming(bot, phones, linh.id)
    coco = emulator.user(7701, "Coco", language_code="ko")
    ko = translator("ko", LA)

    listing = await stats_list(coco)
    text = listing.text or ""
    assert ko._("Rising volunteers") in text and "KAYA" in text
    names = [name for name in ("Linh", "Bob", "Sam") if name in text]
    assert names == ["Linh", "Bob", "Sam"]
    assert text.index("Linh") < text.index("Bob") < text.index("Sam")  # by shifts attended in the 60 days
    assert "Oldtimer" not in text and "Elsewhere" not in text and "Coco" not in text  # staff are not listed
    attended = ko.ngettext("{count} shift attended", "{count} shifts attended", 3).format(count="3")
    assert attended in line_of(listing, "Linh")
    reliable = "🎯 " + ko._("no no-shows")
    assert reliable in line_of(listing, "Linh") and reliable not in line_of(listing, "Bob")
    assert reliable in line_of(listing, "Sam")
    first = "🌱 " + ko._("first shift {date}")
    assert first.format(date=ko.month_day((NOW - timedelta(days=5)).astimezone(LA).date())) in line_of(listing, "Sam")
    assert first.split("{")[0] not in line_of(listing, "Linh")  # her first shift was long ago
    korean_names = babel_locale("ko").languages
    assert korean_names["vi"] in line_of(listing, "Linh") and korean_names["ko"] in line_of(listing, "Linh")
    assert listing.labels == ["⭐ 1", "⭐ 2"]  # Sam is on no upcoming shift

    # Bob is on one upcoming shift: one tap makes him its lead, and he is told.
    answer = await coco.press("⭐ 2", message=listing)
    assert answer.text == ko._("{name} is now a lead of this shift. We've told them.").format(name="Bob")
    listing = await coco.next_reply()
    assert listing.edited and listing.labels == ["⭐ 1"]
    lead = await leads.leads_of(db, door)
    assert bob.id in lead and not lead[bob.id].show_phones
    bob_user = emulator.user(7703, "Bob")
    await bot.dispatch()
    told = await bob_user.next_reply()
    assert "Door canvass" in told.text
    assert told.text.startswith("⭐ " + tr("en", "You're a shift lead for <b>{title}</b> ({when}). Thank you for "
                                             "stepping up!").split("<b>")[0])

    # Linh is on two: which one, then she leads it and is told in Vietnamese.
    await coco.press("⭐ 1", message=listing)
    pick = await coco.next_reply()
    assert ko._("Make {name} the lead of which shift?").format(name="Linh") in pick.text
    assert pick.text.index("Door canvass") < pick.text.index("Phone bank")
    answer = await coco.press("2", message=pick)
    assert answer.text == ko._("{name} is now a lead of this shift. We've told them.").format(name="Linh")
    listing = await coco.next_reply()
    assert listing.labels == ["⭐ 1"]  # she can still lead the door canvass
    assert linh.id in await leads.leads_of(db, phones) and linh.id not in await leads.leads_of(db, door)
    linh_user = emulator.user(7702, "Linh", language_code="vi")
    await bot.dispatch()
    told = await linh_user.next_reply()
    vi = translator("vi", LA)
    assert "Phone bank" in told.text
    assert told.text.startswith("⭐ " + vi._("You're a shift lead for <b>{title}</b> ({when}). Thank you for "
                                             "stepping up!").split("<b>")[0])

    # With only the door canvass left, ⭐ 1 names her there at once; then no button is left.
    answer = await coco.press("⭐ 1", message=listing)
    assert answer.text == ko._("{name} is now a lead of this shift. We've told them.").format(name="Linh")
    listing = await coco.next_reply()
    assert not listing.labels


async def test_forged_buttons_name_no_lead(emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock) -> None:
    db = bot.db
    org = await make_org(db)
    other_org = await make_org(db, slug="hana", name="Hana Center")
    other_coord = await make_volunteer(db, 7711, first_name="Other")
    async with db.transaction() as tx:
        await roles.grant(tx, other_coord.id, other_org.id, "coordinator", None, 0)
    linh = await make_volunteer(db, 7712, first_name="Linh")
    bob = await make_volunteer(db, 7713, first_name="Bob")
    await past_shift(bot, org, 10, {linh.id: "attended"})
    door = await make_shift(db, org, title="Door canvass", starts=NOW + timedelta(days=2))
    await on_upcoming(bot, door, linh.id)

    # A volunteer, and a coordinator of another organization, forging the buttons.
    for tid, name in ((7713, "Bob"), (7711, "Other")):
        user = emulator.user(tid, name)
        await user.send("/help")
        await user.next_reply()
        answer = await user.press_data(MakeLead(org.id, linh.id).pack())
        assert answer.show_alert and answer.text == tr("en", NOT_COORD)
        answer = await user.press_data(LeadOn(org.id, linh.id, door).pack())
        assert answer.show_alert and answer.text == tr("en", NOT_COORD)
    # The other organization's coordinator naming a lead of this org's shift under their own org's id.
    other = emulator.user(7711, "Other")
    answer = await other.press_data(LeadOn(other_org.id, linh.id, door).pack())
    assert answer.show_alert
    # A real coordinator naming someone who is not on the shift.
    coco = await make_volunteer(db, 7714, first_name="Coco")
    async with db.transaction() as tx:
        await roles.grant(tx, coco.id, org.id, "coordinator", None, 0)
    coord = emulator.user(7714, "Coco")
    listing = await stats_list(coord)
    answer = await coord.press_data(LeadOn(org.id, bob.id, door).pack(), message=listing)
    assert answer.show_alert
    answer = await coord.press_data(MakeLead(org.id, bob.id).pack(), message=listing)
    gone = tr("en", "{name} isn't on an upcoming shift of the organization now.").format(name="Bob")
    assert answer.show_alert and answer.text == gone
    assert await leads.leads_of(db, door) == {}
