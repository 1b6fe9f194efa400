"""The profile questions as widgets — text and buttons — shared by onboarding and /settings.

Each widget is written once and takes a mode: `ob` while onboarding, `set` in /settings. The mode is
the first part of every button's callback data (`ob:st:CA`, `set:st:CA`: one codec class per widget,
with a subclass per mode, so buttons already in people's chats keep working), and a settings editor gets
a Back button where onboarding moves on. What the buttons do is handlers/profile_editors.py.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import ClassVar, Literal, Self, TypeVar

from babel.dates import get_timezone_location
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from bot.bidi import isolate
from bot.i18n import Translator
from bot.services import profile
from bot.services.profile import InvalidName, InvalidZip
from bot.vocab import (
    KIND_CODES,
    OUTSIDE_US,
    STATE_ZONES,
    WORLD_ZONES,
    normalize_zip,
    state_name,
)
from handlers.kit import pickers
from handlers.kit.callbacks import Button
from handlers.kit.keyboards import grid, pager
from handlers.shift_views import esc

Mode = Literal["ob", "set"]
ONBOARDING: Mode = "ob"
SETTINGS: Mode = "set"
MODES: tuple[Mode, ...] = (ONBOARDING, SETTINGS)

# Babel 2.18's CLDR data has no metazone for this zone's canonical name; it is plain Eastern Time.


# --- the buttons ------------------------------------------------------------------------------------

W = TypeVar("W", bound="Widget")


class Widget(Button):
    """A button of an editor both modes have; `Pick.of(mode)(value)` is that mode's button."""

    mode: ClassVar[Mode]
    _by_mode: ClassVar[dict[Mode, type[Widget]]]

    @classmethod
    def of(cls, mode: Mode) -> type[Self]:
        return cls._by_mode[mode]  # type: ignore[return-value]


def in_both_modes(widget: str) -> Callable[[type[W]], type[W]]:
    """Makes the `ob:<widget>` and `set:<widget>` subclasses of a Widget dataclass."""

    def make(base: type[W]) -> type[W]:
        base._by_mode = {
            mode: type(
                f"{base.__name__}_{mode}",
                (base,),
                {"mode": mode, "__module__": base.__module__},
                prefix=f"{mode}:{widget}",
            )
            for mode in MODES
        }
        return base

    return make


@in_both_modes("loc")
@dataclass(frozen=True)
class PickLocale(Widget):
    code: str


@in_both_modes("st")
@dataclass(frozen=True)
class PickState(Widget):
    state: str


@in_both_modes("stp")
@dataclass(frozen=True)
class StatePage(Widget):
    page: int


@in_both_modes("tz")
@dataclass(frozen=True)
class PickZone(Widget):
    index: int  # into profile.zones_for(state)


@in_both_modes("lg")
@dataclass(frozen=True)
class ToggleLanguage(Widget):
    code: str


@in_both_modes("lgok")
@dataclass(frozen=True)
class LanguagesDone(Widget):
    pass


@in_both_modes("in")
@dataclass(frozen=True)
class ToggleInterest(Widget):
    code: str  # bot.vocab.KIND_CODES


@in_both_modes("inok")
@dataclass(frozen=True)
class InterestsDone(Widget):
    pass


@dataclass(frozen=True)
class KeepName(Button, prefix="ob:name"):
    """Onboarding: use the Telegram first name as it is."""


@dataclass(frozen=True)
class ChangeState(Button, prefix="ob:restate"):
    """Onboarding: back from the ZIP or zone question to the states."""


@dataclass(frozen=True)
class SettingsView(Button, prefix="set:view"):
    """The settings screen: where every settings editor's Back button goes."""


def back_row(t: Translator, mode: Mode) -> list[list[InlineKeyboardButton]]:
    """Settings editors go back to the settings screen; onboarding has no Back."""
    if mode == SETTINGS:
        return [[InlineKeyboardButton("« " + t._("Back"), callback_data=SettingsView().pack())]]
    return []


def done_button(t: Translator, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton("✅ " + t._("Done"), callback_data=data)


# --- UI language -------------------------------------------------------------------------------------


def locale_picker(t: Translator, mode: Mode) -> InlineKeyboardMarkup:
    """Every UI language in its own script, the current one ticked."""
    rows = pickers.locale_rows(t.locale, lambda code: PickLocale.of(mode)(code).pack())
    return InlineKeyboardMarkup(rows + back_row(t, mode))


# --- name --------------------------------------------------------------------------------------------


def name_prompt(t: Translator, mode: Mode, suggestion: str | None) -> tuple[str, InlineKeyboardMarkup | None]:
    if mode == ONBOARDING and suggestion:
        text = t._("What should I call you? Send me your name, or tap the button to use “{name}”.")
        label = t._("Use “{name}”").format(name=isolate(suggestion))
        button = InlineKeyboardButton(label, callback_data=KeepName().pack())
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
                phone=esc(current)
            )
            rows.append([KeyboardButton(remove_label(t))])
        else:
            text = t._("You haven't shared a phone number. You can share it with the button below.")
        rows.append([KeyboardButton(keep_label(t))])
    return text, ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)


