"""Finding shifts (/shifts), a shift's card, and signing up — with waitlist and calendar file."""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.i18n import Translator
from bot.ics import shift_ics
from bot.services import browse
from bot.services.browse import Filters
from bot.services.signups import Outcome, sign_up
from bot.store import shifts as shift_store
from bot.store import signups
from bot.store.shifts import Shift
from bot.store.signups import Signup
from bot.vocab import KIND_EMOJI, KINDS, kind_name
from handlers import shift_views as views
from handlers.context import BotContext
from handlers.guards import require_registered
from handlers.keyboards import grid, pager
from handlers.menu import MENU_SHIFTS
from handlers.replies import edit_or_keep

log = logging.getLogger(__name__)

STATE = r"[adwm]\.[a-z-]{1,2}\.\d{1,9}\.[01]\.\d{1,5}"
LIST_PATTERN = rf"^sl:({STATE})$"
FILTER_PATTERN = rf"^sf:([wko]):({STATE})$"
CARD_PATTERN = rf"^sc:(\d{{1,9}})(?::({STATE}))?$"
JOIN_PATTERN = r"^sj:(\d{1,9})(:o)?$"


def _when_label(t: Translator, when: str) -> str:
    labels = {
        "a": t._("Any time"),
        "d": t._("Today"),
        "w": t._("Next 7 days"),
        "m": t._("Next 30 days"),
    }
    return labels[when]


# --- the list -------------------------------------------------------------------------------------


async def _render_list(context: BotContext, filters_: Filters) -> tuple[str, InlineKeyboardMarkup]:
    t, runtime = context.t, context.runtime
    page = await browse.find_shifts(runtime.database, context.person, filters_, runtime.clock.now(), t.tz)
    filters_ = page.filters
    chosen = [_when_label(t, filters_.when)]
    if filters_.kind:
        chosen.append(kind_name(t, filters_.kind))
    if filters_.org_id:
        org_name = next((s.org_name for s in page.shifts), None)
        if org_name:
            chosen.append(org_name)
    if filters_.online_only:
        chosen.append(t._("Online only"))
    header = "🔎 <b>" + t._("Open shifts") + "</b> · " + views.esc(" · ".join(chosen))
    if not page.shifts:
        body = t._("No open shifts match right now. Try another filter, or check back soon.")
        lines = [header, "", body]
    else:
        counter = t.ngettext("{count} shift", "{count} shifts", page.total).format(count=t.number(page.total))
        pages = t._("page {page} of {pages}").format(page=t.number(filters_.page + 1), pages=t.number(page.pages))
        lines = [header, views.esc(f"{counter} · {pages}"), ""]
        first = filters_.page * browse.PAGE_SIZE + 1
        lines += [views.list_line(t, first + i, s) + "\n" for i, s in enumerate(page.shifts)]
    state = filters_.encode()
    open_buttons = [
        InlineKeyboardButton(str(filters_.page * browse.PAGE_SIZE + 1 + i), callback_data=f"sc:{s.id}:{state}")
        for i, s in enumerate(page.shifts)
    ]
    rows = [open_buttons] if open_buttons else []
    rows += pager(
        t, filters_.page, filters_.page + 1 < page.pages, lambda n: f"sl:{replace(filters_, page=n).encode()}"
    )
    online = filters_.with_(online_only=not filters_.online_only).encode()
    rows.append(
        [
            InlineKeyboardButton("📅 " + t._("When"), callback_data=f"sf:w:{state}"),
            InlineKeyboardButton("🏷 " + t._("Kind"), callback_data=f"sf:k:{state}"),
        ]
    )
    rows.append(
        [
            InlineKeyboardButton("🏢 " + t._("Organization"), callback_data=f"sf:o:{state}"),
            InlineKeyboardButton(
                ("✓ " if filters_.online_only else "") + "💻 " + t._("Online only"), callback_data=f"sl:{online}"
            ),
        ]
    )
    return "\n".join(lines).rstrip(), InlineKeyboardMarkup(rows)


