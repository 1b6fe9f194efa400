"""Campaigns, their goals, the shifts that belong to them, and what those shifts added up to."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from bot.db import Database, Transaction

GOAL_METRICS = ("doors", "conversations", "calls", "texts", "hours")


@dataclass(frozen=True)
class Campaign:
    id: int
    org_id: int
    org_name: str
    name: str
    starts_on: str | None  # ISO date in the organization's calendar; None: open
    ends_on: str | None
    goals: dict[str, int] = field(default_factory=dict)  # metric → target; metrics without a goal are absent

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Campaign:
        return cls(
            id=row["id"], org_id=row["org_id"], org_name=row["org_name"], name=row["name"],
            starts_on=row["starts_on"], ends_on=row["ends_on"],
            goals={m: t for m, t in json.loads(row["goal_list"] or "[]")},
        )


_SELECT = """
SELECT c.*, o.name AS org_name,
       (SELECT json_group_array(json_array(g.metric, g.target)) FROM campaign_goal g WHERE g.campaign_id = c.id)
           AS goal_list
FROM campaign c JOIN org o ON o.id = c.org_id
"""


def name_key(name: str) -> str:
    """What two names must differ in to be two campaigns: case, in any script."""
    return name.casefold()


async def create(tx: Transaction, org_id: int, name: str, created_by: int | None, now: int) -> int:
    return await tx.execute(
        "INSERT INTO campaign (org_id, name, name_key, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        (org_id, name, name_key(name), created_by, now, now),
    )


async def get(db: Database | Transaction, campaign_id: int) -> Campaign | None:
    row = await db.fetchone(_SELECT + " WHERE c.id = ?", (campaign_id,))
    return Campaign.from_row(row) if row else None


async def named(db: Database | Transaction, org_id: int, name: str) -> Campaign | None:
    """The organization's campaign of this name, whatever its case."""
    row = await db.fetchone(_SELECT + " WHERE c.org_id = ? AND c.name_key = ?", (org_id, name_key(name)))
    return Campaign.from_row(row) if row else None


async def for_orgs(db: Database | Transaction, org_ids: Collection[int] | None) -> list[Campaign]:
    """The organizations' campaigns (None: every organization's), by organization, then newest first."""
    if org_ids is None:
        rows = await db.fetchall(_SELECT + " ORDER BY o.name COLLATE NOCASE, c.id DESC")
    else:
        rows = await db.fetchall(
            _SELECT + " WHERE c.org_id IN (SELECT value FROM json_each(?)) ORDER BY o.name COLLATE NOCASE, c.id DESC",
            (json.dumps(sorted(org_ids)),),
        )
    return [Campaign.from_row(r) for r in rows]


async def count_for_org(db: Database | Transaction, org_id: int) -> int:
    return int(await db.fetchval("SELECT count(*) FROM campaign WHERE org_id = ?", (org_id,)))


EDITABLE_COLUMNS = frozenset({"name", "name_key", "starts_on", "ends_on"})


async def update(tx: Transaction, campaign_id: int, now: int, **values: object) -> None:
    if "name" in values:
        values["name_key"] = name_key(str(values["name"]))
    await tx.update_columns("campaign", campaign_id, EDITABLE_COLUMNS, values, now)


async def set_goal(tx: Transaction, campaign_id: int, metric: str, target: int | None, now: int) -> None:
    """Sets (or, with None, removes) one goal."""
    if metric not in GOAL_METRICS:
        raise ValueError(metric)
    if target is None:
        await tx.execute("DELETE FROM campaign_goal WHERE campaign_id = ? AND metric = ?", (campaign_id, metric))
    else:
        await tx.execute(
            "INSERT INTO campaign_goal (campaign_id, metric, target) VALUES (?, ?, ?)"
            " ON CONFLICT (campaign_id, metric) DO UPDATE SET target = excluded.target",
            (campaign_id, metric, target),
        )
    await tx.execute("UPDATE campaign SET updated_at = ? WHERE id = ?", (now, campaign_id))


async def assign(tx: Transaction, shift_id: int, campaign_id: int | None, now: int) -> None:
    await tx.execute("UPDATE shift SET campaign_id = ?, updated_at = ? WHERE id = ?", (campaign_id, now, shift_id))


@dataclass(frozen=True)
class Done:
    """What a campaign's shifts added up to: reported outcomes and checked-out hours."""

    doors: int = 0
    conversations: int = 0
    calls: int = 0
    texts: int = 0
    hours: float = 0.0
    shifts: int = 0  # in the campaign, not cancelled

    def of(self, metric: str) -> float:
        return float(getattr(self, metric))


async def progress(db: Database | Transaction, campaign_ids: Sequence[int]) -> dict[int, Done]:
    """Per campaign, the sums over its shifts that weren't cancelled (each signup's report and check-in once)."""
    if not campaign_ids:
        return {}
    rows = await db.fetchall(
        """
        SELECT s.campaign_id, count(DISTINCT s.id) AS shifts,
               COALESCE(sum(r.doors), 0) AS doors, COALESCE(sum(r.conversations), 0) AS conversations,
               COALESCE(sum(r.calls), 0) AS calls, COALESCE(sum(r.texts), 0) AS texts,
               COALESCE(sum(c.hours), 0) AS hours
        FROM shift s LEFT JOIN signup g ON g.shift_id = s.id
             LEFT JOIN report r ON r.signup_id = g.id
             LEFT JOIN checkin c ON c.signup_id = g.id
        WHERE s.campaign_id IN (SELECT value FROM json_each(?)) AND s.status != 'cancelled'
        GROUP BY s.campaign_id
        """,
        (json.dumps(sorted(set(campaign_ids))),),
    )
    found = {i: Done() for i in campaign_ids}
    for r in rows:
        found[r["campaign_id"]] = Done(
            r["doors"], r["conversations"], r["calls"], r["texts"], float(r["hours"]), r["shifts"]
        )
    return found
