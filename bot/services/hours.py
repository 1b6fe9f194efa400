"""A volunteer's own record: hours, shifts and outcomes by organization, this month, this year, and milestones."""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.clock import from_ts, to_ts
from bot.db import Database, Transaction
from bot.store import outbox, people, tallies
from bot.store.tallies import OrgTally


class Milestone(enum.Enum):
    FIRST_SHIFT = "first_shift"
    TEN_HOURS = "ten_hours"
    FIVE_IN_A_MONTH = "five_in_a_month"


TEN_HOURS = 10.0
SHIFTS_IN_A_MONTH = 5


@dataclass(frozen=True)
class Period:
    """Totals over a span, with the per-organization lines they come from."""

    orgs: list[OrgTally]

    @property
    def shifts(self) -> int:
        return sum(o.shifts for o in self.orgs)

    @property
    def hours(self) -> float:
        return sum(o.hours for o in self.orgs)

    def outcome(self, metric: str) -> int:
        return sum(int(getattr(o, metric)) for o in self.orgs)


@dataclass(frozen=True)
class Record:
    all_time: Period
    this_year: Period
    this_month: Period
    milestones: list[Milestone]


def reached(all_time: Period, starts: list[int], tz: ZoneInfo) -> list[Milestone]:
    """The milestones a record has reached, in the order a volunteer reaches them on a usual path.
    Months are the volunteer's own calendar months."""
    found: list[Milestone] = []
    if all_time.shifts >= 1:
        found.append(Milestone.FIRST_SHIFT)
    months = Counter((d.year, d.month) for d in (from_ts(ts).astimezone(tz) for ts in starts))
    if months and max(months.values()) >= SHIFTS_IN_A_MONTH:
        found.append(Milestone.FIVE_IN_A_MONTH)
    if all_time.hours >= TEN_HOURS - 1e-9:
        found.append(Milestone.TEN_HOURS)
    return found


async def record(db: Database, person_id: int, tz: ZoneInfo, now: int) -> Record:
    """Everything /hours shows; months and years start at midnight in the volunteer's zone."""
    local = from_ts(now).astimezone(tz)
    month_start = datetime(local.year, local.month, 1, tzinfo=tz)
    year_start = datetime(local.year, 1, 1, tzinfo=tz)
    all_time = Period(await tallies.by_org(db, person_id))
    this_year = Period(await tallies.by_org(db, person_id, to_ts(year_start)))
    this_month = Period(await tallies.by_org(db, person_id, to_ts(month_start)))
    starts = await tallies.attended_starts(db, person_id)
    return Record(all_time, this_year, this_month, reached(all_time, starts, tz))


MILESTONE_KIND = "milestone"


async def celebrate(tx: Transaction, person_id: int, now: int) -> None:
    """Queues a celebration for each milestone the person has reached (inside the transaction that
    recorded their attendance or hours); the outbox key makes it once per milestone, ever."""
    person = await people.get(tx, person_id)
    if person is None:
        return
    tz = ZoneInfo(person.timezone or "UTC")
    all_time = Period(await tallies.by_org(tx, person_id))
    found = reached(all_time, await tallies.attended_starts(tx, person_id), tz)
    await outbox.enqueue(
        tx,
        [
            outbox.NewItem(
                person_id=person_id,
                kind=MILESTONE_KIND,
                due_at=now,
                dedupe_key=f"milestone:{person_id}:{m.value}",
                payload={"milestone": m.value},
            )
            for m in found
        ],
        now,
    )
