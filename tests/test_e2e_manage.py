"""Coordinators manage their shifts (/manage), read rosters (/roster) and broadcast (/broadcast); volunteers
are told in their own languages; nobody crosses into another organization's shifts or volunteers.

Expected texts come from the catalogs, so the tests hold before and after the translators' work.
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import get_month_names
from icalendar import Calendar

from bot.clock import ManualClock
from bot.i18n import Translator, translations
from bot.services.signups import sign_up
from bot.store import orgs, people, roles, signups
from bot.store import shifts as shift_store
from bot.store.orgs import Org
from bot.store.people import Person
from handlers import broadcast
from handlers import manage_views as mv
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator, TestUser
from tests.factories import make_org, make_shift, make_volunteer
from tests.flows import expect_pointer, tr

# Monday 10:00 in Los Angeles; the shift is on Wednesday at 14:00 local.
START = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)
SHIFT_AT = datetime(2026, 12, 9, 22, 0, tzinfo=UTC)
REFUSED = "Sorry, only the organization's coordinators can do that."


def plain(markup: str) -> str:
    """What an HTML text shows once Telegram has parsed it."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def head(locale: str, message: str) -> str:
    """The translated text up to its first placeholder or tag: what must show whatever fills it."""
    return tr(locale, message).split("{")[0].split("<")[0].strip()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


async def coordinator(bot: RunningBot, emulator: BotAPIEmulator, org: Org, tid: int = 7001, locale: str = "en",
                      name: str = "Coco") -> TestUser:
    person = await make_volunteer(bot.db, tid, first_name=name, locale=locale, language_code=locale)
    async with bot.db.transaction() as tx:
        await roles.grant(tx, person.id, org.id, "coordinator", None, 0)
    return emulator.user(tid, name, language_code=locale)


async def volunteer(bot: RunningBot, emulator: BotAPIEmulator, tid: int, name: str, locale: str,
                    **kwargs: object) -> tuple[Person, TestUser]:
    person = await make_volunteer(bot.db, tid, first_name=name, locale=locale, language_code=locale, **kwargs)  # type: ignore[arg-type]
    return person, emulator.user(tid, name, language_code=locale)


async def join(bot: RunningBot, person: Person, shift_id: int, seconds: int = 0) -> None:
    """Signs them up `seconds` after the start of the test, so the joining order is set."""
    runtime = bot.runtime
    await sign_up(runtime.database, person.id, shift_id, runtime.now_ts() + seconds, policy=runtime.reminder_policy)


async def open_panel(coord: TestUser, number: str = "1") -> None:
    await coord.send("/manage")
    listing = await coord.next_reply()
    assert tr("en", "Your upcoming shifts") in listing.text or listing.labels
    await coord.press(number)
    panel = await coord.next_reply()
    assert panel.edited


