"""A coordinator manages a published shift: edits it, cancels it, duplicates it, messages its people.

Every change and the notices it owes volunteers are written in one transaction, so nobody is told
about a change that didn't happen, and no change goes untold. The notices are rendered at send
time (handlers/shift_notices.py), in each volunteer's language. Input is read and checked with
the posting rules (bot/services/posting.py); problems raise its `Invalid`.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import from_ts, to_ts
from bot.db import Database, Transaction
from bot.i18n import N_
from bot.services import reminders, versions
from bot.services.authz import Actor
from bot.services.once import Claim, claimed
from bot.services.posting import Invalid, check_deadline, check_start, local_moment
from bot.services.reminders import ReminderPolicy
from bot.services.signups import fill_from_waitlist
from bot.store import audit, outbox
from bot.store import shifts as shift_store
from bot.store import signups as signup_store
from bot.store.outbox import NewItem
from bot.store.shifts import NewShift, Shift
from bot.store.signups import Signup
from bot.text import clean

SHIFT_CHANGED = "shift_changed"
SHIFT_CANCELLED = "shift_cancelled"
SHIFT_MESSAGE = "shift_message"
MOVED_TO_WAITLIST = "moved_to_waitlist"

REASON_MAX = 500
MESSAGE_MAX = 1000

# What changed, as volunteers are told it: each topic and the columns behind it.
TOPICS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "kind": ("kind",),
    "time": ("starts_at", "ends_at"),
    "place": ("place_name", "address", "latitude", "longitude", "online_url", "region"),
    "capacity": ("capacity",),
    "languages": ("languages",),
    "description": ("description",),
    "deadline": ("signup_deadline",),
    "checkin": ("checkin_opens_minutes",),
}
# Capacity, deadline and the check-in window concern nobody signed up: /checkin says when it opens.
TOLD = ("title", "kind", "time", "place", "languages", "description")
NEW_CALENDAR = ("time", "place")  # changes that earn a new .ics


class NotManageable(Exception):
    """The shift is gone, cancelled, or over: there is nothing left to change."""


class NotAllowed(PermissionError):
    """The actor does not coordinate the shift's organization."""


@dataclass(frozen=True)
class EditResult:
    shift: Shift
    topics: tuple[str, ...]  # what actually changed (empty: nothing did)
    told: int  # volunteers queued a "what changed" notice
    moved_to_waitlist: tuple[Signup, ...] = ()
    promoted: tuple[Signup, ...] = ()


def place_text(shift: Shift) -> str:
    """The place as one line (or the online link), as a notice quotes what it was."""
    if shift.online_url:
        return shift.online_url
    return ", ".join(p for p in (shift.place_name, shift.address) if p)


def _check(actor: Actor, shift: Shift) -> None:
    """Checked here, not only in the handler: callback data can be forged, and other callers may come."""
    if not actor.can_coordinate(shift.org_id):
        raise NotAllowed(shift.id)


async def _manageable(tx: Transaction, shift_id: int, now: int, actor: Actor) -> Shift:
    shift = await shift_store.get(tx, shift_id)
    if shift is None or shift.status != "published" or to_ts(shift.ends_at) <= now:
        raise NotManageable(shift_id)
    _check(actor, shift)
    return shift


def _new_values(shift: Shift, values: dict[str, Any], now: int) -> dict[str, Any]:
    """Completes and checks the new column values: a moved start keeps the length and moves the
    signup deadline with it; the result obeys the posting rules."""
    values = dict(values)
    starts, ends = to_ts(shift.starts_at), to_ts(shift.ends_at)
    deadline = to_ts(shift.signup_deadline) if shift.signup_deadline else None
    new_starts = int(values.get("starts_at", starts))
    if new_starts != starts:
        check_start(from_ts(new_starts), from_ts(now))
        values.setdefault("ends_at", new_starts + (ends - starts))
        if deadline is not None:
            values.setdefault("signup_deadline", deadline + (new_starts - starts))
    elif values.get("signup_deadline") is not None:
        check_deadline(from_ts(values["signup_deadline"]), from_ts(new_starts), from_ts(now))
    if int(values.get("ends_at", ends)) <= new_starts:
        raise Invalid(N_("The shift must end after it starts."), "length")
    new_deadline = values.get("signup_deadline", deadline)
    if new_deadline is not None and new_deadline > new_starts:
        raise Invalid(N_("Signups must close before the shift starts."), "signup_deadline")
    return values


