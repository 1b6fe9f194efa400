"""/settings: one screen with the person's answers, and an editor per answer that returns to it.

The editors are the profile editors (handlers/profile_editors.py) in settings' mode, `Settings`: their
buttons carry `set:` data, and a saved answer shows the settings screen with "Saved". Editors that wait
for a message (name, ZIP, phone) open a one-question flow of the dialogue engine (`SettingsFlow`, kept
in SQLite, so a typed answer after a restart still lands); doing anything else closes it. A new place is
kept in that dialogue until its ZIP and zone are known, so a half-changed place is never saved.
"""

from __future__ import annotations

import contextlib
import typing
from dataclasses import dataclass
from typing import Any, Literal

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CommandHandler, filters

from bot.i18n import N_, Translator
from bot.services import profile
from bot.services.profile import InvalidChoice, Profile
from bot.store import orgs
from bot.store.dialogues import Dialogue
from bot.vocab import OUTSIDE_US, kind_name, outreach_language_name
from handlers import onboarding
from handlers import profile_editors as editors
from handlers import profile_views as views
from handlers.kit import dialogues, pickers
from handlers.kit.callbacks import Button
from handlers.kit.context import BotContext
from handlers.kit.guards import require_registered
from handlers.kit.keyboards import grid
from handlers.kit.replies import edit_or_keep
from handlers.menu import OpenSettings, main_menu
from handlers.profile_editors import Question
from handlers.profile_views import SETTINGS, SettingsView, esc

KIND = "settings"  # the dialogue: step 'name', 'phone', 'zip' or 'zone'; data {'state', 'zip'} for a new place
MAX_ORG_BUTTONS = 98  # Telegram allows 100 inline buttons; one row is Back
SHOWN_FOLLOWS = 5

Editor = Literal["name", "loc", "place", "phone", "langs", "ints", "orgs", "rem"]
EDITORS: tuple[Editor, ...] = typing.get_args(Editor)


@dataclass(frozen=True)
class OpenEditor(Button, prefix="set:open"):
    editor: Editor


@dataclass(frozen=True)
class Close(Button, prefix="set:close"):
    """Back to the main menu."""


@dataclass(frozen=True)
class ToggleFollow(Button, prefix="set:org"):
    org: int


@dataclass(frozen=True)
class OrgMessages(Button, prefix="set:msg"):
    """Lets an organization's messages reach them again (`on`), or stops them."""

    org: int
    on: bool


@dataclass(frozen=True)
class ToggleReminder(Button, prefix="set:rem"):
    which: Literal["24", "2"]  # profile.REMINDERS


