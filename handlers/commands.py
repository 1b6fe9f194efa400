"""The command menu Telegram shows, per language."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.i18n import N_, available_locales, translations
from bot.runtime import Runtime
from bot.services import authz
from bot.services.authz import Actor
from bot.store.people import Person

log = logging.getLogger(__name__)

# Volunteers' commands, in menu order. A feature adds its command here when it ships.
VOLUNTEER_COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Start or go back to the main menu")),
    ("shifts", N_("Find open shifts")),
    ("myshifts", N_("Your upcoming shifts")),
    ("checkin", N_("Check in at your shift")),
    ("hours", N_("Your hours, shifts and milestones")),
    ("report", N_("Add your numbers for a recent shift: doors, calls, texts")),
    ("help", N_("What this bot can do")),
    ("language", N_("Change the language")),
    ("settings", N_("Your name, place, phone, languages, interests and reminders")),
    ("mydata", N_("Get a copy of your data")),
    ("deleteme", N_("Delete your data")),
    ("cancel", N_("Stop what you're doing")),
)

# Coordinators' commands, added to their own chat's menu on top of the volunteers'. Features add theirs.
COORDINATOR_COMMANDS: tuple[tuple[str, str], ...] = (
    ("newshift", N_("Post a shift, a weekly series, or many from a CSV file")),
    ("export", N_("Export rosters, attendance and hours as CSV")),
    ("manage", N_("Edit, cancel, copy or message your upcoming shifts")),
    ("roster", N_("Who is signed up for a shift; mark attendance")),
    ("stats", N_("Fill rate, attendance, hours and a chart of the last 12 weeks")),
    ("campaigns", N_("Campaigns and their goals: doors, conversations, calls, texts, hours")),
    ("broadcast", N_("Send a message to your organization's followers")),
)

# Org admins' (and network admins') commands, on top of the coordinators'.
ADMIN_COMMANDS: tuple[tuple[str, str], ...] = (
    ("invite", N_("Invite a coordinator or an org admin")),
    ("team", N_("See and manage your organization's team")),
)

# Network admins' (TURNOUT_ADMINS) commands, on top of the admins'.
NETWORK_ADMIN_COMMANDS: tuple[tuple[str, str], ...] = (("neworg", N_("Create a partner organization")),)

DESCRIPTION = N_(
    "Turnout helps you volunteer with community organizations near you: find canvasses, phone banks, "
    "text banks, events and trainings, sign up in one tap, and get reminders in your language."
)
SHORT_DESCRIPTION = N_("Find volunteer shifts, sign up in one tap, get reminders in your language.")


def telegram_language_code(locale: str) -> str | None:
    """Telegram keys command menus by a two-letter ISO 639-1 code; Tagalog is `tl`.

    zh_Hans and zh_Hant share `zh`: Simplified takes it, Traditional readers get their menu per chat
    once they choose a language.
    """
    language = locale.split("_")[0]
    if locale == "zh_Hant":
        return None
    if language == "fil":
        return "tl"
    return language if len(language) == 2 else None


def bot_commands(locale: str) -> list[BotCommand]:
    catalog = translations(locale)
    return [BotCommand(name, catalog.gettext(description)) for name, description in VOLUNTEER_COMMANDS]


async def publish_menus(bot: Bot, default_locale: str) -> None:
    """Sets the command list and descriptions for every locale, and the default for everyone else."""
    for locale in available_locales():
        code = telegram_language_code(locale)
        if code is None:
            continue
        catalog = translations(locale)
        await bot.set_my_commands(bot_commands(locale), language_code=code)
        await bot.set_my_description(catalog.gettext(DESCRIPTION), language_code=code)
        await bot.set_my_short_description(catalog.gettext(SHORT_DESCRIPTION), language_code=code)
    default = translations(default_locale)
    await bot.set_my_commands(bot_commands(default_locale))
    await bot.set_my_description(default.gettext(DESCRIPTION))
    await bot.set_my_short_description(default.gettext(SHORT_DESCRIPTION))


def commands_for(actor: Actor) -> tuple[tuple[str, str], ...]:
    """The commands this person may use, in menu order: volunteers' first, then by role."""
    entries = VOLUNTEER_COMMANDS
    if actor.is_coordinator:
        entries += COORDINATOR_COMMANDS
    if actor.is_network_admin or any(r.role == "org_admin" for r in actor.roles):
        entries += ADMIN_COMMANDS
    if actor.is_network_admin:
        entries += NETWORK_ADMIN_COMMANDS
    return entries


async def publish_person_menu(bot: Bot, runtime: Runtime, person: Person) -> None:
    """Gives one person's chat the menu of their roles, in the language they chose.

    Called whenever either changes (language chosen, role granted or removed, /start), so a
    coordinator's menu never falls back to the volunteers' one.
    """
    actor = await authz.actor(runtime.database, person.id, person.telegram_id, runtime.settings.admins)
    catalog = translations(runtime.translator_for(person).locale)
    entries = tuple((name, catalog.gettext(description)) for name, description in commands_for(actor))
    if runtime.published_menus.get(person.telegram_id) == entries:
        return  # Telegram has this very menu for the chat already: no request on every /start
    try:
        await bot.set_my_commands([BotCommand(*e) for e in entries], scope=BotCommandScopeChat(person.telegram_id))
    except TelegramError:
        log.warning("could not set the command menu for a chat", exc_info=True)
        return
    if len(runtime.published_menus) >= 100_000:  # bounded: forgetting only costs a request
        runtime.published_menus.clear()
    runtime.published_menus[person.telegram_id] = entries
