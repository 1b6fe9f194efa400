"""A volunteer finds a shift, signs up, gets a calendar file; waitlists, cancelling and forged buttons."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from bot.i18n import translations
from bot.services.signups import sign_up
from bot.store import signups
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator, TestUser
from tests.factories import make_org, make_shift, make_volunteer
from tests.flows import tr


def soon(days: float = 2) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(second=0, microsecond=0)


async def open_first_card(user: TestUser, locale: str) -> None:
    await user.send("/shifts")
    listing = await user.next_reply()
    assert tr(locale, "Open shifts") in listing.text
    await user.press("1")
    card = await user.next_reply()
    assert card.edited


async def test_korean_volunteer_signs_up_and_gets_a_calendar_file(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    org = await make_org(bot.db, "kaya", "KAYA <Korean American> Youth")
    starts = soon(3)
    shift_id = await make_shift(
        bot.db, org, title="Phone bank for Korean speakers", starts=starts, capacity=3, languages=("ko",)
    )
    await make_volunteer(bot.db, 2001, first_name="민지", locale="ko", languages=("ko", "en"))
    minji = emulator.user(2001, "민지", language_code="ko")

    await minji.send("/shifts")
    listing = await minji.next_reply()
    assert "Phone bank for Korean speakers" in listing.text
    assert "KAYA <Korean American> Youth" in listing.text  # escaped on the wire, intact on screen
    assert translations("ko").ngettext("{count} place left", "{count} places left", 3).format(count="3") in listing.text
    await minji.press("1")
    card = await minji.next_reply()
    assert tr("ko", "Languages needed: {languages}").split("{")[0] in card.text
    assert "한국어" in card.text  # the language named in Korean

    await minji.press("✅ " + tr("ko", "Sign up"))
    updated = await minji.next_reply()
    assert updated.edited and tr("ko", "You're signed up.") in updated.text
    ics = await minji.next_reply()  # one message: the calendar file with the confirmation as its caption
    assert tr("ko", "✅ You're signed up!") in ics.text
    assert ics.document is not None and ics.document.filename == f"shift-{shift_id}.ics"
    event = next(c for c in Calendar.from_ical(ics.document.data).walk("VEVENT"))
    assert event.decoded("dtstart") == starts
    assert str(event.get("dtstart").params["TZID"]) == "America/Los_Angeles"
    assert "Phone bank for Korean speakers" in str(event.get("summary"))
    assert f"start=shift-{shift_id}" in str(event.get("url"))
    row = await signups.find(bot.db, shift_id, (await _pid(bot, 2001)))
    assert row is not None and row.status == "confirmed"


async def _pid(bot: RunningBot, telegram_id: int) -> int:
    from bot.store import people

    person = await people.get_by_telegram_id(bot.db, telegram_id)
    assert person is not None
    return person.id


async def test_waitlist_and_promotion_told_in_the_promoted_persons_language(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Door knocking", kind="canvass", starts=soon(2), capacity=1)
    holder = await make_volunteer(bot.db, 2101, first_name="Ana", locale="en")
    await sign_up(bot.db, holder.id, shift_id, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
    await make_volunteer(bot.db, 2102, first_name="Linh", locale="vi")
    linh = emulator.user(2102, "Linh", language_code="vi")
    ana = emulator.user(2101, "Ana", language_code="en")

    await open_first_card(linh, "vi")
    await linh.press("⏳ " + tr("vi", "Join the waitlist"))
    await linh.next_reply()  # the card, now showing their place in line
    waiting = await linh.next_reply()
    assert "#1" in waiting.text

    await ana.send("/myshifts")
    mine = await ana.next_reply()
    assert "Door knocking" in mine.text and "Signed up" in mine.text
    await ana.press("✖ Cancel")
    question = await ana.next_reply()
    assert "Cancel your place on Door knocking?" in question.text
    await ana.press("✖ Yes, cancel")
    done = await ana.next_reply()
    assert "is cancelled" in done.text

    promoted = await linh.next_reply()
    assert tr("vi", "🎉 Good news: a place opened up and it's yours!") in promoted.text
    assert promoted.document is not None and promoted.document.filename == f"shift-{shift_id}.ics"


async def test_two_people_press_for_the_last_place_at_once(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    org = await make_org(bot.db)
    await make_shift(bot.db, org, title="Last place", starts=soon(2), capacity=1)
    users = []
    for tid, name in ((2201, "Kim"), (2202, "Lee")):
        await make_volunteer(bot.db, tid, first_name=name)
        user = emulator.user(tid, name)
        await open_first_card(user, "en")
        users.append(user)
    await asyncio.gather(*(u.press("✅ Sign up") for u in users))
    texts = []
    for user in users:
        await user.next_reply()  # the refreshed card
        texts.append((await user.next_reply()).text)
    assert sum("You're signed up!" in t for t in texts) == 1
    assert sum("on the waitlist" in t for t in texts) == 1


async def test_overlap_is_warned_before_signing_up(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    org = await make_org(bot.db)
    starts = soon(2)
    first = await make_shift(bot.db, org, title="Morning canvass", kind="canvass", starts=starts, hours=3)
    await make_shift(bot.db, org, title="Noon phone bank", starts=starts + timedelta(hours=1))
    person = await make_volunteer(bot.db, 2301, first_name="Raj")
    await sign_up(bot.db, person.id, first, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
    raj = emulator.user(2301, "Raj")
    await raj.send("/shifts")
    await raj.next_reply()
    await raj.press("2")
    await raj.next_reply()
    await raj.press("✅ Sign up")
    warning = await raj.next_reply()
    assert "overlaps" in warning.text and "Morning canvass" in warning.text
    await raj.press("✅ Yes, sign me up")
    await raj.next_reply()
    assert "You're signed up!" in (await raj.next_reply()).text


async def test_filters_and_pages(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    org = await make_org(bot.db)
    for i in range(7):
        await make_shift(bot.db, org, title=f"Phone bank {i}", starts=soon(1 + i / 10))
    await make_shift(bot.db, org, title="Canvass day", kind="canvass", starts=soon(20))
    await make_volunteer(bot.db, 2401, first_name="Ha")
    ha = emulator.user(2401, "Ha")
    await ha.send("/shifts")
    first = await ha.next_reply()
    assert "8 shifts · page 1 of 2" in first.text
    await ha.press("Next ▶")
    second = await ha.next_reply()
    assert "page 2 of 2" in second.text and "Canvass day" in second.text
    await ha.press("🏷 Kind")
    kinds = await ha.next_reply()
    assert "🚪 Canvass" in kinds.labels
    await ha.press("🚪 Canvass")
    only = await ha.next_reply()
    assert "Canvass day" in only.text and "Phone bank 0" not in only.text
    await ha.press("📅 When")
    await ha.next_reply()
    await ha.press("Next 7 days")
    none = await ha.next_reply()
    assert "No open shifts match right now" in none.text


async def test_no_shifts_at_all(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    await make_volunteer(bot.db, 2501, first_name="Bo")
    bo = emulator.user(2501, "Bo")
    await bo.send("/shifts")
    assert "No open shifts match right now" in (await bo.next_reply()).text


async def test_forged_and_stale_buttons(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Soon cancelled", starts=soon(2), capacity=1)
    victim = await make_volunteer(bot.db, 2601, first_name="Victim")
    result = await sign_up(bot.db, victim.id, shift_id, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
    assert result.signup is not None
    await make_volunteer(bot.db, 2602, first_name="Mallory")
    mallory = emulator.user(2602, "Mallory")
    await mallory.send("/shifts")
    await mallory.next_reply()

    answer = await mallory.press_data(f"mx:{result.signup.id}")  # cancel someone else's place
    assert answer.show_alert and "no longer works" in (answer.text or "")
    answer = await mallory.press_data(f"mc:{result.signup.id}")
    assert answer.show_alert
    still = await signups.get(bot.db, result.signup.id)
    assert still is not None and still.status == "confirmed"

    assert "no longer available" in ((await mallory.press_data("sj:999999")).text or "")
    assert (await mallory.press_data("sl:not-a-state")).text == "This button no longer works. Please send /start."

    async with bot.db.transaction() as tx:
        await tx.execute("UPDATE shift SET status = 'cancelled' WHERE id = ?", (shift_id,))
    stale = await mallory.press_data(f"sj:{shift_id}")
    assert "no longer available" in (stale.text or "")


async def test_unregistered_people_are_sent_to_start(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    newbie = emulator.user(2701, "New")
    await newbie.send("/shifts")
    assert "send /start" in (await newbie.next_reply()).text
    answer = await newbie.press_data("sj:1")
    assert answer.show_alert and "send /start" in (answer.text or "")


async def test_the_list_and_the_card_mark_what_you_are_already_on(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    """Issue 13 item 4: a shift you signed up for, or wait for, says so in /shifts, not just "places left"."""
    db = bot.db
    org = await make_org(db)
    mine = await make_shift(db, org, title="Phone bank", starts=soon(1), capacity=10)
    full = await make_shift(db, org, title="Door knocking", starts=soon(2), capacity=1)
    await make_shift(db, org, title="Voter guide drop", starts=soon(3), capacity=10)
    holder = await make_volunteer(db, 2601, first_name="Ana", locale="en")
    linh_row = await make_volunteer(db, 2602, first_name="Linh", locale="vi")
    now = bot.runtime.now_ts()
    await sign_up(db, holder.id, full, now, policy=bot.runtime.reminder_policy)
    await sign_up(db, linh_row.id, mine, now, policy=bot.runtime.reminder_policy)
    await sign_up(db, linh_row.id, full, now, policy=bot.runtime.reminder_policy)
    linh = emulator.user(2602, "Linh", language_code="vi")

    await linh.send("/shifts")
    listing = await linh.next_reply()
    entries = listing.text.split("\n\n")[1:]  # one entry per shift, in date order
    signed = "✅ " + tr("vi", "You're signed up.")
    waiting = "⏳ " + tr("vi", "You're #{rank} on the waitlist.").format(rank="1")
    assert "Phone bank" in entries[0] and signed in entries[0]
    assert "Door knocking" in entries[1] and waiting in entries[1]
    assert "Voter guide drop" in entries[2] and "✅" not in entries[2] and "⏳" not in entries[2]

    await linh.press("1")
    card = await linh.next_reply()
    assert signed in card.text
    await linh.press("◀ " + tr("vi", "All shifts"))
    await linh.next_reply()
    await linh.press("2")
    card = await linh.next_reply()
    assert waiting in card.text
