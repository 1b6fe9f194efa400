"""The state question names every state and territory in the reader's language, two pages of them."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.i18n import Translator, available_locales
from bot.vocab import STATE_NAMES, STATE_ZONES
from handlers import profile_views as views

LA = ZoneInfo("America/Los_Angeles")


@pytest.mark.parametrize("locale", available_locales())
def test_every_state_has_its_own_name_in_every_language(locale: str) -> None:
    t = Translator(locale, LA)
    named = views.states_in_order(t)
    assert sorted(code for code, _ in named) == sorted(STATE_ZONES)
    names = [name for _, name in named]
    assert len(set(names)) == len(names), "two states with one name"
    if locale != "en":
        # Guam and the like may keep their English spelling in a Latin script; most names change.
        assert sum(t._(STATE_NAMES[code]) != STATE_NAMES[code] for code in STATE_NAMES) >= 5 or locale in (
            "fil", "hmn",
        )


def test_two_pages_hold_every_state_and_outside_the_us_is_under_each() -> None:
    t = Translator("en", LA)
    seen: list[str] = []
    for page in (0, 1):
        _, markup = views.state_prompt(t, views.ONBOARDING, page)
        labels = [b.text for row in markup.inline_keyboard for b in row]
        assert labels[-1] == "🌏 Outside the US"
        seen += [label for label in labels if label in set(STATE_NAMES.values())]
    assert sorted(seen) == sorted(STATE_NAMES.values())
    assert seen[:3] == ["Alabama", "Alaska", "American Samoa"]  # by name, not by code
    _, past_the_end = views.state_prompt(t, views.ONBOARDING, 99)  # a forged page shows the last one
    assert past_the_end.inline_keyboard[0][0].text == seen[28]


def test_the_networks_states_come_first_and_every_state_is_one_tap_further() -> None:
    t = Translator("vi", LA)
    _, first = views.state_prompt(t, views.ONBOARDING, 0, featured=["WA", "CA", "TX"])
    labels = [b.text for row in first.inline_keyboard for b in row]
    assert labels == ["California", "Texas", "Washington", "🗺 " + t._("All states and territories"),
                      "🌏 " + t._("Outside the US")]
    _, every = views.state_prompt(t, views.ONBOARDING, 1, featured=["WA", "CA", "TX"])
    labels = [b.text for row in every.inline_keyboard for b in row]
    assert labels[:2] == ["Alabama", "Alaska"] and "◀ " + t._("Previous") in labels and t._("Next") + " ▶" in labels
