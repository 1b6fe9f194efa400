"""/export: CSV files for coordinators — a shift's roster, signups and attendance, hours per volunteer.

Files are UTF-8 with a BOM (Excel shows non-Latin names intact), headers in the coordinator's language,
times in the shift's zone as YYYY-MM-DD HH:MM, formula-like cells defused. Only the coordinator's own
organizations' data; a roster's shift is checked against their roles on every press (callback data can be
forged). Callback data: `ex:r` / `ex:rp:<page>` pick a shift, `ex:rs:<shift>` its roster, `ex:a` / `ex:h`
choose a period, `ex:a:<period>` / `ex:h:<period>` the file.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.clock import from_ts
from bot.i18n import N_, Translator
from bot.services import csvfile, exports
from bot.store import exports as export_store
from bot.store import shifts as shift_store
from bot.store.exports import RosterRow
from bot.vocab import kind_name
from handlers import shift_views as views
from handlers.context import BotContext
from handlers.guards import require_coordinator
from handlers.keyboards import pager

SHIFTS_PER_PAGE = 8
RECENT_DAYS = 30
STATUS = {
    "confirmed": N_("Signed up"),
    "waitlisted": N_("Waitlist"),
    "attended": N_("Attended"),
    "no_show": N_("No-show"),
    "cancelled": N_("Cancelled"),
}
PERIOD_LABELS = {
    "30": N_("Last 30 days"),
    "tm": N_("This month"),
    "lm": N_("Last month"),
    "all": N_("All time"),
}


def _stamp(ts: int | None, zone: str) -> str:
    """Sortable and read as a date-time by spreadsheets: 2026-12-05 18:30, in the shift's zone."""
    return "" if ts is None else from_ts(ts).astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def _hours(value: float | None) -> float | str:
    return "" if value is None else round(value, 2)


def _person_header(t: Translator) -> list[str]:
    return [t._("Name"), t._("Telegram username"), t._("Phone"), t._("Languages"), t._("Status"),
            t._("Waitlist position"), t._("Signed up at"), t._("Checked in at"), t._("Checked out at"), t._("Hours")]


def _person_cells(t: Translator, row: RosterRow, zone: str) -> list[object]:
    return [
        row.name, f"@{row.username}" if row.username else "", row.phone or "", row.languages,
        t._(STATUS.get(row.status, row.status)), row.position or "", _stamp(row.joined_at, zone),
        _stamp(row.checked_in_at, zone), _stamp(row.checked_out_at, zone), _hours(row.hours),
    ]


def _menu(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("📋 " + t._("A shift's roster"), callback_data="ex:r")],
            [InlineKeyboardButton("🗓 " + t._("Signups and attendance"), callback_data="ex:a")],
            [InlineKeyboardButton("⏱ " + t._("Hours per volunteer"), callback_data="ex:h")],
        ]
    )


async def export_command(update: Update, context: BotContext) -> None:
    """Asks what to export."""
    if await require_coordinator(update, context) is None:
        return
    t = context.t
    await update.effective_message.reply_text("📤 " + t._("What would you like to export as a CSV file?"),
                                              reply_markup=_menu(t))


async def pick_shift(update: Update, context: BotContext) -> None:
    """Lists their organizations' shifts, nearest to now first (recent and upcoming), a page at a time."""
    query = update.callback_query
    actor = await require_coordinator(update, context)
    if actor is None:
        return
    await query.answer()
    t, runtime = context.t, context.runtime
    page = int(context.match.group(1) or 0)
    now = runtime.now_ts()
    lines, total = await export_store.shifts(
        runtime.database, exports.org_scope(actor), since=now - RECENT_DAYS * 86400, around=now,
        limit=SHIFTS_PER_PAGE, offset=page * SHIFTS_PER_PAGE,
    )
    if not lines:
        await query.edit_message_text(t._("No shifts of yours from the last 30 days or ahead."))
        return
    rows = []
    for line in lines:
        ot = Translator(t.locale, ZoneInfo(line.timezone))
        start = from_ts(line.starts_at)
        label = f"{ot.weekday_date(start)} {ot.time(start)} · {line.title}"
        if line.status == "cancelled":
            label = "❌ " + label
        rows.append([InlineKeyboardButton(label[:60], callback_data=f"ex:rs:{line.id}")])
    rows += pager(t, page, (page + 1) * SHIFTS_PER_PAGE < total, lambda n: f"ex:rp:{n}")
    await query.edit_message_text("📋 " + t._("Which shift's roster?"), reply_markup=InlineKeyboardMarkup(rows))


