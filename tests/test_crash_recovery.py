"""`kill -9` in the middle of a batch of reminders: after a restart nothing is lost, and at most the
one message in flight at the moment of the crash is sent twice."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import to_ts
from bot.db import Database
from bot.services.signups import sign_up
from bot.store import outbox
from bot.store.outbox import NewItem
from tests.conftest import bot_env
from tests.emulator import BotAPIEmulator
from tests.factories import POLICY, make_org, make_shift, make_volunteer
from tests.test_cli import clean_env

VOLUNTEERS = 60


async def prepare(path: Path, emulator: BotAPIEmulator) -> list[int]:
    """A shift in 90 minutes and a reminder due now for each of its volunteers."""
    db = await Database.open(path)
    await db.migrate()
    now = datetime.now(UTC)
    org = await make_org(db)
    shift_id = await make_shift(db, org, title="Crash test canvass", starts=now + timedelta(minutes=90), capacity=100)
    chats, items = [], []
    for i in range(VOLUNTEERS):
        person = await make_volunteer(db, 40_000 + i)
        result = await sign_up(db, person.id, shift_id, to_ts(now), policy=POLICY)
        assert result.signup is not None
        items.append(
            NewItem(
                person_id=person.id,
                kind="reminder",
                shift_id=shift_id,
                due_at=to_ts(now),
                dedupe_key=f"crash:{person.id}",
                payload={"signup_id": result.signup.id, "lead": 7200},
            )
        )
        emulator.user(40_000 + i, f"V{i}")
        chats.append(40_000 + i)
    async with db.transaction() as tx:
        await outbox.enqueue(tx, items, to_ts(now))
    await db.close()
    return chats


def reminders_received(emulator: BotAPIEmulator, chats: list[int]) -> dict[int, int]:
    return {c: sum("Crash test canvass" in m.text for m in emulator.messages(c)) for c in chats}


async def run_until(env: dict[str, str], cwd: Path, done: Callable[[], bool], *, kill: bool) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        for _ in range(600):
            if done():
                break
            await asyncio.sleep(0.05)
        assert done(), "the bot did not get that far"
    finally:
        proc.send_signal(signal.SIGKILL if kill else signal.SIGINT)
        await asyncio.wait_for(proc.wait(), timeout=30)


async def test_kill_9_mid_batch(emulator: BotAPIEmulator, tmp_path: Path) -> None:
    path = tmp_path / "turnout.sqlite3"
    chats = await prepare(path, emulator)
    env = clean_env(**bot_env(emulator, path), TURNOUT_RATE="20")

    def some_sent() -> bool:
        return sum(reminders_received(emulator, chats).values()) >= 15

    await run_until(env, tmp_path, some_sent, kill=True)
    sent_before = sum(reminders_received(emulator, chats).values())
    assert sent_before < VOLUNTEERS, "the crash came too late to test anything"

    def all_sent() -> bool:
        return all(reminders_received(emulator, chats).values())

    await run_until(env, tmp_path, all_sent, kill=False)
    counts = reminders_received(emulator, chats)
    assert min(counts.values()) == 1  # nothing lost
    assert sum(counts.values()) - VOLUNTEERS <= 1  # at most the one in flight twice
    emulator.assert_no_errors()