async def test_a_new_time_reaches_a_korean_volunteer_in_korean_with_a_new_calendar_file(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Koreatown canvass", kind="canvass", starts=SHIFT_AT, capacity=5)
    coord = await coordinator(bot, emulator, org)
    minji_person, minji = await volunteer(bot, emulator, 3001, "민지", "ko", languages=("ko",))
    await join(bot, minji_person, shift_id)

    await open_panel(coord)
    await coord.press("✏️ " + tr("en", "Edit"))
    menu = await coord.next_reply()
    assert tr("en", "What would you like to change?") in menu.text
    await coord.press(tr("en", "Date and time"))
    question = await coord.next_reply()
    assert "Type the new start" in question.text
    await coord.send("Dec 32 18:30")  # no such day: asked again, saying why
    again = await coord.next_reply()
    assert f"{get_month_names('wide', locale='en')[12]} 32" in again.text or "couldn't read" in again.text
    await coord.send("Dec 10 18:30")
    saved = await coord.next_reply()
    new_start = datetime(2026, 12, 10, 18, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
    shown = Translator("en", new_start.tzinfo).span(new_start, new_start + timedelta(hours=2))  # the length stays
    assert tr("en", "Saved.") in saved.text and shown in saved.text

    notice = await minji.next_reply()
    assert plain(tr("ko", "<b>{title}</b> has changed.").format(title="Koreatown canvass")) in notice.text
    assert head("ko", "New time: {when}") in notice.text
    assert notice.document is not None and notice.document.filename == f"shift-{shift_id}.ics"
    event = next(c for c in Calendar.from_ical(notice.document.data).walk("VEVENT"))
    assert event.decoded("dtstart") == datetime(2026, 12, 11, 2, 30, tzinfo=UTC)  # 18:30 in Los Angeles
    shift = await shift_store.get(bot.db, shift_id)
    assert shift is not None and shift.ends_at - shift.starts_at == timedelta(hours=2)  # the length stayed


async def test_a_capacity_cut_tells_the_latest_volunteer_they_are_first_on_the_waitlist(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Phone bank", starts=SHIFT_AT, capacity=3)
    coord = await coordinator(bot, emulator, org, locale="ko", name="코코")
    first, _ = await volunteer(bot, emulator, 3101, "Ana", "en")
    second, _ = await volunteer(bot, emulator, 3102, "Binh", "vi")
    latest_person, latest = await volunteer(bot, emulator, 3103, "Tuan", "vi")
    for i, person in enumerate((first, second, latest_person)):
        await join(bot, person, shift_id, i)

    await open_panel(coord)
    await coord.press("✏️ " + tr("ko", "Edit"))
    await coord.next_reply()
    await coord.press(tr("ko", "Volunteers needed"))
    await coord.next_reply()
    await coord.send("many")
    problem = await coord.next_reply()
    assert tr("ko", "Type a number of volunteers, for example 12.") in problem.text
    await coord.send("2")
    confirm = await coord.next_reply()
    assert "⚠️" in confirm.text
    await coord.press("✅ " + tr("ko", "Yes, change it"))
    saved = await coord.next_reply()
    assert saved.edited and tr("ko", "Saved.") in saved.text

    notice = await latest.next_reply()
    assert "Phone bank" in notice.text and "#1" in notice.text
    moved_text = (
        "There are fewer places on <b>{title}</b> ({when}) now, so your place moved to the waitlist: you're #{rank}. "
        "You're at the front of the line, and I'll tell you right away if a place opens up."
    )
    assert head("vi", moved_text) in notice.text
    assert "✖ " + tr("vi", "Leave the waitlist") in notice.labels
    moved = await signups.find(bot.db, shift_id, latest_person.id)
    assert moved is not None and moved.status == "waitlisted"


async def test_cancelling_with_a_reason_tells_confirmed_and_waitlisted_in_their_languages(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Text bank", kind="text_bank", starts=SHIFT_AT, capacity=1)
    coord = await coordinator(bot, emulator, org)
    ko_person, ko = await volunteer(bot, emulator, 3201, "지민", "ko")
    vi_person, vi = await volunteer(bot, emulator, 3202, "Lan", "vi")
    await join(bot, ko_person, shift_id, 0)
    await join(bot, vi_person, shift_id, 1)  # waitlisted

    await open_panel(coord)
    await coord.press("❌ " + tr("en", "Cancel the shift"))
    await coord.next_reply()
    await coord.send("\u200b\u202e\u3164")  # nothing visible: a blank reason in everyone's notice
    assert tr("en", "Please type a reason, for example: Not enough volunteers signed up.") in (
        await coord.next_reply()
    ).text
    await coord.send("x" * 501)
    too_long = await coord.next_reply()
    assert "500" in too_long.text
    await coord.send("Storm <b>warning</b> & floods")
    confirm = await coord.next_reply()
    assert "Storm <b>warning</b> & floods" in confirm.text  # escaped: shown as typed
    await coord.press("❌ " + tr("en", "Yes, cancel the shift"))
    done = await coord.next_reply()
    assert tr("en", "This shift was cancelled.") in done.text

    ko_notice = await ko.next_reply()
    assert "Storm <b>warning</b> & floods" in ko_notice.text
    assert head("ko", "Reason: {reason}") in ko_notice.text
    assert ko_notice.document is not None  # a calendar file that removes the event
    assert b"METHOD:CANCEL" in ko_notice.document.data
    vi_notice = await vi.next_reply()
    assert head("vi", "Sorry about that! You can find another shift with /shifts.") in vi_notice.text
    assert vi_notice.document is None
    row = await bot.db.fetchone("SELECT details FROM audit_log WHERE action = 'shift.cancel'")
    assert row is not None and "Storm" in row["details"]


async def test_message_everyone_on_a_shift_with_a_preview(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Phone bank", starts=SHIFT_AT, capacity=1)
    coord = await coordinator(bot, emulator, org)
    on_person, on = await volunteer(bot, emulator, 3301, "Ana", "en")
    wait_person, wait = await volunteer(bot, emulator, 3302, "미나", "ko")
    await join(bot, on_person, shift_id, 0)
    await join(bot, wait_person, shift_id, 1)

    await open_panel(coord)
    await coord.press("✉️ " + tr("en", "Message everyone"))
    await coord.next_reply()
    await coord.send("\u200b\n\u2800\n\u200d")  # nothing visible: a blank message to everyone
    assert tr("en", "The message can't be empty.") in (await coord.next_reply()).text
    await coord.send("Parking is behind the <office> — bring water!")
    preview = await coord.next_reply()
    assert "Parking is behind the <office> — bring water!" in preview.text
    assert "It goes to 1 person." in preview.text
    await coord.press(tr("en", "Also the waitlist ({count})").format(count="1"))
    toggled = await coord.next_reply()
    assert "It goes to 2 people." in toggled.text
    await coord.press("✅ " + tr("en", "Send"))
    sent = await coord.next_reply()
    assert "2 people" in sent.text

    for user, locale in ((on, "en"), (wait, "ko")):
        got = await user.next_reply()
        assert "Parking is behind the <office> — bring water!" in got.text
        assert head(locale, "A message from {org} about <b>{title}</b> ({date}):") in got.text


async def test_roster_escapes_names_shows_phones_of_this_shift_only_and_marks_attendance(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    org = await make_org(bot.db)
    soon = START + timedelta(minutes=30)
    shift_id = await make_shift(bot.db, org, title="Canvass", kind="canvass", starts=soon, capacity=5)
    other_id = await make_shift(bot.db, org, title="Other canvass", kind="canvass", starts=SHIFT_AT)
    coord = await coordinator(bot, emulator, org)
    bob, _ = await volunteer(bot, emulator, 3401, "<b>Bob</b>", "en", languages=("ko", "en"))
    carol, _ = await volunteer(bot, emulator, 3402, "Carol", "en")
    async with bot.db.transaction() as tx:
        await people.update(tx, bob.id, 0, phone="+15550001111")
        await people.update(tx, carol.id, 0, phone="+15550002222")
    await join(bot, bob, shift_id)
    await join(bot, carol, other_id)

    await coord.send("/roster")
    picker = await coord.next_reply()
    assert "Canvass" in picker.text
    await coord.press("1")
    page = await coord.next_reply()
    assert "<b>Bob</b>" in page.text  # shown literally, never as bold
    assert "+15550001111" in page.text and "+15550002222" not in page.text and "Carol" not in page.text
    assert "Korean" in page.text
    assert "– " in page.text  # not checked in
    await coord.press("✅ 1")
    marked = await coord.next_reply()
    assert "✅ " + tr("en", "attended") in marked.text
    bob_line = next(line for line in marked.text.splitlines() if "Bob" in line)
    assert "– " not in bob_line  # marked attended: never "– not checked in" beside it
    signup = await signups.find(bot.db, shift_id, bob.id)
    assert signup is not None and signup.status == "attended" and signup.marked_by is not None
    assert await bot.db.fetchval("SELECT count(*) FROM audit_log WHERE action = 'signup.attended'") == 1


async def test_a_long_roster_pages(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Big canvass", starts=SHIFT_AT, capacity=12)
    coord = await coordinator(bot, emulator, org)
    for i in range(14):
        person, _ = await volunteer(bot, emulator, 3500 + i, f"Vol {i:02d}", "en")
        await join(bot, person, shift_id, i)
    await open_panel(coord)
    await coord.press("👥 " + tr("en", "Roster"))
    first = await coord.next_reply()
    assert "Vol 00" in first.text and "Vol 10" not in first.text
    await coord.press(tr("en", "Next") + " ▶")
    second = await coord.next_reply()
    assert "Vol 10" in second.text and "#1" in second.text and "#2" in second.text  # Vol 12 and 13 wait
    await coord.press("◀ " + tr("en", "Back"))
    panel = await coord.next_reply()
    assert "✏️ " + tr("en", "Edit") in panel.labels


@asynccontextmanager
async def dispatcher_held(bot: RunningBot) -> AsyncIterator[None]:
    """Keeps the dispatcher from sending (as if it were busy with a long queue) until the block ends."""
    dispatcher = bot.runtime.dispatcher
    assert dispatcher is not None
    async with dispatcher._lock:
        yield
    await dispatcher.run_due()


async def test_broadcast_to_followers_by_language_with_progress_and_tally(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    org = await make_org(bot.db, state="CA")
    coord = await coordinator(bot, emulator, org)
    follows = (org.id,)
    _, ko = await volunteer(bot, emulator, 3601, "지수", "ko", languages=("ko",), follows=follows)
    blocked_person, blocked = await volunteer(bot, emulator, 3602, "Kim", "en", languages=("ko",), follows=follows)
    quiet_person, quiet = await volunteer(bot, emulator, 3603, "Lee", "en", languages=("ko",), follows=follows)
    _, vi = await volunteer(bot, emulator, 3604, "Lan", "vi", languages=("vi",), follows=follows)
    async with bot.db.transaction() as tx:
        await people.update(tx, quiet_person.id, 0, messages_enabled=0)
    blocked.block(notify=False)

    await coord.send("/broadcast")
    filters_ = await coord.next_reply()
    assert "3 people: 0 who signed up, 3 followers" in filters_.text  # followers with messages on
    await coord.press("Korean")
    narrowed = await coord.next_reply()
    assert "2 people: 0 who signed up, 2 followers" in narrowed.text
    await coord.press("✍️ " + tr("en", "Write the message"))
    await coord.next_reply()
    await coord.send("Canvass <Saturday> & Sunday!")
    preview = await coord.next_reply()
    assert "Canvass <Saturday> & Sunday!" in preview.text and "2 people" in preview.text

    async with dispatcher_held(bot):
        await coord.press("✅ Send to 2 people")
        progress = await coord.next_reply()
        assert progress.edited and "0 / 2" in progress.text
        # A second broadcast while the first goes out is refused, saying how far it has got.
        await coord.send("/broadcast")
        refused = await coord.next_reply()
        assert "still going out" in refused.text and "0 / 2" in refused.text

    got = await ko.next_reply()
    assert "Canvass <Saturday> & Sunday!" in got.text and org.name in got.text
    tally = await coord.next_reply()
    while tr("en", "Your broadcast has gone out.") not in tally.text:
        tally = await coord.next_reply()
    assert "Sent: 1" in tally.text and "Not reachable (they blocked the bot): 1" in tally.text
    assert "Failed: 0" in tally.text
    person = await people.get(bot.db, blocked_person.id)
    assert person is not None and person.status == "unreachable"
    await quiet.expect_no_reply(within=0.2)
    await vi.expect_no_reply(within=0.1)
    emulator.errors.clear()  # the 403 was Telegram's answer to a blocked chat, not a bad call

    await coord.send("/broadcast")  # the first is done: the next one may go
    assert "2 people: 0 who signed up, 2 followers" in (await coord.next_reply()).text


async def test_broadcast_progress_never_repeats_itself_and_ends_in_the_tally(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    """Nothing has gone out yet when the progress is looked at again (the dispatcher is busy): no edit is
    sent, since Telegram refuses one that changes nothing; once the messages go, it ends in the tally."""
    org = await make_org(bot.db)
    coord = await coordinator(bot, emulator, org, locale="ko")
    volunteers = [(await volunteer(bot, emulator, 3650 + i, f"V{i}", "en", follows=(org.id,)))[1] for i in range(3)]
    ko = translations("ko")
    await coord.send("/broadcast")
    await coord.next_reply()
    await coord.press("✍️ " + ko.gettext("Write the message"))
    await coord.next_reply()
    await coord.send("Phone bank tonight")
    await coord.next_reply()

    async with dispatcher_held(bot):
        await coord.press(
            "✅ " + ko.ngettext("Send to {count} person", "Send to {count} people", 3).format(count="3")
        )
        progress = await coord.next_reply()
        assert progress.edited and "0 / 3" in progress.text
        edits = len(emulator.calls_to("editMessageText"))
        for _ in range(3):  # as the dispatcher's reports would, with nothing sent meanwhile
            await broadcast.refresh_progress(bot.app)
        assert bot.runtime.dispatcher is not None  # and longer than it waits between reports
        await coord.expect_no_reply(within=bot.runtime.dispatcher.report_every + 0.5)
        assert len(emulator.calls_to("editMessageText")) == edits

    for vol in volunteers:
        assert "Phone bank tonight" in (await vol.next_reply()).text
    tally = await coord.next_reply()
    while ko.gettext("Your broadcast has gone out.") not in tally.text:
        tally = await coord.next_reply()
    assert tally.message_id == progress.message_id
    assert ko.gettext("Sent: {count}").format(count="3") in tally.text
    record = await bot.db.fetchone("SELECT status, progress_text FROM broadcast")
    assert record is not None and record["status"] == "done"
    await bot.dispatch()
    await broadcast.refresh_progress(bot.app)
    await coord.expect_no_reply(within=0.2)  # finished: never edited again


async def test_a_progress_message_that_cannot_be_edited_gets_the_tally_as_a_new_message(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    org = await make_org(bot.db)
    coord = await coordinator(bot, emulator, org)
    _, vol = await volunteer(bot, emulator, 3660, "Vi", "en", follows=(org.id,))
    await coord.send("/broadcast")
    await coord.next_reply()
    await coord.press("✍️ " + tr("en", "Write the message"))
    await coord.next_reply()
    await coord.send("Text bank at noon")
    preview = await coord.next_reply()

    async with dispatcher_held(bot):
        emulator.refuse_next("editMessageText", "Bad Request: message to edit not found")  # deleted, say
        await coord.press("✅ Send to 1 person")
    assert "Text bank at noon" in (await vol.next_reply()).text
    tally = await coord.next_reply()
    assert not tally.edited and tally.message_id != preview.message_id
    assert tr("en", "Your broadcast has gone out.") in tally.text and "Sent: 1" in tally.text
    await bot.dispatch()
    await coord.expect_no_reply(within=0.2)
    assert [e.method for e in emulator.errors] == ["editMessageText"]  # the refusal we asked for, only
    emulator.errors.clear()


async def test_forged_buttons_from_a_volunteer_and_another_organizations_coordinator_are_refused(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    org = await make_org(bot.db)
    other = await make_org(bot.db, "other", "Other Org")
    shift_id = await make_shift(bot.db, org, title="Ours", starts=START + timedelta(minutes=30), capacity=1)
    outsider = await coordinator(bot, emulator, other, tid=7002, name="Oscar")
    vol_person, vol = await volunteer(bot, emulator, 3701, "Vee", "en", follows=(org.id,))
    await join(bot, vol_person, shift_id)
    signup = await signups.find(bot.db, shift_id, vol_person.id)
    assert signup is not None

    await vol.send("/manage")
    assert (await vol.next_reply()).text == tr("en", REFUSED)
    await vol.send("/broadcast")
    assert (await vol.next_reply()).text == tr("en", REFUSED)
    await outsider.send("/manage")
    listing = await outsider.next_reply()
    assert "Ours" not in listing.text

    forged = [
        *(b.pack() for b in (mv.Open(shift_id), mv.EditMenu(shift_id), mv.AskField(shift_id, "ti"),
                             mv.CutCapacity(shift_id, 1), mv.AskReason(shift_id), mv.ConfirmCancel(shift_id),
                             mv.SendMessage(shift_id), mv.Roster(shift_id), mv.DuplicateTo(shift_id, 20261210))),
        f"ro:{shift_id}:0", f"ra:{shift_id}:{signup.id}:n:0", broadcast.PickOrg(org.id).pack(),
    ]
    for user in (vol, outsider):
        for data in forged:
            answer = await user.press_data(data)
            assert answer.text == tr("en", REFUSED) and answer.show_alert, data
    async with bot.db.transaction() as tx:
        await people.update(tx, vol_person.id, 0, phone="+15550009999")
    await outsider.send(f"/start shift-{shift_id}")  # a deep link opens only what every volunteer sees
    card = await outsider.next_reply()
    assert "Ours" in card.text and "+15550009999" not in card.text and "Vee" not in card.text
    assert not any(data and data.startswith(("mg:", "ro:")) for row in card.buttons for _, data in row)
    await outsider.send("Renamed by a stranger")  # no question was opened for them
    await expect_pointer(outsider)
    shift = await shift_store.get(bot.db, shift_id)
    assert shift is not None and (shift.title, shift.status, shift.capacity) == ("Ours", "published", 1)
    unchanged = await signups.get(bot.db, signup.id)
    assert unchanged is not None and unchanged.status == "confirmed"
    assert await bot.db.fetchval("SELECT count(*) FROM broadcast") == 0
    assert await orgs.followed_ids(bot.db, vol_person.id) == {org.id}


async def test_cancel_and_back_work_while_a_question_waits(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Phone bank", starts=SHIFT_AT)
    coord = await coordinator(bot, emulator, org)
    await open_panel(coord)
    await coord.press("✏️ " + tr("en", "Edit"))
    await coord.next_reply()
    await coord.press(tr("en", "Title"))
    await coord.next_reply()
    await coord.send("/cancel")
    assert (await coord.next_reply()).text == tr("en", "OK, nothing changed.")
    await coord.send("Not a title any more")
    await expect_pointer(coord)

    await coord.press("◀ " + tr("en", "Back"))  # the question's Back button still leads to the menu
    await coord.next_reply()
    await coord.press(tr("en", "Title"))
    await coord.next_reply()
    await coord.press("◀ " + tr("en", "Back"))
    menu = await coord.next_reply()
    assert tr("en", "What would you like to change?") in menu.text
    await coord.send("Still not a title")
    await expect_pointer(coord)
    shift = await shift_store.get(bot.db, shift_id)
    assert shift is not None and shift.title == "Phone bank"
