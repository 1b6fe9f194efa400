"""When a handler fails: the pressed button stops spinning, and the person gets a kind, translated line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import handlers.shifts
from bot.services.shift_admin import NotAllowed
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator, TestUser
from tests.factories import make_org, make_shift, make_volunteer
from tests.flows import tr

SORRY = "Sorry, something went wrong. Please try again."


def _fail(*args: object, **kwargs: object) -> None:
    raise RuntimeError("boom: a service failed")


async def _list_shifts(emulator: BotAPIEmulator, bot: RunningBot) -> TestUser:
    org = await make_org(bot.db)
    starts = (datetime.now(UTC) + timedelta(days=2)).replace(second=0, microsecond=0)
    await make_shift(bot.db, org, title="Phone bank", starts=starts)
    await make_volunteer(bot.db, 6001, first_name="민지", locale="ko")
    minji = emulator.user(6001, "민지", language_code="ko")
    await minji.send("/shifts")
    await minji.next_reply()
    return minji


def _assert_kind(text: str) -> None:
    assert text == tr("ko", SORRY)
    assert "Traceback" not in text and "boom" not in text


async def test_a_failing_button_is_answered_with_the_kind_line(
    emulator: BotAPIEmulator, bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    minji = await _list_shifts(emulator, bot)
    await minji.press("1")
    await minji.next_reply()  # the card
    monkeypatch.setattr(handlers.shifts, "sign_up", _fail)

    answer = await minji.press("✅ " + tr("ko", "Sign up"))  # fails the test if the query is never answered
    _assert_kind(answer.text or "")
    answers = emulator.calls_to("answerCallbackQuery")
    assert answers[-1].params.get("text") == tr("ko", SORRY)
    _assert_kind((await minji.next_reply()).text)
    await minji.expect_no_reply(within=0.2)


async def test_a_button_answered_before_the_failure_still_gets_the_message(
    emulator: BotAPIEmulator, bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """open_card answers first and then fails: Telegram refuses a second answer, which is ignored."""
    minji = await _list_shifts(emulator, bot)
    monkeypatch.setattr(handlers.shifts, "_render_card", _fail)

    answer = await minji.press("1")
    assert answer.text is None  # the handler's own answer, before it failed
    _assert_kind((await minji.next_reply()).text)
    await minji.expect_no_reply(within=0.2)  # once: the refused second answer is not also sent as a message
    refused = [e for e in emulator.errors if e.method == "answerCallbackQuery"]
    assert len(refused) == 1 and len(emulator.errors) == 1  # the second answer, and nothing else
    emulator.errors.clear()


async def test_a_refusal_from_a_service_is_answered_in_words_not_as_a_failure(
    emulator: BotAPIEmulator, bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every write checks who may act in the service too; should a handler let a refused one through,
    the person reads who may do it, not "something went wrong"."""
    minji = await _list_shifts(emulator, bot)
    await minji.press("1")
    await minji.next_reply()  # the card

    def refuse(*args: object, **kwargs: object) -> None:
        raise NotAllowed(1)

    monkeypatch.setattr(handlers.shifts, "sign_up", refuse)
    answer = await minji.press("✅ " + tr("ko", "Sign up"))
    refused = tr("ko", "Sorry, only the organization's coordinators can do that.")
    assert answer.text == refused
    assert (await minji.next_reply()).text == refused
    await minji.expect_no_reply(within=0.2)
