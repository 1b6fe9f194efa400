"""Onboarding: consent first, then the profile questions one at a time, then the main menu.

The step lives in the database (`person.onboarding_step`), so it survives restarts: /start or any
message continues where the person left off. Onboarding is a flow of the dialogue engine
(handlers/kit/dialogues.py): while someone is not set up, their messages (typed name or ZIP, their
contact card, anything else) come to `OnboardingFlow`. Buttons carry `ob:` callback data and only work
at their own step. /cancel pauses it (a `paused` dialogue row) until the next /start.
"""

from __future__ import annotations

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import Application, CallbackQueryHandler

from bot.i18n import N_, Translator, available_locales, language_name
from bot.services import profile
from bot.services.profile import InvalidName, InvalidPhone, InvalidZip
from bot.store import people
from bot.store.dialogues import Dialogue
from bot.store.people import Person
from bot.vocab import KIND_BY_CODE, OUTREACH_LANGUAGES, OUTSIDE_US
from handlers import profile_views as views
from handlers.commands import publish_person_menu
from handlers.kit import dialogues
from handlers.kit.context import BotContext, refresh_translator
from handlers.kit.replies import edit_or_keep
from handlers.menu import main_menu
from handlers.profile_views import ONBOARDING, esc

PAUSED = "paused"  # the onboarding dialogue's step after /cancel: no questions until the next /start

ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | None


# --- what each step shows --------------------------------------------------------------------------


def consent_view(t: Translator, name: str) -> tuple[str, InlineKeyboardMarkup]:
    """What the bot keeps and why, in plain words, before anything is asked."""
    kept = [
        t._("your name and language, to talk with you;"),
        t._("your state and ZIP code, to show you shifts near you at the right times;"),
        t._("the languages you speak and what you like to do, to match you with shifts;"),
        t._("your phone number, only if you share it, so coordinators can reach you about your shifts;"),
        t._("the shifts you sign up for."),
    ]
    text = "\n".join(
        [
            t._("Hi, {name}! I'm Turnout.").format(name=esc(name)),
            "",
            t._("I help you volunteer with community organizations near you: find shifts, sign up, and get reminders."),
            "",
            t._("Before we start, here is what I keep about you, and why:"),
            *(f"• {line}" for line in kept),
            "",
            t._(
                "Coordinators see your name, languages and phone number (if you share it) only for the "
                "shifts you sign up for."
            ),
            t._("You can get a copy of your data with /mydata and delete it with /deleteme at any time."),
            "",
            "<b>" + t._("Is that OK with you?") + "</b>",
        ]
    )
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("✅ " + t._("I agree"), callback_data="ob:consent:yes")],
            [InlineKeyboardButton(t._("No, thanks"), callback_data="ob:consent:no")],
        ]
    )
    return text, markup


def language_view(t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    """One tap to keep the language Telegram suggested, one more to pick another."""
    language = language_name(t.locale)
    text = (
        t._("I'll write to you in {language}.").format(language=language)
        + "\n"
        + t._("You can change it any time in /settings.")
    )
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t._("Continue in {language}").format(language=language), callback_data="ob:ui:keep")],
            [InlineKeyboardButton("🌐 " + t._("Choose another language"), callback_data="ob:ui:more")],
        ]
    )
    return text, markup


def menu_prompt(t: Translator, person: Person) -> str:
    return t._("Hi, {name}! What would you like to do?").format(name=esc(person.name))


async def render_step(context: BotContext, person: Person) -> tuple[str, ReplyMarkup]:
    """The question for the person's current step, in their language."""
    t = context.t
    step = profile.current_step(person)
    if step == profile.CONSENT:
        return consent_view(t, person.name)
    if step == profile.LANGUAGE:
        return language_view(t)
    if step == profile.NAME:
        return views.name_prompt(t, ONBOARDING, profile.suggested_name(person))
    if step == profile.PHONE:
        return views.phone_prompt(t, ONBOARDING, None)
    if step == profile.STATE:
        return views.state_prompt(t, ONBOARDING)
    if step == profile.ZIP:
        return views.zip_prompt(t, ONBOARDING, person.state or "")
    if step == profile.TIMEZONE:
        return views.zone_prompt(t, ONBOARDING, person.state or "")
    db = context.runtime.database
    if step == profile.LANGUAGES:
        text, markup = views.languages_prompt(t, ONBOARDING, await people.languages(db, person.id))
        # Where they said they are, and the zone that follows from it, before the next question.
        where = f"📍 {esc(views.place(t, person.state, person.zip))}"
        if person.timezone:
            where += f" · {views.zone_label(t, person.timezone)}"
        return f"{where}\n\n{text}", markup
    if step == profile.INTERESTS:
        return views.interests_prompt(t, ONBOARDING, await people.interests(db, person.id))
    raise ValueError(f"unknown onboarding step {step!r}")


