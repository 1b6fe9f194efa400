"""The screens of writing a shift's text in another language, shared by /newshift, /manage and a volunteer's
offer: which language, then the title, description and place name typed one after the other, each shown
under the original it translates."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from telegram import InlineKeyboardButton

from bot.i18n import N_, Translator, available_locales, language_name
from handlers.kit.keyboards import grid
from handlers.kit.pickers import ticked
from handlers.shift_views import esc

Rows = list[list[InlineKeyboardButton]]

_ASK = {
    "title": N_("Type the title in {language}, or tap Skip."),
    "description": N_("Type the description in {language}, or tap Skip."),
    "place_name": N_("Type the place name in {language}, or tap Skip."),
}


def add_label(t: Translator) -> str:
    return "🌐 " + t._("Add a translation")


def which_language(t: Translator) -> str:
    return t._(
        "Which language is the translation in? People who read that language will see it instead of the original."
    )


def locale_rows(
    done: Collection[str], data: Callable[[str], str], offered: Sequence[str] | None = None, columns: int = 3
) -> Rows:
    """The reader languages (each in its own script), those translated already ticked."""
    codes = available_locales() if offered is None else offered
    buttons = [InlineKeyboardButton(ticked(language_name(c), c in done), callback_data=data(c)) for c in codes]
    return grid(buttons, columns)


def field_question(t: Translator, field: str, locale: str, original: str | None) -> str:
    """Asks for one field in `locale`, quoting the original."""
    text = t._(_ASK[field]).format(language=esc(language_name(locale)))
    if original:
        text += "\n\n" + t._("Original: {text}").format(text="<i>" + esc(original) + "</i>")
    return text


def translations_line(t: Translator, locales: Sequence[str]) -> str:
    """'🌐 Translations: 한국어, Tiếng Việt' (empty when there are none)."""
    if not locales:
        return ""
    return "🌐 " + t._("Translations: {languages}").format(languages=esc(t.listing(language_name(c) for c in locales)))


# --- a message written once per language (to a shift, or a broadcast) ------------------------------------------


def versions_question(t: Translator) -> str:
    return t._(
        "Which language will you write it in too? Each recipient gets the version in the language they read "
        "the bot in; everyone else gets your original. The numbers say how many read each."
    )


def version_rows(
    t: Translator, counts: Sequence[tuple[str, int]], done: Collection[str], data: Callable[[str], str]
) -> Rows:
    """The recipients' languages with how many read each ('한국어 · 3'), those written ticked (also one
    nobody reads any more, so it can still be changed or removed)."""
    seen = [code for code, _ in counts]
    counted = [*counts, *((code, 0) for code in done if code not in seen)]
    buttons = [
        InlineKeyboardButton(
            ticked(f"{language_name(code)} · {t.number(count)}", code in done), callback_data=data(code)
        )
        for code, count in counted
    ]
    return grid(buttons, 2)


def version_prompt(t: Translator, locale: str, now: str | None) -> str:
    """Asks for the message in `locale` (showing the version typed before, which a new one replaces)."""
    text = t._("Type the message in {language}. People who read the bot in {language} get it instead of the original.")
    text = text.format(language=esc(language_name(locale)))
    if now:
        text += "\n\n" + t._("Now: {value}").format(value="<i>" + esc(now) + "</i>")
    return text
