"""Who a person is to the bot: created on first contact, kept in step with Telegram."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.db import Database, Transaction
from bot.store import people
from bot.store.people import Person
from bot.text import clean


@dataclass(frozen=True)
class TelegramIdentity:
    """What Telegram tells us about a user on every update."""

    telegram_id: int
    first_name: str | None
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None


def cleaned(who: TelegramIdentity) -> TelegramIdentity:
    """Telegram names by the same rule as typed ones: one made of zero-width characters or bidi
    overrides would show as a blank, or reorder a roster line, wherever it stands in for a name."""
    return replace(who, first_name=clean(who.first_name or "") or None, last_name=clean(who.last_name or "") or None)


async def identify(db: Database, who: TelegramIdentity, now: int) -> Person:
    """Returns the person for this user, creating them or refreshing their Telegram details.

    Names are personal: until someone agrees to the terms, their row holds only the Telegram id and
    language (the consent stores the names), so one who says no, or writes again after /deleteme,
    leaves no name behind."""
    who = cleaned(who)
    person = await people.get_by_telegram_id(db, who.telegram_id)
    if person is None or person.consent_at is None:
        who = replace(who, first_name=None, last_name=None, username=None)
    if person is not None and person.status == "active" and (
        person.first_name,
        person.last_name,
        person.username,
        person.telegram_language,
    ) == (who.first_name, who.last_name, who.username, who.language_code):
        return person  # nothing changed: no write on the hot path
    async with db.transaction() as tx:
        return await people.upsert_from_telegram(
            tx,
            telegram_id=who.telegram_id,
            first_name=who.first_name,
            last_name=who.last_name,
            username=who.username,
            language_code=who.language_code,
            now=now,
        )


async def mark_unreachable(db: Database, person_id: int, now: int) -> None:
    """They blocked the bot (Telegram said 403): stop writing to them until they write to us."""
    async with db.transaction() as tx:
        await people.set_status(tx, person_id, "unreachable", now)


async def remember_names(tx: Transaction, person_id: int, who: TelegramIdentity, now: int) -> None:
    """At the consent: the Telegram names that identify() held back until now."""
    who = cleaned(who)
    await people.set_telegram_names(tx, person_id, who.first_name, who.last_name, who.username, now)
