"""After a shift: "how did it go?", the numbers (doors, calls, texts, conversations) by button or typed, and
a short note in the volunteer's own words (optional: asked after Done, or from its button; Skip says no).

A number's question and the note's are one-question flows of the dialogue engine (`NumberFlow`,
`NoteFlow`, kept in SQLite): a typed answer after a restart still lands, and doing anything else closes
them, so a name typed for /settings never reaches them. Buttons are codec classes in
handlers/followup_views.py.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application

from bot.i18n import N_, Translator
from bot.services.followups import (
    MAX_VALUE,
    METRICS_BY_KIND,
    NotAllowed,
    note_allowed,
    record_metric,
    record_note,
)
from bot.services.invalid import Invalid
from bot.store import reports
from bot.store.dialogues import Dialogue
from bot.store.shifts import Shift
from bot.text import whole_number_in
from handlers import shift_views as views
from handlers.followup_views import (
    AddNote,
    Ask,
    Finish,
    SkipNote,
    Value,
    metric_label,
    metric_question,
    note_question,
    report_keyboard,
)
from handlers.kit import dialogues
from handlers.kit.context import BotContext
from handlers.kit.keyboards import grid
from handlers.kit.replies import drop_buttons
from handlers.notices import Notice, Rendering, Skip, renderer

QUICK_VALUES = (0, 5, 10, 20, 30, 50, 100)
KIND = "fu.num"  # the dialogue: step 'ask', data {'signup', 'metric'} while a typed number is awaited
NOTE_KIND = "fu.note"  # step 'ask', data {'signup', 'asked': the question's message id, 'last': after Done}


@renderer("followup")
async def render_followup(r: Rendering) -> Notice:
    """Thanks them, and asks for the numbers where the kind of shift has some, and for a note."""
    signup = await r.active_signup("confirmed", "attended")
    shift = await r.shift()
    if shift.status == "cancelled":
        raise Skip("shift cancelled")
    t, db = r.t, r.runtime.database
    text = "🙏 " + t._("Thank you for volunteering at <b>{title}</b>! How did it go?").format(
        title=views.esc(shift.title)
    )
    if shift.kind in METRICS_BY_KIND:
        text += "\n\n" + t._("Tap to add your numbers. They help the organizers see what worked.")
    else:
        text += "\n\n" + t._("A few words on how it went help the organizers see what worked.")
    values = await reports.get_for_signup(db, signup.id)
    has_note = await reports.note_for_signup(db, signup.id) is not None
    return Notice(text, report_keyboard(t, signup.id, shift, values, has_note))


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


async def _keyboard(context: BotContext, signup_id: int, shift: Shift) -> InlineKeyboardMarkup:
    """The report's keyboard as it stands now (values and note read back from the store)."""
    db = context.runtime.database
    values = await reports.get_for_signup(db, signup_id)
    has_note = await reports.note_for_signup(db, signup_id) is not None
    return report_keyboard(context.t, signup_id, shift, values, has_note)


async def _save(update: Update, context: BotContext, signup_id: int, metric: str, value: int) -> bool:
    t, runtime = context.t, context.runtime
    try:
        shift = await record_metric(runtime.database, context.person.id, signup_id, metric, value, runtime.now_ts())
    except NotAllowed:
        return False
    await context.bot.send_message(
        update.effective_chat.id,
        "✅ " + t._("Saved: {what} {value}.").format(what=metric_label(t, metric), value=t.number(value)),
        reply_markup=await _keyboard(context, signup_id, shift),
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
    """Closes the numbers with thanks; without a note yet, asks for one (Skip is one tap)."""
    query = update.callback_query
    t, db = context.t, context.runtime.database
    await dialogues.end(context, KIND)
    try:
        await note_allowed(db, context.person.id, button.signup)
    except NotAllowed:
        await query.answer(_stale(t), show_alert=True)
        return
    if await reports.note_for_signup(db, button.signup) is None and not await _ask_note(
        update, context, button.signup, last=True
    ):
        return  # asked first whether to leave another dialogue (the engine answered the button)
    await query.edit_message_reply_markup(None)
    await query.answer(t._("Thank you! Your numbers are saved."))


# --- the note -------------------------------------------------------------------------------------------------


async def _ask_note(update: Update, context: BotContext, signup_id: int, *, last: bool) -> bool:
    """Opens the note's question; False when the engine asked first whether to leave another dialogue."""
    dialogue = await dialogues.begin(update, context, NOTE_KIND, "ask", {"signup": signup_id, "last": last})
    if dialogue is None:
        return False
    text, markup = note_question(context.t, signup_id)
    sent = await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)
    dialogue.data["asked"] = sent.message_id  # its Skip goes once the note is typed
    await dialogues.save(context, dialogue)
    return True