async def show_step(
    context: BotContext,
    chat_id: int,
    person: Person,
    *,
    query: CallbackQuery | None = None,
    intro: str | None = None,
    keep_pressed: bool = False,
) -> None:
    """Asks the current question: in place of the pressed message when it can, else as a new one.

    keep_pressed keeps the pressed message's text (only its buttons go), as for the consent terms.
    """
    if person.is_registered:
        await _finish(context, chat_id, person, query)
        return
    step = profile.current_step(person)
    if step in (profile.ZIP, profile.TIMEZONE) and not profile.is_known_state(person.state or ""):
        # The state these questions depend on is missing (an edited database?): ask it again.
        person = await profile.back_to_state(context.runtime.database, person.id, _now(context))
    text, markup = await render_step(context, person)
    if intro:
        text = f"{intro}\n\n{text}"
    if query is not None and not keep_pressed and not isinstance(markup, ReplyKeyboardMarkup):
        await edit_or_keep(query, text, markup)
        return
    if query is not None:
        # A reply keyboard (the phone step) can't go on an edited message: retire the old buttons.
        await edit_or_keep(query, None, None)
    await context.bot.send_message(chat_id, text, reply_markup=markup)


async def resume(update: Update, context: BotContext, *, intro: str | None = None) -> None:
    """Continues onboarding where the person is (/start, or a message mid-way)."""
    await dialogues.end(context, dialogues.ONBOARDING)  # un-pauses
    person = context.person
    if intro is None and profile.current_step(person) != profile.CONSENT:
        intro = context.t._("Welcome back! Let's pick up where we left off.")
    await show_step(context, update.effective_chat.id, person, intro=intro)


async def _finish(context: BotContext, chat_id: int, person: Person, query: CallbackQuery | None) -> None:
    """The welcome with the main menu; then whatever deep link brought them here."""
    t, runtime = context.t, context.runtime
    link = await profile.take_pending_start(runtime.database, person.id, runtime.now_ts())
    lines = [
        t._("You're all set, {name}! 🎉").format(name=esc(person.name)),
        t._("You can change your answers any time with /settings."),
    ]
    if link is not None and link.kind == "org":
        lines.append(await follow_line(context, link.slug))
    lines += ["", t._("What would you like to do?")]
    text = "\n".join(lines)
    if query is not None:
        await edit_or_keep(query, text, main_menu(t))
    else:
        await context.bot.send_message(chat_id, text, reply_markup=main_menu(t))
    if link is not None and link.kind == "shift":
        from handlers.shifts import send_shift_card  # late: shifts imports more than onboarding needs

        await send_shift_card(chat_id, context, link.shift_id)


async def follow_line(context: BotContext, slug: str) -> str:
    """Follows the org of an `org-<slug>` link and says so (or that the link is stale)."""
    t, runtime = context.t, context.runtime
    result = await profile.follow_by_slug(runtime.database, context.person.id, slug, runtime.now_ts())
    if result is None:
        return t._("I couldn't find the organization in that link; it may have moved.")
    org, new = result
    if new:
        return t._("You're now following {org}: their shifts come first when you look for shifts.").format(
            org=esc(org.name)
        )
    return t._("You already follow {org}.").format(org=esc(org.name))


# --- who may press what ------------------------------------------------------------------------------


