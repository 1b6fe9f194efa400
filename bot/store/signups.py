"""Signups: a person's place (or place in line) on a shift."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, fields

from bot.db import Database, Transaction
from bot.store.reports import METRICS as REPORT_METRICS

ACTIVE = ("confirmed", "waitlisted")


@dataclass(frozen=True)
class Signup:
    id: int
    shift_id: int
    person_id: int
    status: str
    position: int | None
    joined_at: int
    acknowledged_at: int | None
    marked_by: int | None
    updated_at: int

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Signup:
        return cls(**{f.name: row[f.name] for f in fields(cls)})


async def get(db: Database | Transaction, signup_id: int) -> Signup | None:
    row = await db.fetchone("SELECT * FROM signup WHERE id = ?", (signup_id,))
    return Signup.from_row(row) if row else None


async def find(db: Database | Transaction, shift_id: int, person_id: int) -> Signup | None:
    row = await db.fetchone("SELECT * FROM signup WHERE shift_id = ? AND person_id = ?", (shift_id, person_id))
    return Signup.from_row(row) if row else None


async def confirmed_count(tx: Transaction, shift_id: int) -> int:
    return int(
        await tx.fetchval(
            "SELECT count(*) FROM signup WHERE shift_id = ? AND status IN ('confirmed', 'attended')", (shift_id,)
        )
    )


async def next_position(tx: Transaction, shift_id: int) -> int:
    return int(await tx.fetchval("SELECT COALESCE(max(position), 0) + 1 FROM signup WHERE shift_id = ?", (shift_id,)))


async def save(tx: Transaction, *, shift_id: int, person_id: int, status: str, position: int | None, now: int) -> int:
    """Creates the signup, or revives a cancelled one (one row per person and shift)."""
    row = await tx.fetchone(
        """
        INSERT INTO signup (shift_id, person_id, status, position, joined_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (shift_id, person_id) DO UPDATE SET
            status = excluded.status, position = excluded.position, joined_at = excluded.joined_at,
            acknowledged_at = NULL, marked_by = NULL, updated_at = excluded.updated_at
        RETURNING id
        """,
        (shift_id, person_id, status, position, now, now),
    )
    assert row is not None
    return int(row["id"])


async def set_status(tx: Transaction, signup_id: int, status: str, now: int, position: int | None = None) -> None:
    await tx.execute(
        "UPDATE signup SET status = ?, position = ?, updated_at = ? WHERE id = ?", (status, position, now, signup_id)
    )


async def first_waitlisted(tx: Transaction, shift_id: int) -> Signup | None:
    row = await tx.fetchone(
        """
        SELECT * FROM signup WHERE shift_id = ? AND status = 'waitlisted'
        ORDER BY position, joined_at, id LIMIT 1
        """,
        (shift_id,),
    )
    return Signup.from_row(row) if row else None


async def waitlist_rank(db: Database | Transaction, signup: Signup) -> int:
    """1 for the first in line."""
    return int(
        await db.fetchval(
            "SELECT count(*) FROM signup WHERE shift_id = ? AND status = 'waitlisted' AND position <= ?",
            (signup.shift_id, signup.position),
        )
    )


async def standings(db: Database | Transaction, person_id: int, shift_ids: list[int]) -> dict[int, tuple[str, int]]:
    """Shift id -> (status, waitlist rank or 0) of this person's active signups among these shifts, in one query."""
    if not shift_ids:
        return {}
    marks = ",".join("?" * len(shift_ids))
    rows = await db.fetchall(
        f"""
        SELECT g.shift_id, g.status,
               CASE WHEN g.status = 'waitlisted' THEN (
                   SELECT count(*) FROM signup w
                   WHERE w.shift_id = g.shift_id AND w.status = 'waitlisted' AND w.position <= g.position
               ) ELSE 0 END AS rank
        FROM signup g
        WHERE g.person_id = ? AND g.status IN ('confirmed', 'waitlisted') AND g.shift_id IN ({marks})
        """,  # only placeholders are interpolated
        (person_id, *shift_ids),
    )
    return {r["shift_id"]: (r["status"], int(r["rank"])) for r in rows}


async def overlapping(tx: Transaction, person_id: int, starts_at: int, ends_at: int, exclude_shift: int) -> list[int]:
    """Shift ids of this person's confirmed shifts that overlap the given time."""
    rows = await tx.fetchall(
        """
        SELECT s.id FROM signup g CROSS JOIN shift s ON s.id = g.shift_id  -- from their signups, not every shift
        WHERE g.person_id = ? AND g.status = 'confirmed' AND s.status = 'published'
          AND s.id != ? AND s.starts_at < ? AND s.ends_at > ?
        ORDER BY s.starts_at
        """,
        (person_id, exclude_shift, ends_at, starts_at),
    )
    return [r["id"] for r in rows]


async def upcoming_for_person(db: Database, person_id: int, now: int) -> list[tuple[Signup, int]]:
    """Active signups on shifts that haven't ended, soonest first, with waitlist rank (0 if confirmed)."""
    rows = await db.fetchall(
        """
        SELECT g.*,
               CASE WHEN g.status = 'waitlisted' THEN
                   (SELECT count(*) FROM signup w WHERE w.shift_id = g.shift_id AND w.status = 'waitlisted'
                    AND w.position <= g.position)
               ELSE 0 END AS rank
        FROM signup g CROSS JOIN shift s ON s.id = g.shift_id  -- from their signups, not every shift
        WHERE g.person_id = ? AND g.status IN ('confirmed', 'waitlisted') AND s.status = 'published'
          AND s.ends_at > ?
        ORDER BY s.starts_at, s.id
        """,
        (person_id, now),
    )
    return [(Signup.from_row(r), r["rank"]) for r in rows]


async def past_summary(db: Database, person_id: int, now: int) -> tuple[int, float]:
    """How many past shifts they were confirmed for or attended, and their logged hours."""
    row = await db.fetchone(
        """
        SELECT count(*) AS shifts, COALESCE(sum(c.hours), 0) AS hours
        FROM signup g JOIN shift s ON s.id = g.shift_id LEFT JOIN checkin c ON c.signup_id = g.id
        WHERE g.person_id = ? AND g.status IN ('confirmed', 'attended') AND s.ends_at <= ?
          AND s.status != 'cancelled'
        """,
        (person_id, now),
    )
    assert row is not None
    return int(row["shifts"]), float(row["hours"])


async def active_for_person(tx: Transaction, person_id: int, now: int) -> list[Signup]:
    rows = await tx.fetchall(
        """
        SELECT g.* FROM signup g JOIN shift s ON s.id = g.shift_id
        WHERE g.person_id = ? AND g.status IN ('confirmed', 'waitlisted') AND s.ends_at > ?
        """,
        (person_id, now),
    )
    return [Signup.from_row(r) for r in rows]


async def all_for_person(db: Database, person_id: int) -> list[sqlite3.Row]:
    return await db.fetchall(
        """
        SELECT g.id, g.shift_id, s.title, o.name AS org, s.starts_at, s.ends_at, g.status, g.joined_at,
               c.checked_in_at, c.checked_out_at, c.hours
        FROM signup g JOIN shift s ON s.id = g.shift_id JOIN org o ON o.id = s.org_id
        LEFT JOIN checkin c ON c.signup_id = g.id
        WHERE g.person_id = ? ORDER BY s.starts_at
        """,
        (person_id,),
    )


async def acknowledge(tx: Transaction, signup_id: int, now: int) -> None:
    await tx.execute("UPDATE signup SET acknowledged_at = ?, updated_at = ? WHERE id = ?", (now, now, signup_id))


async def for_shift(db: Database | Transaction, shift_id: int, statuses: tuple[str, ...] = ACTIVE) -> list[Signup]:
    """A shift's signups in these statuses: confirmed by joining time, then the waitlist in order."""
    marks = ",".join("?" * len(statuses))
    rows = await db.fetchall(
        f"""
        SELECT * FROM signup WHERE shift_id = ? AND status IN ({marks})
        ORDER BY status = 'waitlisted', position, joined_at, id
        """,
        (shift_id, *statuses),
    )
    return [Signup.from_row(r) for r in rows]


async def mark_no_shows(tx: Transaction, ended_before: int, now: int) -> int:
    """Confirmed signups of shifts that ended before the cut-off with no check-in become no-shows —
    only at shifts where check-in was in use (someone checked in, or a coordinator marked attendance),
    never where nobody could or did use it; anything a coordinator marked by hand is left alone."""
    return await tx.execute_rowcount(
        """
        UPDATE signup SET status = 'no_show', updated_at = ?
        WHERE status = 'confirmed' AND marked_by IS NULL
          AND shift_id IN (SELECT id FROM shift WHERE status != 'cancelled' AND ends_at < ?)
          AND NOT EXISTS (SELECT 1 FROM checkin c WHERE c.signup_id = signup.id)
          AND EXISTS (
              SELECT 1 FROM signup other LEFT JOIN checkin c ON c.signup_id = other.id
              WHERE other.shift_id = signup.shift_id AND (c.signup_id IS NOT NULL OR other.marked_by IS NOT NULL)
          )
        """,
        (now, ended_before),
    )


async def latest_confirmed(tx: Transaction, shift_id: int, count: int) -> list[Signup]:
    """The `count` most recent confirmed signups (not those already marked attended), in joining order."""
    rows = await tx.fetchall(
        """
        SELECT * FROM signup WHERE shift_id = ? AND status = 'confirmed'
        ORDER BY joined_at DESC, id DESC LIMIT ?
        """,
        (shift_id, count),
    )
    return [Signup.from_row(r) for r in reversed(rows)]


async def first_position(tx: Transaction, shift_id: int) -> int | None:
    """The waitlist position of the first in line; None when nobody is waiting."""
    return await tx.fetchval(
        "SELECT min(position) FROM signup WHERE shift_id = ? AND status = 'waitlisted'", (shift_id,)
    )


async def set_attendance(tx: Transaction, signup_id: int, status: str, marked_by: int, now: int) -> None:
    await tx.execute(
        "UPDATE signup SET status = ?, position = NULL, marked_by = ?, updated_at = ? WHERE id = ?",
        (status, marked_by, now, signup_id),
    )


@dataclass(frozen=True)
class RosterLine:
    """One person on a shift's roster, with what the coordinator may see of them."""

    signup_id: int
    person_id: int
    name: str
    phone: str | None
    status: str
    rank: int  # place on the waitlist (1 = first in line); 0 when not waitlisted
    checked_in: bool
    languages: tuple[str, ...]
    checked_out: bool = False
    acknowledged: bool = False  # "I'll be there" from a reminder
    corrected: bool = False  # a coordinator corrected the check-in or check-out time
    outcomes: tuple[tuple[str, int], ...] = ()  # (metric, value) they reported, in METRICS order
    note: str | None = None  # how it went, in their words


async def roster(db: Database | Transaction, shift_id: int) -> list[RosterLine]:
    """Everyone on the shift: confirmed (and marked) in joining order, then the waitlist in order."""
    rows = await db.fetchall(
        """
        SELECT g.id AS signup_id, g.person_id, g.status, g.position,
               COALESCE(p.display_name, p.first_name, p.username, '') AS name, p.phone,
               g.acknowledged_at IS NOT NULL AS acknowledged,
               EXISTS (SELECT 1 FROM checkin c WHERE c.signup_id = g.id) AS checked_in,
               EXISTS (SELECT 1 FROM checkin c WHERE c.signup_id = g.id AND c.checked_out_at IS NOT NULL)
                   AS checked_out,
               EXISTS (SELECT 1 FROM checkin_correction k WHERE k.signup_id = g.id) AS corrected,
               r.doors, r.conversations, r.calls, r.texts, r.notes
        FROM signup g JOIN person p ON p.id = g.person_id LEFT JOIN report r ON r.signup_id = g.id
        WHERE g.shift_id = ? AND g.status IN ('confirmed', 'attended', 'no_show', 'waitlisted')
        ORDER BY g.status = 'waitlisted', g.position, g.joined_at, g.id
        """,
        (shift_id,),
    )
    languages: dict[int, list[str]] = {r["person_id"]: [] for r in rows}
    if rows:
        marks = ",".join("?" * len(languages))
        for lang in await db.fetchall(
            f"SELECT person_id, language FROM person_language WHERE person_id IN ({marks}) ORDER BY language",
            list(languages),
        ):
            languages[lang["person_id"]].append(lang["language"])
    lines, rank = [], 0
    for r in rows:
        waiting = r["status"] == "waitlisted"
        rank = rank + 1 if waiting else 0
        lines.append(
            RosterLine(
                signup_id=r["signup_id"], person_id=r["person_id"], name=r["name"], phone=r["phone"],
                status=r["status"], rank=rank, checked_in=bool(r["checked_in"]),
                languages=tuple(languages[r["person_id"]]), checked_out=bool(r["checked_out"]),
                acknowledged=bool(r["acknowledged"]),
                corrected=bool(r["corrected"]),
                outcomes=tuple((m, r[m]) for m in REPORT_METRICS if r[m] is not None), note=r["notes"],
            )
        )
    return lines
