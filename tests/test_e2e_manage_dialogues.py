"""/manage questions and /broadcast as dialogues of the engine: they survive a restart, they never share
typed text with another dialogue, and a confirm pressed twice acts once (issue 10).
"""

from __future__ import annotations

import asyncio

import pytest

from bot.clock import ManualClock
from bot.store import dialogues as dialogue_store
from bot.store import people, shifts
from handlers import manage_views as mv
from tests.conftest import SWITCH, RunningBot, restart
from tests.emulator import BotAPIEmulator, TestUser
from tests.emulator.models import CallbackAnswer
from tests.factories import make_org, make_shift
from tests.flows import expect_pointer, tr
from tests.test_e2e_manage import SHIFT_AT, START, coordinator, dispatcher_held, join, open_panel, volunteer


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


def press_twice(user: TestUser, label: str) -> asyncio.Future[tuple[CallbackAnswer, CallbackAnswer]]:
    """Two presses of one button before the bot has answered either (one getUpdates batch)."""
    return asyncio.gather(user.press(label), user.press(label))


def one_acted(answers: tuple[CallbackAnswer, CallbackAnswer], refusal: str) -> None:
    """One press was answered plainly, the other with `refusal` as an alert."""
    quiet = [a for a in answers if not a.show_alert]
    alerts = [a for a in answers if a.show_alert]
    assert len(quiet) == 1 and len(alerts) == 1, answers
    assert alerts[0].text == refusal


async def test_a_title_typed_after_a_restart_renames_the_shift(
    emulator: BotAPIEmulator, restartable: list[RunningBot], clock: ManualClock
) -> None:
    bot = restartable[0]
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Phone bank", starts=SHIFT_AT)
    coord = await coordinator(bot, emulator, org, locale="vi", name="Cô")
    await open_panel(coord)
    await coord.press("✏️ " + tr("vi", "Edit"))
    await coord.next_reply()
    await coord.press(tr("vi", "Title"))
    await coord.next_reply()

    bot = await restart(restartable, emulator, clock)  # the question waits in SQLite
    await coord.send("Ngân hàng điện thoại tiếng Việt")
    saved = await coord.next_reply()
    assert tr("vi", "Saved.") in saved.text and "Ngân hàng điện thoại tiếng Việt" in saved.text
    shift = await shifts.get(bot.db, shift_id)
    assert shift is not None and shift.title == "Ngân hàng điện thoại tiếng Việt"
    await coord.send("Another title")  # answered once: the question is closed
    await expect_pointer(coord, "vi")


async def test_a_broadcast_being_written_continues_after_a_restart(
    emulator: BotAPIEmulator, restartable: list[RunningBot], clock: ManualClock
) -> None:
    bot = restartable[0]
    org = await make_org(bot.db, state="CA")
    coord = await coordinator(bot, emulator, org)
    _, ko = await volunteer(bot, emulator, 5101, "지수", "ko", languages=("ko",), follows=(org.id,))
    _, vi = await volunteer(bot, emulator, 5102, "Lan", "vi", languages=("vi",), follows=(org.id,))
    await coord.send("/broadcast")
    assert "2 people: 0 who signed up, 2 followers" in (await coord.next_reply()).text
    await coord.press("Korean")
    assert "1 person: 0 who signed up, 1 follower" in (await coord.next_reply()).text
    await coord.press("✍️ " + tr("en", "Write the message"))
    await coord.next_reply()

    bot = await restart(restartable, emulator, clock)  # the draft and its filters wait in SQLite
    await coord.send("Phone bank in Korean tonight")
    preview = await coord.next_reply()
    assert "Phone bank in Korean tonight" in preview.text and "1 person" in preview.text  # the filter held
    await coord.press("✅ Send to 1 person")
    await coord.next_reply()
    assert "Phone bank in Korean tonight" in (await ko.next_reply()).text
    await vi.expect_no_reply(within=0.2)


