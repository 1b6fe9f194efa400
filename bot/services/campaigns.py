"""Campaigns: a coordinator names one, sets goals (doors, conversations, calls, texts, hours), puts shifts in
it; /stats shows what its shifts added up to against each goal.

Only the organization's coordinators (and network admins) create, edit or assign; every write checks it here,
whatever the handler checked, since callback data can be forged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from bot.db import Database, Transaction
from bot.i18n import N_
from bot.services.authz import Actor
from bot.services.exports import org_scope
from bot.services.invalid import Invalid
from bot.store import audit
from bot.store import campaigns as store
from bot.store import shifts as shift_store
from bot.store.campaigns import GOAL_METRICS, Campaign, Done
from bot.text import clean, whole_number

NAME_MAX = 80
GOAL_MAX = 10_000_000
BAR_CELLS = 10

__all__ = ["GOAL_METRICS", "Campaign", "Done", "NotAllowed"]


class NotAllowed(PermissionError):
    """Not a coordinator of the campaign's (or the shift's) organization, or a campaign of another one."""


def read_name(text: str) -> str:
    name = clean(text)
    if not name:
        raise Invalid(N_("The campaign's name can't be empty."), "name")
    if len(name) > NAME_MAX:
        raise Invalid(
            N_("A campaign's name can have at most {max} characters; this one has {count}."), "name",
            max=NAME_MAX, count=len(name),
        )
    return name


def read_goal(text: str) -> int:
    """A goal typed as a whole number from 1 to 10,000,000 ('1,500' reads as fifteen hundred)."""
    value = whole_number(text, grouping=True)
    if value is None or not 1 <= value <= GOAL_MAX:
        raise Invalid(N_("Type a goal as a whole number from 1 to {max}, for example 500."), "goal", max=GOAL_MAX)
    return value


def bar(done: float, goal: int) -> tuple[str, float]:
    """A plain-text bar of BAR_CELLS cells and the ratio done/goal. Any progress shows at least one cell; the
    bar is full only once the goal is reached (so 95 % never looks done)."""
    ratio = done / goal if goal else 0.0
    cells = min(BAR_CELLS, math.ceil(round(ratio * BAR_CELLS, 9)))  # 0.3 is 3 cells, not 3.0000000000000004
    if ratio < 1:
        cells = min(cells, BAR_CELLS - 1)
    return "▓" * cells + "░" * (BAR_CELLS - cells), ratio


def is_active(campaign: Campaign, today: date) -> bool:
    """Running today (open-ended dates count as running)."""
    if campaign.starts_on is not None and date.fromisoformat(campaign.starts_on) > today:
        return False
    return campaign.ends_on is None or date.fromisoformat(campaign.ends_on) >= today


async def _own(db: Database | Transaction, actor: Actor, campaign_id: int) -> Campaign:
    campaign = await store.get(db, campaign_id)
    if campaign is None or not actor.can_coordinate(campaign.org_id):
        raise NotAllowed(campaign_id)
    return campaign


async def visible(db: Database, actor: Actor) -> list[Campaign]:
    """The campaigns of the organizations the actor coordinates (every one for network admins)."""
    if not actor.is_coordinator:
        raise NotAllowed(actor.person_id)
    return await store.for_orgs(db, org_scope(actor))


async def get(db: Database, actor: Actor, campaign_id: int) -> Campaign:
    return await _own(db, actor, campaign_id)


async def for_org(db: Database, actor: Actor, org_id: int) -> list[Campaign]:
    """What a shift of this organization can be put in."""
    if not actor.can_coordinate(org_id):
        raise NotAllowed(org_id)
    return await store.for_orgs(db, (org_id,))


async def _check_free(tx: Transaction, org_id: int, name: str, campaign_id: int | None = None) -> None:
    same = await store.named(tx, org_id, name)
    if same is not None and same.id != campaign_id:
        raise Invalid(N_("This organization already has a campaign called “{name}”."), "name", name=same.name)


async def create(db: Database, actor: Actor, org_id: int, name: str, now: int) -> Campaign:
    if not actor.can_coordinate(org_id):
        raise NotAllowed(org_id)
    name = read_name(name)
    async with db.transaction() as tx:
        await _check_free(tx, org_id, name)
        campaign_id = await store.create(tx, org_id, name, actor.person_id, now)
        await audit.record(tx, actor_id=actor.person_id, action="campaign.create", now=now, org_id=org_id,
                           subject=f"campaign:{campaign_id}", details={"name": name})
    found = await store.get(db, campaign_id)
    assert found is not None
    return found


async def rename(db: Database, actor: Actor, campaign_id: int, name: str, now: int) -> Campaign:
    name = read_name(name)
    async with db.transaction() as tx:
        campaign = await _own(tx, actor, campaign_id)
        await _check_free(tx, campaign.org_id, name, campaign_id)
        await store.update(tx, campaign_id, now, name=name)
    return await _own(db, actor, campaign_id)


async def set_goal(db: Database, actor: Actor, campaign_id: int, metric: str, target: int | None, now: int) -> Campaign:
    """Sets one goal (None removes it); a target out of range is Invalid."""
    if metric not in GOAL_METRICS:
        raise NotAllowed(metric)
    if target is not None and not 1 <= target <= GOAL_MAX:
        raise Invalid(N_("Type a goal as a whole number from 1 to {max}, for example 500."), "goal", max=GOAL_MAX)
    async with db.transaction() as tx:
        campaign = await _own(tx, actor, campaign_id)
        await store.set_goal(tx, campaign_id, metric, target, now)
        await audit.record(tx, actor_id=actor.person_id, action="campaign.goal", now=now, org_id=campaign.org_id,
                           subject=f"campaign:{campaign_id}", details={"metric": metric, "target": target})
    return await _own(db, actor, campaign_id)


async def set_day(
    db: Database, actor: Actor, campaign_id: int, which: str, day: date | None, today: date, now: int
) -> Campaign:
    """The campaign's first ('start') or last ('end') day; None leaves that side open. /stats shows it only
    between them. A last day already past, or one before the first, is refused."""
    if which not in ("start", "end"):
        raise NotAllowed(which)
    if which == "end" and day is not None and day < today:
        raise Invalid(N_("That date has already passed."), "ends_on")
    async with db.transaction() as tx:
        campaign = await _own(tx, actor, campaign_id)
        start = day if which == "start" else _day(campaign.starts_on)
        end = day if which == "end" else _day(campaign.ends_on)
        if start is not None and end is not None and end < start:
            raise Invalid(N_("The campaign can't end before it starts."), "ends_on")
        column = "starts_on" if which == "start" else "ends_on"
        await store.update(tx, campaign_id, now, **{column: day.isoformat() if day else None})
    return await _own(db, actor, campaign_id)


def _day(iso: str | None) -> date | None:
    return date.fromisoformat(iso) if iso else None


async def check_assignable(db: Database | Transaction, actor: Actor, org_id: int, campaign_id: int | None) -> None:
    """A shift of `org_id` may be put in this campaign by this actor (None: in none)."""
    if not actor.can_coordinate(org_id):
        raise NotAllowed(org_id)
    if campaign_id is not None:
        campaign = await store.get(db, campaign_id)
        if campaign is None or campaign.org_id != org_id:
            raise NotAllowed(campaign_id)


async def assign(db: Database, actor: Actor, shift_id: int, campaign_id: int | None, now: int) -> None:
    """Puts a shift in one of its organization's campaigns, or in none."""
    async with db.transaction() as tx:
        shift = await shift_store.get(tx, shift_id)
        if shift is None:
            raise NotAllowed(shift_id)
        await check_assignable(tx, actor, shift.org_id, campaign_id)
        await store.assign(tx, shift_id, campaign_id, now)
        await audit.record(tx, actor_id=actor.person_id, action="campaign.assign", now=now, org_id=shift.org_id,
                           subject=f"shift:{shift_id}", details={"campaign": campaign_id})


@dataclass(frozen=True)
class Progress:
    campaign: Campaign
    done: Done


async def progress(db: Database, campaigns: list[Campaign]) -> list[Progress]:
    sums = await store.progress(db, [c.id for c in campaigns])
    return [Progress(c, sums[c.id]) for c in campaigns]


async def active_progress(db: Database, actor: Actor, today: date) -> list[Progress]:
    """/stats: each running campaign the actor may see, with what its shifts added up to."""
    running = [c for c in await visible(db, actor) if is_active(c, today)]
    return await progress(db, running)
