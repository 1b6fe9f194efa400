"""After a shift: "how did it go?", and the numbers (doors, calls, texts, conversations) by button or typed."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot.i18n import Translator
from bot.services.followups import MAX_VALUE, METRICS_BY_KIND, NotAllowed, record_metric
from bot.store import reports
from bot.store.shifts import Shift
from bot.text import whole_number_in
from handlers import shift_views as views
from handlers.context import BotContext
from handlers.keyboards import grid
from handlers.notices import Notice, Rendering, Skip, renderer

ASK_PATTERN = r"^fr:(\d{1,12}):([a-z]{1,14})$"
VALUE_PATTERN = r"^fv:(\d{1,12}):([a-z]{1,14}):(\d{1,6})$"
DONE_PATTERN = r"^fd:(\d{1,12})$"
QUICK_VALUES = (0, 5, 10, 20, 30, 50, 100)
PENDING = "report_pending"  # user_data: (signup_id, metric) while we wait for a typed number


def metric_label(t: Translator, metric: str) -> str:
    labels = {
        "doors": "🚪 " + t._("Doors knocked"),
        "conversations": "🗣 " + t._("Conversations"),
        "calls": "📞 " + t._("Calls made"),
        "texts": "💬 " + t._("Texts sent"),
    }
    return labels[metric]


def metric_question(t: Translator, metric: str) -> str:
    questions = {
        "doors": t._("How many doors did you knock?"),
        "conversations": t._("How many real conversations did you have?"),
        "calls": t._("How many calls did you make?"),
        "texts": t._("How many texts did you send?"),
    }
    return questions[metric]


def report_keyboard(t: Translator, signup_id: int, shift: Shift, values: dict[str, int | None]) -> InlineKeyboardMarkup:
    rows = []
    for metric in METRICS_BY_KIND[shift.kind]:
        value = values.get(metric)
        label = metric_label(t, metric) + (f": {t.number(value)}" if value is not None else "")
        rows.append([InlineKeyboardButton(label, callback_data=f"fr:{signup_id}:{metric}")])
    rows.append([InlineKeyboardButton("✓ " + t._("Done"), callback_data=f"fd:{signup_id}")])
    return InlineKeyboardMarkup(rows)


@renderer("followup")
async def render_followup(r: Rendering) -> Notice:
    """Thanks them, and asks for the numbers where the kind of shift has some."""
    signup = await r.active_signup("confirmed", "attended")
    shift = await r.shift()
    if shift.status == "cancelled":
        raise Skip("shift cancelled")
    t = r.t
    text = "🙏 " + t._("Thank you for volunteering at <b>{title}</b>! How did it go?").format(
        title=views.esc(shift.title)
    )
    if shift.kind not in METRICS_BY_KIND:
        return Notice(text)
    text += "\n\n" + t._("Tap to add your numbers. They help the organizers see what worked.")
    values = await reports.get_for_signup(r.runtime.database, signup.id)
    return Notice(text, report_keyboard(t, signup.id, shift, values))


async def ask_value(update: Update, context: BotContext) -> None:
    """Asks for one number, with quick buttons; a typed number works too."""
    query = update.callback_query
    t = context.t
    signup_id, metric = int(context.match.group(1)), context.match.group(2)
    if metric not in reports.METRICS:
        await query.answer(t._("This button no longer works. Please send /start."), show_alert=True)
        return
    await query.answer()
    context.user_data[PENDING] = (signup_id, metric)
    buttons = [InlineKeyboardButton(t.number(v), callback_data=f"fv:{signup_id}:{metric}:{v}") for v in QUICK_VALUES]
    await context.bot.send_message(
        query.message.chat.id,
        metric_question(t, metric) + "\n" + t._("Tap a number or type it."),
        reply_markup=InlineKeyboardMarkup(grid(buttons, 4)),
    )


async def _save(update: Update, context: BotContext, signup_id: int, metric: str, value: int) -> bool:
    t, runtime = context.t, context.runtime
    try:
        shift = await record_metric(runtime.database, context.person.id, signup_id, metric, value, runtime.now_ts())
    except NotAllowed:
        return False
    context.user_data.pop(PENDING, None)
    values = await reports.get_for_signup(runtime.database, signup_id)
    await context.bot.send_message(
        update.effective_chat.id,
        "✅ " + t._("Saved: {what} {value}.").format(what=metric_label(t, metric), value=t.number(value)),
        reply_markup=report_keyboard(t, signup_id, shift, values),
    )
    return True


async def value_pressed(update: Update, context: BotContext) -> None:
    """Stores a number from the quick buttons."""
    query = update.callback_query
    signup_id, metric, value = int(context.match.group(1)), context.match.group(2), int(context.match.group(3))
    if value > MAX_VALUE or metric not in reports.METRICS or not await _save(update, context, signup_id, metric, value):
        await query.answer(context.t._("This button no longer works. Please send /start."), show_alert=True)
        return
    await query.answer()


async def value_typed(update: Update, context: BotContext) -> None:
    """Takes a typed number while one is expected; other text is none of this handler's business."""
    pending = context.user_data.get(PENDING)
    if pending is None:
        return
    value = whole_number_in(update.effective_message.text or "", 0, MAX_VALUE, grouping=True)
    if value is None:
        await update.effective_message.reply_text(context.t._("Please send a whole number, like 25."))
        return
    signup_id, metric = pending
    if not await _save(update, context, signup_id, metric, value):
        context.user_data.pop(PENDING, None)


async def done(update: Update, context: BotContext) -> None:
    """Closes the report with thanks."""
    query = update.callback_query
    context.user_data.pop(PENDING, None)
    await query.answer(context.t._("Thank you! Your numbers are saved."))
    await query.edit_message_reply_markup(None)


def register(app: Application) -> None:
    app.add_handler(CallbackQueryHandler(ask_value, pattern=ASK_PATTERN))
    app.add_handler(CallbackQueryHandler(value_pressed, pattern=VALUE_PATTERN))
    app.add_handler(CallbackQueryHandler(done, pattern=DONE_PATTERN))
    from handlers.newshift import DialogueOpen  # late: newshift imports this module

    private_text = filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(private_text & DialogueOpen(app, PENDING), value_typed))
