"""Onboarding: consent first, then the profile questions one at a time, then the main menu.

The step lives in the database (`person.onboarding_step`), so it survives restarts: /start or any
message continues where the person left off. Onboarding is a flow of the dialogue engine
(handlers/kit/dialogues.py): while someone is not set up, their messages (typed name or ZIP, their
contact card, anything else) come to `OnboardingFlow`. The questions after the language are the profile
editors (handlers/profile_editors.py) in onboarding's mode, `Onboarding`: their buttons carry `ob:` data
and only work at their own step, and each saved answer asks the next question. /cancel pauses it (a
`paused` dialogue row) until the next /start.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup, Update
from telegram.ext import Application

from bot.i18n import N_, Translator
from bot.services import profile
from bot.services.people import cleaned
from bot.store import people
from bot.store.dialogues import Dialogue
from bot.store.people import Person
from bot.vocab import OUTSIDE_US
from handlers import profile_editors as editors
from handlers import profile_views as views
from handlers import staff_consent
from handlers.kit import dialogues, questions
from handlers.kit.callbacks import Button
from handlers.kit.context import BotContext
from handlers.kit.guards import current_actor
from handlers.kit.replies import edit_or_keep
from handlers.menu import main_menu
from handlers.profile_editors import Question
from handlers.profile_views import ONBOARDING, ChangeState, KeepName, esc

PAUSED = "paused"  # the onboarding dialogue's step after /cancel: no questions until the next /start


@dataclass(frozen=True)
class Consent(Button, prefix="ob:consent"):
    answer: Literal["yes", "no", "language"]


@dataclass(frozen=True)
class UiLanguage(Button, prefix="ob:ui"):
    choice: Literal["keep", "more"]


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
            [InlineKeyboardButton("✅ " + t._("I agree"), callback_data=Consent("yes").pack())],
            [InlineKeyboardButton(t._("No, thanks"), callback_data=Consent("no").pack())],
            # For someone whose Telegram speaks another language than they read: the globe says what it is.
            [InlineKeyboardButton("🌐 " + t._("Language"), callback_data=Consent("language").pack())],
        ]
    )
    return text, markup


def language_view(t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    """One tap to keep the language Telegram suggested, one more to pick another."""
    language = t.language  # mid-sentence: "Continuar en español"
    text = (
        t._("I'll write to you in {language}.").format(language=language)
        + "\n"
        + t._("You can change it any time in /settings.")
    )
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t._("Continue in {language}").format(language=language), callback_data=UiLanguage("keep").pack()
                )
            ],
            [InlineKeyboardButton("🌐 " + t._("Choose another language"), callback_data=UiLanguage("more").pack())],
        ]
    )
    return text, markup


def menu_prompt(t: Translator, person: Person) -> str:
    return t._("Hi, {name}! What would you like to do?").format(name=esc(person.name))


def _telegram_name(context: BotContext, person: Person) -> str:
    """Before the consent no name of theirs is stored: the greeting uses what Telegram says now."""
    who = context.identity
    if who is not None and (name := cleaned(who).first_name or who.username):
        return name
    return person.name


async def render_step(context: BotContext, person: Person) -> Question:
    """The question for the person's current step, in their language."""
    t = context.t
    step = profile.current_step(person)
    if step == profile.CONSENT and (await current_actor(context)).is_coordinator:
        # Coordinators and admins: the short form, and no volunteer questions after it.
        return staff_consent.consent_text(t), staff_consent.consent_markup(t)
    if step == profile.CONSENT:
        return consent_view(t, _telegram_name(context, person))
    if step == profile.LANGUAGE:
        return language_view(t)
    if step == profile.NAME:
        return views.name_prompt(t, ONBOARDING, profile.suggested_name(person))
    if step == profile.PHONE:
        return views.phone_prompt(t, ONBOARDING, None)
    if step == profile.STATE:
        return views.state_prompt(t, ONBOARDING, featured=await profile.network_states(context.runtime.database))
    if step == profile.ZIP:
        return views.zip_prompt(t, ONBOARDING, person.state or "")
    if step == profile.TIMEZONE:
        return views.zone_prompt(t, ONBOARDING, person.state or "", person.zip)
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
    # Made a coordinator half-way through: the volunteer questions stop here.
    if (
        not person.is_registered
        and person.consent_at is not None
        and await staff_consent.finish_if_agreed(context, await current_actor(context))
    ):
        person = context.person
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
        await questions.edited(context, query, markup)
        return
    if query is not None:
        # A reply keyboard (the phone step) can't go on an edited message: retire the old buttons.
        await edit_or_keep(query, None, None)
    await questions.send(context, chat_id, text, markup, query)


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
    await questions.asked(context, chat_id, None, None, query)  # no question left: the last one's buttons go
    if link is not None and link.kind == "shift":
        from handlers.shifts import send_shift_card  # late: shifts imports more than onboarding needs

        await send_shift_card(chat_id, context, link.shift_id)
    if link is not None and link.kind == "checkin":  # the QR code at the door that brought them here
        from handlers.checkin import check_in_by_code  # late, as above

        await check_in_by_code(chat_id, context, link.token)


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


