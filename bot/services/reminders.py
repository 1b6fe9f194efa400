"""Planning what the bot owes a volunteer for a shift: reminders before it, a follow-up after.

Everything lands in the outbox with a key that names what it is for, so planning twice queues
nothing twice, and a moved shift gets new keys while its old items are withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import from_ts, to_ts
from bot.db import Transaction
from bot.store import outbox, people, signups
from bot.store.outbox import NewItem
from bot.store.people import Person
from bot.store.shifts import Shift

REMINDER = "reminder"
FOLLOWUP = "followup"
PROMOTED = "promoted"
SHIFT_KINDS = (REMINDER, FOLLOWUP)  # what a signup owes; withdrawn when it is cancelled
FOLLOWUP_AFTER = timedelta(hours=1)
LONG_LEAD = 12 * 3600  # leads at least this long obey the 24-hour preference, shorter ones the 2-hour one
MERGE_WITHIN = timedelta(hours=1)


@dataclass(frozen=True)
class ReminderPolicy:
    """The network's reminder settings; built from configuration only (Runtime.reminder_policy), so no
    field has a default that could silently stand in for what the operator chose."""

    leads: tuple[int, ...]
    quiet: tuple[time, time]
    default_tz: str


def in_quiet_hours(local: datetime, quiet: tuple[time, time]) -> bool:
    start, end = quiet
    t = local.time()
    return (t >= start or t < end) if start > end else start <= t < end


def quiet_period(local: datetime, quiet: tuple[time, time]) -> tuple[datetime, datetime]:
    """The start and end of the quiet period `local` falls in."""
    start, end = quiet
    tz = local.tzinfo
    day = local.date()
    if start > end:  # crosses midnight
        if local.time() >= start:
            return datetime.combine(day, start, tz), datetime.combine(day + timedelta(days=1), end, tz)
        return datetime.combine(day - timedelta(days=1), start, tz), datetime.combine(day, end, tz)
    return datetime.combine(day, start, tz), datetime.combine(day, end, tz)


def adjust_for_quiet_hours(
    due: datetime, starts: datetime, tz: ZoneInfo, quiet: tuple[time, time], planned_at: datetime
) -> datetime | None:
    """Moves a reminder out of quiet hours: to just before they begin if that is still ahead,
    else to their end if that is still before the shift; None when neither is possible."""
    local = due.astimezone(tz)
    if not in_quiet_hours(local, quiet):
        return due
    begins, ends = quiet_period(local, quiet)
    earlier = begins - timedelta(minutes=1)
    if earlier > planned_at:
        return earlier
    if ends < starts:
        return ends
    return None


def reminder_times(
    shift: Shift, person: Person, policy: ReminderPolicy, planned_at: datetime
) -> list[tuple[int, datetime]]:
    """(lead in seconds, due time) for each reminder this person wants for this shift."""
    tz = ZoneInfo(person.timezone or policy.default_tz)
    wanted = [lead for lead in policy.leads if (person.remind_24h if lead >= LONG_LEAD else person.remind_2h)]
    planned: list[tuple[int, datetime]] = []
    for lead in sorted(wanted, reverse=True):
        due = adjust_for_quiet_hours(
            shift.starts_at - timedelta(seconds=lead), shift.starts_at, tz, policy.quiet, planned_at
        )
        if due is None or due <= planned_at or due >= shift.starts_at:
            continue
        # Two reminders pushed close together (quiet hours) would read as a duplicate: keep the later.
        if planned and abs(due - planned[-1][1]) < MERGE_WITHIN:
            planned.pop()
        planned.append((lead, due))
    return planned


def reminder_key(signup_id: int, lead: int, shift: Shift) -> str:
    return f"{REMINDER}:{signup_id}:{lead}:{to_ts(shift.starts_at)}"


async def plan_for_signup(
    tx: Transaction, *, person: Person, shift: Shift, signup_id: int, policy: ReminderPolicy, now: int
) -> None:
    """Queues reminders and the follow-up for a confirmed signup."""
    items = [
        NewItem(
            person_id=person.id,
            kind=REMINDER,
            shift_id=shift.id,
            due_at=to_ts(due),
            dedupe_key=reminder_key(signup_id, lead, shift),
            payload={"signup_id": signup_id, "lead": lead},
        )
        for lead, due in reminder_times(shift, person, policy, from_ts(now))
    ]
    items.append(
        NewItem(
            person_id=person.id,
            kind=FOLLOWUP,
            shift_id=shift.id,
            due_at=to_ts(shift.ends_at + FOLLOWUP_AFTER),
            dedupe_key=f"{FOLLOWUP}:{signup_id}:{to_ts(shift.ends_at)}",
            payload={"signup_id": signup_id},
        )
    )
    await outbox.enqueue(tx, items, now)


async def withdraw_for_signup(tx: Transaction, *, person_id: int, shift_id: int) -> None:
    await outbox.cancel_pending(tx, person_id=person_id, shift_id=shift_id, kinds=SHIFT_KINDS)


async def queue_promotion_notice(tx: Transaction, *, person_id: int, shift_id: int, signup_id: int, now: int) -> None:
    await outbox.enqueue(
        tx,
        [
            NewItem(
                person_id=person_id,
                kind=PROMOTED,
                shift_id=shift_id,
                due_at=now,
                dedupe_key=f"{PROMOTED}:{signup_id}:{now}",
                payload={"signup_id": signup_id},
            )
        ],
        now,
    )


async def replan_shift(tx: Transaction, *, shift: Shift, policy: ReminderPolicy, now: int) -> None:
    """After a shift's time changed: withdraw what was queued for the old time, plan for the new one."""
    await outbox.cancel_pending(tx, shift_id=shift.id, kinds=SHIFT_KINDS)
    for signup in await signups.for_shift(tx, shift.id, ("confirmed",)):
        person = await people.get(tx, signup.person_id)
        if person is not None and person.status == "active":
            await plan_for_signup(tx, person=person, shift=shift, signup_id=signup.id, policy=policy, now=now)