async def test_a_manage_question_opened_while_a_broadcast_is_written_asks_and_the_text_goes_to_one(
    emulator: BotAPIEmulator, restartable: list[RunningBot]
) -> None:
    """Issue 10's "with /neworg open, a new shift title typed in /manage became step 2 of the org dialogue",
    with the other dialogue a broadcast being written: asked first, and either answer sends the text to one."""
    bot = restartable[0]
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Phone bank", starts=SHIFT_AT)
    coord = await coordinator(bot, emulator, org)
    await volunteer(bot, emulator, 5201, "Ana", "en", follows=(org.id,))
    question = SWITCH.format(current=tr("en", "writing a broadcast"), new=tr("en", "changing a shift"))

    await coord.send("/broadcast")
    await coord.next_reply()
    await coord.press("✍️ " + tr("en", "Write the message"))
    await coord.next_reply()
    await open_panel(coord)
    await coord.press("✏️ " + tr("en", "Edit"))
    await coord.next_reply()
    await coord.press(tr("en", "Title"))
    asked = await coord.next_reply()
    assert asked.text == tr("en", question)
    await coord.press(tr("en", "Keep going"))
    await coord.next_reply()  # the question loses its buttons
    assert "Type your message" in (await coord.next_reply()).text  # the broadcast asks again
    await coord.send("Saturday canvass")
    preview = await coord.next_reply()
    assert "Saturday canvass" in preview.text and tr("en", "Preview") in preview.text
    shift = await shifts.get(bot.db, shift_id)
    assert shift is not None and shift.title == "Phone bank"  # not a title

    await coord.press(tr("en", "Title"))  # the edit menu is still there
    assert (await coord.next_reply()).text == tr("en", question)
    await coord.press(tr("en", "Leave it and start"))
    await coord.next_reply()
    assert "Type the new title" in (await coord.next_reply()).text
    await coord.send("Saturday canvass")
    assert tr("en", "Saved.") in (await coord.next_reply()).text
    shift = await shifts.get(bot.db, shift_id)
    assert shift is not None and shift.title == "Saturday canvass"
    coordinator_person = await people.get_by_telegram_id(bot.db, 7001)
    assert coordinator_person is not None and await dialogue_store.get(bot.db, coordinator_person.id) is None
    assert await bot.db.fetchval("SELECT count(*) FROM broadcast") == 0
    await coord.send("/cancel")
    assert (await coord.next_reply()).text == tr("en", "There's nothing to cancel.")


async def test_two_presses_of_send_on_a_message_to_everyone_send_it_once(
    emulator: BotAPIEmulator, restartable: list[RunningBot]
) -> None:
    bot = restartable[0]
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Phone bank", starts=SHIFT_AT, capacity=3)
    coord = await coordinator(bot, emulator, org)
    person, vol = await volunteer(bot, emulator, 5301, "Ana", "en")
    await join(bot, person, shift_id)
    await open_panel(coord)
    await coord.press("✉️ " + tr("en", "Message everyone"))
    await coord.next_reply()
    await coord.send("Bring water")
    preview = await coord.next_reply()

    one_acted(await press_twice(coord, "✅ " + tr("en", "Send")), tr("en", "This was sent already."))
    assert "1 person" in (await coord.next_reply()).text
    await bot.dispatch()
    assert "Bring water" in (await vol.next_reply()).text
    await vol.expect_no_reply(within=0.3)
    assert await bot.db.fetchval("SELECT count(*) FROM outbox WHERE kind = 'shift_message'") == 1
    again = await coord.press_data(mv.SendMessage(shift_id).pack(), message=preview)  # a late third press
    assert again.text == tr("en", "This was sent already.") and again.show_alert
    await coord.send("Bring snacks")  # the message is sent: nothing waits for text
    await expect_pointer(coord)


async def test_two_presses_of_send_on_a_broadcast_queue_it_once(
    emulator: BotAPIEmulator, restartable: list[RunningBot]
) -> None:
    bot = restartable[0]
    org = await make_org(bot.db)
    coord = await coordinator(bot, emulator, org)
    _, vol = await volunteer(bot, emulator, 5401, "Ana", "en", follows=(org.id,))
    await coord.send("/broadcast")
    await coord.next_reply()
    await coord.press("✍️ " + tr("en", "Write the message"))
    await coord.next_reply()
    await coord.send("Canvass on Saturday")
    await coord.next_reply()

    async with dispatcher_held(bot):
        one_acted(await press_twice(coord, "✅ Send to 1 person"), tr("en", "This was sent already."))
        assert await bot.db.fetchval("SELECT count(*) FROM broadcast") == 1
        assert await bot.db.fetchval("SELECT count(*) FROM outbox WHERE kind = 'broadcast'") == 1
    assert "Canvass on Saturday" in (await vol.next_reply()).text
    await vol.expect_no_reply(within=0.3)


