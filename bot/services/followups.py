"""After a shift: what volunteers report, and who didn't come."""

from __future__ import annotations

from bot.db import Database
from bot.store import reports, signups
from bot.store import shifts as shift_store
from bot.store.shifts import Shift

# Which numbers each kind of shift asks for.
METRICS_BY_KIND: dict[str, tuple[str, ...]] = {
    "canvass": ("doors", "conversations"),
    "phone_bank": ("calls", "conversations"),
    "text_bank": ("texts", "conversations"),
}
MAX_VALUE = 100_000
REPORT_DAYS = 30  # how far back /report offers shifts
REPORT_SHOWN = 10


class NotAllowed(Exception):
    """Not their signup, or a metric their shift doesn't ask for."""


async def record_metric(db: Database, person_id: int, signup_id: int, metric: str, value: int, now: int) -> Shift:
    """Stores one number of the volunteer's own report for a shift they were on."""
    if not 0 <= value <= MAX_VALUE:
        raise ValueError(value)
    async with db.transaction() as tx:
        signup = await signups.get(tx, signup_id)
        if signup is None or signup.person_id != person_id or signup.status not in ("confirmed", "attended", "no_show"):
            raise NotAllowed
        shift = await shift_store.get(tx, signup.shift_id)
        assert shift is not None
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


async def mark_no_shows(db: Database, now: int, after_hours: float) -> int:
    async with db.transaction() as tx:
        return await signups.mark_no_shows(tx, now - int(after_hours * 3600), now)
