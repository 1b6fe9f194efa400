"""The dispatcher's wake-ups on the real Application's job queue."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.scheduler import Delivery, Result
from bot.store import outbox
from bot.store.outbox import NewItem, OutboxItem
from handlers import jobs
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator
from tests.factories import make_volunteer


async def test_a_wake_up_while_a_run_is_sending_does_not_wake_again_and_again(
    emulator: BotAPIEmulator, bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    dispatcher = bot.runtime.dispatcher
    assert dispatcher is not None
    person = await make_volunteer(bot.db, 7101)
    emulator.user(7101, "Vol")
    now = bot.runtime.now_ts()
    async with bot.db.transaction() as tx:
        await outbox.enqueue(tx, [NewItem(person_id=person.id, kind="note", due_at=now, dedupe_key="slow")], now)

    gate = asyncio.Event()  # the send waits here, as a wave waits behind people's replies
    sent: list[int] = []

    async def slow(item: OutboxItem) -> Result:
        await gate.wait()
        sent.append(item.id)
        return Result(Delivery.SENT)

    looked: list[int] = []
    real_next_due = outbox.next_due_at

    async def counting(db: Any) -> int | None:
        looked.append(1)
        return await real_next_due(db)

    monkeypatch.setattr(dispatcher, "deliver", slow)
    monkeypatch.setattr(outbox, "next_due_at", counting)
    run = asyncio.create_task(dispatcher.run_due())
    for _ in range(100):
        if dispatcher.busy:
            break
        await asyncio.sleep(0.01)
    assert dispatcher.busy

    await jobs.schedule_wake(bot.app)  # as a handler does after queuing a notice: the item is due now
    await asyncio.sleep(0.5)  # the wake-up fires and finds the run still sending
    # The wake-up sets no new one while the run lasts (it used to re-arm itself at once, hundreds of times).
    assert len(looked) <= 2, f"{len(looked)} wake-ups while one run was sending"

    gate.set()
    await run
    assert len(sent) == 1  # sent once, by the run that was under way
