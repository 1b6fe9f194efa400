"""After a shift: "how did it go?", and the numbers (doors, calls, texts, conversations) by button or typed.

A number's question is a one-question flow of the dialogue engine (`NumberFlow`, kept in SQLite): a
typed number after a restart still lands, and doing anything else closes it, so a name typed for
/settings never reaches it. Buttons are codec classes under `fr`, `fv` and `fd`.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application

from bot.i18n import N_, Translator
from bot.services.followups import MAX_VALUE, METRICS_BY_KIND, NotAllowed, record_metric
from bot.store import reports
from bot.store.dialogues import Dialogue
from bot.store.shifts import Shift
from bot.text import whole_number_in
from handlers import shift_views as views
from handlers.kit import dialogues
from handlers.kit.callbacks import Button
from handlers.kit.context import BotContext
from handlers.kit.keyboards import grid
from handlers.notices import Notice, Rendering, Skip, renderer

QUICK_VALUES = (0, 5, 10, 20, 30, 50, 100)
KIND = "fu.num"  # the dialogue: step 'ask', data {'signup', 'metric'} while a typed number is awaited


@dataclass(frozen=True)
class Ask(Button, prefix="fr"):
    """Asks for one number."""

    signup: int
    metric: str


@dataclass(frozen=True)
class Value(Button, prefix="fv"):
    """One of the quick numbers."""

    signup: int
    metric: str
    value: int


@dataclass(frozen=True)
class Finish(Button, prefix="fd"):
    signup: int


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
        rows.append([InlineKeyboardButton(label, callback_data=Ask(signup_id, metric).pack())])
    rows.append([InlineKeyboardButton("✓ " + t._("Done"), callback_data=Finish(signup_id).pack())])
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


def _stale(t: Translator) -> str:
    return t._("This button no longer works. Please send /start.")


async def _ask(update: Update, context: BotContext, signup_id: int, metric: str) -> None:
    t = context.t
    buttons = [
        InlineKeyboardButton(t.number(v), callback_data=Value(signup_id, metric, v).pack()) for v in QUICK_VALUES
    ]
    await context.bot.send_message(
        update.effective_chat.id,
        metric_question(t, metric) + "\n" + t._("Tap a number or type it."),
        reply_markup=InlineKeyboardMarkup(grid(buttons, 4)),
    )


class NumberFlow(dialogues.Flow):
    """One number, typed (or tapped: the quick buttons are this flow's)."""

    kind = KIND
    name = N_("adding your numbers")
    one_question = True
    buttons = ("fr", "fv", "fd")

    async def on_message(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        text = update.effective_message.text
        value = whole_number_in(text, 0, MAX_VALUE, grouping=True) if text is not None else None
        if value is None:
            await update.effective_message.reply_text(context.t._("Please send a whole number, like 25."))
            return
        # Consumed before saving: the next message, whatever it is, is not a number for this question.
        await dialogues.end(context, KIND)
        signup_id, metric = dialogue.data.get("signup"), dialogue.data.get("metric")
        if not isinstance(signup_id, int) or metric not in reports.METRICS:
            await update.effective_message.reply_text(_stale(context.t))
            return
        if not await _save(update, context, signup_id, metric, value):
            await update.effective_message.reply_text(_stale(context.t))

    async def resume(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        signup_id, metric = dialogue.data.get("signup"), dialogue.data.get("metric")
        if isinstance(signup_id, int) and metric in reports.METRICS:
            await _ask(update, context, signup_id, metric)
        else:
            await dialogues.end(context, KIND)


async def ask_value(update: Update, context: BotContext, button: Ask) -> None:
    """Asks for one number, with quick buttons; a typed number works too."""
    query = update.callback_query
    if button.metric not in reports.METRICS:
        await query.answer(_stale(context.t), show_alert=True)
        return
    if await dialogues.begin(update, context, KIND, "ask", {"signup": button.signup, "metric": button.metric}) is None:
        return  # asked first whether to leave another dialogue (the engine answered the button)
    await query.answer()
    await _ask(update, context, button.signup, button.metric)


async def _save(update: Update, context: BotContext, signup_id: int, metric: str, value: int) -> bool:
    t, runtime = context.t, context.runtime
    try:
        shift = await record_metric(runtime.database, context.person.id, signup_id, metric, value, runtime.now_ts())
    except NotAllowed:
        return False
    values = await reports.get_for_signup(runtime.database, signup_id)
    await context.bot.send_message(
        update.effective_chat.id,
        "✅ " + t._("Saved: {what} {value}.").format(what=metric_label(t, metric), value=t.number(value)),
        reply_markup=report_keyboard(t, signup_id, shift, values),
    )
    return True


async def value_pressed(update: Update, context: BotContext, button: Value) -> None:
    """Stores a number from the quick buttons."""
    query = update.callback_query
    signup_id, metric, value = button.signup, button.metric, button.value
    if not 0 <= value <= MAX_VALUE or metric not in reports.METRICS:
        await query.answer(_stale(context.t), show_alert=True)
        return
    await dialogues.end(context, KIND)
    if not await _save(update, context, signup_id, metric, value):
        await query.answer(_stale(context.t), show_alert=True)
        return
    await query.answer()


async def done(update: Update, context: BotContext, button: Finish) -> None:
    """Closes the report with thanks."""
    query = update.callback_query
    await dialogues.end(context, KIND)
    await query.answer(context.t._("Thank you! Your numbers are saved."))
    await query.edit_message_reply_markup(None)


def register(app: Application) -> None:
    dialogues.register_flow(NumberFlow())
    app.add_handler(Ask.handler(ask_value))
    app.add_handler(Value.handler(value_pressed))
    app.add_handler(Finish.handler(done))
