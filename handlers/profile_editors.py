"""The profile editors, written once for onboarding and /settings: what each answer's buttons and typed
replies do (the widgets themselves are handlers/profile_views.py).

What differs between the two places is an `Editing` mode, which each feature defines and registers here
(handlers/onboarding.py, handlers/settings.py): who may press (someone at that onboarding step, or a
registered person), where a place being entered waits for its ZIP and zone (the person row, or the
settings dialogue), and what follows a saved answer (onboarding: the next question; /settings: the
settings screen with "Saved"). Both modes' flows are an `EditorFlow`, so a typed name, ZIP or phone
answer, a contact card, and anything else sent where text is wanted, are read by the same code.

Every editor checks the state it acts on when the press or message arrives (the inbox hands one person's
updates over one at a time), so a second tap finds the step answered and gets the "no longer works" line.
"""

from __future__ import annotations

from typing import ClassVar

from telegram import CallbackQuery, InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import Application

from bot.i18n import available_locales
from bot.services import profile
from bot.services.profile import InvalidName, InvalidPhone, InvalidZip
from bot.store.dialogues import Dialogue
from bot.vocab import KIND_BY_CODE, OUTREACH_LANGUAGES, OUTSIDE_US
from handlers import profile_views as views
from handlers.commands import publish_person_menu
from handlers.kit import dialogues
from handlers.kit.context import BotContext, refresh_translator
from handlers.kit.replies import edit_or_keep
from handlers.profile_views import (
    InterestsDone,
    LanguagesDone,
    Mode,
    PickLocale,
    PickState,
    PickZone,
    StatePage,
    ToggleInterest,
    ToggleLanguage,
)

ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | None
Question = tuple[str, ReplyMarkup]
TYPED = (profile.NAME, profile.ZIP, profile.PHONE)  # the steps answered by a message, not a tap


class Editing:
    """A mode of the editors: onboarding or /settings. Steps are bot.services.profile's step names."""

    mode: ClassVar[Mode]

    async def may_press(self, update: Update, context: BotContext, *steps: str) -> bool:
        """True when this person may answer the question of `steps` now; else answers the button and says why."""
        raise NotImplementedError

    async def after(
        self, update: Update, context: BotContext, *, answered: str, query: CallbackQuery | None = None
    ) -> None:
        """What follows a saved answer (in place of the pressed message, when there is one)."""
        raise NotImplementedError

    async def waiting_for(self, context: BotContext, dialogue: Dialogue) -> str | None:
        """The step whose typed answer (or contact card) is awaited, or None when a tap is wanted."""
        raise NotImplementedError

    async def reask(self, update: Update, context: BotContext, dialogue: Dialogue, intro: str | None) -> None:
        """Asks the open question again, in a new message, with `intro` above it."""
        raise NotImplementedError

    async def finish(self, context: BotContext, step: str) -> None:
        """'Done' under the languages or interests (every tap is saved already)."""

    async def ask_below(self, update: Update, context: BotContext, text: str, markup: InlineKeyboardMarkup) -> None:
        """A question that answers a typed message (the ZIP was wrong; which zone?), as a new message."""
        await update.effective_message.reply_text(text, reply_markup=markup)

    def current_phone(self, context: BotContext) -> str | None:
        return None

    # A place is a state, then its ZIP (in the US), then its zone (where the state has more than one).
    async def start_place(self, update: Update, context: BotContext, state: str) -> bool:
        """Keeps the chosen state; False when nothing may be asked yet: the person was asked whether to
        leave another dialogue (and the press answered). Otherwise the press is still to be answered."""
        raise NotImplementedError

    async def place(self, context: BotContext) -> tuple[str | None, str | None]:
        """The state and ZIP of the place being entered (None, None when none is)."""
        raise NotImplementedError

    async def keep_zip(self, context: BotContext, state: str, zip_code: str) -> None:
        """Keeps the ZIP of a state with several zones, whose zone is asked next."""
        raise NotImplementedError

    async def save_place(self, context: BotContext, state: str, zip_code: str | None, zone: str) -> None:
        raise NotImplementedError


EDITING: dict[Mode, Editing] = {}


def _now(context: BotContext) -> int:
    return context.runtime.now_ts()


async def _stale(query: CallbackQuery, context: BotContext) -> None:
    await query.answer(context.t._("This button no longer works. Please send /start."), show_alert=True)


# --- UI language --------------------------------------------------------------------------------------


async def show_locale_picker(query: CallbackQuery, context: BotContext, mode: Mode) -> None:
    await edit_or_keep(query, views.choose_language(context.t), views.locale_picker(context.t, mode))


