"""The coordinators' evening digest: tomorrow's shifts, planned for 18:00 in each one's zone."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import to_ts
from bot.db import Database
from bot.store import outbox, roles
from bot.store.outbox import NewItem

DIGEST = "digest"
DIGEST_AT = time(18, 0)


def next_digest_time(now: datetime, tz: ZoneInfo) -> datetime:
    local = now.astimezone(tz)
    today = datetime.combine(local.date(), DIGEST_AT, tz)
    return today if today > local else datetime.combine(local.date() + timedelta(days=1), DIGEST_AT, tz)


async def plan_digests(db: Database, now: datetime, default_tz: str) -> int:
    """Queues each coordinator's next digest (once per evening: the key names the local date)."""
    items = []
    for row in await roles.coordinators(db):
        tz = ZoneInfo(row["timezone"] or default_tz)
        at = next_digest_time(now, tz)
        items.append(
            NewItem(
                person_id=row["person_id"],
                kind=DIGEST,
                due_at=to_ts(at),
                dedupe_key=f"{DIGEST}:{row['person_id']}:{at.date().isoformat()}",
                payload={"date": (at.date() + timedelta(days=1)).isoformat()},
            )
        )
    if items:
        async with db.transaction() as tx:
            await outbox.enqueue(tx, items, to_ts(now))
    return len(items)