PhoneAnswer = Literal["remove", "keep"]


def phone_answer(t: Translator, mode: Mode, text: str) -> PhoneAnswer | None:
    """Which of the phone question's typed buttons this is (Skip, Remove my number, Keep it), if any."""
    text = text.strip()
    if mode == ONBOARDING:
        return "remove" if text == skip_label(t) else None
    return {remove_label(t): "remove", keep_label(t): "keep"}.get(text)  # type: ignore[return-value]


def phone_said(t: Translator, mode: Mode, answer: PhoneAnswer) -> str:
    if answer == "keep":
        return t._("OK, nothing changed.")
    return t._("OK, no phone number.") if mode == ONBOARDING else t._("I've removed your phone number.")


def phone_use_buttons(t: Translator, mode: Mode) -> str:
    if mode == ONBOARDING:
        return t._("Please use the button below to share your number, or skip.")
    return t._("Please use the buttons below.")


def phone_not_theirs(t: Translator, mode: Mode) -> str:
    if mode == ONBOARDING:
        return t._("That's someone else's contact. I can only save your own number: use the button below, or skip.")
    return t._("That's someone else's contact. I can only save your own number: use the button below.")


def phone_unreadable(t: Translator, mode: Mode) -> str:
    if mode == ONBOARDING:
        return t._("I couldn't read that phone number. Please use the button below, or skip.")
    return t._("I couldn't read that phone number. Please use the button below.")


def phone_saved(t: Translator) -> str:
    return t._("Thanks, I've saved your number.")


# --- what a question waits for -------------------------------------------------------------------------


def waiting_for(t: Translator, step: str) -> str:
    """Said when a photo, sticker, voice note or location comes where a typed answer or a contact is wanted."""
    if step == profile.NAME:
        return t._("I'm waiting for your name. Please type it.")
    if step == profile.ZIP:
        return t._("I'm waiting for your ZIP code. Please type it.")
    if step == profile.PHONE:
        return t._("I'm waiting for your phone number. Please use the buttons below.")
    return use_the_buttons(t)


def use_the_buttons(t: Translator) -> str:
    return t._("Please answer with the buttons below.")


def choose_language(t: Translator) -> str:
    return t._("Choose your language:")


# --- where they are ----------------------------------------------------------------------------------


STATES_PER_PAGE = 28  # two pages of names, two to a row


def _sort_key(name: str) -> str:
    """Alphabetical in the reader's script, accents aside (Ô-hai-ô among the O's; Vietnamese Đ after D)."""
    folded = unicodedata.normalize("NFKD", name.casefold().replace("đ", "d\uffff"))
    return "".join(c for c in folded if not unicodedata.combining(c))


def states_in_order(t: Translator) -> list[tuple[str, str]]:
    """(code, name) of every state and territory, by name in the reader's language."""
    return sorted(((code, state_name(t, code)) for code in STATE_ZONES), key=lambda item: _sort_key(item[1]))


def state_pages(t: Translator, featured: Iterable[str] = ()) -> list[list[tuple[str, str]]]:
    """The pages of the state question: the `featured` states first (where the network's organizations are)
    when they are some but not all, then every state and territory, by name, STATES_PER_PAGE a page."""
    states = states_in_order(t)
    pages = [states[i : i + STATES_PER_PAGE] for i in range(0, len(states), STATES_PER_PAGE)]
    first = [(code, name) for code, name in states if code in set(featured)]
    return [first, *pages] if 0 < len(first) < len(states) else pages


def state_prompt(
    t: Translator, mode: Mode, page: int = 0, featured: Iterable[str] = ()
) -> tuple[str, InlineKeyboardMarkup]:
    """The states and territories by name, a page at a time, and "Outside the US" under every page."""
    pages = state_pages(t, featured)
    page = max(0, min(page, len(pages) - 1))
    buttons = [InlineKeyboardButton(name, callback_data=PickState.of(mode)(code).pack()) for code, name in pages[page]]
    rows = grid(buttons, 2)
    if len(pages) > len(state_pages(t)) and page == 0:  # the network's states: every state is a tap away
        rows.append([InlineKeyboardButton("🗺 " + t._("All states and territories"),
                                          callback_data=StatePage.of(mode)(1).pack())])
    else:
        rows += pager(t, page, page + 1 < len(pages), lambda n: StatePage.of(mode)(n).pack())
    rows.append(
        [InlineKeyboardButton("🌏 " + t._("Outside the US"), callback_data=PickState.of(mode)(OUTSIDE_US).pack())]
    )
    return t._("Where are you? Choose your state, or “Outside the US”."), InlineKeyboardMarkup(rows + back_row(t, mode))


