"""Many shifts at once from a CSV file: how-to, the template, the check, then Publish or Cancel.

A coordinator sends a .csv document at any time. It is read and checked at once; problems come back as
(row, column, problem) — as a message, plus a file when there are many — and nothing is created. A clean
file gets a summary to confirm; its shifts wait in user_data[BATCH], never in callback data, and are all
created in one transaction when they press Publish. Volunteers who send a file are told, kindly, that
files aren't used here.

Callback data: `up:how` the how-to, `up:tpl` the template, `up:ok:<batch>` publish, `up:no:<batch>` drop.
"""

from __future__ import annotations

import html
import secrets
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.clock import from_ts
from bot.i18n import N_, Translator
from bot.services import csvfile, posting, shift_csv
from bot.services.posting import Invalid
from bot.services.shift_csv import Problem
from bot.store.orgs import Org
from bot.store.shifts import NewShift
from bot.vocab import OUTREACH_LANGUAGES, outreach_language_name
from handlers import shift_views as views
from handlers.kit.context import BotContext
from handlers.kit.guards import current_actor, require_coordinator
from handlers.newshift import DIALOGUE, UPLOAD_HOW, UPLOAD_TEMPLATE, DialogueOpen, explain, postable_orgs

BATCH = "shift_upload"
CONFIRM_PATTERN = r"^up:(ok|no):([0-9a-f]{6})$"
CSV_TYPES = ("text/csv", "text/plain", "application/csv", "application/vnd.ms-excel", "text/comma-separated-values")
SHOWN_PROBLEMS = 12
MESSAGE_BUDGET = 3300  # characters of problems in the chat message
SHOWN_SHIFTS = 10
COLUMN_HELP = (
    ("org", N_("the organization's short name, e.g. kaya (leave it out if you coordinate one)")),
    ("title", N_("what the shift is called")),
    ("kind", N_("canvass, phone_bank, text_bank, event, training or other")),
    ("date", N_("YYYY-MM-DD, e.g. 2026-12-05")),
    ("start", N_("HH:MM on a 24-hour clock, e.g. 18:30")),
    ("end", N_("HH:MM, or leave it empty and fill in length_hours (e.g. 2.5)")),
    ("place_name / address", N_("where it happens; or online_url (https://…) for an online shift")),
    ("capacity", N_("how many volunteers, 1 to 10,000")),
    ("languages", N_("languages volunteers must speak, codes separated by spaces or ;")),
    ("description", N_("optional")),
    ("signup_deadline", N_("optional, YYYY-MM-DD HH:MM")),
)


@dataclass(frozen=True)
class Batch:
    """Checked shifts waiting for the coordinator's Publish."""

    id: str
    file_name: str
    shifts: list[NewShift]


def _language_codes(t: Translator) -> str:
    return ", ".join(f"{code} = {outreach_language_name(t, code)}" for code in OUTREACH_LANGUAGES)


def how_to(t: Translator) -> str:
    lines = [
        "📄 <b>" + t._("Post many shifts at once with a CSV file") + "</b>",
        "",
        t._(
            "Fill in one shift per row in Excel or Google Sheets, save it as “CSV UTF-8” and send me the file "
            "here. I'll check every row and show you a summary: nothing is posted until you confirm."
        ),
        "",
        "<b>" + t._("Columns (the first row names them):") + "</b>",
    ]
    lines += [f"• <code>{name}</code>: {views.esc(t._(text))}" for name, text in COLUMN_HELP]
    lines += [
        "",
        t._("Language codes: {codes}").format(codes=views.esc(_language_codes(t))),
        "",
        t._("At most {rows} rows and {size} KB per file.").format(
            rows=t.number(shift_csv.MAX_ROWS), size=t.number(shift_csv.MAX_BYTES // 1000)
        ),
    ]
    return "\n".join(lines)


async def how_to_button(update: Update, context: BotContext) -> None:
    """Explains the CSV upload (instead of the step-by-step dialogue, if one was open)."""
    query = update.callback_query
    if await require_coordinator(update, context) is None:
        return
    await query.answer()
    context.user_data.pop(DIALOGUE, None)
    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton("📋 " + context.t._("Get the CSV template"), callback_data=UPLOAD_TEMPLATE)]]
    )
    await query.edit_message_text(how_to(context.t), reply_markup=markup)


