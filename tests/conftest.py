"""Shared fixtures: the Bot API emulator and the real Application running against it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.clock import Clock, SystemClock
from bot.config import load_settings
from bot.db import Database
from bot.runtime import Runtime
from handlers import app as composition
from handlers.inbox import INBOX_KEY, Inbox
from handlers.kit.context import RUNTIME_KEY
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
    def inbox(self) -> Inbox:
        return self.app.bot_data[INBOX_KEY]

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
        # Test users answer in milliseconds, not seconds: Telegram's 1/s per chat would only slow the
        # suite. Tests of the pacing itself set it back to 1.
        "TURNOUT_CHAT_RATE": "1000",
        **extra,
    }


async def start_bot(emulator: BotAPIEmulator, db_path: Path, clock: Clock | None = None, **env: str) -> RunningBot:
    """Starts the bot as `python -m bot` does (handlers.app.start_app), without the signal handling;
    `env` adds settings."""
    app = composition.build_application(load_settings(bot_env(emulator, db_path, **env)), clock=clock or SystemClock())
    await composition.start_app(app)
    return RunningBot(app, emulator)


async def stop_bot(running: RunningBot) -> None:
    await composition.stop_app(running.app)


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


# The "leave it?" question of the dialogue engine, for tests that open one dialogue over another.
SWITCH = "You're in the middle of {current}. Leave it and start {new}?"


@pytest.fixture
async def restartable(emulator: BotAPIEmulator, tmp_path: Path, clock: Clock) -> AsyncIterator[list[RunningBot]]:
    """The bot, in a list whose one item a test may replace by stopping and starting it again."""
    bots = [await start_bot(emulator, tmp_path / "turnout.sqlite3", clock=clock)]
    try:
        yield bots
    finally:
        await stop_bot(bots[0])
    emulator.assert_no_errors()


async def restart(bots: list[RunningBot], emulator: BotAPIEmulator, clock: Clock) -> RunningBot:
    """Stops the bot and starts it again on the same database, as a deploy or a crash-restart would."""
    db_path = bots[0].db.path
    await stop_bot(bots[0])
    bots[0] = await start_bot(emulator, db_path, clock=clock)
    return bots[0]