def _place_back(t: Translator, mode: Mode) -> list[list[InlineKeyboardButton]]:
    """Under the ZIP and zone questions: back to the state while onboarding, to settings otherwise."""
    if mode == ONBOARDING:
        return [[InlineKeyboardButton("« " + t._("Change state"), callback_data=ChangeState().pack())]]
    return back_row(t, mode)


def zip_prompt(t: Translator, mode: Mode, state: str) -> tuple[str, InlineKeyboardMarkup]:
    text = t._("What's your ZIP code? For example: {example}").format(example=profile.example_zip(state))
    return text, InlineKeyboardMarkup(_place_back(t, mode))


def zip_error(t: Translator, mode: Mode, error: InvalidZip, state: str, sent: str) -> tuple[str, InlineKeyboardMarkup]:
    if error.reason == "other_state":
        text = t._("{zip} is not a ZIP code in {state}. Please send your ZIP code in {state}, or change the state.")
        text = text.format(zip=normalize_zip(sent) or esc(sent.strip()[:20]), state=esc(state_name(t, state)))
    else:
        text = t._("That doesn't look like a ZIP code. Please send the 5 digits, for example {example}.")
        text = text.format(example=profile.example_zip(state))
    return text, InlineKeyboardMarkup(_place_back(t, mode))


def zone_label(t: Translator, zone: str) -> str:
    """'Pacific Time' and the like, in the reader's language (the same name shift times fall back to)."""
    return t.zone_name(zone)


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


def zone_prompt(t: Translator, mode: Mode, state: str, zip_code: str | None = None) -> tuple[str, InlineKeyboardMarkup]:
    """The zones left at the ZIP of a state that spans several (or the world list); each button carries
    its zone's index into `zones_for(state)`."""
    every = profile.zones_for(state)
    zones = profile.zones_at(state, zip_code) if profile.is_known_state(state) else every
    buttons = [
        InlineKeyboardButton(label, callback_data=PickZone.of(mode)(every.index(zone)).pack())
        for zone, label in zip(zones, _zone_labels(t, zones), strict=True)
    ]
    if state == OUTSIDE_US:
        text = t._("Which time zone are you in?")
    else:
        text = t._("{state} has more than one time zone. Which one are you in?")
        text = text.format(state=esc(state_name(t, state)))
    rows = grid(buttons, 2 if state == OUTSIDE_US else 1)
    return text, InlineKeyboardMarkup(rows + _place_back(t, mode))


def place(t: Translator, state: str | None, zip_code: str | None) -> str:
    """Where they said they are, as the state question named it: 'California 94103'."""
    if state == OUTSIDE_US:
        return t._("Outside the US")
    return " ".join(part for part in (state and state_name(t, state), zip_code) if part) or "—"


# --- outreach languages and interests ----------------------------------------------------------------


def languages_prompt(t: Translator, mode: Mode, selected: Iterable[str]) -> tuple[str, InlineKeyboardMarkup]:
    text = t._("Which languages can you use to talk with voters and neighbors? Tap all that apply, then “Done”.")
    return text, languages_markup(t, mode, selected)


def languages_markup(t: Translator, mode: Mode, selected: Iterable[str]) -> InlineKeyboardMarkup:
    rows = pickers.outreach_language_rows(
        t,
        lambda code: ToggleLanguage.of(mode)(code).pack(),
        set(selected),
        columns=2,  # names run long
    )
    return InlineKeyboardMarkup([*rows, [done_button(t, LanguagesDone.of(mode)().pack())]])


def interests_prompt(t: Translator, mode: Mode, selected: Iterable[str]) -> tuple[str, InlineKeyboardMarkup]:
    text = t._(
        "What would you like to do? Tap all that apply, then “Done”. If you pick none, I'll show you every "
        "kind of shift."
    )
    return text, interests_markup(t, mode, selected)


def interests_markup(t: Translator, mode: Mode, selected: Iterable[str]) -> InlineKeyboardMarkup:
    rows = pickers.kind_rows(t, lambda kind: ToggleInterest.of(mode)(KIND_CODES[kind]).pack(), set(selected))
    return InlineKeyboardMarkup([*rows, [done_button(t, InterestsDone.of(mode)().pack())]])
