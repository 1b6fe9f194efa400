"""/settings: one screen with the person's answers, and an editor per answer that returns to it.

The editors are onboarding's widgets in `set` mode. Editors that wait for a message (name, ZIP, phone)
open a one-question flow of the dialogue engine (`SettingsFlow`, kept in SQLite, so a typed answer
after a restart still lands); doing anything else closes it. A new place is kept in that dialogue
until its ZIP and zone are known, so a half-changed place is never saved.
"""

from __future__ import annotations

import contextlib
from typing import Any

from babel.lists import format_list
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.i18n import N_, Translator, available_locales, language_name
from bot.services import profile
from bot.services.profile import InvalidChoice, InvalidName, InvalidPhone, InvalidZip, Profile
from bot.store import orgs
from bot.store.dialogues import Dialogue
from bot.vocab import KIND_BY_CODE, OUTREACH_LANGUAGES, OUTSIDE_US, kind_name, outreach_language_name
from handlers import onboarding
from handlers import profile_views as views
from handlers.commands import publish_person_menu
from handlers.kit import dialogues
from handlers.kit.context import BotContext, refresh_translator
from handlers.kit.guards import require_registered
from handlers.kit.keyboards import grid
from handlers.kit.replies import edit_or_keep
from handlers.menu import MENU_SETTINGS, main_menu
from handlers.profile_views import SETTINGS, SETTINGS_VIEW, esc

KIND = "settings"  # the dialogue: step 'name', 'phone', 'zip' or 'zone'; data {'state', 'zip'} for a new place
MAX_ORG_BUTTONS = 98  # Telegram allows 100 inline buttons; one row is Back
SHOWN_FOLLOWS = 5

EDITORS = ("name", "loc", "place", "phone", "langs", "ints", "orgs", "rem")


def _joined(t: Translator, items: list[str], empty: str) -> str:
    """'A, B and C' as the reader's language writes a list (CLDR), or `empty`."""
    return format_list(items, locale=t.babel) if items else empty


def settings_text(t: Translator, prof: Profile, note: str | None = None) -> str:
    person = prof.person
    follows = [esc(o.name) for o in prof.follows[:SHOWN_FOLLOWS]]
    if len(prof.follows) > SHOWN_FOLLOWS:
        follows.append(f"+{t.number(len(prof.follows) - SHOWN_FOLLOWS)}")
    reminders = [
        label
        for on, label in ((person.remind_24h, t._("24 hours before")), (person.remind_2h, t._("2 hours before")))
        if on
    ]
    lines = [
        "⚙️ <b>" + t._("Your settings") + "</b>",
        "",
        "👤 " + t._("Name: {value}").format(value=esc(person.name)),
        "🌐 " + t._("Language: {value}").format(value=language_name(t.locale)),
        "📍 " + t._("Place: {value}").format(value=esc(views.place(t, person.state, person.zip))),
        "🕒 " + t._("Time zone: {value}").format(value=views.zone_label(t, person.timezone or t.tz.key)),
        "📱 " + t._("Phone: {value}").format(value=esc(person.phone or t._("not shared"))),
        "🗣 "
        + t._("Languages you speak: {value}").format(
            value=_joined(t, [outreach_language_name(t, c) for c in prof.languages], t._("none"))
        ),
        "⭐ "
        + t._("Interests: {value}").format(
            value=_joined(t, [kind_name(t, k) for k in prof.interests], t._("every kind of shift"))
        ),
        "🏢 " + t._("Organizations you follow: {value}").format(value=_joined(t, follows, t._("none"))),
        "⏰ " + t._("Reminders: {value}").format(value=_joined(t, reminders, t._("off"))),
    ]
    if note:
        lines[:0] = [note, ""]
    return "\n".join(lines)


