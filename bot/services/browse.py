"""Finding shifts: the filters a volunteer can set, and the query they become."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import to_ts
from bot.db import Database
from bot.store import shifts as shift_store
from bot.store import signups as signup_store
from bot.store.people import Person
from bot.store.shifts import Shift, ShiftQuery
from bot.vocab import KIND_BY_CODE, KIND_CODES

PAGE_SIZE = 5
WHEN = ("a", "d", "w", "m")  # any time, today, next 7 days, next 30 days


@dataclass(frozen=True)
class Filters:
    """What the volunteer chose; encoded compactly so it fits in callback data with a page number."""

    when: str = "a"
    kind: str | None = None  # a kind name from vocab.KINDS
    org_id: int | None = None
    online_only: bool = False
    page: int = 0

    def encode(self) -> str:
        kind = KIND_CODES[self.kind] if self.kind else "-"
        return f"{self.when}.{kind}.{self.org_id or 0}.{int(self.online_only)}.{self.page}"

    @classmethod
    def decode(cls, text: str) -> Filters:
        """Parses what `encode` wrote; anything malformed (forged) falls back to the defaults."""
        try:
            when, kind, org, online, page = text.split(".")
            return cls(
                when=when if when in WHEN else "a",
                kind=KIND_BY_CODE.get(kind),
                org_id=int(org) or None,
                online_only=online == "1",
                page=max(0, min(int(page), 10_000)),
            )
        except ValueError:
            return cls()

    def with_(self, **changes: object) -> Filters:
        """A changed filter starts again at the first page."""
        return replace(self, page=0, **changes)  # type: ignore[arg-type]


def until_for(when: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    """The end of the window in the reader's own day: today ends at their midnight."""
    if when == "d":
        local = now.astimezone(tz)
        return datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=tz)
    if when == "w":
        return now + timedelta(days=7)
    if when == "m":
        return now + timedelta(days=30)
    return None


@dataclass(frozen=True)
class Page:
    shifts: list[Shift]
    total: int
    filters: Filters
    mine: dict[int, tuple[str, int]] = field(default_factory=dict)  # shift id -> (their status, waitlist rank)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


async def find_shifts(db: Database, person: Person, filters: Filters, now: datetime, tz: ZoneInfo) -> Page:
    """Open shifts this person can take: their region or online, and languages they speak."""
    until = until_for(filters.when, now, tz)
    query = ShiftQuery(
        person_id=person.id,
        now=to_ts(now),
        until=to_ts(until) if until else None,
        kind=filters.kind,
        org_id=filters.org_id,
        online_only=filters.online_only,
        # Outside the US ('INTL') matches no in-person shift's region: they see online shifts.
        region=person.state or None,
    )
    shifts, total = await shift_store.search(db, query, limit=PAGE_SIZE, offset=filters.page * PAGE_SIZE)
    if not shifts and total and filters.page:
        # The page they were on emptied out (shifts filled or started): show the last one there is.
        last = (total - 1) // PAGE_SIZE
        return await find_shifts(db, person, replace(filters, page=last), now, tz)
    mine = await signup_store.standings(db, person.id, [s.id for s in shifts])
    return Page(shifts, total, filters, mine)
