"""Dates and times as coordinators type them, read the way their locale writes them, and the examples
the prompts show (made by the same formatters as the bot's own dates, so an example reads back as itself).

Numeric dates follow the reader's CLDR short-date order: "12/5" is 12 May for a day-first reader (vi, th,
es, hi…) and December 5 for a month-first one (en, fil) or a year-first one (zh, ja, ko, ne). A date is
never read silently the other way: when the reader's order gives no real date but the other does (5/13
day-first), or when the order can't tell (a year-first reader typing 5/12/2026), `Ambiguous` names the
readings and the dialogue asks which one was meant. The bot's own output is read back: weekdays ("Sat,
Dec 5", "12月5日(土)"), Korean 2026. 12. 5., Thai "18:30 น." and Buddhist-era years, any script's
digits. Words around a time (evening, o'clock…) come from CLDR and from locales/typed_times.toml.
"""

from __future__ import annotations

import calendar
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from babel.dates import format_skeleton, get_day_names, get_month_names
from babel.lists import format_list

from bot.i18n import LOCALES_DIR, N_, Translator, babel_locale
from bot.services.invalid import Invalid, MonthName, Shown
from bot.text import ZERO_WIDTH, fold_digits

TYPED_MAX = 80  # characters: no date, time or length is longer, and longer text is not worth parsing
DAYS_AHEAD_MAX = 2 * 366
WORDS_FILE = LOCALES_DIR / "typed_times.toml"
EXAMPLE_AHEAD = timedelta(days=7)  # the day the examples show: a plausible next shift
EXAMPLE_TIME = time(18, 30)
_INVISIBLE = ZERO_WIDTH + "\u200e\u200f\u061c\ufeff\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d\u202e"


@cache
def _table() -> dict[str, dict[str, Any]]:
    with WORDS_FILE.open("rb") as fp:
        return tomllib.load(fp)


def _entry(locale: str) -> dict[str, Any]:
    """The table's section for the locale, else for its language (zh_Hant → zh_Hant, pt_BR → pt)."""
    table = _table()
    return table.get(locale) or table.get(locale.split("_")[0]) or {}


def _words(locale: str, key: str) -> list[str]:
    return [*_entry(locale).get(key, []), *_table().get("any", {}).get(key, [])]


# --- what the examples show ------------------------------------------------------------------------------


@cache
def date_order(locale: str) -> str:
    """'DMY', 'MDY' or 'YMD': the order of the reader's CLDR short date (d/M/yy, M/d/yy, y/M/d)."""
    pattern = babel_locale(locale).date_formats["short"].pattern
    positions = {key: min((pattern.find(c) for c in chars if c in pattern), default=99)
                 for key, chars in (("D", "d"), ("M", "ML"), ("Y", "yu"))}
    return "".join(sorted(positions, key=positions.__getitem__))[:3] if positions["Y"] < 99 else "MDY"


def numeric_date(locale: str, day: date) -> str:
    """'5/12' or '12/5', in the reader's order, without the year."""
    return f"{day.day}/{day.month}" if date_order(locale).startswith("D") else f"{day.month}/{day.day}"


def _noon(t: Translator, day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=t.tz)


def full_day(t: Translator, day: date) -> str:
    """A day with its weekday and year, as a question about which date was meant shows it."""
    return format_skeleton("yMMMEd", _noon(t, day), locale=t.babel)


def date_examples(t: Translator, day: date) -> list[str]:
    """How the reader can type `day`: numerically in their order, and as the bot writes it ('Dec 5')."""
    return [numeric_date(t.locale, day), t.month_day(day)]


def time_examples(t: Translator) -> list[str]:
    """How the reader can type 18:30: as the bot shows times to them, then the table's ways for the locale."""
    own = t.time(datetime.combine(date(2026, 1, 15), EXAMPLE_TIME, tzinfo=t.tz))
    return list(dict.fromkeys([own, *(_entry(t.locale).get("examples") or ["18:30"])]))


def datetime_examples(t: Translator, day: date) -> list[str]:
    clock = t.time(datetime.combine(day, time(18), tzinfo=t.tz))
    return [f"{t.month_day(day)} {clock}", f"{day.isoformat()} 18:00"]


