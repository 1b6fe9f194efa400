"""Every button's codec class refuses malformed data, and the running bot answers such a press with
"no longer works" (handlers/errors.py), whichever feature the prefix belongs to."""

from __future__ import annotations

import dataclasses
import itertools
import typing
from typing import Any, Literal

import pytest

from bot.services import exports
from bot.services.browse import Filters
from handlers import app as composition  # noqa: F401  (imports every feature, so every button is registered)
from handlers import export_views, shift_views
from handlers.kit.callbacks import MAX_BYTES, Button, button_for, registered
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator
from tests.factories import make_volunteer
from tests.flows import tr

STALE = "This button no longer works. Please send /start."
STR_SAMPLES = ("a", Filters().encode(), "en")  # the first one a class's `valid` takes


def _buttons() -> list[type[Button]]:
    return [cls for cls in registered() if cls.__module__.startswith("handlers.")]


def _candidates(kind: Any) -> list[Any]:
    if kind is bool:
        return [True]
    if kind is int:
        return [7]
    if typing.get_origin(kind) is Literal:
        return [c for c in typing.get_args(kind) if c][:1] or [""]
    return list(STR_SAMPLES)


def example(cls: type[Button]) -> Button:
    """A valid instance with every field given (none left at its default, so all of them are packed)."""
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    for values in itertools.product(*(_candidates(hints[n]) for n in names)):
        button = cls(**dict(zip(names, values, strict=True)))
        if button.valid():
            return button
    raise AssertionError(f"no example for {cls.__name__}: add a sample to STR_SAMPLES")


def malformed(cls: type[Button]) -> list[str]:
    """Data that looks like this button's but isn't: a field too many or too few, a value of the wrong shape."""
    hints = typing.get_type_hints(cls)
    fields = [f for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    data = example(cls).pack()
    head = cls.prefix.count(":") + 1
    parts = data.split(":")
    bad = [data + ":1", cls.prefix.upper() + data[len(cls.prefix):], data + "\n", " " + data]
    required = sum(f.default is dataclasses.MISSING for f in fields)
    if required:
        bad.append(":".join(parts[: head + required - 1]))
    for i, f in enumerate(fields):
        kind = hints[f.name]
        if kind is int:
            wrong = ["x", "1.5", "", "٤٢", "9" * 19]
        elif kind is bool:
            wrong = ["2", "", "true"]
        elif typing.get_origin(kind) is Literal:
            wrong = ["zz", "a b"]
        else:
            wrong = ["a b", "é", "x" * 41, "<b>"]
        for value in wrong:
            bad.append(":".join([*parts[:head + i], value, *parts[head + i + 1 :]]))
    bad.append(data + ":" + "9" * MAX_BYTES)
    return bad


def test_every_feature_has_buttons_on_the_codec() -> None:
    prefixes = {cls.prefix for cls in _buttons()}
    for prefix in ("sl", "sf", "sc", "sj", "mc", "mx", "rm", "del:yes", "del:no", "lang", "menu:help", "rp", "ro",
                   "ra", "ex:r", "ex:rp", "ex:rs", "ex:a", "ex:h", "mg:p", "bc:s"):
        assert prefix in prefixes, prefix


@pytest.mark.parametrize("cls", _buttons(), ids=lambda cls: cls.prefix)
def test_each_button_round_trips_and_refuses_malformed_data(cls: type[Button]) -> None:
    button = example(cls)
    assert cls.unpack(button.pack()) == button
    assert button_for(button.pack()) == button
    for data in malformed(cls):
        assert cls.unpack(data) is None, data
        assert button_for(data) is None, data


def test_buttons_already_in_chats_keep_their_data() -> None:
    """Cards, reminders and lists sent before the codec carry these; they must still parse."""
    state = Filters(when="w", page=2).encode()
    assert shift_views.Card(42).pack() == "sc:42"
    assert shift_views.Card.unpack(f"sc:42:{state}") == shift_views.Card(42, state)
    assert shift_views.Join(42, "o").pack() == "sj:42:o" and shift_views.Join(42).pack() == "sj:42"
    assert shift_views.ListPage.unpack("sl:not-a-state") is None
    assert export_views.Signups().pack() == "ex:a" and export_views.Hours("lm").pack() == "ex:h:lm"
    assert {typing.get_args(export_views.Period)} == {("", *exports.PERIODS)}


async def test_malformed_data_of_every_button_gets_the_no_longer_works_answer(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    await make_volunteer(bot.db, 9801, first_name="Forger")
    forger = emulator.user(9801, "Forger")
    await forger.send("/help")
    await forger.next_reply()
    for cls in _buttons():
        for data in malformed(cls)[:6]:
            if len(data.encode()) > MAX_BYTES or "\n" in data:
                continue  # Telegram itself refuses such a button
            answer = await forger.press_data(data)
            assert answer.text == tr("en", STALE) and answer.show_alert, (cls.__name__, data)
