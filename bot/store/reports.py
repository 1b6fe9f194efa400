"""Results volunteers report after a shift: doors, conversations, calls, texts, and a note in their words."""

from __future__ import annotations

import json
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


async def reportable(db: Database | Transaction, person_id: int, kinds: tuple[str, ...], since: int, now: int,
                     limit: int) -> list[tuple[int, int]]:
    """(signup id, shift id) of their shifts of these kinds that started in [since, now) and weren't cancelled,
    where they were on the roster: latest first."""
    rows = await db.fetchall(
        """
        SELECT g.id AS signup_id, s.id AS shift_id
        FROM signup g CROSS JOIN shift s ON s.id = g.shift_id  -- from their signups, not every shift
        WHERE g.person_id = ? AND g.status IN ('confirmed', 'attended', 'no_show') AND s.status != 'cancelled'
          AND s.kind IN (SELECT value FROM json_each(?)) AND s.starts_at >= ? AND s.starts_at < ?
        ORDER BY s.starts_at DESC, s.id DESC LIMIT ?
        """,
        (person_id, json.dumps(list(kinds)), since, now, limit),
    )
    return [(r["signup_id"], r["shift_id"]) for r in rows]


async def note_for_signup(db: Database | Transaction, signup_id: int) -> str | None:
    return await db.fetchval("SELECT notes FROM report WHERE signup_id = ?", (signup_id,))


async def set_note(tx: Transaction, signup_id: int, note: str, now: int) -> None:
    """Keeps the volunteer's own words with their report (one note; a new one replaces it)."""
    await tx.execute(
        """
        INSERT INTO report (signup_id, notes, created_at, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (signup_id) DO UPDATE SET notes = excluded.notes, updated_at = excluded.updated_at
        """,
        (signup_id, note, now, now),
    )
