"""Urdu reads in order: every message kind laid out with the Unicode Bidi Algorithm (python-bidi, as a
client lays it out) keeps people's text, numbers, times, ranges and commands where an Urdu reader expects
them, and an English roster line with Urdu names stays left to right."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_interval
from bidi import get_base_level, get_display

from bot import bidi
from bot.clock import ManualClock
from bot.i18n import Translator
from bot.services.shift_admin import cancel_shift
from bot.services.signups import sign_up
from bot.store import orgs, roles
from bot.store.exports import ShiftLine
from handlers.export_views import pick_shift
from handlers.shift_views import esc
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator
from tests.emulator.formatting import BIDI_CONTROLS, strip_bidi
from tests.emulator.models import BotMessage
from tests.factories import coordinator_of, make_org, make_shift, make_volunteer
from tests.flows import tr

START = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)  # Monday 10:00 in Los Angeles
SHIFT_AT = datetime(2026, 12, 12, 18, 0, tzinfo=UTC)  # Saturday 10:00 there, three hours long
TITLE = "Saturday canvass in Koreatown"
LA = ZoneInfo("America/Los_Angeles")
DESCRIPTION = "Meet at the plaza at 9:45.\nBring water, and your phone charged!"
UR = Translator("ur", LA)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


# --- reading order ------------------------------------------------------------------------------------


def shown(line: str) -> str:
    """The line as it appears on screen, left to right, marks gone."""
    return strip_bidi(get_display(line))


def shown_rtl(phrase: str) -> str:
    """A right-to-left phrase as it appears on its own in an RTL line: what it must look like inside one."""
    return strip_bidi(get_display(phrase, base_dir="R"))


def lines(message: BotMessage) -> list[str]:
    assert message.sent_text is not None
    return [line for line in message.sent_text.split("\n") if line.strip()]


def line_with(message: BotMessage, needle: str) -> str:
    found = [line for line in lines(message) if needle in strip_bidi(line)]
    assert found, f"no line with {needle!r} in {message.sent_text!r}"
    return found[0]


def assert_reads_rtl(message: BotMessage) -> None:
    """Every line of the message starts right to left (its paragraph level is 1)."""
    for line in lines(message):
        assert get_base_level(line) == 1, f"line reads left to right: {line!r}"


def time_range(t: Translator, start: datetime, end: datetime) -> str:
    """'10:00 AM – 1:00 PM' as the reader's locale writes the range (a CLDR interval), marks left out."""
    clock = "hm" if "h" in t.babel.time_formats["short"].pattern else "Hm"
    return format_interval(t.local(start), t.local(end), clock, locale=t.babel)


# --- the layer ----------------------------------------------------------------------------------------


def test_people_text_is_isolated_and_lines_start_in_the_readers_direction() -> None:
    assert bidi.isolate("Bob") == "\u2068Bob\u2069"
    assert bidi.isolate("") == ""
    # A line break ends an isolate: each line of a description or broadcast gets its own.
    assert bidi.isolate("Hi!\n\nBye.") == "\u2068Hi!\u2069\n\n\u2068Bye.\u2069"
    assert bidi.start_lines("a\n\nb", rtl=True) == "\u200fa\n\n\u200fb"
    assert bidi.start_lines("\u200fa", rtl=True) == "\u200fa"  # not twice
    # An LTR reader's lines get a mark only where right-to-left letters could turn them.
    assert bidi.start_lines("Roster\n\u2068محمد\u2069 · en", rtl=False) == "Roster\n\u200e\u2068محمد\u2069 · en"


def test_urdu_times_and_commands_read_left_to_right_english_unchanged() -> None:
    en = Translator("en", LA)
    assert en.time(SHIFT_AT) == strip_bidi(en.time(SHIFT_AT))  # nothing added for left-to-right readers
    assert UR.is_rtl and not en.is_rtl
    assert UR.time(SHIFT_AT).startswith(bidi.LRI)
    end = SHIFT_AT + timedelta(hours=3)
    sentence = f"{UR.weekday_date(SHIFT_AT)} {UR.span(SHIFT_AT, end)}"
    assert time_range(UR, SHIFT_AT, end) in shown(bidi.RLM + sentence)
    # Without the isolate, the start time leaves its AM and the range flips.
    bare = f"{UR.weekday_date(SHIFT_AT)} {bidi.strip_marks(UR.span(SHIFT_AT, end))}"
    assert time_range(UR, SHIFT_AT, end) not in shown(bidi.RLM + bare)
    message = UR._("Sorry about that! You can find another shift with /shifts.")
    assert "/shifts" in shown(bidi.RLM + message)
    assert "/shifts" not in shown(bidi.RLM + bidi.strip_marks(message))  # the slash would join the Urdu