def _old(shift: Shift, column: str) -> Any:
    if column in ("starts_at", "ends_at"):
        return to_ts(getattr(shift, column))
    if column == "signup_deadline":
        return to_ts(shift.signup_deadline) if shift.signup_deadline else None
    if column == "languages":
        return tuple(sorted(shift.languages))
    return getattr(shift, column)


async def edit_shift(
    db: Database,
    *,
    actor: Actor,
    shift_id: int,
    values: dict[str, Any],
    now: int,
    policy: ReminderPolicy,
) -> EditResult:
    """Changes some fields of a shift and tells everyone on it what changed, in one transaction.

    `values` holds new column values (and `languages`, a sequence of codes). A capacity cut below
    the confirmed count moves the latest confirmed signups to the top of the waitlist; a raise
    promotes from the waitlist in order; a new time re-plans everyone's reminders.
    """
    async with db.transaction() as tx:
        before = await _manageable(tx, shift_id, now, actor)
        values = _new_values(before, values, now)
        if "languages" in values:
            values["languages"] = tuple(sorted(dict.fromkeys(values["languages"])))
        changed = {c: v for c, v in values.items() if _old(before, c) != v}
        if not changed:
            return EditResult(before, (), 0)
        columns = {c: v for c, v in changed.items() if c != "languages"}
        await shift_store.update(tx, shift_id, now, **columns)
        if "languages" in changed:
            await shift_store.set_languages(tx, shift_id, changed["languages"])
        topics = tuple(t for t, cols in TOPICS.items() if any(c in changed for c in cols))
        shift = await shift_store.get(tx, shift_id)
        assert shift is not None
        moved: list[Signup] = []
        promoted: list[Signup] = []
        if "capacity" in changed:
            if shift.confirmed_count > shift.capacity:
                moved = await _move_latest_to_waitlist(tx, shift, shift.confirmed_count - shift.capacity, now)
            else:
                promoted = await fill_from_waitlist(tx, shift, now, policy)
        if "time" in topics:
            await reminders.replan_shift(tx, shift=shift, policy=policy, now=now)
        told = await _tell_change(tx, before, [t for t in topics if t in TOLD], now)
        await audit.record(
            tx, actor_id=actor.person_id, action="shift.edit", now=now, org_id=shift.org_id,
            subject=f"shift:{shift_id}",
            details={
                "fields": sorted(changed),
                "moved_to_waitlist": [s.person_id for s in moved],
                "promoted": [s.person_id for s in promoted],
            },
        )
        shift = await shift_store.get(tx, shift_id)
        assert shift is not None
    return EditResult(shift, topics, told, tuple(moved), tuple(promoted))


async def _move_latest_to_waitlist(tx: Transaction, shift: Shift, count: int, now: int) -> list[Signup]:
    """The `count` latest confirmed signups go to the top of the waitlist, keeping their order among
    themselves; their reminders are withdrawn and each is told."""
    latest = await signup_store.latest_confirmed(tx, shift.id, count)
    first = await signup_store.first_position(tx, shift.id)
    top = (first if first is not None else await signup_store.next_position(tx, shift.id)) - len(latest)
    items = []
    for offset, signup in enumerate(latest):
        await signup_store.set_status(tx, signup.id, "waitlisted", now, position=top + offset)
        await reminders.withdraw_for_signup(tx, person_id=signup.person_id, shift_id=shift.id)
        items.append(
            NewItem(
                person_id=signup.person_id, kind=MOVED_TO_WAITLIST, shift_id=shift.id, due_at=now,
                dedupe_key=f"{MOVED_TO_WAITLIST}:{signup.id}:{now}", payload={"signup_id": signup.id},
            )
        )
    await outbox.enqueue(tx, items, now)
    moved = [await signup_store.get(tx, s.id) for s in latest]
    return [s for s in moved if s is not None]


