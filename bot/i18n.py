"""Locales: catalogs, the per-update translator, and Babel formatting in the reader's locale and zone.

Catalogs are compiled from the .po files in memory when first needed, so a fresh checkout runs
without a compile step and a stale .mo can never shadow an edited .po.
"""

from __future__ import annotations

import io
import logging
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from datetime import date as date_
from datetime import datetime as datetime_
from datetime import time as time_
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.core import get_global
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from bot import bidi

log = logging.getLogger(__name__)

Moment = datetime  # for annotations inside Translator, whose `datetime` method shadows the type

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
META = "locale.toml"  # beside a catalog's LC_MESSAGES: what CLDR can't say about the locale (LocaleMeta)
FALLBACK_FORMATTING = "en_US"  # for a catalog whose language CLDR doesn't know and that declares nothing
# Zones named through another key, the way their people know them (Indianapolis keeps Eastern Time).
_NAME_ZONE = {"America/Indiana/Indianapolis": "America/New_York"}
# A command in a catalog's text ("/myshifts"), not a closing tag, a URL's path or "and/or".
_COMMAND = re.compile(r"(?<![\w/<:.@=\"'])/[a-z][a-z0-9_]{1,31}(?![\w/])")
_OFFSET = re.compile(r"^(GMT|UTC)|^[+\-\u2212]\d")  # what CLDR falls back to when a zone has no short name
# CLDR keeps names in their mid-sentence form ("español") and capitalises them for menus, but writes a few
# languages' names capitalised throughout: Vietnamese "Tiếng Việt", which a sentence writes "bằng tiếng Việt".
# Babel has no contextTransforms data to say so; this is that rule, by language.
_LOWER_IN_SENTENCE = frozenset({"vi"})
# Closer than this, a start is counted in hours ("in 2 hours"); farther, named by its day ("tomorrow at 10:00").
_COUNTED = timedelta(hours=6)
_QUOTED = re.compile(r"'([^']*)'")  # a literal in a CLDR pattern ("{1} 'at' {0}"); '' is an apostrophe

# The picker's order: the network's languages roughly by how many of its volunteers read them.
PREFERRED_ORDER = (
    "en", "es", "zh_Hans", "zh_Hant", "vi", "ko", "fil", "hi",
    "bn", "ja", "km", "ur", "gu", "pa", "ne", "th", "hmn", "lo", "my",
)


def N_(message: str) -> str:
    """Marks a string for extraction where it is defined; it is translated where it is shown."""
    return message


