"""Typed dates and times in every locale: the reader's date order, the bot's own formats read back (made
by Babel here, whatever its CLDR release writes), any script's digits, evening and morning words, and
examples that read as what they show."""

from __future__ import annotations

import tomllib
import unicodedata
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date

from bot.i18n import Translator, available_locales
from bot.services import typed_dates
from bot.services.invalid import Invalid
from bot.services.typed_dates import Ambiguous, read_date, read_datetime, read_shift_date, read_time

LA = ZoneInfo("America/Los_Angeles")
TODAY = date(2026, 11, 20)
LOCALES = available_locales()
# Days either side of 12, so a reading in the wrong order can't pass by chance.
DAYS = (date(2026, 12, 5), date(2027, 3, 14), date(2027, 1, 2), date(2026, 11, 30))
TIMES = (time(18, 30), time(9, 5), time(12, 0), time(0, 15), time(23, 45))
DIGITS = {  # the decimal digits people type in these scripts, named so the test shows which
    "ARABIC-INDIC": "Arabic", "EXTENDED ARABIC-INDIC": "Urdu", "DEVANAGARI": "Hindi, Nepali", "BENGALI": "Bengali",
    "GUJARATI": "Gujarati", "GURMUKHI": "Punjabi", "THAI": "Thai", "KHMER": "Khmer", "FULLWIDTH": "CJK",
}


def native(text: str, script: str) -> str:
    zero = unicodedata.lookup(f"{script} DIGIT ZERO")
    return text.translate({ord(str(n)): chr(ord(zero) + n) for n in range(10)})


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=LA)


def read(reader: object, *args: object) -> object:
    try:
        return reader(*args)  # type: ignore[operator]
    except Invalid as exc:
        return f"refused: {exc.message} {exc.params}"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_date_the_bot_shows_reads_back_as_itself(locale: str) -> None:
    t = Translator(locale, LA)
    for day in DAYS:
        shown = {
            "weekday": t.weekday_date(noon(day)), "medium": t.date(noon(day)), "short": t.date(noon(day), "short"),
            "long": t.date(noon(day), "long"), "month and day": t.month_day(day),
            "with its year": typed_dates.full_day(t, day),
        }
        for form, text in shown.items():
            assert read(read_date, text, TODAY, locale) == day, (form, text)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_time_and_date_with_time_the_bot_shows_reads_back(locale: str) -> None:
    t = Translator(locale, LA)
    for clock in TIMES:
        moment = datetime.combine(DAYS[0], clock, tzinfo=LA)
        assert read(read_time, t.time(moment), locale) == clock, t.time(moment)
        assert read(read_datetime, t.datetime(moment), TODAY, locale) == (DAYS[0], clock), t.datetime(moment)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_examples_in_prompts_read_as_what_they_show(locale: str) -> None:
    t = Translator(locale, LA)
    for day in DAYS:
        for example in typed_dates.date_examples(t, day):
            assert read(read_date, example, TODAY, locale) == day, example
        for example in typed_dates.datetime_examples(t, day):
            assert read(read_datetime, example, TODAY, locale) == (day, time(18)), example
    examples = typed_dates.time_examples(t)
    assert len(examples) >= 2 and examples[0] == t.time(datetime.combine(DAYS[0], time(18, 30), tzinfo=LA))
    for example in examples:
        assert read(read_time, example, locale) == time(18, 30), example


@pytest.mark.parametrize("locale", LOCALES)
def test_numeric_dates_follow_the_locales_short_date_order(locale: str) -> None:
    # The order is CLDR's: whatever Babel writes as the short date (5/12/26, 12/5/26, 26. 12. 5.) reads back,
    # and without the year, day and month in that same order.
    for day in DAYS:
        short = format_date(day, "short", locale=Translator(locale, LA).babel)
        assert read_date(short, TODAY, locale) == day, short
    order = typed_dates.date_order(locale)
    pattern = Translator(locale, LA).babel.date_formats["short"].pattern
    assert pattern.index("d") < pattern.index("M") if order == "DMY" else pattern.index("M") < pattern.index("d")


def test_twelve_five_is_12_may_to_a_day_first_reader_and_december_5_to_a_month_first_one() -> None:
    for locale in ("vi", "th", "es", "hi", "bn", "ur", "km"):
        assert read_date("12/5", TODAY, locale) == date(2027, 5, 12), locale
        assert read_date("5/12", TODAY, locale) == date(2026, 12, 5), locale
    for locale in ("en", "fil", "zh_Hans", "zh_Hant", "ja", "ko"):
        assert read_date("12/5", TODAY, locale) == date(2026, 12, 5), locale


@pytest.mark.parametrize("script", DIGITS)
def test_dates_and_times_in_any_scripts_digits(script: str) -> None:
    for locale in ("en", "vi", "bn", "ur", "th", "km", "hi"):
        t = Translator(locale, LA)
        moment = datetime.combine(DAYS[0], time(18, 30), tzinfo=LA)
        assert read_date(native(typed_dates.numeric_date(locale, DAYS[0]), script), TODAY, locale) == DAYS[0]
        assert read_date(native(t.weekday_date(moment), script), TODAY, locale) == DAYS[0]
        assert read_time(native(t.time(moment), script), locale) == time(18, 30)


