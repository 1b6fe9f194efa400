"""/roster: who is on a shift — confirmed and waiting, their outreach languages, phone where they shared it,
checked in or not — and attendance marked by hand. For the coordinators of the shift's organization and,
for that one shift, its leads (phones only when allowed; no attendance marks), checked on every button; a
phone number is shown only on the roster of a shift its owner is on. What it
looks like, and its buttons, are in handlers/roster_views.py.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, CommandHandler, filters

from bot.i18n import Translator
from bot.services import checkins
from bot.services import roster as roster_service
from bot.services.authz import Actor
from bot.services.leads import DoorAccess
from bot.services.roster import MarkOutcome
from bot.store import shifts as shift_store
from bot.store.shifts import Shift
from bot.store.signups import RosterLine
from handlers import roster_views as views
from handlers.kit.context import BotContext
from handlers.kit.guards import current_actor, require_coordinator
from handlers.kit.replies import edit_or_keep


def _stale(t: Translator) -> str:
    return t._("This button no longer works. Please send /start.")


async def render(
    context: BotContext, shift: Shift, page: int, *, from_manage: bool, access: DoorAccess | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    """One page of the roster as it is now, as this reader may see it (also /manage's Roster button)."""
    runtime = context.runtime
    roster = await roster_service.load(runtime.database, shift, runtime.now_ts(), access)
    return views.roster_page(context.t, roster, page, from_manage=from_manage)


async def _picker(context: BotContext, actor: Actor, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """Coordinators pick from their organizations' shifts, a shift lead from the shifts they lead."""
    runtime = context.runtime
    size = views.PICK_PAGE_SIZE
    if actor.is_coordinator:
        org_ids = None if actor.is_network_admin else sorted(actor.coordinated_org_ids)
        shifts, total = await roster_service.pickable(
            runtime.database, org_ids, runtime.now_ts(), limit=size, offset=page * size
        )
    else:
        shifts, total = await roster_service.led(
            runtime.database, actor.person_id, runtime.now_ts(), limit=size, offset=page * size
        )
    return views.pick_shift(context.t, shifts, page, total)


async def _door_keeper(update: Update, context: BotContext) -> Actor | None:
    """A coordinator, or a volunteer who leads a shift not over yet; anyone else is refused and told."""
    actor, runtime = await current_actor(context), context.runtime
    if actor.is_coordinator or await roster_service.leads_any(runtime.database, actor, runtime.now_ts()):
        return actor
    return await require_coordinator(update, context)  # says who may


async def roster_command(update: Update, context: BotContext) -> None:
    """Asks which shift's roster to show."""
    actor = await _door_keeper(update, context)
    if actor is None:
        return
    text, markup = await _picker(context, actor, 0)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def pick_page(update: Update, context: BotContext, button: views.PickPage) -> None:
    """Another page of the shifts to pick from."""
    actor = await _door_keeper(update, context)
    if actor is None:
        return
    await update.callback_query.answer()
    await edit_or_keep(update.callback_query, *await _picker(context, actor, max(button.page, 0)))


async def _allowed_shift(update: Update, context: BotContext, shift_id: int) -> tuple[Shift, DoorAccess] | None:
    """The shift and how the presser may run its door: a coordinator of its organization or its lead
    (anyone else, and forged data for another shift, is refused and told)."""
    shift = await shift_store.get(context.runtime.database, shift_id)
    if shift is None:
        await update.callback_query.answer(_stale(context.t), show_alert=True)
        return None
    access = await roster_service.access_for(context.runtime.database, await current_actor(context), shift)
    if access is None:
        await require_coordinator(update, context, shift.org_id)  # refuses, saying who may
        return None
    return shift, access


async def view(update: Update, context: BotContext, button: views.RosterPage) -> None:
    """Shows a page of a shift's roster."""
    allowed = await _allowed_shift(update, context, button.shift)
    if allowed is None:
        return
    shift, access = allowed
    await update.callback_query.answer()
    page, from_manage = button.page, button.came_from == "m" and access.coordinator
    await edit_or_keep(
        update.callback_query, *await render(context, shift, page, from_manage=from_manage, access=access)
    )


async def mark(update: Update, context: BotContext, button: views.Mark) -> None:
    """Marks one person attended or a no-show, then shows the page again."""
    query = update.callback_query
    t, runtime = context.t, context.runtime
    shift = await shift_store.get(runtime.database, button.shift)
    if shift is None:
        await query.answer(_stale(t), show_alert=True)
        return
    if await require_coordinator(update, context, shift.org_id) is None:  # marking is the coordinators'
        return
    signup_id, code = button.signup, button.mark
    page, from_manage = button.page, button.came_from == "m"
    outcome = await roster_service.mark(
        runtime.database,
        actor=await current_actor(context),
        shift=shift,
        signup_id=signup_id,
        code=code,
        now=runtime.now_ts(),
    )
    if outcome is MarkOutcome.TOO_EARLY:
        await query.answer(t._("You can mark attendance from an hour before the shift starts."), show_alert=True)
        return
    if outcome is MarkOutcome.NOT_ON_SHIFT:
        await query.answer(_stale(t), show_alert=True)
        return
    await query.answer(t._("Marked: attended.") if code == "a" else t._("Marked: no-show."))
    fresh = await shift_store.get(runtime.database, shift.id)
    assert fresh is not None
    await edit_or_keep(update.callback_query, *await render(context, fresh, page, from_manage=from_manage))


async def check(update: Update, context: BotContext, button: views.RosterCheck) -> None:
    """Checks one person on the roster in (📍) or out (🚪), logged as done by this coordinator, then shows
    the page again."""
    query = update.callback_query
    t, runtime = context.t, context.runtime
    db = runtime.database
    allowed = await _allowed_shift(update, context, button.shift)
    if allowed is None:
        return
    shift, access = allowed
    actor, now = await current_actor(context), runtime.now_ts()
    try:
        if button.action == "i":
            result = await checkins.check_in_for(db, actor=actor, shift_id=shift.id, signup_id=button.signup, now=now)
        else:
            out = await checkins.check_out_for(db, actor=actor, shift_id=shift.id, signup_id=button.signup, now=now)
    except checkins.NotAllowed:
        await query.answer(t._("Sorry, only the organization's coordinators can do that."), show_alert=True)
        return
    line = await line_of(context, shift, button.signup)
    answer = None
    if line is not None:
        name = line.name or t._("(deleted account)")
        answer = (
            views.checked_in_answer(t, name, result) if button.action == "i" else views.checked_out_answer(t, name, out)
        )
    if answer is None:
        await query.answer(_stale(t), show_alert=True)
        return
    done = result.done if button.action == "i" else out.outcome is checkins.OutOutcome.CHECKED_OUT
    await query.answer(answer, show_alert=not done)
    if not done:  # nothing changed here
        return
    fresh = await shift_store.get(db, shift.id)
    assert fresh is not None
    await edit_or_keep(query, *await render(
        context, fresh, button.page, from_manage=button.came_from == "m" and access.coordinator, access=access
    ))


async def line_of(context: BotContext, shift: Shift, signup_id: int) -> RosterLine | None:
    """The roster's line for one signup of this shift (None: not on it)."""
    lines = await roster_service.lines(context.runtime.database, shift.id)
    return next((line for line in lines if line.signup_id == signup_id and line.status != "waitlisted"), None)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("roster", roster_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(views.PickPage.handler(pick_page))
    app.add_handler(views.RosterPage.handler(view))
    app.add_handler(views.Mark.handler(mark))
    app.add_handler(views.RosterCheck.handler(check))
