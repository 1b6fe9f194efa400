"""Per-shift totals coordinators' /stats adds up: places, attendance, hours and outcomes of shifts that ended.

Reads only the shifts in the window (by the start-time indexes) and their signups (signup_by_shift), so a call
costs what the window holds, not the whole database.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass

from bot.db import Database

_TOTALS = """
    SELECT s.id, s.org_id, o.name AS org_name, o.state AS org_state, s.starts_at, s.capacity,
           COALESCE(sum(g.status IN ('confirmed', 'attended', 'no_show')), 0) AS filled,
           COALESCE(sum(g.status = 'attended'), 0) AS attended,
           COALESCE(sum(g.status = 'no_show'), 0) AS no_shows,
           COALESCE(sum(c.hours), 0) AS hours,
           COALESCE(sum(r.doors), 0) AS doors, COALESCE(sum(r.conversations), 0) AS conversations,
           COALESCE(sum(r.calls), 0) AS calls, COALESCE(sum(r.texts), 0) AS texts
    FROM shift s JOIN org o ON o.id = s.org_id
         LEFT JOIN signup g ON g.shift_id = s.id
         LEFT JOIN checkin c ON c.signup_id = g.id
         LEFT JOIN report r ON r.signup_id = g.id
"""


@dataclass(frozen=True)
class ShiftTotals:
    shift_id: int
    org_id: int
    org_name: str
    org_state: str | None
    starts_at: int
    capacity: int
    filled: int
    attended: int
    no_shows: int
    hours: float
    doors: int
    conversations: int
    calls: int
    texts: int


async def ended_shifts(db: Database, org_ids: Collection[int] | None, start: int, now: int) -> list[ShiftTotals]:
    """Shifts of the organizations (None: all) that started at or after `start` and have ended by `now`."""
    if org_ids is None:
        where = "s.status IN ('published', 'done') AND s.starts_at >= ? AND s.starts_at < ?"
        params: tuple[object, ...] = (start, now)
    else:
        where = (
            "s.org_id IN (SELECT value FROM json_each(?)) AND s.starts_at >= ? AND s.starts_at < ?"
            " AND s.status != 'cancelled'"
        )
        params = (json.dumps(sorted(org_ids)), start, now)
    rows = await db.fetchall(
        f"{_TOTALS} WHERE {where} AND s.ends_at <= ? GROUP BY s.id ORDER BY s.starts_at", (*params, now)
    )
    return [
        ShiftTotals(
            shift_id=r["id"],
            org_id=r["org_id"],
            org_name=r["org_name"],
            org_state=r["org_state"],
            starts_at=r["starts_at"],
            capacity=r["capacity"],
            filled=r["filled"],
            attended=r["attended"],
            no_shows=r["no_shows"],
            hours=float(r["hours"]),
            doors=r["doors"],
            conversations=r["conversations"],
            calls=r["calls"],
            texts=r["texts"],
        )
        for r in rows
    ]
