"""Checking in and out of shifts, and the hours that follow from it.

Rules:
- The check-in window opens `checkin_opens_minutes` (30 by default) before the start and closes at the end.
- Hours are check-out minus check-in, within the shift's time: arriving early counts from the window's
  opening at most (never before the start minus `checkin_opens_minutes`), staying late to the end at most.
- Check-in is done once per signup; a second try says so and records nothing. Everything that changes a
  check-in is a row in `checkin_event`: who, how, by whom, when, where.
- A QR code at the door signs up someone who isn't on the roster when a place is free (a walk-in), or
  says the shift is full. Other ways of checking in are for people on the roster.
- A check-in still open when the shift ends is closed at the end (automatic check-out).
"""

from __future__ import annotations

import enum
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import from_ts, to_ts
from bot.db import Database, Transaction
from bot.i18n import N_
from bot.services import leads
from bot.services.authz import Actor
from bot.services.hours import celebrate
from bot.services.invalid import Invalid, TimeOfDay
from bot.services.posting import local_moment
from bot.store import checkins as store
from bot.store import shifts as shift_store
from bot.store import signups as signup_store
from bot.store.checkins import Checkin
from bot.store.shifts import Shift

DEFAULT_RADIUS_M = 300.0
EARTH_RADIUS_M = 6_371_000.0


class NotAllowed(PermissionError):
    """The actor may not check people in at this shift."""


class Outcome(enum.Enum):
    CHECKED_IN = "checked_in"
    WALKED_IN = "walked_in"  # not on the roster: signed up and checked in at the door
    ALREADY = "already"  # checked in before: nothing recorded
    NOT_YET = "not_yet"  # the window opens later (`opens_at`)
    CLOSED = "closed"  # the shift has ended
    NOT_ON_ROSTER = "not_on_roster"
    FULL = "full"  # a walk-in, and no place is free
    CANCELLED = "cancelled"  # the shift was cancelled
    TOO_FAR = "too_far"  # a shared location farther than the radius (`distance_m`)
    NOTHING_OPEN = "nothing_open"  # a location, and no shift of theirs open for check-in


@dataclass(frozen=True)
class CheckInResult:
    outcome: Outcome
    shift: Shift | None = None
    signup_id: int | None = None
    opens_at: int | None = None
    distance_m: float | None = None

    @property
    def done(self) -> bool:
        return self.outcome in (Outcome.CHECKED_IN, Outcome.WALKED_IN)


class OutOutcome(enum.Enum):
    CHECKED_OUT = "checked_out"
    NOT_CHECKED_IN = "not_checked_in"
    ALREADY = "already"


@dataclass(frozen=True)
class CheckOutResult:
    outcome: OutOutcome
    hours: float | None = None


def hours_between(checked_in_at: int, checked_out_at: int, opens_at: int, ends_at: int) -> float:
    """Hours worked, counted within the check-in window [opens_at, end], to the hundredth."""
    start = max(checked_in_at, opens_at)
    end = min(checked_out_at, ends_at)
    return round(max(0, end - start) / 3600, 2)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine): plenty for "are they at the door"."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


async def may_check_in_others(db: Database | Transaction, actor: Actor, shift: Shift) -> bool:
    """A coordinator of the shift's organization, or a lead of this shift."""
    return await leads.may_run_door(db, actor, shift)


async def check_in(
    db: Database,
    *,
    person_id: int,
    shift_id: int,
    method: str,
    now: int,
    latitude: float | None = None,
    longitude: float | None = None,
    by: Actor | None = None,
) -> CheckInResult:
    """Checks the person in at the shift (`by`: a coordinator doing it for them). A QR scan may sign up a
    walk-in; every other way needs a place on the roster."""
    async with db.transaction() as tx:
        shift = await shift_store.get(tx, shift_id)
        if shift is None:
            return CheckInResult(Outcome.NOT_ON_ROSTER)
        if by is not None and not await may_check_in_others(tx, by, shift):
            raise NotAllowed(shift_id)
        if shift.status == "cancelled":
            return CheckInResult(Outcome.CANCELLED, shift)
        opens_at, _starts, ends_at = await store.window_of(tx, shift_id)
        if now >= ends_at:
            return CheckInResult(Outcome.CLOSED, shift)
        if now < opens_at:
            return CheckInResult(Outcome.NOT_YET, shift, opens_at=opens_at)
        signup = await signup_store.find(tx, shift_id, person_id)
        walk_in = False
        if signup is None or signup.status not in ("confirmed", "attended", "no_show"):
            if method != "qr":
                return CheckInResult(Outcome.NOT_ON_ROSTER, shift)
            if await signup_store.confirmed_count(tx, shift_id) >= shift.capacity:
                return CheckInResult(Outcome.FULL, shift)
            signup_id = await signup_store.save(
                tx, shift_id=shift_id, person_id=person_id, status="confirmed", position=None, now=now
            )
            await store.set_walk_in(tx, signup_id)
            walk_in = True
        else:
            signup_id = signup.id
        if not await store.add(tx, signup_id, now, method, latitude, longitude):
            return CheckInResult(Outcome.ALREADY, shift, signup_id)
        await signup_store.set_status(tx, signup_id, "attended", now)
        await store.log(
            tx, signup_id, "in", now, method, by.person_id if by else None, latitude, longitude, now
        )
        await celebrate(tx, person_id, now)
        fresh = await shift_store.get(tx, shift_id)
    return CheckInResult(Outcome.WALKED_IN if walk_in else Outcome.CHECKED_IN, fresh, signup_id)


