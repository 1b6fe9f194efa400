"""Coordinators' news between digests: a volunteer who cancels within 24 hours of a shift, or one moved up
from its waitlist, reaches the org's coordinators in their language, batched — at most one message per shift
an hour — through the outbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock, to_ts
from bot.i18n import translator
from bot.services import shift_news
from bot.services.signups import sign_up
from bot.store import roles
from bot.store.orgs import Org
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator
from tests.emulator.user import TestUser
from tests.factories import make_org, make_shift, make_volunteer
from tests.flows import tr

START = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)  # Monday 10:00 in Los Angeles
SHIFT_AT = START + timedelta(hours=20)  # Tuesday 06:00 in Los Angeles: within the day
ZONE = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


async def coordinator(bot: RunningBot, emulator: BotAPIEmulator, org: Org, tid: int, locale: str) -> TestUser:
    person = await make_volunteer(bot.db, tid, first_name="Coco", locale=locale, language_code=locale)
    async with bot.db.transaction() as tx:
        await roles.grant(tx, person.id, org.id, "coordinator", None, 0)
    return emulator.user(tid, "Coco", language_code=locale)


async def volunteer(bot: RunningBot, emulator: BotAPIEmulator, shift_id: int, tid: int, name: str) -> TestUser:
    person = await make_volunteer(bot.db, tid, first_name=name)
    await sign_up(bot.db, person.id, shift_id, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
    return emulator.user(tid, name)


async def cancel_from_myshifts(user: TestUser) -> None:
    """/myshifts, ✖ Cancel, ✖ Yes, cancel — as a volunteer gives up their place."""
    await user.send("/myshifts")
    await user.next_reply()
    await user.press("✖ " + tr("en", "Cancel"))
    await user.next_reply()
    await user.press("✖ " + tr("en", "Yes, cancel"))
    await user.next_reply()


async def flush_and_send(bot: RunningBot) -> int:
    """The news job's run, then the dispatcher's: returns how many messages the job queued."""
    queued = await shift_news.flush(bot.db, bot.runtime.now_ts())
    await bot.dispatch()
    return queued


def at(locale: str, moment: datetime) -> str:
    """A time as the news shows it: in the shift's own zone, formatted for the reader."""
    return translator(locale, ZONE).time(moment)