async def shifts_command(update: Update, context: BotContext) -> None:
    """Shows the first page of open shifts for this volunteer."""
    if not await require_registered(update, context):
        return
    text, markup = await _render_list(context, Filters())
    await update.effective_message.reply_text(text, reply_markup=markup)


async def shifts_from_menu(update: Update, context: BotContext) -> None:
    """The menu's Find shifts button: the same list as /shifts, in a new message."""
    query = update.callback_query
    if not await require_registered(update, context):
        return
    await query.answer()
    text, markup = await _render_list(context, Filters())
    await context.bot.send_message(query.message.chat.id, text, reply_markup=markup)


async def list_page(update: Update, context: BotContext) -> None:
    """Moves between pages or applies a filter, editing the list in place."""
    query = update.callback_query
    if not await require_registered(update, context):
        return
    await query.answer()
    text, markup = await _render_list(context, Filters.decode(context.match.group(1)))
    await edit_or_keep(query, text, markup)


async def filter_menu(update: Update, context: BotContext) -> None:
    """Offers the choices of one filter (when, kind, organization) as buttons."""
    query = update.callback_query
    if not await require_registered(update, context):
        return
    await query.answer()
    t = context.t
    dimension, current = context.match.group(1), Filters.decode(context.match.group(2))
    if dimension == "w":
        options = [(_when_label(t, w), current.with_(when=w)) for w in browse.WHEN]
    elif dimension == "k":
        options = [(t._("All kinds"), current.with_(kind=None))] + [
            (f"{KIND_EMOJI[k]} {kind_name(t, k)}", current.with_(kind=k)) for k in KINDS
        ]
    else:
        runtime = context.runtime
        orgs = await shift_store.orgs_with_open_shifts(runtime.database, runtime.now_ts())
        options = [(t._("All organizations"), current.with_(org_id=None))] + [
            (name, current.with_(org_id=org_id)) for org_id, name in orgs[:30]
        ]
    buttons = [InlineKeyboardButton(label[:60], callback_data=f"sl:{f.encode()}") for label, f in options]
    rows = grid(buttons, 1 if dimension == "o" else 2)
    rows.append([InlineKeyboardButton("◀ " + t._("Back"), callback_data=f"sl:{current.encode()}")])
    await query.edit_message_reply_markup(InlineKeyboardMarkup(rows))


# --- the card -------------------------------------------------------------------------------------


