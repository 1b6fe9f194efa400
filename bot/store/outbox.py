"""The outbox: every message the bot owes someone later, one row each, until sent or given up."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from bot.db import Database, Transaction


@dataclass(frozen=True)
class OutboxItem:
    id: int
    person_id: int
    kind: str
    shift_id: int | None
    due_at: int
    dedupe_key: str
    status: str
    attempts: int
    last_error: str | None
    created_at: int
    sent_at: int | None
    payload: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> OutboxItem:
        return cls(
            id=row["id"], person_id=row["person_id"], kind=row["kind"], shift_id=row["shift_id"],
            due_at=row["due_at"], dedupe_key=row["dedupe_key"], status=row["status"], attempts=row["attempts"],
            last_error=row["last_error"], created_at=row["created_at"], sent_at=row["sent_at"],
            payload=json.loads(row["payload"] or "{}"),
        )


@dataclass(frozen=True)
class NewItem:
    person_id: int
    kind: str
    due_at: int
    dedupe_key: str
    shift_id: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)


async def enqueue(tx: Transaction, items: list[NewItem], now: int) -> None:
    """Queues items; one whose key is already queued is left as it is (the same notice never twice)."""
    await tx.executemany(
        """
        INSERT INTO outbox (person_id, kind, shift_id, payload, due_at, dedupe_key, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING
        """,
        [
            (i.person_id, i.kind, i.shift_id, json.dumps(i.payload, ensure_ascii=False), i.due_at, i.dedupe_key, now)
            for i in items
        ],
    )


async def cancel_pending(
    tx: Transaction, *, person_id: int | None = None, shift_id: int | None = None, kinds: tuple[str, ...] = ()
) -> int:
    """Withdraws pending items for a person and/or shift (optionally only some kinds)."""
    clauses, params = ["status = 'pending'"], list[object]()
    if person_id is not None:
        clauses.append("person_id = ?")
        params.append(person_id)
    if shift_id is not None:
        clauses.append("shift_id = ?")
        params.append(shift_id)
    if kinds:
        clauses.append(f"kind IN ({','.join('?' * len(kinds))})")
        params.extend(kinds)
    return await tx.execute_rowcount(f"UPDATE outbox SET status = 'cancelled' WHERE {' AND '.join(clauses)}", params)


async def due(db: Database, now: int, limit: int, after: tuple[int, int] = (0, 0)) -> list[OutboxItem]:
    """Pending items due by `now`, oldest first, after the (due_at, id) key of the last batch.

    The keyset walks the (status, due_at) index in order, so a batch costs the same whether
    ten or a hundred thousand items are pending.
    """
    rows = await db.fetchall(
        """
        SELECT * FROM outbox WHERE status = 'pending' AND due_at <= ? AND (due_at, id) > (?, ?)
        ORDER BY due_at, id LIMIT ?
        """,
        (now, after[0], after[1], limit),
    )
    return [OutboxItem.from_row(r) for r in rows]


async def next_due_at(db: Database) -> int | None:
    return await db.fetchval("SELECT min(due_at) FROM outbox WHERE status = 'pending'")


async def finish(tx: Transaction, item_id: int, status: str, now: int, error: str | None = None) -> None:
    """Marks an item sent, skipped or failed for good."""
    await tx.execute(
        "UPDATE outbox SET status = ?, sent_at = ?, last_error = ?, attempts = attempts + 1 WHERE id = ?",
        (status, now if status == "sent" else None, error, item_id),
    )


async def retry_later(tx: Transaction, item_id: int, due_at: int, error: str) -> None:
    await tx.execute(
        "UPDATE outbox SET due_at = ?, last_error = ?, attempts = attempts + 1 WHERE id = ?", (due_at, error, item_id)
    )


async def get(db: Database | Transaction, item_id: int) -> OutboxItem | None:
    row = await db.fetchone("SELECT * FROM outbox WHERE id = ?", (item_id,))
    return OutboxItem.from_row(row) if row else None


async def for_person(db: Database | Transaction, person_id: int) -> list[OutboxItem]:
    rows = await db.fetchall("SELECT * FROM outbox WHERE person_id = ? ORDER BY due_at, id", (person_id,))
    return [OutboxItem.from_row(r) for r in rows]


async def count_by_status(db: Database) -> dict[str, int]:
    rows = await db.fetchall("SELECT status, count(*) AS n FROM outbox GROUP BY status")
    return {r["status"]: r["n"] for r in rows}
