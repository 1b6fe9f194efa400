"""Volunteers on a path in one organization: who keeps coming, who is new, who never no-shows, and the
upcoming shifts each is on (where a coordinator could make them lead)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db import Database, Transaction


@dataclass(frozen=True)
class Regular:
    person_id: int
    name: str
    attended: int  # shifts attended since `since`
    no_shows: int  # no-shows since `since`
    first_attended_at: int  # their first attended shift of the organization, ever


async def regulars(db: Database | Transaction, org_id: int, since: int, now: int, limit: int) -> list[Regular]:
    """The organization's volunteers (not its staff) by shifts attended since `since`, fewest no-shows
    and then the newest first among equals."""
    rows = await db.fetchall(
        """
        SELECT g.person_id, coalesce(p.display_name, p.first_name, p.username, '') AS name,
               sum(g.status = 'attended' AND s.starts_at >= :since) AS attended,
               sum(g.status = 'no_show' AND s.starts_at >= :since) AS no_shows,
               min(CASE WHEN g.status = 'attended' THEN s.starts_at END) AS first_attended_at
        FROM shift s JOIN signup g ON g.shift_id = s.id JOIN person p ON p.id = g.person_id
        WHERE s.org_id = :org AND s.starts_at < :now AND s.status != 'cancelled'
          AND g.status IN ('attended', 'no_show') AND p.status = 'active'
          AND NOT EXISTS (SELECT 1 FROM role r WHERE r.person_id = g.person_id AND r.org_id = s.org_id)
        GROUP BY g.person_id HAVING attended > 0
        ORDER BY attended DESC, no_shows, first_attended_at DESC, g.person_id LIMIT :limit
        """,
        {"org": org_id, "since": since, "now": now, "limit": limit},
    )
    return [Regular(**dict(r)) for r in rows]


async def languages(db: Database | Transaction, person_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """The outreach languages each person speaks."""
    found: dict[int, list[str]] = {pid: [] for pid in person_ids}
    if person_ids:
        marks = ",".join("?" * len(person_ids))
        for row in await db.fetchall(
            f"SELECT person_id, language FROM person_language WHERE person_id IN ({marks}) ORDER BY language",
            person_ids,
        ):
            found[row["person_id"]].append(row["language"])
    return {pid: tuple(codes) for pid, codes in found.items()}


async def leadable_shifts(
    db: Database | Transaction, org_id: int, person_ids: list[int], now: int
) -> dict[int, list[int]]:
    """For each person, the organization's shifts not over yet that they are on and do not lead, soonest first."""
    found: dict[int, list[int]] = {pid: [] for pid in person_ids}
    if not person_ids:
        return found
    marks = ",".join("?" * len(person_ids))
    rows = await db.fetchall(
        f"""
        SELECT g.person_id, s.id AS shift_id FROM shift s JOIN signup g ON g.shift_id = s.id
        WHERE s.org_id = ? AND s.status = 'published' AND s.ends_at > ? AND g.status IN ('confirmed', 'attended')
          AND g.person_id IN ({marks})
          AND NOT EXISTS (SELECT 1 FROM shift_lead l WHERE l.shift_id = s.id AND l.person_id = g.person_id
                          AND l.removed_at IS NULL)
        ORDER BY s.starts_at, s.id
        """,
        [org_id, now, *person_ids],
    )
    for row in rows:
        found[row["person_id"]].append(row["shift_id"])
    return found
