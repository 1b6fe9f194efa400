"""Volunteers on a path, for /stats: in each organization a coordinator holds a role in, the few who
attended most shifts in the last 60 days, whether their first shift was recent, whether they never
no-showed, the languages they bring — and the upcoming shifts they are on, where one tap can make them
its lead (bot/services/leads.py names them and tells them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import from_ts
from bot.db import Database
from bot.services.authz import Actor
from bot.services.leads import NotAllowed
from bot.store import orgs
from bot.store import rising as store
from bot.store import shifts as shift_store
from bot.store.shifts import Shift

WINDOW = timedelta(days=60)
NEW_WITHIN = timedelta(days=30)  # a first shift this recent makes them a newcomer
TOP = 5  # a short list, readable on a phone


@dataclass(frozen=True)
class RisingVolunteer:
    person_id: int
    name: str
    attended: int  # shifts attended in the window
    reliable: bool  # no no-shows in the window
    first_shift: datetime | None  # their first shift with the organization, when it was recent
    languages: tuple[str, ...]
    leadable: tuple[int, ...]  # upcoming shifts they are on and don't lead yet, soonest first


@dataclass(frozen=True)
class OrgRising:
    org_id: int
    org_name: str
    volunteers: tuple[RisingVolunteer, ...]


async def for_org(db: Database, actor: Actor, org_id: int, now: int) -> OrgRising:
    org = await orgs.get(db, org_id)
    if org is None or not actor.can_coordinate(org_id):
        raise NotAllowed(org_id)
    regulars = await store.regulars(db, org_id, now - int(WINDOW.total_seconds()), now, TOP)
    ids = [r.person_id for r in regulars]
    spoken = await store.languages(db, ids)
    leadable = await store.leadable_shifts(db, org_id, ids, now)
    recent = now - int(NEW_WITHIN.total_seconds())
    volunteers = tuple(
        RisingVolunteer(
            person_id=r.person_id,
            name=r.name,
            attended=r.attended,
            reliable=r.no_shows == 0,
            first_shift=from_ts(r.first_attended_at) if r.first_attended_at >= recent else None,
            languages=spoken[r.person_id],
            leadable=tuple(leadable[r.person_id]),
        )
        for r in regulars
    )
    return OrgRising(org_id, org.name, volunteers)


async def for_actor(db: Database, actor: Actor, now: int) -> list[OrgRising]:
    """Each organization the actor holds a role in, with anyone on a path (network admins' view of the
    whole network stays numbers: they name no leads)."""
    found = []
    for role in actor.roles:
        org = await for_org(db, actor, role.org_id, now)
        if org.volunteers:
            found.append(org)
    return found


async def leadable_shifts(db: Database, actor: Actor, org_id: int, person_id: int, now: int) -> list[Shift]:
    """The organization's shifts not over yet that the person is on and doesn't lead, soonest first."""
    if not actor.can_coordinate(org_id):
        raise NotAllowed(org_id)
    ids = (await store.leadable_shifts(db, org_id, [person_id], now))[person_id]
    shifts = await shift_store.get_many(db, ids)
    return [shifts[i] for i in ids if i in shifts]
