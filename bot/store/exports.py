"""What coordinators export: rosters, signups with attendance, hours per volunteer — scoped to orgs.

`org_ids=None` means every organization (network admins); otherwise only the listed ones, passed as one
JSON parameter so no placeholders are generated. A phone number comes only with a signup that isn't
cancelled: coordinators see the phones of people on their shifts, no one else's.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection
from dataclasses import dataclass

from bot.db import Database
from bot.store.reports import METRICS

_IN_ORGS = "(:all_orgs = 1 OR s.org_id IN (SELECT value FROM json_each(:org_ids)))"
_PERSON = """
    p.display_name, p.first_name, p.last_name, p.username,
    CASE WHEN g.status != 'cancelled' THEN p.phone END AS phone,
    (SELECT group_concat(language, ' ') FROM
        (SELECT language FROM person_language pl WHERE pl.person_id = p.id ORDER BY language)) AS languages
"""
_ATTENDANCE = """
    g.status, g.position, g.joined_at, c.checked_in_at, c.checked_out_at,
    COALESCE(c.hours, (c.checked_out_at - c.checked_in_at) / 3600.0) AS hours,
    r.doors, r.conversations, r.calls, r.texts, r.notes
"""
_JOINS = "LEFT JOIN checkin c ON c.signup_id = g.id LEFT JOIN report r ON r.signup_id = g.id"


def _scope(org_ids: Collection[int] | None) -> dict[str, object]:
    return {"all_orgs": int(org_ids is None), "org_ids": json.dumps(sorted(org_ids or ()))}


def _name(row: sqlite3.Row) -> str:
    full = " ".join(part for part in (row["first_name"], row["last_name"]) if part)
    return row["display_name"] or full or (row["username"] or "")


@dataclass(frozen=True)
class ShiftLine:
    id: int
    org_id: int
    org_name: str
    title: str
    starts_at: int
    timezone: str
    status: str
    signups: int


@dataclass(frozen=True)
class RosterRow:
    name: str
    username: str | None
    phone: str | None
    languages: str
    status: str
    position: int | None
    joined_at: int
    checked_in_at: int | None
    checked_out_at: int | None
    hours: float | None
    outcomes: tuple[int | None, ...] = (None,) * len(METRICS)  # what they reported, in METRICS order
    note: str | None = None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> RosterRow:
        return cls(
            name=_name(row), username=row["username"], phone=row["phone"], languages=row["languages"] or "",
            status=row["status"], position=row["position"], joined_at=row["joined_at"],
            checked_in_at=row["checked_in_at"], checked_out_at=row["checked_out_at"], hours=row["hours"],
            outcomes=tuple(row[m] for m in METRICS), note=row["notes"],
        )


@dataclass(frozen=True)
class SignupRow:
    org_name: str
    shift_id: int
    title: str
    kind: str
    starts_at: int
    ends_at: int
    timezone: str
    person: RosterRow
    titles: tuple[tuple[str, str], ...] = ()  # (locale, title): the organizers' translations of the title


@dataclass(frozen=True)
class HoursRow:
    name: str
    username: str | None
    phone: str | None
    languages: str
    shifts: int  # confirmed, attended or no-show
    attended: int
    no_shows: int
    hours: float
    last_shift_at: int


async def shifts(
    db: Database, org_ids: Collection[int] | None, *, since: int, around: int, limit: int, offset: int
) -> tuple[list[ShiftLine], int]:
    """Shifts starting from `since`, the ones nearest `around` (now) first; and how many there are."""
    params = {**_scope(org_ids), "since": since, "around": around, "limit": limit, "offset": offset}
    where = f"WHERE {_IN_ORGS} AND s.starts_at >= :since"
    total = await db.fetchval(f"SELECT count(*) FROM shift s {where}", params)
    rows = await db.fetchall(
        f"""
        SELECT s.id, s.org_id, o.name AS org_name, s.title, s.starts_at, s.timezone, s.status,
               (SELECT count(*) FROM signup g WHERE g.shift_id = s.id AND g.status != 'cancelled') AS signups
        FROM shift s JOIN org o ON o.id = s.org_id {where}
        ORDER BY abs(s.starts_at - :around), s.id LIMIT :limit OFFSET :offset
        """,
        params,
    )
    return [ShiftLine(**dict(r)) for r in rows], int(total)


async def roster(db: Database, shift_id: int) -> list[RosterRow]:
    """Everyone on the shift (not those who cancelled): confirmed and attended first, then the waitlist."""
    rows = await db.fetchall(
        f"""
        SELECT {_PERSON}, {_ATTENDANCE}
        FROM signup g JOIN person p ON p.id = g.person_id {_JOINS}
        WHERE g.shift_id = ? AND g.status != 'cancelled'
        ORDER BY g.status = 'waitlisted', g.position, g.joined_at, g.id
        """,
        (shift_id,),
    )
    return [RosterRow.from_row(r) for r in rows]


async def signups(db: Database, org_ids: Collection[int] | None, start: int | None, end: int | None) -> list[SignupRow]:
    """Every signup (cancelled ones too) on the organizations' shifts starting in [start, end)."""
    rows = await db.fetchall(
        f"""
        SELECT o.name AS org_name, s.id AS shift_id, s.title, s.kind, s.starts_at, s.ends_at, s.timezone,
               (SELECT json_group_array(json_array(st.locale, st.text)) FROM shift_text st
                 WHERE st.shift_id = s.id AND st.field = 'title') AS titles,
               {_PERSON}, {_ATTENDANCE}
        FROM signup g JOIN shift s ON s.id = g.shift_id JOIN org o ON o.id = s.org_id
             JOIN person p ON p.id = g.person_id {_JOINS}
        WHERE {_IN_ORGS} AND (:start IS NULL OR s.starts_at >= :start) AND (:end IS NULL OR s.starts_at < :end)
        ORDER BY s.starts_at, s.id, g.status = 'cancelled', g.status = 'waitlisted', g.position, g.joined_at, g.id
        """,
        {**_scope(org_ids), "start": start, "end": end},
    )
    return [
        SignupRow(
            org_name=r["org_name"], shift_id=r["shift_id"], title=r["title"], kind=r["kind"],
            starts_at=r["starts_at"], ends_at=r["ends_at"], timezone=r["timezone"], person=RosterRow.from_row(r),
            titles=tuple((str(loc), str(text)) for loc, text in json.loads(r["titles"] or "[]")),
        )
        for r in rows
    ]


