"""Signing up, the waitlist, and cancelling: the rules, each in one write transaction.

The transaction lock serialises writers, so two people pressing for the last place at the same
moment are decided one after the other: exactly one gets it, the other joins the waitlist.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.clock import to_ts
from bot.db import Database, Transaction
from bot.services import reminders, shift_news
from bot.services.reminders import ReminderPolicy
from bot.store import people
from bot.store import shifts as shift_store
from bot.store import signups as signup_store
from bot.store.shifts import Shift
from bot.store.signups import Signup


class Outcome(enum.Enum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    ALREADY_CONFIRMED = "already_confirmed"
    ALREADY_WAITLISTED = "already_waitlisted"
    OVERLAP = "overlap"  # nothing saved: they must confirm first
    CLOSED = "closed"  # signup deadline or start has passed
    UNAVAILABLE = "unavailable"  # cancelled, done, or no such shift


@dataclass(frozen=True)
class SignupResult:
    outcome: Outcome
    shift: Shift | None
    signup: Signup | None = None
    waitlist_rank: int | None = None
    overlaps: tuple[Shift, ...] = ()



async def sign_up(
    db: Database,
    person_id: int,
    shift_id: int,
    now: int,
    *,
    policy: ReminderPolicy,
    allow_overlap: bool = False,
) -> SignupResult:
    """Takes a place if one is free, else a place in line; refuses closed shifts, warns of overlaps."""
    async with db.transaction() as tx:
        shift = await shift_store.get(tx, shift_id)
        if shift is None or shift.status != "published":
            return SignupResult(Outcome.UNAVAILABLE, shift)
        if now >= to_ts(shift.signup_closes_at):
            return SignupResult(Outcome.CLOSED, shift)
        existing = await signup_store.find(tx, shift_id, person_id)
        if existing is not None and existing.status in ("confirmed", "attended"):
            return SignupResult(Outcome.ALREADY_CONFIRMED, shift, existing)
        if existing is not None and existing.status == "waitlisted":
            rank: int | None = await signup_store.waitlist_rank(tx, existing)
            return SignupResult(Outcome.ALREADY_WAITLISTED, shift, existing, rank)
        if not allow_overlap:
            clashes = await signup_store.overlapping(
                tx, person_id, to_ts(shift.starts_at), to_ts(shift.ends_at), shift_id
            )
            if clashes:
                others = await shift_store.get_many(tx, clashes)
                return SignupResult(Outcome.OVERLAP, shift, overlaps=tuple(others[i] for i in clashes))
        if shift.confirmed_count < shift.capacity:  # read in this write transaction: current
            signup_id = await signup_store.save(
                tx, shift_id=shift_id, person_id=person_id, status="confirmed", position=None, now=now
            )
            outcome, rank = Outcome.CONFIRMED, None
            await _plan(tx, person_id, shift, signup_id, policy, now)
        else:
            position = await signup_store.next_position(tx, shift_id)
            signup_id = await signup_store.save(
                tx, shift_id=shift_id, person_id=person_id, status="waitlisted", position=position, now=now
            )
            outcome = Outcome.WAITLISTED
        signup = await signup_store.get(tx, signup_id)
        assert signup is not None
        if outcome is Outcome.WAITLISTED:
            rank = await signup_store.waitlist_rank(tx, signup)
        shift = await shift_store.get(tx, shift_id)
    return SignupResult(outcome, shift, signup, rank)


class CancelOutcome(enum.Enum):
    CANCELLED = "cancelled"
    NOT_YOURS = "not_yours"  # no such signup, or someone else's: the same answer for both
    ALREADY = "already"  # nothing active to cancel
    STARTED = "started"  # the shift has begun: too late to free the place


@dataclass(frozen=True)
class CancelResult:
    outcome: CancelOutcome
    shift: Shift | None = None
    was_confirmed: bool = False
    promoted: Signup | None = None  # the person moved up from the waitlist, to be told


async def cancel(
    db: Database, person_id: int, signup_id: int, now: int, *, policy: ReminderPolicy
) -> CancelResult:
    """Withdraws the person's signup; a freed place goes at once to the first in line."""
    async with db.transaction() as tx:
        signup = await signup_store.get(tx, signup_id)
        if signup is None or signup.person_id != person_id:
            return CancelResult(CancelOutcome.NOT_YOURS)
        shift = await shift_store.get(tx, signup.shift_id)
        assert shift is not None
        if signup.status not in ("confirmed", "waitlisted") or shift.status != "published":
            return CancelResult(CancelOutcome.ALREADY, shift)
        if now >= to_ts(shift.starts_at):
            return CancelResult(CancelOutcome.STARTED, shift)
        was_confirmed = signup.status == "confirmed"
        await signup_store.set_status(tx, signup.id, "cancelled", now)
        await reminders.withdraw_for_signup(tx, person_id=person_id, shift_id=shift.id)
        if was_confirmed:
            await shift_news.record_cancel(tx, shift, person_id, now)
        promoted = await promote_next(tx, shift, now, policy) if was_confirmed else None
        shift = await shift_store.get(tx, shift.id)
    return CancelResult(CancelOutcome.CANCELLED, shift, was_confirmed, promoted)


