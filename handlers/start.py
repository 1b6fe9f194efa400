"""First contact: /start greets the person in their language; /help and /language."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.i18n import available_locales, language_name
from bot.services.people import choose_locale
from bot.store import people
from handlers.commands import publish_chat_menu
from handlers.context import BotContext, refresh_translator
from handlers.keyboards import LANGUAGE_PREFIX, language_picker


async def start(update: Update, context: BotContext) -> None:
    """Greets the person by name in their language and offers the language picker."""
    t = context.t
    greeting = t._("Hi, {name}! I'm Turnout.").format(name=html.escape(context.person.name))
    intro = t._(
        "I help you volunteer with community organizations near you: find shifts, sign up, "
        "and get reminders."
    )
    ask = t._("Which language should I use? You can change it any time with /language.")
    await update.effective_message.reply_text(
        f"{greeting}\n\n{intro}\n\n{ask}", reply_markup=language_picker(t.locale)
    )


async def help_command(update: Update, context: BotContext) -> None:
    """Says what the bot does and which commands there are."""
    t = context.t
    lines = [
        t._("<b>Turnout</b> connects volunteers with shifts at partner organizations."),
        "",
        t._("/start: start, or go back to the main menu"),
        t._("/language: choose the language I use with you"),
        t._("/help: this message"),
    ]
    await update.effective_message.reply_text("\n".join(lines))


async def language_command(update: Update, context: BotContext) -> None:
    """Shows the language picker."""
    t = context.t
    await update.effective_message.reply_text(
        t._("Choose your language:"), reply_markup=language_picker(t.locale)
    )


async def language_chosen(update: Update, context: BotContext) -> None:
    """Stores the chosen language and answers in it from now on."""
    query = update.callback_query
    locale = query.data.removeprefix(LANGUAGE_PREFIX)
    if locale not in available_locales():  # forged or from an older version of the bot
        await query.answer(context.t._("That language is not available."), show_alert=True)
        return
    await query.answer()
    runtime = context.runtime
    await choose_locale(runtime.database, context.person, locale, runtime.now_ts())
    person = await people.get(runtime.database, context.person.id)
    assert person is not None
    refresh_translator(context, person)
    t = context.t
    await query.edit_message_text(
        t._("Done! I'll write to you in {language}.").format(language=language_name(locale))
        + "\n\n"
        + t._("Send /help to see what I can do.")
    )
    await publish_chat_menu(context.bot, query.message.chat.id, t)


def register(app: Application) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("start", start, filters=private))
    app.add_handler(CommandHandler("help", help_command, filters=private))
    app.add_handler(CommandHandler("language", language_command, filters=private))
    app.add_handler(CallbackQueryHandler(language_chosen, pattern=rf"^{LANGUAGE_PREFIX}[A-Za-z_]{{2,12}}$"))
