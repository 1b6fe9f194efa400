"""Shared fixtures: the Bot API emulator and the real Application running against it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from telegram import Update
from telegram.ext import Application

from bot.clock import Clock, SystemClock
from bot.config import load_settings
from bot.db import Database
from bot.runtime import Runtime
from handlers.app import build_application
from handlers.context import RUNTIME_KEY
from tests.emulator import BotAPIEmulator

ADMIN_ID = 900001


@pytest.fixture
async def emulator() -> AsyncIterator[BotAPIEmulator]:
    async with BotAPIEmulator() as emu:
        yield emu


@dataclass
class RunningBot:
    """The real Application polling the emulator, with its runtime at hand for assertions."""

    app: Application
    emulator: BotAPIEmulator

    @property
    def runtime(self) -> Runtime:
        return self.app.bot_data[RUNTIME_KEY]

    @property
    def db(self) -> Database:
        return self.runtime.database

    async def dispatch(self) -> None:
        """Sends what the outbox has due now, as the scheduler's next wake-up would."""
        assert self.runtime.dispatcher is not None
        await self.runtime.dispatcher.run_due()


def bot_env(emulator: BotAPIEmulator, db_path: Path, **extra: str) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": emulator.token,
        "TELEGRAM_API_BASE_URL": emulator.base_url,
        "TURNOUT_DB": str(db_path),
        "TURNOUT_ADMINS": str(ADMIN_ID),
        "TURNOUT_TIMEZONE": "America/Los_Angeles",
        "TURNOUT_LOCALE": "en",
        **extra,
    }


async def start_bot(emulator: BotAPIEmulator, db_path: Path, clock: Clock | None = None, **env: str) -> RunningBot:
    """Starts the bot the way `run_polling` does: initialize, post_init, poll, start; `env` adds settings."""
    app = build_application(load_settings(bot_env(emulator, db_path, **env)), clock=clock or SystemClock())
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=10, allowed_updates=Update.ALL_TYPES)
    await app.start()
    return RunningBot(app, emulator)


async def stop_bot(running: RunningBot) -> None:
    app = running.app
    assert app.updater is not None
    await app.updater.stop()
    await app.stop()
    await app.shutdown()
    assert app.post_shutdown is not None
    await app.post_shutdown(app)


@pytest.fixture
def clock() -> Clock:
    """The bot's clock: real time, unless a test module overrides this fixture with a ManualClock."""
    return SystemClock()


@pytest.fixture
async def bot(emulator: BotAPIEmulator, tmp_path: Path, clock: Clock) -> AsyncIterator[RunningBot]:
    """The bot, running; afterwards, the emulator must have rejected none of its calls."""
    running = await start_bot(emulator, tmp_path / "turnout.sqlite3", clock=clock)
    try:
        yield running
    finally:
        await stop_bot(running)
    emulator.assert_no_errors()
