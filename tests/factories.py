"""Builders for test data through the real store and services (no UI), for tests that need a world."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import to_ts
from bot.config import load_settings
from bot.db import Database
from bot.runtime import Runtime
from bot.services.authz import Actor
from bot.store import orgs, people, shifts
from bot.store.orgs import Org
from bot.store.people import Person
from bot.store.roles import Role
from bot.store.shifts import NewShift


def coordinator_of(org_id: int, person_id: int = 0, role: str = "coordinator") -> Actor:
    """An actor holding one role in one organization, for the services' own permission checks."""
    return Actor(person_id=person_id, telegram_id=0, is_network_admin=False,
                 roles=(Role(person_id=person_id, org_id=org_id, role=role, org_name="", org_slug=""),))


def volunteer_actor(person_id: int = 0) -> Actor:
    """A plain volunteer: no roles anywhere."""
    return Actor(person_id=person_id, telegram_id=0, is_network_admin=False, roles=())


# The reminder policy of a network that configured nothing: what unit tests plan reminders with.
POLICY = Runtime(load_settings({}, require_token=False)).reminder_policy


async def make_org(
    db: Database,
    slug: str = "kaya",
    name: str = "KAYA Network",
    *,
    state: str = "CA",
    timezone: str = "America/Los_Angeles",
    now: int = 0,
) -> Org:
    async with db.transaction() as tx:
        return await orgs.create(tx, slug=slug, name=name, state=state, timezone=timezone, now=now)


async def make_volunteer(
    db: Database,
    telegram_id: int,
    *,
    first_name: str = "Vol",
    language_code: str | None = "en",
    locale: str | None = None,
    state: str | None = "CA",
    zip_code: str | None = "94103",
    timezone: str | None = "America/Los_Angeles",
    languages: tuple[str, ...] = ("en",),
    interests: tuple[str, ...] = (),
    follows: tuple[int, ...] = (),
    now: int = 0,
) -> Person:
    """A person who has finished onboarding, as if they had tapped through /start."""
    async with db.transaction() as tx:
        person = await people.upsert_from_telegram(
            tx,
            telegram_id=telegram_id,
            first_name=first_name,
            last_name=None,
            username=None,
            language_code=language_code,
            now=now,
        )
        await people.update(
            tx,
            person.id,
            now,
            display_name=first_name,
            locale=locale,
            state=state,
            zip=zip_code,
            timezone=timezone,
            consent_at=now,
            onboarding_step=None,
        )
        await people.set_languages(tx, person.id, list(languages))
        await people.set_interests(tx, person.id, list(interests))
        for org_id in follows:
            await orgs.follow(tx, person.id, org_id, now)
    found = await people.get(db, person.id)
    assert found is not None
    return found


async def make_shift(
    db: Database,
    org: Org,
    *,
    title: str = "Phone bank",
    kind: str = "phone_bank",
    starts: datetime,
    hours: float = 2,
    capacity: int = 10,
    languages: tuple[str, ...] = (),
    online_url: str | None = None,
    region: str | None = "CA",
    place_name: str | None = "KAYA Office",
    address: str | None = "123 Main St, San Francisco, CA",
    description: str = "Call voters about the election.",
    signup_deadline: datetime | None = None,
    checkin_opens_minutes: int = shifts.CHECKIN_OPENS_DEFAULT,
    now: int = 0,
) -> int:
    async with db.transaction() as tx:
        return await shifts.create(
            tx,
            NewShift(
                org_id=org.id,
                title=title,
                kind=kind,
                starts_at=to_ts(starts),
                ends_at=to_ts(starts + timedelta(hours=hours)),
                timezone=org.timezone,
                capacity=capacity,
                description=description,
                place_name=None if online_url else place_name,
                address=None if online_url else address,
                online_url=online_url,
                region=None if online_url else region,
                languages=languages,
                signup_deadline=to_ts(signup_deadline) if signup_deadline else None,
                checkin_opens_minutes=checkin_opens_minutes,
            ),
            now,
        )
