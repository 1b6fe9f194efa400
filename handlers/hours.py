"""/hours: what a volunteer's shifts added up to (bot/services/hours.py counts; hours_views renders)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, filters

from bot.services import hours, leads
from bot.services.hours import MILESTONE_KIND, Milestone
from bot.store import shifts as shift_store
from handlers import hours_views as views
from handlers.kit.context import BotContext
from handlers.kit.guards import require_registered
from handlers.notices import Notice, Rendering, Skip, renderer


async def my_hours(update: Update, context: BotContext) -> None:
    """Shows the volunteer's hours, shifts, outcomes and milestones."""
    if not await require_registered(update, context):
        return
    runtime = context.runtime
    db = runtime.database
    record = await hours.record(db, context.person.id, context.t.tz, runtime.now_ts())
    led_ids = await leads.led_shifts(db, context.person.id)
    found = await shift_store.get_many(db, led_ids[-views.LED_SHOWN:])
    led = [found[i].in_locale(context.t.locale) for i in led_ids[-views.LED_SHOWN:] if i in found]
    await update.effective_message.reply_text(views.my_hours(context.t, record, led, len(led_ids)))


@renderer(MILESTONE_KIND)
async def render_milestone(r: Rendering) -> Notice:
    """Celebrates a milestone the volunteer reached, in their language at send time."""
    try:
        milestone = Milestone(r.item.payload.get("milestone"))
    except ValueError:
        raise Skip("unknown milestone") from None
    return Notice(views.celebration(r.t, milestone))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("hours", my_hours, filters=filters.ChatType.PRIVATE))
