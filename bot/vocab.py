"""The fixed vocabularies: kinds of shift, outreach languages, US states, their ZIP ranges and zones."""

from __future__ import annotations

import re
from functools import cache

from bot import zip_zones
from bot.i18n import N_, Translator, in_sentence, locale_meta
from bot.text import fold_digits

# ASCII digits, not isdigit(): '²'.isdigit() is True and int('²') raises.
_ZIP = re.compile(r"([0-9]{5})(?:-[0-9]{4})?")

# Kinds of shift, with the short codes that fit in callback data.
KINDS: dict[str, str] = {
    "canvass": N_("Canvass"),
    "phone_bank": N_("Phone bank"),
    "text_bank": N_("Text bank"),
    "event": N_("Event"),
    "training": N_("Training"),
    "other": N_("Other"),
}
KIND_CODES: dict[str, str] = {
    "canvass": "cv", "phone_bank": "pb", "text_bank": "tb", "event": "ev", "training": "tr", "other": "ot",
}
KIND_BY_CODE = {code: kind for kind, code in KIND_CODES.items()}
KIND_EMOJI = {"canvass": "🚪", "phone_bank": "📞", "text_bank": "💬", "event": "🎪", "training": "🎓", "other": "🤝"}


def kind_name(t: Translator, kind: str) -> str:
    return t._(KINDS[kind])


# Languages for outreach (not the UI), ISO 639 codes; names come from CLDR in the reader's locale.
OUTREACH_LANGUAGES: tuple[str, ...] = (
    "en", "cmn", "yue", "vi", "ko", "tl", "hi", "bn", "ur", "gu", "pa", "ne", "ja", "km", "th", "lo",
    "hmn", "my", "to", "sm", "es",
)
_NAME_FALLBACK = {"tl": "fil"}  # some locales name Filipino, not Tagalog


def outreach_language_name(t: Translator, code: str, *, sentence: bool = False) -> str:
    """A language volunteers speak, named in the reader's language: capitalised as a button label, or
    with `sentence` as a sentence or a list in one writes it ("Idiomas necesarios: coreano y vietnamita")."""
    names = t.babel.languages  # the formatting locale's names when CLDR doesn't know the reader's own
    if code == "cmn":
        mandarin = t._("Mandarin")  # CLDR only has "Chinese", which doesn't tell Mandarin from Cantonese
        if sentence and names.get("zh", "")[:1].islower():  # cased as CLDR cases its neighbour ("chino")
            mandarin = mandarin[:1].lower() + mandarin[1:]
        return in_sentence(t.locale, mandarin) if sentence else mandarin
    override = locale_meta(t.locale).languages.get(code)  # where CLDR's name reads badly (ko 히몸어)
    name = override or names.get(code) or names.get(_NAME_FALLBACK.get(code, code)) or code
    if sentence:
        return override or in_sentence(t.locale, name)  # an override is written as its catalog wants it
    return name[:1].upper() + name[1:]