@cache
def available_locales() -> tuple[str, ...]:
    """Every locale with a catalog: the preferred order first, then any catalog added since."""
    found = {p.parent.parent.name for p in LOCALES_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    ordered = [code for code in PREFERRED_ORDER if code in found]
    return tuple(ordered + sorted(found - set(ordered)))


@cache
def translations(locale: str) -> Translations:
    """The compiled catalog of one locale; raises if it is missing or broken."""
    po_path = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po_path.open("rb") as fp:
        catalog = read_po(fp, locale=locale, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def load_all() -> None:
    """Compiles every catalog now, so a broken one stops the start instead of a later reply."""
    for locale in available_locales():
        translations(locale)


@dataclass(frozen=True)
class LocaleMeta:
    """What a catalog declares about its locale in locales/<code>/locale.toml (every key optional):
    `formatting`, the CLDR locale its dates and numbers are written in (Hmong: "en_US"); `name`, the
    language's own name for the picker ("Hmoob"); `[languages]`, names of outreach languages in this
    locale where CLDR has none or a poor one (Korean 몽족어 for Hmong, not CLDR's 히몸어); `plural_forms`,
    the gettext Plural-Forms a new catalog gets when CLDR can't give them (Hmong: "nplurals=1; plural=0;");
    `[days]`, the names of days near ("0" today, "1" tomorrow) and `day_at`, how one joins a time ("{1} {0}",
    CLDR's form), and `[ahead]`, "in {0} hours" per unit (year … second), for a language whose formatting
    locale speaks another language (Hmong in en_US)."""

    formatting: str | None = None
    name: str | None = None
    plural_forms: str | None = None
    languages: Mapping[str, str] = field(default_factory=dict)
    days: Mapping[int, str] = field(default_factory=dict)
    day_at: str | None = None
    ahead: Mapping[str, str] = field(default_factory=dict)


@cache
def locale_meta(locale: str) -> LocaleMeta:
    path = LOCALES_DIR / locale / META
    if not path.is_file():
        return LocaleMeta()
    with path.open("rb") as fp:
        data = tomllib.load(fp)
    languages = data.get("languages", {})
    return LocaleMeta(
        formatting=data.get("formatting"),
        name=data.get("name"),
        plural_forms=data.get("plural_forms"),
        languages={str(code): str(name) for code, name in languages.items()},
        days={int(offset): str(name) for offset, name in data.get("days", {}).items()},
        day_at=data.get("day_at"),
        ahead={str(unit): str(words) for unit, words in data.get("ahead", {}).items()},
    )


@cache
def babel_locale(locale: str) -> Locale:
    """The CLDR locale a reader's dates, numbers and names come from: the catalog's declared one, else
    its own, else its language's; never raises, since a catalog CLDR doesn't know (Hmong, Samoan) must
    not stop the picker, /help or a reminder for anyone."""
    declared = locale_meta(locale).formatting
    for candidate in (declared, locale, locale.split("_")[0]):
        if not candidate:
            continue
        try:
            return Locale.parse(candidate)
        except (UnknownLocaleError, ValueError):
            continue
    log.warning("no CLDR data for %r: formatted as %s (declare one in its %s)", locale, FALLBACK_FORMATTING, META)
    return Locale.parse(FALLBACK_FORMATTING)


def language_name(locale: str) -> str:
    """The language's name in its own script, capitalised as a menu label: the catalog's declared name,
    else CLDR's, else the bare code."""
    name = locale_meta(locale).name
    if not name:
        try:
            name = Locale.parse(locale).get_display_name(locale)
        except (UnknownLocaleError, ValueError):
            name = None
    name = name or locale
    return name[:1].upper() + name[1:]


def language_in_sentence(locale: str) -> str:
    """The language's own name as a sentence of that language writes it ("Continuar en español",
    "bằng tiếng Việt"), where language_name() gives the menu label ("Español", "Tiếng Việt")."""
    name = locale_meta(locale).name
    if not name:
        try:
            name = Locale.parse(locale).get_display_name(locale)
        except (UnknownLocaleError, ValueError):
            name = None
    return in_sentence(locale, name or locale)


def in_sentence(locale: str, name: str) -> str:
    """A CLDR name as a sentence of `locale` writes it: as CLDR keeps it, lower-cased where the language
    writes names so only mid-sentence (Vietnamese "tiếng Hàn", which CLDR capitalises)."""
    if locale.split("_")[0] in _LOWER_IN_SENTENCE:
        return name[:1].lower() + name[1:]
    return name


def _pattern(pattern: str, **parts: str) -> str:
    """A CLDR combining pattern ("{1} 'at' {0}") filled in: literals unquoted, {0}, {1}… replaced."""
    text = _QUOTED.sub(lambda m: m.group(1) or "'", pattern)
    return re.sub(r"\{(\d)\}", lambda m: parts.get("p" + m.group(1), m.group(0)), text)


@cache
def match_locale(language_code: str | None) -> str | None:
    """Maps a Telegram language_code (an IETF tag like `zh-TW`) to one of our locales, or None."""
    if not language_code:
        return None
    supported = set(available_locales())
    try:
        parsed = Locale.parse(language_code.replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        # CLDR doesn't know it (hmn, hmn-US), but a catalog may.
        language = language_code.replace("_", "-").split("-")[0].lower()
        return language if language in supported else None
    script = parsed.script
    if script is None:
        # `zh` or `zh-SG` say no script: take the likely one (zh → Hans) from CLDR.
        likely = get_global("likely_subtags").get(
            f"{parsed.language}_{parsed.territory}" if parsed.territory else parsed.language
        ) or get_global("likely_subtags").get(parsed.language)
        if likely:
            script = Locale.parse(likely).script
    for candidate in (
        str(parsed),
        f"{parsed.language}_{script}" if script else None,
        f"{parsed.language}_{parsed.territory}" if parsed.territory else None,
        parsed.language,
    ):
        if candidate and candidate in supported:
            return candidate
    return None


def resolve_locale(stored: str | None, language_code: str | None, default: str) -> str:
    """The stored choice, else Telegram's language, else the configured default."""
    if stored and stored in available_locales():
        return stored
    return match_locale(language_code) or default


@dataclass(frozen=True)
class Translator:
    """Everything a reply needs to speak to one reader: their language and their clock."""

    locale: str
    tz: ZoneInfo

    @property
    def babel(self) -> Locale:
        """The parsed CLDR locale; parsing is slow enough to matter when rendering thousands of reminders."""
        return babel_locale(self.locale)

    @property
    def _catalog(self) -> Translations:
        return translations(self.locale)

    def _(self, message: str) -> str:
        return self._commands_ltr(self._catalog.gettext(message))

    gettext = _

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._commands_ltr(self._catalog.ngettext(singular, plural, n))

    @property
    def is_rtl(self) -> bool:
        """Whether the reader's language is written right to left (CLDR says so: Urdu, and any Persian,
        Pashto or Shahmukhi catalog added later)."""
        return self.babel.character_order == "right-to-left"

    def ltr(self, text: str) -> str:
        """Text that reads left to right whatever surrounds it (a time, a phone number, a link), kept so
        for a right-to-left reader; as it is for everyone else."""
        return bidi.ltr(text) if self.is_rtl else text

    def _commands_ltr(self, text: str) -> str:
        # In an Urdu sentence a bare "/myshifts" shows as "myshifts/": its slash joins the Urdu side.
        return _COMMAND.sub(lambda m: bidi.ltr(m.group()), text) if self.is_rtl and "/" in text else text

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    def date(self, moment: datetime | date, fmt: str = "medium") -> str:
        if isinstance(moment, datetime):
            moment = self.local(moment)
        return babel_dates.format_date(moment, format=fmt, locale=self.babel)

    def weekday_date(self, moment: datetime) -> str:
        """A date with its weekday, short, as lists of shifts want it: 'Sat, Nov 28'."""
        return babel_dates.format_skeleton("MMMEd", self.local(moment), locale=self.babel)

    def _time(self, moment: datetime) -> str:
        return babel_dates.format_time(self.local(moment), format="short", locale=self.babel)

    def time(self, moment: datetime) -> str:
        """'10:00 AM', kept in one left-to-right piece for a right-to-left reader (else the AM strays)."""
        return self.ltr(self._time(moment))

    def datetime(self, moment: datetime) -> str:
        """Date and time formatted apart (skeletons take one or the other) and joined by the locale."""
        local = self.local(moment)
        pattern = self.babel.datetime_formats["medium"]
        return pattern.replace("{1}", self.weekday_date(local)).replace("{0}", self.time(local))

    def zone_name(self, zone: str) -> str:
        """The zone's generic name ('Pacific Time', 'Giờ Việt Nam'), as the time-zone picker shows it.
        Named by its IANA key, not a moment: from a moment CLDR falls back to 'GMT+07:00' for zones
        whose metazone has no generic name in the language (Vietnam, Guam)."""
        return babel_dates.get_timezone_name(
            _NAME_ZONE.get(zone, zone), width="long", zone_variant="generic", locale=self.babel
        )

    def zone(self, moment: Moment) -> str:
        """The zone as readers know it: an abbreviation where their language has one (PST), else the
        name the picker showed them (미 태평양 시간, Giờ Việt Nam) rather than a bare offset like -0800."""
        local = self.local(moment)
        short = babel_dates.get_timezone_name(local, width="short", locale=self.babel)
        if not _OFFSET.match(short) and short != babel_dates.get_timezone_gmt(local, "short", locale=self.babel):
            return short
        if self.tz.key:
            return self.zone_name(self.tz.key)
        return babel_dates.get_timezone_name(local, width="long", zone_variant="generic", locale=self.babel)

    def number(self, value: float) -> str:
        return babel_numbers.format_decimal(value, locale=self.babel)

    def percent(self, ratio: float) -> str:
        """0.875 → '88%' (or '88 %', '%88'…) as the locale writes it."""
        return babel_numbers.format_percent(ratio, locale=self.babel)

    def month_day(self, day: date_) -> str:
        """A calendar day without the year, short: 'Nov 3', '11月3日'."""
        return babel_dates.format_skeleton("MMMd", datetime_.combine(day, time_(12)), locale=self.babel)

    def delta(self, span: timedelta) -> str:
        """'in 2 hours' style relative time."""
        ahead = locale_meta(self.locale).ahead
        if ahead and span.total_seconds() > 0 and self.babel.language != self.locale.split("_")[0]:
            # A borrowed formatting locale's words are another language's: the unit as Babel picks it (its
            # default threshold, 0.85), said in the catalog's own words.
            for unit, seconds in babel_dates.TIMEDELTA_UNITS:
                value = span.total_seconds() / seconds
                if value >= 0.85 or unit == "second":
                    if unit in ahead:
                        return ahead[unit].format(self.number(max(1, round(value))))
                    break
        return babel_dates.format_timedelta(span, add_direction=True, locale=self.babel)

    def starts(self, moment: Moment, now: Moment) -> str:
        """When something starts, as people say it: 'in 2 hours' when it is close, else its day by name
        where the language has one ('tomorrow at 10:00 AM', '내일 오후 10:00', 'lúc 10:00 ngày mai'), so the
        24 h reminder never says 'in 1 day'; 'in 3 days' beyond the named days."""
        span = moment - now
        if span < _COUNTED:
            return self.delta(span)
        days = (self.local(moment).date() - self.local(now).date()).days
        meta = locale_meta(self.locale)
        if self.babel.language != self.locale.split("_")[0]:
            # CLDR's words here would be the formatting locale's language: only the catalog's own will do.
            name, combine = meta.days.get(days), meta.day_at
        else:
            name = babel_dates.get_relative_name("day", days, locale=self.babel)
            combine = self.babel.datetime_formats_relative.get("long") or self.babel.datetime_formats["long"]
        if name is None or combine is None:
            return self.delta(span)
        return _pattern(str(combine), p0=self.time(moment), p1=name)

    def listing(self, items: Iterable[str]) -> str:
        """'A, B, and C' as the reader's language writes a list: 'A、B和C', 'A، B، اور C'."""
        values = list(items)
        if self.babel.language != self.locale.split("_")[0]:
            # A borrowed formatting locale's pattern has its own words ("and"): a Hmong list takes commas only.
            return ", ".join(values)
        return format_list(values, locale=self.babel) if values else ""

    def separated(self, items: Iterable[str]) -> str:
        """Items with the separator of the reader's lists but no "and", for a list that goes on ('A、B +2')."""
        values = list(items)
        if self.babel.language != self.locale.split("_")[0]:
            return ", ".join(values)
        middle = str(self.babel.list_patterns["standard"]["middle"])
        joined = values[0] if values else ""
        for item in values[1:]:
            joined = middle.format(joined, item)
        return joined

    @property
    def language(self) -> str:
        """The reader's own language named inside one of its sentences ("Continuar en español")."""
        return language_in_sentence(self.locale)

    def span(self, start: Moment, end: Moment, venue: ZoneInfo | None = None) -> str:
        """A shift's time as CLDR writes an interval: 'Wed, Dec 9, 2:00 – 4:00 PM PST', the end's date
        only when it is another day. With `venue`, the zone of a place the reader must go to: there
        its local time comes first and the reader's own follows in brackets when it reads otherwise."""
        own = self._span(start, end, dated=True)
        if venue is None or venue.key == self.tz.key:
            return own
        there = replace(self, tz=venue)
        shown = there._span(start, end, dated=True)
        if shown == own:
            return own
        yours = self._span(start, end, dated=self.local(start).date() != there.local(start).date())
        return self._("{time_there} (your time: {your_time})").format(time_there=shown, your_time=yours)

    def _span(self, start: Moment, end: Moment, *, dated: bool) -> str:
        first, last = self.local(start), self.local(end)
        if first.date() == last.date():
            # The time pattern's own clock (h or H) picks the interval skeleton, as CLDR's 'j' would.
            clock = "hm" if re.search(r"[hK]", self.babel.time_formats["short"].pattern) else "Hm"
            try:
                times = babel_dates.format_interval(first, last, clock, locale=self.babel)
            except NotImplementedError:
                # Babel can't compare flexible day periods (zh_Hant's 下午, B): each end in full instead.
                fallback = str(self.babel.interval_formats.get(None) or "{0} – {1}")
                times = _pattern(fallback, p0=self._time(first), p1=self._time(last))
            times = self.ltr(times)  # one left-to-right piece for a right-to-left reader: the times keep their order
            pattern = str(self.babel.datetime_formats["medium"])
            text = _pattern(pattern, p0=times, p1=self.weekday_date(first)) if dated else times
        else:
            fallback = str(self.babel.interval_formats.get(None) or "{0} – {1}")
            text = _pattern(fallback, p0=self.datetime(first), p1=self.datetime(last))
        return f"{text} {self.zone(first)}"


def translator(locale: str, tz: ZoneInfo) -> Translator:
    return Translator(locale=locale, tz=tz)