async def _render_card(
    context: BotContext, shift: Shift, back_state: str | None, mine: Signup | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    """The card with this person's status on it; `mine`, when the caller just saved it, spares a look-up."""
    t, runtime = context.t, context.runtime
    if mine is None:
        mine = await signups.find(runtime.database, shift.id, context.person.id)
    rows: list[list[InlineKeyboardButton]] = []
    status_line = None
    closed = runtime.clock.now() >= shift.signup_closes_at
    if shift.status != "published":
        pass
    elif mine is not None and mine.status in ("confirmed", "attended"):
        status_line = "✅ <b>" + t._("You're signed up.") + "</b>"
        rows.append([InlineKeyboardButton("✖ " + t._("Cancel my place"), callback_data=f"mc:{mine.id}")])
    elif mine is not None and mine.status == "waitlisted":
        rank = await signups.waitlist_rank(runtime.database, mine)
        status_line = "⏳ <b>" + t._("You're #{rank} on the waitlist.").format(rank=t.number(rank)) + "</b>"
        rows.append([InlineKeyboardButton("✖ " + t._("Leave the waitlist"), callback_data=f"mc:{mine.id}")])
    elif closed:
        status_line = t._("Signups for this shift have closed.")
    elif shift.is_full:
        rows.append([InlineKeyboardButton("⏳ " + t._("Join the waitlist"), callback_data=f"sj:{shift.id}")])
    else:
        rows.append([InlineKeyboardButton("✅ " + t._("Sign up"), callback_data=f"sj:{shift.id}")])
    back = f"sl:{back_state}" if back_state else f"sl:{Filters().encode()}"
    rows.append([InlineKeyboardButton("◀ " + t._("All shifts"), callback_data=back)])
    return views.card(t, shift, status_line), InlineKeyboardMarkup(rows)


async def send_shift_card(chat_id: int, context: BotContext, shift_id: int) -> None:
    """Sends a shift's card as a new message (deep links `shift-<id>`, notices)."""
    shift = await shift_store.get(context.runtime.database, shift_id)
    if shift is None:
        await context.bot.send_message(chat_id, context.t._("That shift doesn't exist (any more)."))
        return
    text, markup = await _render_card(context, shift, None)
    await context.bot.send_message(chat_id, text, reply_markup=markup)


async def open_card(update: Update, context: BotContext) -> None:
    """Opens a shift's card from the list, in place."""
    query = update.callback_query
    if not await require_registered(update, context):
        return
    shift = await shift_store.get(context.runtime.database, int(context.match.group(1)))
    if shift is None:
        await query.answer(context.t._("That shift doesn't exist (any more)."), show_alert=True)
        return
    await query.answer()
    text, markup = await _render_card(context, shift, context.match.group(2))
    await edit_or_keep(query, text, markup)


# --- signing up -----------------------------------------------------------------------------------


async def join(update: Update, context: BotContext) -> None:
    """Signs the volunteer up (or onto the waitlist), after warning of an overlap."""
    query = update.callback_query
    if not await require_registered(update, context):
        return
    t, runtime = context.t, context.runtime
    shift_id, allow_overlap = int(context.match.group(1)), bool(context.match.group(2))
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
        clash = result.overlaps[0]
        text = t._("Heads up: this overlaps with another shift you signed up for:") + "\n\n"
        text += f"• <b>{views.esc(clash.title)}</b> · {views.esc(views.when(t, clash))}\n\n"
        text += t._("Sign up for <b>{title}</b> anyway?").format(title=views.esc(shift.title))
        markup = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton("✅ " + t._("Yes, sign me up"), callback_data=f"sj:{shift.id}:o")],
                [InlineKeyboardButton(t._("No, keep my schedule"), callback_data=f"sc:{shift.id}")],
            ]
        )
        await context.bot.send_message(chat_id, text, reply_markup=markup)
        return
    # Refresh the card they pressed, so its button and places match what just happened.
    text, markup = await _render_card(context, shift, None, result.signup)
    await edit_or_keep(query, text, markup)
    if result.outcome is Outcome.CONFIRMED:
        await _send_confirmation(context, chat_id, t, shift)
    else:
        await context.bot.send_message(
            chat_id,
            "⏳ "
            + t._(
                "<b>{title}</b> is full, so you're #{rank} on the waitlist. "
                "I'll tell you right away if a place opens up."
            ).format(title=views.esc(shift.title), rank=t.number(result.waitlist_rank or 0)),
        )


async def _send_confirmation(context: BotContext, chat_id: int, t: Translator, shift: Shift) -> None:
    """One message: the confirmation as the caption of the shift's calendar file."""
    ics = shift_ics(shift, bot_username=context.bot.username, now=context.runtime.clock.now())
    await context.bot.send_document(
        chat_id,
        InputFile(ics, filename=f"shift-{shift.id}.ics", attach=False),
        caption=views.confirmation(t, shift),
    )


def register(app: Application) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("shifts", shifts_command, filters=private))
    app.add_handler(CallbackQueryHandler(shifts_from_menu, pattern=f"^{re.escape(MENU_SHIFTS)}$"))
    app.add_handler(CallbackQueryHandler(list_page, pattern=LIST_PATTERN))
    app.add_handler(CallbackQueryHandler(filter_menu, pattern=FILTER_PATTERN))
    app.add_handler(CallbackQueryHandler(open_card, pattern=CARD_PATTERN))
    app.add_handler(CallbackQueryHandler(join, pattern=JOIN_PATTERN))