async def locale_chosen(update: Update, context: BotContext, button: PickLocale) -> None:
    """A language from the picker: stored, and what follows already comes in it."""
    editing, query = EDITING[button.mode], update.callback_query
    if not await editing.may_press(update, context, profile.LANGUAGE):
        return
    if button.code not in available_locales():
        await query.answer(context.t._("That language is not available."), show_alert=True)
        return
    await query.answer()
    await save_locale(update, context, editing, button.code)


async def save_locale(update: Update, context: BotContext, editing: Editing, locale: str) -> None:
    person = await profile.set_locale(context.runtime.database, context.person.id, locale, _now(context))
    context.person = person
    refresh_translator(context, person)
    await publish_person_menu(context.bot, context.runtime, person)
    await editing.after(update, context, answered=profile.LANGUAGE, query=update.callback_query)


# --- name ---------------------------------------------------------------------------------------------


async def save_name(update: Update, context: BotContext, editing: Editing, raw: str) -> None:
    """A typed name (or onboarding's suggested one); a name that isn't one is asked again."""
    try:
        person = await profile.set_name(context.runtime.database, context.person.id, raw, _now(context))
    except InvalidName as error:
        await dialogues.reply(update, views.name_error(context.t, error))
        return
    context.person = person
    await editing.after(update, context, answered=profile.NAME, query=update.callback_query)


# --- phone --------------------------------------------------------------------------------------------


def own_phone(update: Update) -> str | None:
    """The shared contact's number when it is the sender's own card; None for someone else's."""
    contact = update.effective_message.contact
    user = update.effective_user
    if contact is None or user is None or contact.user_id != user.id:
        return None
    return contact.phone_number


async def contact_shared(update: Update, context: BotContext, editing: Editing) -> None:
    """Saves the person's own number from the share button; refuses anyone else's card."""
    t, message = context.t, update.effective_message
    _, keyboard = views.phone_prompt(t, editing.mode, editing.current_phone(context))
    phone = own_phone(update)
    if phone is None:
        await message.reply_text(views.phone_not_theirs(t, editing.mode), reply_markup=keyboard)
        return
    try:
        person = await profile.set_phone(context.runtime.database, context.person.id, phone, _now(context))
    except InvalidPhone:
        await message.reply_text(views.phone_unreadable(t, editing.mode), reply_markup=keyboard)
        return
    context.person = person
    await message.reply_text(views.phone_saved(t), reply_markup=ReplyKeyboardRemove())
    await editing.after(update, context, answered=profile.PHONE)


async def phone_typed(update: Update, context: BotContext, editing: Editing) -> None:
    """The phone question's typed buttons (Skip; Remove / Keep); a typed number can't be checked as theirs."""
    t, message = context.t, update.effective_message
    answer = views.phone_answer(t, editing.mode, message.text or "")
    if answer is None:
        _, keyboard = views.phone_prompt(t, editing.mode, editing.current_phone(context))
        await message.reply_text(views.phone_use_buttons(t, editing.mode), reply_markup=keyboard)
        return
    if answer == "remove":
        context.person = await profile.set_phone(context.runtime.database, context.person.id, None, _now(context))
    await message.reply_text(views.phone_said(t, editing.mode, answer), reply_markup=ReplyKeyboardRemove())
    await editing.after(update, context, answered=profile.PHONE)


# --- where they are -----------------------------------------------------------------------------------


async def state_chosen(update: Update, context: BotContext, button: PickState) -> None:
    editing, query, state = EDITING[button.mode], update.callback_query, button.state
    if not await editing.may_press(update, context, profile.STATE):
        return
    if not profile.is_known_state(state):
        await _stale(query, context)
        return
    if not await editing.start_place(update, context, state):
        return  # asked first whether to leave another dialogue (which answers the press)
    await query.answer()
    ask = views.zone_prompt if state == OUTSIDE_US else views.zip_prompt
    await edit_or_keep(query, *ask(context.t, editing.mode, state))


async def state_page(update: Update, context: BotContext, button: StatePage) -> None:
    """Another page of the states (the question stays the same)."""
    editing, query = EDITING[button.mode], update.callback_query
    if not await editing.may_press(update, context, profile.STATE):
        return
    await query.answer()
    featured = await profile.network_states(context.runtime.database)
    await edit_or_keep(query, *views.state_prompt(context.t, editing.mode, button.page, featured))


async def zip_typed(update: Update, context: BotContext, editing: Editing, dialogue: Dialogue) -> None:
    t, text = context.t, update.effective_message.text or ""
    state, _ = await editing.place(context)
    if not state or state == OUTSIDE_US or not profile.is_known_state(state):
        await editing.reask(update, context, dialogue, None)  # no US state to check it against
        return
    try:
        zip_code = profile.check_zip(state, text)
    except InvalidZip as error:
        await editing.ask_below(update, context, *views.zip_error(t, editing.mode, error, state, text))
        return
    zones = profile.zones_at(state, zip_code)  # one wherever the ZIP decides it
    if len(zones) > 1:
        await editing.keep_zip(context, state, zip_code)
        await editing.ask_below(update, context, *views.zone_prompt(t, editing.mode, state, zip_code))
        return
    await editing.save_place(context, state, zip_code, zones[0])
    await editing.after(update, context, answered=profile.ZIP)


