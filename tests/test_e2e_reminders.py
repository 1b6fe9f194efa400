"""Reminders reach volunteers on time, in their language, through restarts, blocks and cancellations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.dates import get_relative_name

from bot.clock import ManualClock, to_ts
from bot.i18n import Translator
from bot.services.signups import sign_up
from bot.store import outbox, people, signups
from tests.conftest import RunningBot, start_bot, stop_bot
from tests.emulator import BotAPIEmulator
from tests.factories import make_org, make_shift, make_volunteer
from tests.flows import tr

# 10:00 in Los Angeles on a Monday: the shift below is on Wednesday at 14:00 local.
START = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)
SHIFT_AT = datetime(2026, 12, 9, 22, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


async def test_reminders_arrive_when_the_clock_says_so(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Koreatown canvass", kind="canvass", starts=SHIFT_AT)
    await make_volunteer(bot.db, 3001, first_name="지민", locale="ko", languages=("ko",))
    jimin = emulator.user(3001, "지민", language_code="ko")
    await jimin.send("/shifts")
    await jimin.next_reply()
    await jimin.press("1")
    await jimin.next_reply()
    await jimin.press("✅ " + tr("ko", "Sign up"))
    await jimin.next_reply()
    await jimin.next_reply()

    await bot.dispatch()
    await jimin.expect_no_reply(within=0.2)  # nothing is due yet

    clock.set(SHIFT_AT - timedelta(hours=24))
    await bot.dispatch()
    reminder = await jimin.next_reply()
    assert "Koreatown canvass" in reminder.text
    assert tr("ko", "Reminder: <b>{title}</b> starts {when}.").split("<b>")[0] in reminder.text
    # The day before, the shift is "tomorrow" (내일) at its time, never "in 1 day" (1일 후).
    ko = Translator("ko", ZoneInfo("America/Los_Angeles"))
    assert get_relative_name("day", 1, locale="ko") in reminder.text
    assert ko.time(SHIFT_AT) in reminder.text
    assert ko.delta(timedelta(days=1)) not in reminder.text
    assert "✅ " + tr("ko", "I'll be there") in reminder.labels
    answer = await jimin.press("✅ " + tr("ko", "I'll be there"))
    assert answer.text == tr("ko", "Thank you! See you there.")
    await jimin.next_reply()  # the buttons go away
    await jimin.next_reply()  # "see you there"
    person = await people.get_by_telegram_id(bot.db, 3001)
    assert person is not None
    signup = await signups.find(bot.db, shift_id, person.id)
    assert signup is not None and signup.acknowledged_at is not None

    clock.set(SHIFT_AT - timedelta(hours=2))
    await bot.dispatch()
    second = await jimin.next_reply()
    assert Translator("ko", ZoneInfo("America/Los_Angeles")).delta(timedelta(hours=2)) in second.text  # 2시간 후
    await bot.dispatch()
    await jimin.expect_no_reply(within=0.2)  # never twice


async def test_i_cant_make_it_frees_the_place_for_the_waitlist(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    db = bot.db
    org = await make_org(db)
    shift_id = await make_shift(db, org, title="Phone bank", starts=SHIFT_AT, capacity=1)
    holder = await make_volunteer(db, 3101, first_name="Tuan", locale="vi")
    waiting = await make_volunteer(db, 3102, first_name="Mai", locale="ko")
    now = bot.runtime.now_ts()
    await sign_up(db, holder.id, shift_id, now, policy=bot.runtime.reminder_policy)
    await sign_up(db, waiting.id, shift_id, now, policy=bot.runtime.reminder_policy)
    tuan, mai = emulator.user(3101, "Tuan", language_code="vi"), emulator.user(3102, "Mai", language_code="ko")

    clock.set(SHIFT_AT - timedelta(hours=2))
    await bot.dispatch()
    reminder = await tuan.next_reply()
    await tuan.press("✖ " + tr("vi", "I can't make it"))
    await tuan.next_reply()  # buttons removed
    thanks = await tuan.next_reply()
    assert "Phone bank" in thanks.text
    promoted = await mai.next_reply()
    assert tr("ko", "🎉 Good news: a place opened up and it's yours!") in promoted.text
    assert reminder.labels  # the reminder had its buttons
    assert (await signups.find(db, shift_id, waiting.id)).status == "confirmed"  # type: ignore[union-attr]


async def test_language_changed_after_signing_up(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    db = bot.db
    org = await make_org(db)
    shift_id = await make_shift(db, org, title="Text bank", kind="text_bank", starts=SHIFT_AT)
    person = await make_volunteer(db, 3201, first_name="Ana", locale="en")
    ana = emulator.user(3201, "Ana")
    await sign_up(db, person.id, shift_id, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
    async with db.transaction() as tx:
        await people.update(tx, person.id, 0, locale="vi", timezone="America/New_York")
    clock.set(SHIFT_AT - timedelta(hours=2))
    await bot.dispatch()
    reminder = await ana.next_reply()
    assert tr("vi", "Will you be there?") in reminder.text
    # 14:00 in Los Angeles is 17:00 in New York: her new zone and language, not the ones she signed up with;
    # the shift is in person in Los Angeles, so its own time comes first and hers follows in brackets.
    la, ny = ZoneInfo("America/Los_Angeles"), ZoneInfo("America/New_York")
    ends = SHIFT_AT + timedelta(hours=2)
    when = next(line for line in reminder.text.splitlines() if line.startswith("🗓"))
    assert when == "🗓 " + Translator("vi", ny).span(SHIFT_AT, ends, la)
    assert when.index(Translator("vi", la).time(SHIFT_AT)) < when.index(Translator("vi", ny).time(SHIFT_AT))
    assert Translator("en", ny).time(SHIFT_AT) not in reminder.text


async def test_a_reminder_after_the_start_is_skipped_not_sent_late(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    db = bot.db
    org = await make_org(db)
    shift_id = await make_shift(db, org, starts=SHIFT_AT)
    person = await make_volunteer(db, 3301)
    vol = emulator.user(3301, "Vol")
    await sign_up(db, person.id, shift_id, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
    clock.set(SHIFT_AT + timedelta(minutes=5))  # the bot was down through both reminders
    await bot.dispatch()
    await vol.expect_no_reply(within=0.3)
    statuses = sorted((i.kind, i.status) for i in await outbox.for_person(db, person.id))
    assert statuses == [("followup", "pending"), ("reminder", "skipped"), ("reminder", "skipped")]


async def test_a_blocked_volunteer_is_marked_unreachable(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    db = bot.db
    org = await make_org(db)
    shift_id = await make_shift(db, org, starts=SHIFT_AT)
    person = await make_volunteer(db, 3401)
    emulator.user(3401, "Vol")
    await sign_up(db, person.id, shift_id, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
    emulator.blocked.add(3401)
    clock.set(SHIFT_AT - timedelta(hours=24))
    await bot.dispatch()
    found = await people.get(db, person.id)
    assert found is not None and found.status == "unreachable"
    assert {i.status for i in await outbox.for_person(db, person.id)} == {"failed", "cancelled"}
    emulator.errors.clear()  # the 403 was Telegram's answer, not a bad call


async def test_reminders_survive_a_restart(emulator: BotAPIEmulator, tmp_path: Path) -> None:
    clock = ManualClock(START)
    path = tmp_path / "turnout.sqlite3"
    first = await start_bot(emulator, path, clock=clock)
    org = await make_org(first.db)
    shift_id = await make_shift(first.db, org, title="After restart", starts=SHIFT_AT)
    person = await make_volunteer(first.db, 3501, locale="ko")
    vol = emulator.user(3501, "Vol")
    await sign_up(first.db, person.id, shift_id, first.runtime.now_ts(), policy=first.runtime.reminder_policy)
    await stop_bot(first)

    clock.set(SHIFT_AT - timedelta(hours=2))  # the reminder fell due while the bot was down
    second = await start_bot(emulator, path, clock=clock)
    try:
        # No poke: the scheduler's first sweep after start sends what is due.
        reminder = await vol.next_reply(timeout=10)
        assert "After restart" in reminder.text
    finally:
        await stop_bot(second)
    emulator.assert_no_errors()


async def test_telegram_flood_limits_are_waited_out_not_lost(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    """Telegram stricter than we paced for (5/s): every 429 is waited out, nothing is lost or doubled."""
    db = bot.db
    org = await make_org(db)
    shift_id = await make_shift(db, org, title="Flood canvass", kind="canvass", starts=SHIFT_AT, capacity=50)
    users = []
    for i in range(12):
        person = await make_volunteer(db, 3900 + i)
        await sign_up(db, person.id, shift_id, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
        users.append(emulator.user(3900 + i, f"V{i}"))
    emulator.flood_control = True
    emulator.flood_global_per_second = 5
    clock.set(SHIFT_AT - timedelta(hours=2))
    assert bot.runtime.dispatcher is not None
    stats = await bot.runtime.dispatcher.run_due()
    assert stats.throttled > 0 and stats.sent == 12
    for user in users:
        reminder = await user.next_reply()
        assert "Flood canvass" in reminder.text
        await user.expect_no_reply(within=0.05)
    emulator.errors.clear()  # the 429s were Telegram's answers, which the dispatcher waited out


async def _sign_up_from_the_card(emulator: BotAPIEmulator, running: RunningBot, telegram_id: int) -> int:
    """A volunteer opens /shifts, the card, and presses Sign up; returns their person id."""
    org = await make_org(running.db)
    await make_shift(running.db, org, title="Configured canvass", kind="canvass", starts=SHIFT_AT)
    person = await make_volunteer(running.db, telegram_id, locale="en")
    user = emulator.user(telegram_id, "Vol")
    await user.send("/shifts")
    await user.next_reply()
    await user.press("1")
    await user.next_reply()
    await user.press("✅ " + tr("en", "Sign up"))
    await user.next_reply()  # the card, refreshed
    confirmation = await user.next_reply()
    assert tr("en", "✅ You're signed up!") in confirmation.text
    return person.id


async def test_signing_up_from_the_card_honours_reminders_none(emulator: BotAPIEmulator, tmp_path: Path) -> None:
    """TURNOUT_REMINDERS=none: a signup from the card queues no reminder, and none arrives."""
    clock = ManualClock(START)
    running = await start_bot(emulator, tmp_path / "turnout.sqlite3", clock=clock, TURNOUT_REMINDERS="none")
    try:
        person_id = await _sign_up_from_the_card(emulator, running, 3601)
        assert [i.kind for i in await outbox.for_person(running.db, person_id)] == ["followup"]
        user = emulator.user(3601, "Vol")
        for before in (timedelta(hours=24), timedelta(hours=2), timedelta(minutes=1)):
            clock.set(SHIFT_AT - before)
            await running.dispatch()
            await user.expect_no_reply(within=0.2)
    finally:
        await stop_bot(running)
    emulator.assert_no_errors()


async def test_signing_up_from_the_card_honours_the_configured_lead_and_quiet_hours(
    emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    """TURNOUT_REMINDERS=3h with quiet hours 10:00-12:00 local: the one reminder (11:00) moves to 09:59."""
    clock = ManualClock(START)
    running = await start_bot(
        emulator,
        tmp_path / "turnout.sqlite3",
        clock=clock,
        TURNOUT_REMINDERS="3h",
        TURNOUT_QUIET_HOURS="10:00-12:00",
    )
    try:
        person_id = await _sign_up_from_the_card(emulator, running, 3602)
        reminders = [i for i in await outbox.for_person(running.db, person_id) if i.kind == "reminder"]
        moved = SHIFT_AT - timedelta(hours=4, minutes=1)  # 14:00 local less 3 h is quiet; just before 10:00
        assert [i.due_at for i in reminders] == [to_ts(moved)]
        user = emulator.user(3602, "Vol")
        clock.set(moved - timedelta(minutes=1))
        await running.dispatch()
        await user.expect_no_reply(within=0.2)
        clock.set(moved)
        await running.dispatch()
        assert "Configured canvass" in (await user.next_reply()).text
    finally:
        await stop_bot(running)
    emulator.assert_no_errors()


@pytest.mark.parametrize("online", [True, False])
async def test_ill_be_there_keeps_the_join_link_and_the_map(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock, online: bool
) -> None:
    """Issue 13 item 5: only the confirm / can't-make-it pair goes; the button needed on the day stays."""
    db = bot.db
    org = await make_org(db)
    url = "https://meet.example.org/phone-bank"
    shift_id = await make_shift(db, org, title="Phone bank", starts=SHIFT_AT, online_url=url if online else None)
    holder = await make_volunteer(db, 3201, first_name="Linh", locale="vi")
    await sign_up(db, holder.id, shift_id, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
    linh = emulator.user(3201, "Linh", language_code="vi")

    clock.set(SHIFT_AT - timedelta(hours=24))
    await bot.dispatch()
    reminder = await linh.next_reply()
    place = "💻 " + tr("vi", "Join online") if online else "📍 " + tr("vi", "Map")
    assert place in reminder.labels
    await linh.press("✅ " + tr("vi", "I'll be there"))
    edited = await linh.next_reply()
    assert edited.edited and edited.message_id == reminder.message_id
    assert edited.labels == [place]  # the pair is gone, the place stays
    assert edited.button(place) == reminder.button(place)
    if online:
        assert edited.button(place)[1] == url
    await linh.next_reply()  # "see you there"
