"""Broadcasts to an organization's volunteers and followers, who they reach, and how their delivery is going."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
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
    texts: dict[str, str] = field(default_factory=dict)  # reader locale → the coordinator's version

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Broadcast:
        values = dict(row)
        values["filters"] = json.loads(values["filters"] or "{}")
        values["texts"] = json.loads(values.get("texts") or "{}")
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
    texts: dict[str, str] | None = None,
) -> int:
    return await tx.execute(
        """
        INSERT INTO broadcast (org_id, sender_id, text, filters, created_at, progress_chat_id, progress_message_id,
                               texts)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """,
        (
            org_id, sender_id, text, json.dumps(filters, ensure_ascii=False), now,
            progress.chat_id if progress else None, progress.message_id if progress else None,
            json.dumps(texts or {}, ensure_ascii=False),
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


# Who an organization's broadcast can reach: everyone who signed up for one of its shifts (a cancelled
# signup doesn't count) or follows it, once each (`signed`: 1 when they signed up), set up, reachable,
# with messages on and the organization not muted.
_AUDIENCE = """
WITH reach (person_id, signed) AS (
    SELECT s.person_id, 1 FROM shift sh JOIN signup s ON s.shift_id = sh.id
    WHERE sh.org_id = ? AND s.status != 'cancelled'
    UNION ALL
    SELECT f.person_id, 0 FROM follow f WHERE f.org_id = ?
)
SELECT p.id AS id, max(r.signed) AS signed
FROM reach r JOIN person p ON p.id = r.person_id
WHERE p.status = 'active' AND p.messages_enabled = 1 AND p.consent_at IS NOT NULL AND p.onboarding_step IS NULL
  AND p.id != ?
  AND (? IS NULL OR p.state = ?)
  AND NOT EXISTS (SELECT 1 FROM org_mute m WHERE m.person_id = p.id AND m.org_id = ?)
"""


def _audience(
    org_id: int, exclude: int, languages: Sequence[str], region: str | None, person: int | None = None
) -> tuple[str, list[object]]:
    sql, params = _AUDIENCE, list[object]([org_id, org_id, exclude, region, region, org_id])
    if languages:
        marks = ",".join("?" * len(languages))
        sql += f" AND EXISTS (SELECT 1 FROM person_language pl WHERE pl.person_id = p.id AND pl.language IN ({marks}))"
        params.extend(languages)
    if person is not None:
        sql += " AND p.id = ?"
        params.append(person)
    return sql + " GROUP BY p.id", params


@dataclass(frozen=True)
class Reach:
    """How many a broadcast would reach: those who signed up for one of the organization's shifts, and
    the followers who haven't (someone who did both counts once, as signed up)."""

    signed_up: int
    followers: int

    @property
    def total(self) -> int:
        return self.signed_up + self.followers


async def count_audience(
    db: Database | Transaction, org_id: int, *, exclude: int, languages: Sequence[str], region: str | None
) -> Reach:
    """Who would get a broadcast: set up, reachable, messages on, matching the filters."""
    sql, params = _audience(org_id, exclude, languages, region)
    row = await db.fetchone(
        f"SELECT count(*) AS total, COALESCE(sum(signed), 0) AS signed FROM ({sql})", params
    )
    assert row is not None
    return Reach(signed_up=int(row["signed"]), followers=int(row["total"]) - int(row["signed"]))


async def audience(
    db: Database | Transaction, org_id: int, *, exclude: int, languages: Sequence[str], region: str | None
) -> list[int]:
    sql, params = _audience(org_id, exclude, languages, region)
    rows = await db.fetchall(sql + " ORDER BY p.id", params)
    return [r["id"] for r in rows]


async def still_reaches(db: Database | Transaction, org_id: int, person_id: int) -> bool:
    """Whether the organization's broadcasts reach the person now (any filters aside): checked again at
    send time, for someone who muted it, unfollowed or cancelled since the broadcast was queued."""
    sql, params = _audience(org_id, 0, (), None, person=person_id)
    return await db.fetchone(sql, params) is not None


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
