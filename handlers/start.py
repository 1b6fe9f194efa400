"""/start (deep links, onboarding or the main menu), /help and /language (/cancel: handlers/kit/dialogues.py)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, filters

from bot.i18n import Translator, available_locales
from bot.services import profile
from handlers import checkin, onboarding, staff_consent
from handlers.commands import commands_for, publish_person_menu
from handlers.invites import INVITE_PREFIX, accept_invite_link
from handlers.kit.context import BotContext, refresh_translator
from handlers.kit.guards import current_actor
from handlers.menu import Help, Language, language_menu, main_menu


async def start(update: Update, context: BotContext) -> None:
    """Continues onboarding for someone new; otherwise acts on the deep link or shows the main menu."""
    locale, payload = profile.split_language_link(context.args[0] if context.args else None)
    changed = locale is not None and await _adopt_locale(context, locale)
    # A role invite (handlers/invites.py), under which someone new gives the short consent; someone new
    # whose link doesn't work goes on to set up as a volunteer.
    if payload.startswith(INVITE_PREFIX) and (
        await accept_invite_link(update, context, payload.removeprefix(INVITE_PREFIX)) or context.person.is_registered
    ):
        return
    actor = await current_actor(context)
    # Coordinators and admins not set up: the short consent, never the volunteer questions.
    if (
        not context.person.is_registered
        and actor.is_coordinator
        and not await staff_consent.finish_if_agreed(context, actor)
    ):
        await staff_consent.ask(update, context)
        return
    person, t, runtime = context.person, context.t, context.runtime
    link = profile.parse_start_link(payload)
    if not person.is_registered:
        if link is not None:  # acted on once they finish
            await profile.remember_start(runtime.database, person.id, link, runtime.now_ts())
        await onboarding.resume(update, context)
        return
    if link is not None and link.kind == "checkin":
        await checkin.check_in_by_code(update.effective_chat.id, context, link.token)
        return
    if link is not None and link.kind == "shift":
        from handlers.shifts import send_shift_card  # late: shifts imports more than /start needs

        await send_shift_card(update.effective_chat.id, context, link.shift_id)
        return
    await publish_person_menu(context.bot, runtime, person)  # their roles may have changed since
    lines = []
    if changed:
        lines += [_language_line(t), ""]
    if link is not None and link.kind == "org":
        lines += [await onboarding.follow_line(context, link.slug), ""]
    lines.append(onboarding.menu_prompt(t, person))
    await update.effective_message.reply_text("\n".join(lines), reply_markup=main_menu(t))


async def _adopt_locale(context: BotContext, locale: str) -> bool:
    """A flyer's `lang-` link sets the language of someone who hasn't chosen one; True when it changed
    what they read."""
    runtime, before = context.runtime, context.t.locale
    person = await profile.adopt_link_locale(runtime.database, context.person.id, locale, runtime.now_ts())
    if person is None:
        return False
    refresh_translator(context, person)
    await publish_person_menu(context.bot, runtime, person)
    return context.t.locale != before


def _language_line(t: Translator) -> str:
    return (
        t._("I'll write to you in {language}.").format(language=t.language)
        + " "
        + t._("You can change it any time in /settings.")
    )


async def help_text(context: BotContext) -> str:
    """What the bot does, then every command this person may use (the same list as their menu)."""
    t = context.t
    actor = await current_actor(context)
    lines = [t._("<b>Turnout</b> connects volunteers with shifts at partner organizations."), ""]
    lines += [f"{t.ltr('/' + name)} — {t._(description)}" for name, description in commands_for(actor)]
    return "\n".join(lines)


async def help_command(update: Update, context: BotContext) -> None:
    """Says what the bot does and which commands there are."""
    await update.effective_message.reply_text(await help_text(context))


async def help_button(update: Update, context: BotContext, _: Help) -> None:
    """The main menu's Help button: the same text, as a new message under the menu."""
    query = update.callback_query
    await query.answer()
    await context.bot.send_message(query.message.chat.id, await help_text(context))


async def language_command(update: Update, context: BotContext) -> None:
    """Shows the language picker."""
    t = context.t
    await update.effective_message.reply_text(t._("Choose your language:"), reply_markup=language_menu(t.locale))


async def language_chosen(update: Update, context: BotContext, button: Language) -> None:
    """Stores the chosen language and answers in it from now on (onboarding moves past its language step)."""
    query = update.callback_query
    runtime = context.runtime
    locale = button.code
    if locale not in available_locales():  # forged or from an older version of the bot
        await query.answer(context.t._("That language is not available."), show_alert=True)
        return
    await query.answer()
    person = await profile.set_locale(runtime.database, context.person.id, locale, runtime.now_ts())
    refresh_translator(context, person)
    t = context.t
    await query.edit_message_text(
        t._("Done! I'll write to you in {language}.").format(language=t.language)
        + "\n\n"
        + t._("Send /help to see what I can do.")
    )
    await publish_person_menu(context.bot, runtime, person)
    if not person.is_registered:  # the question they were at, now in the new language
        await onboarding.resume(update, context)


def register(app: Application) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("start", start, filters=private))
    app.add_handler(CommandHandler("help", help_command, filters=private))
    app.add_handler(CommandHandler("language", language_command, filters=private))
    app.add_handler(Help.handler(help_button))
    app.add_handler(Language.handler(language_chosen))