def _nice_to_meet(t: Translator, person: Person) -> str:
    return t._("Nice to meet you, {name}!").format(name=esc(person.name))


class Onboarding(editors.Editing):
    """The editors while onboarding: each works at its own step, and a saved answer asks the next question.
    Everything is saved on the person row as it is answered (the step too), so a restart loses nothing."""

    mode = ONBOARDING

    async def may_press(self, update: Update, context: BotContext, *steps: str) -> bool:
        if profile.LANGUAGE in steps:  # the consent's language button opens the same picker
            steps = (*steps, profile.CONSENT)
        return await _at_step(update, context, *steps)

    async def after(
        self, update: Update, context: BotContext, *, answered: str, query: CallbackQuery | None = None
    ) -> None:
        person = context.person
        intro = _nice_to_meet(context.t, person) if answered == profile.NAME else None
        await show_step(context, update.effective_chat.id, person, query=query, intro=intro)

    async def waiting_for(self, context: BotContext, dialogue: Dialogue) -> str | None:
        person = context.person
        step = profile.current_step(person)
        if step == profile.ZIP and (not person.state or person.state == OUTSIDE_US):
            return None  # no ZIP to ask for: showing the step sends them back to the state
        return step if step in editors.TYPED else None

    async def reask(self, update: Update, context: BotContext, dialogue: Dialogue, intro: str | None) -> None:
        if profile.current_step(context.person) == profile.CONSENT:
            intro = None  # the terms say what is asked
        await show_step(context, update.effective_chat.id, context.person, intro=intro)

    async def ask_below(self, update: Update, context: BotContext, text: str, markup: InlineKeyboardMarkup) -> None:
        await questions.send(context, update.effective_chat.id, text, markup)  # the one above loses its buttons

    async def finish(self, context: BotContext, step: str) -> None:
        db, person_id = context.runtime.database, context.person.id
        finish = profile.finish_languages if step == profile.LANGUAGES else profile.finish_interests
        context.person = await finish(db, person_id, _now(context))

    async def start_place(self, update: Update, context: BotContext, state: str) -> bool:
        db, person_id = context.runtime.database, context.person.id
        context.person = await profile.choose_state(db, person_id, state, _now(context))
        return True

    async def place(self, context: BotContext) -> tuple[str | None, str | None]:
        return context.person.state, context.person.zip

    async def keep_zip(self, context: BotContext, state: str, zip_code: str) -> None:
        db, person_id = context.runtime.database, context.person.id
        context.person = await profile.set_zip(db, person_id, zip_code, _now(context))

    async def save_place(self, context: BotContext, state: str, zip_code: str | None, zone: str) -> None:
        db, person_id, now = context.runtime.database, context.person.id, _now(context)
        if profile.current_step(context.person) == profile.ZIP:  # one zone: chosen with the state already
            context.person = await profile.set_zip(db, person_id, zip_code or "", now)
        else:
            context.person = await profile.set_timezone(db, person_id, zone, now)


