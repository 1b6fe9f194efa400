"""Coordinators' news between digests: late cancellations and waitlist promotions, until batched."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db import Database, Transaction


@dataclass(frozen=True)
class PendingShift:
    """A shift with news waiting: when the first came, and when its last batch went."""

    shift_id: int
    org_id: int
    starts_at: int
    ends_at: int
    status: str
    first_at: int
    last_batched_at: int | None


@dataclass(frozen=True)
class NewsLine:
    event: str  # 'late_cancel' or 'promoted'
    at: int
    name: str | None  # None once the person erased their data


async def record(tx: Transaction, shift_id: int, person_id: int, event: str, at: int) -> None:
    await tx.execute(
        "INSERT INTO shift_news (shift_id, person_id, event, at) VALUES (?, ?, ?, ?)", (shift_id, person_id, event, at)
    )


async def pending(db: Database | Transaction) -> list[PendingShift]:
    rows = await db.fetchall(
        """
        SELECT n.shift_id, s.org_id, s.starts_at, s.ends_at, s.status, min(n.at) AS first_at,
               (SELECT max(b.batched_at) FROM shift_news b WHERE b.shift_id = n.shift_id) AS last_batched_at
        FROM shift_news n JOIN shift s ON s.id = n.shift_id
        WHERE n.batched_at IS NULL GROUP BY n.shift_id ORDER BY first_at
        """
    )
    return [PendingShift(**dict(r)) for r in rows]


async def close_batch(tx: Transaction, shift_id: int, at: int) -> int:
    """Puts everything pending for the shift into the batch stamped `at`; returns how many."""
    return await tx.execute_rowcount(
        "UPDATE shift_news SET batched_at = ? WHERE shift_id = ? AND batched_at IS NULL", (at, shift_id)
    )


async def batch(db: Database | Transaction, shift_id: int, batched_at: int) -> list[NewsLine]:
    """One batch, oldest first, each person named as they are now."""
    rows = await db.fetchall(
        """
        SELECT n.event, n.at, CASE WHEN p.status = 'deleted' THEN NULL
                                   ELSE coalesce(p.display_name, p.first_name, p.username) END AS name
        FROM shift_news n LEFT JOIN person p ON p.id = n.person_id
        WHERE n.shift_id = ? AND n.batched_at = ? ORDER BY n.at, n.id
        """,
        (shift_id, batched_at),
    )
    return [NewsLine(**dict(r)) for r in rows]
