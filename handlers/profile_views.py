"""The profile questions as widgets — text and buttons — shared by onboarding and /settings.

Each widget is written once and takes a mode: `ob` while onboarding, `set` in /settings. The mode is
the first part of every button's callback data, so each feature's handlers only see their own
buttons, and a settings editor gets a Back button where onboarding moves on.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Literal

from babel.dates import get_timezone_location, get_timezone_name
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from bot.i18n import Translator, available_locales, language_name
from bot.services import profile
from bot.services.profile import InvalidName, InvalidZip
from bot.vocab import (
    KIND_CODES,
    KIND_EMOJI,
    KINDS,
    OUTREACH_LANGUAGES,
    OUTSIDE_US,
    STATE_ZONES,
    WORLD_ZONES,
    kind_name,
    normalize_zip,
    outreach_language_name,
)
from handlers.kit.keyboards import grid

Mode = Literal["ob", "set"]
ONBOARDING: Mode = "ob"
SETTINGS: Mode = "set"
SETTINGS_VIEW = "set:view"  # the settings screen: where every editor's Back button goes
RESTATE = "ob:restate"  # onboarding: back from the ZIP or zone question to the state

# Babel 2.18's CLDR data has no metazone for this zone's canonical name; it is plain Eastern Time.
_LABEL_ZONE = {"America/Indiana/Indianapolis": "America/New_York"}


def esc(text: str) -> str:
    """User-provided text made safe for parse_mode HTML."""
    return html.escape(text, quote=False)


def cb(mode: Mode, *parts: str) -> str:
    return ":".join((mode, *parts))


def back_row(t: Translator, mode: Mode) -> list[list[InlineKeyboardButton]]:
    """Settings editors go back to the settings screen; onboarding has no Back."""
    if mode == SETTINGS:
        return [[InlineKeyboardButton("« " + t._("Back"), callback_data=SETTINGS_VIEW)]]
    return []


def done_button(t: Translator, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton("✅ " + t._("Done"), callback_data=data)


def ticked(label: str, on: bool) -> str:
    return ("✓ " if on else "") + label


# --- UI language -------------------------------------------------------------------------------------


def locale_picker(t: Translator, mode: Mode) -> InlineKeyboardMarkup:
    """Every UI language in its own script, the current one ticked."""
    buttons = [
        InlineKeyboardButton(ticked(language_name(code), code == t.locale), callback_data=cb(mode, "loc", code))
        for code in available_locales()
    ]
    return InlineKeyboardMarkup(grid(buttons, 2) + back_row(t, mode))


# --- name --------------------------------------------------------------------------------------------


def name_prompt(t: Translator, mode: Mode, suggestion: str | None) -> tuple[str, InlineKeyboardMarkup | None]:
    if mode == ONBOARDING and suggestion:
        text = t._("What should I call you? Send me your name, or tap the button to use “{name}”.")
        button = InlineKeyboardButton(t._("Use “{name}”").format(name=suggestion), callback_data=cb(mode, "name"))
        return text.format(name=esc(suggestion)), InlineKeyboardMarkup([[button]])
    rows = back_row(t, mode)
    return t._("What should I call you? Send me your name."), InlineKeyboardMarkup(rows) if rows else None


def name_error(t: Translator, error: InvalidName) -> str:
    if error.reason == "too_long":
        return t.ngettext(
            "That name is too long. Please send at most {count} character.",
            "That name is too long. Please send at most {count} characters.",
            profile.NAME_MAX,
        ).format(count=t.number(profile.NAME_MAX))
    return t._("Please send your name.")


# --- phone -------------------------------------------------------------------------------------------


def share_label(t: Translator) -> str:
    return "📱 " + t._("Share my phone number")


def skip_label(t: Translator) -> str:
    return t._("Skip")


def remove_label(t: Translator) -> str:
    return t._("Remove my number")


def keep_label(t: Translator) -> str:
    return t._("Keep it as it is")


def phone_prompt(t: Translator, mode: Mode, current: str | None) -> tuple[str, ReplyKeyboardMarkup]:
    """Telegram's share-contact button, which can only send the person's own number."""
    rows: list[list[KeyboardButton]] = [[KeyboardButton(share_label(t), request_contact=True)]]
    if mode == ONBOARDING:
        text = t._(
            "Would you like to share your phone number? Coordinators use it only to reach you about "
            "shifts you sign up for. It's optional."
        )
        rows.append([KeyboardButton(skip_label(t))])
    else:
        if current:
            text = t._("Your number is {phone}. Share a new one with the button below, or remove it.").format(
                phone=current
            )
            rows.append([KeyboardButton(remove_label(t))])
        else:
            text = t._("You haven't shared a phone number. You can share it with the button below.")
        rows.append([KeyboardButton(keep_label(t))])
    return text, ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)


# --- where they are ----------------------------------------------------------------------------------


def state_prompt(t: Translator, mode: Mode) -> tuple[str, InlineKeyboardMarkup]:
    buttons = [InlineKeyboardButton(code, callback_data=cb(mode, "st", code)) for code in sorted(STATE_ZONES)]
    rows = grid(buttons, 6)
    rows.append([InlineKeyboardButton("🌏 " + t._("Outside the US"), callback_data=cb(mode, "st", OUTSIDE_US))])
    return t._("Where are you? Choose your state, or “Outside the US”."), InlineKeyboardMarkup(rows + back_row(t, mode))


def _place_back(t: Translator, mode: Mode) -> list[list[InlineKeyboardButton]]:
    """Under the ZIP and zone questions: back to the state while onboarding, to settings otherwise."""
    if mode == ONBOARDING:
        return [[InlineKeyboardButton("« " + t._("Change state"), callback_data=RESTATE)]]
    return back_row(t, mode)


def zip_prompt(t: Translator, mode: Mode, state: str) -> tuple[str, InlineKeyboardMarkup]:
    text = t._("What's your ZIP code? For example: {example}").format(example=profile.example_zip(state))
    return text, InlineKeyboardMarkup(_place_back(t, mode))


def zip_error(t: Translator, mode: Mode, error: InvalidZip, state: str, sent: str) -> tuple[str, InlineKeyboardMarkup]:
    if error.reason == "other_state":
        text = t._("{zip} is not a ZIP code in {state}. Please send your ZIP code in {state}, or change the state.")
        text = text.format(zip=normalize_zip(sent) or esc(sent.strip()[:20]), state=state)
    else:
        text = t._("That doesn't look like a ZIP code. Please send the 5 digits, for example {example}.")
        text = text.format(example=profile.example_zip(state))
    return text, InlineKeyboardMarkup(_place_back(t, mode))


def zone_label(t: Translator, zone: str) -> str:
    """'Pacific Time' and the like, in the reader's language."""
    return get_timezone_name(_LABEL_ZONE.get(zone, zone), width="long", zone_variant="generic", locale=t.babel)


