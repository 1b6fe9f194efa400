"""The dialogue table: the one open dialogue of each person, its step and what they said so far."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from bot.db import Database, Transaction


@dataclass
class Dialogue:
    kind: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)
    pending: dict[str, Any] | None = None  # {"kind", "step", "data"} of a dialogue waiting to replace this one
    opened_at: int = 0
    updated_at: int = 0

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Dialogue:
        return cls(
            kind=row["kind"],
            step=row["step"],
            data=json.loads(row["data"]),
            pending=json.loads(row["pending"]) if row["pending"] else None,
            opened_at=row["opened_at"],
            updated_at=row["updated_at"],
        )


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


async def get(db: Database | Transaction, person_id: int) -> Dialogue | None:
    row = await db.fetchone("SELECT * FROM dialogue WHERE person_id = ?", (person_id,))
    return Dialogue.from_row(row) if row else None


async def put(db: Database, person_id: int, dialogue: Dialogue, now: int) -> None:
    """Opens or saves the person's dialogue (a new kind replaces the old one: there is only one)."""
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO dialogue (person_id, kind, step, data, pending, opened_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (person_id) DO UPDATE SET kind = excluded.kind, step = excluded.step,"
            " data = excluded.data, pending = excluded.pending, updated_at = excluded.updated_at,"
            " opened_at = CASE WHEN dialogue.kind = excluded.kind THEN dialogue.opened_at"
            " ELSE excluded.opened_at END",
            (person_id, dialogue.kind, dialogue.step, _json(dialogue.data), _json(dialogue.pending), now, now),
        )
    dialogue.updated_at = now


async def advance(tx: Transaction, person_id: int, dialogue: Dialogue, step: str, now: int) -> bool:
    """Moves the person's dialogue on to `step`, inside the caller's transaction, only if it is still
    exactly `dialogue` (kind, step and data as read): of two presses of one Send, only the first does."""
    n = await tx.execute_rowcount(
        "UPDATE dialogue SET step = ?, updated_at = ? WHERE person_id = ? AND kind = ? AND step = ? AND data = ?",
        (step, now, person_id, dialogue.kind, dialogue.step, _json(dialogue.data)),
    )
    return n == 1


async def close(db: Database, person_id: int, kind: str | None = None) -> bool:
    """Closes the person's dialogue (only of that kind, when given); True when one was open."""
    async with db.transaction() as tx:
        if kind is None:
            n = await tx.execute_rowcount("DELETE FROM dialogue WHERE person_id = ?", (person_id,))
        else:
            n = await tx.execute_rowcount("DELETE FROM dialogue WHERE person_id = ? AND kind = ?", (person_id, kind))
    return n > 0


async def close_idle(db: Database, before: int) -> int:
    """Closes dialogues nobody touched since `before` (a draft abandoned days ago)."""
    async with db.transaction() as tx:
        return await tx.execute_rowcount("DELETE FROM dialogue WHERE updated_at < ?", (before,))