async def _at_step(update: Update, context: BotContext, *steps: str) -> bool:
    """True when the person is onboarding at one of these steps; otherwise answers the button and says no."""
    query = update.callback_query
    t = context.t
    step = profile.current_step(context.person)
    if step is None:
        await query.answer(t._("You're already set up. Use /settings to change your answers."), show_alert=True)
        return False
    if step not in steps:
        await query.answer(t._("This button no longer works. Please send /start."), show_alert=True)
        return False
    await dialogues.end(context, dialogues.ONBOARDING)  # pressing a question's button means they are back
    return True


def _now(context: BotContext) -> int:
    return context.runtime.now_ts()


def _updated(context: BotContext, person: Person) -> Person:
    context.person = person
    return person


# --- buttons ----------------------------------------------------------------------------------------


async def consent_answer(update: Update, context: BotContext) -> None:
    """Agreeing opens the questions; declining forgets the person entirely."""
    query = update.callback_query
    if not await _at_step(update, context, profile.CONSENT):
        return
    await query.answer()
    db = context.runtime.database
    if context.match.group(1) == "no":
        await profile.decline(db, context.person.id)
        await edit_or_keep(
            query, context.t._("OK, I haven't kept anything about you. If you change your mind, send /start."), None
        )
        return
    person = _updated(context, await profile.agree(db, context.person.id, _now(context)))
    # The terms they agreed to stay readable in the chat; the questions start below them.
    await show_step(context, query.message.chat.id, person, query=query, keep_pressed=True)


async def ui_language(update: Update, context: BotContext) -> None:
    """Keeps the suggested language, or opens the picker."""
    query = update.callback_query
    if not await _at_step(update, context, profile.LANGUAGE):
        return
    await query.answer()
    if context.match.group(1) == "more":
        await edit_or_keep(query, context.t._("Choose your language:"), views.locale_picker(context.t, ONBOARDING))
        return
    await _save_locale(update, context, context.t.locale)


async def locale_chosen(update: Update, context: BotContext) -> None:
    """A language from the picker: stored, and the next question already comes in it."""
    query = update.callback_query
    if not await _at_step(update, context, profile.LANGUAGE):
        return
    if context.match.group(1) not in available_locales():
        await query.answer(context.t._("That language is not available."), show_alert=True)
        return
    await query.answer()
    await _save_locale(update, context, context.match.group(1))


async def _save_locale(update: Update, context: BotContext, locale: str) -> None:
    query = update.callback_query
    person = await profile.set_locale(context.runtime.database, context.person.id, locale, _now(context))
    refresh_translator(context, person)
    await publish_person_menu(context.bot, context.runtime, person)
    await show_step(context, query.message.chat.id, person, query=query)


async def name_keep(update: Update, context: BotContext) -> None:
    """Uses the Telegram first name as it is."""
    query = update.callback_query
    if not await _at_step(update, context, profile.NAME):
        return
    suggestion = profile.suggested_name(context.person)
    if suggestion is None:  # the button is only offered for a usable name; this one was forged
        await query.answer(context.t._("This button no longer works. Please send /start."), show_alert=True)
        return
    await query.answer()
    person = _updated(
        context, await profile.set_name(context.runtime.database, context.person.id, suggestion, _now(context))
    )
    await show_step(context, query.message.chat.id, person, query=query, intro=_nice_to_meet(context.t, person))


def _nice_to_meet(t: Translator, person: Person) -> str:
    return t._("Nice to meet you, {name}!").format(name=esc(person.name))


