"""Shifts, with the counts and languages every view of a shift needs."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.clock import from_ts
from bot.db import Database, Transaction

_SELECT = """
SELECT s.*, o.name AS org_name, o.slug AS org_slug,
       (SELECT count(*) FROM signup g WHERE g.shift_id = s.id AND g.status IN ('confirmed', 'attended'))
           AS confirmed_count,
       (SELECT count(*) FROM signup g WHERE g.shift_id = s.id AND g.status = 'waitlisted') AS waitlist_count,
       (SELECT group_concat(sl.language, ' ') FROM shift_language sl WHERE sl.shift_id = s.id) AS language_list,
       (SELECT json_group_array(json_array(st.locale, st.field, st.text)) FROM shift_text st
         WHERE st.shift_id = s.id) AS text_list,
       (SELECT c.name FROM campaign c WHERE c.id = s.campaign_id) AS campaign_name
FROM shift s JOIN org o ON o.id = s.org_id
"""
# Minutes before the start that check-in opens, unless a shift says otherwise (the column's default and
# bound in migration 0009).
CHECKIN_OPENS_DEFAULT = 30
CHECKIN_OPENS_MAX = 1440


@dataclass(frozen=True)
class Shift:
    id: int
    org_id: int
    org_name: str
    org_slug: str
    title: str
    kind: str
    description: str
    place_name: str | None
    address: str | None
    latitude: float | None
    longitude: float | None
    online_url: str | None
    region: str | None
    starts_at: datetime
    ends_at: datetime
    timezone: str
    capacity: int
    signup_deadline: datetime | None
    status: str
    cancel_reason: str | None
    confirmed_count: int
    waitlist_count: int
    languages: tuple[str, ...] = field(default=())
    # (locale, field, text): the organizers' translations of title, description and place_name
    texts: tuple[tuple[str, str, str], ...] = field(default=())
    checkin_opens_minutes: int = CHECKIN_OPENS_DEFAULT  # check-in opens this long before the start
    campaign_id: int | None = None
    campaign_name: str | None = None  # for its coordinators' screens

    def in_locale(self, locale: str) -> Shift:
        """This shift as a reader of `locale` sees it: each translated field in their language, the rest original."""
        mine = {f: text for loc, f, text in self.texts if loc == locale}
        if not mine:
            return self
        return replace(
            self,
            title=mine.get("title", self.title),
            description=mine.get("description", self.description),
            place_name=mine.get("place_name", self.place_name),
        )

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.confirmed_count)

    @property
    def is_full(self) -> bool:
        return self.confirmed_count >= self.capacity

    @property
    def is_online(self) -> bool:
        return self.online_url is not None

    @property
    def signup_closes_at(self) -> datetime:
        return self.signup_deadline or self.starts_at

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Shift:
        """From a row of `_SELECT`, which brings the shift's languages along (one statement, not two)."""
        v = dict(row)
        return cls(
            id=v["id"], org_id=v["org_id"], org_name=v["org_name"], org_slug=v["org_slug"], title=v["title"],
            kind=v["kind"], description=v["description"], place_name=v["place_name"], address=v["address"],
            latitude=v["latitude"], longitude=v["longitude"], online_url=v["online_url"], region=v["region"],
            starts_at=from_ts(v["starts_at"]), ends_at=from_ts(v["ends_at"]), timezone=v["timezone"],
            capacity=v["capacity"],
            signup_deadline=from_ts(v["signup_deadline"]) if v["signup_deadline"] is not None else None,
            status=v["status"], cancel_reason=v["cancel_reason"], confirmed_count=v["confirmed_count"],
            waitlist_count=v["waitlist_count"], languages=tuple(sorted((v["language_list"] or "").split())),
            texts=tuple(tuple(x) for x in json.loads(v["text_list"] or "[]")),
            checkin_opens_minutes=v["checkin_opens_minutes"],
            campaign_id=v.get("campaign_id"), campaign_name=v.get("campaign_name"),
        )


