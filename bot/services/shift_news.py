"""Coordinators' news between digests: a volunteer cancelling within 24 hours of a shift, or one moved
up from its waitlist. Recorded in the same transaction as the change; the news job gathers what is
pending for a shift into one outbox message per coordinator, at most one an hour per shift."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import to_ts
from bot.db import Database, Transaction
from bot.store import news, outbox, roles
from bot.store.outbox import NewItem
from bot.store.shifts import Shift

SHIFT_NEWS = "shift_news"
LATE_CANCEL = "late_cancel"
PROMOTED = "promoted"
LATE_WITHIN = int(timedelta(hours=24).total_seconds())
GATHER = int(timedelta(hours=1).total_seconds())  # news waits this long for more of the same shift's
SPACING = int(timedelta(hours=1).total_seconds())  # at most one message per shift in this long


async def record_cancel(tx: Transaction, shift: Shift, person_id: int, now: int) -> None:
    """A confirmed volunteer gave up their place: news only when the shift is a day away or closer."""
    if to_ts(shift.starts_at) - now <= LATE_WITHIN:
        await news.record(tx, shift.id, person_id, LATE_CANCEL, now)


async def record_promotion(tx: Transaction, shift_id: int, person_id: int, now: int) -> None:
    await news.record(tx, shift_id, person_id, PROMOTED, now)


def batch_due(first_at: int, starts_at: int, last_batched_at: int | None) -> int:
    """When a shift's pending news goes: an hour after the first item, but no later than an hour before
    the shift (news after the start is too late to act on), and never within an hour of the last batch."""
    due = max(first_at, min(first_at + GATHER, starts_at - GATHER))
    if last_batched_at is not None:
        due = max(due, last_batched_at + SPACING)
    return due


async def flush(db: Database, now: int) -> int:
    """Batches every shift whose news is due; returns how many messages were queued.

    News of a shift that has ended or was cancelled is dropped: nobody can act on it any more (and the
    coordinators cancelled it themselves)."""
    queued = 0
    for shift in await news.pending(db):
        if shift.status == "published" and now < shift.ends_at and now < batch_due(
            shift.first_at, shift.starts_at, shift.last_batched_at
        ):
            continue
        async with db.transaction() as tx:
            if not await news.close_batch(tx, shift.shift_id, now):
                continue  # another flush took it meanwhile
            if shift.status != "published" or now >= shift.ends_at:
                continue
            items = [
                NewItem(
                    person_id=person_id,
                    kind=SHIFT_NEWS,
                    due_at=now,
                    dedupe_key=f"{SHIFT_NEWS}:{shift.shift_id}:{person_id}:{now}",
                    shift_id=shift.shift_id,
                    payload={"batch": now},
                )
                for person_id in await roles.staff_ids(tx, shift.org_id)
            ]
            await outbox.enqueue(tx, items, now)
            queued += len(items)
    return queued
