"""A check-in window set per shift: a coordinator sets when it opens in /manage or in the CSV upload;
/checkin, the QR code and a shared location follow it, and hours never count from earlier."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock, to_ts
from bot.i18n import Translator
from bot.services import authz, checkins
from bot.services.authz import Actor
from bot.services.invalid import Invalid
from bot.services.signups import sign_up
from bot.store import checkins as checkin_store
from bot.store import roles, signups
from bot.store import shifts as shift_store
from bot.store.shifts import CHECKIN_OPENS_MAX
from handlers import checkin_views
from handlers import manage_views as mv
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator
from tests.factories import make_org, make_shift, make_volunteer
from tests.flows import tr
from tests.test_e2e_checkin_corrections import reply_containing
from tests.test_e2e_manage import SHIFT_AT, START, coordinator, open_panel
from tests.test_e2e_newshift import coordinator as make_coordinator
from tests.test_e2e_newshift import csv_rows, reply, trn

LA = ZoneInfo("America/Los_Angeles")
OPENS_PROBLEM = "Type how many minutes before the start check-in opens: a number from 0 to {max}, for example 30."


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


async def test_a_coordinator_opens_check_in_an_hour_before_and_every_way_in_follows_it(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    db = bot.db
    org = await make_org(db)
    shift_id = await make_shift(db, org, title="Canvass in Garden Grove", starts=SHIFT_AT, hours=3)
    async with db.transaction() as tx:
        await shift_store.update(tx, shift_id, 0, latitude=37.7793, longitude=-122.4193)
    linh_person = await make_volunteer(db, 4601, first_name="Linh")
    await sign_up(db, linh_person.id, shift_id, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
    linh = emulator.user(4601, "Linh", language_code="en")
    vi = "vi"
    coord = await coordinator(bot, emulator, org, 4602, locale=vi, name="Cô")
    st = Translator(vi, LA)

    await open_panel(coord)
    await coord.press("✏️ " + tr(vi, "Edit"))
    await coord.next_reply()
    await coord.press(tr(vi, "Check-in opens"))
    question = await coord.next_reply()
    shift = await shift_store.get(db, shift_id)
    assert shift is not None
    assert mv.opens_value(st, shift) in question.text  # "30 minutes before the start, at 1:30 PM"

    problem = tr(vi, OPENS_PROBLEM).format(max=st.number(CHECKIN_OPENS_MAX))
    for bad in ("an hour", "2000", "-5", "9" * 400):
        await coord.send(bad)
        refused = await coord.next_reply()
        assert problem in refused.text, bad
    await coord.send("60")
    saved = await coord.next_reply()
    assert tr(vi, "Saved.") in saved.text
    shift = await shift_store.get(db, shift_id)
    assert shift is not None and shift.checkin_opens_minutes == 60
    await linh.expect_no_reply(within=0.2)  # the window concerns nobody's plans: no notice

    opens = checkin_views.when(Translator("en", LA), to_ts(SHIFT_AT - timedelta(minutes=60)))
    too_early = tr("en", "Check-in for {title} opens {when}.").format(title="Canvass in Garden Grove", when=opens)
    clock.set(SHIFT_AT - timedelta(minutes=70))
    await linh.send("/checkin")
    assert (await linh.next_reply()).text == too_early
    token = await checkins.token_for(db, actor=await _actor(bot, 4602), shift_id=shift_id, now=bot.runtime.now_ts())
    await linh.send(f"/start ci-{token}")
    assert (await linh.next_reply()).text == too_early
    await linh.share_location(37.7793, -122.4193)
    assert (await linh.next_reply()).text == tr("en", "None of your shifts is open for check-in right now.")

    clock.set(SHIFT_AT - timedelta(minutes=55))  # before the old 30 minutes, inside the new hour
    await linh.share_location(37.7794, -122.4193)
    done = await reply_containing(linh, "✅ You're checked in at Canvass in Garden Grove.")
    clock.set(SHIFT_AT + timedelta(hours=1))
    await linh.press("Check out", message=done)
    await reply_containing(linh, tr("en", "You're checked out. Hours: {hours}. Thank you!").format(
        hours=Translator("en", LA).number(round(115 / 60, 2))
    ))


async def test_check_in_at_the_start_only_and_hours_from_the_start(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    db = bot.db
    org = await make_org(db)
    shift_id = await make_shift(db, org, title="Phone bank", starts=SHIFT_AT, hours=2, checkin_opens_minutes=0)
    person = await make_volunteer(db, 4611, first_name="Lan")
    await sign_up(db, person.id, shift_id, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
    lan = emulator.user(4611, "Lan", language_code="en")
    clock.set(SHIFT_AT - timedelta(minutes=5))
    await lan.send("/checkin")
    opens = checkin_views.when(Translator("en", LA), to_ts(SHIFT_AT))
    assert (await lan.next_reply()).text == tr("en", "Check-in for {title} opens {when}.").format(
        title="Phone bank", when=opens
    )
    clock.set(SHIFT_AT)
    await lan.send("/checkin")
    await lan.next_reply()
    await lan.press("✅ I'm here")
    await reply_containing(lan, "✅")
    signup = await signups.find(db, shift_id, person.id)
    assert signup is not None
    # Corrected to before the start by hand: refused, the window opens at the start.
    with pytest.raises(Invalid):
        await checkins.correct_time(db, actor=await _actor(bot, 4612, org.id), shift_id=shift_id,
                                    signup_id=signup.id, field="in", at=to_ts(SHIFT_AT) - 60, now=to_ts(SHIFT_AT))
    checkin = await checkin_store.get(db, signup.id)
    assert checkin is not None and checkin.checked_in_at == to_ts(SHIFT_AT)


async def test_the_csv_sets_the_window_and_reports_a_bad_one(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    org = await make_org(bot.db, "kaya", "KAYA", state="CA")
    await make_coordinator(bot.db, 4621, org, locale="ko")
    user = emulator.user(4621, "Coord", language_code="ko")
    day = (START.astimezone(LA) + timedelta(days=5)).date()
    header = "title,kind,date,start,end,address,capacity,checkin_opens_minutes"
    bad = csv_rows(
        header,
        f"Canvass,canvass,{day},10:00,12:00,Main St,10,soon",
        f"Late canvass,canvass,{day},14:00,16:00,Main St,10,1441",
    )
    await user.send_document("shifts.csv", bad, mime_type="text/csv")
    report = await reply(user)
    assert trn("ko", "I found {count} problem in {file}.", "I found {count} problems in {file}.", 2).format(
        count="2", file="shifts.csv") in report.text
    for row in (2, 3):
        assert tr("ko", "Row {row}").format(row=row) + " · checkin_opens_minutes" in report.text
    assert await shift_store.count_all(bot.db) == 0

    good = csv_rows(
        header,
        f"Canvass,canvass,{day},10:00,12:00,Main St,10,90",
        f"Late canvass,canvass,{day},14:00,16:00,Main St,10,",
    )
    await user.send_document("good.csv", good, mime_type="text/csv")
    summary = await reply(user)
    await user.press("✅ " + trn("ko", "Publish {count} shift", "Publish {count} shifts", 2).format(count="2"))
    await reply(user)
    rows = await bot.db.fetchall("SELECT title, checkin_opens_minutes FROM shift ORDER BY starts_at")
    assert [(r[0], r[1]) for r in rows] == [("Canvass", 90), ("Late canvass", 30)]
    assert summary.text


async def _actor(bot: RunningBot, telegram_id: int, org_id: int | None = None) -> Actor:
    """The coordinator with this Telegram id as the services see them (made one of `org_id` when given)."""
    person = await make_volunteer(bot.db, telegram_id)
    if org_id is not None:
        async with bot.db.transaction() as tx:
            await roles.grant(tx, person.id, org_id, "coordinator", None, 0)
    return await authz.actor(bot.db, person.id, telegram_id, frozenset())
