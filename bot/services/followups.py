"""After a shift: what volunteers report, and who didn't come."""

from __future__ import annotations

from bot.db import Database, Transaction
from bot.i18n import N_
from bot.services.invalid import Invalid
from bot.store import reports, signups
from bot.store import shifts as shift_store
from bot.store.shifts import Shift
from bot.store.signups import Signup
from bot.text import clean

# Which numbers each kind of shift asks for.
METRICS_BY_KIND: dict[str, tuple[str, ...]] = {
    "canvass": ("doors", "conversations"),
    "phone_bank": ("calls", "conversations"),
    "text_bank": ("texts", "conversations"),
}
MAX_VALUE = 100_000
REPORT_DAYS = 30  # how far back /report offers shifts
REPORT_SHOWN = 10
NOTE_MAX = 500  # "how it went" in a few sentences; ten of them still fit on one roster page, shortened
REPORTABLE = ("confirmed", "attended", "no_show")


class NotAllowed(Exception):
    """Not their signup, or a metric their shift doesn't ask for."""


async def _reportable(tx: Database | Transaction, person_id: int, signup_id: int) -> tuple[Signup, Shift]:
    """The person's own signup that a report may be kept for, and its shift; NotAllowed otherwise."""
    signup = await signups.get(tx, signup_id)
    if signup is None or signup.person_id != person_id or signup.status not in REPORTABLE:
        raise NotAllowed
    shift = await shift_store.get(tx, signup.shift_id)
    assert shift is not None
    return signup, shift


async def record_metric(db: Database, person_id: int, signup_id: int, metric: str, value: int, now: int) -> Shift:
    """Stores one number of the volunteer's own report for a shift they were on."""
    if not 0 <= value <= MAX_VALUE:
        raise ValueError(value)
    async with db.transaction() as tx:
        signup, shift = await _reportable(tx, person_id, signup_id)
        if metric not in METRICS_BY_KIND.get(shift.kind, ()):
            raise NotAllowed
        await reports.set_metric(tx, signup_id, metric, value, now)
        # Reporting numbers means they came, whatever the no-show sweep thought.
        if signup.status == "no_show" and signup.marked_by is None:
            await signups.set_status(tx, signup_id, "attended", now)
    return shift


async def reportable(db: Database, person_id: int, now: int) -> list[tuple[int, Shift]]:
    """/report: their signups of the last REPORT_DAYS whose shift has started and asks for numbers, latest
    first, with the shift. Numbers typed there go into the same report as the follow-up's (one per signup)."""
    found = await reports.reportable(
        db, person_id, tuple(METRICS_BY_KIND), now - REPORT_DAYS * 86400, now, REPORT_SHOWN
    )
    shifts = await shift_store.get_many(db, [shift_id for _, shift_id in found])
    return [(signup_id, shifts[shift_id]) for signup_id, shift_id in found if shift_id in shifts]


def read_note(text: str) -> str:
    """How it went, in the volunteer's words: cleaned by the one rule for stored text, lines kept, 1–NOTE_MAX."""
    note = clean(text, multiline=True)
    if not note:
        raise Invalid(N_("Please write a few words, or tap Skip."), "note")
    if len(note) > NOTE_MAX:
        raise Invalid(N_("A note can have at most {max} characters; this one has {count}."), "note",
                      max=NOTE_MAX, count=len(note))
    return note


async def note_allowed(db: Database, person_id: int, signup_id: int) -> Shift:
    """Checked before asking for a note, so a forged button gets no question; the write checks again."""
    return (await _reportable(db, person_id, signup_id))[1]


async def record_note(db: Database, person_id: int, signup_id: int, note: str, now: int) -> Shift:
    """Keeps the volunteer's note with their report for a shift they were on (any kind of shift)."""
    note = read_note(note)
    async with db.transaction() as tx:
        _, shift = await _reportable(tx, person_id, signup_id)
        await reports.set_note(tx, signup_id, note, now)
    return shift


async def mark_no_shows(db: Database, now: int, after_hours: float) -> int:
    async with db.transaction() as tx:
        return await signups.mark_no_shows(tx, now - int(after_hours * 3600), now)