def _joined(t: Translator, items: list[str], empty: str) -> str:
    """'A, B and C' as the reader's language writes a list (CLDR), or `empty`."""
    return t.listing(items) or empty


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
        "🌐 " + t._("Language: {value}").format(value=t.language),
        "📍 " + t._("Place: {value}").format(value=esc(views.place(t, person.state, person.zip))),
        "🕒 " + t._("Time zone: {value}").format(value=views.zone_label(t, person.timezone or t.tz.key)),
        "📱 " + t._("Phone: {value}").format(value=esc(person.phone or t._("not shared"))),
        "🗣 "
        + t._("Languages you speak: {value}").format(
            value=_joined(t, [outreach_language_name(t, c, sentence=True) for c in prof.languages], t._("none"))
        ),
        "⭐ "
        + t._("Interests: {value}").format(
            value=_joined(t, [kind_name(t, k) for k in prof.interests], t._("every kind of shift"))
        ),
        "🏢 " + t._("Organizations you follow: {value}").format(value=_joined(t, follows, t._("none"))),
        "⏰ " + t._("Reminders: {value}").format(value=_joined(t, reminders, t._("off"))),
    ]
    if prof.muted:
        muted = _joined(t, [esc(o.name) for o in prof.muted], "")
        lines.append("🔕 " + t._("No messages from: {value}").format(value=muted))
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
    buttons = [InlineKeyboardButton(labels[e], callback_data=OpenEditor(e).pack()) for e in EDITORS]
    return InlineKeyboardMarkup(
        [*grid(buttons, 2), [InlineKeyboardButton("« " + t._("Main menu"), callback_data=Close().pack())]]
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


async def settings_button(update: Update, context: BotContext, button: OpenSettings | SettingsView) -> None:
    """The main menu's Settings button and every editor's Back: the settings screen, in place."""
    query = update.callback_query
    if not await require_registered(update, context):
        return
    await query.answer()
    await cancel_editor(context)
    text, markup = await _view(context)
    await edit_or_keep(query, text, markup)


async def close(update: Update, context: BotContext, button: Close) -> None:
    """Back to the main menu."""
    query = update.callback_query
    if not await require_registered(update, context):
        return
    await query.answer()
    await cancel_editor(context)
    await edit_or_keep(query, onboarding.menu_prompt(context.t, context.person), main_menu(context.t))


async def open_editor(update: Update, context: BotContext, button: OpenEditor) -> None:
    """Opens one answer's editor."""
    query = update.callback_query
    if not await require_registered(update, context):
        return
    t, editor = context.t, button.editor
    await cancel_editor(context)
    prof = await profile.load(context.runtime.database, context.person.id)
    if editor in ("name", "phone") and await dialogues.begin(update, context, KIND, editor) is None:
        return  # asked first whether to leave another dialogue (which answers the press)
    await query.answer()
    if editor == "name":
        text, markup = views.name_prompt(t, SETTINGS, None)
        await edit_or_keep(query, text, markup)
    elif editor == "loc":
        await editors.show_locale_picker(query, context, SETTINGS)
    elif editor == "place":
        featured = await profile.network_states(context.runtime.database)
        await edit_or_keep(query, *views.state_prompt(t, SETTINGS, featured=featured))
    elif editor == "phone":
        # The share-contact button lives on a reply keyboard, which needs a message of its own.
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


async def _org_gone(update: Update, context: BotContext) -> None:
    """A button for an organization archived since the list was shown."""
    await update.callback_query.answer(context.t._("This organization is no longer active."), show_alert=True)


# --- the editors in settings' mode ----------------------------------------------------------------------


async def _draft(context: BotContext) -> dict[str, Any]:
    """The new place being entered ({'state', 'zip'}), or {} when no place editor is open."""
    open_ = await dialogues.current(context)
    return open_.data if open_ is not None and open_.kind == KIND else {}


class Settings(editors.Editing):
    """The editors in /settings: a registered person may use any of them, and every save shows the
    settings screen. The typed ones wait in the settings dialogue (step name, zip, zone or phone)."""

    mode = SETTINGS

    async def may_press(self, update: Update, context: BotContext, *steps: str) -> bool:
        return await require_registered(update, context)

    async def after(
        self, update: Update, context: BotContext, *, answered: str, query: CallbackQuery | None = None
    ) -> None:
        await cancel_editor(context)
        note = None if answered == profile.PHONE else _saved(context.t)  # the phone editor said what it did
        if query is not None:
            await edit_or_keep(query, *await _view(context, note))
        else:
            await _send_view(update, context, note)

    async def waiting_for(self, context: BotContext, dialogue: Dialogue) -> str | None:
        return dialogue.step if dialogue.step in editors.TYPED else None

    async def reask(self, update: Update, context: BotContext, dialogue: Dialogue, intro: str | None) -> None:
        question = _question(context, dialogue)
        if question is None:  # nothing left to ask (an edited database?): back to the settings
            await cancel_editor(context)
            await _send_view(update, context)
            return
        text, markup = question
        await context.bot.send_message(
            update.effective_chat.id, f"{intro}\n\n{text}" if intro else text, reply_markup=markup
        )

    def current_phone(self, context: BotContext) -> str | None:
        return context.person.phone

    async def start_place(self, update: Update, context: BotContext, state: str) -> bool:
        step = "zone" if state == OUTSIDE_US else "zip"
        return await dialogues.begin(update, context, KIND, step, {"state": state}) is not None

    async def place(self, context: BotContext) -> tuple[str | None, str | None]:
        draft = await _draft(context)
        return draft.get("state"), draft.get("zip")

    async def keep_zip(self, context: BotContext, state: str, zip_code: str) -> None:
        await dialogues.save(context, Dialogue(kind=KIND, step="zone", data={"state": state, "zip": zip_code}))

    async def save_place(self, context: BotContext, state: str, zip_code: str | None, zone: str) -> None:
        runtime = context.runtime
        context.person = await profile.set_location(
            runtime.database, context.person.id, state, zip_code, zone, runtime.now_ts()
        )
        await cancel_editor(context)


SETTINGS_EDITING = Settings()


def _question(context: BotContext, dialogue: Dialogue) -> Question | None:
    """The question the settings dialogue is at."""
    t = context.t
    state = dialogue.data.get("state") or ""
    if dialogue.step == "name":
        return views.name_prompt(t, SETTINGS, None)
    if dialogue.step == "phone":
        return views.phone_prompt(t, SETTINGS, context.person.phone)
    if dialogue.step == "zip" and profile.is_known_state(state) and state != OUTSIDE_US:
        return views.zip_prompt(t, SETTINGS, state)
    if dialogue.step == "zone" and profile.is_known_state(state):
        return views.zone_prompt(t, SETTINGS, state, dialogue.data.get("zip"))
    return None


# --- organizations and reminders ----------------------------------------------------------------------


async def _orgs_view(context: BotContext) -> tuple[str, InlineKeyboardMarkup]:
    """Every organization to follow or unfollow; beside those whose messages can reach the person
    (followed, or signed up with), a bell that stops or allows them."""
    t, db, person_id = context.t, context.runtime.database, context.person.id
    active = (await orgs.list_active(db))[: MAX_ORG_BUTTONS // 2]
    back = views.back_row(t, SETTINGS)
    if not active:
        return t._("There are no partner organizations yet."), InlineKeyboardMarkup(back)
    following = await orgs.followed_ids(db, person_id)
    reaching = {o.id for o in await orgs.connected(db, person_id)}
    muted = await orgs.muted_ids(db, person_id)
    rows = []
    for org in active:
        follow = pickers.ticked(org.name, org.id in following)
        row = [InlineKeyboardButton(follow, callback_data=ToggleFollow(org.id).pack())]
        if org.id in reaching or org.id in muted:
            on = org.id not in muted
            label = "🔔 " + t._("Messages on") if on else "🔕 " + t._("Messages off")
            row.append(InlineKeyboardButton(label, callback_data=OrgMessages(org.id, not on).pack()))
        rows.append(row)
    text = t._("Follow the organizations whose shifts you'd like to see first. Tap one to follow or unfollow it.")
    if reaching or muted:
        text += "\n\n" + t._(
            "Organizations you follow or signed up with can send you messages. "
            "Tap 🔔 to stop an organization's messages, or 🔕 to get them again."
        )
    return text, InlineKeyboardMarkup(rows + back)


async def org_toggled(update: Update, context: BotContext, button: ToggleFollow) -> None:
    query = update.callback_query
    if not await require_registered(update, context):
        return
    runtime = context.runtime
    org_id = button.org
    if await orgs.get_active(runtime.database, org_id) is None:
        await _org_gone(update, context)
        return
    await query.answer()
    with contextlib.suppress(InvalidChoice):  # archived a moment ago: the list below no longer offers it
        await profile.toggle_follow(runtime.database, context.person.id, org_id, runtime.now_ts())
    await edit_or_keep(query, *await _orgs_view(context))


async def org_messages(update: Update, context: BotContext, button: OrgMessages) -> None:
    """Stops (or allows again) one organization's messages, and shows the list with the new bell."""
    query = update.callback_query
    if not await require_registered(update, context):
        return
    runtime = context.runtime
    try:
        await profile.set_org_messages(runtime.database, context.person.id, button.org, button.on, runtime.now_ts())
    except InvalidChoice:
        await _org_gone(update, context)
        return
    await query.answer()
    await edit_or_keep(query, *await _orgs_view(context))


def _reminders_view(t: Translator, prof: Profile) -> tuple[str, InlineKeyboardMarkup]:
    person = prof.person
    rows = [
        [
            InlineKeyboardButton(
                pickers.ticked(t._("24 hours before"), person.remind_24h), callback_data=ToggleReminder("24").pack()
            )
        ],
        [
            InlineKeyboardButton(
                pickers.ticked(t._("2 hours before"), person.remind_2h), callback_data=ToggleReminder("2").pack()
            )
        ],
    ]
    text = t._("Which reminders would you like before each shift? Tap one to turn it on or off.")
    return text, InlineKeyboardMarkup(rows + views.back_row(t, SETTINGS))


async def reminder_toggled(update: Update, context: BotContext, button: ToggleReminder) -> None:
    query = update.callback_query
    if not await require_registered(update, context):
        return
    await query.answer()
    runtime = context.runtime
    await profile.toggle_reminder(runtime.database, context.person.id, button.which, runtime.now_ts())
    prof = await profile.load(runtime.database, context.person.id)
    await edit_or_keep(query, *_reminders_view(context.t, prof))


class SettingsFlow(editors.EditorFlow):
    """An editor waiting for a message: a typed name or ZIP, the phone buttons or a contact card."""

    kind = KIND
    name = N_("changing your settings")
    one_question = True
    buttons = (SETTINGS,)
    editing = SETTINGS_EDITING


def register(app: Application) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("settings", settings_command, filters=private))
    app.add_handler(OpenSettings.handler(settings_button))
    app.add_handler(SettingsView.handler(settings_button))
    app.add_handler(Close.handler(close))
    app.add_handler(OpenEditor.handler(open_editor))
    app.add_handler(ToggleFollow.handler(org_toggled))
    app.add_handler(OrgMessages.handler(org_messages))
    app.add_handler(ToggleReminder.handler(reminder_toggled))
    editors.register(app, SETTINGS_EDITING)
    dialogues.register_flow(SettingsFlow())
