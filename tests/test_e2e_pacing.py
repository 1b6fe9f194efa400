"""One send budget for the bot, seen from Telegram's side (the emulator's receive times and counts):
a 429 holds only the chat it names, replies go ahead of a reminder wave, the bot never sends more
than TURNOUT_RATE messages in any second, and a slow Telegram gets no second copy of a reply."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import to_ts
from bot.services.signups import sign_up
from bot.store import outbox
from bot.store.outbox import NewItem
from handlers import pacer
from tests.conftest import RunningBot, start_bot, stop_bot
from tests.emulator import BotAPIEmulator
from tests.emulator.models import RecordedCall
from tests.factories import make_org, make_shift, make_volunteer

RATE = 30
WAVE = 150  # reminders: five seconds of sending at the rate


@pytest.fixture
async def paced(emulator: BotAPIEmulator, tmp_path: Path) -> AsyncIterator[RunningBot]:
    """The bot with Telegram's real per-chat limit (the other tests raise it to go fast)."""
    running = await start_bot(emulator, tmp_path / "turnout.sqlite3", TURNOUT_CHAT_RATE="1", TURNOUT_RATE=str(RATE))
    try:
        yield running
    finally:
        await stop_bot(running)


async def until(done: Callable[[], bool], seconds: float = 10.0) -> None:
    for _ in range(int(seconds * 100)):
        if done():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("that did not happen in time")


def messages_to(emulator: BotAPIEmulator, chat: int, *, status: int = 200) -> list[RecordedCall]:
    calls = emulator.calls_to("sendMessage")
    return [c for c in calls if c.params.get("chat_id") == chat and c.status == status]


async def test_a_429_for_one_chat_does_not_hold_anyone_else(emulator: BotAPIEmulator, paced: RunningBot) -> None:
    alice, bob = emulator.user(5001, "Alice"), emulator.user(5002, "Bob")
    emulator.flood_chat(alice.id, 15)
    await alice.send("/help")
    await until(lambda: bool(messages_to(emulator, alice.id, status=429)), seconds=5)
    throttled_at = messages_to(emulator, alice.id, status=429)[0].time

    await bob.send("/help")
    help_reply = await bob.next_reply(timeout=3)  # not 15 s: Alice's pause is hers alone
    assert "/shifts" in help_reply.text
    (bob_call,) = messages_to(emulator, bob.id)
    assert bob_call.time < throttled_at + 15

    alice_reply = await alice.next_reply(timeout=25)  # the same reply, once her pause is over
    assert alice_reply.text == help_reply.text
    (alice_call,) = messages_to(emulator, alice.id)
    assert alice_call.time >= throttled_at + 14  # Telegram rounds retry_after up to whole seconds
    assert len(messages_to(emulator, alice.id, status=429)) == 1  # waited out, not hammered
    await alice.expect_no_reply(within=0.2)  # and sent once
    emulator.assert_no_errors(ignore_flood=True)


async def queue_reminders(bot: RunningBot, emulator: BotAPIEmulator, count: int) -> list[int]:
    """A shift in 90 minutes and a reminder due now for each of `count` volunteers; their chat ids."""
    db, now = bot.db, datetime.now(UTC)
    org = await make_org(db)
    shift_id = await make_shift(db, org, title="Wave canvass", starts=now + timedelta(minutes=90), capacity=count)
    chats, items = [], []
    for i in range(count):
        person = await make_volunteer(db, 60_000 + i)
        result = await sign_up(db, person.id, shift_id, to_ts(now), policy=bot.runtime.reminder_policy)
        assert result.signup is not None
        items.append(
            NewItem(
                person_id=person.id, kind="reminder", shift_id=shift_id, due_at=to_ts(now),
                dedupe_key=f"wave:{person.id}", payload={"signup_id": result.signup.id, "lead": 7200},
            )
        )
        emulator.user(60_000 + i, f"V{i}")
        chats.append(60_000 + i)
    async with db.transaction() as tx:
        await outbox.cancel_pending(tx, shift_id=shift_id)  # sign_up's own reminders are days away anyway
        await outbox.enqueue(tx, items, to_ts(now))
    return chats


async def test_during_a_reminder_wave_a_reply_goes_ahead_and_the_rate_holds(
    emulator: BotAPIEmulator, paced: RunningBot
) -> None:
    chats = await queue_reminders(paced, emulator, WAVE)
    emulator.flood_control = True  # Telegram's limits: 30/s overall, bursts of 3 then 1/s per chat
    emulator.flood_global_per_second = RATE
    reminders = set(chats)

    def reminder_times() -> list[float]:
        return [c.time for c in emulator.calls if c.status == 200 and c.params.get("chat_id") in reminders]

    wave = asyncio.create_task(paced.dispatch())
    await until(lambda: len(reminder_times()) >= 30)
    carol = emulator.user(5003, "Carol")
    asked = time.time()
    await carol.send("/help")
    await carol.next_reply(timeout=3)
    (answered,) = [c.time for c in messages_to(emulator, carol.id)]
    ahead = [t for t in reminder_times() if asked <= t <= answered]
    assert len(ahead) <= 2  # at most what was already on its way, not the queue
    await asyncio.wait_for(wave, timeout=30)
    after = [t for t in reminder_times() if t > answered]
    assert len(after) >= WAVE // 2  # the reply did not wait for the wave
    assert sorted(len(emulator.messages(c)) for c in chats) == [1] * WAVE  # every reminder, once
    assert emulator.peak_messages_per_second() <= RATE
    assert emulator.flood_429_count == 0
    emulator.assert_no_errors()


async def test_button_answers_are_not_held_behind_reminders(emulator: BotAPIEmulator, paced: RunningBot) -> None:
    dave = emulator.user(5004, "Dave")
    await dave.send("/start")
    await dave.next_reply()  # the language picker, with buttons
    chats = await queue_reminders(paced, emulator, WAVE)
    wave = asyncio.create_task(paced.dispatch())
    await until(lambda: sum(len(emulator.messages(c)) for c in chats) >= 30)
    pressed = time.time()
    picker = emulator.messages(dave.id)[-1]
    answer = await dave.press(picker.labels[0], message=picker)
    assert answer is not None
    (call,) = [c for c in emulator.calls_to("answerCallbackQuery")]
    await asyncio.wait_for(wave, timeout=30)
    sent = sorted(c.time for c in emulator.calls if c.status == 200 and c.params.get("chat_id") in set(chats))
    assert len(sent) == WAVE
    # answered during the wave, not after it: reminders were still going out once the press was answered
    # (a timestamp comparison, so a slow machine finishing the wave early can't fail it)
    assert call.time - pressed < 1.0 and sent[-1] > call.time


async def test_a_reply_telegram_got_but_never_answered_is_not_repeated_nor_called_an_error(
    emulator: BotAPIEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pacer, "READ_TIMEOUT", 1.0)  # instead of waiting the real 30 s
    running = await start_bot(emulator, tmp_path / "turnout.sqlite3")
    try:
        erin = emulator.user(5005, "Erin")
        emulator.slow_next("sendMessage", 3.0)  # Telegram delivers it, then is slow to say so
        await erin.send("/help")
        reply = await erin.next_reply(timeout=3)
        assert "/shifts" in reply.text
        await erin.expect_no_reply(within=3.0)  # neither a second copy nor "Sorry, something went wrong"
        assert len(emulator.messages(erin.id)) == 1
    finally:
        await stop_bot(running)
