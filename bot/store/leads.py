"""Shift leads: who runs one shift's door, whether they may see phones, and who named or removed them."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, fields

from bot.db import Database, Transaction

# A lead's powers last while they are on the shift: a cancelled or waitlisted signup ends them.
_ON_SHIFT = """
    EXISTS (SELECT 1 FROM signup g WHERE g.shift_id = l.shift_id AND g.person_id = l.person_id
            AND g.status IN ('confirmed', 'attended', 'no_show'))
"""


@dataclass(frozen=True)
class Lead:
    id: int
    shift_id: int
    person_id: int
    show_phones: bool
    named_by: int | None
    named_at: int
    removed_at: int | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Lead:
        values = {f.name: row[f.name] for f in fields(cls)}
        values["show_phones"] = bool(values["show_phones"])
        return cls(**values)


async def active(db: Database | Transaction, shift_id: int, person_id: int) -> Lead | None:
    """The person's lead role on this shift, while they are on its roster."""
    row = await db.fetchone(
        f"SELECT l.* FROM shift_lead l WHERE l.shift_id = ? AND l.person_id = ? AND l.removed_at IS NULL"
        f" AND {_ON_SHIFT}",
        (shift_id, person_id),
    )
    return Lead.from_row(row) if row else None


async def get(db: Database | Transaction, lead_id: int) -> Lead | None:
    row = await db.fetchone("SELECT * FROM shift_lead WHERE id = ?", (lead_id,))
    return Lead.from_row(row) if row else None


async def for_shift(db: Database | Transaction, shift_id: int) -> dict[int, Lead]:
    """The shift's leads, by person id."""
    rows = await db.fetchall(
        f"SELECT l.* FROM shift_lead l WHERE l.shift_id = ? AND l.removed_at IS NULL AND {_ON_SHIFT}", (shift_id,)
    )
    return {row["person_id"]: Lead.from_row(row) for row in rows}


async def add(tx: Transaction, shift_id: int, person_id: int, show_phones: bool, named_by: int, now: int) -> int:
    """Names a lead (the caller made sure they aren't one already); returns the row's id."""
    return await tx.execute(
        "INSERT INTO shift_lead (shift_id, person_id, show_phones, named_by, named_at) VALUES (?, ?, ?, ?, ?)",
        (shift_id, person_id, int(show_phones), named_by, now),
    )


async def set_phones(tx: Transaction, lead_id: int, show_phones: bool) -> None:
    await tx.execute("UPDATE shift_lead SET show_phones = ? WHERE id = ?", (int(show_phones), lead_id))


async def end(tx: Transaction, shift_id: int, person_id: int, removed_by: int, now: int) -> int | None:
    """Ends the person's lead role on the shift; the row's id, or None when they weren't lead."""
    lead_id = await tx.fetchval(
        "SELECT id FROM shift_lead WHERE shift_id = ? AND person_id = ? AND removed_at IS NULL", (shift_id, person_id)
    )
    if lead_id is None:
        return None
    await tx.execute("UPDATE shift_lead SET removed_at = ?, removed_by = ? WHERE id = ?", (now, removed_by, lead_id))
    return int(lead_id)


async def led_by(db: Database | Transaction, person_id: int, *, ends_after: int | None = None) -> list[int]:
    """Ids of the shifts the person leads, not cancelled (optionally only those ending after a moment),
    soonest first."""
    rows = await db.fetchall(
        f"""
        SELECT s.id
        FROM shift_lead l JOIN shift s ON s.id = l.shift_id
        WHERE l.person_id = ? AND l.removed_at IS NULL AND s.status != 'cancelled' AND {_ON_SHIFT}
          AND s.ends_at > ?
        ORDER BY s.starts_at, s.id
        """,
        (person_id, ends_after if ends_after is not None else -(2**62)),
    )
    return [row[0] for row in rows]