def test_right_to_left_letters_are_found_in_every_rtl_script() -> None:
    for letter in ("ا", "ے", "א", "ܐ", "ހ", "ߊ", "\U00010900", "\U0001e900", "ﻻ"):  # Arabic … Adlam
        assert bidi.has_rtl(f"x {letter} y"), letter
    for text in ("Roster", "ไทย", "한국어 🎉", "١٢٣"):  # Arabic-Indic digits are numbers, not letters
        assert not bidi.has_rtl(text), text


def test_a_future_rtl_locale_is_rtl_by_cldr() -> None:
    persian = Translator("fa", LA)  # Persian has no catalog yet: CLDR alone decides
    assert persian.is_rtl
    assert persian.time(SHIFT_AT).startswith(bidi.LRI)


def test_links_and_phone_numbers_read_left_to_right_in_urdu() -> None:
    link = "https://t.me/turnout_bot?start=shift-12"
    sentence = UR._("Share it with this link: {link}").format(link=link) + "."
    sent = bidi.for_reader(sentence, rtl=True)
    assert sent.startswith(bidi.RLM)
    assert bidi.LRI + link + bidi.PDI + "." in sent  # the full stop is the sentence's, not the link's
    assert link in shown(sent)
    # Inside a tag nothing changes: the href stays a plain URL.
    anchor = f'<a href="{link}">{link}</a>'
    assert f'href="{link}"' in bidi.for_reader(anchor, rtl=True)
    english = Translator("en", LA)._("Share it with this link: {link}").format(link=link)
    assert bidi.for_reader(english, rtl=False) == english  # a left-to-right reader's links stay as they are
    phone = "+15035550188"
    line = bidi.RLM + UR._("Your number is {phone}. Share a new one with the button below, or remove it.")
    assert phone in shown(line.format(phone=esc(phone)))
    assert phone not in shown(line.format(phone=phone))  # bare, its + would stray to the other end


# --- Urdu volunteer -----------------------------------------------------------------------------------


async def _urdu_volunteer_on_a_shift(emulator: BotAPIEmulator, bot: RunningBot) -> tuple[int, BotMessage]:
    org = await make_org(bot.db, name="KAYA Network")
    shift_id = await make_shift(
        bot.db, org, title=TITLE, kind="canvass", starts=SHIFT_AT, hours=3, place_name="Koreatown Plaza",
        description=DESCRIPTION,
    )
    await make_volunteer(bot.db, 4101, first_name="عائشہ", locale="ur", language_code="ur", languages=("ur",))
    aisha = emulator.user(4101, "عائشہ", language_code="ur")
    await aisha.send("/shifts")
    listing = await aisha.next_reply()
    await aisha.press("1")
    card = await aisha.next_reply()
    assert_reads_rtl(listing)
    return shift_id, card