async def _tell_change(tx: Transaction, before: Shift, topics: list[str], now: int) -> int:
    """Queues "what changed" for everyone confirmed or waiting, with what it was before."""
    if not topics:
        return 0
    people = await signup_store.for_shift(tx, before.id, ("confirmed", "waitlisted"))
    old = {
        "title": before.title,
        "starts_at": to_ts(before.starts_at),
        "ends_at": to_ts(before.ends_at),
        "place": place_text(before),
    }
    await outbox.enqueue(
        tx,
        [
            NewItem(
                person_id=s.person_id, kind=SHIFT_CHANGED, shift_id=before.id, due_at=now,
                dedupe_key=f"{SHIFT_CHANGED}:{s.id}:{now}:{'-'.join(topics)}",
                payload={"signup_id": s.id, "topics": topics, "old": old},
            )
            for s in people
        ],
        now,
    )
    return len(people)


# --- cancelling ---------------------------------------------------------------------------------------


def read_reason(text: str) -> str:
    reason = clean(text, multiline=True)
    if not reason:
        raise Invalid(N_("Please type a reason, for example: Not enough volunteers signed up."), "reason")
    if len(reason) > REASON_MAX:
        raise Invalid(
            N_("The reason can have at most {max} characters; this one has {count}."),
            "reason", max=REASON_MAX, count=len(reason),
        )
    return reason


@dataclass(frozen=True)
class CancelShiftResult:
    shift: Shift
    told: int


async def cancel_shift(
    db: Database, *, actor: Actor, shift_id: int, reason: str, now: int, claim: Claim | None = None
) -> CancelShiftResult:
    """Cancels the shift: withdraws everything queued for it and tells everyone confirmed or waiting why.
    With `claim`, a second press raises AlreadyDone (bot/services/once.py)."""
    reason = read_reason(reason)
    async with db.transaction() as tx:
        await claimed(tx, claim)
        shift = await _manageable(tx, shift_id, now, actor)
        people = await signup_store.for_shift(tx, shift_id, ("confirmed", "waitlisted"))
        await shift_store.cancel(tx, shift_id, reason, now)
        await outbox.cancel_pending(tx, shift_id=shift_id)  # reminders, follow-ups, unsent notices
        await outbox.enqueue(
            tx,
            [
                NewItem(
                    person_id=s.person_id, kind=SHIFT_CANCELLED, shift_id=shift_id, due_at=now,
                    dedupe_key=f"{SHIFT_CANCELLED}:{shift_id}:{s.person_id}",
                    payload={"signup_id": s.id, "was_confirmed": s.status == "confirmed"},
                )
                for s in people
            ],
            now,
        )
        await audit.record(
            tx, actor_id=actor.person_id, action="shift.cancel", now=now, org_id=shift.org_id,
            subject=f"shift:{shift_id}",
            details={"reason": reason, "confirmed": sum(s.status == "confirmed" for s in people),
                     "waitlisted": sum(s.status == "waitlisted" for s in people)},
        )
        cancelled = await shift_store.get(tx, shift_id)
        assert cancelled is not None
    return CancelShiftResult(cancelled, len(people))


# --- duplicating --------------------------------------------------------------------------------------


def duplicate_of(shift: Shift, day: date, now: datetime, created_by: int) -> NewShift:
    """The same shift on another day, at the same local time and length, signups closing as long before."""
    tz = ZoneInfo(shift.timezone)
    start = local_moment(day, shift.starts_at.astimezone(tz).time(), tz)
    check_start(start, now)
    deadline = None
    if shift.signup_deadline is not None:
        deadline = start - (shift.starts_at - shift.signup_deadline)
        check_deadline(deadline, start, now)
    return NewShift(
        org_id=shift.org_id, title=shift.title, kind=shift.kind, starts_at=to_ts(start),
        ends_at=to_ts(start + (shift.ends_at - shift.starts_at)), timezone=shift.timezone, capacity=shift.capacity,
        description=shift.description, place_name=shift.place_name, address=shift.address,
        latitude=shift.latitude, longitude=shift.longitude, online_url=shift.online_url, region=shift.region,
        signup_deadline=to_ts(deadline) if deadline else None, languages=shift.languages, created_by=created_by,
        texts=shift.texts,  # a copy keeps the organizers' translations
        checkin_opens_minutes=shift.checkin_opens_minutes,
    )


