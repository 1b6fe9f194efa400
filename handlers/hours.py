"""/hours: what a volunteer's shifts added up to (bot/services/hours.py counts; hours_views renders)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, filters

from bot.services import hours
from handlers import hours_views as views
from handlers.kit.context import BotContext
from handlers.kit.guards import require_registered


async def my_hours(update: Update, context: BotContext) -> None:
    """Shows the volunteer's hours, shifts, outcomes and milestones."""
    if not await require_registered(update, context):
        return
    runtime = context.runtime
    record = await hours.record(runtime.database, context.person.id, context.t.tz, runtime.now_ts())
    await update.effective_message.reply_text(views.my_hours(context.t, record))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("hours", my_hours, filters=filters.ChatType.PRIVATE))
