"""/roster: who is on a shift — confirmed and waiting, their outreach languages, phone where they shared it,
checked in or not — and attendance marked by hand. Only for the coordinators of the shift's organization,
checked on every button; a phone number is shown only on the roster of a shift its owner is on.

Callback data: `rp:<page>` pick a shift; `ro:<shift>:<page>[:m]` a page of its roster (`m`: opened from
/manage, so Back returns there); `ra:<shift>:<signup>:<a|n>:<page>[:m]` mark attended / no-show.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.i18n import Translator
from bot.services import roster as roster_service
from bot.services.authz import Actor
from bot.services.roster import MarkOutcome
from bot.store import shifts as shift_store
from bot.store.shifts import Shift
from bot.store.signups import RosterLine
from bot.vocab import outreach_language_name
from handlers import shift_views as views
from handlers.context import BotContext
from handlers.guards import require_coordinator
from handlers.keyboards import grid, pager
from handlers.manage_views import Open
from handlers.replies import edit_or_keep

PICK_PATTERN = r"^rp:(\d{1,4})$"
VIEW_PATTERN = r"^ro:(\d{1,9}):(\d{1,4})(:m)?$"
MARK_PATTERN = r"^ra:(\d{1,9}):(\d{1,12}):([an]):(\d{1,4})(:m)?$"
PAGE_SIZE = 10
PICK_PAGE_SIZE = 8
LANGUAGES_SHOWN = 4  # per person: ten people with every language still fit in one message


def _stale(t: Translator) -> str:
    return t._("This button no longer works. Please send /start.")


def _line(t: Translator, number: int, line: RosterLine) -> str:
    name = views.esc(line.name) or "<i>" + views.esc(t._("(deleted account)")) + "</i>"
    if line.status == "waitlisted":
        head = f"#{t.number(line.rank)} <b>{name}</b>"
    else:
        head = f"{number}. {'✓' if line.checked_in else '–'} <b>{name}</b>"
    parts = [head]
    if line.languages:
        names = [outreach_language_name(t, code) for code in line.languages[:LANGUAGES_SHOWN]]
        more = len(line.languages) - LANGUAGES_SHOWN
        parts.append(views.esc(", ".join(names) + (f" +{t.number(more)}" if more > 0 else "")))
    if line.phone:
        parts.append("📞 " + views.esc(line.phone))
    if line.status == "attended":
        parts.append("✅ " + t._("attended"))
    elif line.status == "no_show":
        parts.append("✖ " + t._("no-show"))
    return " · ".join(parts)


async def render(
    context: BotContext, shift: Shift, page: int, *, from_manage: bool
) -> tuple[str, InlineKeyboardMarkup]:
    """One page of the roster: the people on the shift, then the waitlist, ten to a page."""
    t, runtime = context.t, context.runtime
    roster = await roster_service.load(runtime.database, shift, runtime.now_ts())
    lines = roster.on_shift + roster.waiting
    pages = max(1, (len(lines) + PAGE_SIZE - 1) // PAGE_SIZE)
    page = min(max(page, 0), pages - 1)
    first = page * PAGE_SIZE
    suffix = ":m" if from_manage else ""
    st = Translator(locale=t.locale, tz=ZoneInfo(shift.timezone))  # the shift's own clock, as in /manage
    text = [
        "👥 <b>" + t._("Roster") + "</b> · " + views.esc(shift.title),
        "🗓 " + views.esc(views.when(st, shift)),
        t._("{confirmed} of {capacity} signed up · {waiting} on the waitlist").format(
            confirmed=t.number(shift.confirmed_count), capacity=t.number(shift.capacity),
            waiting=t.number(len(roster.waiting)),
        ),
    ]
    if shift.status == "cancelled":
        text.append("❌ <b>" + t._("This shift was cancelled.") + "</b>")
    if pages > 1:
        text.append(views.esc(t._("page {page} of {pages}").format(page=t.number(page + 1), pages=t.number(pages))))
    text.append("")
    if not lines:
        text.append(t._("Nobody has signed up yet."))
    elif roster.on_shift:
        text.append(t._("✓ checked in · – not checked in"))
    buttons: list[InlineKeyboardButton] = []
    shown_waitlist_heading = False
    for index, line in enumerate(lines[first : first + PAGE_SIZE], start=first + 1):
        if line.status == "waitlisted" and not shown_waitlist_heading:
            text += ["", "⏳ <b>" + t._("Waitlist") + "</b>"]
            shown_waitlist_heading = True
        text.append(_line(t, index, line))
        if line.status != "waitlisted" and roster.marking_open:
            mark = f"ra:{shift.id}:{line.signup_id}"
            buttons.append(InlineKeyboardButton(f"✅ {index}", callback_data=f"{mark}:a:{page}{suffix}"))
            buttons.append(InlineKeyboardButton(f"✖ {index}", callback_data=f"{mark}:n:{page}{suffix}"))
    if buttons:
        text += ["", t._("Mark who came: ✅ attended, ✖ no-show.")]
    rows = grid(buttons, 4)
    rows += pager(t, page, page + 1 < pages, lambda n: f"ro:{shift.id}:{n}{suffix}")
    back = Open(shift.id).pack() if from_manage else "rp:0"
    rows.append([InlineKeyboardButton("◀ " + t._("Back"), callback_data=back)])
    return "\n".join(text), InlineKeyboardMarkup(rows)


async def _picker(context: BotContext, actor: Actor, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    t, runtime = context.t, context.runtime
    org_ids = None if actor.is_network_admin else sorted(actor.coordinated_org_ids)
    shifts, total = await roster_service.pickable(
        runtime.database, org_ids, runtime.now_ts(), limit=PICK_PAGE_SIZE, offset=page * PICK_PAGE_SIZE
    )
    if not shifts:
        return "👥 " + t._("None of your organizations' shifts has a roster to show yet."), None
    pages = (total + PICK_PAGE_SIZE - 1) // PICK_PAGE_SIZE
    first = page * PICK_PAGE_SIZE + 1
    lines = ["👥 <b>" + t._("Which shift's roster?") + "</b>"]
    if pages > 1:
        lines.append(views.esc(t._("page {page} of {pages}").format(page=t.number(page + 1), pages=t.number(pages))))
    lines.append("")
    lines += [views.list_line(t, first + i, s) + "\n" for i, s in enumerate(shifts)]
    rows = grid([InlineKeyboardButton(str(first + i), callback_data=f"ro:{s.id}:0") for i, s in enumerate(shifts)], 4)
    rows += pager(t, page, page + 1 < pages, lambda n: f"rp:{n}")
    return "\n".join(lines).rstrip(), InlineKeyboardMarkup(rows)


async def roster_command(update: Update, context: BotContext) -> None:
    """Asks which shift's roster to show."""
    actor = await require_coordinator(update, context)
    if actor is None:
        return
    text, markup = await _picker(context, actor, 0)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def pick_page(update: Update, context: BotContext) -> None:
    """Another page of the shifts to pick from."""
    actor = await require_coordinator(update, context)
    if actor is None:
        return
    await update.callback_query.answer()
    await edit_or_keep(update.callback_query, *await _picker(context, actor, int(context.match.group(1))))


