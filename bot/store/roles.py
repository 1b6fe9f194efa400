"""Who coordinates which organization."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from bot.db import Database, Transaction


@dataclass(frozen=True)
class Role:
    person_id: int
    org_id: int
    role: str  # 'coordinator' or 'org_admin'
    org_name: str
    org_slug: str

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Role:
        return cls(row["person_id"], row["org_id"], row["role"], row["org_name"], row["org_slug"])


async def for_person(db: Database | Transaction, person_id: int) -> list[Role]:
    rows = await db.fetchall(
        """
        SELECT r.person_id, r.org_id, r.role, o.name AS org_name, o.slug AS org_slug
        FROM role r JOIN org o ON o.id = r.org_id
        WHERE r.person_id = ? AND o.status = 'active' ORDER BY o.name COLLATE NOCASE
        """,
        (person_id,),
    )
    return [Role.from_row(r) for r in rows]


async def for_org(db: Database | Transaction, org_id: int) -> list[sqlite3.Row]:
    return await db.fetchall(
        """
        SELECT r.person_id, r.role, r.created_at, p.display_name, p.first_name, p.username
        FROM role r JOIN person p ON p.id = r.person_id WHERE r.org_id = ? ORDER BY r.created_at
        """,
        (org_id,),
    )


async def grant(tx: Transaction, person_id: int, org_id: int, role: str, granted_by: int | None, now: int) -> None:
    """Sets the person's role in the org; an org admin is never demoted by a coordinator invite."""
    await tx.execute(
        """
        INSERT INTO role (person_id, org_id, role, granted_by, created_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (person_id, org_id) DO UPDATE SET
            role = CASE WHEN role.role = 'org_admin' THEN 'org_admin' ELSE excluded.role END,
            granted_by = excluded.granted_by
        """,
        (person_id, org_id, role, granted_by, now),
    )


async def revoke(tx: Transaction, person_id: int, org_id: int) -> bool:
    return await tx.execute_rowcount("DELETE FROM role WHERE person_id = ? AND org_id = ?", (person_id, org_id)) > 0


@dataclass(frozen=True)
class Member:
    """Someone with a role in an organization, as a team list shows them."""

    person_id: int
    telegram_id: int
    role: str
    created_at: int
    display_name: str | None
    first_name: str | None
    username: str | None

    @property
    def name(self) -> str:
        return self.display_name or self.first_name or self.username or str(self.telegram_id)


async def members(db: Database | Transaction, org_id: int) -> list[Member]:
    """The organization's admins first, then its coordinators, each in the order they joined."""
    rows = await db.fetchall(
        """
        SELECT r.person_id, p.telegram_id, r.role, r.created_at, p.display_name, p.first_name, p.username
        FROM role r JOIN person p ON p.id = r.person_id
        WHERE r.org_id = ? AND p.status != 'deleted'
        ORDER BY r.role = 'coordinator', r.created_at, r.person_id
        """,
        (org_id,),
    )
    return [Member(**dict(r)) for r in rows]


async def role_in(db: Database | Transaction, person_id: int, org_id: int) -> str | None:
    return await db.fetchval("SELECT role FROM role WHERE person_id = ? AND org_id = ?", (person_id, org_id))


async def coordinators(db: Database) -> list[sqlite3.Row]:
    """Every active person with a role, once, with their zone (for the evening digest)."""
    return await db.fetchall(
        """
        SELECT DISTINCT p.id AS person_id, p.timezone FROM role r CROSS JOIN person p ON p.id = r.person_id
        WHERE p.status = 'active'  -- CROSS JOIN: from the few roles, not a scan of every person
        """
    )


async def staff_ids(db: Database | Transaction, org_id: int) -> list[int]:
    """The organization's coordinators and admins whom the bot can still reach."""
    rows = await db.fetchall(
        """
        SELECT r.person_id FROM role r JOIN person p ON p.id = r.person_id
        WHERE r.org_id = ? AND p.status = 'active' ORDER BY r.person_id
        """,
        (org_id,),
    )
    return [r["person_id"] for r in rows]
