"""Translations volunteers offer for a shift's title and description, waiting for a coordinator's yes or no."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, fields

from bot.db import Database, Transaction


@dataclass(frozen=True)
class Offer:
    id: int
    shift_id: int
    person_id: int
    locale: str
    title: str
    description: str | None
    status: str  # pending, approved, rejected, replaced
    created_at: int
    decided_by: int | None
    decided_at: int | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Offer:
        return cls(**{f.name: row[f.name] for f in fields(cls)})


async def get(db: Database | Transaction, offer_id: int) -> Offer | None:
    row = await db.fetchone("SELECT * FROM translation_offer WHERE id = ?", (offer_id,))
    return Offer.from_row(row) if row else None


async def pending(db: Database | Transaction, shift_id: int, person_id: int, locale: str) -> Offer | None:
    row = await db.fetchone(
        "SELECT * FROM translation_offer WHERE shift_id = ? AND person_id = ? AND locale = ? AND status = 'pending'",
        (shift_id, person_id, locale),
    )
    return Offer.from_row(row) if row else None


async def put(
    tx: Transaction, shift_id: int, person_id: int, locale: str, title: str, description: str | None, now: int
) -> int:
    """Stores an offer, in place of the same volunteer's waiting one (marked replaced, so the buttons sent
    about it no longer approve a text the coordinator hasn't seen); returns its id."""
    await tx.execute(
        "UPDATE translation_offer SET status = 'replaced', decided_at = ?"
        " WHERE shift_id = ? AND person_id = ? AND locale = ? AND status = 'pending'",
        (now, shift_id, person_id, locale),
    )
    return await tx.execute(
        "INSERT INTO translation_offer (shift_id, person_id, locale, title, description, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (shift_id, person_id, locale, title, description, now),
    )


async def decide(tx: Transaction, offer_id: int, status: str, decided_by: int, now: int) -> bool:
    """Approves or rejects a waiting offer; False when it was decided already (a second press)."""
    changed = await tx.execute_rowcount(
        "UPDATE translation_offer SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'pending'",
        (status, decided_by, now, offer_id),
    )
    return changed == 1


async def for_person(db: Database | Transaction, person_id: int) -> list[Offer]:
    rows = await db.fetchall("SELECT * FROM translation_offer WHERE person_id = ? ORDER BY id", (person_id,))
    return [Offer.from_row(r) for r in rows]