async def check_in_for(db: Database, *, actor: Actor, shift_id: int, signup_id: int, now: int) -> CheckInResult:
    """A coordinator checks someone on the shift's roster in (logged as "coordinator", by them)."""
    shift = await shift_store.get(db, shift_id)
    if shift is None or not await may_check_in_others(db, actor, shift):
        raise NotAllowed(shift_id)
    signup = await signup_store.get(db, signup_id)
    if signup is None or signup.shift_id != shift_id:  # stale or forged
        return CheckInResult(Outcome.NOT_ON_ROSTER, shift)
    return await check_in(
        db, person_id=signup.person_id, shift_id=shift_id, method="coordinator", now=now, by=actor
    )


async def check_out_for(db: Database, *, actor: Actor, shift_id: int, signup_id: int, now: int) -> CheckOutResult:
    """A coordinator checks someone on the shift's roster out."""
    shift = await shift_store.get(db, shift_id)
    if shift is None or not await may_check_in_others(db, actor, shift):
        raise NotAllowed(shift_id)
    signup = await signup_store.get(db, signup_id)
    if signup is None or signup.shift_id != shift_id:
        return CheckOutResult(OutOutcome.NOT_CHECKED_IN)
    return await check_out(db, person_id=signup.person_id, signup_id=signup_id, now=now, by=actor)


async def window_open(db: Database, shift: Shift, now: int) -> bool:
    """Whether the shift's check-in is open now (for the roster's check-in buttons)."""
    if shift.status != "published":
        return False
    opens_at, _starts, ends_at = await store.window_of(db, shift.id)
    return opens_at <= now < ends_at


async def check_in_by_location(
    db: Database, *, person_id: int, latitude: float, longitude: float, now: int, radius_m: float = DEFAULT_RADIUS_M
) -> CheckInResult:
    """A shared location: checks in at the nearest of their open shifts with a place, when close enough."""
    nearest: tuple[float, int] | None = None
    for window in await store.windows(db, person_id, now):
        if window.opens_at > now:
            continue
        shift = await shift_store.get(db, window.shift_id)
        if shift is None or shift.latitude is None or shift.longitude is None:
            continue
        far = distance_m(latitude, longitude, shift.latitude, shift.longitude)
        if nearest is None or far < nearest[0]:
            nearest = (far, shift.id)
    if nearest is None:
        return CheckInResult(Outcome.NOTHING_OPEN)
    far, shift_id = nearest
    if far > radius_m:
        return CheckInResult(Outcome.TOO_FAR, await shift_store.get(db, shift_id), distance_m=far)
    return await check_in(
        db, person_id=person_id, shift_id=shift_id, method="location", now=now, latitude=latitude, longitude=longitude
    )


async def check_out(
    db: Database, *, person_id: int, signup_id: int, now: int, by: Actor | None = None
) -> CheckOutResult:
    """Checks the person out (their own signup, or `by` a coordinator of the shift's organization)."""
    async with db.transaction() as tx:
        signup = await signup_store.get(tx, signup_id)
        if signup is None:
            return CheckOutResult(OutOutcome.NOT_CHECKED_IN)
        if by is None and signup.person_id != person_id:
            raise NotAllowed(signup_id)
        if by is not None:
            shift = await shift_store.get(tx, signup.shift_id)
            if shift is None or not await may_check_in_others(tx, by, shift):
                raise NotAllowed(signup_id)
        checkin = await store.get(tx, signup_id)
        if checkin is None:
            return CheckOutResult(OutOutcome.NOT_CHECKED_IN)
        if checkin.checked_out_at is not None:
            return CheckOutResult(OutOutcome.ALREADY, checkin.hours)
        opens_at, _starts, ends_at = await store.window_of(tx, signup.shift_id)
        out = min(now, ends_at)
        hours = hours_between(checkin.checked_in_at, out, opens_at, ends_at)
        await store.close(tx, signup_id, max(out, checkin.checked_in_at), hours)
        await store.log(tx, signup_id, "out", out, "coordinator" if by else "button", by.person_id if by else None,
                        None, None, now)
        await celebrate(tx, signup.person_id, now)
    return CheckOutResult(OutOutcome.CHECKED_OUT, hours)