def either(t: Translator, items: list[str]) -> str:
    """'a, b or c' as the reader's language lists alternatives."""
    return format_list(items, style="or", locale=t.babel)


@dataclass(frozen=True)
class DateExamples(Shown):
    day: date
    iso: bool = False

    def shown_to(self, t: Translator) -> str:
        return either(t, date_examples(t, self.day) + ([self.day.isoformat()] if self.iso else []))


@dataclass(frozen=True)
class TimeExamples(Shown):
    def shown_to(self, t: Translator) -> str:
        return either(t, time_examples(t))


@dataclass(frozen=True)
class DateTimeExamples(Shown):
    day: date

    def shown_to(self, t: Translator) -> str:
        return either(t, datetime_examples(t, self.day))


@dataclass(frozen=True)
class ShownDates(Shown):
    days: tuple[date, ...]

    def shown_to(self, t: Translator) -> str:
        return either(t, [full_day(t, d) for d in self.days])


@dataclass(frozen=True)
class NamedDate(Shown):
    day: date

    def shown_to(self, t: Translator) -> str:
        return t.month_day(self.day)


# --- dates ----------------------------------------------------------------------------------------------

UNREADABLE_DATE = N_("I couldn't read that date. Type it like {examples}.")
AMBIGUOUS_DATE = N_(
    "Which date do you mean by “{typed}”: {dates}? Type it with the month's name, for example {example}."
)
_NO_MONTH = N_("There is no month {month}: months go from 1 to 12.")
_NUMERIC_DATE = re.compile(r"(\d{1,4})[-/.](\d{1,2})(?:[-/.](\d{1,4}))?")
_CJK_DATE = re.compile(r"(?:(\d{4})\s*[년年]\s*)?(\d{1,2})\s*[월月]\s*(\d{1,2})\s*[일日号號]?")
_DAY_TOKEN = re.compile(r"(\d{1,4})(?:st|nd|rd|th|일|日)?")
_FILLERS = frozenset({"of", "the", "le"})  # and each locale's date_words: "5 de diciembre", "ngày 5 tháng 12"
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+")
_BRACKETED = re.compile(r"[(（]\s*[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+\s*[)）]")  # (土), (토)


class Ambiguous(Invalid):
    """A numeric date the reader's order doesn't settle: `days` are the real dates it can be (one or two),
    `settled` the problem of the reading in the reader's own order, when there was one; `clock`, the time
    typed with it, when one was ('5/12 18:30'), so whoever asks which date was meant keeps it."""

    def __init__(
        self, typed: str, days: tuple[date, ...], settled: Invalid | None = None, clock: time | None = None
    ) -> None:
        super().__init__(AMBIGUOUS_DATE, "date", typed=typed, dates=ShownDates(days), example=NamedDate(days[0]))
        self.typed, self.days, self.settled, self.clock = typed, days, settled, clock


def _unreadable(today: date) -> Invalid:
    return Invalid(UNREADABLE_DATE, "date", examples=DateExamples(today + EXAMPLE_AHEAD, iso=True))


# Punctuation that only separates the parts of a written date, in any script ("ဒီ 5၊ စနေ", "5، دسمبر"):
# every Unicode punctuation mark but those that join a numeric date or a time.
_KEPT_PUNCTUATION = frozenset("-/:'")


def _fold(text: str) -> str:
    spaced = "".join(
        " " if unicodedata.category(ch).startswith("P") and ch not in _KEPT_PUNCTUATION else ch
        for ch in text.lower()
    )
    return " ".join(spaced.split())


# A letter of a word, counting the vowel signs and viramas of Brahmic scripts, Thai and Khmer (combining
# marks, which `\w` leaves out: "र" must not match inside "मार्च"). Digits are folded to ASCII before.
_LETTER = r"(?:[^\W\d_]|[\u0300-\u036f\u0900-\u0dff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff])"


