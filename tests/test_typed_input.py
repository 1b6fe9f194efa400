"""Whatever anyone types, every reader of typed answers gives a clear answer and never an exception.

A hand-made corpus of the text that broke readers before (superscript and native digits, 400-digit
numbers, emoji, zero-width and bidi characters, 5,000 characters, nothing at all), and seeded random
mixtures of it, goes through every reader in bot/services; each either returns a sound value or refuses
with a rule that renders in the reader's language.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from bot.i18n import Translator
from bot.services import broadcasts, followups, orgs_admin, posting, profile, shift_admin, shift_csv
from bot.services.posting import Invalid
from bot.store.orgs import Org
from bot.text import HUGE, REORDERING, fold_digits, is_visible, whole_number, whole_number_in
from handlers.profile_views import name_error, zip_error
from handlers.shift_views import explain

NATIVE_TWELVE = {
    "ascii": "12", "arabic_indic": "١٢", "persian_urdu": "۱۲", "devanagari": "१२", "bengali": "১২", "thai": "๑๒",
    "khmer": "១២", "full_width": "１２", "gujarati": "૧૨", "gurmukhi": "੧੨",
}
NOT_DECIMAL = ["²", "1²", "²4103", "³⁄₄", "①", "Ⅻ", "¹²"]  # digit-like, but no decimal digits
CORPUS = [
    "", " ", "\t\n", "\u3000", "0", "-5", "+5", "1e9", "1_000", "0x10", "NaN", "inf", "∞", "1.5", "12:3²",
    *NATIVE_TWELVE.values(), *NOT_DECIMAL,
    "1" * 400, "9" * 5000, "1" * 400 + "h", "1." + "1" * 400, "1" * 400 + ".5", "1" * 400 + "m", "1" * 400 + ":30",
    "😀", "👨\u200d👩\u200d👧", "🇺🇸", "\u200b", "\u200c\u200d", "\u2060\ufeff", "\u202e12\u202c", "\u2066x\u2069",
    "\u200f", "\u3164", "\u2800", "\u00ad", "a" * 5000, "1 " * 2500, "12/" * 1000, "\x00", "\x1b[31m", "\ud800",
    "<b>", "&amp;", "null", "²:30", "2026-12-²5", "12月5日", "오후 ６시", "١٢/٥", "٢٫٥ h", "Dec 5 6pm",
    "\n".join(["x"] * 3000), "94103", "٩٤١٠٣", "+1 415 555 0100", "+١ ٤١٥ ٥٥٥ ٠١٠٠", "https://zoom.us/j/1",
]


def mixtures(count: int = 150) -> list[str]:
    """Seeded random joins of corpus fragments: the cases nobody wrote down."""
    rng = random.Random(9)
    pieces = [c[:12] for c in CORPUS] + [" ", ",", ".", ":", "/", "h", "m", "pm"]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 5))) for _ in range(count)]


TEXTS = CORPUS + mixtures()
TODAY = date(2026, 12, 1)
EN = Translator("en", None)


def shown_as_typed(value: object) -> bool:
    """Stored text that renders as what it says: something visible, nothing that hides or reorders."""
    return (
        isinstance(value, str)
        and any(is_visible(ch) for ch in value)
        and not any(ch in REORDERING or (unicodedata.category(ch)[0] == "C" and ch not in "\n" and
                                         unicodedata.category(ch) not in ("Cf", "Cn", "Co")) for ch in value)
        and value == value.strip()
    )


def _int_in(low: int, high: int) -> Callable[[object], bool]:
    return lambda v: isinstance(v, int) and low <= v <= high


READERS: dict[str, tuple[Callable[[str], object], Callable[[object], bool]]] = {
    "date": (lambda s: posting.read_date(s, TODAY), lambda v: isinstance(v, date)),
    "shift_date": (lambda s: posting.read_shift_date(s, TODAY), lambda v: isinstance(v, date) and v >= TODAY),
    "time": (posting.read_time, lambda v: v is not None),
    "datetime": (lambda s: posting.read_datetime(s, TODAY), lambda v: isinstance(v, tuple)),
    "length": (posting.read_length, _int_in(posting.LENGTH_MIN, posting.LENGTH_MAX)),
    "capacity": (posting.read_capacity, _int_in(1, posting.CAPACITY_MAX)),
    "weeks": (posting.read_weeks, _int_in(1, posting.WEEKS_MAX)),
    "url": (posting.read_url, lambda v: isinstance(v, str) and v.startswith(("http://", "https://"))),
    "kind": (posting.read_kind, lambda v: v in posting.KINDS),
    "languages": (posting.read_languages, lambda v: isinstance(v, tuple)),
    **{
        field: (lambda s, f=field: posting.read_text(s, f), lambda v: shown_as_typed(v))
        for field in ("title", "place_name", "address")
    },
    "description": (lambda s: posting.read_text(s, "description"), lambda v: v == "" or shown_as_typed(v)),
    "reason": (shift_admin.read_reason, lambda v: shown_as_typed(v)),
    "message": (shift_admin.read_message, lambda v: shown_as_typed(v)),
    "broadcast": (broadcasts.read_text, lambda v: shown_as_typed(v)),
    "name": (profile.clean_name, lambda v: shown_as_typed(v) and len(v) <= profile.NAME_MAX),
    "phone": (profile.normalize_phone, lambda v: isinstance(v, str) and v.startswith("+") and v[1:].isascii()),
    "zip": (lambda s: profile.check_zip("CA", s), lambda v: isinstance(v, str) and len(v) == 5 and v.isascii()),
    "org_name": (orgs_admin.check_name, lambda v: shown_as_typed(v) and len(v) <= orgs_admin.NAME_MAX),
    "followup_note": (followups.read_note, lambda v: shown_as_typed(v) and len(v) <= followups.NOTE_MAX),
    "followup_number": (  # handlers/followup.py reads typed numbers with exactly this
        lambda s: whole_number_in(s, 0, 100_000, grouping=True), lambda v: v is None or 0 <= v <= 100_000
    ),
}


def refusal(exc: Exception) -> str:
    """What the person is told, in English and in Urdu: every refusal must render."""
    rendered = []
    for t in (EN, Translator("ur", None)):
        if isinstance(exc, Invalid):
            rendered.append(explain(t, exc))
        elif isinstance(exc, profile.InvalidName):
            rendered.append(name_error(t, exc))
        elif isinstance(exc, profile.InvalidZip):
            rendered.append(zip_error(t, "set", exc, "CA", "x")[0])
        elif isinstance(exc, profile.InvalidPhone | orgs_admin.InvalidOrg):
            rendered.append(str(exc))  # the handler has one fixed line for each
        else:
            raise exc
    return rendered[0]


@pytest.mark.parametrize("reader", sorted(READERS))
def test_every_reader_answers_any_text_clearly(reader: str) -> None:
    read, sound = READERS[reader]
    for text in TEXTS:
        try:
            value = read(text)
        except Exception as exc:
            assert refusal(exc).strip(), (reader, text[:30])
        else:
            assert sound(value), (reader, text[:30], value)


@pytest.mark.parametrize("script", sorted(NATIVE_TWELVE))
def test_native_digits_mean_the_number_they_show(script: str) -> None:
    twelve = NATIVE_TWELVE[script]
    assert whole_number(twelve) == 12
    assert posting.read_weeks(twelve) == 12
    assert posting.read_capacity(twelve) == 12
    assert posting.read_length(twelve) == 12 * 60
    assert posting.read_time(twelve + ":30") == datetime(2026, 1, 1, 12, 30).time()
    assert posting.read_date(f"{twelve}/5", TODAY) == date(2026, 12, 5)
    assert whole_number_in(twelve, 0, 100_000, grouping=True) == 12


def test_superscripts_and_other_digit_like_characters_are_not_numbers() -> None:
    for text in NOT_DECIMAL:
        assert whole_number(text) is None, text
        with pytest.raises(Invalid):
            posting.read_weeks(text)
        with pytest.raises(Invalid):
            posting.read_capacity(text)
    with pytest.raises(profile.InvalidZip):
        profile.check_zip("CA", "²4103")
    with pytest.raises(profile.InvalidZip):
        profile.check_zip("CA", "9410²")


def test_huge_numbers_are_too_big_not_a_crash() -> None:
    assert whole_number("1" * 400) == HUGE and whole_number("0" * 400 + "7") == 7
    for typed in ("1" * 400, "1" * 400 + "h", "1" * 400 + ".5", "1" * 400 + "m", "1" * 400 + ":30"):
        with pytest.raises(Invalid) as caught:
            posting.read_length(typed)
        assert caught.value.params == {"hours": posting.LENGTH_MAX // 60}
    assert posting.read_length("1." + "1" * 400) == 67  # a long fraction is just a fraction
    with pytest.raises(Invalid) as caught:
        posting.read_capacity("9" * 5000)
    assert caught.value.params == {"max": posting.CAPACITY_MAX}


def test_native_zip_codes_and_separators_read_as_ascii() -> None:
    assert profile.check_zip("CA", "٩٤١٠٣") == "94103"
    assert profile.check_zip("CA", "９４１０３-１２３４") == "94103"
    assert posting.read_length("٢٫٥") == 150  # the Arabic decimal separator
    assert posting.read_capacity("١٬٠٠٠") == 1000  # and its thousands separator
    assert fold_digits("１２：３０") == "12:30"


def test_long_text_is_refused_before_it_is_parsed() -> None:
    with pytest.raises(Invalid):
        posting.read_datetime("1 " * 2500, TODAY)
    with pytest.raises(Invalid):
        posting.read_date("12/" * 1000, TODAY)


ORG = Org(id=1, slug="kaya", name="KAYA", state="CA", timezone="America/Los_Angeles", status="active", created_at=0)


@pytest.mark.parametrize("start", range(0, len(CORPUS), 20))
def test_a_csv_of_unusual_cells_gives_problems_not_an_exception(start: int) -> None:
    header = ",".join(shift_csv.COLUMNS)
    for text in CORPUS[start : start + 20]:
        cell = '"' + text.replace('"', '""') + '"'
        data = (header + "\n" + ",".join([cell] * len(shift_csv.COLUMNS)) + "\n").encode("utf-8", "surrogatepass")
        upload = shift_csv.parse(data, orgs=[ORG], now=datetime(2026, 12, 1, tzinfo=UTC))
        for problem in upload.problems:
            assert refusal(problem.error).strip()
