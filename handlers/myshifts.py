"""/myshifts: a volunteer's upcoming shifts, cancelling in two taps, and a word on past ones."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.ext import Application, CommandHandler, filters

from bot.i18n import Translator
from bot.services import leads
from bot.services.signups import CancelOutcome, CancelResult, cancel
from bot.store import shifts as shift_store
from bot.store import signups
from handlers import myshifts_views as views
from handlers.kit.context import BotContext
from handlers.kit.guards import require_registered
from handlers.kit.replies import drop_pressed
from handlers.menu import MyShifts
from handlers.notices import poke_dispatcher
from handlers.shift_views import AskCancel, CancelPlace


async def _render(context: BotContext) -> tuple[str, InlineKeyboardMarkup | None]:
    runtime = context.runtime
    db, now = runtime.database, runtime.now_ts()
    upcoming = await signups.upcoming_for_person(db, context.person.id, now)
    shifts = await shift_store.get_many(db, [s.shift_id for s, _ in upcoming])
    done, hours = await signups.past_summary(db, context.person.id, now)
    led = set(await leads.led_shifts(db, context.person.id, ends_after=now))
    return views.my_shifts(context.t, upcoming, shifts, done, hours, led)


async def my_shifts(update: Update, context: BotContext, _: MyShifts | None = None) -> None:
    """Lists the volunteer's upcoming shifts with their status."""
    if not await require_registered(update, context):
        return
    text, markup = await _render(context)
    if update.callback_query:
        await update.callback_query.answer()
        await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)
    else:
        await update.effective_message.reply_text(text, reply_markup=markup)


async def ask_cancel(update: Update, context: BotContext, button: AskCancel) -> None:
    """Asks once before giving up a place."""
    query = update.callback_query
    if not await require_registered(update, context):
        return
    t, db = context.t, context.runtime.database
    signup = await signups.get(db, button.signup)
    # Someone else's signup (forged data) gets the same answer as one that doesn't exist.
    if signup is None or signup.person_id != context.person.id:
        await query.answer(t._("This button no longer works. Please send /start."), show_alert=True)
        return
    if signup.status not in ("confirmed", "waitlisted"):
        # A Cancel left on an older list or card: say what happened, and that button goes.
        await refuse_cancel(query, t, CancelOutcome.ALREADY if signup.status == "cancelled" else CancelOutcome.STARTED)
        await drop_pressed(query)
        return
    shift = await shift_store.get(db, signup.shift_id)
    assert shift is not None
    await query.answer()
    text, markup = views.cancel_question(t, signup, shift)
    await context.bot.send_message(query.message.chat.id, text, reply_markup=markup)


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


async def do_cancel(update: Update, context: BotContext, button: CancelPlace) -> None:
    """Cancels, frees the place for the next in line, and tells them both."""
    query = update.callback_query
    if not await require_registered(update, context):
        return
    t = context.t
    result = await cancel_signup(context, button.signup)
    if result.outcome is not CancelOutcome.CANCELLED:
        await refuse_cancel(query, t, result.outcome)
        return
    await query.answer()
    assert result.shift is not None
    await query.edit_message_text(views.cancelled(t, result.shift))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("myshifts", my_shifts, filters=filters.ChatType.PRIVATE))
    app.add_handler(MyShifts.handler(my_shifts))
    app.add_handler(AskCancel.handler(ask_cancel))
    app.add_handler(CancelPlace.handler(do_cancel))
