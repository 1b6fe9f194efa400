"""/export: CSV files for coordinators — a shift's roster, signups and attendance, hours per volunteer, and
the check-in log (every check-in, check-out and correction: who, how, by whom, where).

Files are UTF-8 with a BOM (Excel shows non-Latin names intact), headers in the coordinator's language,
times in the shift's zone as YYYY-MM-DD HH:MM, formula-like cells defused. Only the coordinator's own
organizations' data; a roster's shift is checked against their roles on every press (callback data can be
forged). The menus, and their buttons, are in handlers/export_views.py.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InputFile, Update
from telegram.ext import Application, CommandHandler, filters

from bot.clock import from_ts
from bot.i18n import N_, Translator, available_locales, language_name
from bot.services import csvfile, exports
from bot.store import exports as export_store
from bot.store import shifts as shift_store
from bot.store.exports import CheckinLogRow, RosterRow
from bot.store.reports import METRICS
from bot.vocab import kind_name
from handlers import export_views as views
from handlers import shift_views
from handlers.followup_views import metric_name
from handlers.kit.context import BotContext
from handlers.kit.guards import require_coordinator

SHIFTS_PER_PAGE = 8
RECENT_DAYS = 30
STATUS = {
    "confirmed": N_("Signed up"),
    "waitlisted": N_("Waitlist"),
    "attended": N_("Attended"),
    "no_show": N_("No-show"),
    "cancelled": N_("Cancelled"),
}
# How a check-in was made, and what a row of the check-in log records.
METHOD = {
    "button": N_("Button"),
    "qr": N_("QR code"),
    "location": N_("Location"),
    "coordinator": N_("Coordinator"),
    "auto": N_("Automatic, at the end"),
}
EVENT = {"in": N_("Check-in"), "out": N_("Check-out")}
CORRECTED = {"in": N_("Check-in time corrected"), "out": N_("Check-out time corrected")}
REMOVED = N_("Check-in removed (marked no-show)")


def _stamp(ts: int | None, zone: str) -> str:
    """Sortable and read as a date-time by spreadsheets: 2026-12-05 18:30, in the shift's zone."""
    return "" if ts is None else from_ts(ts).astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def _hours(value: float | None) -> float | str:
    return "" if value is None else round(value, 2)


def _person_header(t: Translator) -> list[str]:
    return [t._("Name"), t._("Telegram username"), t._("Phone"), t._("Languages"), t._("Status"),
            t._("Waitlist position"), t._("Signed up at"), t._("Checked in at"), t._("Checked out at"), t._("Hours"),
            *(metric_name(t, m) for m in METRICS), t._("Note")]


def _person_cells(t: Translator, row: RosterRow, zone: str) -> list[object]:
    """One person's cells; their report's numbers and note last (csvfile defuses a note like '=…')."""
    return [
        row.name, f"@{row.username}" if row.username else "", row.phone or "", row.languages,
        t._(STATUS.get(row.status, row.status)), row.position or "", _stamp(row.joined_at, zone),
        _stamp(row.checked_in_at, zone), _stamp(row.checked_out_at, zone), _hours(row.hours),
        *("" if value is None else value for value in row.outcomes), row.note or "",
    ]


async def export_command(update: Update, context: BotContext) -> None:
    """Asks what to export."""
    if await require_coordinator(update, context) is None:
        return
    text, markup = views.menu(context.t)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def pick_shift(update: Update, context: BotContext, button: views.Rosters | views.RostersPage) -> None:
    """Lists their organizations' shifts, nearest to now first (recent and upcoming), a page at a time."""
    query = update.callback_query
    actor = await require_coordinator(update, context)
    if actor is None:
        return
    await query.answer()
    t, runtime = context.t, context.runtime
    page = max(button.page, 0) if isinstance(button, views.RostersPage) else 0
    now = runtime.now_ts()
    lines, total = await export_store.shifts(
        runtime.database, exports.org_scope(actor), since=now - RECENT_DAYS * 86400, around=now,
        limit=SHIFTS_PER_PAGE, offset=page * SHIFTS_PER_PAGE,
    )
    if not lines:
        await query.edit_message_text(views.no_shifts(t))
        return
    text, markup = views.pick_shift(t, lines, page, (page + 1) * SHIFTS_PER_PAGE < total)
    await query.edit_message_text(text, reply_markup=markup)