class NoteFlow(dialogues.Flow):
    """How it went, typed; Skip is this flow's button."""

    kind = NOTE_KIND
    name = N_("writing a note on your shift")
    one_question = True
    buttons = ("fn", "fs")

    async def on_message(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        t, runtime = context.t, context.runtime
        message = update.effective_message
        signup_id = dialogue.data.get("signup")
        if not isinstance(signup_id, int):
            await dialogues.end(context, NOTE_KIND)
            await message.reply_text(_stale(t))
            return
        try:
            shift = await record_note(runtime.database, context.person.id, signup_id, message.text or "",
                                      runtime.now_ts())
        except Invalid as problem:  # empty, not text, or too long: the question stays open
            await message.reply_text(views.explain(t, problem))
            return
        except NotAllowed:
            await dialogues.end(context, NOTE_KIND)
            await message.reply_text(_stale(t))
            return
        await dialogues.end(context, NOTE_KIND)
        asked = dialogue.data.get("asked")
        await drop_buttons(context.bot, update.effective_chat.id, asked if isinstance(asked, int) else None)
        if dialogue.data.get("last"):  # after Done: the report is complete
            await message.reply_text("✅ " + t._("Thank you! Your note is saved; the organizers will read it."))
            return
        await message.reply_text(
            "✅ " + t._("Your note is saved; the organizers will read it."),
            reply_markup=await _keyboard(context, signup_id, shift),
        )

    async def resume(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        signup_id = dialogue.data.get("signup")
        if isinstance(signup_id, int):
            await _ask_note(update, context, signup_id, last=bool(dialogue.data.get("last")))
        else:
            await dialogues.end(context, NOTE_KIND)


async def add_note(update: Update, context: BotContext, button: AddNote) -> None:
    """📝 under the follow-up: asks for the note (a new one replaces the old)."""
    query = update.callback_query
    try:
        await note_allowed(context.runtime.database, context.person.id, button.signup)
    except NotAllowed:
        await query.answer(_stale(context.t), show_alert=True)
        return
    if not await _ask_note(update, context, button.signup, last=False):
        return  # asked first whether to leave another dialogue (the engine answered the button)
    await query.answer()


async def skip_note(update: Update, context: BotContext, button: SkipNote) -> None:
    """No note: the question closes and loses its button (a stale Skip only loses its button)."""
    query = update.callback_query
    dialogue = await dialogues.current(context)
    last = dialogue is not None and dialogue.kind == NOTE_KIND and bool(dialogue.data.get("last"))
    await dialogues.end(context, NOTE_KIND)
    await query.edit_message_reply_markup(None)
    await query.answer(context.t._("Thank you!") if last else context.t._("OK, no note."))


def register(app: Application) -> None:
    dialogues.register_flow(NumberFlow())
    dialogues.register_flow(NoteFlow())
    app.add_handler(Ask.handler(ask_value))
    app.add_handler(Value.handler(value_pressed))
    app.add_handler(Finish.handler(done))
    app.add_handler(AddNote.handler(add_note))
    app.add_handler(SkipNote.handler(skip_note))
