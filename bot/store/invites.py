"""Role invites: a code's hash, the role it grants in which organization, until when, how many times."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, fields

from bot.db import Database, Transaction

_SELECT = """
SELECT i.id, i.org_id, i.role, i.created_by, i.created_at, i.expires_at, i.max_uses, i.uses, i.revoked_at,
       o.name AS org_name, o.slug AS org_slug, o.status AS org_status
FROM invite i JOIN org o ON o.id = i.org_id
"""


@dataclass(frozen=True)
class Invite:
    id: int
    org_id: int
    role: str  # 'coordinator' or 'org_admin'
    created_by: int | None
    created_at: int
    expires_at: int
    max_uses: int
    uses: int
    revoked_at: int | None
    org_name: str
    org_slug: str
    org_status: str

    @property
    def uses_left(self) -> int:
        return max(0, self.max_uses - self.uses)

    def is_open(self, now: int) -> bool:
        return self.revoked_at is None and self.uses < self.max_uses and now < self.expires_at

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Invite:
        return cls(**{f.name: row[f.name] for f in fields(cls)})


async def create(
    tx: Transaction,
    *,
    code_hash: str,
    org_id: int,
    role: str,
    created_by: int | None,
    now: int,
    expires_at: int,
    max_uses: int,
    request_key: str | None = None,
) -> Invite:
    invite_id = await tx.execute(
        """
        INSERT INTO invite (code_hash, org_id, role, created_by, created_at, expires_at, max_uses, request_key)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """,
        (code_hash, org_id, role, created_by, now, expires_at, max_uses, request_key),
    )
    invite = await get(tx, invite_id)
    assert invite is not None
    return invite


async def get(db: Database | Transaction, invite_id: int) -> Invite | None:
    row = await db.fetchone(_SELECT + " WHERE i.id = ?", (invite_id,))
    return Invite.from_row(row) if row else None


async def get_by_request(db: Database | Transaction, request_key: str) -> Invite | None:
    row = await db.fetchone(_SELECT + " WHERE i.request_key = ?", (request_key,))
    return Invite.from_row(row) if row else None


async def get_by_hash(db: Database | Transaction, code_hash: str) -> Invite | None:
    row = await db.fetchone(_SELECT + " WHERE i.code_hash = ?", (code_hash,))
    return Invite.from_row(row) if row else None


async def use_once(tx: Transaction, invite_id: int) -> bool:
    """Counts one use; False when none was left (the condition makes a lost race harmless)."""
    changed = await tx.execute_rowcount(
        "UPDATE invite SET uses = uses + 1 WHERE id = ? AND uses < max_uses AND revoked_at IS NULL", (invite_id,)
    )
    return changed > 0


async def revoke(tx: Transaction, invite_id: int, now: int) -> bool:
    """False when it was already revoked."""
    changed = await tx.execute_rowcount(
        "UPDATE invite SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (now, invite_id)
    )
    return changed > 0


async def open_for_org(db: Database | Transaction, org_id: int, now: int, *, limit: int = 50) -> list[Invite]:
    """Invites of the organization that can still be accepted, newest first."""
    rows = await db.fetchall(
        _SELECT
        + """
        WHERE i.org_id = ? AND i.revoked_at IS NULL AND i.uses < i.max_uses AND i.expires_at > ?
        ORDER BY i.created_at DESC, i.id DESC LIMIT ?
        """,
        (org_id, now, limit),
    )
    return [Invite.from_row(r) for r in rows]
