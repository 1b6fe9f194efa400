"""Wiring the dispatcher and periodic work onto PTB's JobQueue (APScheduler underneath).

The scheduler holds no business data: every run reads the outbox. One job wakes at the next
due time; a sweep every 30 seconds catches anything a wake-up missed (and everything due
after a restart, on its first run).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram.ext import Application, ContextTypes

from bot.runtime import Runtime
from bot.scheduler import Dispatcher
from bot.services import checkins, digest, followups, shift_news
from bot.store import outbox
from handlers import (
    broadcast,
    shift_notices,  # noqa: F401  (registers reminders' and shift notices' renderers)
)
from handlers import digest as digest_notice  # noqa: F401  (registers the digest's renderer)
from handlers import shift_news as shift_news_notice  # noqa: F401  (registers the coordinators' news renderer)
from handlers.kit.context import RUNTIME_KEY
from handlers.notices import make_deliver

log = logging.getLogger(__name__)

SWEEP_SECONDS = 30
NEWS_SECONDS = 300  # how late a batch of coordinators' news may be past its hour
WAKE_JOB = "dispatch-wake"


def _runtime(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    return context.application.bot_data[RUNTIME_KEY]


async def dispatch(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends what is due, then sets the wake-up for the next item."""
    runtime = _runtime(context)
    dispatcher = runtime.dispatcher
    assert dispatcher is not None
    stats = await dispatcher.run_due()
    if dispatcher.busy:
        # Another run is sending (a wave waiting behind replies): it looks again when done and its
        # own job sets the wake-up. Setting one here would see the items it is sending as due now
        # and wake at once, again and again, for as long as that run lasts.
        return
    if stats.sent or stats.failed or stats.blocked:
        log.info(
            "dispatched: %d sent, %d skipped, %d blocked, %d failed, %d retried, %d throttled",
            stats.sent,
            stats.skipped,
            stats.blocked,
            stats.failed,
            stats.retried,
            stats.throttled,
        )
    await schedule_wake(context.application)


async def schedule_wake(app: Application) -> None:
    runtime: Runtime = app.bot_data[RUNTIME_KEY]
    next_due = await outbox.next_due_at(runtime.database)
    if next_due is None or app.job_queue is None:
        return
    delay = next_due - runtime.now_ts()
    if delay >= SWEEP_SECONDS:
        return  # the sweep comes first anyway
    for job in app.job_queue.get_jobs_by_name(WAKE_JOB):
        job.schedule_removal()
    app.job_queue.run_once(dispatch, when=timedelta(seconds=max(0.0, delay)), name=WAKE_JOB)


async def start(app: Application) -> None:
    """Creates the dispatcher and starts the sweep (its first run catches up after a restart)."""
    runtime: Runtime = app.bot_data[RUNTIME_KEY]
    # Through the application's bot: one send budget for replies and scheduled messages (handlers/pacer.py).
    runtime.dispatcher = Dispatcher(
        runtime.database,
        runtime.clock,
        make_deliver(app),
        rate=runtime.settings.rate,
        report=lambda: broadcast.refresh_progress(app),
    )
    assert app.job_queue is not None
    app.job_queue.run_repeating(dispatch, interval=SWEEP_SECONDS, first=0.5, name="dispatch-sweep")
    app.job_queue.run_repeating(plan_digests, interval=3600, first=2, name="plan-digests")
    app.job_queue.run_repeating(close_check_ins, interval=300, first=4, name="check-outs")
    app.job_queue.run_repeating(mark_no_shows, interval=600, first=5, name="no-shows")
    app.job_queue.run_repeating(send_news, interval=NEWS_SECONDS, first=6, name="coordinator-news")


async def plan_digests(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Queues each coordinator's next evening digest (idempotent, so hourly is harmless)."""
    runtime = _runtime(context)
    await digest.plan_digests(runtime.database, runtime.clock.now(), runtime.settings.timezone.key)
    await schedule_wake(context.application)


async def send_news(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Coordinators' news whose hour is up goes out, one message per shift and coordinator."""
    runtime = _runtime(context)
    if await shift_news.flush(runtime.database, runtime.now_ts()):
        await schedule_wake(context.application)


async def close_check_ins(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Whoever is still checked in when their shift ends is checked out at the end."""
    runtime = _runtime(context)
    closed = await checkins.close_ended(runtime.database, runtime.now_ts())
    if closed:
        log.info("checked out %d volunteer(s) at the end of their shift", closed)


async def mark_no_shows(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Confirmed volunteers who never checked in become no-shows some hours after the shift."""
    runtime = _runtime(context)
    marked = await followups.mark_no_shows(runtime.database, runtime.now_ts(), runtime.settings.noshow_after_hours)
    if marked:
        log.info("marked %d no-shows", marked)


async def stop(app: Application) -> None:
    """Nothing of its own to close: the dispatcher sends through the application's bot."""
