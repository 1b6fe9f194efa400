"""What the user sees when something fails: a kind, translated line, never a traceback."""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, CallbackQueryHandler

from bot.store import people
from handlers.kit.context import BotContext
from handlers.pacer import OutcomeUnknown

log = logging.getLogger(__name__)


async def unknown_button(update: Update, context: BotContext) -> None:
    """Answers a button no handler knows (old, or forged) instead of leaving it spinning."""
    await update.callback_query.answer(
        context.t._("This button no longer works. Please send /start."), show_alert=True
    )


async def on_error(update: object, context: BotContext) -> None:
    """Logs the failure with its traceback, stops a pressed button spinning, and tells the user to try again."""
    if isinstance(context.error, OutcomeUnknown):
        # Telegram got a reply and never answered: it has likely arrived, and "something went wrong"
        # under it would be false (and one more message to a Telegram that is already slow).
        log.warning("a reply's outcome is unknown: %s", context.error)
        if isinstance(update, Update) and update.callback_query is not None:
            with contextlib.suppress(TelegramError):  # answered already, or Telegram still silent
                await update.callback_query.answer()
        return
    # A service refusing someone (bot/services/*: NotAllowed) is an answer, not a bug: the handler's own
    # guard should have said it first, so it is logged, and the person is told who may do it.
    refused = isinstance(context.error, PermissionError)
    if refused:
        log.warning("a service refused an action the handler let through: %r", context.error)
    else:
        log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(context.error, Forbidden):
        return  # they blocked the bot: there is nobody to tell
    runtime = context.runtime
    user = update.effective_user
    language_code = user.language_code if user else None
    try:
        person = await people.get_by_telegram_id(runtime.database, user.id) if user else None
    except Exception:  # the database may be what failed; still answer in a language they read
        person = None
    t = runtime.translator_for(person, language_code)
    if refused:
        sorry = t._("Sorry, only the organization's coordinators can do that.")
    else:
        sorry = t._("Sorry, something went wrong. Please try again.")
    if update.callback_query is not None:
        try:
            await update.callback_query.answer(sorry)
        except BadRequest:
            pass  # the handler had answered it before failing: Telegram takes one answer per query
        except TelegramError:
            log.warning("could not answer the failed button press", exc_info=True)
    try:
        await context.bot.send_message(update.effective_chat.id, sorry)
    except TelegramError:
        log.warning("could not tell the user about the error", exc_info=True)


def register(app: Application) -> None:
    # Registered last in the default group, so it only sees buttons no feature claimed.
    app.add_handler(CallbackQueryHandler(unknown_button))
    app.add_error_handler(on_error)
