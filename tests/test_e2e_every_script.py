"""Issue 12's promise for the languages that read least like English: a volunteer onboards in Urdu
(right-to-left), Hmong (a catalog CLDR has no data for) or Burmese (its own script and digits), signs up
from /shifts, and the scheduler's clock brings the 24 h reminder, in their language and zone.

Expected texts come from the catalogs and the Translator, never written out here: what the reader must
see is their catalog's text, not the English fallback, and dates and times as their locale writes them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock
from bot.i18n import Translator, available_locales, language_name
from bot.store import people, signups
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator
from tests.emulator.formatting import strip_bidi
from tests.factories import make_org, make_shift
from tests.flows import onboard, tr

# Monday 10:00 in Los Angeles; the shift is on Wednesday at 14:00 there.
START = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)
SHIFT_AT = datetime(2026, 12, 9, 22, 0, tzinfo=UTC)
LA = ZoneInfo("America/Los_Angeles")
README = Path(__file__).resolve().parent.parent / "README.md"
LOCALES = Path(__file__).resolve().parent.parent / "locales"

# A volunteer per language, with a name in its own script (the name button must carry it intact).
READERS = {"ur": "عائشہ", "hmn": "Npaus", "my": "အောင်"}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.mark.parametrize("locale", sorted(READERS))
async def test_from_start_to_a_reminder(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock, locale: str
) -> None:
    name = READERS[locale]
    t = Translator(locale, LA)
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Saturday canvass", kind="canvass", starts=SHIFT_AT)
    user = emulator.user(7400 + sorted(READERS).index(locale), name, language_code=locale)

    welcome = await onboard(user, locale)
    assert tr(locale, "What would you like to do?") != "What would you like to do?"  # its own catalog, not English
    assert tr(locale, "You're all set, {name}! 🎉").format(name=name) in welcome.text
    person = await people.get_by_telegram_id(bot.db, user.id)
    assert person is not None and (person.locale, person.display_name) == (locale, name)

    await user.send("/shifts")
    listing = await user.next_reply()
    assert "Saturday canvass" in listing.text
    await user.press("1")
    card = await user.next_reply()
    assert t.weekday_date(SHIFT_AT) in card.text  # the card's date in their locale
    await user.press("✅ " + tr(locale, "Sign up"))
    await user.next_reply()  # the card, now saying they're signed up
    confirmation = await user.next_reply()
    assert tr(locale, "✅ You're signed up!") in confirmation.text
    assert confirmation.document is not None

    await bot.dispatch()
    await user.expect_no_reply(within=0.2)  # nothing is due on Monday
    clock.set(SHIFT_AT - timedelta(hours=24))
    await bot.dispatch()
    reminder = await user.next_reply()
    sentence = tr(locale, "Reminder: <b>{title}</b> starts {when}.")
    assert sentence.split("<b>")[0] in reminder.text
    assert "<b>Saturday canvass</b>" in reminder.html
    assert strip_bidi(t.time(SHIFT_AT)) in reminder.text  # text leaves out the marks that keep Urdu in order
    assert tr(locale, "Will you be there?") in reminder.text
    assert reminder.labels[:2] == ["✅ " + tr(locale, "I'll be there"), "✖ " + tr(locale, "I can't make it")]

    answer = await user.press("✅ " + tr(locale, "I'll be there"))
    assert answer.text == tr(locale, "Thank you! See you there.")
    await user.next_reply()  # the buttons go
    await user.next_reply()  # "see you there"
    signup = await signups.find(bot.db, shift_id, person.id)
    assert signup is not None and signup.acknowledged_at is not None


def test_the_readme_counts_every_language() -> None:
    """Wherever the README counts the languages it says the number of catalogs."""
    text = README.read_text(encoding="utf-8")
    counts = {int(n) for n in re.findall(r"\b(\d+) (?:languages|locales|catalogs)\b", text)}
    assert counts == {len(available_locales())}
    for added in ("Hmong", "Lao", "Burmese"):  # the three issue 12 added
        assert added in text.split("\n\n")[2]  # named in the paragraph that counts them


@pytest.mark.parametrize("locale", ["hmn", "my", "lo"])
def test_the_new_catalogs_have_a_glossary_asking_for_a_native_review(locale: str) -> None:
    glossary = LOCALES / f"GLOSSARY-{locale}.md"
    assert glossary.is_file()
    assert "native speaker's review is wanted" in glossary.read_text(encoding="utf-8")
    assert language_name(locale) != locale  # the picker names it, not by its code