async def roster(update: Update, context: BotContext) -> None:
    """Sends one shift's roster, if the shift is one of their organizations'."""
    query = update.callback_query
    t, db = context.t, context.runtime.database
    shift = await shift_store.get(db, int(context.match.group(1)))
    if shift is None:
        await query.answer(t._("That shift doesn't exist (any more)."), show_alert=True)
        return
    if await require_coordinator(update, context, shift.org_id) is None:
        return
    people = await export_store.roster(db, shift.id)
    if not people:
        await query.answer(t._("Nobody has signed up for this shift yet."), show_alert=True)
        return
    await query.answer()
    rows: list[list[object]] = [_person_header(t)]
    rows += [_person_cells(t, person, shift.timezone) for person in people]
    start = shift.starts_at.astimezone(ZoneInfo(shift.timezone))
    name = f"roster-{shift.org_slug}-{start:%Y-%m-%d}-{shift.id}.csv"
    ot = Translator(t.locale, ZoneInfo(shift.timezone))
    caption = t.ngettext("{title}: {count} person", "{title}: {count} people", len(people)).format(
        title=views.esc(shift.title), count=t.number(len(people))
    ) + "\n" + views.esc(views.when(ot, shift))
    await context.bot.send_document(query.message.chat.id, InputFile(csvfile.encode(rows), filename=name,
                                                                     attach=True), caption=caption[:1000])


async def pick_period(update: Update, context: BotContext) -> None:
    """Offers the periods for signups or hours."""
    query = update.callback_query
    if await require_coordinator(update, context) is None:
        return
    await query.answer()
    t, what = context.t, context.match.group(1)
    rows = [
        [InlineKeyboardButton(t._(PERIOD_LABELS[p]), callback_data=f"ex:{what}:{p}")] for p in exports.PERIODS
    ]
    title = t._("Signups and attendance") if what == "a" else t._("Hours per volunteer")
    await query.edit_message_text(f"<b>{views.esc(title)}</b>\n" + t._("For which period?"),
                                  reply_markup=InlineKeyboardMarkup(rows))


async def period_file(update: Update, context: BotContext) -> None:
    """Sends signups and attendance, or hours per volunteer, for the chosen period."""
    query = update.callback_query
    actor = await require_coordinator(update, context)
    if actor is None:
        return
    t, runtime = context.t, context.runtime
    what, period = context.match.group(1), context.match.group(2)
    now: datetime = runtime.clock.now()
    rows: list[list[object]]
    if what == "a":
        signups = await exports.signups(runtime.database, actor, period, now, t.tz)
        rows = [[t._("Organization"), t._("Shift"), t._("Kind"), t._("Starts"), t._("Ends"), *_person_header(t)]]
        rows += [
            [s.org_name, s.title, kind_name(t, s.kind), _stamp(s.starts_at, s.timezone), _stamp(s.ends_at, s.timezone),
             *_person_cells(t, s.person, s.timezone)]
            for s in signups
        ]
        name = f"signups-{period}-{now.astimezone(t.tz):%Y-%m-%d}.csv"
    else:
        totals = await exports.hours(runtime.database, actor, period, now, t.tz)
        rows = [[t._("Name"), t._("Telegram username"), t._("Phone"), t._("Languages"), t._("Shifts"),
                 t._("Attended"), t._("No-shows"), t._("Hours"), t._("Last shift")]]
        rows += [
            [h.name, f"@{h.username}" if h.username else "", h.phone or "", h.languages, h.shifts, h.attended,
             h.no_shows, _hours(h.hours), from_ts(h.last_shift_at).astimezone(t.tz).strftime("%Y-%m-%d")]
            for h in totals
        ]
        name = f"hours-{period}-{now.astimezone(t.tz):%Y-%m-%d}.csv"
    if len(rows) == 1:
        await query.answer(t._("Nothing to export for that period."), show_alert=True)
        return
    await query.answer()
    caption = t._(PERIOD_LABELS[period]) + " · " + t.ngettext("{count} row", "{count} rows", len(rows) - 1).format(
        count=t.number(len(rows) - 1)
    )
    await context.bot.send_document(
        query.message.chat.id, InputFile(csvfile.encode(rows), filename=name, attach=True), caption=caption
    )


def register(app: Application) -> None:
    app.add_handler(CommandHandler("export", export_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(pick_shift, pattern=r"^ex:r(?:p:(\d{1,4}))?$"))
    app.add_handler(CallbackQueryHandler(roster, pattern=r"^ex:rs:(\d{1,12})$"))
    app.add_handler(CallbackQueryHandler(pick_period, pattern=r"^ex:(a|h)$"))
    app.add_handler(CallbackQueryHandler(period_file, pattern=r"^ex:(a|h):(30|tm|lm|all)$"))
