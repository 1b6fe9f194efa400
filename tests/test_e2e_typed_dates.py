"""Dates typed in /newshift through the whole stack: read in the coordinator's own date order, and asked
about with a button per date when that order can't settle it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from babel.dates import format_skeleton

from bot.i18n import Translator
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator
from tests.flows import tr
from tests.test_e2e_newshift import LA, day_label, local_today, reply, start_dialogue

WHICH_DAY = "Which day? Tap one, or type a date (for example {examples})."
WHICH_MEANT = "Which date do you mean by “{typed}”? Tap it, or type the date again."
START_TIME = "What time does it start? Tap one, or type a time (for example {examples})."


def next_on_or_after(today: date, month: int, day: int) -> date:
    this_year = date(today.year, month, day)
    return this_year if this_year >= today else date(today.year + 1, month, day)


def with_year(locale: str, day: date) -> str:
    return format_skeleton("yMMMEd", datetime.combine(day, time(12), tzinfo=LA), locale=Translator(locale, LA).babel)


async def test_a_vietnamese_coordinator_types_12_5_and_gets_12_may(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    vi = "vi"
    user, _ = await start_dialogue(emulator, bot, vi)
    asked = user.messages[-1]
    example = local_today() + timedelta(days=7)
    assert tr(vi, WHICH_DAY).split("{")[0] in asked.text
    # The example is day first, as Vietnamese writes it, beside the date as the bot writes it.
    assert f"{example.day}/{example.month}" in asked.text
    assert Translator(vi, LA).month_day(example) in asked.text

    await user.send("12/5")
    answered = await reply(user)
    assert day_label(vi, next_on_or_after(local_today(), 5, 12)) in answered.text
    assert tr(vi, START_TIME).split("{")[0] in answered.text
    await user.send("6:30 tối")  # an evening word, not only AM/PM
    assert Translator(vi, LA).time(datetime.combine(local_today(), time(18, 30), tzinfo=LA)) in (
        await reply(user)
    ).text


async def test_an_ambiguous_date_is_asked_with_a_button_per_reading(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    zh = "zh_Hans"
    user, _ = await start_dialogue(emulator, bot, zh)
    year = local_today().year + 1
    may, december = date(year, 5, 12), date(year, 12, 5)
    await user.send(f"5/12/{year}")  # year last: Chinese writes dates year first, so either is possible
    asked = await reply(user)
    assert tr(zh, WHICH_MEANT).format(typed=f"5/12/{year}") in asked.text
    assert with_year(zh, may) in asked.labels and with_year(zh, december) in asked.labels
    assert tr(zh, START_TIME).split("{")[0] not in asked.text  # nothing was read silently

    forged = await user.press_data(f"ns:dm:{year}0101", message=asked)  # a date that wasn't offered
    assert forged.show_alert
    await user.press(with_year(zh, december), message=asked)
    chosen = await reply(user)
    assert day_label(zh, december) in chosen.text and tr(zh, START_TIME).split("{")[0] in chosen.text


async def test_a_date_that_is_only_real_the_other_way_round_is_asked_not_swapped(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    en = "en"
    user, _ = await start_dialogue(emulator, bot, en)
    await user.send("13/5")  # no month 13 in the US order; 13 May the other way
    asked = await reply(user)
    meant = next_on_or_after(local_today(), 5, 13)
    assert tr(en, WHICH_MEANT).format(typed="13/5") in asked.text
    assert [label for label in asked.labels if label[0].isalpha() and "◀" not in label] == [with_year(en, meant)]
    await user.send("May 13")  # typing it again works as well
    assert day_label(en, meant) in (await reply(user)).text
