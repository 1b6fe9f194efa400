"""The one cleaning rule for stored text (bot/text.py): what is visible stays, what hides or reorders goes."""

from __future__ import annotations

import unicodedata

import pytest

from bot.text import REORDERING, clean, is_visible
from tests.test_typed_input import TEXTS

# Words whose joiners are part of the spelling: removing them changes how the word is written.
SPELLED_WITH_JOINERS = [
    "می\u200cخواهم",  # Persian: ZWNJ between the prefix and the verb
    "स्\u200cत्री",  # Hindi: ZWNJ keeps the conjunct apart
    "क्\u200dष",  # Devanagari: ZWJ asks for the half form
    "র\u200d্য",  # Bengali: ya-phala with ZWJ
    "അവന്\u200d",  # Malayalam: a chillu written as virama + ZWJ, at the end of the word
    "ত্\u200d",  # Bengali khanda ta, the same way
    "क्\u200c",  # Hindi: an explicit halant
    "کتاب\u200cها",  # Persian plural
    "👩\u200d💻",  # emoji ZWJ sequence
    "👨\u200d👩\u200d👧\u200d👦",
    "❤️\u200d🔥",
    "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # Scotland: tag characters
    "ពាក្យ\u200bខ្មែរ",  # Khmer: ZWSP marks where a line may break
]


@pytest.mark.parametrize("word", SPELLED_WITH_JOINERS)
def test_joiners_inside_words_are_kept(word: str) -> None:
    assert clean(word) == unicodedata.normalize("NFC", word)
    assert clean(f"  {word}  and more ") == unicodedata.normalize("NFC", f"{word} and more")


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("\u200bKAYA\u200b", "KAYA"),  # zero-width at a word's edge only makes a blank look like a word
        ("Phone bank \u200b\u200c", "Phone bank"),
        ("Sam\u202egnp.exe", "Samgnp.exe"),  # a bidi override would show 'Samexe.png'
        ("\u2067مریم\u2069 Khan", "مریم Khan"),  # isolates too
        ("\u202aLTR\u202c \u202bRTL\u202c", "LTR RTL"),  # and embeddings
        ("Tab\tand\u00a0nbsp\u3000wide", "Tab and nbsp wide"),
        ("e\u0301", "é"),  # NFC: one way to store the same letter
        ("\ufeffBOM", "BOM"),
        ("bell\x07 esc\x1b", "bell esc"),
        ("\ud800lone surrogate", "lone surrogate"),  # SQLite could not even store it
        ("Name \u3164", "Name"),  # a Hangul filler is a letter that shows nothing
        ("‏مریم‏", "‏مریم‏"),  # right-to-left marks reorder nothing outside their word: kept
    ],
)
def test_what_hides_or_reorders_is_dropped(raw: str, cleaned: str) -> None:
    assert clean(raw) == cleaned


@pytest.mark.parametrize(
    "invisible",
    ["", " \n\t", "\u200b", "\u200b\u200c\u200d", "\u2060\ufeff\u00ad", "\u202e\u202c", "\u2066\u2069", "\u3164",
     "\u115f\u1160", "\uffa0", "\u2800\u2800", "\u200f", "\x00\x07", "\u0301", "\u200b \u3164 \u2800"],
)
def test_text_with_nothing_visible_cleans_to_nothing(invisible: str) -> None:
    assert clean(invisible) == ""
    assert clean(invisible, multiline=True) == ""


def test_multiline_keeps_lines_and_one_empty_line_between_paragraphs() -> None:
    raw = "\n\n  Bring water.  \r\n\n\n\nWear   shoes.\u2028Third line\n\u200b\n"
    assert clean(raw, multiline=True) == "Bring water.\n\nWear shoes.\nThird line"
    assert clean(raw) == "Bring water. Wear shoes. Third line"


def test_new_emoji_and_private_use_count_as_visible() -> None:
    assert is_visible("\U0001fae8")  # shaking face (Unicode 15): unassigned to older Pythons, still a face
    assert is_visible("\uf8ff")
    assert not is_visible("\u200d") and not is_visible("\u3164")


def test_the_rule_is_stable_and_its_output_is_clean() -> None:
    for text in TEXTS:
        for multiline in (False, True):
            once = clean(text, multiline=multiline)
            assert clean(once, multiline=multiline) == once, text[:30]
            assert not any(ch in REORDERING for ch in once)
            assert not any(unicodedata.category(ch) in ("Cc", "Cs") and ch != "\n" for ch in once)
            assert once == "" or any(is_visible(ch) for ch in once)
            assert "\n" not in once or multiline
