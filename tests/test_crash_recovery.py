"""`kill -9` in the middle of a batch of reminders: after a restart nothing is lost, and at most the
one message in flight at the moment of the crash is sent twice."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import to_ts
from bot.db import Database
from bot.services.signups import sign_up
from bot.store import outbox
from bot.store.outbox import NewItem
from tests.conftest import bot_env
from tests.emulator import BotAPIEmulator, CallbackAnswer, TestUser
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


# --- button presses in flight: the inbox --------------------------------------------------------

PRESSERS = 40
SIGN_UP = "✅ Sign up"
CONFIRMED = "✅ You're signed up!"  # the caption of the calendar file (views.confirmation)
ALREADY = "You're already signed up for this shift."


async def prepare_presses(path: Path, emulator: BotAPIEmulator) -> tuple[int, list[TestUser]]:
    """A shift tomorrow with room for everyone, and 40 registered volunteers."""
    db = await Database.open(path)
    await db.migrate()
    org = await make_org(db)
    shift_id = await make_shift(
        db, org, title="Kill test canvass", starts=datetime.now(UTC) + timedelta(days=1), capacity=100
    )
    users = []
    for i in range(PRESSERS):
        await make_volunteer(db, 50_000 + i, first_name=f"P{i}")
        users.append(emulator.user(50_000 + i, f"P{i}"))
    await db.close()
    return shift_id, users


def start_process(env: dict[str, str], cwd: Path) -> Awaitable[asyncio.subprocess.Process]:
    return asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def eventually(check: Callable[[], bool], what: str, seconds: float = 30) -> None:
    for _ in range(int(seconds / 0.02)):
        if check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"never happened: {what}")


def told(emulator: BotAPIEmulator, user: TestUser, answer: asyncio.Future[CallbackAnswer]) -> int:
    """How many times this person was told the outcome of their press: the confirmation, an
    "already signed up" message, or the same as the button's alert."""
    count = sum(
        (m.document is not None and CONFIRMED in (m.text or "")) or ALREADY in (m.text or "")
        for m in emulator.messages(user.id)
    )
    if answer.done() and not answer.cancelled() and answer.result().text == ALREADY:
        count += 1
    return count


async def db_rows(path: Path, sql: str) -> list[sqlite3.Row]:
    db = await Database.open(path)
    try:
        return await db.fetchall(sql)
    finally:
        await db.close()


@pytest.mark.parametrize("kill_after_ms", [50, 150, 300])
async def test_kill_9_with_sign_up_presses_in_flight(
    emulator: BotAPIEmulator, tmp_path: Path, kill_after_ms: int
) -> None:
    path = tmp_path / "turnout.sqlite3"
    shift_id, users = await prepare_presses(path, emulator)
    env = clean_env(**bot_env(emulator, path))

    proc = await start_process(env, tmp_path)
    try:
        for user in users:  # each opens the shift's card, the way a shared link does
            await user.send(f"/start shift-{shift_id}")
        await eventually(lambda: all(SIGN_UP in u.last_message.labels for u in users if u.last_message), "cards")
        await eventually(lambda: all(u.last_message for u in users), "a card for everyone")
        answers = {user.id: user.queue_press(SIGN_UP) for user in users}
        press_ids = [u["update_id"] for u in emulator.pending_updates if "callback_query" in u]
        assert len(press_ids) == PRESSERS
        await eventually(lambda: all(i in emulator.delivered_at for i in press_ids), "the presses fetched")
        fetched = max(emulator.delivered_at[i] for i in press_ids)
        await asyncio.sleep(max(0.0, fetched + kill_after_ms / 1000 - time.monotonic()))
    finally:
        proc.send_signal(signal.SIGKILL)
        await asyncio.wait_for(proc.wait(), timeout=30)

    inbox = await db_rows(path, "SELECT status, count(*) AS n FROM inbox GROUP BY status")
    before = {r["status"]: r["n"] for r in inbox}
    signed_before = len(await db_rows(path, f"SELECT id FROM signup WHERE shift_id = {shift_id}"))
    answered_before = sum(told(emulator, u, answers[u.id]) > 0 for u in users)

    late = emulator.user(50_999, "Late")  # types /start while the bot is down
    await late.send("/start")

    proc = await start_process(env, tmp_path)
    try:
        await eventually(lambda: all(told(emulator, u, answers[u.id]) for u in users), "everyone told", 60)
        await late.next_reply(timeout=30)
        await users[0].send("/help")  # and a typed command after the restart
        # Not just the next event: this chat may still hold the card and the answers from before.
        helped = lambda: any("connects volunteers" in (m.text or "") for m in users[0].messages)  # noqa: E731
        await eventually(helped, "the help", 15)
        # An update is marked handled just after its reply goes out: on a loaded machine, wait for the
        # marks too before stopping, so the check below is about lost updates, not slow ones.
        for _ in range(600):
            if not await db_rows(path, "SELECT 1 FROM inbox WHERE status = 'new' LIMIT 1"):
                break
            await asyncio.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGTERM)  # as a service manager stops it
        await asyncio.wait_for(proc.wait(), timeout=30)
    assert proc.returncode == 0

    signups = await db_rows(
        path, f"SELECT person_id, count(*) AS n FROM signup WHERE shift_id = {shift_id} GROUP BY person_id"
    )
    assert len(signups) == PRESSERS and {r["n"] for r in signups} == {1}  # all took effect, once
    counts = [told(emulator, u, answers[u.id]) for u in users]
    assert min(counts) >= 1  # nobody left unanswered
    twice = sum(c > 1 for c in counts)
    assert twice <= answered_before  # only someone told before the kill can hear it again
    left = await db_rows(
        path, "SELECT update_id, sender_key, attempts, substr(data, 1, 200) AS data FROM inbox WHERE status = 'new'"
    )
    assert not left, [dict(r) for r in left]  # what stayed unhandled, for whoever chases it
    print(
        f"\nkill -9 {kill_after_ms} ms after the presses were fetched: {before.get('new', 0)} of "
        f"{sum(before.values())} updates unhandled, {signed_before} signed up and {answered_before} told "
        f"before the kill; after the restart {PRESSERS} signed up once each, {twice} told twice"
    )
    unexpected = [
        e
        for e in emulator.errors
        if not (e.method == "answerCallbackQuery" and "query is too old" in e.description)
        and "message is not modified" not in e.description
    ]
    assert not unexpected, unexpected