async def test_cancel_confirm_pressed_twice_cancels_once_and_tells_everyone_once(
    emulator: BotAPIEmulator, restartable: list[RunningBot]
) -> None:
    bot = restartable[0]
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Text bank", starts=SHIFT_AT, capacity=3)
    coord = await coordinator(bot, emulator, org)
    person, vol = await volunteer(bot, emulator, 5501, "Lan", "vi")
    await join(bot, person, shift_id)
    await open_panel(coord)
    await coord.press("❌ " + tr("en", "Cancel the shift"))
    await coord.next_reply()
    await coord.send("Storm warning")
    await coord.next_reply()

    closed = tr("en", "This shift is over or cancelled, so it can't be changed any more.")
    one_acted(await press_twice(coord, "❌ " + tr("en", "Yes, cancel the shift")), closed)
    assert tr("en", "This shift was cancelled.") in (await coord.next_reply()).text
    await bot.dispatch()
    assert "Storm warning" in (await vol.next_reply()).text
    await vol.expect_no_reply(within=0.3)
    assert await bot.db.fetchval("SELECT count(*) FROM audit_log WHERE action = 'shift.cancel'") == 1
    assert await bot.db.fetchval("SELECT count(*) FROM outbox WHERE kind = 'shift_cancelled'") == 1


async def test_a_photo_or_place_during_a_manage_question_asks_it_again_and_changes_nothing(
    emulator: BotAPIEmulator, restartable: list[RunningBot]
) -> None:
    bot = restartable[0]
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Phone bank", starts=SHIFT_AT)
    coord = await coordinator(bot, emulator, org, locale="ko", name="코코")
    await open_panel(coord)
    await coord.press("❌ " + tr("ko", "Cancel the shift"))
    await coord.next_reply()
    await coord.share_location(37.56, 126.97)
    again = await coord.next_reply()
    reason = (
        "Why is it cancelled? Type a short reason (up to 500 characters): everyone signed up or waiting "
        "will read it, in a message from the bot."
    )
    assert tr("ko", reason) in again.text
    await coord.send("폭우 경보")
    confirm = await coord.next_reply()
    assert "폭우 경보" in confirm.text
    await coord.share_location(37.56, 126.97)  # waiting for the confirm: the confirmation again
    assert "❌ " + tr("ko", "Yes, cancel the shift") in (await coord.next_reply()).labels
    shift = await shifts.get(bot.db, shift_id)
    assert shift is not None and shift.status == "published"


async def test_a_broadcast_started_while_a_manage_question_waits_takes_the_text(
    emulator: BotAPIEmulator, restartable: list[RunningBot]
) -> None:
    """The other order: the one-question /manage flow closes quietly when /broadcast starts."""
    bot = restartable[0]
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Phone bank", starts=SHIFT_AT)
    coord = await coordinator(bot, emulator, org)
    await volunteer(bot, emulator, 5601, "Ana", "en", follows=(org.id,))
    await open_panel(coord)
    await coord.press("✏️ " + tr("en", "Edit"))
    await coord.next_reply()
    await coord.press(tr("en", "Title"))
    await coord.next_reply()
    await coord.send("/broadcast")
    await coord.next_reply()
    await coord.press("✍️ " + tr("en", "Write the message"))
    await coord.next_reply()
    await coord.send("Saturday canvass")
    assert "Saturday canvass" in (await coord.next_reply()).text
    shift = await shifts.get(bot.db, shift_id)
    assert shift is not None and shift.title == "Phone bank"
    await coord.send("/cancel")
    assert (await coord.next_reply()).text == tr("en", "Cancelled. Nothing was sent.")
    await coord.send("Sunday canvass")
    await expect_pointer(coord)
