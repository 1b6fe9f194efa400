"""The dispatcher: sends what the outbox says is due and keeps the outbox honest about what happened.
Periodic jobs ride on the same scheduler.

Sending is one message at a time and each is marked the moment Telegram accepts it, so a crash
(even `kill -9`) can repeat at most the one message that was in flight. Pacing is not done here: every
message goes through the bot's one send budget (bot/pacing.py), behind the replies to people who are
waiting. When a person's chat cannot take a message yet (our own per-chat pacing, or a 429 for that
chat), `deliver` says so at once and the item waits aside while others go; it is sent in the same run
once the chat is free.

A send that reached Telegram and got no answer has an unknown outcome: it is recorded as sent, with
the doubt in `last_error`, and never sent again. A second copy of a reminder costs the reader more
trust than the rare one lost, and the read timeout is long enough that this means Telegram is in real
trouble.
"""

from __future__ import annotations

import asyncio
import enum
import heapq
import itertools
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.clock import Clock, to_ts
from bot.db import Database
from bot.store import outbox
from bot.store import people as people_store
from bot.store.outbox import OutboxItem

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BACKOFF_SECONDS = (30, 120, 600, 1800)
MAX_THROTTLES = 5  # 429s for one item in one run before it backs off like any transient failure


class Delivery(enum.Enum):
    SENT = "sent"
    SKIPPED = "skipped"  # no longer wanted (shift started, signup cancelled, person gone)
    BLOCKED = "blocked"  # 403: they blocked the bot
    RETRY_AFTER = "retry_after"  # 429: wait, then the same message again
    DEFERRED = "deferred"  # not sent: their chat can't take a message yet; again in `retry_after` s
    UNCERTAIN = "uncertain"  # reached Telegram, no answer: maybe sent; never sent again
    TRANSIENT = "transient"  # network trouble: try again later
    PERMANENT = "permanent"  # Telegram refused it for good (400)


@dataclass(frozen=True)
class Result:
    delivery: Delivery
    detail: str = ""
    retry_after: float = 0.0


Deliver = Callable[[OutboxItem], Awaitable[Result]]
Report = Callable[[], Awaitable[None]]


@dataclass
class Stats:
    sent: int = 0
    skipped: int = 0
    blocked: int = 0
    failed: int = 0
    retried: int = 0
    throttled: int = 0  # 429s seen
    uncertain: int = 0  # no answer from Telegram: recorded as sent, not repeated
    by_kind: dict[str, int] = field(default_factory=dict)