async def duplicate_shift(db: Database, *, actor: Actor, shift_id: int, day: date, now: int) -> Shift:
    """Publishes a copy of the shift on another day; returns the new shift. A copy already published
    on that day is returned instead of a second one: pressing the day twice copies once."""
    async with db.transaction() as tx:
        shift = await shift_store.get(tx, shift_id)
        if shift is None:
            raise NotManageable(shift_id)
        _check(actor, shift)
        copy = duplicate_of(shift, day, from_ts(now), actor.person_id)
        new_id = await shift_store.published_at(tx, copy.org_id, copy.title, copy.starts_at)
        if new_id is None:
            new_id = await shift_store.create(tx, copy, now)
        created = await shift_store.get(tx, new_id)
        assert created is not None
    return created


def duplicate_days(shift: Shift, now: datetime, count: int = 14) -> list[date]:
    """The next days (in the shift's zone) a copy could still start on, from today."""
    tz = ZoneInfo(shift.timezone)
    today = now.astimezone(tz).date()
    wall = shift.starts_at.astimezone(tz).time()
    days = [today + timedelta(days=i) for i in range(count + 1)]
    return [d for d in days if datetime.combine(d, wall, tz) > now][:count]


# --- messaging everyone on it -------------------------------------------------------------------------


def read_message(text: str) -> str:
    message = clean(text, multiline=True)
    if not message:
        raise Invalid(N_("The message can't be empty."), "message")
    if len(message) > MESSAGE_MAX:
        raise Invalid(
            N_("The message can have at most {max} characters; this one has {count}."),
            "message", max=MESSAGE_MAX, count=len(message),
        )
    return message


async def audience_counts(db: Database, shift_id: int) -> tuple[int, int]:
    """How many are confirmed and how many waiting, as the message preview counts them."""
    people = await signup_store.for_shift(db, shift_id, ("confirmed", "waitlisted"))
    return sum(s.status == "confirmed" for s in people), sum(s.status == "waitlisted" for s in people)


async def message_locales(db: Database, shift_id: int, include_waitlist: bool, default: str) -> list[tuple[str, int]]:
    """The languages the message's recipients read the bot in, with counts: which versions are worth writing."""
    statuses = ("confirmed", "waitlisted") if include_waitlist else ("confirmed",)
    people = await signup_store.for_shift(db, shift_id, statuses)
    return await versions.reader_locales(db, [s.person_id for s in people], default)


async def message_shift(
    db: Database,
    *,
    actor: Actor,
    shift_id: int,
    text: str,
    include_waitlist: bool,
    now: int,
    claim: Claim | None = None,
    texts: Mapping[str, str] | None = None,
) -> int:
    """Queues the coordinator's message for everyone confirmed (and waiting, if asked); returns how many.
    `texts`: versions per reader locale, each recipient getting theirs (bot/services/versions.py).
    With `claim`, a second press of Send raises AlreadyDone instead of sending again."""
    text = read_message(text)
    written = versions.read_versions(texts or {}, read_message)
    statuses = ("confirmed", "waitlisted") if include_waitlist else ("confirmed",)
    token = secrets.token_hex(4)  # two messages in the same second are two messages
    async with db.transaction() as tx:
        await claimed(tx, claim)
        await _manageable(tx, shift_id, now, actor)
        people = await signup_store.for_shift(tx, shift_id, statuses)
        await outbox.enqueue(
            tx,
            [
                NewItem(
                    person_id=s.person_id, kind=SHIFT_MESSAGE, shift_id=shift_id, due_at=now,
                    dedupe_key=f"{SHIFT_MESSAGE}:{shift_id}:{token}:{s.person_id}",
                    payload={"signup_id": s.id, "text": text, "texts": written, "sender_id": actor.person_id},
                )
                for s in people
            ],
            now,
        )
    return len(people)


async def upcoming(
    db: Database, org_ids: list[int] | None, now: int, *, limit: int, offset: int
) -> tuple[list[Shift], int]:
    """The shifts a coordinator manages: their organizations' (None: all), published, not yet over."""
    return await shift_store.for_orgs(db, org_ids, ends_after=now, limit=limit, offset=offset)
