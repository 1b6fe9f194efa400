"""The inbox: updates from Telegram, kept until handled (and a while after, then pruned)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db import Database, Transaction


@dataclass(frozen=True)
class Received:
    update_id: int
    sender_key: int
    data: str  # the update's JSON, as Telegram sent it


async def add(db: Database | Transaction, batch: list[Received], now: int) -> set[int]:
    """Stores a batch and returns the ids it added: an update stored already (fetched again because
    a crash came before its acknowledgement) is kept as it is, and handled once. One statement."""
    if not batch:
        return set()
    values = ", ".join(["(?, ?, ?, ?)"] * len(batch))
    rows = await db.write(
        f"INSERT INTO inbox (update_id, sender_key, data, received_at) VALUES {values}"
        " ON CONFLICT (update_id) DO NOTHING RETURNING update_id",
        [v for r in batch for v in (r.update_id, r.sender_key, r.data, now)],
    )
    return {r[0] for r in rows}


async def begin_recovery(tx: Transaction, max_attempts: int) -> int:
    """At start-up: counts one more attempt on every unhandled update, and gives up on those that
    were in flight at too many crashes in a row (an update that kills the process must not do it
    forever). Returns how many were given up."""
    await tx.execute("UPDATE inbox SET attempts = attempts + 1 WHERE status = 'new'")
    return await tx.execute_rowcount(
        "UPDATE inbox SET status = 'failed', last_error = 'given up after repeated crashes'"
        " WHERE status = 'new' AND attempts >= ?",
        (max_attempts,),
    )


async def unhandled(db: Database) -> list[Received]:
    """Every update not handled yet, oldest first."""
    rows = await db.fetchall(
        "SELECT update_id, sender_key, data FROM inbox WHERE status = 'new' ORDER BY update_id"
    )
    return [Received(r["update_id"], r["sender_key"], r["data"]) for r in rows]


async def mark_handled(db: Database | Transaction, update_id: int, now: int, error: str | None = None) -> None:
    await db.write(
        "UPDATE inbox SET status = 'handled', handled_at = ?, last_error = ? WHERE update_id = ?",
        (now, error, update_id),
    )


async def prune(tx: Transaction, before: int) -> int:
    """Deletes updates handled (or given up) before `before`; returns how many."""
    return await tx.execute_rowcount(
        "DELETE FROM inbox WHERE status != 'new' AND coalesce(handled_at, received_at) < ?", (before,)
    )


async def forget_sender(tx: Transaction, sender_key: int) -> int:
    """Deletes every update from one sender, handled or not: they carry the name, username and any
    phone number the person shared, and erasure must not wait for the prune. Returns how many."""
    return await tx.execute_rowcount("DELETE FROM inbox WHERE sender_key = ?", (sender_key,))


async def counts(db: Database) -> dict[str, int]:
    rows = await db.fetchall("SELECT status, count(*) AS n FROM inbox GROUP BY status")
    return {r["status"]: r["n"] for r in rows}
