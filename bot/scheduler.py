"""The dispatcher: sends what the outbox says is due, paced under Telegram's limits, and keeps
the outbox honest about what happened. Periodic jobs ride on the same scheduler.

Sending is one message at a time and each is marked the moment Telegram accepts it, so a crash
(even `kill -9`) can repeat at most the one message that was in flight.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections import deque
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


class Delivery(enum.Enum):
    SENT = "sent"
    SKIPPED = "skipped"  # no longer wanted (shift started, signup cancelled, person gone)
    BLOCKED = "blocked"  # 403: they blocked the bot
    RETRY_AFTER = "retry_after"  # 429: wait, then the same message again
    TRANSIENT = "transient"  # network trouble: try again later
    PERMANENT = "permanent"  # Telegram refused it for good (400)


@dataclass(frozen=True)
class Result:
    delivery: Delivery
    detail: str = ""
    retry_after: float = 0.0


Deliver = Callable[[OutboxItem], Awaitable[Result]]
Report = Callable[[], Awaitable[None]]


class Pacer:
    """At most `rate` sends in any sliding second overall, and one per second per chat.

    Sends are spread evenly (no bursts at the top of each second), and a small margin absorbs the
    jitter between when we send and when Telegram counts.
    """

    def __init__(self, rate: int, per_chat_interval: float = 1.0, margin: float = 0.01) -> None:
        self.rate = rate
        self.window = 1.0 + margin
        self.per_chat_interval = per_chat_interval + margin
        self._sent: deque[float] = deque(maxlen=rate)
        self._chat_last: dict[int, float] = {}
        self._paused_until = 0.0

    def chat_ready_in(self, chat: int) -> float:
        last = self._chat_last.get(chat)
        return 0.0 if last is None else max(0.0, last + self.per_chat_interval - time.monotonic())

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    async def acquire(self, chat: int) -> None:
        while True:
            now = time.monotonic()
            wait = self._paused_until - now
            if self._sent:
                wait = max(wait, self._sent[-1] + self.window / self.rate - now)
            if len(self._sent) == self.rate:
                wait = max(wait, self._sent[0] + self.window - now)
            if wait <= 0:
                break
            await asyncio.sleep(wait)
        stamp = time.monotonic()
        self._sent.append(stamp)
        self._chat_last[chat] = stamp
        if len(self._chat_last) > 50_000:  # forget chats long idle, so memory stays flat
            cutoff = stamp - self.per_chat_interval
            self._chat_last = {c: t for c, t in self._chat_last.items() if t > cutoff}


@dataclass
class Stats:
    sent: int = 0
    skipped: int = 0
    blocked: int = 0
    failed: int = 0
    retried: int = 0
    throttled: int = 0  # 429s seen
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
        per_chat_interval: float = 1.0,
        batch_size: int = 200,
        concurrency: int | None = None,
        report: Report | None = None,
        report_every: float = 2.0,
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
        self.pacer = Pacer(rate, per_chat_interval)
        self.batch_size = batch_size
        self.concurrency = concurrency if concurrency is not None else default_concurrency(rate)
        self._slots = asyncio.Semaphore(self.concurrency)
        self._lock = asyncio.Lock()
        self._again = False

    async def run_due(self) -> Stats:
        """Sends everything due now. A call while one runs makes that run look again when done."""
        if self._lock.locked():
            self._again = True
            return Stats()
        stats = Stats()
        async with self._lock:
            while True:
                self._again = False
                await self._run_once(stats)
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

    async def _run_once(self, stats: Stats) -> None:
        now = to_ts(self.clock.now())
        after = (0, 0)
        deferred: deque[OutboxItem] = deque()
        in_flight: set[asyncio.Task[None]] = set()
        try:
            while True:
                batch = await outbox.due(self.db, now, self.batch_size, after)
                if batch:
                    after = (batch[-1].due_at, batch[-1].id)
                elif not deferred:
                    return
                for item in batch:
                    if self.pacer.chat_ready_in(item.person_id) > 0:
                        deferred.append(item)  # their chat had a message this second; others go first
                    else:
                        await self._start(item, stats, in_flight)
                # Then the deferred ones whose chat is free again, waiting only when nothing else can go.
                for _ in range(len(deferred)):
                    item = deferred.popleft()
                    wait = self.pacer.chat_ready_in(item.person_id)
                    if wait > 0 and batch:
                        deferred.append(item)
                        continue
                    if wait > 0:
                        await asyncio.sleep(wait)
                    await self._start(item, stats, in_flight)
                if in_flight:  # the next batch must not see items still being sent as pending
                    await asyncio.gather(*in_flight)
        finally:
            if in_flight:
                await asyncio.gather(*in_flight, return_exceptions=True)

    async def _start(self, item: OutboxItem, stats: Stats, in_flight: set[asyncio.Task[None]]) -> None:
        """Sends one item, in order when concurrency is 1; else as one of `concurrency` in flight."""
        if self.concurrency == 1:
            await self._process(item, stats)
            return
        await self._slots.acquire()
        task = asyncio.create_task(self._process(item, stats))
        in_flight.add(task)
        task.add_done_callback(lambda done: self._finished(in_flight, done))

    def _finished(self, in_flight: set[asyncio.Task[None]], task: asyncio.Task[None]) -> None:
        in_flight.discard(task)
        self._slots.release()

    async def _process(self, item: OutboxItem, stats: Stats) -> None:
        while True:
            await self.pacer.acquire(item.person_id)
            try:
                result = await self.deliver(item)
            except Exception as exc:  # a renderer bug must not stop everyone else's reminders
                log.exception("delivering outbox item %s failed", item.id)
                result = Result(Delivery.TRANSIENT, f"{type(exc).__name__}: {exc}")
            if result.delivery is not Delivery.RETRY_AFTER:
                break
            stats.throttled += 1
            self.pacer.pause(result.retry_after)
        await self._record(item, result, stats)
        await self._report_now_and_then()

    async def _record(self, item: OutboxItem, result: Result, stats: Stats) -> None:
        now = to_ts(self.clock.now())
        async with self.db.transaction() as tx:
            match result.delivery:
                case Delivery.SENT:
                    await outbox.finish(tx, item.id, "sent", now)
                    stats.sent += 1
                    stats.by_kind[item.kind] = stats.by_kind.get(item.kind, 0) + 1
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
