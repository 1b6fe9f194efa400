"""Check-ins at shifts: when, how and where a volunteer arrived and left, and the log of every change."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, fields

from bot.db import Database, Transaction


@dataclass(frozen=True)
class Checkin:
    signup_id: int
    checked_in_at: int
    method: str
    latitude: float | None
    longitude: float | None
    checked_out_at: int | None
    hours: float | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Checkin:
        return cls(**{f.name: row[f.name] for f in fields(cls)})


@dataclass(frozen=True)
class Window:
    """A signup whose shift's check-in window is [opens_at, ends_at)."""

    signup_id: int
    shift_id: int
    opens_at: int
    starts_at: int
    ends_at: int


async def get(db: Database | Transaction, signup_id: int) -> Checkin | None:
    row = await db.fetchone("SELECT * FROM checkin WHERE signup_id = ?", (signup_id,))
    return Checkin.from_row(row) if row else None


async def for_shift(db: Database | Transaction, shift_id: int) -> dict[int, Checkin]:
    """Check-ins of one shift's signups, by signup id."""
    rows = await db.fetchall(
        "SELECT c.* FROM checkin c JOIN signup g ON g.id = c.signup_id WHERE g.shift_id = ?", (shift_id,)
    )
    return {row["signup_id"]: Checkin.from_row(row) for row in rows}


async def add(
    tx: Transaction, signup_id: int, at: int, method: str, latitude: float | None, longitude: float | None
) -> bool:
    """Records the arrival; False when the signup was checked in already (nothing changes)."""
    return (
        await tx.execute_rowcount(
            "INSERT INTO checkin (signup_id, checked_in_at, method, latitude, longitude) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (signup_id) DO NOTHING",
            (signup_id, at, method, latitude, longitude),
        )
        > 0
    )


async def close(tx: Transaction, signup_id: int, at: int, hours: float) -> bool:
    """Records the departure and the hours; False when they had checked out already."""
    return (
        await tx.execute_rowcount(
            "UPDATE checkin SET checked_out_at = ?, hours = ? WHERE signup_id = ? AND checked_out_at IS NULL",
            (at, hours, signup_id),
        )
        > 0
    )


async def remove(tx: Transaction, signup_id: int) -> bool:
    return await tx.execute_rowcount("DELETE FROM checkin WHERE signup_id = ?", (signup_id,)) > 0


async def set_times(
    tx: Transaction, signup_id: int, checked_in_at: int, checked_out_at: int | None, hours: float | None
) -> None:
    await tx.execute(
        "UPDATE checkin SET checked_in_at = ?, checked_out_at = ?, hours = ? WHERE signup_id = ?",
        (checked_in_at, checked_out_at, hours, signup_id),
    )


async def log(
    tx: Transaction,
    signup_id: int,
    event: str,
    at: int,
    method: str,
    by_person: int | None,
    latitude: float | None,
    longitude: float | None,
    now: int,
    correction_id: int | None = None,
) -> None:
    await tx.execute(
        "INSERT INTO checkin_event (signup_id, event, at, method, by_person, latitude, longitude, created_at,"
        " correction_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (signup_id, event, at, method, by_person, latitude, longitude, now, correction_id),
    )


@dataclass(frozen=True)
class Correction:
    """One coordinator's correction of a check-in ("in") or check-out ("out") time."""

    field: str
    old_at: int | None
    new_at: int
    old_hours: float | None
    new_hours: float | None
    by_person: int | None
    by_name: str | None  # None: their account is gone
    created_at: int


async def record_correction(
    tx: Transaction,
    signup_id: int,
    field: str,
    old: tuple[int | None, float | None],
    new: tuple[int, float | None],
    by_person: int,
    now: int,
) -> int:
    """Logs a correction: the time and hours before (`old`) and after (`new`); returns its id."""
    return await tx.execute(
        "INSERT INTO checkin_correction (signup_id, field, old_at, new_at, old_hours, new_hours, by_person,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (signup_id, field, old[0], new[0], old[1], new[1], by_person, now),
    )


async def corrections(db: Database | Transaction, signup_id: int) -> list[Correction]:
    """A signup's corrections, oldest first, with the name of who made each."""
    rows = await db.fetchall(
        """
        SELECT k.field, k.old_at, k.new_at, k.old_hours, k.new_hours, k.by_person, k.created_at,
               COALESCE(p.display_name, p.first_name, p.username) AS by_name
        FROM checkin_correction k LEFT JOIN person p ON p.id = k.by_person
        WHERE k.signup_id = ? ORDER BY k.id
        """,
        (signup_id,),
    )
    return [Correction(**{f.name: row[f.name] for f in fields(Correction)}) for row in rows]


async def events(db: Database | Transaction, signup_id: int) -> list[sqlite3.Row]:
    return await db.fetchall("SELECT * FROM checkin_event WHERE signup_id = ? ORDER BY id", (signup_id,))


_WINDOW = """
    SELECT g.id AS signup_id, s.id AS shift_id, s.starts_at - s.checkin_opens_minutes * 60 AS opens_at,
           s.starts_at, s.ends_at
    FROM signup g JOIN shift s ON s.id = g.shift_id
    WHERE g.person_id = ? AND g.status IN ('confirmed', 'attended') AND s.status = 'published'
"""


async def windows(db: Database | Transaction, person_id: int, now: int) -> list[Window]:
    """The person's signups whose check-in window is open now or opens later, soonest first."""
    rows = await db.fetchall(_WINDOW + " AND s.ends_at > ? ORDER BY opens_at, s.id", (person_id, now))
    return [Window(**dict(row)) for row in rows]


async def window_of(db: Database | Transaction, shift_id: int) -> tuple[int, int, int]:
    """(opens_at, starts_at, ends_at) of one shift's check-in."""
    row = await db.fetchone(
        "SELECT starts_at - checkin_opens_minutes * 60, starts_at, ends_at FROM shift WHERE id = ?", (shift_id,)
    )
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2])


async def still_open_after(tx: Transaction, now: int) -> list[tuple[int, int, int, int]]:
    """(signup_id, checked_in_at, opens_at, ends_at) of check-ins never closed whose shift has ended."""
    rows = await tx.fetchall(
        """
        SELECT c.signup_id, c.checked_in_at, s.starts_at - s.checkin_opens_minutes * 60, s.ends_at
        FROM checkin c JOIN signup g ON g.id = c.signup_id JOIN shift s ON s.id = g.shift_id
        WHERE c.checked_out_at IS NULL AND s.ends_at <= ?
        """,
        (now,),
    )
    return [(r[0], r[1], r[2], r[3]) for r in rows]


async def token_of(db: Database | Transaction, shift_id: int) -> str | None:
    return await db.fetchval("SELECT checkin_token FROM shift WHERE id = ?", (shift_id,))


async def set_token(tx: Transaction, shift_id: int, token: str, now: int) -> None:
    await tx.execute("UPDATE shift SET checkin_token = ?, updated_at = ? WHERE id = ?", (token, now, shift_id))


async def shift_by_token(db: Database | Transaction, token: str) -> int | None:
    return await db.fetchval("SELECT id FROM shift WHERE checkin_token = ?", (token,))


async def set_walk_in(tx: Transaction, signup_id: int) -> None:
    await tx.execute("UPDATE signup SET walk_in = 1 WHERE id = ?", (signup_id,))


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
