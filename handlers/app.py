"""The composition root: builds the telegram Application (configuration, rate limiting, handlers)
and starts and stops it — the same way in production (`run`) and in tests (`start_app`, `stop_app`)."""

from __future__ import annotations

import asyncio
import logging
import signal

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults, TypeHandler
from telegram.request import HTTPXRequest

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.db import Database
from bot.i18n import load_all
from bot.runtime import Runtime
from bot.scheduler import default_concurrency
from handlers import (
    broadcast,
    campaigns,
    checkin,
    errors,
    export,
    followup,
    hours,
    inbox,
    invites,
    jobs,
    leads,
    manage,
    myshifts,
    newshift_dialogue,
    offers,
    onboarding,
    orgs,
    pacer,
    privacy,
    reminder_replies,
    report,
    rising,
    roster,
    roster_times,
    shift_upload,
    shifts,
    staff_consent,
    start,
    stats,
    team,
)
from handlers import settings as settings_menu  # named apart from the Settings passed around here
from handlers.commands import publish_menus
from handlers.inbox import INBOX_KEY, Inbox
from handlers.kit import dialogues
from handlers.kit.context import RUNTIME_KEY, BotContext, resolve_user
from handlers.telegram_bot import TurnoutBot

log = logging.getLogger(__name__)

SHUTDOWN_GRACE = 5.0  # seconds the updates being handled get to finish when the bot stops


def build_application(settings: Settings, clock: Clock | None = None) -> Application:
    """The whole bot, ready for `start_app()`. Updates come from the inbox (handlers/inbox.py), not
    from PTB's Updater, which would acknowledge them to Telegram before they are safe."""
    load_all()  # a broken catalog stops the start here, not in a user's chat
    runtime = Runtime(settings=settings, clock=clock or SystemClock())
    bot = TurnoutBot(
        settings.token,
        directions=runtime.directions,
        base_url=settings.api_base_url,
        base_file_url=settings.api_file_url,
        defaults=Defaults(
            parse_mode=ParseMode.HTML,
            tzinfo=settings.timezone,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        ),
        # One send budget for replies and the dispatcher alike (handlers/pacer.py).
        rate_limiter=pacer.TelegramPacer(settings.rate, settings.chat_rate),
        # A connection for every worker that may call at once (the inbox's, the dispatcher's, a few
        # jobs'), so that nobody waits for one; timeouts long enough that a slow Telegram answers late
        # rather than leaving a message's outcome unknown (see handlers/pacer.py).
        request=HTTPXRequest(
            connection_pool_size=inbox.PARALLEL + default_concurrency(settings.rate) + 8,
            connect_timeout=pacer.CONNECT_TIMEOUT,
            read_timeout=pacer.READ_TIMEOUT,
            write_timeout=pacer.WRITE_TIMEOUT,
            media_write_timeout=pacer.MEDIA_WRITE_TIMEOUT,
            pool_timeout=pacer.POOL_TIMEOUT,
        ),
        get_updates_request=HTTPXRequest(connection_pool_size=1),
    )
    app = ApplicationBuilder().bot(bot).updater(None).context_types(ContextTypes(context=BotContext)).build()
    app.bot_data[RUNTIME_KEY] = runtime
    register_handlers(app)
    return app


def register_handlers(app: Application) -> None:
    """Every handler, in one place. Order matters: group -1 runs first for every update, and within
    a group the first matching handler wins, so the catch-all for unknown buttons comes last.
    Groups: -2 who is this (resolve_user); -1 the dialogue watcher; 0 commands, buttons, and last every
    other message, routed to the one open dialogue (handlers/kit/dialogues.py)."""
    app.add_handler(TypeHandler(Update, resolve_user), group=-2)
    newshift_dialogue.register(app)  # on the dialogue engine: its answers come through the router
    shift_upload.register(app)  # on the engine too; CSV files nobody asked for are taken unasked
    start.register(app)
    staff_consent.register(app)  # the short consent of coordinators and admins
    onboarding.register(app)  # the profile editors in onboarding mode; typed answers via its flow
    settings_menu.register(app)  # the same editors in settings mode; typed answers via its flow
    privacy.register(app)
    shifts.register(app)
    myshifts.register(app)
    checkin.register(app)
    hours.register(app)
    reminder_replies.register(app)
    followup.register(app)
    report.register(app)  # /report: the follow-up's numbers, for a recent shift
    invites.register(app)
    team.register(app)
    orgs.register(app)  # /neworg, on the dialogue engine
    export.register(app)
    manage.register(app)
    roster.register(app)
    roster_times.register(app)  # correcting check-in times, a one-question flow on the engine
    leads.register(app)  # naming shift leads from the roster, and their notices
    offers.register(app)  # volunteers' translations of a shift, and the coordinators' yes or no
    stats.register(app)
    rising.register(app)  # rising volunteers under /stats, made shift leads in a tap
    campaigns.register(app)  # /campaigns and its typed answers, on the dialogue engine
    broadcast.register(app)
    # /cancel, "leave it?", the watcher (group -1), and the router that takes every other message: after
    # the features, so a dialogue not yet on the engine (held in user_data) still gets its answers first.
    dialogues.register(app)
    errors.register(app)
    inbox.register(app)  # an error handler too: keeps what went wrong on the update's row


async def start_app(app: Application) -> Inbox:
    """Opens the database, starts the jobs, then the inbox: first what a previous run left
    unhandled, then polling for more."""
    await app.initialize()
    runtime: Runtime = app.bot_data[RUNTIME_KEY]
    runtime.db = await Database.open(runtime.settings.db_path)
    await runtime.db.migrate()
    await publish_menus(app.bot, runtime.settings.locale)
    await jobs.start(app)
    await app.start()
    box = Inbox(app, runtime.db, runtime.clock)
    app.bot_data[INBOX_KEY] = box
    await box.start()
    assert app.job_queue is not None
    app.job_queue.run_repeating(box.prune, interval=inbox.PRUNE_EVERY_SECONDS, first=60, name="inbox-prune")
    log.info("Turnout is running as @%s", app.bot.username)
    return box


async def stop_app(app: Application, grace: float = SHUTDOWN_GRACE) -> None:
    """Stops fetching, lets the updates in hand finish for `grace` seconds (the rest stay in the
    inbox for the next start), then stops the jobs and closes the database."""
    box: Inbox | None = app.bot_data.pop(INBOX_KEY, None)
    if box is not None:
        await box.stop(grace)
    if app.running:
        await app.stop()
    runtime: Runtime = app.bot_data[RUNTIME_KEY]
    await jobs.stop(app)
    await app.shutdown()
    if runtime.db is not None:
        await runtime.db.close()
        runtime.db = None


async def run(app: Application) -> None:
    """`python -m bot`: runs until SIGINT or SIGTERM, or until the poller gives up (a rejected
    token, raised from here)."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    box = await start_app(app)
    try:
        stop_requested = asyncio.create_task(stopping.wait())
        assert box.poller is not None
        await asyncio.wait({stop_requested, box.poller}, return_when=asyncio.FIRST_COMPLETED)
        stop_requested.cancel()
        if box.poller.done() and not box.poller.cancelled():
            box.poller.result()  # raises what ended it
    finally:
        log.info("stopping")
        await stop_app(app)
