"""After the shift, in words: a volunteer's optional note (Skip, a length limit, HTML kept as typed) kept with
their report, and the coordinator's roster showing each person's numbers and note with the shift's total;
the roster export carries them too (issue 13 item 10)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock
from bot.i18n import translator
from bot.services import privacy, roster
from bot.services.followups import NOTE_MAX, NotAllowed, record_metric, record_note
from bot.services.leads import DoorAccess
from bot.services.signups import sign_up
from bot.store import reports, roles, signups
from bot.store import shifts as shift_store
from bot.store.orgs import Org
from handlers.followup_views import NOTE_SHOWN, AddNote, note_excerpt
from handlers.roster_views import roster_page
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator
from tests.emulator.formatting import strip_bidi
from tests.emulator.models import BotMessage
from tests.emulator.user import TestUser
from tests.factories import POLICY, make_org, make_shift, make_volunteer
from tests.flows import NOTHING_OPEN, replies, tr

START = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)
SHIFT_AT = datetime(2026, 12, 8, 22, 0, tzinfo=UTC)  # Tuesday 14:00 in Los Angeles
LA = ZoneInfo("America/Los_Angeles")
NOTE_ASKED = (
    "How did it go, in a few words? What worked, what didn't, anything the organizers should know. "
    "Type it (up to {max} characters), or tap Skip."
)
STALE = "This button no longer works. Please send /start."


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


async def volunteer_on(bot: RunningBot, emulator: BotAPIEmulator, shift_id: int, tid: int, name: str,
                       locale: str = "en") -> tuple[TestUser, int]:
    person = await make_volunteer(bot.db, tid, first_name=name, locale=locale, language_code=locale)
    await sign_up(bot.db, person.id, shift_id, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
    signup = await signups.find(bot.db, shift_id, person.id)
    assert signup is not None
    return emulator.user(tid, name, language_code=locale), signup.id


async def coordinator(bot: RunningBot, emulator: BotAPIEmulator, org: Org, tid: int) -> TestUser:
    person = await make_volunteer(bot.db, tid, first_name="Coco")
    async with bot.db.transaction() as tx:
        await roles.grant(tx, person.id, org.id, "coordinator", None, 0)
    return emulator.user(tid, "Coco", language_code="en")


async def after_the_shift(bot: RunningBot, clock: ManualClock, hours: float) -> None:
    """An hour after the end: the follow-ups go out."""
    clock.set(SHIFT_AT + timedelta(hours=hours + 1, minutes=1))
    await bot.dispatch()


async def open_roster(coord: TestUser) -> BotMessage:
    await coord.send("/roster")
    await coord.next_reply()
    await coord.press("1")
    return await coord.next_reply()


def one_of(got: list[BotMessage], *, edited: bool) -> BotMessage:
    found = [m for m in got if m.edited == edited]
    assert len(found) == 1, got
    return found[0]


async def test_numbers_then_a_note_or_skip_and_the_roster_shows_both_with_a_total(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Canvass in Garden Grove", kind="canvass", starts=SHIFT_AT, hours=3)
    linh, linh_signup = await volunteer_on(bot, emulator, shift_id, 4101, "Linh", "vi")
    bob, bob_signup = await volunteer_on(bot, emulator, shift_id, 4102, "Bob")
    coord = await coordinator(bot, emulator, org, 4103)
    await after_the_shift(bot, clock, 3)
    vi = translator("vi", LA)

    followup = await linh.next_reply()
    assert "📝 " + tr("vi", "Add a note") in followup.labels
    doors = "🚪 " + tr("vi", "Doors knocked")
    await linh.press(doors)
    await linh.next_reply()
    await linh.press("30")
    saved = await linh.next_reply()
    await linh.press("✓ " + tr("vi", "Done"), message=saved)
    got = await replies(linh, 2)  # the note's question, and the numbers lose their buttons
    assert not one_of(got, edited=True).labels
    question = one_of(got, edited=False)
    assert tr("vi", NOTE_ASKED).format(max=vi.number(NOTE_MAX)) in question.text
    assert question.labels == [tr("vi", "Skip")]

    typed = "<b>Great</b> turf & many Korean speakers\nBring more flyers"
    await linh.send(typed)
    got = await replies(linh, 2)  # thanks, and the question's Skip goes
    assert not one_of(got, edited=True).labels
    assert tr("vi", "Thank you! Your note is saved; the organizers will read it.") in one_of(got, edited=False).text
    assert await reports.note_for_signup(bot.db, linh_signup) == typed

    await bob.next_reply()
    await bob.press("🚪 Doors knocked")
    await bob.next_reply()
    await bob.send("20")
    await bob.next_reply()
    await bob.press("🗣 Conversations")
    await bob.next_reply()
    await bob.press("5")
    await bob.next_reply()
    await bob.press("✓ Done")
    question = one_of(await replies(bob, 2), edited=False)
    answer = await bob.press(tr("en", "Skip"), message=question)
    assert answer.text == tr("en", "Thank you!")
    assert not (await bob.next_reply()).labels  # Skip goes with the question
    assert await reports.note_for_signup(bot.db, bob_signup) is None
    await bob.send("Nothing to add")  # the question closed: this is no note
    assert (await bob.next_reply()).text == tr("en", NOTHING_OPEN)
    assert await reports.note_for_signup(bot.db, bob_signup) is None

    page = await open_roster(coord)
    en = translator("en", LA)
    total = f"🚪 Doors knocked {en.number(50)} · 🗣 Conversations {en.number(5)}"
    assert "📊 " + en.ngettext(
        "Reported by {count} person: {outcomes}", "Reported by {count} people: {outcomes}", 2
    ).format(count=en.number(2), outcomes=total) in page.text
    linh_line, bob_line = page.text.split("Linh", 1)[1].split("Bob", 1)
    assert "🚪 30" in linh_line and "🗣" not in linh_line  # her numbers (the total names them)
    # The note as typed (tags shown, not applied), on one line, under her numbers.
    assert "📝 <b>Great</b> turf & many Korean speakers Bring more flyers" in linh_line
    assert "🚪 20 · 🗣 5" in bob_line and "📝" not in bob_line


async def test_a_note_on_a_shift_without_numbers_its_limits_and_forged_presses(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Community fair", kind="event", starts=SHIFT_AT, hours=2)
    ana, ana_signup = await volunteer_on(bot, emulator, shift_id, 4201, "Ana", "es")
    coord = await coordinator(bot, emulator, org, 4202)
    await after_the_shift(bot, clock, 2)
    es = translator("es", LA)

    followup = await ana.next_reply()
    assert tr("es", "A few words on how it went help the organizers see what worked.") in followup.text
    assert followup.labels == ["📝 " + tr("es", "Add a note")]  # no numbers to give, so no Done either
    await ana.press("📝 " + tr("es", "Add a note"))
    await ana.next_reply()

    await ana.send("x" * (NOTE_MAX + 1))
    refused = tr("es", "A note can have at most {max} characters; this one has {count}.")
    assert (await ana.next_reply()).text == refused.format(max=es.number(NOTE_MAX), count=es.number(NOTE_MAX + 1))
    await ana.send_photo()
    assert (await ana.next_reply()).text == tr("es", "Please write a few words, or tap Skip.")
    await ana.send("\u200b\u2800")  # nothing visible
    assert (await ana.next_reply()).text == tr("es", "Please write a few words, or tap Skip.")
    await ana.send("Fun day, =SUM(A1) at the booth")
    got = await replies(ana, 2)
    saved = one_of(got, edited=False)
    assert tr("es", "Your note is saved; the organizers will read it.") in saved.text
    assert saved.labels == ["📝 " + tr("es", "Change your note")]

    # Someone else's signup: no question, nothing written.
    await make_volunteer(bot.db, 4203, first_name="Mallory")
    mallory = emulator.user(4203, "Mallory")
    await mallory.send("/help")
    await mallory.next_reply()
    answer = await mallory.press_data(AddNote(ana_signup).pack())
    assert answer.show_alert and answer.text == tr("en", STALE)
    await mallory.send("Overwritten!")
    assert (await mallory.next_reply()).text == tr("en", NOTHING_OPEN)
    assert await reports.note_for_signup(bot.db, ana_signup) == "Fun day, =SUM(A1) at the booth"

    page = await open_roster(coord)
    en = translator("en", LA)
    assert "📊 " + en.ngettext("A note from {count} person", "Notes from {count} people", 1).format(
        count=en.number(1)
    ) in page.text
    assert "📝 Fun day, =SUM(A1) at the booth" in page.text

    await coord.send("/export")
    await coord.next_reply()
    await coord.press("📋 A shift's roster")
    listing = await coord.next_reply()
    await coord.press(listing.labels[0])
    sent = await coord.next_reply()
    assert sent.document is not None
    rows = list(csv.reader(io.StringIO(sent.document.data.decode("utf-8-sig"))))
    note_column = rows[0].index(tr("en", "Note"))
    assert "Doors knocked" in rows[0] and "Conversations" in rows[0]
    ana_row = next(r for r in rows if r[0] == "Ana")
    assert ana_row[note_column] == "Fun day, =SUM(A1) at the booth"


async def test_a_long_note_is_shortened_on_the_roster_and_goes_with_deleteme(bot: RunningBot) -> None:

    db = bot.db
    org = await make_org(db)
    shift_id = await make_shift(db, org, kind="phone_bank", starts=SHIFT_AT, hours=2)
    person = await make_volunteer(db, 4301, first_name="Kim")
    signup = (await sign_up(db, person.id, shift_id, 0, policy=POLICY)).signup
    assert signup is not None
    long_note = "word " * 99 + "end"
    await record_note(db, person.id, signup.id, long_note, 1)
    await record_metric(db, person.id, signup.id, "calls", 40, 1)
    with pytest.raises(NotAllowed):
        await record_note(db, person.id + 1, signup.id, "not mine", 1)

    shift = await shift_store.get(db, shift_id)
    assert shift is not None
    en = translator("en", LA)
    text, _ = roster_page(en, await roster.load(db, shift, 0), 0, from_manage=False)
    excerpt = note_excerpt(long_note)
    assert excerpt in text and strip_bidi(excerpt).endswith("…</i>") and len(long_note) > NOTE_SHOWN
    assert "📞 Calls made 40" in text and "\n    📞 40" in text  # the total, and hers under her line
    # A shift lead runs the door and sees the numbers; the note is written to the organizers.
    lead_view = await roster.load(db, shift, 0, DoorAccess(coordinator=False, show_phones=False))
    text, _ = roster_page(en, lead_view, 0, from_manage=False)
    assert "📞 Calls made 40" in text and "📝" not in text

    await privacy.erase(db, person.id, 2, policy=POLICY)
    assert await reports.note_for_signup(db, signup.id) is None  # their words go; the count stays
    assert (await reports.get_for_signup(db, signup.id))["calls"] == 40