async def _allowed_shift(update: Update, context: BotContext, shift_id: int) -> Shift | None:
    """The shift, if it exists and the presser coordinates its organization (refused and told otherwise)."""
    shift = await shift_store.get(context.runtime.database, shift_id)
    if shift is None:
        await update.callback_query.answer(_stale(context.t), show_alert=True)
        return None
    if await require_coordinator(update, context, shift.org_id) is None:
        return None
    return shift


async def view(update: Update, context: BotContext) -> None:
    """Shows a page of a shift's roster."""
    shift = await _allowed_shift(update, context, int(context.match.group(1)))
    if shift is None:
        return
    await update.callback_query.answer()
    page, from_manage = int(context.match.group(2)), bool(context.match.group(3))
    await edit_or_keep(update.callback_query, *await render(context, shift, page, from_manage=from_manage))


async def mark(update: Update, context: BotContext) -> None:
    """Marks one person attended or a no-show, then shows the page again."""
    query = update.callback_query
    t, runtime = context.t, context.runtime
    shift = await _allowed_shift(update, context, int(context.match.group(1)))
    if shift is None:
        return
    signup_id, code = int(context.match.group(2)), context.match.group(3)
    page, from_manage = int(context.match.group(4)), bool(context.match.group(5))
    outcome = await roster_service.mark(
        runtime.database, actor_id=context.person.id, shift=shift, signup_id=signup_id, code=code,
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


def register(app: Application) -> None:
    app.add_handler(CommandHandler("roster", roster_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(pick_page, pattern=PICK_PATTERN))
    app.add_handler(CallbackQueryHandler(view, pattern=VIEW_PATTERN))
    app.add_handler(CallbackQueryHandler(mark, pattern=MARK_PATTERN))
