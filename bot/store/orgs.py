"""Partner organizations."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from bot.db import Database, Transaction


@dataclass(frozen=True)
class Org:
    id: int
    slug: str
    name: str
    state: str | None
    timezone: str
    status: str
    created_at: int

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Org:
        return cls(**dict(row))


async def create(
    tx: Transaction, *, slug: str, name: str, state: str | None, timezone: str, now: int
) -> Org:
    row = await tx.fetchone(
        "INSERT INTO org (slug, name, state, timezone, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *",
        (slug, name, state, timezone, now),
    )
    assert row is not None
    return Org.from_row(row)


async def get(db: Database | Transaction, org_id: int) -> Org | None:
    row = await db.fetchone("SELECT * FROM org WHERE id = ?", (org_id,))
    return Org.from_row(row) if row else None


async def get_by_slug(db: Database | Transaction, slug: str) -> Org | None:
    row = await db.fetchone("SELECT * FROM org WHERE slug = ?", (slug,))
    return Org.from_row(row) if row else None


async def list_active(db: Database | Transaction) -> list[Org]:
    rows = await db.fetchall("SELECT * FROM org WHERE status = 'active' ORDER BY name COLLATE NOCASE")
    return [Org.from_row(r) for r in rows]


async def active_states(db: Database | Transaction) -> list[str]:
    """The states the active organizations are in."""
    rows = await db.fetchall("SELECT DISTINCT state FROM org WHERE status = 'active' AND state IS NOT NULL")
    return [r["state"] for r in rows]


async def follow(tx: Transaction, person_id: int, org_id: int, now: int) -> bool:
    """True when this is a new follow."""
    before = await tx.fetchval("SELECT 1 FROM follow WHERE person_id = ? AND org_id = ?", (person_id, org_id))
    await tx.execute(
        "INSERT INTO follow (person_id, org_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        (person_id, org_id, now),
    )
    return before is None


async def unfollow(tx: Transaction, person_id: int, org_id: int) -> None:
    await tx.execute("DELETE FROM follow WHERE person_id = ? AND org_id = ?", (person_id, org_id))


async def followed_ids(db: Database | Transaction, person_id: int) -> set[int]:
    rows = await db.fetchall("SELECT org_id FROM follow WHERE person_id = ?", (person_id,))
    return {r["org_id"] for r in rows}


async def get_active(db: Database | Transaction, org_id: int) -> Org | None:
    row = await db.fetchone("SELECT * FROM org WHERE id = ? AND status = 'active'", (org_id,))
    return Org.from_row(row) if row else None


async def followed(db: Database | Transaction, person_id: int) -> list[Org]:
    rows = await db.fetchall(
        """
        SELECT o.* FROM org o JOIN follow f ON f.org_id = o.id
        WHERE f.person_id = ? ORDER BY o.name COLLATE NOCASE
        """,
        (person_id,),
    )
    return [Org.from_row(r) for r in rows]


async def count_all(db: Database | Transaction) -> int:
    return int(await db.fetchval("SELECT count(*) FROM org"))


async def connected(db: Database | Transaction, person_id: int) -> list[Org]:
    """Active organizations whose broadcasts can reach the person: followed, or one of whose shifts
    they signed up for (a cancelled signup doesn't count)."""
    rows = await db.fetchall(
        """
        SELECT o.* FROM org o
        WHERE o.status = 'active' AND (
            EXISTS (SELECT 1 FROM follow f WHERE f.org_id = o.id AND f.person_id = ?)
            OR EXISTS (SELECT 1 FROM signup s JOIN shift sh ON sh.id = s.shift_id
                       WHERE s.person_id = ? AND sh.org_id = o.id AND s.status != 'cancelled'))
        ORDER BY o.name COLLATE NOCASE
        """,
        (person_id, person_id),
    )
    return [Org.from_row(r) for r in rows]


async def muted_ids(db: Database | Transaction, person_id: int) -> set[int]:
    """Organizations the person stopped messages from."""
    rows = await db.fetchall("SELECT org_id FROM org_mute WHERE person_id = ?", (person_id,))
    return {r["org_id"] for r in rows}


async def mute(tx: Transaction, person_id: int, org_id: int, now: int) -> None:
    await tx.execute(
        "INSERT INTO org_mute (person_id, org_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        (person_id, org_id, now),
    )


async def unmute(tx: Transaction, person_id: int, org_id: int) -> None:
    await tx.execute("DELETE FROM org_mute WHERE person_id = ? AND org_id = ?", (person_id, org_id))