def test_a_date_is_never_read_silently_the_other_way() -> None:
    for locale, typed in (("en", "13/5"), ("vi", "5/13"), ("es", "5/13/2027")):
        with pytest.raises(Ambiguous) as caught:
            read_date(typed, TODAY, locale)
        assert caught.value.days == (date(2027, 5, 13),), locale
        assert caught.value.settled is not None and "month" in caught.value.settled.message
    # A year-first order says nothing about a date typed with the year last: both readings are asked.
    with pytest.raises(Ambiguous) as caught:
        read_date("5/12/2027", TODAY, "zh_Hans")
    assert set(caught.value.days) == {date(2027, 5, 12), date(2027, 12, 5)}
    assert read_date("5/5/2027", TODAY, "ja") == date(2027, 5, 5)  # both readings are the same day
    assert read_date("25/12/2026", TODAY, "ko") == date(2026, 12, 25)  # only one is a date


def test_a_shift_date_offers_only_days_a_shift_can_be_on() -> None:
    with pytest.raises(Ambiguous) as caught:
        read_shift_date("5/12/2027", TODAY, "ja")
    assert caught.value.days == (date(2027, 5, 12), date(2027, 12, 5))
    with pytest.raises(Invalid) as refused:
        read_shift_date("13/11/2026", TODAY, "en")  # November 13 has passed; month 13 doesn't exist
    assert not isinstance(refused.value, Ambiguous) and "month" in refused.value.message
    assert read(read_date, "31/02", TODAY, "en") == read(read_date, "31/02", TODAY, "vi")  # "no February 31"


def test_thai_buddhist_era_years_and_the_bots_thai_time() -> None:
    t = Translator("th", LA)
    assert read_date("5/12/2569", TODAY, "th") == date(2026, 12, 5)
    assert read_date(f"{t.month_day(date(2026, 12, 5))} พ.ศ. 2569", TODAY, "th") == date(2026, 12, 5)
    assert read_date(f"{t.month_day(date(2026, 12, 5))} 2026", TODAY, "th") == date(2026, 12, 5)
    assert read_time("18:30 น.", "th") == read_time("18.30 น.", "th") == time(18, 30)
    assert read_time("1 ทุ่ม", "th") == time(19, 0)


@pytest.mark.parametrize(
    ("locale", "typed", "expected"),
    [
        ("ur", "شام 6:30", time(18, 30)), ("hi", "शाम 6:30", time(18, 30)), ("hi", "सुबह 9 बजे", time(9, 0)),
        ("fil", "6:30 ng gabi", time(18, 30)), ("fil", "alas-7 ng umaga", time(7, 0)),
        ("ko", "저녁 6시", time(18, 0)), ("ko", "새벽 2시 30분", time(2, 30)), ("zh_Hans", "下午6点", time(18, 0)),
        ("zh_Hans", "晚上6点半", time(18, 30)), ("zh_Hant", "凌晨2:00", time(2, 0)), ("vi", "6:30 tối", time(18, 30)),
        ("vi", "11 giờ đêm", time(23, 0)), ("vi", "2 giờ đêm", time(2, 0)), ("bn", "সন্ধ্যা ৬টা", time(18, 0)),
        ("es", "a las 6:30 de la tarde", time(18, 30)), ("es", "10 de la noche", time(22, 0)),
        ("ja", "午後6時半", time(18, 30)), ("km", "៦:៣០ ល្ងាច", time(18, 30)), ("ne", "बेलुका ६:३०", time(18, 30)),
        ("gu", "સાંજે 6:30", time(18, 30)), ("pa", "ਸ਼ਾਮ 6:30", time(18, 30)), ("en", "6:30 in the evening", time(18, 30)),
    ],
)
def test_evening_and_morning_words(locale: str, typed: str, expected: time) -> None:
    assert read_time(typed, locale) == expected


def test_every_word_in_the_table_means_what_it_says() -> None:
    with typed_dates.WORDS_FILE.open("rb") as fp:
        table = tomllib.load(fp)
    expected = {"am": (time(6, 30), time(6, 30)), "pm": (time(18, 30), time(18, 30)),
                "night": (time(23, 30), time(2, 30))}
    for locale, entry in table.items():
        reader = "en" if locale == "any" else locale
        for kind, (late, early) in expected.items():
            hours = (11, 2) if kind == "night" else (6, 6)
            for word in entry.get(kind, []):
                assert read_time(f"{word} {hours[0]}:30", reader) == late, (locale, word)
                assert read_time(f"{hours[1]}:30 {word}", reader) == early, (locale, word)
        for word in entry.get("hour", []):
            assert read_time(f"18{word}30", reader) == time(18, 30), (locale, word)


def test_nonsense_and_impossible_times_are_refused_with_examples() -> None:
    for typed in ("25:00", "6:61", "soon", "tối sáng 6", "13 tối"):
        with pytest.raises(Invalid) as caught:
            read_time(typed, "vi")
        if "{examples}" in caught.value.message:
            assert isinstance(caught.value.params["examples"], typed_dates.TimeExamples)
    with pytest.raises(Invalid) as caught:
        read_date("someday", TODAY, "vi")
    assert caught.value.params["examples"] == typed_dates.DateExamples(TODAY + typed_dates.EXAMPLE_AHEAD, iso=True)
