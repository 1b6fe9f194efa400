"""Check-ins at shifts: when, how and where a volunteer arrived and left."""

from __future__ import annotations

import sqlite3

from bot.db import Database, Transaction


async def for_person(db: Database | Transaction, person_id: int) -> list[sqlite3.Row]:
    """Every check-in of one person, oldest first, with the shift it was for (their data export)."""
    return await db.fetchall(
        """
        SELECT c.signup_id, g.shift_id, s.title, c.checked_in_at, c.method, c.latitude, c.longitude,
               c.checked_out_at, c.hours
        FROM checkin c JOIN signup g ON g.id = c.signup_id JOIN shift s ON s.id = g.shift_id
        WHERE g.person_id = ? ORDER BY c.checked_in_at
        """,
        (person_id,),
    )
