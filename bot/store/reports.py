"""Results volunteers report after a shift: doors, conversations, calls, texts."""

from __future__ import annotations

import sqlite3

from bot.db import Database, Transaction


async def for_person(db: Database | Transaction, person_id: int) -> list[sqlite3.Row]:
    """Every report of one person, oldest first, with the shift it was for (their data export)."""
    return await db.fetchall(
        """
        SELECT r.signup_id, g.shift_id, s.title, r.doors, r.conversations, r.calls, r.texts, r.notes,
               r.created_at, r.updated_at
        FROM report r JOIN signup g ON g.id = r.signup_id JOIN shift s ON s.id = g.shift_id
        WHERE g.person_id = ? ORDER BY r.created_at
        """,
        (person_id,),
    )


METRICS = ("doors", "conversations", "calls", "texts")


async def get_for_signup(db: Database | Transaction, signup_id: int) -> dict[str, int | None]:
    row = await db.fetchone("SELECT doors, conversations, calls, texts FROM report WHERE signup_id = ?", (signup_id,))
    return {m: (row[m] if row else None) for m in METRICS}


async def set_metric(tx: Transaction, signup_id: int, metric: str, value: int, now: int) -> None:
    """Records one number of a volunteer's report (the column name comes from METRICS, never input)."""
    if metric not in METRICS:
        raise ValueError(metric)
    await tx.execute(
        f"""
        INSERT INTO report (signup_id, {metric}, created_at, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (signup_id) DO UPDATE SET {metric} = excluded.{metric}, updated_at = excluded.updated_at
        """,
        (signup_id, value, now, now),
    )
