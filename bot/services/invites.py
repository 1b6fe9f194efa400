"""Role invites: a secret code in a deep link makes whoever opens it a coordinator or org admin.

Only the code's SHA-256 is stored, so a copy of the database gives nobody a working link. Accepting
runs in one write transaction: looking the code up, counting the use and granting the role happen
together, so two people racing for a single-use code can't both win.
"""

from __future__ import annotations

import enum
import hashlib
import re
import secrets
from dataclasses import dataclass

from bot.db import Database
from bot.services.authz import Actor
from bot.services.orgs_admin import ROLES
from bot.store import audit, orgs, roles
from bot.store import invites as invite_store
from bot.store.invites import Invite

PREFIX = "inv-"
CODE_BYTES = 32  # 256 bits → 43 characters; "inv-" + 43 stays well inside Telegram's 64-character payload
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{20,60}$")
DEFAULT_DAYS = 7
MAX_DAYS = 90
MAX_USES = 1000
DAY = 24 * 3600


class NotAllowed(PermissionError):
    """The actor may not invite to, or manage invites of, that organization."""


class AlreadyMade(Exception):
    """This request made its invite already (the same button pressed again); its code is not kept."""

    def __init__(self, invite: Invite) -> None:
        super().__init__(f"invite {invite.id} was made for this request already")
        self.invite = invite


class InvalidInvite(ValueError):
    """Bad parameters for a new invite (unknown role or organization, uses or days out of range)."""


def new_code() -> str:
    """An unguessable code of URL-safe characters only ([A-Za-z0-9_-]), as deep links allow."""
    return secrets.token_urlsafe(CODE_BYTES)


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def start_payload(code: str) -> str:
    return PREFIX + code


def deep_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={start_payload(code)}"


@dataclass(frozen=True)
class NewInvite:
    code: str  # shown once, to the person who made it; never stored
    invite: Invite


async def create_invite(
    db: Database,
    *,
    actor: Actor | None,
    org_id: int,
    role: str,
    now: int,
    max_uses: int = 1,
    days: int = DEFAULT_DAYS,
    request_key: str | None = None,
) -> NewInvite:
    """Makes an invite to the role in an active organization; actor None is the operator's terminal.
    A `request_key` the service has seen before raises AlreadyMade: one request, one invite."""
    if role not in ROLES:
        raise InvalidInvite(f"role must be one of {', '.join(ROLES)}")
    if not 1 <= max_uses <= MAX_USES:
        raise InvalidInvite(f"uses must be 1 to {MAX_USES}")
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInvite(f"days must be 1 to {MAX_DAYS}")
    if actor is not None and not actor.can_administer(org_id):
        raise NotAllowed(org_id)
    code = new_code()
    async with db.transaction() as tx:
        if await orgs.get_active(tx, org_id) is None:
            raise InvalidInvite("no such active organization")
        if request_key is not None and (made := await invite_store.get_by_request(tx, request_key)) is not None:
            raise AlreadyMade(made)
        invite = await invite_store.create(
            tx, code_hash=hash_code(code), org_id=org_id, role=role,
            created_by=actor.person_id if actor else None, now=now, expires_at=now + days * DAY,
            max_uses=max_uses, request_key=request_key,
        )
        await audit.record(
            tx, actor_id=actor.person_id if actor else None, action="invite.create", now=now, org_id=org_id,
            subject=f"invite:{invite.id}", details={"role": role, "max_uses": max_uses, "days": days},
        )
    return NewInvite(code, invite)


class AcceptOutcome(enum.Enum):
    ACCEPTED = "accepted"
    ALREADY = "already"  # they hold this role (or a higher one) already; no use is counted
    UNKNOWN = "unknown"  # no invite has this code (mistyped, cut off, or made up)
    REVOKED = "revoked"
    EXPIRED = "expired"
    USED_UP = "used_up"


@dataclass(frozen=True)
class AcceptResult:
    outcome: AcceptOutcome
    invite: Invite | None = None
    role: str | None = None  # the role they hold in the invite's organization afterwards


def _covers(held: str | None, offered: str) -> bool:
    return held == offered or held == "org_admin"


async def accept_invite(db: Database, person_id: int, code: str, now: int) -> AcceptResult:
    """Grants the invite's role if the code is live, counting one use and writing the audit log."""
    if not CODE_RE.match(code):
        return AcceptResult(AcceptOutcome.UNKNOWN)
    async with db.transaction() as tx:
        invite = await invite_store.get_by_hash(tx, hash_code(code))
        if invite is None:
            return AcceptResult(AcceptOutcome.UNKNOWN)
        if invite.revoked_at is not None or invite.org_status != "active":
            return AcceptResult(AcceptOutcome.REVOKED, invite)
        held = await roles.role_in(tx, person_id, invite.org_id)
        if _covers(held, invite.role):
            return AcceptResult(AcceptOutcome.ALREADY, invite, held)
        if invite.uses >= invite.max_uses:
            return AcceptResult(AcceptOutcome.USED_UP, invite)
        if now >= invite.expires_at:
            return AcceptResult(AcceptOutcome.EXPIRED, invite)
        if not await invite_store.use_once(tx, invite.id):
            return AcceptResult(AcceptOutcome.USED_UP, invite)
        await roles.grant(tx, person_id, invite.org_id, invite.role, invite.created_by, now)
        await audit.record(
            tx, actor_id=person_id, action="role.grant", now=now, org_id=invite.org_id,
            subject=f"person:{person_id}",
            details={"role": invite.role, "invite": invite.id, "previous": held, "invited_by": invite.created_by},
        )
    return AcceptResult(AcceptOutcome.ACCEPTED, invite, invite.role)


class RevokeOutcome(enum.Enum):
    REVOKED = "revoked"
    ALREADY = "already"
    NOT_FOUND = "not_found"  # no such invite, or not one this actor may manage (forged data)


async def revoke_invite(
    db: Database, actor: Actor | None, invite_id: int, now: int
) -> tuple[RevokeOutcome, Invite | None]:
    """Stops an invite from working; only those who administer its organization may."""
    async with db.transaction() as tx:
        invite = await invite_store.get(tx, invite_id)
        if invite is None or (actor is not None and not actor.can_administer(invite.org_id)):
            return RevokeOutcome.NOT_FOUND, None
        if not await invite_store.revoke(tx, invite_id, now):
            return RevokeOutcome.ALREADY, invite
        await audit.record(
            tx, actor_id=actor.person_id if actor else None, action="invite.revoke", now=now,
            org_id=invite.org_id, subject=f"invite:{invite.id}", details={"role": invite.role},
        )
    return RevokeOutcome.REVOKED, invite


async def open_invites(db: Database, actor: Actor | None, org_id: int, now: int) -> list[Invite]:
    """The organization's invites that still work, for those who administer it."""
    if actor is not None and not actor.can_administer(org_id):
        raise NotAllowed(org_id)
    return await invite_store.open_for_org(db, org_id, now)
