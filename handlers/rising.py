"""Rising volunteers under /stats: the list per organization, and ⭐ that makes one of them the lead of an
upcoming shift they're on — at once when there is one, after picking when there are several. Each press
checks again that the presser coordinates the organization; the lead service checks it too."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import Application

from bot.services import leads, rising
from bot.services.authz import Actor
from bot.store import people
from handlers import rising_views as views
from handlers.kit.context import BotContext
from handlers.kit.guards import require_coordinator
from handlers.kit.replies import edit_or_keep
from handlers.lead_views import outcome_answer
from handlers.notices import poke_dispatcher


async def send_lists(message: Message, context: BotContext, actor: Actor) -> None:
    """After the numbers: one list per organization the coordinator holds a role in, where anyone is on a path."""
    runtime = context.runtime
    for org in await rising.for_actor(runtime.database, actor, runtime.now_ts()):
        text, markup = views.rising_list(context.t, org)
        await message.reply_text(text, reply_markup=markup)


async def _show_list(update: Update, context: BotContext, actor: Actor, org_id: int) -> None:
    runtime = context.runtime
    org = await rising.for_org(runtime.database, actor, org_id, runtime.now_ts())
    await edit_or_keep(update.callback_query, *views.rising_list(context.t, org))


async def _person_name(context: BotContext, person_id: int) -> str:
    person = await people.get(context.runtime.database, person_id)
    return person.name if person is not None and person.status != "deleted" else ""


async def _name_lead(update: Update, context: BotContext, actor: Actor, org_id: int, person_id: int,
                     shift_id: int) -> None:
    runtime = context.runtime
    try:
        outcome = await leads.name_lead(
            runtime.database, actor, shift_id, person_id, show_phones=False, now=runtime.now_ts()
        )
    except leads.NotAllowed:
        await require_coordinator(update, context, org_id)  # no longer theirs: says so
        return
    done = outcome in (leads.LeadOutcome.NAMED, leads.LeadOutcome.ALREADY)
    name = await _person_name(context, person_id)
    await update.callback_query.answer(outcome_answer(context.t, name, outcome), show_alert=not done)
    if outcome is leads.LeadOutcome.NAMED:
        poke_dispatcher(context)
    await _show_list(update, context, actor, org_id)


async def make_lead(update: Update, context: BotContext, button: views.MakeLead) -> None:
    """⭐: their one upcoming shift, or which of several."""
    actor = await require_coordinator(update, context, button.org)
    if actor is None:
        return
    runtime, t = context.runtime, context.t
    shifts = await rising.leadable_shifts(runtime.database, actor, button.org, button.person, runtime.now_ts())
    if len(shifts) == 1:
        await _name_lead(update, context, actor, button.org, button.person, shifts[0].id)
        return
    name = await _person_name(context, button.person)
    if not shifts:
        await update.callback_query.answer(
            t._("{name} isn't on an upcoming shift of the organization now.").format(
                name=name or t._("(deleted account)")
            ),
            show_alert=True,
        )
        return
    await update.callback_query.answer()
    await edit_or_keep(update.callback_query, *views.pick_shift(t, button.org, button.person, name, shifts))


async def lead_on(update: Update, context: BotContext, button: views.LeadOn) -> None:
    """The shift picked: they are its lead now, and told so."""
    actor = await require_coordinator(update, context, button.org)
    if actor is None:
        return
    runtime = context.runtime
    shifts = await rising.leadable_shifts(runtime.database, actor, button.org, button.person, runtime.now_ts())
    if button.shift not in {shift.id for shift in shifts}:  # led already, left, over, or forged
        await update.callback_query.answer(context.t._("This button no longer works. Please send /start."),
                                           show_alert=True)
        return
    await _name_lead(update, context, actor, button.org, button.person, button.shift)


async def back(update: Update, context: BotContext, button: views.RisingList) -> None:
    actor = await require_coordinator(update, context, button.org)
    if actor is None:
        return
    await update.callback_query.answer()
    await _show_list(update, context, actor, button.org)


def register(app: Application) -> None:
    app.add_handler(views.MakeLead.handler(make_lead))
    app.add_handler(views.LeadOn.handler(lead_on))
    app.add_handler(views.RisingList.handler(back))
