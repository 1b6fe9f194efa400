"""Shift leads: a coordinator names a volunteer on a shift's roster to run that shift's door.

Rules:
- Only a coordinator of the shift's organization names or removes a lead; the lead must be on the roster
  (confirmed or attended) of a shift that is neither cancelled nor over.
- A lead sees that one shift's roster (phones only when the coordinator allowed it), checks people in and
  out, corrects their times and gets the check-in QR code — and nothing else of the organization. Their
  powers end with the lead role, or when they leave the shift's roster.
- The lead is told, in their language (through the outbox), when named and when removed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.clock import to_ts
from bot.db import Database, Transaction
from bot.services.authz import Actor
from bot.store import audit, outbox
from bot.store import leads as store
from bot.store import shifts as shift_store
from bot.store import signups as signup_store
from bot.store.shifts import Shift

LEAD_NAMED = "lead_named"
LEAD_REMOVED = "lead_removed"
ON_ROSTER = ("confirmed", "attended")


class NotAllowed(PermissionError):
    """The actor may not name or remove this shift's leads."""


class LeadOutcome(enum.Enum):
    NAMED = "named"
    UPDATED = "updated"  # a lead already: whether they see phones changed
    ALREADY = "already"  # a lead already, as asked: nothing changed
    REMOVED = "removed"
    NOT_LEAD = "not_lead"  # removing someone who isn't lead
    NOT_ON_ROSTER = "not_on_roster"
    SHIFT_OVER = "shift_over"  # cancelled or ended


@dataclass(frozen=True)
class DoorAccess:
    """What someone may do at one shift's door: every coordinator may; a lead sees phones only if allowed."""

    coordinator: bool
    show_phones: bool


COORDINATOR = DoorAccess(coordinator=True, show_phones=True)


async def door_access(db: Database | Transaction, actor: Actor, shift: Shift) -> DoorAccess | None:
    """How the actor may run this shift's door (roster, check-ins, QR), or None when they may not."""
    if actor.can_coordinate(shift.org_id):
        return COORDINATOR
    lead = await store.active(db, shift.id, actor.person_id)
    return DoorAccess(coordinator=False, show_phones=lead.show_phones) if lead else None


async def may_run_door(db: Database | Transaction, actor: Actor, shift: Shift) -> bool:
    return await door_access(db, actor, shift) is not None


async def led_shifts(db: Database, person_id: int, *, ends_after: int | None = None) -> list[int]:
    """Ids of the shifts the person leads (those not over yet, with `ends_after`), soonest first."""
    return await store.led_by(db, person_id, ends_after=ends_after)


async def leads_of(db: Database | Transaction, shift_id: int) -> dict[int, store.Lead]:
    """The shift's leads, by person id."""
    return await store.for_shift(db, shift_id)


async def name_lead(
    db: Database, actor: Actor, shift_id: int, person_id: int, *, show_phones: bool, now: int
) -> LeadOutcome:
    """Names the person lead of the shift (or changes whether they see phones), logged, and tells them."""
    async with db.transaction() as tx:
        shift = await _coordinated(tx, actor, shift_id)
        if shift.status == "cancelled" or to_ts(shift.ends_at) <= now:
            return LeadOutcome.SHIFT_OVER
        signup = await signup_store.find(tx, shift_id, person_id)
        if signup is None or signup.status not in ON_ROSTER:
            return LeadOutcome.NOT_ON_ROSTER
        current = await store.active(tx, shift_id, person_id)
        if current is not None:
            if current.show_phones == show_phones:
                return LeadOutcome.ALREADY
            await store.set_phones(tx, current.id, show_phones)
            await _audit(tx, actor, shift, person_id, "shift.lead_phones", now, show_phones=show_phones)
            return LeadOutcome.UPDATED
        await store.end(tx, shift_id, person_id, actor.person_id, now)  # a role left from a cancelled signup
        lead_id = await store.add(tx, shift_id, person_id, show_phones, actor.person_id, now)
        await _audit(tx, actor, shift, person_id, "shift.lead_named", now, show_phones=show_phones)
        await _tell(tx, person_id, shift_id, LEAD_NAMED, lead_id, now)
    return LeadOutcome.NAMED


async def remove_lead(db: Database, actor: Actor, shift_id: int, person_id: int, *, now: int) -> LeadOutcome:
    """Ends the person's lead role on the shift, logged, and tells them."""
    async with db.transaction() as tx:
        shift = await _coordinated(tx, actor, shift_id)
        was_active = await store.active(tx, shift_id, person_id) is not None
        lead_id = await store.end(tx, shift_id, person_id, actor.person_id, now)
        if lead_id is None:
            return LeadOutcome.NOT_LEAD
        await _audit(tx, actor, shift, person_id, "shift.lead_removed", now)
        if was_active:  # someone who already left the shift isn't told twice
            await _tell(tx, person_id, shift_id, LEAD_REMOVED, lead_id, now)
    return LeadOutcome.REMOVED


async def still_lead(db: Database, lead_id: int) -> bool:
    """Whether a naming is still in force (its notice is sent only then)."""
    lead = await store.get(db, lead_id)
    if lead is None or lead.removed_at is not None:
        return False
    return await store.active(db, lead.shift_id, lead.person_id) is not None


async def _coordinated(tx: Transaction, actor: Actor, shift_id: int) -> Shift:
    # Checked here as well as in the handler: callback data can be forged, and /stats names leads too.
    shift = await shift_store.get(tx, shift_id)
    if shift is None or not actor.can_coordinate(shift.org_id):
        raise NotAllowed(shift_id)
    return shift


async def _audit(
    tx: Transaction, actor: Actor, shift: Shift, person_id: int, action: str, now: int, **details: object
) -> None:
    await audit.record(
        tx, actor_id=actor.person_id, action=action, now=now, org_id=shift.org_id,
        subject=f"shift:{shift.id}", details={"person_id": person_id, **details},
    )


async def _tell(tx: Transaction, person_id: int, shift_id: int, kind: str, lead_id: int, now: int) -> None:
    await outbox.enqueue(
        tx,
        [outbox.NewItem(person_id=person_id, kind=kind, due_at=now, dedupe_key=f"{kind}:{lead_id}",
                        shift_id=shift_id, payload={"lead_id": lead_id})],
        now,
    )
