"""The promise of the volunteer issue: from /start to a confirmed shift with a calendar file, in every
one of the languages, by taps (and one typed ZIP)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from bot.i18n import available_locales, translations
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator
from tests.factories import make_org, make_shift
from tests.flows import onboard


@pytest.mark.parametrize("locale", available_locales())
async def test_from_start_to_a_confirmed_shift(emulator: BotAPIEmulator, bot: RunningBot, locale: str) -> None:
    _ = translations(locale).gettext
    org = await make_org(bot.db)
    starts = (datetime.now(UTC) + timedelta(days=3)).replace(second=0, microsecond=0)
    shift_id = await make_shift(bot.db, org, title="Saturday canvass", kind="canvass", starts=starts)
    user = emulator.user(9100 + available_locales().index(locale), "Ana", language_code=locale.replace("_", "-"))
    taps_before = len(emulator.calls_to("answerCallbackQuery"))

    welcome = await onboard(user, locale)
    await user.press(welcome.labels[0])  # 🔎 Find shifts
    listing = await user.next_reply()
    assert "Saturday canvass" in listing.text
    await user.press("1")
    await user.next_reply()
    await user.press("✅ " + _("Sign up"))
    await user.next_reply()  # the card, now saying they're signed up
    confirmation = await user.next_reply()

    assert _("✅ You're signed up!") in confirmation.text
    assert confirmation.document is not None
    event = next(iter(Calendar.from_ical(confirmation.document.data).walk("VEVENT")))
    assert event.decoded("dtstart") == starts
    assert f"shift-{shift_id}" in str(event.get("url"))
    buttons = len(emulator.calls_to("answerCallbackQuery")) - taps_before
    # Agree, keep the language, keep the name, state, languages done, interests done, find, open, sign up;
    # plus one tap on the reply keyboard's Skip (phone) and the typed ZIP: ten taps in all.
    assert buttons == 9
