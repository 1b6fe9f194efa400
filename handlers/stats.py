"""/stats: coordinators' numbers for the last 12 weeks and a chart (bot/services/org_stats.py counts,
bot/charts.py draws, off the event loop), then their rising volunteers (handlers/rising.py)."""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import MessageLimit
from telegram.ext import Application, CommandHandler, filters

from bot.charts import weekly_png
from bot.clock import from_ts
from bot.services import campaigns, org_stats
from handlers import campaign_views, rising
from handlers import stats_views as views
from handlers.kit.context import BotContext
from handlers.kit.guards import require_coordinator


async def stats_command(update: Update, context: BotContext) -> None:
    """The text first (it's quick), then the chart once drawn."""
    actor = await require_coordinator(update, context)
    if actor is None:
        return
    runtime, t = context.runtime, context.t
    report = await org_stats.report(runtime.database, actor, t.tz, runtime.now_ts())
    message = update.effective_message
    today = from_ts(runtime.now_ts()).astimezone(t.tz).date()
    goals = campaign_views.stats_section(t, await campaigns.active_progress(runtime.database, actor, today))
    text = views.stats(t, report)
    # Campaigns are created and edited from here too (the same screens as /campaigns).
    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton("🎯 " + t._("Campaigns"), callback_data=campaign_views.Listing(0, below=True).pack())]]
    )
    if goals and len(text) + len(goals) + 2 > MessageLimit.MAX_TEXT_LENGTH:  # many organizations: two messages
        await message.reply_text(text)
        text = goals
    elif goals:
        text += "\n\n" + goals
    await message.reply_text(text, reply_markup=markup)
    if not report.total.shifts:
        return
    png = await asyncio.to_thread(weekly_png, views.chart(t, report))
    await message.reply_photo(InputFile(png, filename="stats.png"), caption=views.chart_caption(t, report))
    await rising.send_lists(message, context, actor)  # last: what a coordinator can act on


def register(app: Application) -> None:
    app.add_handler(CommandHandler("stats", stats_command, filters=filters.ChatType.PRIVATE))