def default_concurrency(rate: int) -> int:
    """One message in flight at Telegram's free rate, so a crash repeats at most one; at paid
    broadcast rates one connection can't keep up (about 200 msg/s here), so a few go in parallel
    and a crash may repeat as many as were in flight."""
    return 1 if rate <= 100 else min(32, rate // 60)


class Dispatcher:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        deliver: Deliver,
        *,
        rate: int = 30,
        batch_size: int = 200,
        concurrency: int | None = None,
        report: Report | None = None,
        report_every: float = 2.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """`report` is called every `report_every` seconds while items are being recorded, and at the
        end of every run: progress that lives in the database (a broadcast's) is shown from here,
        by whichever process is dispatching, so it outlives a restart."""
        self.db = db
        self.report = report
        self.report_every = report_every
        self._reported_at = time.monotonic()
        self.clock = clock
        self.deliver = deliver
        self.batch_size = batch_size
        self.concurrency = concurrency if concurrency is not None else default_concurrency(rate)
        self.monotonic = monotonic  # for waits within a run (the send budget's clock), not due times
        self._slots = asyncio.Semaphore(self.concurrency)
        self._lock = asyncio.Lock()
        self._again = False

    @property
    def busy(self) -> bool:
        """A run is in progress (a call now only makes it look again when done)."""
        return self._lock.locked()

    async def run_due(self) -> Stats:
        """Sends everything due now. A call while one runs makes that run look again when done."""
        if self._lock.locked():
            self._again = True
            return Stats()
        stats = Stats()
        async with self._lock:
            while True:
                self._again = False
                await _Run(self, stats).go()
                if not self._again:
                    break
            await self._report()
        return stats

    async def _report(self) -> None:
        if self.report is None:
            return
        self._reported_at = time.monotonic()
        try:
            await self.report()
        except Exception:  # showing progress must never stop the sending
            log.exception("reporting dispatch progress failed")

    async def _report_now_and_then(self) -> None:
        if time.monotonic() - self._reported_at >= self.report_every:
            await self._report()

    async def _record(self, item: OutboxItem, result: Result, stats: Stats) -> None:
        now = to_ts(self.clock.now())
        async with self.db.transaction() as tx:
            match result.delivery:
                case Delivery.SENT:
                    await outbox.finish(tx, item.id, "sent", now)
                    stats.sent += 1
                    stats.by_kind[item.kind] = stats.by_kind.get(item.kind, 0) + 1
                case Delivery.UNCERTAIN:
                    await outbox.finish(tx, item.id, "sent", now, f"outcome unknown, not resent: {result.detail}"[:500])
                    stats.uncertain += 1
                case Delivery.SKIPPED:
                    await outbox.finish(tx, item.id, "skipped", now, result.detail)
                    stats.skipped += 1
                case Delivery.BLOCKED:
                    # They blocked the bot: stop their whole queue; nobody else is told.
                    await outbox.finish(tx, item.id, "failed", now, "blocked by the user")
                    await outbox.cancel_pending(tx, person_id=item.person_id)
                    await people_store.set_status(tx, item.person_id, "unreachable", now)
                    stats.blocked += 1
                case Delivery.TRANSIENT if item.attempts + 1 < MAX_ATTEMPTS:
                    backoff = BACKOFF_SECONDS[min(item.attempts, len(BACKOFF_SECONDS) - 1)]
                    await outbox.retry_later(tx, item.id, now + backoff, result.detail)
                    stats.retried += 1
                case _:
                    await outbox.finish(tx, item.id, "failed", now, result.detail[:500])
                    stats.failed += 1


class _Run:
    """One pass over what is due. Items whose chat can't take a message yet wait aside (by the time it
    can) while the rest go; once the due items are all fetched, the run waits for those it set aside."""

    def __init__(self, dispatcher: Dispatcher, stats: Stats) -> None:
        self.d = dispatcher
        self.stats = stats
        self.now = to_ts(dispatcher.clock.now())
        self.aside: list[tuple[float, int, OutboxItem]] = []  # (ready at, tie-break, item)
        self.ready_at: dict[int, float] = {}  # person -> when their chat can take a message again
        self.throttles: dict[int, int] = {}  # item -> 429s seen in this run
        self.in_flight: set[asyncio.Task[None]] = set()
        self._order = itertools.count()

    async def go(self) -> None:
        after = (0, 0)
        fetching = True
        try:
            while fetching or self.aside:
                batch = await outbox.due(self.d.db, self.now, self.d.batch_size, after) if fetching else []
                if batch:
                    after = (batch[-1].due_at, batch[-1].id)
                else:
                    fetching = False
                for item in batch:
                    await self._start(item)
                # Those set aside whose chat is free again; when nothing else is left, wait for them.
                while self.aside and (self.aside[0][0] <= self.d.monotonic() or not fetching):
                    ready_at, _, item = self.aside[0]
                    wait = ready_at - self.d.monotonic()
                    if wait > 0:
                        if self.in_flight:  # they may set more aside, sooner
                            await asyncio.gather(*self.in_flight)
                            continue
                        await asyncio.sleep(wait)
                    heapq.heappop(self.aside)
                    await self._start(item)
                if self.in_flight:  # the next batch must not see items still being sent as pending
                    await asyncio.gather(*self.in_flight)
        finally:
            if self.in_flight:
                await asyncio.gather(*self.in_flight, return_exceptions=True)

    def _set_aside(self, item: OutboxItem, ready_at: float) -> None:
        heapq.heappush(self.aside, (ready_at, next(self._order), item))

    async def _start(self, item: OutboxItem) -> None:
        """Sends one item, in order when concurrency is 1; else as one of `concurrency` in flight."""
        ready_at = self.ready_at.get(item.person_id, 0.0)
        if ready_at > self.d.monotonic():
            self._set_aside(item, ready_at)  # their chat is busy; don't even render it yet
            return
        if self.d.concurrency == 1:
            await self._process(item)
            return
        await self.d._slots.acquire()
        task = asyncio.create_task(self._process(item))
        self.in_flight.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self.in_flight.discard(task)
        self.d._slots.release()

    async def _process(self, item: OutboxItem) -> None:
        try:
            result = await self.d.deliver(item)
        except Exception as exc:  # a renderer bug must not stop everyone else's reminders
            log.exception("delivering outbox item %s failed", item.id)
            result = Result(Delivery.TRANSIENT, f"{type(exc).__name__}: {exc}")
        if result.delivery in (Delivery.RETRY_AFTER, Delivery.DEFERRED):
            if result.delivery is Delivery.RETRY_AFTER:
                self.stats.throttled += 1
                self.throttles[item.id] = self.throttles.get(item.id, 0) + 1
            if self.throttles.get(item.id, 0) < MAX_THROTTLES:
                ready_at = self.d.monotonic() + max(result.retry_after, 0.001)
                self.ready_at[item.person_id] = max(self.ready_at.get(item.person_id, 0.0), ready_at)
                self._set_aside(item, ready_at)
                return
            result = Result(Delivery.TRANSIENT, f"told to wait {MAX_THROTTLES} times: {result.detail}")
        await self.d._record(item, result, self.stats)
        await self.d._report_now_and_then()
