"""Correcting someone's check-in and check-out times from the roster (🕒): the coordinators of the shift's
organization only, never its leads; checked on every press and every typed answer. The time is typed, read
in the coordinator's language on the shift's clock (bot/services/typed_dates.read_time), and the question is
a one-question flow of the dialogue engine: doing anything else closes it. What it looks like is in
handlers/roster_views.py; the rules (bounds, order, the log) are bot/services/checkins.correct_time's.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application

from bot.i18n import N_, Translator
from bot.services import checkins, typed_dates
from bot.services.invalid import Invalid
from bot.store import shifts as shift_store
from bot.store.dialogues import Dialogue
from bot.store.shifts import Shift
from bot.store.signups import RosterLine
from handlers import roster_views as views
from handlers.kit import dialogues
from handlers.kit.context import BotContext
from handlers.kit.guards import current_actor, require_coordinator
from handlers.kit.replies import edit_or_keep
from handlers.roster import line_of
from handlers.roster_views import AskTime, From, RosterTimes
from handlers.shift_views import explain

TIME = "ro.time"  # step: "in" or "out"; data {"shift", "signup", "page", "from"}
FIELD = {"i": "in", "o": "out"}


def _stale(t: Translator) -> str:
    return t._("This button no longer works. Please send /start.")


def _refused(t: Translator) -> str:
    return t._("Sorry, only the organization's coordinators can do that.")


def _came_from(dialogue: Dialogue) -> From:
    return "m" if dialogue.data.get("from") == "m" else ""


async def _screen(
    context: BotContext, shift: Shift, signup_id: int, page: int, came_from: From, note: str | None = None
) -> tuple[str, InlineKeyboardMarkup] | None:
    """The person's times screen, or None when they are not (or no longer) on the shift."""
    line = await line_of(context, shift, signup_id)
    if line is None:
        return None
    try:
        checkin, corrections = await checkins.times_of(
            context.runtime.database, actor=await current_actor(context), shift=shift, signup_id=signup_id
        )
    except checkins.NotOnShift:
        return None
    return views.times_page(context.t, shift, line, checkin, corrections, page, came_from, note)


async def _coordinated(update: Update, context: BotContext, shift_id: int) -> Shift | None:
    """The shift, when the presser coordinates its organization (a lead, anyone else: refused and told)."""
    shift = await shift_store.get(context.runtime.database, shift_id)
    if shift is None:
        await update.callback_query.answer(_stale(context.t), show_alert=True)
        return None
    if await require_coordinator(update, context, shift.org_id) is None:
        return None
    return shift


async def show_times(update: Update, context: BotContext, button: RosterTimes) -> None:
    """The person's times; a question about them left open (its Back button) closes."""
    query = update.callback_query
    await dialogues.end(context, TIME)
    shift = await _coordinated(update, context, button.shift)
    if shift is None:
        return
    screen = await _screen(context, shift, button.signup, button.page, button.came_from)
    if screen is None:
        await query.answer(_stale(context.t), show_alert=True)
        return
    await query.answer()
    await edit_or_keep(query, *screen)


async def ask_time(update: Update, context: BotContext, button: AskTime) -> None:
    query, t = update.callback_query, context.t
    shift = await _coordinated(update, context, button.shift)
    if shift is None:
        return
    line = await line_of(context, shift, button.signup)
    if line is None:
        await query.answer(_stale(t), show_alert=True)
        return
    field = FIELD[button.field]
    checkin = await checkins.current(context.runtime.database, button.signup)
    if field == "out" and checkin is None:
        await query.answer(t._("They aren't checked in: correct the check-in time first."), show_alert=True)
        return
    data = {"shift": shift.id, "signup": button.signup, "page": button.page, "from": button.came_from}
    if await dialogues.begin(update, context, TIME, field, data) is None:
        return  # asked first whether to leave another dialogue
    await query.answer()
    await edit_or_keep(query, *views.time_question(t, shift, line, checkin, field, button.page, button.came_from))


class TimeFlow(dialogues.Flow):
    """The corrected time, typed; a bad one says why and asks again, a good one shows the times."""

    kind = TIME
    name = N_("correcting check-in times")
    one_question = True
    buttons = ("rt",)

    async def _load(
        self, update: Update, context: BotContext, dialogue: Dialogue
    ) -> tuple[Shift, RosterLine] | None:
        """The shift and the person, the author still its coordinator; else the question closes, saying why."""
        t = context.t
        shift = await shift_store.get(context.runtime.database, int(dialogue.data.get("shift", 0)))
        problem = None
        line = None
        if shift is None:
            problem = _stale(t)
        elif not (await current_actor(context)).can_coordinate(shift.org_id):
            problem = _refused(t)
        elif (line := await line_of(context, shift, int(dialogue.data.get("signup", 0)))) is None:
            problem = _stale(t)
        if problem is not None or shift is None or line is None:
            await dialogues.end(context, TIME)
            await dialogues.reply(update, problem or _stale(t))
            return None
        return shift, line

    async def _ask(
        self, update: Update, context: BotContext, dialogue: Dialogue, shift: Shift, line: RosterLine,
        problem: str | None = None,
    ) -> None:
        checkin = await checkins.current(context.runtime.database, line.signup_id)
        page, came_from = int(dialogue.data.get("page", 0)), _came_from(dialogue)
        text, markup = views.time_question(context.t, shift, line, checkin, dialogue.step, page, came_from, problem)
        await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)

    async def resume(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        found = await self._load(update, context, dialogue)
        if found is not None:
            await self._ask(update, context, dialogue, *found)

    async def on_message(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        found = await self._load(update, context, dialogue)
        if found is None:
            return
        shift, line = found
        t, runtime = context.t, context.runtime
        text = update.effective_message.text
        if text is None:  # a photo, a sticker: the question again
            await self._ask(update, context, dialogue, shift, line)
            return
        st = Translator(locale=t.locale, tz=ZoneInfo(shift.timezone))  # examples and bounds on the shift's clock
        try:
            wall = typed_dates.read_time(text, t.locale)
            done = await checkins.correct_time(
                runtime.database, actor=await current_actor(context), shift_id=shift.id,
                signup_id=line.signup_id, field=dialogue.step, at=checkins.moment_of(shift, wall),
                now=runtime.now_ts(),
            )
        except Invalid as exc:
            await self._ask(update, context, dialogue, shift, line, explain(st, exc))
            return
        except checkins.NotAllowed:
            await dialogues.end(context, TIME)
            await dialogues.reply(update, _refused(t))
            return
        except checkins.NotOnShift:
            await dialogues.end(context, TIME)
            await dialogues.reply(update, _stale(t))
            return
        await dialogues.end(context, TIME)
        page, came_from = int(dialogue.data.get("page", 0)), _came_from(dialogue)
        screen = await _screen(context, shift, line.signup_id, page, came_from,
                               views.corrected_note(t, done.field, done.hours))
        if screen is None:
            await dialogues.reply(update, _stale(t))
            return
        await update.effective_message.reply_text(screen[0], reply_markup=screen[1])


def register(app: Application) -> None:
    app.add_handler(RosterTimes.handler(show_times))
    app.add_handler(AskTime.handler(ask_time))
    dialogues.register_flow(TimeFlow())
