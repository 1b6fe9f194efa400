"""Finding shifts (/shifts), a shift's card, and signing up — with waitlist and calendar file.
What they look like, and their buttons, are in handlers/shift_views.py."""

from __future__ import annotations

import logging
from dataclasses import replace

from telegram import InlineKeyboardMarkup, InputFile, Update
from telegram.ext import Application, CommandHandler, filters

from bot.i18n import Translator
from bot.ics import shift_ics
from bot.services import browse
from bot.services.browse import Filters
from bot.services.signups import Outcome, sign_up
from bot.store import shifts as shift_store
from bot.store import signups
from bot.store.shifts import Shift
from bot.store.signups import Signup
from handlers import shift_views as views
from handlers.kit.context import BotContext
from handlers.kit.guards import require_registered
from handlers.kit.replies import edit_or_keep
from handlers.menu import FindShifts
from handlers.offers import may_offer

log = logging.getLogger(__name__)


async def _render_list(context: BotContext, filters_: Filters) -> tuple[str, InlineKeyboardMarkup]:
    runtime = context.runtime
    page = await browse.find_shifts(runtime.database, context.person, filters_, runtime.clock.now(), context.t.tz)
    return views.shift_list(context.t, page)


async def shifts_command(update: Update, context: BotContext) -> None:
    """Shows the first page of open shifts for this volunteer."""
    if not await require_registered(update, context):
        return
    text, markup = await _render_list(context, Filters())
    await update.effective_message.reply_text(text, reply_markup=markup)


async def shifts_from_menu(update: Update, context: BotContext, _: FindShifts) -> None:
    """The menu's Find shifts button: the same list as /shifts, in a new message."""
    query = update.callback_query
    if not await require_registered(update, context):
        return
    await query.answer()
    text, markup = await _render_list(context, Filters())
    await context.bot.send_message(query.message.chat.id, text, reply_markup=markup)


async def list_page(update: Update, context: BotContext, button: views.ListPage) -> None:
    """Moves between pages or applies a filter, editing the list in place."""
    query = update.callback_query
    if not await require_registered(update, context):
        return
    await query.answer()
    text, markup = await _render_list(context, button.filters)
    await edit_or_keep(query, text, markup)


async def filter_menu(update: Update, context: BotContext, button: views.FilterMenu) -> None:
    """Offers the choices of one filter (when, kind, organization) as buttons."""
    query = update.callback_query
    if not await require_registered(update, context):
        return
    await query.answer()
    orgs: list[tuple[int, str]] = []
    if button.dimension == "o":
        runtime = context.runtime
        orgs = (await shift_store.orgs_with_open_shifts(runtime.database, runtime.now_ts()))[:30]
    current = Filters.decode(button.state)
    await query.edit_message_reply_markup(views.filter_choices(context.t, button.dimension, current, orgs))


# --- the card -------------------------------------------------------------------------------------


async def _render_card(
    context: BotContext, shift: Shift, back_state: str | None, mine: Signup | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    """The card with this person's status on it; `mine`, when the caller just saved it, spares a look-up."""
    runtime = context.runtime
    if mine is None:
        mine = await signups.find(runtime.database, shift.id, context.person.id)
    offer = await may_offer(context, shift) is not None
    standing = views.Standing(closed=runtime.clock.now() >= shift.signup_closes_at, offer=offer)
    if mine is not None:
        rank = await signups.waitlist_rank(runtime.database, mine) if mine.status == "waitlisted" else 0
        standing = replace(standing, signup_id=mine.id, status=mine.status, rank=rank)
    return views.card_view(context.t, shift, standing, back_state)


async def send_shift_card(chat_id: int, context: BotContext, shift_id: int) -> None:
    """Sends a shift's card as a new message (deep links `shift-<id>`, notices)."""
    shift = await shift_store.get(context.runtime.database, shift_id)
    if shift is None:
        await context.bot.send_message(chat_id, context.t._("That shift doesn't exist (any more)."))
        return
    text, markup = await _render_card(context, shift, None)
    await context.bot.send_message(chat_id, text, reply_markup=markup)


async def open_card(update: Update, context: BotContext, button: views.Card) -> None:
    """Opens a shift's card from the list, in place."""
    query = update.callback_query
    if not await require_registered(update, context):
        return
    shift = await shift_store.get(context.runtime.database, button.shift)
    if shift is None:
        await query.answer(context.t._("That shift doesn't exist (any more)."), show_alert=True)
        return
    await query.answer()
    text, markup = await _render_card(context, shift, button.back or None)
    await edit_or_keep(query, text, markup)


# --- signing up -----------------------------------------------------------------------------------


async def join(update: Update, context: BotContext, button: views.Join) -> None:
    """Signs the volunteer up (or onto the waitlist), after warning of an overlap."""
    query = update.callback_query
    if not await require_registered(update, context):
        return
    t, runtime = context.t, context.runtime
    shift_id, allow_overlap = button.shift, button.overlap == "o"
    result = await sign_up(
        runtime.database,
        context.person.id,
        shift_id,
        runtime.now_ts(),
        policy=runtime.reminder_policy,
        allow_overlap=allow_overlap,
    )
    shift = result.shift
    if result.outcome is Outcome.UNAVAILABLE or shift is None:
        await query.answer(t._("This shift is no longer available."), show_alert=True)
        return
    if result.outcome is Outcome.CLOSED:
        await query.answer(t._("Signups for this shift have closed."), show_alert=True)
        return
    if result.outcome is Outcome.ALREADY_CONFIRMED:
        await query.answer(t._("You're already signed up for this shift."), show_alert=True)
        return
    if result.outcome is Outcome.ALREADY_WAITLISTED:
        await query.answer(
            t._("You're already #{rank} on the waitlist.").format(rank=t.number(result.waitlist_rank or 0)),
            show_alert=True,
        )
        return
    await query.answer()
    chat_id = query.message.chat.id
    if result.outcome is Outcome.OVERLAP:
        text, markup = views.overlap_question(t, shift, result.overlaps[0])
        await context.bot.send_message(chat_id, text, reply_markup=markup)
        return
    # Refresh the card they pressed, so its button and places match what just happened.
    text, markup = await _render_card(context, shift, None, result.signup)
    await edit_or_keep(query, text, markup)
    if result.outcome is Outcome.CONFIRMED:
        await _send_confirmation(context, chat_id, t, shift)
    else:
        await context.bot.send_message(chat_id, views.waitlisted(t, shift, result.waitlist_rank or 0))


async def _send_confirmation(context: BotContext, chat_id: int, t: Translator, shift: Shift) -> None:
    """One message: the confirmation as the caption of the shift's calendar file."""
    ics = shift_ics(shift.in_locale(t.locale), bot_username=context.bot.username, now=context.runtime.clock.now())
    await context.bot.send_document(
        chat_id,
        InputFile(ics, filename=f"shift-{shift.id}.ics", attach=False),
        caption=views.confirmation(t, shift),
    )


def register(app: Application) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("shifts", shifts_command, filters=private))
    app.add_handler(FindShifts.handler(shifts_from_menu))
    app.add_handler(views.ListPage.handler(list_page))
    app.add_handler(views.FilterMenu.handler(filter_menu))
    app.add_handler(views.Card.handler(open_card))
    app.add_handler(views.Join.handler(join))
