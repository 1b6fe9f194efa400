"""Builds the telegram Application: configuration, rate limiting, handlers, start-up and shut-down."""

from __future__ import annotations

import logging

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, Defaults, TypeHandler

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.db import Database
from bot.i18n import load_all
from bot.runtime import Runtime
from handlers import (
    awaiting,
    broadcast,
    errors,
    export,
    followup,
    invites,
    jobs,
    manage,
    myshifts,
    newshift,
    onboarding,
    orgs,
    privacy,
    reminder_replies,
    roster,
    shift_upload,
    shifts,
    start,
    team,
)
from handlers import settings as settings_menu  # named apart from the Settings passed around here
from handlers.commands import publish_menus
from handlers.context import RUNTIME_KEY, BotContext, resolve_user
from handlers.kit import dialogues

log = logging.getLogger(__name__)


def build_application(settings: Settings, clock: Clock | None = None) -> Application:
    """The whole bot, ready for `run_polling()` (production) or manual start (tests)."""
    load_all()  # a broken catalog stops the start here, not in a user's chat
    runtime = Runtime(settings=settings, clock=clock or SystemClock())
    app = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                tzinfo=settings.timezone,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        # Interactive replies retry on 429; the dispatcher has its own bot and pacing (handlers/jobs.py).
        .rate_limiter(AIORateLimiter(max_retries=3))
        .context_types(ContextTypes(context=BotContext))
        .concurrent_updates(True)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    app.bot_data[RUNTIME_KEY] = runtime
    register_handlers(app)
    return app


def register_handlers(app: Application) -> None:
    """Every handler, in one place. Order matters: group -1 runs first for every update, and within
    a group the first matching handler wins, so the catch-all for unknown buttons comes last.
    Groups: -2 who is this (resolve_user); -1 the dialogue watcher; 0 commands, buttons, and last every
    other message, routed to the one open dialogue (handlers/kit/dialogues.py)."""
    app.add_handler(TypeHandler(Update, resolve_user), group=-2)
    orgs.register(app)  # a dialogue: first, so its typed answers win only while it is open
    newshift.register(app)  # a dialogue too; its typed answers and /cancel only while it is open
    shift_upload.register(app)  # /cancel only while an upload waits; CSV documents from coordinators
    awaiting.register(app)  # typed answers for /manage and /broadcast, and /cancel, only while they wait
    start.register(app)
    onboarding.register(app)  # its typed answers in group 1, only while someone is onboarding
    settings_menu.register(app)  # its typed answers in group 2, only while an editor waits for them
    privacy.register(app)
    shifts.register(app)
    myshifts.register(app)
    reminder_replies.register(app)
    followup.register(app)
    invites.register(app)
    team.register(app)
    export.register(app)
    manage.register(app)
    roster.register(app)
    broadcast.register(app)
    # /cancel, "leave it?", the watcher (group -1), and the router that takes every other message: after
    # the features, so a dialogue not yet on the engine (held in user_data) still gets its answers first.
    dialogues.register(app)
    errors.register(app)


async def _post_init(app: Application) -> None:
    runtime: Runtime = app.bot_data[RUNTIME_KEY]
    runtime.db = await Database.open(runtime.settings.db_path)
    await runtime.db.migrate()
    await publish_menus(app.bot, runtime.settings.locale)
    await jobs.start(app)
    log.info("Turnout is running as @%s", app.bot.username)


async def _post_shutdown(app: Application) -> None:
    runtime: Runtime = app.bot_data[RUNTIME_KEY]
    await jobs.stop(app)
    if runtime.db is not None:
        await runtime.db.close()
        runtime.db = None