async def roster(update: Update, context: BotContext, button: views.ShiftRoster) -> None:
    """Sends one shift's roster, if the shift is one of their organizations'."""
    query = update.callback_query
    t, db = context.t, context.runtime.database
    shift = await shift_store.get(db, button.shift)
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
        title=shift_views.esc(shift.title), count=t.number(len(people))
    ) + "\n" + shift_views.esc(shift_views.when(ot, shift))
    await context.bot.send_document(query.message.chat.id, InputFile(csvfile.encode(rows), filename=name,
                                                                     attach=True), caption=caption[:1000])


def _log_cells(t: Translator, row: CheckinLogRow) -> list[object]:
    """One row of the check-in log; coordinates as numbers, a correction with the time it replaced."""
    if row.field is not None:
        what = t._(CORRECTED[row.field])
    elif row.event == "correct":  # the check-in undone when marked a no-show (bot/services/checkins.forget)
        what = t._(REMOVED)
    else:
        what = t._(EVENT[row.event])
    by = row.by_name or ("" if row.by_person is None else t._("(deleted account)"))
    return [
        row.org_name, row.title, _stamp(row.starts_at, row.timezone), row.name,
        f"@{row.username}" if row.username else "", what, _stamp(row.at, row.timezone),
        t._(METHOD.get(row.method, row.method)), by, "" if row.latitude is None else row.latitude,
        "" if row.longitude is None else row.longitude, _stamp(row.old_at, row.timezone) if row.field else "",
        _hours(row.new_hours) if row.field else "", _stamp(row.created_at, row.timezone),
    ]


def _log_header(t: Translator) -> list[str]:
    return [t._("Organization"), t._("Shift"), t._("Starts"), t._("Name"), t._("Telegram username"), t._("What"),
            t._("Time"), t._("How"), t._("By"), t._("Latitude"), t._("Longitude"), t._("Time before the correction"),
            t._("Hours after the correction"), t._("Recorded at")]


async def pick_period(update: Update, context: BotContext, button: views.PeriodButton) -> None:
    """Offers the periods for signups, hours or the check-in log; with a period chosen, sends its file."""
    if button.period:
        await period_file(update, context, button)
        return
    query = update.callback_query
    if await require_coordinator(update, context) is None:
        return
    await query.answer()
    text, markup = views.period_menu(context.t, button)
    await query.edit_message_text(text, reply_markup=markup)


async def period_file(update: Update, context: BotContext, button: views.PeriodButton) -> None:
    """Sends signups and attendance, hours per volunteer, or the check-in log, for the chosen period."""
    query = update.callback_query
    actor = await require_coordinator(update, context)
    if actor is None:
        return
    t, runtime = context.t, context.runtime
    period = button.period
    now: datetime = runtime.clock.now()
    rows: list[list[object]]
    if isinstance(button, views.Signups):
        signups = await exports.signups(runtime.database, actor, period, now, t.tz)
        # Every language the organizers wrote a title in keeps a column, beside the original.
        present = {locale for s in signups for locale, _ in s.titles}
        locales = [code for code in available_locales() if code in present]
        titled = [t._("{column} ({language})").format(column=t._("Shift"), language=language_name(c)) for c in locales]
        rows = [[t._("Organization"), t._("Shift"), *titled, t._("Kind"), t._("Starts"), t._("Ends"),
                 *_person_header(t)]]
        rows += [
            [s.org_name, s.title, *(dict(s.titles).get(c, "") for c in locales), kind_name(t, s.kind),
             _stamp(s.starts_at, s.timezone), _stamp(s.ends_at, s.timezone), *_person_cells(t, s.person, s.timezone)]
            for s in signups
        ]
        name = f"signups-{period}-{now.astimezone(t.tz):%Y-%m-%d}.csv"
    elif isinstance(button, views.CheckinLog):
        log = await exports.checkin_log(runtime.database, actor, period, now, t.tz)
        rows = [_log_header(t), *(_log_cells(t, row) for row in log)]
        name = f"checkins-{period}-{now.astimezone(t.tz):%Y-%m-%d}.csv"
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
    count = t.ngettext("{count} row", "{count} rows", len(rows) - 1).format(count=t.number(len(rows) - 1))
    caption = t._(views.PERIOD_LABELS[period]) + " · " + count
    await context.bot.send_document(
        query.message.chat.id, InputFile(csvfile.encode(rows), filename=name, attach=True), caption=caption
    )


def register(app: Application) -> None:
    app.add_handler(CommandHandler("export", export_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(views.Rosters.handler(pick_shift))
    app.add_handler(views.RostersPage.handler(pick_shift))
    app.add_handler(views.ShiftRoster.handler(roster))
    app.add_handler(views.Signups.handler(pick_period))
    app.add_handler(views.Hours.handler(pick_period))
    app.add_handler(views.CheckinLog.handler(pick_period))