def settings_markup(t: Translator) -> InlineKeyboardMarkup:
    labels = {
        "name": "👤 " + t._("Name"),
        "loc": "🌐 " + t._("Language"),
        "place": "📍 " + t._("Place and time zone"),
        "phone": "📱 " + t._("Phone"),
        "langs": "🗣 " + t._("Languages I speak"),
        "ints": "⭐ " + t._("Interests"),
        "orgs": "🏢 " + t._("Organizations"),
        "rem": "⏰ " + t._("Reminders"),
    }
    buttons = [InlineKeyboardButton(labels[e], callback_data=f"set:open:{e}") for e in EDITORS]
    return InlineKeyboardMarkup(
        [*grid(buttons, 2), [InlineKeyboardButton("« " + t._("Main menu"), callback_data="set:close")]]
    )


async def _view(context: BotContext, note: str | None = None) -> tuple[str, InlineKeyboardMarkup]:
    prof = await profile.load(context.runtime.database, context.person.id)
    return settings_text(context.t, prof, note), settings_markup(context.t)


def _saved(t: Translator) -> str:
    return "✅ " + t._("Saved.")


async def cancel_editor(context: BotContext) -> bool:
    """Drops a half-done editor; True when there was one."""
    return await dialogues.end(context, KIND)


async def _send_view(update: Update, context: BotContext, note: str | None = None) -> None:
    text, markup = await _view(context, note)
    await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)


# --- entry points -----------------------------------------------------------------------------------


async def settings_command(update: Update, context: BotContext) -> None:
    """Shows the settings screen (or the next onboarding question to someone not set up yet)."""
    if not context.person.is_registered:
        await onboarding.resume(update, context, intro=context.t._("Let's finish setting you up first."))
        return
    await cancel_editor(context)
    await _send_view(update, context)


async def settings_button(update: Update, context: BotContext) -> None:
    """The main menu's Settings button and every editor's Back: the settings screen, in place."""
    query = update.callback_query
    if not await require_registered(update, context):
        return
    await query.answer()
    await cancel_editor(context)
    text, markup = await _view(context)
    await edit_or_keep(query, text, markup)


async def close(update: Update, context: BotContext) -> None:
    """Back to the main menu."""
    query = update.callback_query
    if not await require_registered(update, context):
        return
    await query.answer()
    await cancel_editor(context)
    await edit_or_keep(query, onboarding.menu_prompt(context.t, context.person), main_menu(context.t))


async def open_editor(update: Update, context: BotContext) -> None:
    """Opens one answer's editor."""
    query = update.callback_query
    if not await require_registered(update, context):
        return
    await cancel_editor(context)
    t, editor = context.t, context.match.group(1)
    prof = await profile.load(context.runtime.database, context.person.id)
    if editor not in ("name", "phone"):
        await query.answer()
    if editor == "name":
        if await dialogues.begin(update, context, KIND, "name") is None:
            return  # asked first whether to leave another dialogue (which answers the press)
        await query.answer()
        text, markup = views.name_prompt(t, SETTINGS, None)
        await edit_or_keep(query, text, markup)
    elif editor == "loc":
        await edit_or_keep(query, t._("Choose your language:"), views.locale_picker(t, SETTINGS))
    elif editor == "place":
        await edit_or_keep(query, *views.state_prompt(t, SETTINGS))
    elif editor == "phone":
        # The share-contact button lives on a reply keyboard, which needs a message of its own.
        if await dialogues.begin(update, context, KIND, "phone") is None:
            return
        await query.answer()
        text, keyboard = views.phone_prompt(t, SETTINGS, prof.person.phone)
        await context.bot.send_message(query.message.chat.id, text, reply_markup=keyboard)
    elif editor == "langs":
        await edit_or_keep(query, *views.languages_prompt(t, SETTINGS, prof.languages))
    elif editor == "ints":
        await edit_or_keep(query, *views.interests_prompt(t, SETTINGS, prof.interests))
    elif editor == "orgs":
        await edit_or_keep(query, *await _orgs_view(context))
    else:
        await edit_or_keep(query, *_reminders_view(t, prof))


