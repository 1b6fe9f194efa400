"""The dispatcher against a real outbox: due items only, 403, 429, retries, and crashes mid-batch."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock, to_ts
from bot.db import Database
from bot.scheduler import MAX_ATTEMPTS, Delivery, Dispatcher, Result
from bot.store import outbox, people
from bot.store.outbox import NewItem, OutboxItem
from tests.factories import make_volunteer

NOW = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "t.sqlite3")
    await database.migrate()
    yield database
    await database.close()


async def queue(db: Database, person_ids: list[int], due: datetime, kind: str = "note") -> None:
    async with db.transaction() as tx:
        await outbox.enqueue(
            tx,
            [
                NewItem(person_id=p, kind=kind, due_at=to_ts(due), dedupe_key=f"{kind}:{p}:{to_ts(due)}")
                for p in person_ids
            ],
            to_ts(NOW),
        )


class FakeTelegram:
    """Records what was delivered; answers are scripted per person."""

    def __init__(self) -> None:
        self.delivered: list[int] = []
        self.script: dict[int, list[Result]] = {}

    async def deliver(self, item: OutboxItem) -> Result:
        answers = self.script.get(item.person_id)
        result = answers.pop(0) if answers else Result(Delivery.SENT)
        if result.delivery is Delivery.SENT:
            self.delivered.append(item.person_id)
        return result


async def volunteers(db: Database, n: int) -> list[int]:
    return [(await make_volunteer(db, 500 + i)).id for i in range(n)]


async def test_sends_what_is_due_and_nothing_early(db: Database) -> None:
    clock = ManualClock(NOW)
    a, b = await volunteers(db, 2)
    await queue(db, [a], NOW - timedelta(minutes=1))
    await queue(db, [b], NOW + timedelta(minutes=5))
    fake = FakeTelegram()
    dispatcher = Dispatcher(db, clock, fake.deliver, rate=1000, concurrency=1)
    stats = await dispatcher.run_due()
    assert (stats.sent, fake.delivered) == (1, [a])
    clock.advance(timedelta(minutes=5))
    await dispatcher.run_due()
    assert fake.delivered == [a, b]
    assert await dispatcher.run_due() == type(stats)()  # nothing twice
    assert (await outbox.count_by_status(db)) == {"sent": 2}


async def test_a_blocked_person_is_marked_unreachable_and_their_queue_stops(db: Database) -> None:
    clock = ManualClock(NOW)
    a, b = await volunteers(db, 2)
    await queue(db, [a, b], NOW)
    await queue(db, [a], NOW + timedelta(hours=1), kind="later")
    fake = FakeTelegram()
    fake.script[a] = [Result(Delivery.BLOCKED, "Forbidden: bot was blocked by the user")]
    stats = await Dispatcher(db, clock, fake.deliver, rate=1000, concurrency=1).run_due()
    assert (stats.blocked, stats.sent, fake.delivered) == (1, 1, [b])
    person = await people.get(db, a)
    assert person is not None and person.status == "unreachable"
    statuses = {i.kind: i.status for i in await outbox.for_person(db, a)}
    assert statuses == {"note": "failed", "later": "cancelled"}


async def test_429_waits_retry_after_then_sends_the_same_message(db: Database) -> None:
    clock = ManualClock(NOW)
    (a,) = await volunteers(db, 1)
    await queue(db, [a], NOW)
    fake = FakeTelegram()
    fake.script[a] = [Result(Delivery.RETRY_AFTER, "429", retry_after=0.05)]
    stats = await Dispatcher(db, clock, fake.deliver, rate=1000, concurrency=1).run_due()
    assert (stats.throttled, stats.sent, fake.delivered) == (1, 1, [a])


async def test_transient_errors_back_off_then_fail_with_the_reason(db: Database) -> None:
    clock = ManualClock(NOW)
    (a,) = await volunteers(db, 1)
    await queue(db, [a], NOW)
    fake = FakeTelegram()
    fake.script[a] = [Result(Delivery.TRANSIENT, f"timed out #{i}") for i in range(MAX_ATTEMPTS)]
    dispatcher = Dispatcher(db, clock, fake.deliver, rate=1000, concurrency=1)
    for _ in range(MAX_ATTEMPTS):
        await dispatcher.run_due()
        clock.advance(timedelta(hours=1))
    (item,) = await outbox.for_person(db, a)
    assert (item.status, item.attempts, item.last_error) == ("failed", MAX_ATTEMPTS, f"timed out #{MAX_ATTEMPTS - 1}")
    assert fake.delivered == []


async def test_a_crash_mid_batch_loses_nothing_and_repeats_at_most_the_one_in_flight(db: Database) -> None:
    clock = ManualClock(NOW)
    ids = await volunteers(db, 30)
    await queue(db, ids, NOW)
    delivered: list[int] = []

    async def crash_after_ten(item: OutboxItem) -> Result:
        delivered.append(item.person_id)  # Telegram has it...
        if len(delivered) == 10:
            raise asyncio.CancelledError  # ...and the process dies before it is marked
        return Result(Delivery.SENT)

    with pytest.raises(asyncio.CancelledError):
        await Dispatcher(db, clock, crash_after_ten, rate=1000, concurrency=1).run_due()

    async def deliver(item: OutboxItem) -> Result:
        delivered.append(item.person_id)
        return Result(Delivery.SENT)

    await Dispatcher(db, clock, deliver, rate=1000, concurrency=1).run_due()
    counts = Counter(delivered)
    assert set(counts) == set(ids)  # nothing lost
    assert sorted(counts.values()).count(2) == 1 and max(counts.values()) == 2  # one duplicate at most


async def test_a_busy_chat_waits_aside_while_others_go_first(db: Database) -> None:
    clock = ManualClock(NOW)
    a, b, c = await volunteers(db, 3)
    await queue(db, [a], NOW, kind="one")
    await queue(db, [a], NOW, kind="two")
    await queue(db, [b, c], NOW)
    delivered: list[int] = []
    last: dict[int, float] = {}

    async def deliver(item: OutboxItem) -> Result:
        """As the send budget answers: a chat that had a message in the last 0.2 s is busy."""
        busy = last.get(item.person_id, -1.0) + 0.2 - time.monotonic()
        if busy > 0:
            return Result(Delivery.DEFERRED, "chat busy", busy)
        last[item.person_id] = time.monotonic()
        delivered.append(item.person_id)
        return Result(Delivery.SENT)

    stats = await Dispatcher(db, clock, deliver, rate=1000, concurrency=1).run_due()
    assert delivered == [a, b, c, a]  # a's second waits for its chat, b and c don't
    assert (stats.sent, stats.throttled) == (4, 0)


async def test_a_429_for_one_chat_holds_only_that_chat(db: Database) -> None:
    clock = ManualClock(NOW)
    a, b, c = await volunteers(db, 3)
    await queue(db, [a, b, c], NOW)
    fake = FakeTelegram()
    fake.script[a] = [Result(Delivery.RETRY_AFTER, "429", retry_after=0.1)]
    stats = await Dispatcher(db, clock, fake.deliver, rate=1000, concurrency=1).run_due()
    assert fake.delivered == [b, c, a]  # the same message again after the pause, the others meanwhile
    assert (stats.throttled, stats.sent) == (1, 3)


async def test_a_send_with_no_answer_is_recorded_sent_and_never_repeated(db: Database) -> None:
    clock = ManualClock(NOW)
    (a,) = await volunteers(db, 1)
    await queue(db, [a], NOW)
    fake = FakeTelegram()
    fake.script[a] = [Result(Delivery.UNCERTAIN, "Timed out")]
    dispatcher = Dispatcher(db, clock, fake.deliver, rate=1000, concurrency=1)
    stats = await dispatcher.run_due()
    clock.advance(timedelta(hours=1))
    await dispatcher.run_due()
    (item,) = await outbox.for_person(db, a)
    assert (stats.uncertain, item.status, item.attempts) == (1, "sent", 1)
    assert item.last_error is not None and "Timed out" in item.last_error


async def test_a_renderer_bug_is_retried_not_fatal(db: Database) -> None:
    clock = ManualClock(NOW)
    a, b = await volunteers(db, 2)
    await queue(db, [a, b], NOW)

    async def deliver(item: OutboxItem) -> Result:
        if item.person_id == a:
            raise KeyError("boom")
        return Result(Delivery.SENT)

    stats = await Dispatcher(db, clock, deliver, rate=1000, concurrency=1).run_due()
    assert (stats.sent, stats.retried) == (1, 1)


async def test_progress_is_reported_while_sending_and_after_every_run(db: Database) -> None:
    """The report hook (a broadcast's progress message) sees each run's outcome, also a run with
    nothing due (the first after a restart); a failing report stops no sending."""
    clock = ManualClock(NOW)
    people_ids = await volunteers(db, 3)
    await queue(db, people_ids, NOW)
    seen: list[dict[str, int]] = []

    async def report() -> None:
        seen.append(await outbox.count_by_status(db))
        raise RuntimeError("a broken progress message")

    fake = FakeTelegram()
    dispatcher = Dispatcher(db, clock, fake.deliver, rate=1000, concurrency=1, report=report, report_every=0.0)
    stats = await dispatcher.run_due()
    assert stats.sent == 3 and fake.delivered == people_ids
    assert seen[0] == {"sent": 1, "pending": 2} and seen[-1] == {"sent": 3}  # after each item, then at the end
    before = len(seen)
    await dispatcher.run_due()  # nothing due
    assert len(seen) == before + 1
