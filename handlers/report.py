"""/report: a volunteer adds their numbers for one of their recent shifts, any time after it started.

The numbers go into the very report the follow-up asks for (one per signup, bot/store/reports.py): a number
typed here replaces what the follow-up got for that question, so nothing is counted twice. The buttons and
the typed number are the follow-up's own (handlers/followup.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CommandHandler, filters

from bot.services.followups import reportable
from bot.store import reports
from handlers import shift_views as views
from handlers.followup_views import report_keyboard
from handlers.kit.callbacks import Button
from handlers.kit.context import BotContext
from handlers.kit.guards import require_registered
from handlers.kit.replies import show


@dataclass(frozen=True)
class ReportFor(Button, prefix="rpt"):
    signup: int


async def report_command(update: Update, context: BotContext) -> None:
    """Lists their recent shifts that ask for numbers, a button each."""
    if not await require_registered(update, context):
        return
    t, runtime = context.t, context.runtime
    found = await reportable(runtime.database, context.person.id, runtime.now_ts())
    if not found:
        await update.effective_message.reply_text(
            t._("You have no shifts to report numbers for from the last 30 days.")
        )
        return
    rows = [
        [InlineKeyboardButton(
            f"{t.weekday_date(shift.starts_at)} · {shift.in_locale(t.locale).title[:40]}",
            callback_data=ReportFor(signup_id).pack(),
        )]
        for signup_id, shift in found
    ]
    await update.effective_message.reply_text(
        t._("Which shift are your numbers for?"), reply_markup=InlineKeyboardMarkup(rows)
    )


async def report_for(update: Update, context: BotContext, button: ReportFor) -> None:
    """The follow-up's buttons for that shift, with what they reported so far. Only their own signups
    (a forged id of someone else's is refused as stale)."""
    query, t, runtime = update.callback_query, context.t, context.runtime
    if not await require_registered(update, context):
        return
    found = dict(await reportable(runtime.database, context.person.id, runtime.now_ts()))
    shift = found.get(button.signup)
    if shift is None:
        await query.answer(t._("This button no longer works. Please send /start."), show_alert=True)
        return
    await query.answer()
    values = await reports.get_for_signup(runtime.database, button.signup)
    has_note = await reports.note_for_signup(runtime.database, button.signup) is not None
    text = "<b>" + views.esc(shift.in_locale(t.locale).title) + "</b> · " + views.esc(t.weekday_date(shift.starts_at))
    text += "\n\n" + t._("Tap to add your numbers. They help the organizers see what worked.")
    await show(update, text, report_keyboard(t, button.signup, shift, values, has_note))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("report", report_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(ReportFor.handler(report_for))
