"""A person's rights over their data: a copy of everything (/mydata) and erasure (/deleteme)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.clock import from_ts
from bot.db import Database
from bot.services.reminders import ReminderPolicy
from bot.services.signups import CancelOutcome, withdraw_all
from bot.store import audit, checkins, inbox, offers, orgs, people, reports, roles, signups
from bot.store.signups import Signup


def _iso(ts: int | None) -> str | None:
    return from_ts(ts).isoformat() if ts is not None else None


async def export(db: Database, person_id: int, now: int) -> dict[str, Any] | None:
    """Everything stored about the person, as plain JSON-ready values (times in ISO 8601, UTC)."""
    person = await people.get(db, person_id)
    if person is None:
        return None
    muted = await orgs.muted_ids(db, person_id)
    return {
        "generated_at": _iso(now),
        "profile": {
            "telegram_id": person.telegram_id,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "username": person.username,
            "name": person.display_name,
            "telegram_language": person.telegram_language,
            "language": person.locale,
            "time_zone": person.timezone,
            "phone": person.phone,
            "state": person.state,
            "zip": person.zip,
            "city": person.city,
            "consent_at": _iso(person.consent_at),
            "onboarding_step": person.onboarding_step,
            "pending_link": person.pending_start,
            "reminders": {"24h": person.remind_24h, "2h": person.remind_2h},
            "messages_enabled": person.messages_enabled,
            "status": person.status,
            "created_at": _iso(person.created_at),
            "updated_at": _iso(person.updated_at),
        },
        "outreach_languages": sorted(await people.languages(db, person_id)),
        "interests": sorted(await people.interests(db, person_id)),
        "following": [{"slug": o.slug, "name": o.name} for o in await orgs.followed(db, person_id)],
        "messages_stopped_from": sorted(o.slug for o in await orgs.list_active(db) if o.id in muted),
        "roles": [{"org": r.org_name, "role": r.role} for r in await roles.for_person(db, person_id)],
        "signups": [
            {
                "shift_id": r["shift_id"],
                "shift": r["title"],
                "organization": r["org"],
                "starts_at": _iso(r["starts_at"]),
                "ends_at": _iso(r["ends_at"]),
                "status": r["status"],
                "joined_at": _iso(r["joined_at"]),
            }
            for r in await signups.all_for_person(db, person_id)
        ],
        "checkins": [
            {
                "shift_id": r["shift_id"],
                "shift": r["title"],
                "checked_in_at": _iso(r["checked_in_at"]),
                "method": r["method"],
                "latitude": r["latitude"],
                "longitude": r["longitude"],
                "checked_out_at": _iso(r["checked_out_at"]),
                "hours": r["hours"],
            }
            for r in await checkins.for_person(db, person_id)
        ],
        "reports": [
            {
                "shift_id": r["shift_id"],
                "shift": r["title"],
                "doors": r["doors"],
                "conversations": r["conversations"],
                "calls": r["calls"],
                "texts": r["texts"],
                "notes": r["notes"],
                "reported_at": _iso(r["created_at"]),
            }
            for r in await reports.for_person(db, person_id)
        ],
        "translations_offered": [
            {
                "shift_id": o.shift_id,
                "language": o.locale,
                "title": o.title,
                "description": o.description,
                "status": o.status,
                "offered_at": _iso(o.created_at),
            }
            for o in await offers.for_person(db, person_id)
        ],
    }


async def upcoming_count(db: Database, person_id: int, now: int) -> int:
    """How many places (or places in line) erasing would give up."""
    return len(await signups.upcoming_for_person(db, person_id, now))


@dataclass(frozen=True)
class Erased:
    withdrawn: int
    promoted: list[Signup]  # people moved up from waitlists, to be told


async def erase(db: Database, person_id: int, now: int, *, policy: ReminderPolicy) -> Erased:
    """Withdraws future signups (promoting waitlists), strips the person to an anonymous row, logs it.

    Past signups stay, anonymous, so organizations' counts don't change. Signups are withdrawn again
    after anonymising: one made by a tap racing this erasure is not left holding a place. Last, a
    checkpoint: the WAL still holds the pages as they were before, name and phone included.
    """
    results = await withdraw_all(db, person_id, now, policy=policy)
    person = await people.get(db, person_id)
    async with db.transaction() as tx:
        await people.anonymize(tx, person_id, now)
        if person is not None and person.telegram_id > 0:  # their raw updates, kept for a while after handling
            await inbox.forget_sender(tx, person.telegram_id)
    results += await withdraw_all(db, person_id, now, policy=policy)
    withdrawn = sum(1 for r in results if r.outcome is CancelOutcome.CANCELLED)
    promoted = [r.promoted for r in results if r.promoted is not None]
    async with db.transaction() as tx:
        await audit.record(
            tx,
            actor_id=person_id,
            action="person.erased",
            now=now,
            subject=f"person:{person_id}",
            details={"signups_withdrawn": withdrawn, "waitlist_promotions": len(promoted)},
        )
    await db.checkpoint()
    return Erased(withdrawn, promoted)
