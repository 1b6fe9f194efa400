"""Shift leads from the roster: a coordinator names a volunteer on the shift as its lead (saying whether
they may see phones) or removes them; the lead is told through the outbox. What a lead may then do is
checked where it is done (handlers/roster.py, handlers/checkin.py, and the services under them)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application

from bot.services import leads
from bot.services import roster as roster_service
from bot.store import shifts as shift_store
from bot.store.shifts import Shift
from bot.store.signups import RosterLine
from handlers import lead_views as views
from handlers.kit.context import BotContext
from handlers.kit.guards import current_actor, require_coordinator
from handlers.kit.replies import edit_or_keep
from handlers.notices import Notice, Rendering, Skip, poke_dispatcher, renderer
from handlers.roster_views import From, LeadsPage


def _stale(context: BotContext) -> str:
    return context.t._("This button no longer works. Please send /start.")


async def _coordinated(update: Update, context: BotContext, shift_id: int) -> Shift | None:
    """The shift, when the presser coordinates its organization (a lead never names leads)."""
    shift = await shift_store.get(context.runtime.database, shift_id)
    if shift is None:
        await update.callback_query.answer(_stale(context), show_alert=True)
        return None
    if await require_coordinator(update, context, shift.org_id) is None:
        return None
    return shift


async def _person_on(context: BotContext, shift: Shift, signup_id: int) -> RosterLine | None:
    """The roster line of a signup of this shift (None: not on it — stale or forged data)."""
    lines = await roster_service.lines(context.runtime.database, shift.id)
    return next(
        (line for line in lines if line.signup_id == signup_id and line.status in leads.ON_ROSTER), None
    )


async def _show_list(update: Update, context: BotContext, shift: Shift, page: int, came_from: From) -> None:
    runtime = context.runtime
    roster = await roster_service.load(runtime.database, shift, runtime.now_ts())
    await edit_or_keep(update.callback_query, *views.leads_page(context.t, roster, page, came_from))


async def show_leads(update: Update, context: BotContext, button: LeadsPage) -> None:
    """Who leads the shift, and ⭐ / ✖ to name or remove."""
    shift = await _coordinated(update, context, button.shift)
    if shift is None:
        return
    await update.callback_query.answer()
    await _show_list(update, context, shift, button.page, button.came_from)


async def ask_lead(update: Update, context: BotContext, button: views.AskLead) -> None:
    """Asks whether the new lead may see phones."""
    shift = await _coordinated(update, context, button.shift)
    if shift is None:
        return
    line = await _person_on(context, shift, button.signup)
    if line is None:
        await update.callback_query.answer(_stale(context), show_alert=True)
        return
    await update.callback_query.answer()
    await edit_or_keep(update.callback_query, *views.ask_phones(context.t, shift, line.name, button))


async def name_lead(update: Update, context: BotContext, button: views.NameLead) -> None:
    """Names the lead; they are told in their language."""
    shift = await _coordinated(update, context, button.shift)
    if shift is None:
        return
    line = await _person_on(context, shift, button.signup)
    if line is None:
        await update.callback_query.answer(_stale(context), show_alert=True)
        return
    runtime = context.runtime
    try:
        outcome = await leads.name_lead(
            runtime.database, await current_actor(context), shift.id, line.person_id,
            show_phones=button.phones, now=runtime.now_ts(),
        )
    except leads.NotAllowed:
        await require_coordinator(update, context, shift.org_id)
        return
    done = outcome in (leads.LeadOutcome.NAMED, leads.LeadOutcome.UPDATED, leads.LeadOutcome.ALREADY)
    await update.callback_query.answer(views.outcome_answer(context.t, line.name, outcome), show_alert=not done)
    if outcome is leads.LeadOutcome.NAMED:
        poke_dispatcher(context)
    await _show_list(update, context, shift, button.page, button.came_from)


async def remove_lead(update: Update, context: BotContext, button: views.RemoveLead) -> None:
    """Ends someone's lead role on the shift; they are told."""
    shift = await _coordinated(update, context, button.shift)
    if shift is None:
        return
    signup_id = button.signup
    lines = await roster_service.lines(context.runtime.database, shift.id)
    line = next((line for line in lines if line.signup_id == signup_id), None)
    if line is None:
        await update.callback_query.answer(_stale(context), show_alert=True)
        return
    runtime = context.runtime
    try:
        outcome = await leads.remove_lead(
            runtime.database, await current_actor(context), shift.id, line.person_id, now=runtime.now_ts()
        )
    except leads.NotAllowed:
        await require_coordinator(update, context, shift.org_id)
        return
    await update.callback_query.answer(views.outcome_answer(context.t, line.name, outcome))
    if outcome is leads.LeadOutcome.REMOVED:
        poke_dispatcher(context)
    await _show_list(update, context, shift, button.page, button.came_from)


@renderer(leads.LEAD_NAMED)
async def render_named(r: Rendering) -> Notice:
    """Tells the new lead what they may do, with the way to the roster (skipped if no longer lead)."""
    lead_id = int(r.item.payload.get("lead_id", 0))
    if not await leads.still_lead(r.runtime.database, lead_id):
        raise Skip("no longer lead")
    lead = (await leads.leads_of(r.runtime.database, r.item.shift_id or 0)).get(r.person.id)
    shift = await r.shift()
    text, markup = views.named_notice(r.t, shift, bool(lead and lead.show_phones))
    return Notice(text, markup)


@renderer(leads.LEAD_REMOVED)
async def render_removed(r: Rendering) -> Notice:
    shift = await r.shift()
    if r.person.id in await leads.leads_of(r.runtime.database, shift.id):
        raise Skip("lead again")
    return Notice(views.removed_notice(r.t, shift))


def register(app: Application) -> None:
    app.add_handler(LeadsPage.handler(show_leads))
    app.add_handler(views.AskLead.handler(ask_lead))
    app.add_handler(views.NameLead.handler(name_lead))
    app.add_handler(views.RemoveLead.handler(remove_lead))
