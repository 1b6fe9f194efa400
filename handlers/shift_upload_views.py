"""What the CSV upload shows: its buttons, the how-to, the problem report and the summary to confirm."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.clock import from_ts
from bot.i18n import N_, Translator
from bot.services import csvfile, shift_csv
from bot.services.posting import Invalid
from bot.services.shift_csv import Problem
from bot.store.orgs import Org
from bot.store.shifts import NewShift
from bot.vocab import OUTREACH_LANGUAGES, outreach_language_name
from handlers.kit.callbacks import Button
from handlers.shift_views import esc, explain

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
    ("title_ko, description_vi, place_name_zh_Hant…", N_(
        "optional: the title, description or place name in another language, for people who read it"
    )),
)


@dataclass(frozen=True)
class HowTo(Button, prefix="up:how"):
    """How to upload a CSV (offered by /newshift instead of the step-by-step questions)."""


@dataclass(frozen=True)
class Template(Button, prefix="up:tpl"):
    """The template file, filled in with the coordinator's organizations."""


@dataclass(frozen=True)
class PublishBatch(Button, prefix="up:ok"):
    batch: str  # the waiting upload's id: a press under an older summary publishes nothing


@dataclass(frozen=True)
class DropBatch(Button, prefix="up:no"):
    batch: str


@dataclass(frozen=True)
class Batch:
    """Checked shifts waiting for the coordinator's Publish."""

    id: str
    file_name: str
    shifts: list[NewShift]


def upload_buttons(t: Translator) -> list[list[InlineKeyboardButton]]:
    """The two rows /newshift shows first: upload a file instead, or get the template."""
    return [
        [InlineKeyboardButton("📄 " + t._("Upload a CSV"), callback_data=HowTo().pack())],
        [InlineKeyboardButton("📋 " + t._("Get the CSV template"), callback_data=Template().pack())],
    ]


def _language_codes(t: Translator) -> str:
    return ", ".join(f"{code} = {outreach_language_name(t, code)}" for code in OUTREACH_LANGUAGES)


def how_to(t: Translator) -> tuple[str, InlineKeyboardMarkup]:
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
    lines += [f"• <code>{name}</code>: {esc(t._(text))}" for name, text in COLUMN_HELP]
    lines += [
        "",
        t._("Language codes: {codes}").format(codes=esc(_language_codes(t))),
        "",
        t._("At most {rows} rows and {size} KB per file.").format(
            rows=t.number(shift_csv.MAX_ROWS), size=t.number(shift_csv.MAX_BYTES // 1000)
        ),
    ]
    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton("📋 " + t._("Get the CSV template"), callback_data=Template().pack())]]
    )
    return "\n".join(lines), markup


def template_caption(t: Translator) -> str:
    return t._(
        "The template: one shift per row. Keep the first row, replace the examples, save as “CSV UTF-8” and "
        "send the file back to me."
    )


def _where(t: Translator, problem: Problem) -> str:
    parts = []
    if problem.row is not None:
        parts.append(t._("Row {row}").format(row=t.number(problem.row)))
    if problem.column:
        parts.append(problem.column)
    return " · ".join(parts)


def nothing_created(t: Translator, error: Invalid) -> str:
    """One problem with the whole file (too big, not UTF-8): nothing was created."""
    return "⚠️ " + explain(t, error) + "\n\n" + t._("Nothing was created.")


def report(t: Translator, file_name: str, problems: list[Problem], more: bool) -> tuple[str, bytes | None]:
    """The problems: the first few as a message, and every one as a CSV file when they don't all fit."""
    count = len(problems)
    if count == 1 and problems[0].row is None:
        return nothing_created(t, problems[0].error), None
    heading = t.ngettext(
        "I found {count} problem in {file}.", "I found {count} problems in {file}.", count
    ).format(count=t.number(count) + ("+" if more else ""), file=esc(file_name))
    lines = ["⚠️ <b>" + heading + "</b> " + t._("Nothing was created."), ""]
    shown = 0
    for problem in problems[:SHOWN_PROBLEMS]:
        where = _where(t, problem)
        line = ("• <b>" + esc(where) + "</b>: " if where else "• ") + explain(t, problem.error)
        if sum(len(x) + 1 for x in lines) + len(line) > MESSAGE_BUDGET:
            break  # far below Telegram's 4096 characters; the rest go in the file
        lines.append(line)
        shown += 1
    if shown < count:
        lines += ["", t._("All of them are in the attached file.")]
    lines += ["", t._("Fix them and send the file again. The template is under /newshift.")]
    if shown == count:
        return "\n".join(lines), None
    rows: list[list[object]] = [[t._("Row"), t._("Column"), t._("Problem")]]
    rows += [[p.row or "", p.column or "", explain(t, p.error, html=False)] for p in problems]
    return "\n".join(lines), csvfile.encode(rows)


def report_caption(t: Translator, file_name: str) -> str:
    return t._("Problems in {file}").format(file=esc(file_name))


def summary(
    t: Translator, batch: Batch, orgs: dict[int, Org], note: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    """What the file holds, and Publish / Cancel."""
    shifts = sorted(batch.shifts, key=lambda s: s.starts_at)
    first, last = from_ts(shifts[0].starts_at), from_ts(shifts[-1].starts_at)
    names = t.listing(orgs[i].name for i in dict.fromkeys(s.org_id for s in shifts) if i in orgs)
    head = t.ngettext(
        "{count} shift from {first} to {last} for {orgs}.", "{count} shifts from {first} to {last} for {orgs}.",
        len(shifts),
    ).format(count=t.number(len(shifts)), first=t.date(first), last=t.date(last), orgs=esc(names))
    lines = ["📄 <b>" + esc(batch.file_name) + "</b>", head, ""]
    for shift in shifts[:SHOWN_SHIFTS]:
        zone = orgs[shift.org_id].timezone if shift.org_id in orgs else shift.timezone
        ot = Translator(t.locale, ZoneInfo(zone))
        start = from_ts(shift.starts_at)
        lines.append(f"• {esc(ot.weekday_date(start))} {esc(ot.time(start))} · {esc(shift.title)}")
    if len(shifts) > SHOWN_SHIFTS:
        lines.append(t._("…and {count} more.").format(count=t.number(len(shifts) - SHOWN_SHIFTS)))
    lines += ["", t._("Publish them?")]
    if note:
        lines[:0] = ["⚠️ " + note, ""]
    label = t.ngettext("Publish {count} shift", "Publish {count} shifts", len(batch.shifts)).format(
        count=t.number(len(batch.shifts))
    )
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("✅ " + label, callback_data=PublishBatch(batch.id).pack())],
            [InlineKeyboardButton("✖ " + t._("Cancel"), callback_data=DropBatch(batch.id).pack())],
        ]
    )
    return "\n".join(lines), markup


def published(t: Translator, count: int, file_name: str) -> str:
    return "✅ " + t.ngettext(
        "Published {count} shift from {file}.", "Published {count} shifts from {file}.", count
    ).format(count=t.number(count), file=esc(file_name))
