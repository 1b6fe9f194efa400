"""Checks every handler makes before acting: is this person set up to do it?"""

from __future__ import annotations

from telegram import Update

from handlers.context import BotContext


async def require_registered(update: Update, context: BotContext) -> bool:
    """True for a registered volunteer; otherwise tells them to finish /start and returns False."""
    person = context.person
    if person.is_registered and person.status != "deleted":
        return True
    text = context.t._("Let's finish setting you up first: send /start.")
    if update.callback_query:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message:
        await update.effective_message.reply_text(text)
    return False