async def test_urdu_card_and_confirmation_read_in_order(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    _, card = await _urdu_volunteer_on_a_shift(emulator, bot)
    assert_reads_rtl(card)
    assert TITLE in shown(line_with(card, TITLE))
    end = SHIFT_AT + timedelta(hours=3)
    assert time_range(UR, SHIFT_AT, end) in shown(line_with(card, "🗓"))
    for line in DESCRIPTION.split("\n"):  # each line of it whole, its full stop or "!" at its end
        assert line in shown(line_with(card, line))
    places = UR.ngettext("{count} place left", "{count} places left", 10).format(count=UR.number(10))
    assert shown_rtl(places) in shown(line_with(card, "👥"))

    aisha = emulator.user(4101, "عائشہ", language_code="ur")
    await aisha.press("✅ " + tr("ur", "Sign up"))
    got = [await aisha.next_reply(), await aisha.next_reply()]
    confirmation = next(m for m in got if m.document is not None)
    assert_reads_rtl(confirmation)
    assert "/myshifts" in shown(line_with(confirmation, "/myshifts"))
    assert time_range(UR, SHIFT_AT, end) in shown(line_with(confirmation, "🗓"))


async def test_urdu_reminder_keeps_its_day_and_time_together(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    org = await make_org(bot.db, name="KAYA Network")
    shift_id = await make_shift(bot.db, org, title=TITLE, kind="canvass", starts=SHIFT_AT, hours=3)
    person = await make_volunteer(bot.db, 4201, first_name="Bilal", locale="ur", language_code="ur")
    bilal = emulator.user(4201, "Bilal", language_code="ur")
    await sign_up(bot.db, person.id, shift_id, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
    clock.set(SHIFT_AT - timedelta(hours=24))
    await bot.dispatch()
    reminder = await bilal.next_reply()
    assert_reads_rtl(reminder)
    first = shown(line_with(reminder, TITLE))
    assert TITLE in first
    tomorrow = UR.starts(SHIFT_AT, SHIFT_AT - timedelta(hours=24))  # "tomorrow at 2:00 PM", not "in 1 day"
    assert shown_rtl(tomorrow) in first  # together, its time in order: nothing sticks to the title
    assert f"{TITLE} {UR.number(1)}" not in first  # how it read before: "…Koreatown 1" on the title's side
    assert time_range(UR, SHIFT_AT, SHIFT_AT + timedelta(hours=3)) in shown(line_with(reminder, "🗓"))
    assert "KAYA Network" in shown(line_with(reminder, "🏢"))


async def test_urdu_myshifts_and_help_read_in_order(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    await _urdu_volunteer_on_a_shift(emulator, bot)
    aisha = emulator.user(4101, "عائشہ", language_code="ur")
    await aisha.press("✅ " + tr("ur", "Sign up"))
    await aisha.next_reply()
    await aisha.next_reply()
    await aisha.send("/myshifts")
    mine = await aisha.next_reply()
    assert_reads_rtl(mine)
    assert TITLE in shown(line_with(mine, TITLE))
    assert "KAYA Network" in shown(line_with(mine, "KAYA Network"))
    end = SHIFT_AT + timedelta(hours=3)
    assert any(time_range(UR, SHIFT_AT, end) in shown(line) for line in lines(mine))

    await aisha.send("/help")
    help_ = await aisha.next_reply()
    assert_reads_rtl(help_)
    for command in ("/shifts", "/myshifts", "/settings"):
        assert command in shown(line_with(help_, command + " "))  # not "shifts/"


async def _roster_of(emulator: BotAPIEmulator, bot: RunningBot, locale: str, names: tuple[str, ...]) -> BotMessage:
    org = await make_org(bot.db, name="KAYA Network")
    shift_id = await make_shift(bot.db, org, title=TITLE, kind="canvass", starts=SHIFT_AT, hours=3)
    for i, name in enumerate(names):
        person = await make_volunteer(bot.db, 4400 + i, first_name=name, languages=("ur", "en"))
        await sign_up(bot.db, person.id, shift_id, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
    coordinator = await make_volunteer(bot.db, 4300, first_name="Coco", locale=locale, language_code=locale)
    async with bot.db.transaction() as tx:
        await roles.grant(tx, coordinator.id, org.id, "coordinator", None, 0)
    coco = emulator.user(4300, "Coco", language_code=locale)
    await coco.send("/roster")
    await coco.next_reply()
    await coco.press("1")
    return await coco.next_reply()


async def test_an_english_roster_with_urdu_names_stays_left_to_right(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    names = ("محمد علی", "فاطمہ بی بی")
    roster = await _roster_of(emulator, bot, "en", names)
    for number, name in enumerate(names, start=1):
        line = line_with(roster, name)
        assert get_base_level(line) == 0, line
        seen = shown(line)
        assert seen.startswith(f"{number}. "), seen  # the number at the left, where an English line starts
        assert shown_rtl(name) in seen  # the name whole, read right to left inside the line
        assert seen.index(shown_rtl(name)) < seen.index("Urdu")  # and before the languages, as written


async def test_an_urdu_roster_reads_right_to_left(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    roster = await _roster_of(emulator, bot, "ur", ("Maria Lopez", "عائشہ"))
    assert_reads_rtl(roster)
    assert "Maria Lopez" in shown(line_with(roster, "Maria Lopez"))
    assert TITLE in shown(line_with(roster, TITLE))
    assert time_range(UR, SHIFT_AT, SHIFT_AT + timedelta(hours=3)) in shown(line_with(roster, "🗓"))


# --- what must carry no marks: files, button data -----------------------------------------------------


async def test_files_and_button_data_carry_no_marks(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    """The calendar file and the roster CSV keep people's text as they wrote it: the marks are for
    messages only. Button data stays the codec's."""
    _, card = await _urdu_volunteer_on_a_shift(emulator, bot)
    assert all(not (set(data or "") & BIDI_CONTROLS) for row in card.buttons for _, data in row)
    aisha = emulator.user(4101, "عائشہ", language_code="ur")
    await aisha.press("✅ " + tr("ur", "Sign up"))
    got = [await aisha.next_reply(), await aisha.next_reply()]
    ics = next(m for m in got if m.document is not None).document
    assert ics is not None and TITLE.encode() in ics.data
    assert not set(ics.data.decode("utf-8")) & BIDI_CONTROLS

    coordinator = await make_volunteer(bot.db, 4500, first_name="کوکو", locale="ur", language_code="ur")
    org = await orgs.get_by_slug(bot.db, "kaya")
    assert org is not None
    async with bot.db.transaction() as tx:
        await roles.grant(tx, coordinator.id, org.id, "coordinator", None, 0)
    coco = emulator.user(4500, "کوکو", language_code="ur")
    await coco.send("/export")
    await coco.next_reply()
    await coco.press("📋 " + tr("ur", "A shift's roster"))
    listing = await coco.next_reply()
    await coco.press(listing.labels[0])
    sent = await coco.next_reply()
    assert sent.document is not None
    text = sent.document.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0] == "عائشہ"  # the name as stored, nothing around it
    assert not set(text) & BIDI_CONTROLS
    assert_reads_rtl(sent)  # its caption is an Urdu message like any other


async def test_an_urdu_cancellation_keeps_the_reason_and_command_in_place(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    org = await make_org(bot.db, name="KAYA Network")
    shift_id = await make_shift(bot.db, org, title=TITLE, kind="canvass", starts=SHIFT_AT, hours=3)
    person = await make_volunteer(bot.db, 4601, first_name="Bilal", locale="ur", language_code="ur")
    bilal = emulator.user(4601, "Bilal", language_code="ur")
    await sign_up(bot.db, person.id, shift_id, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
    coordinator = await make_volunteer(bot.db, 4602, first_name="Coco")
    async with bot.db.transaction() as tx:
        await roles.grant(tx, coordinator.id, org.id, "coordinator", None, 0)
    reason = "Rain <and> wind: stay safe!"
    await cancel_shift(
        bot.db, actor=coordinator_of(org.id, coordinator.id), shift_id=shift_id, reason=reason,
        now=bot.runtime.now_ts(),
    )
    await bot.dispatch()
    notice = await bilal.next_reply()
    assert_reads_rtl(notice)
    assert reason in shown(line_with(notice, reason))  # HTML in it escaped, the sentence whole
    assert "/shifts" in shown(line_with(notice, "/shifts"))
    end = SHIFT_AT + timedelta(hours=3)
    assert time_range(UR, SHIFT_AT, end) in shown(line_with(notice, TITLE))


async def test_urdu_two_hour_reminder_keeps_its_number_with_its_words(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    """The issue's own example: a count before Urdu words, right after a Latin title, stays with the words."""
    afternoon = SHIFT_AT + timedelta(hours=4)  # 14:00 in Los Angeles: the 2 h reminder falls outside quiet hours
    org = await make_org(bot.db, name="KAYA Network")
    shift_id = await make_shift(bot.db, org, title=TITLE, kind="canvass", starts=afternoon, hours=3)
    person = await make_volunteer(bot.db, 4701, first_name="Bilal", locale="ur", language_code="ur")
    bilal = emulator.user(4701, "Bilal", language_code="ur")
    await sign_up(bot.db, person.id, shift_id, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
    clock.set(afternoon - timedelta(hours=2))
    await bot.dispatch()
    reminder = await bilal.next_reply()
    assert_reads_rtl(reminder)
    first = shown(line_with(reminder, TITLE))
    in_two_hours = UR.starts(afternoon, afternoon - timedelta(hours=2))
    assert UR.number(2) in in_two_hours
    assert shown_rtl(in_two_hours) in first  # "2 گھنٹے میں" together
    assert f"{TITLE} {UR.number(2)}" not in first  # not "…Koreatown 2" on the title's side


def test_a_button_with_an_urdu_title_keeps_its_date_and_time_in_front() -> None:
    # The export's shift picker: "date time · title" in an English coordinator's label, the title Urdu.
    t = Translator("en", ZoneInfo("America/Los_Angeles"))
    title = "کوریا ٹاؤن میں کینوس " * 4  # long: the label is cut, its isolate still closed
    line = ShiftLine(1, 1, "Org", title, int(START.timestamp()), "America/Los_Angeles", "open", 0)
    _, keyboard = pick_shift(t, [line], 0, False)
    label = keyboard.inline_keyboard[0][0].text
    when = f"{t.weekday_date(START)} {t.time(START)} · "
    assert label.startswith(when) and label.endswith(bidi.PDI) and len(label) <= 64
    assert shown(label).startswith(strip_bidi(get_display(when)))  # on screen the date still comes first
