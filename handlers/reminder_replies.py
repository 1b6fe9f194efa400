"""The buttons under a reminder: "I'll be there" and "I can't make it"."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application

from bot.services.signups import CancelOutcome, acknowledge
from handlers import shift_views as views
from handlers.kit.context import BotContext
from handlers.kit.replies import take_buttons
from handlers.myshifts import cancel_signup, refuse_cancel
from handlers.shift_notices import ReminderReply, answered_reminder_markup


async def reminder_reply(update: Update, context: BotContext, button: ReminderReply) -> None:
    """Marks them as coming, or cancels their place and lets the next in line have it."""
    query = update.callback_query
    t, runtime = context.t, context.runtime
    signup_id, coming = button.signup, button.answer == "y"
    if coming:
        shift = await acknowledge(runtime.database, context.person.id, signup_id, runtime.now_ts())
        if shift is None:
            await query.answer(t._("This button no longer works. Please send /start."), show_alert=True)
            return
        await query.answer(t._("Thank you! See you there."))
        if not await take_buttons(query, answered_reminder_markup(t, shift)):
            return  # pressed twice: said already
        await context.bot.send_message(
            query.message.chat.id,
            "✅ " + t._("Great, see you at <b>{title}</b>!").format(title=views.esc(shift.title)),
        )
        return
    result = await cancel_signup(context, signup_id)
    if result.outcome is not CancelOutcome.CANCELLED:
        await refuse_cancel(query, t, result.outcome)
        if result.outcome is CancelOutcome.ALREADY:
            await take_buttons(query)
        return
    await query.answer()
    await take_buttons(query)
    if result.shift is not None:
        await context.bot.send_message(
            query.message.chat.id,
            t._("Thanks for letting us know. Your place on <b>{title}</b> is free for someone else now.").format(
                title=views.esc(result.shift.title)
            ),
        )


def register(app: Application) -> None:
    app.add_handler(ReminderReply.handler(reminder_reply))
