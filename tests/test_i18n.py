"""Locale resolution and formatting in the reader's locale and time zone."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel import Locale
from babel.dates import format_skeleton, format_time, format_timedelta, get_day_names, get_period_names
from babel.numbers import format_decimal

from bot.i18n import Translator, available_locales, language_name, locale_meta, match_locale, resolve_locale


@pytest.mark.parametrize(
    ("code", "locale"),
    [
        ("ko", "ko"), ("zh-hant", "zh_Hant"), ("zh-TW", "zh_Hant"), ("zh-HK", "zh_Hant"), ("zh", "zh_Hans"),
        ("zh-CN", "zh_Hans"), ("zh-hans", "zh_Hans"), ("tl", "fil"), ("fil", "fil"), ("en-US", "en"),
        ("es-MX", "es"), ("ur", "ur"), ("pa", "pa"), ("vi", "vi"),
        ("pt-br", None), ("xx", None), ("", None), (None, None), ("not a tag!", None),
    ],
)
def test_telegram_language_codes(code: str | None, locale: str | None) -> None:
    assert match_locale(code) == locale


def test_stored_choice_wins_then_telegram_then_default() -> None:
    assert resolve_locale("vi", "ko", "en") == "vi"
    assert resolve_locale(None, "ko", "en") == "ko"
    assert resolve_locale(None, "pt-br", "es") == "es"
    assert resolve_locale("gone", None, "en") == "en"  # a stored locale whose catalog was removed


def script_of(text: str) -> set[str]:
    """The Unicode scripts of a text's letters, by the first word of their character names."""
    return {unicodedata.name(ch).split()[0] for ch in text if ch.isalpha()}


def test_language_names_are_in_their_own_script() -> None:
    names = {code: language_name(code) for code in available_locales()}
    for code, name in names.items():
        autonym = locale_meta(code).name or Locale.parse(code).get_display_name(code)  # declared, else CLDR's
        assert name == autonym[:1].upper() + autonym[1:]  # capitalised as a menu label
    assert script_of(names["ko"]) == {"HANGUL"}
    assert script_of(names["ja"]) <= {"CJK", "HIRAGANA", "KATAKANA"}
    assert script_of(names["ur"]) == {"ARABIC"}
    assert script_of(names["th"]) == {"THAI"}
    assert script_of(names["vi"]) == script_of(names["es"]) == {"LATIN"}
    assert len(set(names.values())) == len(names)


# The same moment is Friday 18:30 in Los Angeles and Saturday 11:30 in Seoul. Expected texts come from Babel
# (so a CLDR update breaks nothing); what must hold is the reader's day, hour and clock convention.
MOMENT = datetime(2026, 11, 28, 2, 30, tzinfo=UTC)
READERS = [("en", "America/Los_Angeles", 4, "6:30"), ("ko", "Asia/Seoul", 5, "11:30"),
           ("vi", "Asia/Ho_Chi_Minh", 5, "09:30"), ("hi", "Asia/Kolkata", 5, "8:00")]


@pytest.mark.parametrize(("locale", "zone", "weekday", "clock"), READERS)
def test_dates_in_the_readers_locale_and_zone(locale: str, zone: str, weekday: int, clock: str) -> None:
    t = Translator(locale, ZoneInfo(zone))
    local = MOMENT.astimezone(ZoneInfo(zone))
    shown = t.datetime(MOMENT)
    assert format_time(local, "short", locale=locale) in shown
    assert format_skeleton("MMMEd", local, locale=locale) in shown
    assert get_day_names("abbreviated", locale=locale)[weekday] in shown  # the reader's day, in their language
    assert clock in shown  # the reader's hour, on their locale's clock
    for other_locale, other_zone, *_ in READERS:
        if other_zone != zone:
            assert format_time(MOMENT, "short", tzinfo=ZoneInfo(other_zone), locale=locale) not in shown
        if other_locale != locale:
            assert get_day_names("abbreviated", locale=other_locale)[weekday] not in shown


def test_twelve_or_twenty_four_hours_as_the_locale_writes_them() -> None:
    evening = datetime(2026, 11, 28, 18, 30, tzinfo=UTC)
    for locale in ("en", "ko", "vi", "ja", "es"):
        t = Translator(locale, ZoneInfo("UTC"))
        shown = t.time(evening)
        twelve_hour = "h" in t.babel.time_formats["short"].pattern  # es reads as es_US: 12 hours
        assert ("6:30" in shown and "18:30" not in shown) if twelve_hour else "18:30" in shown
        if twelve_hour:
            assert get_period_names("abbreviated", "format", t.babel)["pm"] in shown  # 오후, PM: the locale's own word


def test_numbers_and_spans_in_the_readers_locale() -> None:
    en = Translator("en", ZoneInfo("America/Los_Angeles"))
    hi = Translator("hi", ZoneInfo("UTC"))
    assert en.number(1240) == format_decimal(1240, locale="en")
    assert hi.number(1240000) == format_decimal(1240000, locale="hi")
    assert hi.number(1240000) != en.number(1240000)  # Indian grouping (lakhs), not thousands
    assert en.delta(timedelta(hours=2)) == format_timedelta(timedelta(hours=2), add_direction=True, locale="en")
    assert "2" in en.delta(timedelta(hours=2))


def test_rtl_is_known() -> None:
    assert Translator("ur", ZoneInfo("UTC")).is_rtl
    assert not Translator("en", ZoneInfo("UTC")).is_rtl
