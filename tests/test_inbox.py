"""The inbox's rules: stored before acknowledged, one sender at a time and in order, senders in
parallel (bounded), unhandled updates survive a stop, handled ones are pruned after a week."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot.clock import ManualClock, to_ts
from bot.db import Database
from bot.store import inbox as store
from handlers.inbox import KEEP_HANDLED_SECONDS, Inbox
from handlers.telegram_bot import TurnoutBot

T0 = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "inbox.sqlite3")
    await database.migrate()
    yield database
    await database.close()


def message(update_id: int, user_id: int, text: str = "hi") -> dict[str, Any]:
    user = {"id": user_id, "is_bot": False, "first_name": f"U{user_id}"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "from": user,
            "chat": {"id": user_id, "type": "private", "first_name": f"U{user_id}"},
            "date": to_ts(T0),
            "text": text,
        },
    }


class ScriptedBot(TurnoutBot):
    """getUpdates answered from a script; each call checks that what its offset acknowledges is
    already in the database."""

    def __init__(self, db: Database, batches: list[list[dict[str, Any]]]) -> None:
        super().__init__("123:TEST")
        # (a Bot's public attributes are frozen after __init__)
        self._db = db
        self._batches = batches
        self._offsets: list[int | None] = []
        self._acknowledged_unstored: list[int] = []

    async def get_raw_updates(self, offset: int | None, hold: int, allowed_updates: list[str]) -> list[dict[str, Any]]:
        self._offsets.append(offset)
        if offset is not None:
            stored = {r["update_id"] for r in await self._db.fetchall("SELECT update_id FROM inbox")}
            self._acknowledged_unstored += [i for i in range(1, offset) if i not in stored]
        if self._batches:
            return self._batches.pop(0)
        await asyncio.sleep(3600)
        return []


@dataclass
class RecordingApp:
    """Stands in for the Application: records when each update's handling starts and ends."""

    bot: ScriptedBot
    log: list[tuple[str, int, int]] = field(default_factory=list)  # (event, sender, update_id)
    running: int = 0
    most_at_once: int = 0
    block: asyncio.Event | None = None

    async def process_update(self, update: Update) -> None:
        assert update.effective_user is not None
        sender = update.effective_user.id
        self.log.append(("start", sender, update.update_id))
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        try:
            if self.block is not None:
                await self.block.wait()
            await asyncio.sleep(random.uniform(0, 0.01))
        finally:
            self.running -= 1
        self.log.append(("end", sender, update.update_id))


def make_inbox(app: RecordingApp, db: Database, **kwargs: Any) -> Inbox:
    return Inbox(app, db, ManualClock(T0), **kwargs)  # type: ignore[arg-type]


async def test_store_keeps_an_update_once_and_returns_only_new_ones(db: Database) -> None:
    rows = [store.Received(i, 7, json.dumps(message(i, 7))) for i in (1, 2)]
    async with db.transaction() as tx:
        assert await store.add(tx, rows, 100) == {1, 2}
    async with db.transaction() as tx:  # fetched again: a crash came before the acknowledgement
        assert await store.add(tx, [*rows, store.Received(3, 8, "{}")], 101) == {3}
    async with db.transaction() as tx:
        await store.mark_handled(tx, 2, 102)
    assert [r.update_id for r in await store.unhandled(db)] == [1, 3]
    assert await store.counts(db) == {"new": 2, "handled": 1}


async def test_recovery_gives_up_on_an_update_that_keeps_crashing_the_bot(db: Database) -> None:
    async with db.transaction() as tx:
        await store.add(tx, [store.Received(1, 7, "{}")], 100)
    for start in range(1, 6):
        async with db.transaction() as tx:
            given_up = await store.begin_recovery(tx, max_attempts=5)
        assert given_up == (1 if start == 5 else 0)
    assert await store.unhandled(db) == []
    assert await store.counts(db) == {"failed": 1}


async def test_handled_updates_are_pruned_after_a_week(db: Database) -> None:
    now = to_ts(T0)
    async with db.transaction() as tx:
        await store.add(tx, [store.Received(i, 7, "{}") for i in (1, 2, 3)], now - KEEP_HANDLED_SECONDS - 10)
        await store.mark_handled(tx, 1, now - KEEP_HANDLED_SECONDS - 5)
        await store.mark_handled(tx, 2, now - 60)
    app = RecordingApp(ScriptedBot(db, []))
    assert await make_inbox(app, db).prune() == 1
    assert await store.counts(db) == {"handled": 1, "new": 1}  # an unhandled one is never pruned


async def test_one_sender_in_order_senders_in_parallel_and_nothing_acknowledged_before_stored(
    db: Database,
) -> None:
    senders = range(100, 110)
    updates = [message(i + 1, random.choice(senders)) for i in range(200)]
    batches = [updates[i : i + 40] for i in range(0, 200, 40)]
    app = RecordingApp(ScriptedBot(db, batches))
    inbox = make_inbox(app, db, parallel=4)
    await inbox.start()
    try:
        for _ in range(500):
            if inbox.handled == 200:
                break
            await asyncio.sleep(0.01)
        assert inbox.handled == 200
    finally:
        await inbox.stop(grace=1)

    assert app.bot._acknowledged_unstored == []
    assert app.bot._offsets[:6] == [None, 41, 81, 121, 161, 201]
    for sender in senders:
        events = [(event, uid) for event, s, uid in app.log if s == sender]
        mine = [u["update_id"] for u in updates if u["message"]["from"]["id"] == sender]
        # one at a time: every start is followed by its own end; in the order they came
        assert events == [(event, uid) for uid in mine for event in ("start", "end")]
    assert 1 < app.most_at_once <= 4
    assert await store.counts(db) == {"handled": 200}


async def test_stopping_leaves_unfinished_updates_for_the_next_start(db: Database) -> None:
    batch = [message(1, 7, "first"), message(2, 7, "second"), message(3, 8, "other")]
    app = RecordingApp(ScriptedBot(db, [batch]), block=asyncio.Event())
    inbox = make_inbox(app, db)
    await inbox.start()
    for _ in range(200):
        if app.running == 2:
            break
        await asyncio.sleep(0.01)
    await inbox.stop(grace=0.05)  # both handlers are stuck: cancelled, as a crash would
    assert [r.update_id for r in await store.unhandled(db)] == [1, 2, 3]

    again = RecordingApp(ScriptedBot(db, []))
    inbox = make_inbox(again, db)
    await inbox.start()
    for _ in range(200):
        if inbox.handled == 3:
            break
        await asyncio.sleep(0.01)
    await inbox.stop(grace=1)
    assert [uid for event, sender, uid in again.log if event == "start" and sender == 7] == [1, 2]
    assert await store.unhandled(db) == []
    assert await store.counts(db) == {"handled": 3}
