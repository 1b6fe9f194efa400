"""Who may do what. Every handler asks here, every time: callback data can be forged.

Network admins (TURNOUT_ADMINS) may act for every organization; org admins for theirs, including
managing its coordinators; coordinators for their organizations' shifts and volunteers.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.db import Database
from bot.store import roles
from bot.store.roles import Role


@dataclass(frozen=True)
class Actor:
    """A person as the permission checks see them."""

    person_id: int
    telegram_id: int
    is_network_admin: bool
    roles: tuple[Role, ...]

    @property
    def coordinated_org_ids(self) -> frozenset[int]:
        return frozenset(r.org_id for r in self.roles)

    @property
    def is_coordinator(self) -> bool:
        return self.is_network_admin or bool(self.roles)

    def can_coordinate(self, org_id: int) -> bool:
        """Post and manage shifts, see rosters, message volunteers of this organization."""
        return self.is_network_admin or org_id in self.coordinated_org_ids

    def can_administer(self, org_id: int) -> bool:
        """Invite and remove the organization's coordinators and admins."""
        return self.is_network_admin or any(r.org_id == org_id and r.role == "org_admin" for r in self.roles)


async def actor(db: Database, person_id: int, telegram_id: int, admins: frozenset[int]) -> Actor:
    return Actor(
        person_id=person_id,
        telegram_id=telegram_id,
        is_network_admin=telegram_id in admins,
        roles=tuple(await roles.for_person(db, person_id)),
    )
