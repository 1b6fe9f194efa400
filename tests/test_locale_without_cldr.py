"""A catalog for a language CLDR has no data for (Hmong, Samoan) works for everyone: its declared formatting
locale and name are used, and without a declaration nothing crashes either.

The catalogs here are throwaways in a copy of locales/: "sm" declares `formatting = "en_US"` and its name;
"tvl" declares nothing. Both carry the Korean texts, so a test sees that its own catalog is read."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel import Locale, UnknownLocaleError
from babel.dates import format_interval, format_skeleton, format_time

from bot import i18n
from bot.clock import ManualClock
from bot.i18n import Translator, available_locales, babel_locale, language_name, match_locale
from bot.services import posting, typed_dates
from bot.vocab import outreach_language_name
from tests.conftest import start_bot, stop_bot
from tests.emulator import BotAPIEmulator
from tests.factories import make_org, make_shift
from tests.flows import onboard, tr

START = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)
SHIFT_AT = datetime(2026, 12, 9, 22, 0, tzinfo=UTC)
LA = ZoneInfo("America/Los_Angeles")
_CACHED = (
    i18n.available_locales,
    i18n.translations,
    i18n.locale_meta,
    i18n.babel_locale,
    i18n.match_locale,
    typed_dates.date_order,
    typed_dates._month_names,
    typed_dates._weekday_names,
    typed_dates._fillers,
    typed_dates._time_words,
    typed_dates._inner,
)


def _throwaway(root: Path, code: str, meta: str | None) -> None:
    source = (root / "ko" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    target = root / code / "LC_MESSAGES"
    target.mkdir(parents=True)
    (target / "messages.po").write_text(source.replace('"Language: ko\\n"', f'"Language: {code}\\n"'), "utf-8")
    if meta is not None:
        (root / code / "locale.toml").write_text(meta, encoding="utf-8")


@pytest.fixture(autouse=True)
def locales(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = tmp_path / "locales"
    shutil.copytree(i18n.LOCALES_DIR, root)
    _throwaway(root, "sm", 'formatting = "en_US"\nname = "Gagana Sāmoa"\n')
    _throwaway(root, "tvl", None)
    monkeypatch.setattr(i18n, "LOCALES_DIR", root)
    for cached in _CACHED:
        cached.cache_clear()
    yield root
    monkeypatch.undo()
    for cached in _CACHED:
        cached.cache_clear()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


def test_the_throwaway_locales_really_have_no_cldr_data() -> None:
    for code in ("sm", "tvl"):
        with pytest.raises(UnknownLocaleError):
            Locale.parse(code)
    assert {"sm", "tvl"} <= set(available_locales())


def test_formatting_follows_the_declared_locale_else_us_english() -> None:
    moment = datetime(2026, 11, 28, 2, 30, tzinfo=UTC)
    for code in ("sm", "tvl"):
        t = Translator(code, LA)
        assert t.babel == Locale.parse("en_US")
        shown = t.datetime(moment)
        assert format_time(moment, "short", tzinfo=LA, locale="en_US") in shown
        assert format_skeleton("MMMEd", moment.astimezone(LA), locale="en_US") in shown
        assert t.number(1500) == "1,500"
        assert t.zone(moment) and t.delta(timedelta(days=1)) and not t.is_rtl
        assert outreach_language_name(t, "ko") == "Korean"
    assert babel_locale("ko") == Locale.parse("ko")  # a known locale declares nothing and keeps its own


def test_names_and_telegram_codes() -> None:
    assert language_name("sm") == "Gagana Sāmoa"
    assert language_name("tvl") == "Tvl"  # nothing better is known: the code, not a crash
    assert match_locale("sm") == match_locale("sm-WS") == match_locale("SM") == "sm"
    assert match_locale("tvl") == "tvl"
    assert match_locale("xx-YY") is None


def test_typed_dates_and_times_read_in_the_formatting_locale() -> None:
    today = datetime(2026, 12, 1).date()
    assert posting.read_date("Dec 5", today, "sm") == datetime(2026, 12, 5).date()
    assert posting.read_time("6:30 PM", "sm").hour == 18


async def test_from_start_to_a_reminder(emulator: BotAPIEmulator, tmp_path: Path, clock: ManualClock) -> None:
    bot = await start_bot(emulator, tmp_path / "turnout.sqlite3", clock=clock)
    try:
        org = await make_org(bot.db)
        await make_shift(bot.db, org, title="Koreatown canvass", kind="canvass", starts=SHIFT_AT)
        sina = emulator.user(7301, "Sina", language_code="sm")
        await onboard(sina, "sm")  # Telegram's "sm" finds the catalog CLDR doesn't know
        assert tr("sm", "What would you like to do?") != "What would you like to do?"  # its own texts

        await sina.send("/language")
        picker = await sina.next_reply()
        assert "✓ Gagana Sāmoa" in picker.labels
        assert "한국어" in picker.labels  # the others keep CLDR's names
        await sina.send("/help")
        assert "/language — " + tr("sm", "Change the language") in (await sina.next_reply()).text

        await sina.send("/shifts")
        await sina.next_reply()
        await sina.press("1")
        card = await sina.next_reply()
        assert "Koreatown canvass" in card.text
        await sina.press("✅ " + tr("sm", "Sign up"))
        await sina.next_reply()
        await sina.next_reply()

        clock.set(SHIFT_AT - timedelta(hours=24))
        await bot.dispatch()
        reminder = await sina.next_reply()
        assert "Koreatown canvass" in reminder.text
        assert tr("sm", "Reminder: <b>{title}</b> starts {when}.").split("<b>")[0] in reminder.text
        # A US-English clock: the shift's two hours as en_US writes an interval.
        assert format_interval(SHIFT_AT, SHIFT_AT + timedelta(hours=2), "hm", tzinfo=LA, locale="en_US") in card.text
    finally:
        await stop_bot(bot)
    emulator.assert_no_errors()


async def test_someone_else_is_untouched_by_a_catalog_without_cldr(
    emulator: BotAPIEmulator, tmp_path: Path, clock: ManualClock
) -> None:
    bot = await start_bot(emulator, tmp_path / "turnout.sqlite3", clock=clock)
    try:
        ana = emulator.user(7302, "Ana", language_code="en")
        await ana.send("/language")
        picker = await ana.next_reply()
        assert {"Gagana Sāmoa", "Tvl", "English"} <= {label.removeprefix("✓ ") for label in picker.labels}
        await ana.press("Tvl")
        await ana.next_reply()  # "Done!", in the tvl catalog's texts
        await ana.next_reply()  # the consent
        await ana.send("/help")
        assert "/language — " + tr("tvl", "Change the language") in (await ana.next_reply()).text
    finally:
        await stop_bot(bot)
    emulator.assert_no_errors()


def test_outreach_language_names_that_read_badly_are_overridden() -> None:
    assert outreach_language_name(Translator("ko", LA), "hmn") == "몽족어"  # CLDR: 히몸어
    assert outreach_language_name(Translator("zh_Hans", LA), "hmn") == "赫蒙语"  # CLDR: 苗语
    assert outreach_language_name(Translator("zh_Hant", LA), "hmn") == "赫蒙語"
    assert outreach_language_name(Translator("ko", LA), "vi") == Locale.parse("ko").languages["vi"]


def test_a_borrowed_formatting_locale_says_how_long_until_in_its_own_words() -> None:
    # Hmong is formatted as en_US, but "in 2 hours" before a shift must not be English.
    t = Translator("hmn", ZoneInfo("America/Los_Angeles"))
    ahead = i18n.locale_meta("hmn").ahead
    assert t.delta(timedelta(hours=2)) == ahead["hour"].format("2")
    assert t.delta(timedelta(minutes=30)) == ahead["minute"].format("30")
    assert t.delta(timedelta(days=4)) == ahead["day"].format("4")
    english = Translator("en", ZoneInfo("America/Los_Angeles"))
    for span in (timedelta(hours=2), timedelta(minutes=30), timedelta(days=4), timedelta(weeks=3)):
        assert t.delta(span) != english.delta(span), span