async def state_chosen(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if not await _at_step(update, context, profile.STATE):
        return
    state = context.match.group(1)
    if not profile.is_known_state(state):
        await query.answer(context.t._("This button no longer works. Please send /start."), show_alert=True)
        return
    await query.answer()
    person = _updated(
        context, await profile.choose_state(context.runtime.database, context.person.id, state, _now(context))
    )
    await show_step(context, query.message.chat.id, person, query=query)


async def change_state(update: Update, context: BotContext) -> None:
    """Back from the ZIP or zone question to the list of states."""
    query = update.callback_query
    if not await _at_step(update, context, profile.ZIP, profile.TIMEZONE):
        return
    await query.answer()
    person = _updated(context, await profile.back_to_state(context.runtime.database, context.person.id, _now(context)))
    await show_step(context, query.message.chat.id, person, query=query)


async def zone_chosen(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if not await _at_step(update, context, profile.TIMEZONE):
        return
    state = context.person.state or ""
    zones = profile.zones_for(state) if profile.is_known_state(state) else ()
    index = int(context.match.group(1))
    if index >= len(zones):
        await query.answer(context.t._("This button no longer works. Please send /start."), show_alert=True)
        return
    await query.answer()
    person = await profile.set_timezone(context.runtime.database, context.person.id, zones[index], _now(context))
    refresh_translator(context, person)  # times from now on in their zone
    await show_step(context, query.message.chat.id, person, query=query)


async def language_toggled(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if not await _at_step(update, context, profile.LANGUAGES):
        return
    if context.match.group(1) not in OUTREACH_LANGUAGES:
        await query.answer(context.t._("This button no longer works. Please send /start."), show_alert=True)
        return
    await query.answer()
    chosen = await profile.toggle_language(context.runtime.database, context.person.id, context.match.group(1))
    await edit_or_keep(query, None, views.languages_markup(context.t, ONBOARDING, chosen))


async def languages_done(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if not await _at_step(update, context, profile.LANGUAGES):
        return
    await query.answer()
    person = _updated(
        context, await profile.finish_languages(context.runtime.database, context.person.id, _now(context))
    )
    await show_step(context, query.message.chat.id, person, query=query)


async def interest_toggled(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if not await _at_step(update, context, profile.INTERESTS):
        return
    kind = KIND_BY_CODE.get(context.match.group(1))
    if kind is None:
        await query.answer(context.t._("This button no longer works. Please send /start."), show_alert=True)
        return
    await query.answer()
    chosen = await profile.toggle_interest(context.runtime.database, context.person.id, kind)
    await edit_or_keep(query, None, views.interests_markup(context.t, ONBOARDING, chosen))


async def interests_done(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if not await _at_step(update, context, profile.INTERESTS):
        return
    await query.answer()
    person = _updated(
        context, await profile.finish_interests(context.runtime.database, context.person.id, _now(context))
    )
    await show_step(context, query.message.chat.id, person, query=query)


# --- typed answers and the contact card ----------------------------------------------------------------


def own_phone(update: Update) -> str | None:
    """The shared contact's number when it is the sender's own card; None for someone else's."""
    contact = update.effective_message.contact
    user = update.effective_user
    if contact is None or user is None or contact.user_id != user.id:
        return None
    return contact.phone_number


async def _paused(update: Update, context: BotContext) -> bool:
    """After /cancel, messages don't restart the questions; a short hint says how to."""
    open_ = await dialogues.current(context)
    if open_ is None or open_.kind != dialogues.ONBOARDING or open_.step != PAUSED:
        return False
    await update.effective_message.reply_text(context.t._("Send /start when you want to continue setting up."))
    return True


async def on_text(update: Update, context: BotContext) -> None:
    """Takes a typed answer (name, ZIP, Skip) for someone onboarding; re-asks anything else."""
    person = context.person
    if person.is_registered or await _paused(update, context):
        return
    t, db, now = context.t, context.runtime.database, _now(context)
    message = update.effective_message
    chat_id = update.effective_chat.id
    text = message.text or ""
    step = profile.current_step(person)
    if step == profile.NAME:
        try:
            person = _updated(context, await profile.set_name(db, person.id, text, now))
        except InvalidName as error:
            await message.reply_text(views.name_error(t, error))
            return
        await show_step(context, chat_id, person, intro=_nice_to_meet(t, person))
    elif step == profile.ZIP and person.state and person.state != OUTSIDE_US:
        try:
            person = _updated(context, await profile.set_zip(db, person.id, text, now))
        except InvalidZip as error:
            reply, markup = views.zip_error(t, ONBOARDING, error, person.state, text)
            await message.reply_text(reply, reply_markup=markup)
            return
        await show_step(context, chat_id, person)
    elif step == profile.PHONE and text.strip() == views.skip_label(t):
        person = _updated(context, await profile.set_phone(db, person.id, None, now))
        await message.reply_text(t._("OK, no phone number."), reply_markup=ReplyKeyboardRemove())
        await show_step(context, chat_id, person)
    elif step == profile.PHONE:
        _, keyboard = views.phone_prompt(t, ONBOARDING, None)
        await message.reply_text(
            t._("Please use the button below to share your number, or skip."), reply_markup=keyboard
        )
    elif step == profile.CONSENT:
        await show_step(context, chat_id, person)
    else:
        await show_step(context, chat_id, person, intro=t._("Please answer with the buttons below."))


async def on_contact(update: Update, context: BotContext) -> None:
    """Saves the person's own phone number at the phone step; refuses anyone else's card."""
    person = context.person
    if person.is_registered or await _paused(update, context):
        return
    t = context.t
    message = update.effective_message
    if profile.current_step(person) != profile.PHONE:
        await show_step(context, update.effective_chat.id, person, intro=t._("Please answer with the buttons below."))
        return
    _, keyboard = views.phone_prompt(t, ONBOARDING, None)
    phone = own_phone(update)
    if phone is None:
        await message.reply_text(
            t._("That's someone else's contact. I can only save your own number: use the button below, or skip."),
            reply_markup=keyboard,
        )
        return
    try:
        person = _updated(context, await profile.set_phone(context.runtime.database, person.id, phone, _now(context)))
    except InvalidPhone:
        await message.reply_text(
            t._("I couldn't read that phone number. Please use the button below, or skip."), reply_markup=keyboard
        )
        return
    await message.reply_text(t._("Thanks, I've saved your number."), reply_markup=ReplyKeyboardRemove())
    await show_step(context, update.effective_chat.id, person)


class OnboardingFlow(dialogues.Flow):
    """Messages from someone who is not set up yet: the answer to the current question, or a re-ask."""

    kind = dialogues.ONBOARDING
    name = N_("setting up your profile")

    async def on_message(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        message = update.effective_message
        if message.contact is not None:
            await on_contact(update, context)
        elif message.text is not None:
            await on_text(update, context)
        elif not await _paused(update, context):
            # A photo, sticker or voice note where a tap or a typed answer is wanted: ask again.
            await show_step(context, update.effective_chat.id, context.person)

    async def resume(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        await resume(update, context)

    async def on_cancel(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        """Before consent, leaving keeps nothing (as "No, thanks"); later, it pauses until /start."""
        t, person, runtime = context.t, context.person, context.runtime
        if profile.current_step(person) == profile.CONSENT:
            await profile.decline(runtime.database, person.id)
            await dialogues.reply(
                update,
                t._("OK, I haven't kept anything about you. If you change your mind, send /start."),
                remove_keyboard=True,
            )
            return
        await dialogues.save(context, Dialogue(kind=dialogues.ONBOARDING, step=PAUSED))
        await dialogues.reply(
            update,
            t._("OK, I'll stop here. I've kept what you told me so far: send /start to continue."),
            remove_keyboard=True,
        )


def register(app: Application) -> None:
    app.add_handler(CallbackQueryHandler(consent_answer, pattern=r"^ob:consent:(yes|no)$"))
    app.add_handler(CallbackQueryHandler(ui_language, pattern=r"^ob:ui:(keep|more)$"))
    app.add_handler(CallbackQueryHandler(locale_chosen, pattern=views.pattern(ONBOARDING, "loc")))
    app.add_handler(CallbackQueryHandler(name_keep, pattern=views.pattern(ONBOARDING, "name")))
    app.add_handler(CallbackQueryHandler(state_chosen, pattern=views.pattern(ONBOARDING, "st")))
    app.add_handler(CallbackQueryHandler(change_state, pattern=rf"^{views.RESTATE}$"))
    app.add_handler(CallbackQueryHandler(zone_chosen, pattern=views.pattern(ONBOARDING, "tz")))
    app.add_handler(CallbackQueryHandler(language_toggled, pattern=views.pattern(ONBOARDING, "lg")))
    app.add_handler(CallbackQueryHandler(languages_done, pattern=views.pattern(ONBOARDING, "lgok")))
    app.add_handler(CallbackQueryHandler(interest_toggled, pattern=views.pattern(ONBOARDING, "in")))
    app.add_handler(CallbackQueryHandler(interests_done, pattern=views.pattern(ONBOARDING, "inok")))
    dialogues.register_flow(OnboardingFlow())
