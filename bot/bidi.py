"""Bidirectional text: how a message keeps its reading order when right-to-left and left-to-right text meet.

Three rules, each applied in one place:
- **People's text is isolated** (FSI … PDI) wherever it is put into a message: a Latin title inside an
  Urdu sentence, or an Urdu name on an English roster line, is laid out on its own and cannot pull the
  numbers and punctuation around it to its side (handlers/shift_views.esc, the one way values enter a
  message's HTML).
- **Times, ranges, commands, links and phone numbers read left to right** inside a right-to-left message
  (LRI … PDI): "10:00 AM – 1:00 PM" stays in that order, "/myshifts" is not turned into "myshifts/" (the
  Translator, for readers whose locale CLDR writes right to left).
- **Every line of a message starts in the reader's direction**: a right-to-left reader's line that begins
  with a Latin title or a time still reads from the right (RLM at its start); a left-to-right reader's line
  that begins with a right-to-left name still reads from the left (LRM). Telegram lays out each line as its
  own paragraph, taking its direction from the first strong letter; the marks decide it instead. Done on
  the way out (handlers/telegram_bot.py) for every message, caption and button answer.

Nothing here reaches exports or calendar files: they take the stored values, never rendered messages.
"""

from __future__ import annotations

import re
import unicodedata

LRM = "\u200e"
RLM = "\u200f"
LRI = "\u2066"
RLI = "\u2067"
FSI = "\u2068"
PDI = "\u2069"
MARKS = frozenset((LRM, RLM, LRI, RLI, FSI, PDI, "\u061c"))  # what this module adds (and ALM)

_RTL_CLASSES = frozenset(("R", "AL"))
_TAG = re.compile(r"(<[^>]*>)")
# A bare link as Telegram finds one (it ends a link at a space, a tag, quotes or any General Punctuation
# character such as these marks); what a sentence puts after it stays outside.
_LINK = re.compile(r"https?://[^\s<>\"«»\u2000-\u206f]+")
_LINK_END = ".:;,('?!`"
# A line that already starts with one of these reads that way (an isolate at a line's start does not settle
# it: the paragraph's direction comes from the first strong letter outside isolates).
_STARTS = {True: frozenset((RLM, RLI)), False: frozenset((LRM, LRI))}


def isolate(text: str) -> str:
    """Text laid out by its own first strong letter, apart from what surrounds it ("" stays ""). Line by
    line: a line break ends every isolate (each line is a paragraph of its own), so a description or a
    broadcast of several lines has each of them isolated."""
    if not text:
        return text
    return "\n".join(f"{FSI}{line}{PDI}" if line else line for line in text.split("\n"))


def ltr(text: str) -> str:
    """Text kept left to right (and in one piece) wherever it stands."""
    return f"{LRI}{text}{PDI}" if text else text


def _rtl_letters() -> re.Pattern[str]:
    """A character class of every right-to-left letter: the send path asks of every line, so a regex,
    built once from the blocks where Unicode puts them (Hebrew to Arabic Extended, the presentation
    forms, and the RTL scripts of the supplementary planes)."""
    blocks = ((0x0590, 0x08FF), (0xFB1D, 0xFEFF), (0x10800, 0x10FFF), (0x1E800, 0x1EFFF))
    letters = [chr(c) for low, high in blocks for c in range(low, high + 1)
               if unicodedata.bidirectional(chr(c)) in _RTL_CLASSES]
    return re.compile("[" + "".join(re.escape(ch) for ch in letters) + "]")


_RTL_LETTER = _rtl_letters()


def has_rtl(text: str) -> bool:
    """Whether any letter in the text is written right to left (Arabic, Hebrew, Syriac, Thaana, N'Ko…)."""
    return not text.isascii() and _RTL_LETTER.search(text) is not None


def links_ltr(text: str) -> str:
    """The bare links in a message's text (not inside its tags) kept left to right, their sentence's
    full stop outside: in an Urdu sentence a link's path and query could otherwise split around it."""
    parts = _TAG.split(text)
    for i in range(0, len(parts), 2):  # the text between tags; odd parts are the tags themselves
        if "://" in parts[i]:
            parts[i] = _LINK.sub(_ltr_link, parts[i])
    return "".join(parts)


def _ltr_link(match: re.Match[str]) -> str:
    link = match.group()
    kept = link.rstrip(_LINK_END)
    return ltr(kept) + link[len(kept) :]


def for_reader(text: str, *, rtl: bool) -> str:
    """What the send path does to every text it sends: links kept left to right for a right-to-left
    reader, and every line started in the reader's direction."""
    return start_lines(links_ltr(text) if rtl else text, rtl=rtl)


def start_lines(text: str, *, rtl: bool) -> str:
    """Each line started in the reader's direction: RLM before every line of a right-to-left reader's
    text; LRM before the lines of a left-to-right reader's text that hold right-to-left letters (the
    others already read from the left). Blank lines are left alone. Safe in HTML: the mark is text."""
    mark, started = (RLM if rtl else LRM), _STARTS[rtl]
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if not line or line[0] in started:
            continue
        if rtl or has_rtl(line):
            lines[i] = mark + line
    return "\n".join(lines)


def strip_marks(text: str) -> str:
    """The text without the marks above: what a test compares with plain expectations."""
    return "".join(ch for ch in text if ch not in MARKS)


class Directions:
    """Which chats read right to left, as their people's translators last said (Runtime.translator_for
    notes every reader it makes a translator for, before anything is rendered for them), so the send
    path can start each line the reader's way without looking anyone up. Only right-to-left chats are
    kept: everyone else is left to right."""

    def __init__(self) -> None:
        self._rtl: set[int] = set()

    def note(self, chat_id: int, rtl: bool) -> None:
        if rtl:
            self._rtl.add(chat_id)
        else:
            self._rtl.discard(chat_id)

    def is_rtl(self, chat_id: object) -> bool:
        return isinstance(chat_id, int) and chat_id in self._rtl
