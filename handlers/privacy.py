"""/mydata sends a copy of everything stored about the person; /deleteme erases it after a confirmation."""

from __future__ import annotations

import json
import logging

from telegram import BotCommandScopeChat, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.services import privacy
from handlers.context import BotContext
from handlers.notices import poke_dispatcher
from handlers.replies import edit_or_keep, edit_or_send

log = logging.getLogger(__name__)

CONFIRM_PATTERN = r"^del:(yes|no):(\d{1,12})$"


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
    t, runtime = context.t, context.runtime
    person_id = context.person.id
    upcoming = await privacy.upcoming_count(runtime.database, person_id, runtime.now_ts())
    lines = [
        t._(
            "This deletes your name, phone number, ZIP code, languages, interests and the organizations "
            "you follow. Organizations keep only anonymous counts of past shifts."
        )
    ]
    if upcoming:
        lines.append(
            t.ngettext(
                "You'll also be taken off your {count} upcoming shift, and the next person in line gets your place.",
                "You'll also be taken off your {count} upcoming shifts, and the next people in line get your places.",
                upcoming,
            ).format(count=t.number(upcoming))
        )
    lines += ["", "<b>" + t._("This can't be undone. Delete your data?") + "</b>"]
    # The person's id in the buttons: an old confirmation can never erase whoever this user is later.
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("🗑 " + t._("Yes, delete my data"), callback_data=f"del:yes:{person_id}")],
            [InlineKeyboardButton(t._("No, keep it"), callback_data=f"del:no:{person_id}")],
        ]
    )
    await update.effective_message.reply_text("\n".join(lines), reply_markup=markup)


async def confirm(update: Update, context: BotContext) -> None:
    """Erases the person (after Yes), tells anyone promoted from a waitlist, and says goodbye."""
    query = update.callback_query
    t, runtime = context.t, context.runtime
    if int(context.match.group(2)) != context.person.id:
        await query.answer(t._("This button no longer works. Please send /start."), show_alert=True)
        return
    await query.answer()
    if context.match.group(1) == "no":
        await edit_or_keep(query, t._("OK, nothing was deleted."), None)
        return
    erased = await privacy.erase(
        runtime.database, context.person.id, runtime.now_ts(), policy=runtime.reminder_policy
    )
    context.user_data.clear()
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
    app.add_handler(CallbackQueryHandler(confirm, pattern=CONFIRM_PATTERN))