# US states and territories → their IANA zones (the first is the state's main one).
STATE_ZONES: dict[str, tuple[str, ...]] = {
    "AL": ("America/Chicago",), "AK": ("America/Anchorage", "America/Adak"), "AZ": ("America/Phoenix",),
    "AR": ("America/Chicago",), "CA": ("America/Los_Angeles",), "CO": ("America/Denver",),
    "CT": ("America/New_York",), "DE": ("America/New_York",), "DC": ("America/New_York",),
    "FL": ("America/New_York", "America/Chicago"), "GA": ("America/New_York",), "HI": ("Pacific/Honolulu",),
    "ID": ("America/Boise", "America/Los_Angeles"), "IL": ("America/Chicago",),
    "IN": ("America/Indiana/Indianapolis", "America/Chicago"), "IA": ("America/Chicago",),
    "KS": ("America/Chicago", "America/Denver"), "KY": ("America/New_York", "America/Chicago"),
    "LA": ("America/Chicago",), "ME": ("America/New_York",), "MD": ("America/New_York",),
    "MA": ("America/New_York",), "MI": ("America/Detroit", "America/Chicago"), "MN": ("America/Chicago",),
    "MS": ("America/Chicago",), "MO": ("America/Chicago",), "MT": ("America/Denver",),
    "NE": ("America/Chicago", "America/Denver"), "NV": ("America/Los_Angeles",), "NH": ("America/New_York",),
    "NJ": ("America/New_York",), "NM": ("America/Denver",), "NY": ("America/New_York",),
    "NC": ("America/New_York",), "ND": ("America/Chicago", "America/Denver"), "OH": ("America/New_York",),
    "OK": ("America/Chicago",), "OR": ("America/Los_Angeles", "America/Boise"), "PA": ("America/New_York",),
    "RI": ("America/New_York",), "SC": ("America/New_York",), "SD": ("America/Chicago", "America/Denver"),
    "TN": ("America/Chicago", "America/New_York"), "TX": ("America/Chicago", "America/Denver"),
    "UT": ("America/Denver",), "VT": ("America/New_York",), "VA": ("America/New_York",),
    "WA": ("America/Los_Angeles",), "WV": ("America/New_York",), "WI": ("America/Chicago",),
    "WY": ("America/Denver",), "PR": ("America/Puerto_Rico",), "VI": ("America/St_Thomas",),
    "GU": ("Pacific/Guam",), "MP": ("Pacific/Saipan",), "AS": ("Pacific/Pago_Pago",),
}
# The states' and territories' names, translated in the catalogs like any other UI string (the state
# question shows them; CLDR names territories but no states). "Georgia" is the state, never the country.
STATE_NAMES: dict[str, str] = {
    "AL": N_("Alabama"), "AK": N_("Alaska"), "AZ": N_("Arizona"), "AR": N_("Arkansas"), "CA": N_("California"),
    "CO": N_("Colorado"), "CT": N_("Connecticut"), "DE": N_("Delaware"), "DC": N_("District of Columbia"),
    "FL": N_("Florida"), "GA": N_("Georgia"), "HI": N_("Hawaii"), "ID": N_("Idaho"), "IL": N_("Illinois"),
    "IN": N_("Indiana"), "IA": N_("Iowa"), "KS": N_("Kansas"), "KY": N_("Kentucky"), "LA": N_("Louisiana"),
    "ME": N_("Maine"), "MD": N_("Maryland"), "MA": N_("Massachusetts"), "MI": N_("Michigan"), "MN": N_("Minnesota"),
    "MS": N_("Mississippi"), "MO": N_("Missouri"), "MT": N_("Montana"), "NE": N_("Nebraska"), "NV": N_("Nevada"),
    "NH": N_("New Hampshire"), "NJ": N_("New Jersey"), "NM": N_("New Mexico"), "NY": N_("New York"),
    "NC": N_("North Carolina"), "ND": N_("North Dakota"), "OH": N_("Ohio"), "OK": N_("Oklahoma"),
    "OR": N_("Oregon"), "PA": N_("Pennsylvania"), "RI": N_("Rhode Island"), "SC": N_("South Carolina"),
    "SD": N_("South Dakota"), "TN": N_("Tennessee"), "TX": N_("Texas"), "UT": N_("Utah"), "VT": N_("Vermont"),
    "VA": N_("Virginia"), "WA": N_("Washington"), "WV": N_("West Virginia"), "WI": N_("Wisconsin"),
    "WY": N_("Wyoming"), "PR": N_("Puerto Rico"), "VI": N_("U.S. Virgin Islands"), "GU": N_("Guam"),
    "MP": N_("Northern Mariana Islands"), "AS": N_("American Samoa"),
}


def state_name(t: Translator, code: str) -> str:
    """A state's or territory's name in the reader's language (the code itself for one we don't know)."""
    name = STATE_NAMES.get(code)
    return t._(name) if name else code


