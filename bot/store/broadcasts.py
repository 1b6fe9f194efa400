"""Broadcasts to an organization's followers, who they reach, and how their delivery is going."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.db import Database, Transaction


@dataclass(frozen=True)
class Broadcast:
    id: int
    org_id: int
    sender_id: int | None
    text: str
    filters: dict[str, Any]
    recipients: int
    status: str
    created_at: int
    finished_at: int | None
    progress_chat_id: int | None  # where its progress shows, if anywhere
    progress_message_id: int | None  # None once that message can't be edited
    progress_text: str | None  # what the progress message shows now (None: not shown yet)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Broadcast:
        values = dict(row)
        values["filters"] = json.loads(values["filters"] or "{}")
        return cls(**values)


def key_prefix(broadcast_id: int) -> str:
    """Every outbox row of one broadcast has a dedupe key starting with this."""
    return f"broadcast:{broadcast_id}:"


def dedupe_key(broadcast_id: int, person_id: int) -> str:
    return f"{key_prefix(broadcast_id)}{person_id}"


@dataclass(frozen=True)
class ProgressMessage:
    """The message a broadcast's progress is shown in."""

    chat_id: int
    message_id: int


async def create(
    tx: Transaction,
    *,
    org_id: int,
    sender_id: int,
    text: str,
    filters: dict[str, Any],
    now: int,
    progress: ProgressMessage | None = None,
) -> int:
    return await tx.execute(
        """
        INSERT INTO broadcast (org_id, sender_id, text, filters, created_at, progress_chat_id, progress_message_id)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """,
        (
            org_id, sender_id, text, json.dumps(filters, ensure_ascii=False), now,
            progress.chat_id if progress else None, progress.message_id if progress else None,
        ),
    )


async def set_recipients(tx: Transaction, broadcast_id: int, count: int) -> None:
    await tx.execute("UPDATE broadcast SET recipients = ? WHERE id = ?", (count, broadcast_id))


async def finish(tx: Transaction, broadcast_id: int, now: int) -> None:
    await tx.execute(
        "UPDATE broadcast SET status = 'done', finished_at = ? WHERE id = ? AND status = 'sending'",
        (now, broadcast_id),
    )


async def set_progress_text(tx: Transaction, broadcast_id: int, text: str) -> None:
    await tx.execute("UPDATE broadcast SET progress_text = ? WHERE id = ?", (text, broadcast_id))


async def forget_progress_message(tx: Transaction, broadcast_id: int, *, chat_too: bool = False) -> None:
    if chat_too:
        sql = "UPDATE broadcast SET progress_message_id = NULL, progress_chat_id = NULL WHERE id = ?"
    else:
        sql = "UPDATE broadcast SET progress_message_id = NULL WHERE id = ?"
    await tx.execute(sql, (broadcast_id,))


async def sending(db: Database | Transaction) -> list[Broadcast]:
    """Every broadcast not yet marked done, oldest first (a partial index keeps this cheap)."""
    rows = await db.fetchall("SELECT * FROM broadcast WHERE status = 'sending' ORDER BY id")
    return [Broadcast.from_row(r) for r in rows]


async def get(db: Database | Transaction, broadcast_id: int) -> Broadcast | None:
    row = await db.fetchone("SELECT * FROM broadcast WHERE id = ?", (broadcast_id,))
    return Broadcast.from_row(row) if row else None


async def sending_for_org(db: Database | Transaction, org_id: int) -> list[Broadcast]:
    rows = await db.fetchall(
        "SELECT * FROM broadcast WHERE org_id = ? AND status = 'sending' ORDER BY id", (org_id,)
    )
    return [Broadcast.from_row(r) for r in rows]


_AUDIENCE = """
FROM person p JOIN follow f ON f.person_id = p.id AND f.org_id = ?
WHERE p.status = 'active' AND p.messages_enabled = 1 AND p.consent_at IS NOT NULL AND p.onboarding_step IS NULL
  AND p.id != ?
  AND (? IS NULL OR p.state = ?)
"""


def _audience(
    org_id: int, exclude: int, languages: Sequence[str], region: str | None
) -> tuple[str, list[object]]:
    sql, params = _AUDIENCE, list[object]([org_id, exclude, region, region])
    if languages:
        marks = ",".join("?" * len(languages))
        sql += f" AND EXISTS (SELECT 1 FROM person_language pl WHERE pl.person_id = p.id AND pl.language IN ({marks}))"
        params.extend(languages)
    return sql, params


async def count_audience(
    db: Database | Transaction, org_id: int, *, exclude: int, languages: Sequence[str], region: str | None
) -> int:
    """Followers who would get a broadcast: set up, reachable, messages on, matching the filters."""
    sql, params = _audience(org_id, exclude, languages, region)
    return int(await db.fetchval("SELECT count(*) " + sql, params))


async def audience(
    db: Database | Transaction, org_id: int, *, exclude: int, languages: Sequence[str], region: str | None
) -> list[int]:
    sql, params = _audience(org_id, exclude, languages, region)
    rows = await db.fetchall("SELECT p.id " + sql + " ORDER BY p.id", params)
    return [r["id"] for r in rows]


@dataclass(frozen=True)
class Tally:
    """Where a broadcast's deliveries stand."""

    total: int
    pending: int
    sent: int
    unreachable: int  # blocked the bot (now marked unreachable), or gone before their turn
    failed: int

    @property
    def done(self) -> int:
        return self.total - self.pending

    @property
    def finished(self) -> bool:
        return self.pending == 0


async def tally(db: Database | Transaction, broadcast_id: int) -> Tally:
    """Counts the broadcast's outbox rows by outcome (a key range, so the unique index does the work)."""
    prefix = key_prefix(broadcast_id)
    row = await db.fetchone(
        """
        SELECT count(*) AS total,
               COALESCE(sum(o.status IN ('pending', 'sending')), 0) AS pending,
               COALESCE(sum(o.status = 'sent'), 0) AS sent,
               COALESCE(sum(o.status IN ('skipped', 'cancelled')
                            OR (o.status = 'failed' AND p.status != 'active')), 0) AS unreachable,
               COALESCE(sum(o.status = 'failed' AND p.status = 'active'), 0) AS failed
        FROM outbox o JOIN person p ON p.id = o.person_id
        WHERE o.dedupe_key >= ? AND o.dedupe_key < ?
        """,
        # ';' sorts right after ':', so the range holds exactly the keys with this prefix.
        (prefix, prefix[:-1] + ";"),
    )
    assert row is not None
    return Tally(
        total=int(row["total"]), pending=int(row["pending"]), sent=int(row["sent"]),
        unreachable=int(row["unreachable"]), failed=int(row["failed"]),
    )
