"""Formatting that reads natural (issue 12 item 4), all in the Translator: the locale's list pattern, CLDR
intervals for time ranges, language names cased as a sentence writes them, Spanish as US Spanish, days
near by name in reminders, and an in-person shift's own time first when the reader lives elsewhere.

Expected values are computed with Babel here the way CLDR defines them, never written out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel import Locale
from babel.dates import format_interval, format_time, format_timedelta, get_relative_name, get_timezone_name
from babel.lists import format_list

from bot.db import Database
from bot.i18n import Translator, available_locales, language_in_sentence, language_name
from bot.store import shifts
from bot.vocab import outreach_language_name
from handlers import shift_views
from handlers.roster_views import LANGUAGES_SHOWN, language_names
from tests.factories import make_org, make_shift

LA = ZoneInfo("America/Los_Angeles")
NY = ZoneInfo("America/New_York")
START = datetime(2026, 12, 9, 22, 0, tzinfo=UTC)  # Wednesday 14:00 in Los Angeles, 17:00 in New York
END = START + timedelta(hours=2)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "t.sqlite3")
    await database.migrate()
    yield database
    await database.close()


@pytest.mark.parametrize("locale", available_locales())
def test_lists_follow_the_locales_pattern(locale: str) -> None:
    t = Translator(locale, LA)
    items = ["한국어", "Tiếng Việt", "اردو"]
    if t.babel.language == locale.split("_")[0]:  # a borrowed locale's pattern is another language's words
        assert t.listing(items) == format_list(items, locale=t.babel)
    assert t.listing(iter(items[:1])) == items[0]
    assert t.listing([]) == ""


@pytest.mark.parametrize("locale", ["ja", "zh_Hant", "ur", "my", "en"])
def test_a_list_that_goes_on_takes_the_locales_separator_without_its_and(locale: str) -> None:
    t = Translator(locale, LA)
    middle = Locale.parse(locale).list_patterns["standard"]["middle"]
    assert t.separated(["A", "B", "C"]) == middle.format(middle.format("A", "B"), "C")
    assert t.separated(["A"]) == "A" and t.separated([]) == ""
    # the roster's column of languages someone speaks, with how many more there are
    codes = ("ko", "vi", "tl", "hi", "ur", "bn")
    names = language_names(t, codes)
    assert names.endswith(f" +{t.number(len(codes) - LANGUAGES_SHOWN)}")
    assert middle.format("", "").strip() in names


def test_a_borrowed_formatting_locale_lends_no_words_to_lists() -> None:
    hmn = Translator("hmn", LA)
    assert hmn.babel.language == "en"  # Hmong is written the US English way, but not in English words
    listed = hmn.listing(["Lus Kaus Lis", "Lus Nyab Laj", "Lus Hmoob"])
    assert listed.split(", ") == ["Lus Kaus Lis", "Lus Nyab Laj", "Lus Hmoob"]


def test_language_names_in_a_list_read_as_a_sentence_writes_them() -> None:
    es, vi, ko = Translator("es", LA), Translator("vi", LA), Translator("ko", LA)
    assert outreach_language_name(es, "ko", sentence=True) == Locale.parse("es_US").languages["ko"]  # "coreano"
    assert outreach_language_name(es, "ko")[0].isupper()  # a button label stays capitalised
    assert outreach_language_name(es, "cmn", sentence=True)[0].islower()  # "mandarín", like CLDR's "chino"
    named = outreach_language_name(vi, "ko", sentence=True)
    assert named[0].islower() and named[1:] == outreach_language_name(vi, "ko")[1:]  # "tiếng Hàn"
    assert outreach_language_name(ko, "hmn", sentence=True) == outreach_language_name(ko, "hmn")  # overrides stay


def test_chinese_japanese_and_urdu_lists_use_their_own_commas() -> None:
    for locale, comma in (("zh_Hans", "、"), ("ja", "、"), ("ur", "،")):
        pattern = Translator(locale, LA).babel.list_patterns["standard"]["middle"]
        assert comma in pattern  # what CLDR says, checked before relying on it
        assert comma in Translator(locale, LA).listing(["A", "B", "C"])
        assert ", " not in Translator(locale, LA).listing(["A", "B", "C"])


@pytest.mark.parametrize("locale", available_locales())
def test_a_shifts_hours_are_one_cldr_interval(locale: str) -> None:
    t = Translator(locale, LA)
    clock = "hm" if "h" in t.babel.time_formats["short"].pattern else "Hm"
    shown = t.span(START, END)
    assert t.weekday_date(START) in shown and t.zone(START) in shown
    try:
        interval = format_interval(START, END, clock, tzinfo=LA, locale=t.babel)
    except NotImplementedError:  # Babel can't split zh_Hant's flexible day periods (下午): both ends in full
        assert t.time(START) in shown and t.time(END) in shown
        return
    assert interval in shown
    if clock == "hm":  # "2:00 – 4:00 PM": the day period is not said twice when CLDR says it once
        period = format_time(START, "a", tzinfo=LA, locale=t.babel)
        assert shown.count(period) == interval.count(period)


def test_vietnamese_keeps_the_range_together_in_its_own_order() -> None:
    t = Translator("vi", LA)
    shown = t.span(START, END)
    times = format_interval(START, END, "Hm", tzinfo=LA, locale="vi")
    # CLDR's Vietnamese puts the time before the date ({0} {1}); the whole range comes before it, not
    # "14:00 Thứ 4, 9 thg 12 – 16:00".
    assert Locale.parse("vi").datetime_formats["medium"].index("{0}") < Locale.parse("vi").datetime_formats[
        "medium"
    ].index("{1}")
    assert shown.startswith(times + " " + t.weekday_date(START))


def test_a_span_past_midnight_shows_both_dates() -> None:
    t = Translator("en", LA)
    late = START + timedelta(hours=9)  # 23:00 to 01:00
    shown = t.span(late, late + timedelta(hours=2))
    assert t.weekday_date(late) in shown and t.weekday_date(late + timedelta(hours=2)) in shown


def test_language_names_inside_a_sentence() -> None:
    es = language_in_sentence("es")
    assert es == Locale.parse("es").get_display_name("es")  # CLDR's own, mid-sentence form: "español"
    assert es[0].islower() and language_name("es")[0].isupper()  # the menu label is capitalised
    vi = language_in_sentence("vi")
    assert vi[0].islower() and vi[1:] == language_name("vi")[1:]  # "bằng tiếng Việt"
    assert Translator("es", LA).language == es
    assert language_in_sentence("hmn") == language_name("hmn")  # the declared name, a proper noun
    for locale in ("ko", "ur", "my", "ja"):  # scripts without case are untouched
        assert language_in_sentence(locale) == language_name(locale)


def test_spanish_readers_read_us_spanish() -> None:
    t = Translator("es", LA)
    assert t.babel == Locale.parse("es_US")
    assert t.time(START) == format_time(START, "short", tzinfo=LA, locale="es_US")
    assert "h" in Locale.parse("es_US").time_formats["short"].pattern  # a 12-hour clock
    winter = START.astimezone(LA)
    assert t.zone(START) == get_timezone_name(winter, width="short", locale="es_US")  # PST, not -0800
    assert not t.zone(START).startswith(("-", "+", "GMT"))


@pytest.mark.parametrize("locale", ["en", "ko", "vi", "es", "ur", "my", "ja", "zh_Hans", "th"])
def test_the_day_before_says_tomorrow_at_the_time(locale: str) -> None:
    t = Translator(locale, LA)
    said = t.starts(START, START - timedelta(hours=24))
    assert get_relative_name("day", 1, locale=t.babel) in said  # tomorrow, 내일, ngày mai
    assert t.time(START) in said
    assert format_timedelta(timedelta(days=1), add_direction=True, locale=t.babel) not in said  # never "in 1 day"


def test_close_starts_count_hours_and_far_ones_days() -> None:
    t = Translator("ko", LA)
    assert t.starts(START, START - timedelta(hours=2)) == t.delta(timedelta(hours=2))  # 2시간 후
    assert get_relative_name("day", 0, locale="ko") in t.starts(START, START - timedelta(hours=8))  # today
    assert get_relative_name("day", 2, locale="ko") in t.starts(START, START - timedelta(hours=48))  # 모레
    en = Translator("en", LA)
    assert en.starts(START, START - timedelta(days=4)) == en.delta(timedelta(days=4))  # no name for it


def test_the_day_is_the_readers_own() -> None:
    """Asked at 23:00 in New York of a 20:00 start in Los Angeles the next evening (23:00 New York): tomorrow."""
    start = datetime(2026, 12, 10, 4, 0, tzinfo=UTC)  # Wed 20:00 LA = Wed 23:00 NY
    now = start - timedelta(hours=24)
    assert get_relative_name("day", 1, locale="en") in Translator("en", NY).starts(start, now)


def test_hmong_days_near_come_from_its_own_declaration() -> None:
    t = Translator("hmn", LA)
    said = t.starts(START, START - timedelta(hours=24))
    assert get_relative_name("day", 1, locale="en") not in said  # not the formatting locale's English
    assert said.endswith(t.time(START))


async def test_an_in_person_shift_elsewhere_shows_its_own_time_first(db: Database) -> None:
    org = await make_org(db)
    in_person = await shifts.get(db, await make_shift(db, org, starts=START))
    online = await shifts.get(db, await make_shift(db, org, starts=START, online_url="https://meet.example.org/x"))
    assert in_person is not None and online is not None
    reader, there = Translator("en", NY), Translator("en", LA)
    shown = shift_views.when(reader, in_person)
    assert shown.startswith(there.span(START, END))  # Los Angeles first
    own = format_interval(START, END, "hm", tzinfo=NY, locale="en")
    assert own in shown and shown.index(own) > len(there.span(START, END))  # theirs after, in brackets
    assert reader.zone(START) in shown and there.zone(START) in shown
    assert shift_views.when(reader, online) == reader.span(START, END)  # online: their own clock only
    assert shift_views.when(there, in_person) == there.span(START, END)  # the same zone: said once