async def template_button(update: Update, context: BotContext) -> None:
    """Sends the template file, with the coordinator's organization and next week's dates filled in."""
    query = update.callback_query
    actor = await require_coordinator(update, context)
    if actor is None:
        return
    await query.answer()
    orgs = await postable_orgs(context, actor)
    data = shift_csv.template(orgs, context.runtime.clock.now())
    await context.bot.send_document(
        query.message.chat.id,
        InputFile(data, filename="shifts-template.csv", attach=True),
        caption=context.t._(
            "The template: one shift per row. Keep the first row, replace the examples, save as “CSV UTF-8” and "
            "send the file back to me."
        ),
    )


def _where(t: Translator, problem: Problem) -> str:
    parts = []
    if problem.row is not None:
        parts.append(t._("Row {row}").format(row=t.number(problem.row)))
    if problem.column:
        parts.append(problem.column)
    return " · ".join(parts)


async def _report(update: Update, context: BotContext, file_name: str, problems: list[Problem], more: bool) -> None:
    """Every problem: the first few in the chat, all of them in a file when there are more."""
    t = context.t
    count = len(problems)
    if len(problems) == 1 and problems[0].row is None:
        text = "⚠️ " + explain(t, problems[0].error) + "\n\n" + t._("Nothing was created.")
        await update.effective_message.reply_text(text)
        return
    heading = t.ngettext(
        "I found {count} problem in {file}.", "I found {count} problems in {file}.", count
    ).format(count=t.number(count) + ("+" if more else ""), file=views.esc(file_name))
    lines = ["⚠️ <b>" + heading + "</b> " + t._("Nothing was created."), ""]
    shown = 0
    for problem in problems[:SHOWN_PROBLEMS]:
        where = _where(t, problem)
        line = ("• <b>" + views.esc(where) + "</b>: " if where else "• ") + explain(t, problem.error)
        if sum(len(x) + 1 for x in lines) + len(line) > MESSAGE_BUDGET:
            break  # far below Telegram's 4096 characters; the rest go in the file
        lines.append(line)
        shown += 1
    if shown < count:
        lines += ["", t._("All of them are in the attached file.")]
    lines += ["", t._("Fix them and send the file again. The template is under /newshift.")]
    await update.effective_message.reply_text("\n".join(lines))
    if shown < count:
        rows: list[list[object]] = [[t._("Row"), t._("Column"), t._("Problem")]]
        rows += [[p.row or "", p.column or "", explain(t, p.error, html=False)] for p in problems]
        await update.effective_message.reply_document(
            InputFile(csvfile.encode(rows), filename="problems.csv", attach=True),
            caption=t._("Problems in {file}").format(file=views.esc(file_name)),
        )


def _summary(t: Translator, batch: Batch, orgs: dict[int, Org]) -> str:
    shifts = sorted(batch.shifts, key=lambda s: s.starts_at)
    first, last = from_ts(shifts[0].starts_at), from_ts(shifts[-1].starts_at)
    names = ", ".join(orgs[i].name for i in dict.fromkeys(s.org_id for s in shifts) if i in orgs)
    head = t.ngettext(
        "{count} shift from {first} to {last} for {orgs}.", "{count} shifts from {first} to {last} for {orgs}.",
        len(shifts),
    ).format(count=t.number(len(shifts)), first=t.date(first), last=t.date(last), orgs=views.esc(names))
    lines = ["📄 <b>" + views.esc(batch.file_name) + "</b>", head, ""]
    for shift in shifts[:SHOWN_SHIFTS]:
        zone = orgs[shift.org_id].timezone if shift.org_id in orgs else shift.timezone
        ot = Translator(t.locale, ZoneInfo(zone))
        start = from_ts(shift.starts_at)
        lines.append(f"• {views.esc(ot.weekday_date(start))} {views.esc(ot.time(start))} · {views.esc(shift.title)}")
    if len(shifts) > SHOWN_SHIFTS:
        lines.append(t._("…and {count} more.").format(count=t.number(len(shifts) - SHOWN_SHIFTS)))
    lines += ["", t._("Publish them?")]
    return "\n".join(lines)