@dataclass(frozen=True)
class NewShift:
    org_id: int
    title: str
    kind: str
    starts_at: int
    ends_at: int
    timezone: str
    capacity: int
    description: str = ""
    place_name: str | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    online_url: str | None = None
    region: str | None = None
    signup_deadline: int | None = None
    languages: tuple[str, ...] = ()
    created_by: int | None = None
    series_id: int | None = None
    texts: tuple[tuple[str, str, str], ...] = ()  # (locale, field, text): the organizers' translations
    checkin_opens_minutes: int = CHECKIN_OPENS_DEFAULT
    campaign_id: int | None = None


async def create(tx: Transaction, shift: NewShift, now: int) -> int:
    shift_id = await tx.execute(
        """
        INSERT INTO shift (org_id, title, kind, description, place_name, address, latitude, longitude,
                           online_url, region, starts_at, ends_at, timezone, capacity, signup_deadline,
                           created_by, series_id, checkin_opens_minutes, campaign_id, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        (
            shift.org_id, shift.title, shift.kind, shift.description, shift.place_name, shift.address,
            shift.latitude, shift.longitude, shift.online_url, shift.region, shift.starts_at, shift.ends_at,
            shift.timezone, shift.capacity, shift.signup_deadline, shift.created_by, shift.series_id,
            shift.checkin_opens_minutes, shift.campaign_id, now, now,
        ),
    )
    await tx.executemany(
        "INSERT INTO shift_language (shift_id, language) VALUES (?, ?)",
        [(shift_id, lang) for lang in dict.fromkeys(shift.languages)],
    )
    for locale, field_name, text in shift.texts:
        await set_text(tx, shift_id, field_name, locale, text, now)
    return shift_id


async def create_series(tx: Transaction, org_id: int, rule: str, created_by: int | None, now: int) -> int:
    """A group of repeating shifts; its shifts point to it with series_id. The rule is an RFC 5545 RRULE,
    such as 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;COUNT=8' (older rows say 'weekly')."""
    return await tx.execute(
        "INSERT INTO series (org_id, rule, created_by, created_at) VALUES (?, ?, ?, ?)",
        (org_id, rule, created_by, now),
    )


async def get(db: Database | Transaction, shift_id: int) -> Shift | None:
    row = await db.fetchone(_SELECT + " WHERE s.id = ?", (shift_id,))
    return Shift.from_row(row) if row else None


async def get_many(db: Database | Transaction, shift_ids: Sequence[int]) -> dict[int, Shift]:
    if not shift_ids:
        return {}
    marks = ",".join("?" * len(shift_ids))
    rows = await db.fetchall(_SELECT + f" WHERE s.id IN ({marks})", list(shift_ids))
    return {r["id"]: Shift.from_row(r) for r in rows}


@dataclass(frozen=True)
class ShiftQuery:
    """What /shifts asks for. None means 'any'."""

    person_id: int
    now: int
    until: int | None = None
    kind: str | None = None
    org_id: int | None = None
    online_only: bool = False
    region: str | None = None  # the person's state: in-person shifts elsewhere are left out
    match_languages: bool = True  # shifts needing languages only for people who speak one (if they named any)


# A shift that needs languages is shown only to people who speak one of them; someone who named no
# language sees them all (the first test runs once per query, not per shift).
_SPEAKS = """(NOT EXISTS (SELECT 1 FROM person_language p WHERE p.person_id = :person_id)
     OR NOT EXISTS (SELECT 1 FROM shift_language sl WHERE sl.shift_id = s.id)
     OR EXISTS (SELECT 1 FROM shift_language sl
                JOIN person_language pl ON pl.language = sl.language AND pl.person_id = :person_id
                WHERE sl.shift_id = s.id))"""


def _where(q: ShiftQuery) -> list[str]:
    """One WHERE per place a person may go (online; in person in their region), each a SELECT of its
    own: an OR between them would make SQLite read the row of every open shift in the network, where
    the partial indexes of migration 0008 hold what the filters test. Only the filters set are
    written, so a time window bounds the index range."""
    common = ["s.status = 'published'", "s.starts_at > :now", "COALESCE(s.signup_deadline, s.starts_at) > :now"]
    if q.until is not None:
        common.append("s.starts_at < :until")
    if q.kind is not None:
        common.append("s.kind = :kind")
    if q.org_id is not None:
        common.append("s.org_id = :org_id")
    if q.match_languages:
        common.append(_SPEAKS)
    if q.online_only:
        places = ["s.online_url IS NOT NULL"]
    elif q.region is None:
        places = ["s.online_url IS NOT NULL", "s.online_url IS NULL"]
    else:
        places = ["s.online_url IS NOT NULL", "s.online_url IS NULL AND s.region = :region"]
    return [" AND ".join([place, *common]) for place in places]


def _params(q: ShiftQuery) -> dict[str, object]:
    return {"person_id": q.person_id, "now": q.now, "until": q.until, "kind": q.kind, "org_id": q.org_id,
            "region": q.region}


async def search(db: Database, q: ShiftQuery, *, limit: int, offset: int) -> tuple[list[Shift], int]:
    """One page of open shifts, followed organizations first, then soonest; and the total count.

    The page's ids and the count come from one pass over the matching shifts; then the page's rows."""
    params = _params(q)
    followed = "s.org_id IN (SELECT f.org_id FROM follow f WHERE f.person_id = :person_id)"
    matches = " UNION ALL ".join(
        f"SELECT s.id, s.starts_at, {followed} AS followed FROM shift s WHERE {where}" for where in _where(q)
    )
    page = await db.fetchall(
        f"""
        SELECT id, count(*) OVER () AS total FROM ({matches})
        ORDER BY followed DESC, starts_at, id LIMIT :limit OFFSET :offset
        """,
        {**params, "limit": limit, "offset": offset},
    )
    if not page:  # past the last page (or nothing matches): the count alone
        total = int(await db.fetchval(f"SELECT count(*) FROM ({matches})", params)) if offset else 0
        return [], total
    found = await get_many(db, [r["id"] for r in page])
    return [found[r["id"]] for r in page if r["id"] in found], int(page[0]["total"])


async def orgs_with_open_shifts(db: Database, now: int) -> list[tuple[int, str]]:
    # Per organization, its next shifts by (org_id, starts_at); `+` keeps SQLite from reading every open
    # shift's row through the status index instead.
    rows = await db.fetchall(
        """
        SELECT o.id, o.name FROM org o
        WHERE EXISTS (SELECT 1 FROM shift s WHERE s.org_id = o.id AND s.starts_at > ? AND +s.status = 'published')
        ORDER BY o.name COLLATE NOCASE
        """,
        (now,),
    )
    return [(r["id"], r["name"]) for r in rows]


async def published_at(tx: Transaction, org_id: int, title: str, starts_at: int) -> int | None:
    """The id of the organization's published shift with this title starting then, if there is one."""
    return await tx.fetchval(
        "SELECT id FROM shift WHERE org_id = ? AND title = ? AND starts_at = ? AND status = 'published' LIMIT 1",
        (org_id, title, starts_at),
    )


async def count_all(db: Database | Transaction) -> int:
    return int(await db.fetchval("SELECT count(*) FROM shift"))


async def for_orgs_between(db: Database, org_ids: Sequence[int], start: int, end: int) -> list[Shift]:
    """Published shifts of these organizations starting in [start, end), soonest first."""
    if not org_ids:
        return []
    marks = ",".join("?" * len(org_ids))
    rows = await db.fetchall(
        _SELECT
        + f" WHERE s.org_id IN ({marks}) AND s.status = 'published' AND s.starts_at >= ? AND s.starts_at < ?"
        + " ORDER BY s.starts_at, s.id",
        (*org_ids, start, end),
    )
    return [Shift.from_row(r) for r in rows]


async def covered_languages(db: Database, shift_ids: Sequence[int]) -> dict[int, set[str]]:
    """Languages the confirmed volunteers of each shift speak."""
    found: dict[int, set[str]] = {i: set() for i in shift_ids}
    if not shift_ids:
        return found
    marks = ",".join("?" * len(shift_ids))
    rows = await db.fetchall(
        f"""
        SELECT DISTINCT g.shift_id, pl.language FROM signup g
        JOIN person_language pl ON pl.person_id = g.person_id
        WHERE g.shift_id IN ({marks}) AND g.status IN ('confirmed', 'attended')
        """,
        list(shift_ids),
    )
    for row in rows:
        found[row["shift_id"]].add(row["language"])
    return found


# Columns a coordinator's edit may change through `update`; names are never taken from input.
EDITABLE_COLUMNS = frozenset(
    {
        "title", "kind", "description", "place_name", "address", "latitude", "longitude", "online_url", "region",
        "starts_at", "ends_at", "capacity", "signup_deadline", "checkin_opens_minutes",
    }
)


async def update(tx: Transaction, shift_id: int, now: int, **values: object) -> None:
    """Sets some of a shift's editable columns (the rules are the service's)."""
    await tx.update_columns("shift", shift_id, EDITABLE_COLUMNS, values, now)


async def set_languages(tx: Transaction, shift_id: int, codes: Sequence[str]) -> None:
    await tx.execute("DELETE FROM shift_language WHERE shift_id = ?", (shift_id,))
    await tx.executemany(
        "INSERT INTO shift_language (shift_id, language) VALUES (?, ?)",
        [(shift_id, code) for code in dict.fromkeys(codes)],
    )


TEXT_FIELDS = ("title", "description", "place_name")


async def set_text(tx: Transaction, shift_id: int, field_name: str, locale: str, text: str, now: int) -> None:
    """One field of a shift in one locale (replacing an earlier one); an empty text removes it."""
    if field_name not in TEXT_FIELDS:
        raise ValueError(field_name)
    if not text:
        await tx.execute(
            "DELETE FROM shift_text WHERE shift_id = ? AND field = ? AND locale = ?", (shift_id, field_name, locale)
        )
        return
    await tx.execute(
        "INSERT INTO shift_text (shift_id, field, locale, text, updated_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (shift_id, field, locale) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
        (shift_id, field_name, locale, text, now),
    )


async def cancel(tx: Transaction, shift_id: int, reason: str, now: int) -> None:
    await tx.execute(
        "UPDATE shift SET status = 'cancelled', cancel_reason = ?, updated_at = ? WHERE id = ?",
        (reason, now, shift_id),
    )


async def for_orgs(
    db: Database,
    org_ids: Sequence[int] | None,
    *,
    ends_after: int,
    statuses: tuple[str, ...] = ("published",),
    limit: int,
    offset: int,
) -> tuple[list[Shift], int]:
    """One page of these organizations' shifts (None: every organization) that end after a moment,
    soonest first; and the total count."""
    clauses = [f"s.status IN ({','.join('?' * len(statuses))})", "s.ends_at > ?"]
    params: list[object] = [*statuses, ends_after]
    if org_ids is not None:
        if not org_ids:
            return [], 0
        clauses.append(f"s.org_id IN ({','.join('?' * len(org_ids))})")
        params.extend(org_ids)
    where = " WHERE " + " AND ".join(clauses)
    total = await db.fetchval("SELECT count(*) FROM shift s" + where, params)
    rows = await db.fetchall(_SELECT + where + " ORDER BY s.starts_at, s.id LIMIT ? OFFSET ?", (*params, limit, offset))
    return [Shift.from_row(r) for r in rows], int(total)