async def close_ended(db: Database, now: int) -> int:
    """Checks out everyone still checked in at shifts that have ended, at the end; returns how many."""
    async with db.transaction() as tx:
        left = await store.still_open_after(tx, now)
        for signup_id, checked_in_at, opens_at, ends_at in left:
            out = max(ends_at, checked_in_at)
            await store.close(tx, signup_id, out, hours_between(checked_in_at, out, opens_at, ends_at))
            await store.log(tx, signup_id, "out", out, "auto", None, None, None, now)
            signup = await signup_store.get(tx, signup_id)
            if signup is not None:
                await celebrate(tx, signup.person_id, now)
    return len(left)


FIELDS = ("in", "out")  # what a correction changes: the check-in or the check-out time
CORRECTABLE = ("confirmed", "attended", "no_show")


class NotOnShift(LookupError):
    """No such signup on this shift (stale or forged data)."""


@dataclass(frozen=True)
class Corrected:
    field: str
    old_at: int | None  # None: there was none
    new_at: int
    hours: float | None  # the hours now; None while not checked out


def moment_of(shift: Shift, wall: time) -> int:
    """The moment a typed time of day means at this shift, in its zone: on the day that puts it inside the
    check-in window (a shift past midnight spans two days), else on the start's day."""
    tz = ZoneInfo(shift.timezone)
    opens = to_ts(shift.starts_at) - shift.checkin_opens_minutes * 60
    ends = to_ts(shift.ends_at)
    first = from_ts(opens).astimezone(tz).date()
    days = (shift.ends_at.astimezone(tz).date() - first).days + 1
    for offset in range(days):
        day = first + timedelta(days=offset)
        at = to_ts(datetime.combine(day, wall, tzinfo=tz))
        if opens <= at <= ends:
            return to_ts(local_moment(day, wall, tz))  # refuses a time the clocks skip that day
    return to_ts(local_moment(shift.starts_at.astimezone(tz).date(), wall, tz))


async def correct_time(
    db: Database, *, actor: Actor, shift_id: int, signup_id: int, field: str, at: int, now: int
) -> Corrected:
    """A coordinator of the shift's organization sets someone's check-in or check-out time by hand (not a
    shift lead: hours are the organization's record). The time must lie in the check-in window (from its
    opening to the shift's end) and not in the future, check-out not before check-in; else Invalid. The
    hours follow, and the correction is logged with the old and new values, who made it and when."""
    if field not in FIELDS:
        raise ValueError(field)
    async with db.transaction() as tx:
        shift = await shift_store.get(tx, shift_id)
        if shift is None or not actor.can_coordinate(shift.org_id):
            raise NotAllowed(shift_id)
        signup = await signup_store.get(tx, signup_id)
        if shift.status == "cancelled" or signup is None or signup.shift_id != shift_id or (
            signup.status not in CORRECTABLE
        ):
            raise NotOnShift(signup_id)
        opens_at, _starts, ends_at = await store.window_of(tx, shift_id)
        if not opens_at <= at <= ends_at:
            raise Invalid(
                N_("Type a time from {opens} to {ends}: from when check-in opens to the end of the shift."),
                "time", opens=TimeOfDay(opens_at), ends=TimeOfDay(ends_at),
            )
        if at > now:
            raise Invalid(N_("That time hasn't come yet. Type when it happened."), "time")
        checkin = await store.get(tx, signup_id)
        out_at: int | None
        if field == "out":
            if checkin is None:
                raise Invalid(N_("They aren't checked in: correct the check-in time first."), "time")
            if at < checkin.checked_in_at:
                raise Invalid(N_("Check-out can't be before check-in ({when})."), "time",
                              when=TimeOfDay(checkin.checked_in_at))
            old_at, in_at, out_at = checkin.checked_out_at, checkin.checked_in_at, at
        else:
            if checkin is not None and checkin.checked_out_at is not None and at > checkin.checked_out_at:
                raise Invalid(N_("Check-in can't be after check-out ({when})."), "time",
                              when=TimeOfDay(checkin.checked_out_at))
            old_at = checkin.checked_in_at if checkin else None
            in_at, out_at = at, checkin.checked_out_at if checkin else None
        old_hours = checkin.hours if checkin else None
        hours = hours_between(in_at, out_at, opens_at, ends_at) if out_at is not None else None
        if old_at == at:
            return Corrected(field, old_at, at, old_hours)
        if checkin is None:
            await store.add(tx, signup_id, at, "coordinator", None, None)
        else:
            await store.set_times(tx, signup_id, in_at, out_at, hours)
        # The log's row: a new check-in or check-out made by hand, or a time changed.
        correction = await store.record_correction(
            tx, signup_id, field, (old_at, old_hours), (at, hours), actor.person_id, now
        )
        event = field if old_at is None else "correct"
        await store.log(tx, signup_id, event, at, "coordinator", actor.person_id, None, None, now, correction)
        if signup.status != "attended":  # they came after all
            await signup_store.set_status(tx, signup_id, "attended", now)
        await celebrate(tx, signup.person_id, now)
    return Corrected(field, old_at, at, hours)


