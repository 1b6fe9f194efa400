"""/roster as a coordinator reads it: a page of who is on a shift (and waiting), attendance buttons, and
the shifts to pick from (handlers/roster.py checks who may see it, loads it and sends it).

Button data keeps its shapes: `rp:<page>` pick a shift; `ro:<shift>:<page>[:m]` a page of its roster
(`m`: opened from /manage, so Back returns there); `ra:<shift>:<signup>:<a|n>:<page>[:m]` mark
attended / no-show; `rc:<shift>:<signup>:<i|o>:<page>[:m]` check in / out by the coordinator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.bidi import isolate
from bot.clock import from_ts
from bot.i18n import Translator
from bot.services.checkins import CheckInResult, CheckOutResult, Outcome, OutOutcome
from bot.services.roster import Roster
from bot.services.typed_dates import time_examples
from bot.store.checkins import Checkin, Correction
from bot.store.leads import Lead
from bot.store.shifts import Shift
from bot.store.signups import RosterLine
from bot.vocab import outreach_language_name
from handlers import shift_views as views
from handlers.checkin_views import qr_button
from handlers.followup_views import NOTE_SHOWN, note_excerpt, outcomes
from handlers.kit.callbacks import Button
from handlers.kit.keyboards import grid, pager
from handlers.manage_views import Open
from handlers.newshift_views import TEXT_MAX, shown_length

PAGE_SIZE = 10
PICK_PAGE_SIZE = 8
NOTE_SHORTEST = 20  # characters of a note worth showing; less room than that on a page, and notes wait for /export
LANGUAGES_SHOWN = 4  # per person: ten people with every language still fit in one message
From = Literal["", "m"]  # "m": opened from /manage


@dataclass(frozen=True)
class PickPage(Button, prefix="rp"):
    """A page of the shifts to pick a roster from."""

    page: int


@dataclass(frozen=True)
class RosterPage(Button, prefix="ro"):
    shift: int
    page: int
    came_from: From = ""


@dataclass(frozen=True)
class Mark(Button, prefix="ra"):
    """Attended ("a") or a no-show ("n"), then the same page again."""

    shift: int
    signup: int
    mark: Literal["a", "n"]
    page: int
    came_from: From = ""


@dataclass(frozen=True)
class RosterCheck(Button, prefix="rc"):
    """A coordinator checks one person in ("i") or out ("o"), then the same page again."""

    shift: int
    signup: int
    action: Literal["i", "o"]
    page: int
    came_from: From = ""


@dataclass(frozen=True)
class RosterTimes(Button, prefix="rt:v"):
    """A coordinator's view of one person's check-in and check-out times, to correct them."""

    shift: int
    signup: int
    page: int
    came_from: From = ""


@dataclass(frozen=True)
class AskTime(Button, prefix="rt:a"):
    """Correct the check-in ("i") or check-out ("o") time: asks for it, typed."""

    shift: int
    signup: int
    field: Literal["i", "o"]
    page: int
    came_from: From = ""


@dataclass(frozen=True)
class LeadsPage(Button, prefix="ld:v"):
    """A coordinator's list of who leads the shift, to name or remove leads (handlers/leads.py)."""

    shift: int
    page: int
    came_from: From = ""


def _check_button(
    shift_id: int, line: RosterLine, index: int, page: int, came_from: From
) -> InlineKeyboardButton | None:
    """📍 check in, or 🚪 check out someone checked in and still there; None when neither applies."""
    if not line.checked_in:
        return InlineKeyboardButton(f"📍 {index}", callback_data=RosterCheck(shift_id, line.signup_id, "i", page,
                                                                            came_from).pack())
    if not line.checked_out:
        return InlineKeyboardButton(f"🚪 {index}", callback_data=RosterCheck(shift_id, line.signup_id, "o", page,
                                                                            came_from).pack())
    return None


def language_names(t: Translator, codes: tuple[str, ...]) -> str:
    """The first few outreach languages someone speaks, in the reader's language, and how many more."""
    names = [outreach_language_name(t, code) for code in codes[:LANGUAGES_SHOWN]]
    more = len(codes) - LANGUAGES_SHOWN
    return t.separated(names) + (f" +{t.number(more)}" if more > 0 else "")