def _pattern(name: str, where: str = "") -> re.Pattern[str]:
    """The name as a whole word ("mar" not inside "march"), anywhere or only at the start or end. Names
    in scripts written without spaces (CJK) need no word edge, but only when longer than one character:
    日 and 月 are also parts of a date."""
    if _CJK.fullmatch(name.replace(" ", "")):
        before, after = "", ""
    else:
        before, after = rf"(?<!{_LETTER})", rf"(?!{_LETTER})"
    core = re.escape(name)
    if where == "start":
        return re.compile(rf"^{core}{after}")
    if where == "end":
        return re.compile(rf"{before}{core}$")
    return re.compile(rf"{before}{core}{after}")


@cache
def _month_names(locale: str) -> tuple[tuple[re.Pattern[str], int], ...]:
    """Month names (wide and short) in the reader's language and English, longest first; also without
    their abbreviation marks ('ธค' for ธ.ค., 'दिस' for दिस॰)."""
    names: dict[str, int] = {}
    for loc in dict.fromkeys((locale, "en")):
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, babel_locale(loc)).items():
                    for variant in (name, name.replace(".", "").replace("॰", "")):
                        folded = _fold(fold_digits(variant))
                        if folded and not folded.isdigit():
                            names.setdefault(folded, number)
    names.setdefault("sept", 9)
    ordered = sorted(names.items(), key=lambda item: -len(item[0]))
    return tuple((_pattern(name), n) for name, n in ordered)


@cache
def _weekday_names(locale: str) -> tuple[re.Pattern[str], ...]:
    """Weekday names in the reader's language and English, longest first, at the start or the end of a
    date, where the bot writes them ('Sat, Dec 5', 'Thứ 7, 5 thg 12', '12月5日周六'); (土) is taken off
    apart."""
    names: set[str] = set()
    for loc in dict.fromkeys((locale, "en")):
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for name in get_day_names(width, context, babel_locale(loc)).values():
                    folded = _fold(fold_digits(name))
                    if folded and not (_CJK.fullmatch(folded) and len(folded) == 1):
                        names.add(folded)
    ordered = sorted(names, key=len, reverse=True)
    return tuple(_pattern(name, where) for name in ordered for where in ("start", "end"))


@cache
def _fillers(locale: str) -> re.Pattern[str]:
    words = {_fold(w) for w in _words(locale, "date_words")} | _FILLERS
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![^\W\d_])(?:{alternatives})(?![^\W\d_])")


def _year(value: int, locale: str) -> int:
    """A typed year: two digits are this century; a Buddhist-era year (Thai 2569) is its Gregorian one."""
    offset = int(_entry(locale).get("era_offset") or 0)
    if offset and value >= 1970 + offset:
        return value - offset
    return value + 2000 if value < 100 else value


def _complete(year: int | None, month: int, day: int, today: date) -> date:
    """The date, with the year of its next occurrence when none was given; explains an impossible one."""
    if year is None:
        year = today.year + (1 if (month, day) < (today.month, today.day) else 0)
    if not 1 <= month <= 12:
        raise Invalid(_NO_MONTH, "date", month=month)
    if not 1970 <= year <= 9998:
        raise _unreadable(today)
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise Invalid(
            N_("There is no {month} {day}: that month has {days} days."),
            "date", month=MonthName(month), day=day, days=days,
        )
    return date(year, month, day)


def _maybe(year: int | None, month: int, day: int, today: date) -> date | None:
    try:
        return _complete(year, month, day, today)
    except Invalid:
        return None