async def _stale(update: Update, context: BotContext) -> None:
    await update.callback_query.answer(context.t._("This button no longer works. Please send /start."), show_alert=True)


# --- language ---------------------------------------------------------------------------------------


async def locale_chosen(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if not await require_registered(update, context):
        return
    if context.match.group(1) not in available_locales():
        await query.answer(context.t._("That language is not available."), show_alert=True)
        return
    await query.answer()
    person = await profile.set_locale(
        context.runtime.database, context.person.id, context.match.group(1), context.runtime.now_ts()
    )
    refresh_translator(context, person)
    await publish_person_menu(context.bot, context.runtime, person)
    await edit_or_keep(query, *await _view(context, _saved(context.t)))


# --- place and time zone ------------------------------------------------------------------------------


async def _draft(context: BotContext) -> dict[str, Any]:
    """The new place being entered ({'state', 'zip'}), or {} when no place editor is open."""
    open_ = await dialogues.current(context)
    return open_.data if open_ is not None and open_.kind == KIND else {}


async def state_chosen(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if not await require_registered(update, context):
        return
    state = context.match.group(1)
    if not profile.is_known_state(state):
        await _stale(update, context)
        return
    step = "zone" if state == OUTSIDE_US else "zip"
    if await dialogues.begin(update, context, KIND, step, {"state": state}) is None:
        return  # asked first whether to leave another dialogue (which answers the press)
    await query.answer()
    if state == OUTSIDE_US:
        await edit_or_keep(query, *views.zone_prompt(context.t, SETTINGS, state))
        return
    await edit_or_keep(query, *views.zip_prompt(context.t, SETTINGS, state))


async def zone_chosen(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if not await require_registered(update, context):
        return
    draft = await _draft(context)
    state = draft.get("state")
    zones = profile.zones_for(state) if state and profile.is_known_state(state) else ()
    index = int(context.match.group(1))
    if index >= len(zones) or (state != OUTSIDE_US and not draft.get("zip")):
        await _stale(update, context)  # no place being edited: an old or forged button
        return
    await query.answer()
    await _save_place(context, state, draft.get("zip"), zones[index])
    await edit_or_keep(query, *await _view(context, _saved(context.t)))


async def _save_place(context: BotContext, state: str, zip_code: str | None, zone: str) -> None:
    person = await profile.set_location(
        context.runtime.database, context.person.id, state, zip_code, zone, context.runtime.now_ts()
    )
    await cancel_editor(context)
    refresh_translator(context, person)


# --- outreach languages and interests -----------------------------------------------------------------


async def language_toggled(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if not await require_registered(update, context):
        return
    if context.match.group(1) not in OUTREACH_LANGUAGES:
        await _stale(update, context)
        return
    await query.answer()
    chosen = await profile.toggle_language(context.runtime.database, context.person.id, context.match.group(1))
    await edit_or_keep(query, None, views.languages_markup(context.t, SETTINGS, chosen))


async def interest_toggled(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if not await require_registered(update, context):
        return
    kind = KIND_BY_CODE.get(context.match.group(1))
    if kind is None:
        await _stale(update, context)
        return
    await query.answer()
    chosen = await profile.toggle_interest(context.runtime.database, context.person.id, kind)
    await edit_or_keep(query, None, views.interests_markup(context.t, SETTINGS, chosen))


async def multi_select_done(update: Update, context: BotContext) -> None:
    """Done under languages or interests: every tap is already saved, so just show the settings."""
    query = update.callback_query
    if not await require_registered(update, context):
        return
    await query.answer()
    await edit_or_keep(query, *await _view(context, _saved(context.t)))


# --- organizations and reminders ----------------------------------------------------------------------


async def _orgs_view(context: BotContext) -> tuple[str, InlineKeyboardMarkup]:
    t, db = context.t, context.runtime.database
    active = (await orgs.list_active(db))[:MAX_ORG_BUTTONS]
    back = views.back_row(t, SETTINGS)
    if not active:
        return t._("There are no partner organizations yet."), InlineKeyboardMarkup(back)
    following = await orgs.followed_ids(db, context.person.id)
    rows = [
        [InlineKeyboardButton(views.ticked(org.name, org.id in following), callback_data=f"set:org:{org.id}")]
        for org in active
    ]
    text = t._("Follow the organizations whose shifts you'd like to see first. Tap one to follow or unfollow it.")
    return text, InlineKeyboardMarkup(rows + back)


async def org_toggled(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if not await require_registered(update, context):
        return
    runtime = context.runtime
    org_id = int(context.match.group(1))
    if await orgs.get_active(runtime.database, org_id) is None:
        await _stale(update, context)
        return
    await query.answer()
    with contextlib.suppress(InvalidChoice):  # archived a moment ago: the list below no longer offers it
        await profile.toggle_follow(runtime.database, context.person.id, org_id, runtime.now_ts())
    await edit_or_keep(query, *await _orgs_view(context))


def _reminders_view(t: Translator, prof: Profile) -> tuple[str, InlineKeyboardMarkup]:
    person = prof.person
    rows = [
        [InlineKeyboardButton(views.ticked(t._("24 hours before"), person.remind_24h), callback_data="set:rem:24")],
        [InlineKeyboardButton(views.ticked(t._("2 hours before"), person.remind_2h), callback_data="set:rem:2")],
    ]
    text = t._("Which reminders would you like before each shift? Tap one to turn it on or off.")
    return text, InlineKeyboardMarkup(rows + views.back_row(t, SETTINGS))


async def reminder_toggled(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if not await require_registered(update, context):
        return
    await query.answer()
    runtime = context.runtime
    await profile.toggle_reminder(runtime.database, context.person.id, context.match.group(1), runtime.now_ts())
    prof = await profile.load(runtime.database, context.person.id)
    await edit_or_keep(query, *_reminders_view(context.t, prof))


# --- typed input: name, ZIP, phone ----------------------------------------------------------------------


async def on_text(update: Update, context: BotContext, editing: str, draft: dict[str, Any]) -> None:
    """Takes the typed answer the open editor waits for."""
    t, runtime = context.t, context.runtime
    message = update.effective_message
    text = message.text or ""
    if editing == "name":
        try:
            await profile.set_name(runtime.database, context.person.id, text, runtime.now_ts())
        except InvalidName as error:
            await message.reply_text(views.name_error(t, error))
            return
        await cancel_editor(context)
        await _send_view(update, context, _saved(t))
    elif editing == "zip":
        state = draft.get("state")
        if not state:
            await cancel_editor(context)
            return
        try:
            zip_code = profile.check_zip(state, text)
        except InvalidZip as error:
            reply, markup = views.zip_error(t, SETTINGS, error, state, text)
            await message.reply_text(reply, reply_markup=markup)
            return
        zones = profile.zones_for(state)
        if len(zones) > 1:
            await dialogues.save(context, Dialogue(kind=KIND, step="zone", data={"state": state, "zip": zip_code}))
            reply, markup = views.zone_prompt(t, SETTINGS, state)
            await message.reply_text(reply, reply_markup=markup)
            return
        await _save_place(context, state, zip_code, zones[0])
        await _send_view(update, context, _saved(context.t))
    elif editing == "phone":
        await _phone_text(update, context, text.strip())
    else:  # the zone question wants a tap
        await message.reply_text(t._("Please answer with the buttons below."))


async def _phone_text(update: Update, context: BotContext, text: str) -> None:
    t, runtime = context.t, context.runtime
    message = update.effective_message
    if text == views.remove_label(t):
        await profile.set_phone(runtime.database, context.person.id, None, runtime.now_ts())
        note = t._("I've removed your phone number.")
    elif text == views.keep_label(t):
        note = t._("OK, nothing changed.")
    else:
        prof = await profile.load(runtime.database, context.person.id)
        _, keyboard = views.phone_prompt(t, SETTINGS, prof.person.phone)
        await message.reply_text(t._("Please use the buttons below."), reply_markup=keyboard)
        return
    await cancel_editor(context)
    await message.reply_text(note, reply_markup=ReplyKeyboardRemove())
    await _send_view(update, context)


async def on_contact(update: Update, context: BotContext) -> None:
    """A new phone number from the share button, when the phone editor is open."""
    t, runtime = context.t, context.runtime
    message = update.effective_message
    prof = await profile.load(runtime.database, context.person.id)
    _, keyboard = views.phone_prompt(t, SETTINGS, prof.person.phone)
    phone = onboarding.own_phone(update)
    if phone is None:
        await message.reply_text(
            t._("That's someone else's contact. I can only save your own number: use the button below."),
            reply_markup=keyboard,
        )
        return
    try:
        await profile.set_phone(runtime.database, context.person.id, phone, runtime.now_ts())
    except InvalidPhone:
        await message.reply_text(
            t._("I couldn't read that phone number. Please use the button below."), reply_markup=keyboard
        )
        return
    await cancel_editor(context)
    await message.reply_text(t._("Thanks, I've saved your number."), reply_markup=ReplyKeyboardRemove())
    await _send_view(update, context)


class SettingsFlow(dialogues.Flow):
    """An editor waiting for a message: a typed name or ZIP, the phone buttons or a contact card."""

    kind = KIND
    name = N_("changing your settings")
    one_question = True
    buttons = (SETTINGS,)

    async def on_message(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        message = update.effective_message
        if dialogue.step == "phone" and message.contact is not None:
            await on_contact(update, context)
        elif message.text is not None:
            await on_text(update, context, dialogue.step, dialogue.data)
        else:
            await self.resume(update, context, dialogue)

    async def resume(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        t, chat_id = context.t, update.effective_chat.id
        state = dialogue.data.get("state") or ""
        if dialogue.step == "name":
            text, markup = views.name_prompt(t, SETTINGS, None)
        elif dialogue.step == "phone":
            prof = await profile.load(context.runtime.database, context.person.id)
            text, markup = views.phone_prompt(t, SETTINGS, prof.person.phone)
        elif dialogue.step == "zip" and profile.is_known_state(state):
            text, markup = views.zip_prompt(t, SETTINGS, state)
        elif dialogue.step == "zone" and profile.is_known_state(state):
            text, markup = views.zone_prompt(t, SETTINGS, state)
        else:
            await dialogues.end(context, KIND)
            await _send_view(update, context)
            return
        await context.bot.send_message(chat_id, text, reply_markup=markup)


def register(app: Application) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("settings", settings_command, filters=private))
    app.add_handler(CallbackQueryHandler(settings_button, pattern=rf"^({MENU_SETTINGS}|{SETTINGS_VIEW})$"))
    app.add_handler(CallbackQueryHandler(close, pattern=r"^set:close$"))
    app.add_handler(CallbackQueryHandler(open_editor, pattern=rf"^set:open:({'|'.join(EDITORS)})$"))
    app.add_handler(CallbackQueryHandler(locale_chosen, pattern=views.pattern(SETTINGS, "loc")))
    app.add_handler(CallbackQueryHandler(state_chosen, pattern=views.pattern(SETTINGS, "st")))
    app.add_handler(CallbackQueryHandler(zone_chosen, pattern=views.pattern(SETTINGS, "tz")))
    app.add_handler(CallbackQueryHandler(language_toggled, pattern=views.pattern(SETTINGS, "lg")))
    app.add_handler(CallbackQueryHandler(interest_toggled, pattern=views.pattern(SETTINGS, "in")))
    app.add_handler(CallbackQueryHandler(multi_select_done, pattern=r"^set:(lgok|inok)$"))
    app.add_handler(CallbackQueryHandler(org_toggled, pattern=r"^set:org:(\d{1,12})$"))
    app.add_handler(CallbackQueryHandler(reminder_toggled, pattern=r"^set:rem:(24|2)$"))
    dialogues.register_flow(SettingsFlow())