def _line(t: Translator, number: int, line: RosterLine, lead: Lead | None = None) -> str:
    name = views.esc(line.name) or "<i>" + views.esc(t._("(deleted account)")) + "</i>"
    if line.status == "waitlisted":
        head = f"#{t.number(line.rank)} <b>{name}</b>"
    else:
        # '–' (not checked in) only while it is still news: a line marked attended or no-show says which.
        mark = "✓ " if line.checked_in else "" if line.status in ("attended", "no_show") else "– "
        head = f"{number}. {mark}<b>{name}</b>"
    parts = [head]
    if line.languages:
        parts.append(views.esc(language_names(t, line.languages)))
    if line.phone:
        parts.append("📞 " + views.esc(line.phone))
    if line.acknowledged and line.status == "confirmed" and not line.checked_in:
        parts.append("👍 " + t._("said they'll be there"))  # from the reminder: until they are at the door
    if lead is not None:
        parts.append("⭐ " + t._("shift lead"))
    if line.checked_out:
        parts.append("🚪 " + t._("checked out"))
    if line.corrected:
        parts.append("✏️ " + t._("times corrected"))
    if line.status == "attended":
        parts.append("✅ " + t._("attended"))
    elif line.status == "no_show":
        parts.append("✖ " + t._("no-show"))
    text = " · ".join(parts)
    if line.outcomes:  # what they reported after the shift, under their line (roster_page adds the note)
        text += "\n    " + outcomes(t, line.outcomes, named=False)
    return text