async def times_of(
    db: Database, *, actor: Actor, shift: Shift, signup_id: int
) -> tuple[Checkin | None, list[store.Correction]]:
    """One person's check-in at the shift and its corrections, for a coordinator of its organization."""
    if not actor.can_coordinate(shift.org_id):
        raise NotAllowed(shift.id)
    signup = await signup_store.get(db, signup_id)
    if signup is None or signup.shift_id != shift.id or signup.status not in CORRECTABLE:
        raise NotOnShift(signup_id)
    return await store.get(db, signup_id), await store.corrections(db, signup_id)


async def record_attendance(tx: Transaction, signup_id: int, shift_id: int, by_person: int, now: int) -> None:
    """Attendance marked by hand, with no check-in: the shift's whole length counts (inside the caller's
    transaction). A check-in that exists is kept as it is."""
    opens_at, starts_at, ends_at = await store.window_of(tx, shift_id)
    if await store.add(tx, signup_id, starts_at, "coordinator", None, None):
        await store.close(tx, signup_id, ends_at, hours_between(starts_at, ends_at, opens_at, ends_at))
        await store.log(tx, signup_id, "in", starts_at, "coordinator", by_person, None, None, now)
        await store.log(tx, signup_id, "out", ends_at, "coordinator", by_person, None, None, now)
        signup = await signup_store.get(tx, signup_id)
        if signup is not None:
            await celebrate(tx, signup.person_id, now)


async def forget(tx: Transaction, signup_id: int, by_person: int, now: int) -> None:
    """A coordinator says they weren't there after all: the check-in and its hours go (the log keeps it)."""
    if await store.remove(tx, signup_id):
        await store.log(tx, signup_id, "correct", now, "coordinator", by_person, None, None, now)


async def open_for(db: Database, person_id: int, now: int) -> tuple[list[store.Window], store.Window | None]:
    """The person's signups open for check-in now, and the next one that opens later (or None)."""
    windows = await store.windows(db, person_id, now)
    open_now = [w for w in windows if w.opens_at <= now]
    later = next((w for w in windows if w.opens_at > now), None)
    return open_now, later


async def token_for(db: Database, *, actor: Actor, shift_id: int, now: int, replace: bool = False) -> str:
    """The shift's check-in code for its QR (made on first use; `replace`: a new one, the old stops working)."""
    shift = await shift_store.get(db, shift_id)
    if shift is None or not await may_check_in_others(db, actor, shift):
        raise NotAllowed(shift_id)
    if replace and not actor.can_coordinate(shift.org_id):  # a lead shows the code; coordinators replace it
        raise NotAllowed(shift_id)
    token = await store.token_of(db, shift_id)
    if token and not replace:
        return token
    token = secrets.token_urlsafe(16)  # 128 bits: unguessable, and "ci-" + it fits a start payload
    async with db.transaction() as tx:
        await store.set_token(tx, shift_id, token, now)
    return token


async def shift_for_token(db: Database, token: str) -> int | None:
    """The shift a scanned code belongs to; None for a replaced or made-up one."""
    if not token or len(token) > 64:
        return None
    return await store.shift_by_token(db, token)


async def current(db: Database, signup_id: int) -> Checkin | None:
    return await store.get(db, signup_id)
