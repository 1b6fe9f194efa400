"""/mydata sends a copy of everything stored about the person; /deleteme erases it after a confirmation."""

from __future__ import annotations

import json
import logging

from telegram import BotCommandScopeChat, InputFile, Update
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler, filters

from bot.services import privacy
from handlers import privacy_views as views
from handlers.kit.context import BotContext
from handlers.kit.replies import edit_or_keep, edit_or_send
from handlers.notices import poke_dispatcher

log = logging.getLogger(__name__)


async def mydata(update: Update, context: BotContext) -> None:
    """Sends mydata.json: the profile, languages, interests, follows, roles, signups, check-ins, reports."""
    runtime = context.runtime
    data = await privacy.export(runtime.database, context.person.id, runtime.now_ts())
    if data is None:  # gone mid-update (a /deleteme racing this)
        return
    payload = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    await update.effective_message.reply_document(
        InputFile(payload, filename="mydata.json"),
        caption=context.t._("Here is everything I keep about you, as a JSON file."),
    )


async def deleteme(update: Update, context: BotContext) -> None:
    """Says what deleting removes and what it keeps, and asks to confirm."""
    runtime = context.runtime
    upcoming = await privacy.upcoming_count(runtime.database, context.person.id, runtime.now_ts())
    text, markup = views.delete_question(context.t, context.person.id, upcoming)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def confirm(update: Update, context: BotContext, button: views.Erase | views.KeepData) -> None:
    """Erases the person (after Yes), tells anyone promoted from a waitlist, and says goodbye."""
    query = update.callback_query
    t, runtime = context.t, context.runtime
    if button.person != context.person.id:
        await query.answer(t._("This button no longer works. Please send /start."), show_alert=True)
        return
    await query.answer()
    if isinstance(button, views.KeepData):
        await edit_or_keep(query, t._("OK, nothing was deleted."), None)
        return
    erased = await privacy.erase(
        runtime.database, context.person.id, runtime.now_ts(), policy=runtime.reminder_policy
    )
    if erased.promoted:
        poke_dispatcher(context)  # their notices were queued with their promotion
    # Erased: from here on no failure may read as "something went wrong", so a refused edit becomes a new message.
    await edit_or_send(
        query,
        t._(
            "Your data has been deleted. Thank you for everything you did! If you send /start again, we'll start fresh."
        ),
    )
    try:  # their chat's command menu was in the language they chose: back to Telegram's default
        await context.bot.delete_my_commands(scope=BotCommandScopeChat(query.message.chat.id))
    except TelegramError:
        log.warning("could not reset the command menu of a deleted person's chat", exc_info=True)


def register(app: Application) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("mydata", mydata, filters=private))
    app.add_handler(CommandHandler("deleteme", deleteme, filters=private))
    app.add_handler(views.Erase.handler(confirm))
    app.add_handler(views.KeepData.handler(confirm))