def _numeric(m: re.Match[str], typed: str, today: date, locale: str) -> date:
    """'12/5', '12/5/2026', '26. 12. 5.', '2026-12-05' in the reader's order (see the module's docstring)."""
    first, second, third = m[1], m[2], m[3]
    order = date_order(locale)
    if len(first) > 2 or (third is not None and order == "YMD" and len(third) <= 2):
        if third is None:  # a year and one number
            raise _unreadable(today)
        return _complete(_year(int(first), locale), int(second), int(third), today)
    if third is not None and len(third) not in (2, 4):
        raise _unreadable(today)
    year = _year(int(third), locale) if third else None
    a, b = int(first), int(second)
    mine, other = ((b, a), (a, b)) if order == "DMY" else ((a, b), (b, a))
    if third is not None and order == "YMD":  # the year last: a year-first order says nothing of the rest
        readings = tuple(dict.fromkeys(d for d in (_maybe(year, *mine, today), _maybe(year, *other, today)) if d))
        if len(readings) == 1:
            return readings[0]
        if readings:
            raise Ambiguous(typed, readings)
        return _complete(year, *mine, today)
    try:
        return _complete(year, *mine, today)
    except Invalid as problem:
        if mine == other:
            raise
        try:
            swapped = _complete(year, *other, today)
        except Invalid as other_problem:
            # 31/02 to a month-first reader: "no February 31" says more than "no month 31".
            raise (other_problem if problem.message == _NO_MONTH and other_problem.message != _NO_MONTH
                   else problem) from None
        raise Ambiguous(typed, (swapped,), problem) from None


def _named(folded: str, today: date, locale: str) -> date | None:
    """'Dec 5', '5 de diciembre', '5 thg 12, 2026', 'ngày 5 tháng 12': a month's name and one or two numbers."""
    for pattern, month in _month_names(locale):
        found = pattern.search(folded)
        if found is None:
            continue
        rest = _fillers(locale).sub(" ", folded[: found.start()] + " " + folded[found.end() :]).split()
        numbers = [_DAY_TOKEN.fullmatch(token) for token in rest]
        if not 1 <= len(numbers) <= 2 or not all(numbers):
            return None
        values = [int(n[1]) for n in numbers if n]
        years = [v for v in values if v > 31]
        days = [v for v in values if v <= 31]
        if len(days) != 1 or len(years) > 1:
            return None
        return _complete(_year(years[0], locale) if years else None, month, days[0], today)
    return None


def _read(cleaned: str, typed: str, today: date, locale: str) -> date | None:
    if m := _NUMERIC_DATE.fullmatch(cleaned):
        return _numeric(m, typed, today, locale)
    if m := _CJK_DATE.fullmatch(cleaned):
        return _complete(_year(int(m[1]), locale) if m[1] else None, int(m[2]), int(m[3]), today)
    return _named(_fold(cleaned), today, locale)


def _clean_date(text: str) -> str:
    s = "".join(ch for ch in fold_digits(text) if ch not in _INVISIBLE)
    s = " ".join(unicodedata.normalize("NFC", s).split()).strip(" ,")
    s = re.sub(r"\s*([-/.])\s*(?=\d)", r"\1", s)  # '2026. 12. 5.' → '2026.12.5.'
    return s.rstrip(".").strip(" ,")


def read_date(text: str, today: date, locale: str = "en") -> date:
    """'2026-12-05', '12/5' (in the reader's order), '12/5/2026', 'Dec 5', '5 Dec', '12월 5일', 'Sat, Dec 5'."""
    cleaned = _clean_date(text)
    if len(cleaned) > TYPED_MAX:
        raise _unreadable(today)
    typed = cleaned[:30]
    day = _read(cleaned, typed, today, locale)
    if day is None:  # as the bot writes dates: with the weekday before or after
        folded = _fold(cleaned)
        for pattern in (_BRACKETED, *_weekday_names(locale)):
            without = " ".join(pattern.sub(" ", folded if pattern is not _BRACKETED else cleaned).split())
            if without not in (folded, cleaned) and without:
                day = _read(_clean_date(without), typed, today, locale)
                if day is not None:
                    break
    if day is None:
        raise _unreadable(today)
    return day


def check_shift_day(day: date, today: date) -> date:
    """A day a new shift can be on: not past, not years away."""
    if day < today:
        raise Invalid(N_("That date has already passed."), "date")
    if day > today + timedelta(days=DAYS_AHEAD_MAX):
        raise Invalid(N_("That's more than two years ahead. Type a closer date."), "date")
    return day


def read_shift_date(text: str, today: date, locale: str = "en") -> date:
    """A date for a new shift: readable, real, not past, not years away; `Ambiguous` offers only such days."""
    try:
        day = read_date(text, today, locale)
    except Ambiguous as exc:
        fitting = tuple(d for d in exc.days if today <= d <= today + timedelta(days=DAYS_AHEAD_MAX))
        if fitting:
            raise Ambiguous(exc.typed, fitting, exc.settled) from None
        if exc.settled is not None:
            raise exc.settled from None
        check_shift_day(exc.days[0], today)
        raise
    return check_shift_day(day, today)


