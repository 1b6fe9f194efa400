"""The inbox: every update is in SQLite before Telegram hears it was received, and handled from there.

The poller long-polls getUpdates, writes the whole batch in one transaction, and only then asks for
the next batch with offset = last + 1 — which is what acknowledges the batch to Telegram. A crash
(even kill -9) therefore loses nothing: at the next start, every update still marked new is handled,
in order per sender.

Workers run updates through the real `Application.process_update`: one sender's updates one at a
time, in order (a double tap is handled after the first tap has finished, so the second sees what
the first did); different senders in parallel, up to `parallel` at once. An update is marked handled
when its handlers return, also when one raised (the error handler has told the person). An update
that was in flight at a crash is handled again, so handlers are idempotent by state: the second
sign-up for the same shift says "you're already on it".
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application, ContextTypes

from bot.clock import Clock, to_ts
from bot.db import Database
from bot.logs import REDACTED
from bot.store import inbox as store
from handlers.telegram_bot import TurnoutBot

log = logging.getLogger(__name__)

POLL_TIMEOUT = 10  # seconds Telegram holds a getUpdates open when there is nothing new
PARALLEL = 32  # senders handled at the same time
BACKLOG = 2000  # updates waiting in memory before the poller stops fetching (Telegram keeps the rest)
KEEP_HANDLED_SECONDS = 7 * 24 * 3600
PRUNE_EVERY_SECONDS = 3600
MAX_ATTEMPTS = 5  # start-ups that found an update in flight before it is given up
INBOX_KEY = "inbox"


def sender_key(update: Update) -> int:
    """Whose turn an update waits for: the user's, else the chat's (0: neither)."""
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return 0


@dataclass
class _Item:
    update_id: int
    sender: int
    data: str
    update: Update | None = None  # parsed already when it came from the poller


class Inbox:
    """The poller and the workers of one application."""

    def __init__(
        self,
        app: Application,
        db: Database,
        clock: Clock,
        *,
        parallel: int = PARALLEL,
        poll_timeout: int = POLL_TIMEOUT,
        backlog: int = BACKLOG,
    ) -> None:
        self._app = app
        self._db = db
        self._clock = clock
        self._poll_timeout = poll_timeout
        self._backlog = backlog
        self._slots = asyncio.Semaphore(parallel)
        self._queues: dict[int, deque[_Item]] = {}
        self._drainers: dict[int, asyncio.Task[None]] = {}
        self._waiting = 0  # queued or running
        self._room = asyncio.Condition()
        self._errors: dict[int, str] = {}
        self._poller: asyncio.Task[None] | None = None
        self._stopping = False
        self.handled = 0  # since start, for logs and tests

    @property
    def bot(self) -> TurnoutBot:
        bot = self._app.bot
        assert isinstance(bot, TurnoutBot)
        return bot

    @property
    def poller(self) -> asyncio.Task[None] | None:
        """Ends only by stop() or by an error nothing can recover from (a rejected token)."""
        return self._poller

    # --- life cycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        """Queues what a previous run left unhandled, then starts polling for more."""
        async with self._db.transaction() as tx:
            given_up = await store.begin_recovery(tx, MAX_ATTEMPTS)
        if given_up:
            log.error("gave up on %d update(s) that were in flight at %d crashes in a row", given_up, MAX_ATTEMPTS)
        left = await store.unhandled(self._db)
        if left:
            log.info("handling %d update(s) left from the previous run", len(left))
        for row in left:
            self._enqueue(_Item(row.update_id, row.sender_key, row.data))
        self._poller = asyncio.create_task(self._poll(), name="inbox-poller")

    async def stop(self, grace: float) -> None:
        """Stops fetching, gives the updates being handled `grace` seconds to finish, and leaves
        the rest in the inbox for the next start."""
        self._stopping = True
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._poller
        drainers = list(self._drainers.values())
        if drainers:
            _, late = await asyncio.wait(drainers, timeout=grace)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late)
                log.warning("stopped with %d update(s) still running; they stay in the inbox", len(late))

    async def wait_idle(self) -> None:
        """Until nothing is queued or running (for tests)."""
        while self._drainers:
            await asyncio.wait(list(self._drainers.values()))

    # --- fetching ---------------------------------------------------------------------------------

    async def _poll(self) -> None:
        offset: int | None = None
        failures = 0
        while True:
            async with self._room:
                await self._room.wait_for(lambda: self._waiting < self._backlog)
            try:
                raw = await self.bot.get_raw_updates(offset, self._poll_timeout, Update.ALL_TYPES)
            except InvalidToken:
                raise
            except RetryAfter as exc:
                wait = exc.retry_after
                await asyncio.sleep(wait if isinstance(wait, int) else wait.total_seconds())
                continue
            except TelegramError as exc:  # network trouble, a conflict, Telegram's 5xx: try again soon
                failures += 1
                delay = min(30.0, 0.5 * 2 ** min(failures, 6))
                log.warning("getUpdates failed (%s); trying again in %.1f s", type(exc).__name__, delay)
                await asyncio.sleep(delay)
                continue
            failures = 0
            if not raw:
                continue
            try:
                await self._store(raw)
            except Exception:  # the database refused (disk full?): unacknowledged, Telegram sends it again
                log.exception("could not store a batch of %d update(s); fetching it again", len(raw))
                await asyncio.sleep(1)
                continue
            # Only now, with the batch committed, may the next call acknowledge it.
            offset = int(raw[-1]["update_id"]) + 1

    async def _store(self, raw: list[dict[str, Any]]) -> None:
        items = []
        for data in raw:
            update: Update | None
            try:
                update = Update.de_json(data, self.bot)
                key = sender_key(update)
            except Exception:  # stored all the same; its handling will record why it failed
                log.exception("an update could not be read")
                update, key = None, 0
            items.append(_Item(int(data["update_id"]), key, json.dumps(data, ensure_ascii=False), update))
        fresh = await store.add(
            self._db, [store.Received(i.update_id, i.sender, i.data) for i in items], to_ts(self._clock.now())
        )
        for item in items:
            if item.update_id in fresh:
                self._enqueue(item)

    # --- handling ---------------------------------------------------------------------------------

    def _enqueue(self, item: _Item) -> None:
        self._queues.setdefault(item.sender, deque()).append(item)
        self._waiting += 1
        if item.sender not in self._drainers:
            self._drainers[item.sender] = asyncio.create_task(self._drain(item.sender), name=f"inbox-{item.sender}")

    async def _drain(self, sender: int) -> None:
        """Handles one sender's updates in order, until their queue is empty."""
        queue = self._queues[sender]
        try:
            while queue and not self._stopping:
                async with self._slots:
                    if self._stopping:
                        break
                    await self._handle(queue[0])
                queue.popleft()
                await self._made_room()
        finally:
            del self._drainers[sender]
            if not queue:
                del self._queues[sender]

    async def _made_room(self) -> None:
        self._waiting -= 1
        async with self._room:
            self._room.notify_all()

    async def _handle(self, item: _Item) -> None:
        query_id: str | None = None
        error: str | None = None
        try:
            update = item.update or Update.de_json(json.loads(item.data), self.bot)
            if update.callback_query is not None and update.callback_query.from_user is not None:
                query_id = update.callback_query.id
                self.bot.note_presser(query_id, update.callback_query.from_user.id)
            await self._app.process_update(update)
            error = self._errors.pop(item.update_id, None)
        except Exception as exc:  # process_update reports handler errors itself; this is anything else
            log.exception("update %d could not be handled", item.update_id)
            error = self._describe(exc)
        finally:
            if query_id is not None:
                self.bot.forget_presser(query_id)
        await store.mark_handled(self._db, item.update_id, to_ts(self._clock.now()), error)
        self.handled += 1

    def _describe(self, exc: BaseException) -> str:
        return f"{type(exc).__name__}: {exc}"[:500].replace(self.bot.token, REDACTED)

    async def note_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An error handler: what went wrong is kept on the update's row."""
        if isinstance(update, Update) and context.error is not None:
            self._errors[update.update_id] = self._describe(context.error)

    async def prune(self, context: ContextTypes.DEFAULT_TYPE | None = None) -> int:
        """Forgets updates handled more than a week ago."""
        before = to_ts(self._clock.now()) - KEEP_HANDLED_SECONDS
        async with self._db.transaction() as tx:
            removed = await store.prune(tx, before)
        if removed:
            log.info("pruned %d handled update(s) from the inbox", removed)
        return removed


async def _note_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    box = context.application.bot_data.get(INBOX_KEY)
    if isinstance(box, Inbox):
        await box.note_error(update, context)


def register(app: Application) -> None:
    app.add_error_handler(_note_error)
