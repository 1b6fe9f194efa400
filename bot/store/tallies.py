"""What a volunteer's attended shifts add up to: hours, shifts and reported outcomes, per organization."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db import Database, Transaction

# Hours as check-out recorded them; a check-in still open counts nothing until it is closed.
_HOURS = "COALESCE(c.hours, 0)"


@dataclass(frozen=True)
class OrgTally:
    org_id: int
    org_name: str
    shifts: int
    hours: float
    doors: int
    conversations: int
    calls: int
    texts: int


async def by_org(db: Database | Transaction, person_id: int, since: int | None = None) -> list[OrgTally]:
    """Per organization, the person's attended shifts starting at or after `since` (all time when None)."""
    rows = await db.fetchall(
        f"""
        SELECT s.org_id, o.name AS org_name, count(*) AS shifts, COALESCE(sum({_HOURS}), 0) AS hours,
               COALESCE(sum(r.doors), 0) AS doors, COALESCE(sum(r.conversations), 0) AS conversations,
               COALESCE(sum(r.calls), 0) AS calls, COALESCE(sum(r.texts), 0) AS texts
        FROM signup g JOIN shift s ON s.id = g.shift_id JOIN org o ON o.id = s.org_id
             LEFT JOIN checkin c ON c.signup_id = g.id LEFT JOIN report r ON r.signup_id = g.id
        WHERE g.person_id = ? AND g.status = 'attended' AND s.status != 'cancelled' AND s.starts_at >= ?
        GROUP BY s.org_id ORDER BY hours DESC, shifts DESC, s.org_id
        """,
        (person_id, since if since is not None else -(2**62)),
    )
    return [
        OrgTally(
            org_id=r["org_id"],
            org_name=r["org_name"],
            shifts=r["shifts"],
            hours=float(r["hours"]),
            doors=r["doors"],
            conversations=r["conversations"],
            calls=r["calls"],
            texts=r["texts"],
        )
        for r in rows
    ]


async def attended_starts(db: Database | Transaction, person_id: int) -> list[int]:
    """When each attended shift started, oldest first (milestones count shifts per month from these)."""
    rows = await db.fetchall(
        """
        SELECT s.starts_at FROM signup g JOIN shift s ON s.id = g.shift_id
        WHERE g.person_id = ? AND g.status = 'attended' AND s.status != 'cancelled' ORDER BY s.starts_at
        """,
        (person_id,),
    )
    return [r["starts_at"] for r in rows]