# --- times ----------------------------------------------------------------------------------------------

UNREADABLE_TIME = N_("I couldn't read that time. Type it like {examples}.")
_CLOCK = re.compile(r"(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?")
_MILITARY = re.compile(r"(\d{1,2})(\d{2})")
_PERIOD_KINDS = ("am", "pm", "night", "from_18")
_EDGE_KINDS = (*_PERIOD_KINDS, "hour", "minute", "ignore")


def _fold_time(text: str) -> str:
    """Lowercase, without spaces, dots or invisible marks: '6:30 p.m.' → '6:30pm', '18.30' → '1830'."""
    return re.sub(r"[\s.]", "", "".join(ch for ch in text.lower() if ch not in _INVISIBLE))


def _cldr_kind(key: str, rules: Any) -> str:
    """What a CLDR day period means for a typed hour: before noon, after it, or late at night."""
    if key in ("am", "pm"):
        return key
    if key == "midnight":
        return "am"
    if key.startswith("night"):
        return "night"
    spans = (rules or {}).get(key) or []
    start = min((span.get("from", span.get("at", 0)) for span in spans), default=None)
    if start is None:
        return "am" if key.startswith("morning") else "pm"
    return "pm" if start >= 12 * 3600 else "am"


@cache
def _time_words(locale: str) -> tuple[tuple[str, str], ...]:
    """Every word that may stand before or after a time, folded, with what it means; longest first.
    The table's words for the locale first (they are the explicit choice), then CLDR's for the locale,
    then the table's universal ones and English CLDR's."""
    words: dict[str, str] = {}

    def add(word: str, kind: str) -> None:
        folded = _fold_time(fold_digits(word))
        if folded and not (len(folded) == 1 and folded.isascii() and kind in _PERIOD_KINDS):
            words.setdefault(folded, kind)

    entry, universal = _entry(locale), _table().get("any", {})
    for source in (entry,):
        for kind in _EDGE_KINDS:
            for word in source.get(kind, []):
                add(word, kind)
    for loc in dict.fromkeys((locale, "en")):
        cldr = babel_locale(loc)
        rules = cldr.day_period_rules.get(None) if cldr.day_period_rules else None
        for context in cldr.day_periods.values():
            for names in context.values():
                for key, name in names.items():
                    add(name, _cldr_kind(key, rules))
        # What the locale's own time format writes around the digits: Thai "น." in "HH:mm น.".
        for literal in re.findall(r"[^\x00-\x7f]+\.?", cldr.time_formats["short"].pattern):
            add(literal, "ignore")
        if loc == locale:
            for kind in _EDGE_KINDS:
                for word in universal.get(kind, []):
                    add(word, kind)
    return tuple(sorted(words.items(), key=lambda item: -len(item[0])))