def _zone_labels(t: Translator, zones: Iterable[str]) -> list[str]:
    """Zone names; outside the US with the city, since several countries share a name like 'Eastern'."""
    labels = []
    for zone in zones:
        label = zone_label(t, zone)
        if zone in WORLD_ZONES:
            city = get_timezone_location(zone, locale=t.babel, return_city=True)
            label = t._("{city} ({zone})").format(city=city, zone=label)
        labels.append(label)
    return labels


def zone_prompt(t: Translator, mode: Mode, state: str) -> tuple[str, InlineKeyboardMarkup]:
    """The zones of a state that spans several (or the world list), by index into `zones_for`."""
    zones = profile.zones_for(state)
    buttons = [
        InlineKeyboardButton(label, callback_data=cb(mode, "tz", str(i)))
        for i, label in enumerate(_zone_labels(t, zones))
    ]
    if state == OUTSIDE_US:
        text = t._("Which time zone are you in?")
    else:
        text = t._("{state} has more than one time zone. Which one are you in?").format(state=state)
    rows = grid(buttons, 2 if state == OUTSIDE_US else 1)
    return text, InlineKeyboardMarkup(rows + _place_back(t, mode))


def place(t: Translator, state: str | None, zip_code: str | None) -> str:
    if state == OUTSIDE_US:
        return t._("Outside the US")
    return " ".join(part for part in (state, zip_code) if part) or "—"


# --- outreach languages and interests ----------------------------------------------------------------


def languages_prompt(t: Translator, mode: Mode, selected: Iterable[str]) -> tuple[str, InlineKeyboardMarkup]:
    text = t._("Which languages can you use to talk with voters and neighbors? Tap all that apply, then “Done”.")
    return text, languages_markup(t, mode, selected)


def languages_markup(t: Translator, mode: Mode, selected: Iterable[str]) -> InlineKeyboardMarkup:
    chosen = set(selected)
    buttons = [
        InlineKeyboardButton(
            ticked(outreach_language_name(t, code), code in chosen), callback_data=cb(mode, "lg", code)
        )
        for code in OUTREACH_LANGUAGES
    ]
    return InlineKeyboardMarkup([*grid(buttons, 2), [done_button(t, cb(mode, "lgok"))]])  # names run long


def interests_prompt(t: Translator, mode: Mode, selected: Iterable[str]) -> tuple[str, InlineKeyboardMarkup]:
    text = t._(
        "What would you like to do? Tap all that apply, then “Done”. If you pick none, I'll show you every "
        "kind of shift."
    )
    return text, interests_markup(t, mode, selected)


def interests_markup(t: Translator, mode: Mode, selected: Iterable[str]) -> InlineKeyboardMarkup:
    chosen = set(selected)
    buttons = [
        InlineKeyboardButton(
            ticked(f"{KIND_EMOJI[kind]} {kind_name(t, kind)}", kind in chosen),
            callback_data=cb(mode, "in", KIND_CODES[kind]),
        )
        for kind in KINDS
    ]
    return InlineKeyboardMarkup([*grid(buttons, 2), [done_button(t, cb(mode, "inok"))]])


# Callback-data patterns, anchored; the handlers of each mode register their own.
def pattern(mode: Mode, widget: str) -> str:
    values = {
        "loc": r"loc:([A-Za-z_]{2,12})",
        "st": r"st:([A-Z]{2}|" + OUTSIDE_US + ")",
        "tz": r"tz:(\d{1,2})",
        "lg": r"lg:([a-z]{2,3})",
        "lgok": "lgok",
        "in": r"in:([a-z]{2})",
        "inok": "inok",
        "name": "name",
    }
    return rf"^{mode}:{values[widget]}$"
