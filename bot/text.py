"""Text people type, read one way everywhere: the cleaning rule for every piece of stored text, and whole
numbers typed in any script's digits.

Cleaning keeps what a reader can see and drops what only hides or rearranges it. Bidi overrides,
embeddings and isolates (U+202A–U+202E, U+2066–U+2069) can make a name or title render as something
else, and leak into the bot's own text after it; control characters and a stray BOM mean nothing.
Zero-width spaces and joiners stay inside words, where Hindi, Bengali, Malayalam, Persian and Urdu need
ZWNJ/ZWJ, emoji sequences need ZWJ and Khmer or Thai use ZWSP as a line-break hint (and after a virama at
a word's end, where Malayalam and Bengali spell with them); elsewhere at a word's edge they only make a
blank look like a word. A "word" with nothing visible in it (zero-width characters,
Hangul fillers, the Braille blank people use to fake empty names) is dropped, so text with nothing
visible cleans to "" and the caller refuses it with its own "can't be empty".

Digits: Arabic-Indic, Devanagari, Bengali, Thai, Khmer, full-width… are real digits that people type
and they mean the number they show. Superscripts and other "digit-like" characters (², ①) are not
decimal digits: `str.isdigit()` says yes to them and `int()` then raises, so nothing here uses isdigit.
"""

from __future__ import annotations

import re
import unicodedata

# Removed wherever they are: they reorder text (bidi) or mean nothing in typed text.
REORDERING = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_DROPPED = REORDERING | frozenset("\ufeff\ufff9\ufffa\ufffb") | frozenset(map(chr, range(0x206A, 0x2070)))
# Invisible, legitimate inside a word, meaningless at its edges: ZWSP, ZWNJ, ZWJ, word joiner, soft
# hyphen, Mongolian vowel separator.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\u00ad\u180e"
# Letters and symbols that render as nothing.
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5")
_VISIBLE_CATEGORIES = frozenset("LNPS")  # letters, numbers, punctuation, symbols
_LINE_BREAK = "\n"


def is_visible(ch: str) -> bool:
    """A character that shows as something on its own. Unassigned code points count (to this Python's
    Unicode version they may be a newer emoji); so does private use (a logo in some fonts)."""
    category = unicodedata.category(ch)
    if category in ("Cn", "Co"):
        return True
    return category[0] in _VISIBLE_CATEGORIES and ch not in _BLANK


def _keep(ch: str) -> str:
    """The character as cleaning keeps it: whitespace and line breaks as themselves, the rest or nothing."""
    if ch in _DROPPED:
        return ""
    category = unicodedata.category(ch)
    if category == "Cs":  # a lone surrogate: SQLite can't even store it
        return ""
    if category == "Cc" and not ch.isspace():
        return ""
    return ch


_JOINERS = "\u200c\u200d"
_VIRAMA = 9  # canonical combining class


def _trim(word: str) -> str:
    """The word without zero-width characters at its edges, except a joiner after a virama at its end:
    Malayalam chillus (ന്\u200d), Bengali khanda ta and an explicit Hindi halant are spelled that way."""
    start, end = 0, len(word)
    while start < end and word[start] in ZERO_WIDTH:
        start += 1
    while end > start and word[end - 1] in ZERO_WIDTH:
        if word[end - 1] in _JOINERS and end - 2 >= start and unicodedata.combining(word[end - 2]) == _VIRAMA:
            break
        end -= 1
    return word[start:end]


def _clean_line(line: str) -> str:
    words = (_trim(word) for word in line.split())
    return " ".join(word for word in words if any(is_visible(ch) for ch in word))


def clean(raw: str, *, multiline: bool = False) -> str:
    """The text as it is stored and shown: NFC, without reordering or control characters, whitespace
    collapsed (one line, or lines with at most one empty line between them); "" when nothing is visible."""
    text = "".join(_keep(ch) for ch in unicodedata.normalize("NFC", raw))
    if not multiline:
        return _clean_line(text)
    lines: list[str] = []
    for line in text.splitlines():
        cleaned = _clean_line(line)
        if cleaned or (lines and lines[-1]):
            lines.append(cleaned)
    while lines and not lines[-1]:
        lines.pop()
    return _LINE_BREAK.join(lines)


# --- numbers ------------------------------------------------------------------------------------------

HUGE = 10**18  # what a number of more digits reads as: bigger than any limit, without converting 400 digits
_SEPARATORS = {"\u066b": ".", "\u066c": ",", "\u060c": ",", "\u3001": ",", "\u3002": "."}  # Arabic, CJK marks


def fold_digits(text: str) -> str:
    """Decimal digits of every script as ASCII, full-width forms (１２：３０) as ASCII, Arabic and CJK
    decimal and thousands marks as '.' and ','. Superscripts and circled digits stay as they are."""
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch)
        elif (value := unicodedata.decimal(ch, None)) is not None:
            out.append(str(value))
        elif "\uff01" <= ch <= "\uff5e":
            out.append(chr(ord(ch) - 0xFEE0))
        elif ch == "\u3000":
            out.append(" ")
        else:
            out.append(_SEPARATORS.get(ch, ch))
    return "".join(out)


def count(digits: str) -> int:
    """The value of a run of ASCII digits; more than 18 significant digits read as HUGE."""
    significant = digits.lstrip("0")
    return HUGE if len(significant) > 18 else int(significant or "0")


_PLAIN = re.compile(r"[0-9]+")
_GROUPED = re.compile(r"[0-9]{1,3}(?:[ ,.'_][0-9]{3})+|[0-9]+")
_INVISIBLE_AROUND = ZERO_WIDTH + "".join(REORDERING) + "\u200e\u200f\u061c\ufeff"


def whole_number(text: str, *, grouping: bool = False) -> int | None:
    """The whole number typed ('12', '١٢', '１２', '๑๒'; with `grouping` also '1,000', '1 000'), or None.

    Never raises: 400 digits read as HUGE, '²' or '12abc' as None."""
    s = fold_digits(text).replace("\u202f", " ").replace("\xa0", " ").strip().strip(_INVISIBLE_AROUND).strip()
    if not (_GROUPED if grouping else _PLAIN).fullmatch(s):
        return None
    return count(re.sub(r"[ ,.'_]", "", s))


def whole_number_in(text: str, low: int, high: int, *, grouping: bool = False) -> int | None:
    """The whole number typed when it lies in low..high; None for anything else."""
    value = whole_number(text, grouping=grouping)
    return value if value is not None and low <= value <= high else None