def _with_notes(text: list[str], notes: list[tuple[int, str]]) -> list[str]:
    """Each note under its person's line, as long as the page has room for: a page of ten long names with
    every language still fits one message, and the notes share what is left (the export has them whole)."""
    if not notes:
        return text
    overhead = shown_length(note_excerpt("…", 1)) + 6  # the line break, indent and direction marks
    room = TEXT_MAX - shown_length("\n".join(text)) - overhead * len(notes)
    limit = min(NOTE_SHOWN, room // (2 * len(notes)))  # two UTF-16 units a character, at worst
    if limit < NOTE_SHORTEST:
        return text
    text = list(text)
    for at, note in notes:
        text[at] += "\n    " + note_excerpt(note, limit)
    return text


def _reported(t: Translator, people: int, total: str) -> str:
    """The shift's total line: how many reported, and their numbers added up (or only that they wrote notes)."""
    count = t.number(people)
    if total:
        return t.ngettext(
            "Reported by {count} person: {outcomes}", "Reported by {count} people: {outcomes}", people
        ).format(count=count, outcomes=total)
    return t.ngettext("A note from {count} person", "Notes from {count} people", people).format(count=count)


def roster_page(
    t: Translator, roster: Roster, page: int, *, from_manage: bool
) -> tuple[str, InlineKeyboardMarkup]:
    """One page of the roster: the people on the shift, then the waitlist, ten to a page."""
    shift = roster.shift
    lines = roster.on_shift + roster.waiting
    pages = max(1, (len(lines) + PAGE_SIZE - 1) // PAGE_SIZE)
    page = min(max(page, 0), pages - 1)
    first = page * PAGE_SIZE
    came_from: From = "m" if from_manage else ""
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
    if reported := roster.reported:
        text.append("📊 " + _reported(t, len(reported), outcomes(t, roster.outcome_totals().items())))
    if not roster.access.coordinator:
        text.append("⭐ " + t._("You lead this shift: check people in and out here."))
    if pages > 1:
        text.append(views.esc(t._("page {page} of {pages}").format(page=t.number(page + 1), pages=t.number(pages))))
    text.append("")
    if not lines:
        text.append(t._("Nobody has signed up yet."))
    elif roster.on_shift:
        text.append(t._("✓ checked in · – not checked in"))
    buttons: list[InlineKeyboardButton] = []
    person_rows: list[list[InlineKeyboardButton]] = []  # one row each while check-in is open
    shown_waitlist_heading = False
    notes: list[tuple[int, str]] = []  # (where in text, the note): added once the page's length is known
    for index, line in enumerate(lines[first : first + PAGE_SIZE], start=first + 1):
        if line.status == "waitlisted" and not shown_waitlist_heading:
            text += ["", "⏳ <b>" + t._("Waitlist") + "</b>"]
            shown_waitlist_heading = True
        text.append(_line(t, index, line, roster.leads.get(line.person_id)))
        if line.note:
            notes.append((len(text) - 1, line.note))
        if line.status == "waitlisted":
            continue
        row: list[InlineKeyboardButton] = []
        if roster.checkin_open and (check := _check_button(shift.id, line, index, page, came_from)):
            row.append(check)
        if roster.marking_open:
            attended = Mark(shift.id, line.signup_id, "a", page, came_from).pack()
            no_show = Mark(shift.id, line.signup_id, "n", page, came_from).pack()
            times = RosterTimes(shift.id, line.signup_id, page, came_from).pack()
            row += [InlineKeyboardButton(f"✅ {index}", callback_data=attended),
                    InlineKeyboardButton(f"✖ {index}", callback_data=no_show),
                    InlineKeyboardButton(f"🕒 {index}", callback_data=times)]
        buttons += row
        if row:
            person_rows.append(row)
    legend = []
    if roster.checkin_open and any(b.text.startswith(("📍", "🚪")) for b in buttons):
        legend.append(t._("Check people in at the door: 📍 check in, 🚪 check out."))
    if roster.marking_open and buttons:
        legend.append(t._("Mark who came: ✅ attended, ✖ no-show; 🕒 correct their check-in times."))
    if legend:
        text += ["", *legend]
    text = _with_notes(text, notes)
    rows = person_rows if roster.checkin_open else grid(buttons, 3)  # ✅ ✖ 🕒: one person a row
    rows += pager(t, page, page + 1 < pages, lambda n: RosterPage(shift.id, n, came_from).pack())
    if shift.status != "cancelled":
        rows.append([qr_button(t, shift.id)])
        if roster.access.coordinator and roster.on_shift:
            label = "⭐ " + t._("Shift leads")
            rows.append([InlineKeyboardButton(label, callback_data=LeadsPage(shift.id, page, came_from).pack())])
    back = Open(shift.id).pack() if from_manage else PickPage(0).pack()
    rows.append([InlineKeyboardButton("◀ " + t._("Back"), callback_data=back)])
    return "\n".join(text), InlineKeyboardMarkup(rows)


def pick_shift(t: Translator, shifts: list[Shift], page: int, total: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """Which shift's roster: a page of them, a number button each."""
    if not shifts:
        return "👥 " + t._("None of your organizations' shifts has a roster to show yet."), None
    pages = (total + PICK_PAGE_SIZE - 1) // PICK_PAGE_SIZE
    first = page * PICK_PAGE_SIZE + 1
    lines = ["👥 <b>" + t._("Which shift's roster?") + "</b>"]
    if pages > 1:
        lines.append(views.esc(t._("page {page} of {pages}").format(page=t.number(page + 1), pages=t.number(pages))))
    lines.append("")
    lines += [views.list_line(t, first + i, s) + "\n" for i, s in enumerate(shifts)]
    numbers = [
        InlineKeyboardButton(str(first + i), callback_data=RosterPage(s.id, 0).pack()) for i, s in enumerate(shifts)
    ]
    rows = grid(numbers, 4)
    rows += pager(t, page, page + 1 < pages, lambda n: PickPage(n).pack())
    return "\n".join(lines).rstrip(), InlineKeyboardMarkup(rows)


def checked_in_answer(t: Translator, name: str, result: CheckInResult) -> str | None:
    """The coordinator's answer to 📍 (plain text: a button answer); None for a stale or forged press."""
    name = isolate(name)
    match result.outcome:
        case Outcome.CHECKED_IN | Outcome.WALKED_IN:
            return t._("{name} is checked in.").format(name=name)
        case Outcome.ALREADY:
            return t._("{name} is already checked in.").format(name=name)
        case Outcome.NOT_YET:
            assert result.opens_at is not None
            return t._("Check-in for this shift opens {when}.").format(when=t.datetime(from_ts(result.opens_at)))
        case Outcome.CLOSED:
            return t._("This shift has ended: check-in is closed. You can still mark who came.")
        case Outcome.CANCELLED:
            return t._("This shift was cancelled.")
    return None


def checked_out_answer(t: Translator, name: str, result: CheckOutResult) -> str:
    """The coordinator's answer to 🚪."""
    name = isolate(name)
    match result.outcome:
        case OutOutcome.CHECKED_OUT:
            return t._("{name} is checked out. Hours: {hours}.").format(name=name, hours=t.number(result.hours or 0))
        case OutOutcome.ALREADY:
            return t._("{name} is already checked out.").format(name=name)
    return t._("{name} is not checked in.").format(name=name)


# --- correcting check-in times ------------------------------------------------------------------------------

CORRECTIONS_SHOWN = 5  # the latest; the check-ins export has them all


def _clock(st: Translator, ts: int | None) -> str:
    return st.time(from_ts(ts)) if ts is not None else "—"


def times_page(
    t: Translator, shift: Shift, line: RosterLine, checkin: Checkin | None, corrections: list[Correction],
    page: int, came_from: From, note: str | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    """One person's check-in and check-out times on the shift's clock, the hours, the corrections made,
    and a button for each time to correct."""
    st = Translator(locale=t.locale, tz=ZoneInfo(shift.timezone))
    name = views.esc(line.name) or "<i>" + views.esc(t._("(deleted account)")) + "</i>"
    text = [note, ""] if note else []
    text += [
        f"🕒 <b>{name}</b> · {views.esc(shift.title)}",
        "🗓 " + views.esc(views.when(st, shift)),
        "",
        t._("Checked in: {time}").format(time=views.esc(_clock(st, checkin.checked_in_at if checkin else None))),
        t._("Checked out: {time}").format(time=views.esc(_clock(st, checkin.checked_out_at if checkin else None))),
    ]
    if checkin is not None and checkin.hours is not None:
        text.append(t._("Hours: {hours}").format(hours=t.number(checkin.hours)))
    if corrections:
        text += ["", "✏️ <b>" + t._("Corrections") + "</b>"]
        for c in corrections[-CORRECTIONS_SHOWN:]:
            what = t._("check-in") if c.field == "in" else t._("check-out")
            text.append(t._("{when}, {who}: {what} {old} → {new}").format(
                when=views.esc(st.datetime(from_ts(c.created_at))),
                who=views.esc(c.by_name or t._("(deleted account)")), what=what,
                old=views.esc(_clock(st, c.old_at)), new=views.esc(_clock(st, c.new_at)),
            ))
    text += ["", t._("Which time do you want to correct?")]
    rows = [
        [InlineKeyboardButton("🕒 " + t._("Check-in time"),
                              callback_data=AskTime(shift.id, line.signup_id, "i", page, came_from).pack()),
         InlineKeyboardButton("🕒 " + t._("Check-out time"),
                              callback_data=AskTime(shift.id, line.signup_id, "o", page, came_from).pack())],
        [InlineKeyboardButton("◀ " + t._("Back"), callback_data=RosterPage(shift.id, page, came_from).pack())],
    ]
    return "\n".join(text), InlineKeyboardMarkup(rows)


def time_question(
    t: Translator, shift: Shift, line: RosterLine, checkin: Checkin | None, field: str, page: int,
    came_from: From, problem: str | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    """Asks for the corrected time, typed, with an example the parser reads back."""
    st = Translator(locale=t.locale, tz=ZoneInfo(shift.timezone))
    name = views.esc(line.name) or views.esc(t._("(deleted account)"))
    example = views.esc(time_examples(st)[0])
    lines = [f"🕒 <b>{name}</b> · {views.esc(shift.title)}", ""]
    if problem:
        lines += ["⚠️ " + problem, ""]
    if field == "in":
        lines.append(t._("Type the time {name} arrived, for example <i>{example}</i>.").format(
            name=name, example=example))
        now = checkin.checked_in_at if checkin else None
    else:
        lines.append(t._("Type the time {name} left, for example <i>{example}</i>.").format(
            name=name, example=example))
        now = checkin.checked_out_at if checkin else None
    lines.append(t._("Now: {value}").format(value=views.esc(_clock(st, now))))
    back = RosterTimes(shift.id, line.signup_id, page, came_from).pack()
    return "\n".join(lines), InlineKeyboardMarkup([[InlineKeyboardButton("◀ " + t._("Back"), callback_data=back)]])


def corrected_note(t: Translator, field: str, hours: float | None) -> str:
    done = t._("Check-in time corrected.") if field == "in" else t._("Check-out time corrected.")
    if hours is None:
        return "✅ " + done
    return "✅ " + done + " " + t._("Hours: {hours}").format(hours=t.number(hours))