@cache
def _inner(locale: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """'6시반' → '6:30' (an hour word then a half word), and an hour word between digits → ':'."""
    hours = "|".join(re.escape(w) for w, kind in _time_words(locale) if kind == "hour")
    halves = "|".join(
        re.escape(_fold_time(w)) for w in sorted(set(_words(locale, "half")), key=len, reverse=True)
    ) or "(?!)"
    return re.compile(rf"(?<=\d)(?:{hours})(?:{halves})"), re.compile(rf"(?<=\d)(?:{hours})(?=\d)")


def _strip_edges(s: str, locale: str) -> tuple[str, str | None]:
    """The text without the words around the digits, and the day period one of them named."""
    period: str | None = None
    changed = True
    while changed and s:
        changed = False
        s = s.strip(":-,")
        for word, kind in _time_words(locale):
            if s.startswith(word) or s.endswith(word):
                if kind in _PERIOD_KINDS:
                    if period is not None:
                        raise ValueError("two day periods")
                    period = kind
                s = s.removeprefix(word) if s.startswith(word) else s.removesuffix(word)
                changed = True
                break
    return s.strip(":-,"), period


def _hour_of(hour: int, period: str | None) -> int | None:
    """The hour of the day an hour on a 12-hour clock (or Thai evening count) names; None if it can't."""
    if period == "from_18":
        return (18 + hour) % 24 if 1 <= hour <= 6 else None
    if period is None:
        return hour
    if not 1 <= hour <= 12:
        return None
    if period == "night":
        return 0 if hour == 12 else hour + 12 if hour >= 6 else hour
    return hour % 12 + (12 if period == "pm" else 0)


def read_time(text: str, locale: str = "en") -> time:
    """'18:30', '6:30pm', '6pm', '1830', '18.30 น.', '오후 6시 30분', '下午6点半', 'tối 6:30', 'शाम 6:30 बजे',
    '6:30 ng gabi', '1 ทุ่ม'; 25:00 is refused."""
    unreadable = Invalid(UNREADABLE_TIME, "start", examples=TimeExamples())
    s = _fold_time(fold_digits(text))
    if len(s) > TYPED_MAX:
        raise unreadable
    half, between = _inner(locale)
    s = half.sub(":30", s)
    try:
        s, period = _strip_edges(s, locale)
    except ValueError:
        raise unreadable from None
    if period is None and len(s) >= 2 and s[-1] in "ap" and s[-2].isdigit():  # '6p', '6:30a'
        period, s = ("am" if s[-1] == "a" else "pm"), s[:-1]
    s = between.sub(":", s)
    if (m := _CLOCK.fullmatch(s)) is None and (m := _MILITARY.fullmatch(s)) is None:
        raise unreadable
    military = m.re is _MILITARY
    hour = int(m[1])
    minute = int(m[2]) if military or m[2] else 0
    second = int(m[3]) if not military and m[3] else 0
    if period is None and not military and not m[2] and 1 <= hour <= 12:
        raise Invalid(N_("Is that morning or evening? Type it like {examples}."), "start", examples=TimeExamples())
    if minute > 59 or second > 59:
        raise Invalid(N_("Minutes go from 00 to 59."), "start")
    of_day = _hour_of(hour, period)
    if of_day is None:
        raise Invalid(N_("With AM or PM, the hour goes from 1 to 12."), "start")
    if of_day > 23:
        raise Invalid(N_("There is no hour {hour}: hours go from 0 to 23."), "start", hour=hour)
    return time(of_day, minute)


UNREADABLE_DATETIME = N_("I couldn't read that date and time. Type it like {examples}.")


def unreadable_datetime(today: date) -> Invalid:
    return Invalid(UNREADABLE_DATETIME, examples=DateTimeExamples(today + EXAMPLE_AHEAD))


def read_datetime(text: str, today: date, locale: str = "en") -> tuple[date, time]:
    """A date and a time in one line, either first: '2026-12-04 18:00', 'Dec 4 6pm', '18:30 Thứ 7, 5 thg 12'."""
    unreadable = unreadable_datetime(today)
    folded = fold_digits(text).strip()
    if len(folded) > TYPED_MAX:  # every split below reads the text again: keep it short
        raise unreadable
    tokens = re.sub(r"(?<=\d)T(?=\d)", " ", folded).split()
    specific: Invalid | None = None
    for split in range(len(tokens) - 1, 0, -1):
        head, tail = " ".join(tokens[:split]), " ".join(tokens[split:])
        for date_text, time_text in ((head, tail), (tail, head)):
            try:
                day = read_date(date_text, today, locale)
            except Ambiguous as exc:
                try:
                    clock = read_time(time_text.strip(" ,"), locale)
                except Invalid:
                    specific = specific or exc
                    continue
                raise Ambiguous(exc.typed, exc.days, exc.settled, clock) from None
            except Invalid as exc:
                if exc.message != UNREADABLE_DATE:
                    specific = specific or exc
                continue
            try:
                return day, read_time(time_text.strip(" ,"), locale)
            except Invalid as exc:
                if exc.message != UNREADABLE_TIME:
                    specific = specific or exc
    raise specific or unreadable
