"""Campaign rules: names and goals as typed, the text bar, which campaigns are running, and the sums."""

from __future__ import annotations

from datetime import date

import pytest

from bot.services import campaigns
from bot.services.campaigns import BAR_CELLS
from bot.services.invalid import Invalid
from bot.store.campaigns import Campaign


@pytest.mark.parametrize(
    ("done", "goal", "bar"),
    [
        (0, 500, "░" * 10),
        (1, 500, "▓" + "░" * 9),  # any progress shows
        (120, 500, "▓▓▓" + "░" * 7),
        (250, 1000, "▓▓▓" + "░" * 7),
        (499, 500, "▓" * 9 + "░"),  # not done: never a full bar
        (500, 500, "▓" * 10),
        (900, 500, "▓" * 10),
    ],
)
def test_the_bar(done: int, goal: int, bar: str) -> None:
    shown, ratio = campaigns.bar(done, goal)
    assert shown == bar and len(shown) == BAR_CELLS and ratio == done / goal


@pytest.mark.parametrize("typed", ["-5", "0", "−3", "10000001", "9" * 400, "", "five", "5.5", "<b>5</b>"])
def test_bad_goals_are_refused(typed: str) -> None:
    with pytest.raises(Invalid):
        campaigns.read_goal(typed)


@pytest.mark.parametrize(("typed", "value"), [("500", 500), ("1,500", 1500), ("١٢٠", 120), ("10000000", 10_000_000)])
def test_goals_read(typed: str, value: int) -> None:
    assert campaigns.read_goal(typed) == value


def test_names() -> None:
    assert campaigns.read_name("  Nov\u202e GOTV ") == "Nov GOTV"
    with pytest.raises(Invalid):
        campaigns.read_name("\u200b ")
    with pytest.raises(Invalid):
        campaigns.read_name("x" * 81)


def test_running_campaigns() -> None:
    def made(starts: str | None, ends: str | None) -> Campaign:
        return Campaign(1, 1, "KAYA", "c", starts, ends)

    today = date(2026, 11, 2)
    assert campaigns.is_active(made(None, None), today)
    assert campaigns.is_active(made("2026-11-02", "2026-11-02"), today)
    assert not campaigns.is_active(made("2026-11-03", None), today)
    assert not campaigns.is_active(made(None, "2026-11-01"), today)
