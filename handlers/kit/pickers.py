"""Shared pickers: the rows of buttons for a UI language, a kind of shift, outreach languages and a
signup deadline, written once. Each feature says what its buttons carry (`data(value)` → callback
data, usually a codec class's pack()) and adds its own Done/Save/Back rows under them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from telegram import InlineKeyboardButton

from bot.i18n import Translator, available_locales, language_name
from bot.vocab import KIND_EMOJI, KINDS, OUTREACH_LANGUAGES, kind_name, outreach_language_name
from handlers.kit.keyboards import grid

Rows = list[list[InlineKeyboardButton]]
DEADLINES = (0, 120, 1440, 2880)  # minutes before the start that signups close; 0: when it starts


def ticked(label: str, on: bool) -> str:
    return ("✓ " if on else "") + label


def locale_rows(current: str | None, data: Callable[[str], str], columns: int = 2) -> Rows:
    """Every UI language, each named in its own script (so anyone finds theirs); the current one ticked."""
    buttons = [
        InlineKeyboardButton(ticked(language_name(code), code == current), callback_data=data(code))
        for code in available_locales()
    ]
    return grid(buttons, columns)


def kind_rows(t: Translator, data: Callable[[str], str], chosen: Collection[str] = (), columns: int = 2) -> Rows:
    """Every kind of shift with its emoji; `data` gets the kind (bot.vocab.KINDS), `chosen` are ticked."""
    buttons = [
        InlineKeyboardButton(ticked(f"{KIND_EMOJI[k]} {kind_name(t, k)}", k in chosen), callback_data=data(k))
        for k in KINDS
    ]
    return grid(buttons, columns)


def outreach_language_rows(
    t: Translator, data: Callable[[str], str], chosen: Collection[str] = (), columns: int = 3
) -> Rows:
    """Every outreach language in the reader's language; `data` gets its code, `chosen` are ticked."""
    buttons = [
        InlineKeyboardButton(ticked(outreach_language_name(t, code), code in chosen), callback_data=data(code))
        for code in OUTREACH_LANGUAGES
    ]
    return grid(buttons, columns)


def deadline_label(t: Translator, minutes: int) -> str:
    labels = {
        0: t._("When it starts"),
        120: t._("2 hours before"),
        1440: t._("1 day before"),
        2880: t._("2 days before"),
    }
    return labels[minutes]


def deadline_rows(t: Translator, data: Callable[[int], str], columns: int = 2) -> Rows:
    """When signups close, as minutes before the start (DEADLINES)."""
    return grid([InlineKeyboardButton(deadline_label(t, m), callback_data=data(m)) for m in DEADLINES], columns)
