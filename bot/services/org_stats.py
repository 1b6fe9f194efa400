"""What coordinators' /stats shows: fill rate, attendance, no-shows, hours and outcomes of their organizations'
shifts over the last 12 weeks, by organization (and by state for network admins), and the weekly series."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import from_ts, to_ts
from bot.db import Database
from bot.services.authz import Actor
from bot.services.exports import org_scope
from bot.store import org_stats as store
from bot.store.org_stats import ShiftTotals
from bot.store.reports import METRICS

WEEKS = 12


class NotAllowed(PermissionError):
    """Only coordinators (and network admins) see an organization's numbers."""


@dataclass
class Totals:
    shifts: int = 0
    capacity: int = 0
    filled: int = 0
    attended: int = 0
    no_shows: int = 0
    hours: float = 0.0
    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METRICS, 0))

    def add(self, row: ShiftTotals) -> None:
        self.shifts += 1
        self.capacity += row.capacity
        self.filled += row.filled
        self.attended += row.attended
        self.no_shows += row.no_shows
        self.hours += row.hours
        for metric in METRICS:
            self.outcomes[metric] += int(getattr(row, metric))

    @property
    def fill_rate(self) -> float | None:
        """Places taken (signed up, attended or no-show) out of places offered."""
        return self.filled / self.capacity if self.capacity else None

    @property
    def attendance_rate(self) -> float | None:
        """Of those whose attendance is known (attended or no-show), how many came."""
        known = self.attended + self.no_shows
        return self.attended / known if known else None


@dataclass(frozen=True)
class Week:
    starts: date
    hours: float
    attended: int


@dataclass(frozen=True)
class Report:
    since: date
    total: Totals
    by_org: list[tuple[str, Totals]]
    by_state: list[tuple[str | None, Totals]] | None  # network admins only
    weeks: list[Week]


def _by_org(rows: Iterable[ShiftTotals]) -> dict[int, tuple[str, Totals]]:
    groups: dict[int, tuple[str, Totals]] = {}
    for row in rows:
        groups.setdefault(row.org_id, (row.org_name, Totals()))[1].add(row)
    return groups


def _by_state(rows: Iterable[ShiftTotals]) -> dict[str | None, Totals]:
    groups: dict[str | None, Totals] = {}
    for row in rows:
        groups.setdefault(row.org_state, Totals()).add(row)
    return groups


def first_week(now: int, tz: ZoneInfo) -> date:
    """The Monday, in the reader's calendar, that begins the last 12 weeks (this week included)."""
    today = from_ts(now).astimezone(tz).date()
    return today - timedelta(days=today.weekday(), weeks=WEEKS - 1)


async def report(db: Database, actor: Actor, tz: ZoneInfo, now: int) -> Report:
    if not actor.is_coordinator:
        raise NotAllowed(actor.person_id)
    since = first_week(now, tz)
    rows = await store.ended_shifts(db, org_scope(actor), to_ts(datetime.combine(since, time(0), tzinfo=tz)), now)
    total = Totals()
    for row in rows:
        total.add(row)
    by_org = sorted(_by_org(rows).values(), key=lambda pair: (-pair[1].hours, pair[0].casefold()))
    by_state = None
    if actor.is_network_admin:
        by_state = sorted(_by_state(rows).items(), key=lambda pair: (-pair[1].hours, pair[0] or ""))
    weeks = [Week(since + timedelta(weeks=i), 0.0, 0) for i in range(WEEKS)]
    hours = [0.0] * WEEKS
    attended = [0] * WEEKS
    for row in rows:
        index = (from_ts(row.starts_at).astimezone(tz).date() - since).days // 7
        if 0 <= index < WEEKS:
            hours[index] += row.hours
            attended[index] += row.attended
    weeks = [Week(w.starts, hours[i], attended[i]) for i, w in enumerate(weeks)]
    return Report(since, total, by_org, by_state, weeks)
