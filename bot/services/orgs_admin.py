"""Running the network: creating partner organizations and managing who holds a role in them.

`actor=None` means the operator at the terminal (`python -m bot admin`), who may do anything; a person
acting through the bot is checked here again even though the handler already checked, so a forged
button can never get further than the rule.
"""

from __future__ import annotations

import enum
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from bot.db import Database
from bot.services.authz import Actor
from bot.services.once import Claim, claimed
from bot.store import audit, orgs, roles
from bot.store.orgs import Org
from bot.store.roles import Member
from bot.text import clean
from bot.vocab import STATE_ZONES

SLUG_RE = re.compile(r"^[a-z0-9]{2,32}$")
NAME_MAX = 120
ROLES = ("coordinator", "org_admin")


class OrgProblem(enum.Enum):
    NAME = "name"  # empty or longer than NAME_MAX
    SLUG = "slug"  # not 2–32 lowercase letters and digits
    SLUG_TAKEN = "slug_taken"
    STATE = "state"  # not a code in bot.vocab.STATE_ZONES
    TIMEZONE = "timezone"  # not an IANA zone, or none given and no state to take one from


class NotAllowed(PermissionError):
    """Only network admins create organizations."""


class InvalidOrg(ValueError):
    """The organization can't be created as asked; `problem` says which field is wrong."""

    def __init__(self, problem: OrgProblem, detail: str = "") -> None:
        super().__init__(f"{problem.value}: {detail}" if detail else problem.value)
        self.problem = problem


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_timezone(name: str) -> bool:
    return name in _zones()


def clean_name(name: str) -> str:
    """The one rule for stored text (bot/text.py): ' KAYA   Network ' and 'KAYA Network' are one name."""
    return clean(name)


def check_name(name: str) -> str:
    cleaned = clean_name(name)
    if not 1 <= len(cleaned) <= NAME_MAX:
        raise InvalidOrg(OrgProblem.NAME, f"must be 1 to {NAME_MAX} characters")
    return cleaned


def check_slug(slug: str) -> str:
    if not SLUG_RE.match(slug):
        raise InvalidOrg(OrgProblem.SLUG, "must be 2 to 32 lowercase letters a-z and digits")
    return slug


def suggest_slug(name: str) -> str | None:
    """A slug from the name's Latin letters and digits ('KAYA Network!' → 'kayanetwork'), or None."""
    ascii_only = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]", "", ascii_only)[:32]
    return slug if SLUG_RE.match(slug) else None


def default_timezone(state: str | None) -> str | None:
    """The state's main zone (the first listed), or None without a state."""
    return STATE_ZONES[state][0] if state in STATE_ZONES else None


async def slug_available(db: Database, slug: str) -> bool:
    return await orgs.get_by_slug(db, slug) is None


async def create_org(
    db: Database,
    *,
    name: str,
    slug: str,
    state: str | None,
    timezone: str | None,
    actor: Actor | None,
    now: int,
    claim: Claim | None = None,
) -> Org:
    """Creates the organization (time zone defaults to the state's) and records who did it; with a
    `claim`, only if it can be claimed in the same transaction (raises AlreadyDone otherwise).

    Only network admins may, checked here too (NotAllowed); `actor` None is the operator's CLI."""
    if actor is not None and not actor.is_network_admin:
        raise NotAllowed(actor.person_id)
    actor_id = actor.person_id if actor is not None else None
    name = check_name(name)
    slug = check_slug(slug)
    if state is not None and state not in STATE_ZONES:
        raise InvalidOrg(OrgProblem.STATE, f"{state!r} is not a US state or territory code")
    timezone = timezone or default_timezone(state)
    if timezone is None or not is_timezone(timezone):
        raise InvalidOrg(OrgProblem.TIMEZONE, f"{timezone!r} is not an IANA time zone")
    ZoneInfo(timezone)  # loadable, not just listed
    try:
        async with db.transaction() as tx:
            await claimed(tx, claim)
            org = await orgs.create(tx, slug=slug, name=name, state=state, timezone=timezone, now=now)
            await audit.record(
                tx, actor_id=actor_id, action="org.create", now=now, org_id=org.id, subject=f"org:{org.id}",
                details={"slug": slug, "name": name, "state": state, "timezone": timezone},
            )
    except sqlite3.IntegrityError:
        raise InvalidOrg(OrgProblem.SLUG_TAKEN, f"{slug!r} is taken") from None
    return org


async def administered_orgs(db: Database, actor: Actor) -> list[Org]:
    """The active organizations this person may invite to and manage: all of them for a network admin."""
    active = await orgs.list_active(db)
    return [o for o in active if actor.can_administer(o.id)]


@dataclass(frozen=True)
class OrgOverview:
    org: Org
    members: tuple[Member, ...]


async def network_overview(db: Database) -> list[OrgOverview]:
    """Every active organization with the people who hold its roles (for the operator's terminal)."""
    return [OrgOverview(o, tuple(await roles.members(db, o.id))) for o in await orgs.list_active(db)]


class RemoveOutcome(enum.Enum):
    REMOVED = "removed"
    NOT_MEMBER = "not_member"  # nothing to remove (already removed, or forged)
    NOT_ALLOWED = "not_allowed"
    SELF = "self"  # nobody removes themselves here: an org must not lose its admin by a slip


@dataclass(frozen=True)
class RemoveResult:
    outcome: RemoveOutcome
    role: str | None = None


def may_remove(actor: Actor, org_id: int, role: str) -> bool:
    """Org admins remove their coordinators; only network admins remove an org admin."""
    if role == "org_admin":
        return actor.is_network_admin
    return actor.can_administer(org_id)


async def remove_member(db: Database, actor: Actor, org_id: int, person_id: int, now: int) -> RemoveResult:
    """Takes the person's role in the organization away, and writes it in the audit log."""
    if person_id == actor.person_id:
        return RemoveResult(RemoveOutcome.SELF)
    async with db.transaction() as tx:
        role = await roles.role_in(tx, person_id, org_id)
        if role is None:
            return RemoveResult(RemoveOutcome.NOT_MEMBER)
        if not may_remove(actor, org_id, role):
            return RemoveResult(RemoveOutcome.NOT_ALLOWED, role)
        await roles.revoke(tx, person_id, org_id)
        await audit.record(
            tx, actor_id=actor.person_id, action="role.revoke", now=now, org_id=org_id,
            subject=f"person:{person_id}", details={"role": role},
        )
    return RemoveResult(RemoveOutcome.REMOVED, role)
