"""The person table: one row per Telegram user."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from bot.db import Database, Transaction


@dataclass(frozen=True)
class Person:
    id: int
    telegram_id: int
    first_name: str | None
    last_name: str | None
    username: str | None
    display_name: str | None
    telegram_language: str | None
    locale: str | None
    timezone: str | None
    phone: str | None
    state: str | None
    zip: str | None
    city: str | None
    consent_at: int | None
    onboarding_step: str | None
    remind_24h: bool
    remind_2h: bool
    messages_enabled: bool
    status: str
    created_at: int
    updated_at: int
    pending_start: str | None = None

    @property
    def is_registered(self) -> bool:
        """Agreed to the terms and finished onboarding."""
        return self.consent_at is not None and self.onboarding_step is None

    @property
    def name(self) -> str:
        """What to call them: their chosen name, else their Telegram name."""
        return self.display_name or self.first_name or self.username or str(self.telegram_id)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Person:
        values = dict(row)
        for flag in ("remind_24h", "remind_2h", "messages_enabled"):
            values[flag] = bool(values[flag])
        return cls(**values)


async def get_by_telegram_id(db: Database | Transaction, telegram_id: int) -> Person | None:
    row = await db.fetchone("SELECT * FROM person WHERE telegram_id = ?", (telegram_id,))
    return Person.from_row(row) if row else None


async def get(db: Database | Transaction, person_id: int) -> Person | None:
    row = await db.fetchone("SELECT * FROM person WHERE id = ?", (person_id,))
    return Person.from_row(row) if row else None


async def upsert_from_telegram(
    tx: Transaction,
    *,
    telegram_id: int,
    first_name: str | None,
    last_name: str | None,
    username: str | None,
    language_code: str | None,
    now: int,
) -> Person:
    """Creates the person or refreshes what Telegram tells us about them; returns the row."""
    row = await tx.fetchone(
        """
        INSERT INTO person (telegram_id, first_name, last_name, username, telegram_language,
                            created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (telegram_id) DO UPDATE SET
            first_name = excluded.first_name,
            last_name = excluded.last_name,
            username = excluded.username,
            telegram_language = excluded.telegram_language,
            status = CASE WHEN person.status = 'unreachable' THEN 'active' ELSE person.status END,
            updated_at = excluded.updated_at
        RETURNING *
        """,
        (telegram_id, first_name, last_name, username, language_code, now, now),
    )
    assert row is not None  # RETURNING always yields the row
    return Person.from_row(row)


async def set_telegram_names(
    tx: Transaction, person_id: int, first_name: str | None, last_name: str | None, username: str | None, now: int
) -> None:
    await tx.execute(
        "UPDATE person SET first_name = ?, last_name = ?, username = ?, updated_at = ? WHERE id = ?",
        (first_name, last_name, username, now, person_id),
    )


async def set_locale(tx: Transaction, person_id: int, locale: str, now: int) -> None:
    await tx.execute(
        "UPDATE person SET locale = ?, updated_at = ? WHERE id = ?", (locale, now, person_id)
    )


async def set_status(tx: Transaction, person_id: int, status: str, now: int) -> None:
    await tx.execute(
        "UPDATE person SET status = ?, updated_at = ? WHERE id = ?", (status, now, person_id)
    )


# Columns a service may change through `update`; names are never taken from input.
PROFILE_COLUMNS = frozenset(
    {
        "display_name", "locale", "timezone", "phone", "state", "zip", "city", "consent_at", "onboarding_step",
        "remind_24h", "remind_2h", "messages_enabled", "pending_start",
    }
)


async def update(tx: Transaction, person_id: int, now: int, **values: object) -> None:
    await tx.update_columns("person", person_id, PROFILE_COLUMNS, values, now)


async def languages(db: Database | Transaction, person_id: int) -> list[str]:
    rows = await db.fetchall("SELECT language FROM person_language WHERE person_id = ?", (person_id,))
    return [r["language"] for r in rows]


async def set_languages(tx: Transaction, person_id: int, codes: list[str]) -> None:
    await tx.execute("DELETE FROM person_language WHERE person_id = ?", (person_id,))
    await tx.executemany(
        "INSERT INTO person_language (person_id, language) VALUES (?, ?)", [(person_id, c) for c in codes]
    )


async def interests(db: Database | Transaction, person_id: int) -> list[str]:
    rows = await db.fetchall("SELECT kind FROM person_interest WHERE person_id = ?", (person_id,))
    return [r["kind"] for r in rows]


async def set_interests(tx: Transaction, person_id: int, kinds: list[str]) -> None:
    await tx.execute("DELETE FROM person_interest WHERE person_id = ?", (person_id,))
    await tx.executemany(
        "INSERT INTO person_interest (person_id, kind) VALUES (?, ?)", [(person_id, k) for k in kinds]
    )


async def delete(tx: Transaction, person_id: int) -> None:
    """Removes a person who never agreed to anything; nothing of theirs references them yet."""
    await tx.execute("DELETE FROM person WHERE id = ?", (person_id,))


async def anonymize(tx: Transaction, person_id: int, now: int) -> None:
    """Strips everything personal, keeping the row so past signups still count in statistics.

    The Telegram id is replaced by a negative stand-in, so the same user coming back is a new person.
    """
    await tx.execute(
        """
        UPDATE person SET telegram_id = -id, first_name = NULL, last_name = NULL, username = NULL,
            display_name = NULL, telegram_language = NULL, locale = NULL, timezone = NULL, phone = NULL,
            state = NULL, zip = NULL, city = NULL, consent_at = NULL, onboarding_step = NULL,
            pending_start = NULL, messages_enabled = 0, status = 'deleted', updated_at = ?
        WHERE id = ?
        """,
        (now, person_id),
    )
    for table in ("person_language", "person_interest", "follow", "org_mute", "role", "dialogue", "live_question",
                  "translation_offer"):
        await tx.execute(f"DELETE FROM {table} WHERE person_id = ?", (person_id,))
    await tx.execute("DELETE FROM outbox WHERE person_id = ?", (person_id,))
    # Their reported numbers stay as anonymous counts; a note is their own words, so it goes.
    await tx.execute(
        "UPDATE report SET notes = NULL WHERE signup_id IN (SELECT id FROM signup WHERE person_id = ?)", (person_id,)
    )


async def reading_languages(
    db: Database | Transaction, person_ids: Sequence[int]
) -> list[tuple[str | None, str | None]]:
    """Each person's stored locale and Telegram language, to tell which language they read the bot in."""
    rows = await db.fetchall(
        "SELECT locale, telegram_language FROM person WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(person_ids)),),
    )
    return [(r["locale"], r["telegram_language"]) for r in rows]


async def count_all(db: Database | Transaction) -> int:
    return int(await db.fetchval("SELECT count(*) FROM person"))