async def test_late_cancels_and_a_promotion_reach_the_coordinators_in_one_message_after_the_hour(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Door canvass", starts=SHIFT_AT, capacity=2)
    later = await make_shift(bot.db, org, title="Phone bank", starts=START + timedelta(days=3))
    coco = await coordinator(bot, emulator, org, 7501, "ko")
    other = await coordinator(bot, emulator, org, 7502, "en")
    ana = await volunteer(bot, emulator, shift_id, 7503, "Ana")
    bob = await volunteer(bot, emulator, shift_id, 7504, "Bob")
    linh = await volunteer(bot, emulator, shift_id, 7505, "Linh")  # waitlisted: the shift holds two
    sam = await volunteer(bot, emulator, later, 7506, "Sam")

    await cancel_from_myshifts(sam)  # three days ahead: not news
    await cancel_from_myshifts(ana)  # Linh moves up into her place
    first_at = clock.now()
    await linh.next_reply()  # the good news, with the calendar file
    clock.advance(timedelta(minutes=10))
    await cancel_from_myshifts(bob)
    bob_at = clock.now()

    assert await flush_and_send(bot) == 0  # gathering: more may come within the hour
    await coco.expect_no_reply(within=0.2)
    clock.set(first_at + timedelta(minutes=59))
    assert await flush_and_send(bot) == 0
    clock.set(first_at + timedelta(hours=1))
    assert await flush_and_send(bot) == 2  # one for each coordinator

    ko = translator("ko", ZONE)
    news = await coco.next_reply()
    assert "Door canvass" in news.text and "Phone bank" not in news.text and "Sam" not in news.text
    assert ko._("{name} cancelled at {time}.").format(name="Ana", time=at("ko", first_at)) in news.text
    assert ko._("{name} cancelled at {time}.").format(name="Bob", time=at("ko", bob_at)) in news.text
    assert ko._("{name} moved up from the waitlist at {time}.").format(
        name="Linh", time=at("ko", first_at)) in news.text
    assert ko._("{confirmed} of {capacity} signed up · {waiting} on the waitlist").format(
        confirmed=ko.number(1), capacity=ko.number(2), waiting=ko.number(0)) in news.text
    assert "<b>Ana</b>" in (news.html or "")
    await coco.expect_no_reply(within=0.2)  # one message, not one per change
    in_english = await other.next_reply()
    assert tr("en", "{name} moved up from the waitlist at {time}.").format(
        name="Linh", time=at("en", first_at)) in in_english.text

    # The roster is one tap away.
    await coco.press("👥 " + ko._("Roster"), message=news)
    roster = await coco.next_reply()
    assert "Linh" in roster.text and ko._("Roster") in roster.text

    # Linh cancels too, right after: that news waits for the hour since the last message.
    await cancel_from_myshifts(linh)
    clock.advance(timedelta(minutes=30))
    assert await flush_and_send(bot) == 0
    await coco.expect_no_reply(within=0.2)
    clock.set(first_at + timedelta(hours=2))
    assert await flush_and_send(bot) == 2
    again = await coco.next_reply()
    assert ko._("{name} cancelled at {time}.").format(
        name="Linh", time=at("ko", first_at + timedelta(hours=1))) in again.text
    assert "Ana" not in again.text and "Bob" not in again.text
    await other.next_reply()


async def test_news_close_to_the_start_goes_without_waiting_the_hour(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Text bank", starts=START + timedelta(minutes=90))
    coco = await coordinator(bot, emulator, org, 7511, "vi")
    ana = await volunteer(bot, emulator, shift_id, 7512, "Ana")

    await cancel_from_myshifts(ana)
    clock.advance(timedelta(minutes=29))
    assert await flush_and_send(bot) == 0
    clock.advance(timedelta(minutes=1))  # an hour before the start: the news can still be acted on
    assert await flush_and_send(bot) == 1
    news = await coco.next_reply()
    assert tr("vi", "{name} cancelled at {time}.").format(name="Ana", time=at("vi", START)) in news.text


async def test_no_news_for_a_coordinator_who_left_nor_for_a_shift_that_was_cancelled(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Door canvass", starts=SHIFT_AT)
    called_off = await make_shift(bot.db, org, title="Call-off", starts=SHIFT_AT + timedelta(hours=1))
    coco = await coordinator(bot, emulator, org, 7521, "en")
    ana = await volunteer(bot, emulator, shift_id, 7522, "Ana")
    bob = await volunteer(bot, emulator, called_off, 7523, "Bob")
    await cancel_from_myshifts(ana)
    await cancel_from_myshifts(bob)
    async with bot.db.transaction() as tx:
        await tx.execute("UPDATE shift SET status = 'cancelled' WHERE id = ?", (called_off,))
    clock.advance(timedelta(hours=1))
    coco_id = await bot.db.fetchval("SELECT id FROM person WHERE telegram_id = 7521")
    assert await shift_news.flush(bot.db, bot.runtime.now_ts()) == 1  # the cancelled shift's news is dropped
    async with bot.db.transaction() as tx:
        await roles.revoke(tx, coco_id, org.id)  # before the message goes: it is not sent
    await bot.dispatch()
    await coco.expect_no_reply(within=0.3)


def test_a_batch_waits_an_hour_for_more_but_not_past_an_hour_before_the_start_and_never_twice_an_hour() -> None:
    hour = 3600
    starts = to_ts(SHIFT_AT)
    first = starts - 10 * hour
    assert shift_news.batch_due(first, starts, None) == first + hour
    assert shift_news.batch_due(starts - 90 * 60, starts, None) == starts - hour
    assert shift_news.batch_due(starts - 10 * 60, starts, None) == starts - 10 * 60  # at once
    assert shift_news.batch_due(starts - 10 * 60, starts, starts - 30 * 60) == starts + 30 * 60
    assert shift_news.batch_due(first, starts, first - 10 * 60) == first + hour
