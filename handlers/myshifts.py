"""/myshifts: a volunteer's upcoming shifts, cancelling in two taps, and a word on past ones."""

from __future__ import annotations

import re

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.i18n import Translator
from bot.services.signups import CancelOutcome, CancelResult, cancel
from bot.store import shifts as shift_store
from bot.store import signups
from handlers import shift_views as views
from handlers.context import BotContext
from handlers.guards import require_registered
from handlers.menu import MENU_MY
from handlers.notices import poke_dispatcher

ASK_PATTERN = r"^mc:(\d{1,12})$"
CANCEL_PATTERN = r"^mx:(\d{1,12})$"


async def _render(context: BotContext) -> tuple[str, InlineKeyboardMarkup | None]:
    t, runtime = context.t, context.runtime
    db, now = runtime.database, runtime.now_ts()
    upcoming = await signups.upcoming_for_person(db, context.person.id, now)
    shifts = await shift_store.get_many(db, [s.shift_id for s, _ in upcoming])
    lines = ["📅 <b>" + t._("My shifts") + "</b>", ""]
    rows: list[list[InlineKeyboardButton]] = []
    if not upcoming:
        lines.append(t._("You have no upcoming shifts. Find one with /shifts."))
    for index, (signup, rank) in enumerate(upcoming, start=1):
        shift = shifts[signup.shift_id]
        status = (
            "✅ " + t._("Signed up")
            if signup.status == "confirmed"
            else "⏳ " + t._("#{rank} on the waitlist").format(rank=t.number(rank))
        )
        lines.append(
            f"<b>{index}. {views.esc(shift.title)}</b>\n    {views.esc(views.when(t, shift))}\n"
            f"    {views.esc(shift.org_name)} · {status}\n"
        )
        rows.append(
            [
                InlineKeyboardButton(f"{index}. " + t._("Details"), callback_data=f"sc:{shift.id}"),
                InlineKeyboardButton("✖ " + t._("Cancel"), callback_data=f"mc:{signup.id}"),
            ]
        )
        if len(rows) >= 40:  # far below Telegram's 100 buttons and 4096 characters
            break
    done, hours = await signups.past_summary(db, context.person.id, now)
    if done:
        lines.append(
            t.ngettext(
                "Past: {count} shift, {hours} hours volunteered. Thank you!",
                "Past: {count} shifts, {hours} hours volunteered. Thank you!",
                done,
            ).format(count=t.number(done), hours=t.number(round(hours, 1)))
        )
    return "\n".join(lines).rstrip(), InlineKeyboardMarkup(rows) if rows else None


async def my_shifts(update: Update, context: BotContext) -> None:
    """Lists the volunteer's upcoming shifts with their status."""
    if not await require_registered(update, context):
        return
    text, markup = await _render(context)
    if update.callback_query:
        await update.callback_query.answer()
        await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)
    else:
        await update.effective_message.reply_text(text, reply_markup=markup)


async def ask_cancel(update: Update, context: BotContext) -> None:
    """Asks once before giving up a place."""
    query = update.callback_query
    if not await require_registered(update, context):
        return
    t, db = context.t, context.runtime.database
    signup = await signups.get(db, int(context.match.group(1)))
    # Someone else's signup (forged data) gets the same answer as one that doesn't exist.
    if signup is None or signup.person_id != context.person.id or signup.status not in ("confirmed", "waitlisted"):
        await query.answer(t._("This button no longer works. Please send /start."), show_alert=True)
        return
    shift = await shift_store.get(db, signup.shift_id)
    assert shift is not None
    await query.answer()
    question = (
        t._("Cancel your place on <b>{title}</b>?")
        if signup.status == "confirmed"
        else t._("Leave the waitlist for <b>{title}</b>?")
    ).format(title=views.esc(shift.title))
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("✖ " + t._("Yes, cancel"), callback_data=f"mx:{signup.id}")],
            [InlineKeyboardButton(t._("No, keep it"), callback_data=f"sc:{shift.id}")],
        ]
    )
    await context.bot.send_message(
        query.message.chat.id, f"{question}\n🗓 {views.esc(views.when(t, shift))}", reply_markup=markup
    )


async def cancel_signup(context: BotContext, signup_id: int) -> CancelResult:
    """Cancels the person's own signup; the next in line is promoted and their notice sent at once."""
    runtime = context.runtime
    result = await cancel(
        runtime.database, context.person.id, signup_id, runtime.now_ts(), policy=runtime.reminder_policy
    )
    if result.promoted is not None:
        poke_dispatcher(context)  # their notice is already in the outbox
    return result


async def refuse_cancel(query: CallbackQuery, t: Translator, outcome: CancelOutcome) -> None:
    """Answers a cancel that didn't happen, saying why."""
    reasons = {
        CancelOutcome.NOT_YOURS: t._("This button no longer works. Please send /start."),
        CancelOutcome.ALREADY: t._("That's already cancelled."),
        CancelOutcome.STARTED: t._("This shift has already started. Please tell the coordinator if you can't stay."),
    }
    await query.answer(reasons[outcome], show_alert=True)


async def do_cancel(update: Update, context: BotContext) -> None:
    """Cancels, frees the place for the next in line, and tells them both."""
    query = update.callback_query
    if not await require_registered(update, context):
        return
    t = context.t
    result = await cancel_signup(context, int(context.match.group(1)))
    if result.outcome is not CancelOutcome.CANCELLED:
        await refuse_cancel(query, t, result.outcome)
        return
    await query.answer()
    assert result.shift is not None
    await query.edit_message_text(
        t._("Your place on <b>{title}</b> is cancelled. Thanks for letting us know!").format(
            title=views.esc(result.shift.title)
        )
    )


def register(app: Application) -> None:
    app.add_handler(CommandHandler("myshifts", my_shifts, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(my_shifts, pattern=f"^{re.escape(MENU_MY)}$"))
    app.add_handler(CallbackQueryHandler(ask_cancel, pattern=ASK_PATTERN))
    app.add_handler(CallbackQueryHandler(do_cancel, pattern=CANCEL_PATTERN))