async def _plan(
    tx: Transaction, person_id: int, shift: Shift, signup_id: int, policy: ReminderPolicy, now: int
) -> None:
    person = await people.get(tx, person_id)
    assert person is not None
    await reminders.plan_for_signup(tx, person=person, shift=shift, signup_id=signup_id, policy=policy, now=now)


async def promote_next(
    tx: Transaction, shift: Shift, now: int, policy: ReminderPolicy, *, news: bool = True
) -> Signup | None:
    """Gives a free place to the first on the waitlist, if the shift hasn't started, and queues
    their notice and reminders in the same transaction, so a crash can lose neither. `news`: the
    coordinators hear of it (not when they made the room themselves).

    `shift` must carry the current capacity; the count of confirmed signups is read afresh."""
    if now >= to_ts(shift.starts_at):
        return None
    if await signup_store.confirmed_count(tx, shift.id) >= shift.capacity:
        return None
    first = await signup_store.first_waitlisted(tx, shift.id)
    if first is None:
        return None
    await signup_store.set_status(tx, first.id, "confirmed", now)
    await _plan(tx, first.person_id, shift, first.id, policy, now)
    await reminders.queue_promotion_notice(
        tx, person_id=first.person_id, shift_id=shift.id, signup_id=first.id, now=now
    )
    if news:
        await shift_news.record_promotion(tx, shift.id, first.person_id, now)
    return await signup_store.get(tx, first.id)


async def fill_from_waitlist(tx: Transaction, shift: Shift, now: int, policy: ReminderPolicy) -> list[Signup]:
    """Promotes from the waitlist, in order, until the shift is full or nobody is waiting (a capacity raise,
    which a coordinator made: no news for them)."""
    promoted: list[Signup] = []
    while (signup := await promote_next(tx, shift, now, policy, news=False)) is not None:
        promoted.append(signup)
    return promoted


async def withdraw_all(
    db: Database, person_id: int, now: int, *, policy: ReminderPolicy
) -> list[CancelResult]:
    """Cancels every future signup of a person (they are leaving); returns who got promoted."""
    async with db.transaction() as tx:
        active = await signup_store.active_for_person(tx, person_id, now)
    results = []
    for signup in active:
        results.append(await cancel(db, person_id, signup.id, now, policy=policy))
    return results


async def acknowledge(db: Database, person_id: int, signup_id: int, now: int) -> Shift | None:
    """Records "I'll be there" from a reminder; None when the signup isn't theirs or isn't active."""
    async with db.transaction() as tx:
        signup = await signup_store.get(tx, signup_id)
        if signup is None or signup.person_id != person_id or signup.status != "confirmed":
            return None
        await signup_store.acknowledge(tx, signup_id, now)
        return await shift_store.get(tx, signup.shift_id)