async def zone_chosen(update: Update, context: BotContext, button: PickZone) -> None:
    editing, query = EDITING[button.mode], update.callback_query
    if not await editing.may_press(update, context, profile.TIMEZONE):
        return
    state, zip_code = await editing.place(context)
    zones = profile.zones_for(state) if state and profile.is_known_state(state) else ()
    if not 0 <= button.index < len(zones) or (state != OUTSIDE_US and not zip_code):
        await _stale(query, context)  # no place being entered: an old or forged button
        return
    assert state is not None
    if zones[button.index] not in profile.zones_at(state, zip_code):
        await _stale(query, context)  # a zone the ZIP rules out: the ZIP decided, nothing is asked
        return
    await query.answer()
    await editing.save_place(context, state, zip_code, zones[button.index])
    refresh_translator(context, context.person)  # times from now on in their zone
    await editing.after(update, context, answered=profile.TIMEZONE, query=query)


# --- outreach languages and interests -------------------------------------------------------------------


async def language_toggled(update: Update, context: BotContext, button: ToggleLanguage) -> None:
    editing, query = EDITING[button.mode], update.callback_query
    if not await editing.may_press(update, context, profile.LANGUAGES):
        return
    if button.code not in OUTREACH_LANGUAGES:
        await _stale(query, context)
        return
    await query.answer()
    chosen = await profile.toggle_language(context.runtime.database, context.person.id, button.code)
    await edit_or_keep(query, None, views.languages_markup(context.t, editing.mode, chosen))


async def languages_done(update: Update, context: BotContext, button: LanguagesDone) -> None:
    await _done(update, context, EDITING[button.mode], profile.LANGUAGES)


async def interest_toggled(update: Update, context: BotContext, button: ToggleInterest) -> None:
    editing, query = EDITING[button.mode], update.callback_query
    if not await editing.may_press(update, context, profile.INTERESTS):
        return
    kind = KIND_BY_CODE.get(button.code)
    if kind is None:
        await _stale(query, context)
        return
    await query.answer()
    chosen = await profile.toggle_interest(context.runtime.database, context.person.id, kind)
    await edit_or_keep(query, None, views.interests_markup(context.t, editing.mode, chosen))


async def interests_done(update: Update, context: BotContext, button: InterestsDone) -> None:
    await _done(update, context, EDITING[button.mode], profile.INTERESTS)


async def _done(update: Update, context: BotContext, editing: Editing, step: str) -> None:
    query = update.callback_query
    if not await editing.may_press(update, context, step):
        return
    await query.answer()
    await editing.finish(context, step)
    await editing.after(update, context, answered=step, query=query)


# --- messages -------------------------------------------------------------------------------------------


class EditorFlow(dialogues.Flow):
    """A dialogue whose messages are answers to a profile question, in its mode."""

    editing: ClassVar[Editing]

    async def on_message(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        editing, message = self.editing, update.effective_message
        step = await editing.waiting_for(context, dialogue)
        if step == profile.NAME and message.text is not None:
            await save_name(update, context, editing, message.text)
        elif step == profile.ZIP and message.text is not None:
            await zip_typed(update, context, editing, dialogue)
        elif step == profile.PHONE and message.contact is not None:
            await contact_shared(update, context, editing)
        elif step == profile.PHONE and message.text is not None:
            await phone_typed(update, context, editing)
        elif step is not None:
            # A photo, sticker, voice note or location where a typed answer is wanted: say what is.
            await editing.reask(update, context, dialogue, views.waiting_for(context.t, step))
        else:
            await editing.reask(update, context, dialogue, views.use_the_buttons(context.t))

    async def resume(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        await self.editing.reask(update, context, dialogue, None)


def register(app: Application, editing: Editing) -> None:
    """The editors' buttons in `editing`'s mode (its typed answers come through its EditorFlow)."""
    EDITING[editing.mode] = editing
    mode = editing.mode
    app.add_handler(PickLocale.of(mode).handler(locale_chosen))
    app.add_handler(PickState.of(mode).handler(state_chosen))
    app.add_handler(StatePage.of(mode).handler(state_page))
    app.add_handler(PickZone.of(mode).handler(zone_chosen))
    app.add_handler(ToggleLanguage.of(mode).handler(language_toggled))
    app.add_handler(LanguagesDone.of(mode).handler(languages_done))
    app.add_handler(ToggleInterest.of(mode).handler(interest_toggled))
    app.add_handler(InterestsDone.of(mode).handler(interests_done))
