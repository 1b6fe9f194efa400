"""/hours through the chat: true hours and shifts by organization, this month and year, outcomes, milestones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock, to_ts
from bot.i18n import translator
from bot.services import checkins
from bot.services.followups import record_metric
from bot.services.signups import sign_up
from bot.store import signups
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator
from tests.factories import make_org, make_shift, make_volunteer
from tests.flows import tr

START = datetime(2026, 11, 2, 16, 0, tzinfo=UTC)  # Monday 08:00 in Los Angeles
LA = translator("en", ZoneInfo("America/Los_Angeles"))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


async def attend(bot: RunningBot, clock: ManualClock, shift_id: int, person_id: int, at: datetime, stay: float) -> int:
    """Signs up, checks in at the start and out `stay` hours later, through the services: the signup id."""
    db, policy = bot.db, bot.runtime.reminder_policy
    clock.set(at - timedelta(days=1))
    result = await sign_up(db, person_id, shift_id, bot.runtime.now_ts(), policy=policy)
    assert result.signup is not None
    clock.set(at)
    await checkins.check_in(db, person_id=person_id, shift_id=shift_id, method="button", now=bot.runtime.now_ts())
    clock.set(at + timedelta(hours=stay))
    out = await checkins.check_out(db, person_id=person_id, signup_id=result.signup.id, now=bot.runtime.now_ts())
    assert out.hours is not None
    return result.signup.id


def line(label: str, shifts: int, hours: float) -> str:
    return f"{label} " + tr("en", "shifts: {shifts} · hours: {hours}").format(
        shifts=LA.number(shifts), hours=LA.number(hours)
    )


async def test_hours_add_up_by_org_month_and_year_with_outcomes(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    db = bot.db
    kaya = await make_org(db, slug="kaya", name="KAYA <Bay>")
    hana = await make_org(db, slug="hana", name="Hana Center")
    person = await make_volunteer(db, 4201, first_name="Linh")
    last_year = datetime(2025, 12, 10, 18, 0, tzinfo=UTC)
    october = datetime(2026, 10, 20, 18, 0, tzinfo=UTC)
    november = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
    a = await make_shift(db, kaya, title="Canvass", kind="canvass", starts=last_year, hours=3)
    b = await make_shift(db, kaya, title="Phones", starts=october, hours=2)
    c = await make_shift(db, hana, title="Texts", kind="text_bank", starts=november, hours=1)
    signup_a = await attend(bot, clock, a, person.id, last_year, 3)
    await attend(bot, clock, b, person.id, october, 1.5)
    await attend(bot, clock, c, person.id, november, 1)
    await record_metric(db, person.id, signup_a, "doors", 40, bot.runtime.now_ts())
    # A shift they signed up for and never came to adds nothing.
    missed = await make_shift(db, hana, title="Missed", starts=november + timedelta(days=2), hours=2)
    await sign_up(db, person.id, missed, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
    clock.set(november + timedelta(days=5))

    linh = emulator.user(4201, "Linh", language_code="en")
    await linh.send("/hours")
    text = (await linh.next_reply()).text
    assert line("All time:", 3, 5.5) in text
    assert line("This year:", 2, 2.5) in text
    assert line("This month:", 1, 1) in text
    assert "🚪 " + tr("en", "Doors knocked") + ": 40" in text
    assert "• KAYA <Bay>: " + tr("en", "shifts: {shifts} · hours: {hours}").format(shifts="2", hours="4.5") in text
    assert "• Hana Center: " + tr("en", "shifts: {shifts} · hours: {hours}").format(shifts="1", hours="1") in text
    assert "🎉 " + tr("en", "Your first shift") in text
    assert tr("en", "10 hours volunteered") not in text


async def test_milestones_ten_hours_and_five_shifts_in_a_month_in_the_readers_language(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    db = bot.db
    org = await make_org(db)
    person = await make_volunteer(db, 4202, first_name="Min", locale="ko")
    first = datetime(2026, 10, 1, 18, 0, tzinfo=UTC)
    min_ = emulator.user(4202, "Min", language_code="ko")
    ko = translator("ko", ZoneInfo("America/Los_Angeles"))

    def celebration(milestone: str) -> str:
        return (
            "🎉 "
            + tr("ko", "Milestone reached: <b>{milestone}</b>! Thank you for showing up for your community.")
            .format(milestone=tr("ko", milestone))
            .replace("<b>", "")
            .replace("</b>", "")
            + "\n"
            + tr("ko", "See everything you've done with /hours.")
        )

    for day in range(5):
        at = first + timedelta(days=day)
        shift = await make_shift(db, org, title=f"Shift {day}", starts=at, hours=2)
        await attend(bot, clock, shift, person.id, at, 2)
        await bot.dispatch()
    # Each milestone once, when reached (first check-in; fifth shift of October; 10 hours at its check-out),
    # never again on the shifts after.
    celebrated = [m.text for m in min_.messages if m.text.startswith("🎉")]
    assert celebrated == [
        celebration("Your first shift"),
        celebration("5 shifts in one month"),
        celebration("10 hours volunteered"),
    ]
    clock.set(START)
    await min_.send("/hours")
    text = ""
    while not text.startswith("⏱"):  # past the notices already read above from the chat's history
        text = (await min_.next_reply()).text
    for milestone in ("Your first shift", "10 hours volunteered", "5 shifts in one month"):
        assert "🎉 " + tr("ko", milestone) in text and tr("ko", milestone) != milestone
    assert tr("ko", "shifts: {shifts} · hours: {hours}").format(shifts=ko.number(5), hours=ko.number(10)) in text


async def test_no_shows_add_nothing_and_a_newcomer_is_pointed_to_shifts(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    db = bot.db
    org = await make_org(db)
    person = await make_volunteer(db, 4203)
    at = START + timedelta(days=1)
    shift = await make_shift(db, org, starts=at, hours=2)
    result = await sign_up(db, person.id, shift, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
    assert result.signup is not None
    async with db.transaction() as tx:
        await signups.set_status(tx, result.signup.id, "no_show", to_ts(at))
    clock.set(at + timedelta(days=1))
    user = emulator.user(4203, "Vol", language_code="en")
    await user.send("/hours")
    reply = await user.next_reply()
    assert tr("en", "No attended shifts yet. Find one with /shifts — your hours will add up here.") in reply.text
    assert "🎉" not in reply.text