OUTSIDE_US = "INTL"
# Zones offered to people outside the US: where the network's diaspora volunteers often are.
WORLD_ZONES: tuple[str, ...] = (
    "America/Toronto", "America/Vancouver", "America/Mexico_City", "Europe/London", "Asia/Manila",
    "Asia/Seoul", "Asia/Tokyo", "Asia/Shanghai", "Asia/Taipei", "Asia/Ho_Chi_Minh", "Asia/Kolkata",
    "Asia/Dhaka", "Asia/Karachi", "Asia/Kathmandu", "Asia/Bangkok", "Asia/Phnom_Penh", "Australia/Sydney",
    "Pacific/Auckland", "Pacific/Tongatapu", "Pacific/Apia",
)

# First three digits of a ZIP code → states (USPS prefix ranges; a few prefixes serve two places).
_ZIP3_RANGES: tuple[tuple[int, int, str], ...] = (
    (5, 5, "NY"), (6, 7, "PR"), (8, 8, "VI"), (9, 9, "PR"), (10, 27, "MA"), (28, 29, "RI"), (30, 38, "NH"),
    (39, 49, "ME"), (50, 59, "VT"), (60, 69, "CT"), (70, 89, "NJ"), (100, 149, "NY"), (150, 196, "PA"),
    (197, 199, "DE"), (200, 200, "DC"), (201, 201, "VA"), (202, 205, "DC"), (206, 219, "MD"),
    (220, 246, "VA"), (247, 268, "WV"), (270, 289, "NC"), (290, 299, "SC"), (300, 319, "GA"),
    (320, 349, "FL"), (350, 369, "AL"), (370, 385, "TN"), (386, 397, "MS"), (398, 399, "GA"),
    (400, 427, "KY"), (430, 459, "OH"), (460, 479, "IN"), (480, 499, "MI"), (500, 528, "IA"),
    (530, 549, "WI"), (550, 567, "MN"), (569, 569, "DC"), (570, 577, "SD"), (580, 588, "ND"),
    (590, 599, "MT"), (600, 629, "IL"), (630, 658, "MO"), (660, 679, "KS"), (680, 693, "NE"),
    (700, 715, "LA"), (716, 729, "AR"), (730, 749, "OK"), (750, 799, "TX"), (800, 816, "CO"),
    (820, 831, "WY"), (832, 838, "ID"), (840, 847, "UT"), (850, 865, "AZ"), (870, 884, "NM"),
    (885, 885, "TX"), (889, 898, "NV"), (900, 961, "CA"), (967, 968, "HI"), (967, 967, "AS"),
    (969, 969, "GU"), (969, 969, "MP"), (970, 979, "OR"), (980, 994, "WA"), (995, 999, "AK"),
)


def states_for_zip(zip_code: str) -> set[str]:
    """The states a 5-digit ZIP can belong to (empty when it is no US ZIP)."""
    if len(zip_code) != 5 or not _ZIP.fullmatch(zip_code):
        return set()
    prefix = int(zip_code[:3])
    return {state for low, high, state in _ZIP3_RANGES if low <= prefix <= high}


@cache
def _zip_table(state: str) -> dict[str, str]:
    """bot/zip_zones.py's entries of one state: ZIP or prefix → zone index, or '?'."""
    entries = f"{zip_zones.PREFIXES.get(state, '')} {zip_zones.EXCEPTIONS.get(state, '')}".split()
    return dict(entry.split(":") for entry in entries)


def zones_for_zip(state: str, zip_code: str) -> tuple[str, ...]:
    """The zones someone at this ZIP of the state can be in: one, where the state or the ZIP decides it;
    all of the state's where the ZIP may lie on a zone line, or the table doesn't know it."""
    zones = STATE_ZONES[state]
    if len(zones) == 1:
        return zones
    table = _zip_table(state)
    index = table.get(zip_code) or table.get(zip_code[:3]) or "?"
    return zones if index == "?" else (zones[int(index)],)


def normalize_zip(text: str) -> str | None:
    """'94103', '94103-1234', ' 94103 ' or '٩٤١٠٣' → '94103'; anything else (²4103) → None."""
    match = _ZIP.fullmatch(fold_digits(text).strip())
    return match[1] if match else None
