"""Through the real bot: a press answered too late (Telegram refuses answerCallbackQuery some seconds
after the press) still takes effect, and the presser is told in a message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.store import signups
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator
from tests.factories import make_org, make_shift, make_volunteer
from tests.flows import tr

ALREADY = "You're already signed up for this shift."


async def test_a_press_too_old_to_answer_still_signs_up_and_says_so_in_a_message(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Late canvass", starts=datetime.now(UTC) + timedelta(days=2))
    person = await make_volunteer(bot.db, 6001, first_name="Rosa")
    rosa = emulator.user(6001, "Rosa")
    await rosa.send(f"/start shift-{shift_id}")
    card = await rosa.next_reply()

    emulator.callback_query_timeout = 15
    real = emulator.clock
    lag = 0.0
    emulator.clock = lambda: real() + lag
    try:
        pending = rosa.queue_press("✅ " + tr("en", "Sign up"), message=card)
        lag = 20.0  # the bot gets to it 20 s after the press (set before it can run)
        edited = await rosa.next_reply()
        assert edited.edited and tr("en", "You're signed up.") in edited.text
        confirmation = await rosa.next_reply()
        assert confirmation.document is not None and tr("en", "✅ You're signed up!") in confirmation.text
        assert not pending.done()  # Telegram refused the answer: the spinner had long stopped

        lag = 0.0
        again = rosa.queue_press_data(f"sj:{shift_id}", message=card)  # the card's old button, pressed again
        lag = 20.0
        told = await rosa.next_reply()
        assert told.text == tr("en", ALREADY)  # the alert it would have shown, as a message
        assert not again.done()
    finally:
        emulator.clock = real
    found = await signups.find(bot.db, shift_id, person.id)
    assert found is not None and found.status == "confirmed"
    refused = {e.method for e in emulator.errors}
    assert refused == {"answerCallbackQuery"}
    emulator.assert_no_errors(ignore_expired_queries=True)
    emulator.errors.clear()  # Telegram's refusals of the late answers: expected here
    await bot.inbox.wait_idle()  # the mark comes just after the last message
    rows = await bot.db.fetchall("SELECT status FROM inbox")
    assert {r["status"] for r in rows} == {"handled"}