async def on_document(update: Update, context: BotContext) -> None:
    """Reads a coordinator's CSV of shifts and answers with the problems or a summary to confirm."""
    message = update.effective_message
    t = context.t
    actor = await current_actor(context)
    if not actor.is_coordinator:
        await message.reply_text(t._("Sorry, I can't use files here. Send /help to see what I can do."))
        return
    document = message.document
    name = document.file_name or "shifts.csv"
    if not (name.lower().endswith((".csv", ".txt")) or (document.mime_type or "") in CSV_TYPES):
        await message.reply_text(
            t._(
                "Please send the shifts as a .csv file (in Excel: File → Save As → “CSV UTF-8”). "
                "/newshift has a template."
            )
        )
        return
    too_big = shift_csv.size_problem(document.file_size or 0)
    if too_big is not None:  # refused by its size, before downloading anything
        await message.reply_text("⚠️ " + explain(t, too_big) + "\n\n" + t._("Nothing was created."))
        return
    orgs = await postable_orgs(context, actor)
    file = await document.get_file()
    data = bytes(await file.download_as_bytearray())
    upload = shift_csv.parse(
        data, orgs=orgs, now=context.runtime.clock.now(), created_by=context.person.id, locale=t.locale
    )
    if not upload.ok:
        context.user_data.pop(BATCH, None)
        await _report(update, context, name, upload.problems, upload.truncated)
        return
    batch = Batch(secrets.token_hex(3), name, upload.shifts)
    context.user_data[BATCH] = batch
    label = t.ngettext("Publish {count} shift", "Publish {count} shifts", len(batch.shifts)).format(
        count=t.number(len(batch.shifts))
    )
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("✅ " + label, callback_data=f"up:ok:{batch.id}")],
            [InlineKeyboardButton("✖ " + t._("Cancel"), callback_data=f"up:no:{batch.id}")],
        ]
    )
    await message.reply_text(_summary(t, batch, {o.id: o for o in orgs}), reply_markup=markup)


async def confirm(update: Update, context: BotContext) -> None:
    """Publishes the waiting shifts, all in one transaction, or drops them."""
    query = update.callback_query
    t, runtime = context.t, context.runtime
    answer, batch_id = context.match.group(1), context.match.group(2)
    batch = context.user_data.get(BATCH)
    if not isinstance(batch, Batch) or batch.id != batch_id:
        await query.answer(t._("This upload is no longer waiting. Send the file again."), show_alert=True)
        return
    context.user_data.pop(BATCH, None)  # taken before any await: a second press finds nothing to publish
    if answer == "no":
        await query.answer()
        await query.edit_message_text(t._("Cancelled. Nothing was posted."))
        return
    actor = await current_actor(context)
    if not all(actor.can_coordinate(org_id) for org_id in {s.org_id for s in batch.shifts}):
        await query.answer(t._("Sorry, only the organization's coordinators can do that."), show_alert=True)
        return
    try:
        published = await posting.publish(runtime.database, batch.shifts, actor=actor,
                                          now=runtime.now_ts())
    except Invalid as exc:
        await query.answer()
        await query.edit_message_text(
            "⚠️ " + explain(t, exc) + "\n\n" + t._("Nothing was posted. Fix the file and send it again.")
        )
        return
    await query.answer()
    count = len(published.shift_ids)
    await query.edit_message_text(
        "✅ "
        + t.ngettext("Published {count} shift from {file}.", "Published {count} shifts from {file}.", count).format(
            count=t.number(count), file=html.escape(batch.file_name, quote=False)
        )
    )


async def cancel_command(update: Update, context: BotContext) -> None:
    """/cancel while an upload waits: drops it."""
    context.user_data.pop(BATCH, None)
    await update.effective_message.reply_text(context.t._("Cancelled. Nothing was posted."))


def register(app: Application) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("cancel", cancel_command, filters=private & DialogueOpen(app, BATCH)))
    app.add_handler(MessageHandler(filters.Document.ALL & private, on_document))
    app.add_handler(CallbackQueryHandler(how_to_button, pattern=f"^{UPLOAD_HOW}$"))
    app.add_handler(CallbackQueryHandler(template_button, pattern=f"^{UPLOAD_TEMPLATE}$"))
    app.add_handler(CallbackQueryHandler(confirm, pattern=CONFIRM_PATTERN))