async def hours(db: Database, org_ids: Collection[int] | None, start: int | None, end: int | None) -> list[HoursRow]:
    """Per volunteer, over the organizations' shifts starting in [start, end): shifts, attendance, hours."""
    rows = await db.fetchall(
        f"""
        SELECT p.id, {_PERSON},
               count(*) AS shifts,
               sum(g.status = 'attended' OR c.checked_in_at IS NOT NULL) AS attended,
               sum(g.status = 'no_show') AS no_shows,
               COALESCE(sum(COALESCE(c.hours, (c.checked_out_at - c.checked_in_at) / 3600.0)), 0) AS hours,
               max(s.starts_at) AS last_shift_at
        FROM signup g JOIN shift s ON s.id = g.shift_id
             JOIN person p ON p.id = g.person_id LEFT JOIN checkin c ON c.signup_id = g.id
        WHERE {_IN_ORGS} AND g.status IN ('confirmed', 'attended', 'no_show') AND s.status != 'cancelled'
          AND (:start IS NULL OR s.starts_at >= :start) AND (:end IS NULL OR s.starts_at < :end)
        GROUP BY p.id
        ORDER BY hours DESC, attended DESC, p.id
        """,
        {**_scope(org_ids), "start": start, "end": end},
    )
    return [
        HoursRow(
            name=_name(r), username=r["username"], phone=r["phone"], languages=r["languages"] or "",
            shifts=r["shifts"], attended=r["attended"], no_shows=r["no_shows"], hours=float(r["hours"]),
            last_shift_at=r["last_shift_at"],
        )
        for r in rows
    ]


@dataclass(frozen=True)
class CheckinLogRow:
    """One row of the check-in log: a check-in, a check-out or a correction, who, how, by whom, where."""

    org_name: str
    title: str
    starts_at: int
    timezone: str
    name: str
    username: str | None
    event: str  # in, out, correct
    at: int
    method: str  # button, qr, location, coordinator, auto
    by_name: str | None
    by_person: int | None
    latitude: float | None
    longitude: float | None
    created_at: int
    field: str | None  # a correction's: in or out (None: not a correction)
    old_at: int | None
    new_hours: float | None


async def checkin_log(
    db: Database, org_ids: Collection[int] | None, start: int | None, end: int | None
) -> list[CheckinLogRow]:
    """Every check-in, check-out and correction on the organizations' shifts starting in [start, end), in
    the order they were recorded."""
    rows = await db.fetchall(
        f"""
        SELECT o.name AS org_name, s.title, s.starts_at, s.timezone,
               p.display_name, p.first_name, p.last_name, p.username,
               e.event, e.at, e.method, e.by_person, e.latitude, e.longitude, e.created_at,
               COALESCE(b.display_name, b.first_name, b.username) AS by_name,
               k.field, k.old_at, k.new_hours
        FROM checkin_event e JOIN signup g ON g.id = e.signup_id JOIN shift s ON s.id = g.shift_id
             JOIN org o ON o.id = s.org_id JOIN person p ON p.id = g.person_id
             LEFT JOIN person b ON b.id = e.by_person LEFT JOIN checkin_correction k ON k.id = e.correction_id
        WHERE {_IN_ORGS} AND (:start IS NULL OR s.starts_at >= :start) AND (:end IS NULL OR s.starts_at < :end)
        ORDER BY s.starts_at, s.id, e.id
        """,
        {**_scope(org_ids), "start": start, "end": end},
    )
    return [
        CheckinLogRow(
            org_name=r["org_name"], title=r["title"], starts_at=r["starts_at"], timezone=r["timezone"], name=_name(r),
            username=r["username"], event=r["event"], at=r["at"], method=r["method"], by_name=r["by_name"],
            by_person=r["by_person"], latitude=r["latitude"], longitude=r["longitude"], created_at=r["created_at"],
            field=r["field"], old_at=r["old_at"], new_hours=r["new_hours"],
        )
        for r in rows
    ]
