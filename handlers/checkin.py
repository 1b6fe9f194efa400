"""Checking in at the door: /checkin and its buttons, a shared location, and a scanned QR code (/start ci-…)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, filters

from bot.services import checkins, leads, profile
from bot.services.checkins import CheckInResult, NotAllowed
from bot.store import shifts as shift_store
from handlers import checkin_views as views
from handlers.checkin_views import CheckIn, CheckOut, QrCode
from handlers.invites import qr_png
from handlers.kit import dialogues
from handlers.kit.context import BotContext
from handlers.kit.guards import current_actor, require_coordinator, require_registered


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


async def checked_in_reply(chat_id: int, context: BotContext, result: CheckInResult) -> None:
    """Says how a check-in went as a new message; a done one carries the Check out button."""
    t = context.t
    markup = views.out_markup(t, result.signup_id) if result.done and result.signup_id else None
    await context.bot.send_message(chat_id, views.outcome(t, result), reply_markup=markup)


async def check_in_by_code(chat_id: int, context: BotContext, token: str) -> None:
    """A scanned QR code (/start ci-<token>, or after onboarding): checks in, signing up a walk-in."""
    runtime = context.runtime
    db = runtime.database
    shift_id = await checkins.shift_for_token(db, token)
    if shift_id is None:
        text = context.t._("This check-in code no longer works. Please ask the coordinator for the new one.")
        await context.bot.send_message(chat_id, text)
        return
    result = await checkins.check_in(
        db, person_id=context.person.id, shift_id=shift_id, method="qr", now=runtime.now_ts()
    )
    await checked_in_reply(chat_id, context, result)


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
    await checked_in_reply(update.effective_chat.id, context, result)


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


async def press_qr(update: Update, context: BotContext, button: QrCode) -> None:
    """The shift's check-in QR code as a picture, the link in the caption (`new`: a fresh code, which only
    coordinators make; a shift lead gets the code as it is)."""
    query = update.callback_query
    runtime, t = context.runtime, context.t
    db = runtime.database
    shift = await shift_store.get(db, button.shift)
    if shift is None:
        await query.answer(t._("This button no longer works. Please send /start."), show_alert=True)
        return
    actor = await current_actor(context)
    access = await leads.door_access(db, actor, shift)  # its coordinators, and this shift's leads
    if access is None or (button.new and not access.coordinator):
        await require_coordinator(update, context, shift.org_id)  # refuses, saying who may
        return
    try:
        token = await checkins.token_for(db, actor=actor, shift_id=shift.id, now=runtime.now_ts(), replace=button.new)
    except NotAllowed:
        await query.answer(t._("Sorry, only the organization's coordinators can do that."), show_alert=True)
        return
    await query.answer()
    link = f"https://t.me/{context.bot.username}?start={profile.StartLink('checkin', token=token).payload}"
    await context.bot.send_photo(
        query.message.chat.id,
        photo=qr_png(link),
        caption=views.qr_caption(t, shift, link, replaced=button.new),
        reply_markup=views.qr_markup(t, shift.id) if access.coordinator else None,
    )


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
    await checked_in_reply(update.effective_chat.id, context, result)
    return True


def register(app: Application) -> None:
    app.add_handler(CommandHandler("checkin", checkin_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(CheckIn.handler(press_here))
    app.add_handler(CheckOut.handler(press_out))
    app.add_handler(QrCode.handler(press_qr))
    dialogues.take_unasked(filters.LOCATION, shared_location)
