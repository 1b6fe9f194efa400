"""The person table: one row per Telegram user."""

from __future__ import annotations

import sqlite3
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


async def set_locale(tx: Transaction, person_id: int, locale: str, now: int) -> None:
    await tx.execute(
        "UPDATE person SET locale = ?, updated_at = ? WHERE id = ?", (locale, now, person_id)
    )


async def set_status(tx: Transaction, person_id: int, status: str, now: int) -> None:
    await tx.execute(
        "UPDATE person SET status = ?, updated_at = ? WHERE id = ?", (status, now, person_id)
    )