ONBOARDING_EDITING = Onboarding()


# --- onboarding's own buttons -------------------------------------------------------------------------


async def consent_answer(update: Update, context: BotContext, button: Consent) -> None:
    """Agreeing opens the questions; declining forgets the person entirely."""
    query = update.callback_query
    if not await _at_step(update, context, profile.CONSENT):
        return
    await query.answer()
    db = context.runtime.database
    if button.answer == "language":  # the choice comes back to these terms, in the chosen language
        await editors.show_locale_picker(query, context, ONBOARDING)
        return
    if button.answer == "no":
        await profile.decline(db, context.person.id)
        await edit_or_keep(
            query, context.t._("OK, I haven't kept anything about you. If you change your mind, send /start."), None
        )
        return
    person = await profile.agree(db, context.person.id, _now(context), context.identity)
    context.person = person
    # The terms they agreed to stay readable in the chat; the questions start below them.
    await show_step(context, query.message.chat.id, person, query=query, keep_pressed=True)


async def ui_language(update: Update, context: BotContext, button: UiLanguage) -> None:
    """Keeps the suggested language, or opens the picker."""
    query = update.callback_query
    if not await _at_step(update, context, profile.LANGUAGE):
        return
    await query.answer()
    if button.choice == "more":
        await editors.show_locale_picker(query, context, ONBOARDING)
        return
    await editors.save_locale(update, context, ONBOARDING_EDITING, context.t.locale)


async def name_keep(update: Update, context: BotContext, button: KeepName) -> None:
    """Uses the Telegram first name as it is."""
    query = update.callback_query
    if not await _at_step(update, context, profile.NAME):
        return
    suggestion = profile.suggested_name(context.person)
    if suggestion is None:  # the button is only offered for a usable name; this one was forged
        await query.answer(context.t._("This button no longer works. Please send /start."), show_alert=True)
        return
    await query.answer()
    await editors.save_name(update, context, ONBOARDING_EDITING, suggestion)


async def change_state(update: Update, context: BotContext, button: ChangeState) -> None:
    """Back from the ZIP or zone question to the list of states."""
    query = update.callback_query
    if not await _at_step(update, context, profile.ZIP, profile.TIMEZONE):
        return
    await query.answer()
    person = await profile.back_to_state(context.runtime.database, context.person.id, _now(context))
    context.person = person
    await show_step(context, query.message.chat.id, person, query=query)


# --- messages -----------------------------------------------------------------------------------------


async def _paused(update: Update, context: BotContext) -> bool:
    """After /cancel, messages don't restart the questions; a short hint says how to."""
    open_ = await dialogues.current(context)
    if open_ is None or open_.kind != dialogues.ONBOARDING or open_.step != PAUSED:
        return False
    await update.effective_message.reply_text(context.t._("Send /start when you want to continue setting up."))
    return True


class OnboardingFlow(editors.EditorFlow):
    """Messages from someone who is not set up yet: the answer to the current question, or a re-ask."""

    kind = dialogues.ONBOARDING
    name = N_("setting up your profile")
    editing = ONBOARDING_EDITING

    async def on_message(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        if context.person.is_registered or await _paused(update, context):
            return
        await super().on_message(update, context, dialogue)

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
    app.add_handler(Consent.handler(consent_answer))
    app.add_handler(UiLanguage.handler(ui_language))
    app.add_handler(KeepName.handler(name_keep))
    app.add_handler(ChangeState.handler(change_state))
    editors.register(app, ONBOARDING_EDITING)
    dialogues.register_flow(OnboardingFlow())
