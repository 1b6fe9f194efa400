"""A shift's roster for its coordinators, and attendance marked by hand."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import timedelta

from bot.clock import to_ts
from bot.db import Database
from bot.services import checkins, leads
from bot.services.authz import Actor
from bot.services.leads import COORDINATOR, DoorAccess
from bot.store import audit
from bot.store import shifts as shift_store
from bot.store import signups as signup_store
from bot.store.leads import Lead
from bot.store.shifts import Shift
from bot.store.signups import RosterLine

MARKS = {"a": "attended", "n": "no_show"}
MARKABLE = ("confirmed", "attended", "no_show")
MARKING_OPENS = timedelta(hours=1)  # before the start: people arrive early and are marked at the door
RECENT = timedelta(days=7)  # how long after a shift its roster stays in the picker


@dataclass(frozen=True)
class Roster:
    shift: Shift
    lines: list[RosterLine]
    marking_open: bool
    checkin_open: bool = False  # people can be checked in and out from the roster now
    access: DoorAccess = COORDINATOR  # who is reading it
    leads: dict[int, Lead] = field(default_factory=dict)  # the shift's leads, by person id

    @property
    def on_shift(self) -> list[RosterLine]:
        return [line for line in self.lines if line.status != "waitlisted"]

    @property
    def waiting(self) -> list[RosterLine]:
        return [line for line in self.lines if line.status == "waitlisted"]

    @property
    def reported(self) -> list[RosterLine]:
        """The people on the shift who reported numbers or wrote a note after it."""
        return [line for line in self.on_shift if line.outcomes or line.note]

    def outcome_totals(self) -> dict[str, int]:
        """The shift's reported numbers added up, per metric (only metrics someone reported)."""
        totals: dict[str, int] = {}
        for line in self.on_shift:
            for metric, value in line.outcomes:
                totals[metric] = totals.get(metric, 0) + value
        return totals


def marking_open(shift: Shift, now: int) -> bool:
    return shift.status != "cancelled" and now >= to_ts(shift.starts_at - MARKING_OPENS)


async def load(db: Database, shift: Shift, now: int, access: DoorAccess | None = None) -> Roster:
    """The roster as this reader may see it: a lead not allowed phones sees none, and marks no attendance;
    the volunteers' notes are written to the organizers, so only coordinators read them."""
    access = access or COORDINATOR
    lines = await signup_store.roster(db, shift.id)
    if not access.show_phones:
        lines = [replace(line, phone=None) for line in lines]
    if not access.coordinator:
        lines = [replace(line, note=None) for line in lines]
    return Roster(
        shift, lines, access.coordinator and marking_open(shift, now), await checkins.window_open(db, shift, now),
        access, await leads.leads_of(db, shift.id),
    )


async def access_for(db: Database, actor: Actor, shift: Shift) -> DoorAccess | None:
    """How the actor may see this shift's roster (a coordinator, or a lead of this shift), or None."""
    return await leads.door_access(db, actor, shift)


async def lines(db: Database, shift_id: int) -> list[RosterLine]:
    return await signup_store.roster(db, shift_id)


async def pickable(
    db: Database, org_ids: list[int] | None, now: int, *, limit: int, offset: int
) -> tuple[list[Shift], int]:
    """Shifts whose roster a coordinator may want: upcoming ones and those of the last week."""
    return await shift_store.for_orgs(
        db, org_ids, ends_after=now - int(RECENT.total_seconds()), statuses=("published", "done"),
        limit=limit, offset=offset,
    )


async def led(db: Database, person_id: int, now: int, *, limit: int, offset: int) -> tuple[list[Shift], int]:
    """Shifts a lead may pick a roster from: the ones they lead, upcoming and of the last week."""
    ids = await leads.led_shifts(db, person_id, ends_after=now - int(RECENT.total_seconds()))
    found = await shift_store.get_many(db, ids[offset : offset + limit])
    return [found[i] for i in ids[offset : offset + limit] if i in found], len(ids)


async def leads_any(db: Database, actor: Actor, now: int) -> bool:
    """Whether the actor leads a shift whose roster they may still want."""
    return bool(await leads.led_shifts(db, actor.person_id, ends_after=now - int(RECENT.total_seconds())))


class NotAllowed(PermissionError):
    """The actor may not mark attendance at this shift's organization."""


class MarkOutcome(enum.Enum):
    MARKED = "marked"
    NOT_ON_SHIFT = "not_on_shift"  # no such signup on this shift (stale or forged)
    TOO_EARLY = "too_early"


async def mark(db: Database, *, actor: Actor, shift: Shift, signup_id: int, code: str, now: int) -> MarkOutcome:
    """Marks one person on the shift attended or a no-show; recorded in the audit log.

    Checks here, not only in the handler: callback data can be forged and other callers may come."""
    if not actor.can_coordinate(shift.org_id):
        raise NotAllowed(shift.id)
    actor_id = actor.person_id
    status = MARKS[code]
    if not marking_open(shift, now):
        return MarkOutcome.TOO_EARLY
    async with db.transaction() as tx:
        signup = await signup_store.get(tx, signup_id)
        if signup is None or signup.shift_id != shift.id or signup.status not in MARKABLE:
            return MarkOutcome.NOT_ON_SHIFT
        if signup.status != status:
            await signup_store.set_attendance(tx, signup_id, status, actor_id, now)
            # Hours stay true: attended by hand counts the shift's length; a no-show has none.
            if status == "attended":
                await checkins.record_attendance(tx, signup_id, shift.id, actor_id, now)
            else:
                await checkins.forget(tx, signup_id, actor_id, now)
            await audit.record(
                tx, actor_id=actor_id, action=f"signup.{status}", now=now, org_id=shift.org_id,
                subject=f"signup:{signup_id}", details={"shift_id": shift.id, "person_id": signup.person_id,
                                                        "was": signup.status},
            )
    return MarkOutcome.MARKED
