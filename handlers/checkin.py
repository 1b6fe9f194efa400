"""Checking in at the door: /checkin and its buttons, a shared location, and a scanned QR code (/start ci-…)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, filters

from bot.services import checkins
from bot.services.checkins import CheckInResult, NotAllowed
from bot.store import shifts as shift_store
from handlers import checkin_views as views
from handlers.checkin_views import CheckIn, CheckOut
from handlers.context import BotContext
from handlers.guards import require_registered
from handlers.kit import dialogues


async def checkin_command(update: Update, context: BotContext) -> None:
    """Lists the person's shifts open for check-in now, or says when the next one opens."""
    if not await require_registered(update, context):
        return
    runtime = context.runtime
    db = runtime.database
    open_now, later = await checkins.open_for(db, context.person.id, runtime.now_ts())
    ids = [w.shift_id for w in open_now] + ([later.shift_id] if later else [])
    shifts = await shift_store.get_many(db, ids)
    text, markup = views.open_list(context.t, open_now, later, shifts)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def checked_in_reply(update: Update, context: BotContext, result: CheckInResult) -> None:
    """Says how a check-in went as a new message; a done one carries the Check out button."""
    t = context.t
    markup = views.out_markup(t, result.signup_id) if result.done and result.signup_id else None
    await context.bot.send_message(update.effective_chat.id, views.outcome(t, result), reply_markup=markup)


async def press_here(update: Update, context: BotContext, button: CheckIn) -> None:
    """"I'm here": checks in by button (the service refuses a shift they're not on)."""
    query = update.callback_query
    if not await require_registered(update, context):
        return
    runtime, t = context.runtime, context.t
    result = await checkins.check_in(
        runtime.database, person_id=context.person.id, shift_id=button.shift, method="button", now=runtime.now_ts()
    )
    if not result.done:
        await query.answer(views.outcome(t, result).replace("<b>", "").replace("</b>", ""), show_alert=True)
        return
    await query.answer()
    await checked_in_reply(update, context, result)


async def press_out(update: Update, context: BotContext, button: CheckOut) -> None:
    """"Check out": closes their check-in and shows the hours in place of the button."""
    query = update.callback_query
    if not await require_registered(update, context):
        return
    runtime, t = context.runtime, context.t
    try:
        result = await checkins.check_out(
            runtime.database, person_id=context.person.id, signup_id=button.signup, now=runtime.now_ts()
        )
    except NotAllowed:  # someone else's signup: forged data
        await query.answer(t._("This button no longer works. Please send /start."), show_alert=True)
        return
    await query.answer()
    await query.edit_message_text(views.checked_out(t, result.outcome, result.hours))


async def shared_location(update: Update, context: BotContext) -> bool:
    """A location nobody asked for: checks in at the nearest open shift when close enough."""
    if not context.person.is_registered:
        return False
    location = update.effective_message.location
    if location is None:
        return False
    runtime = context.runtime
    result = await checkins.check_in_by_location(
        runtime.database,
        person_id=context.person.id,
        latitude=location.latitude,
        longitude=location.longitude,
        now=runtime.now_ts(),
    )
    await checked_in_reply(update, context, result)
    return True


def register(app: Application) -> None:
    app.add_handler(CommandHandler("checkin", checkin_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(CheckIn.handler(press_here))
    app.add_handler(CheckOut.handler(press_out))
    dialogues.take_unasked(filters.LOCATION, shared_location)
