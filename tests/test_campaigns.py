"""Campaign rules: names and goals as typed, the text bar, which campaigns are running, and the sums."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest

from bot.services import campaigns, shift_csv
from bot.services.campaigns import BAR_CELLS
from bot.services.invalid import Invalid
from bot.store.campaigns import Campaign
from bot.store.orgs import Org


@pytest.mark.parametrize(
    ("done", "goal", "bar"),
    [
        (0, 500, "░" * 10),
        (1, 500, "▓" + "░" * 9),  # any progress shows
        (120, 500, "▓▓▓" + "░" * 7),
        (250, 1000, "▓▓▓" + "░" * 7),
        (12, 40, "▓▓▓" + "░" * 7),  # exactly 30 %: three cells, whatever the float says
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


KAYA = Org(1, "kaya", "KAYA Network", "CA", "America/Los_Angeles", "active", 0)
KACF = Org(2, "kacf", "KACF", "NY", "America/New_York", "active", 0)
NOW = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)
GOTV = Campaign(7, KAYA.id, KAYA.name, "Tết GOTV", None, None)
THEIRS = Campaign(8, KACF.id, KACF.name, "Census", None, None)


def test_the_csv_campaign_column_finds_the_rows_orgs_campaign_by_name() -> None:
    data = (
        "org,title,kind,date,start,length_hours,address,capacity,campaign\n"
        "kaya,Canvass,canvass,2026-11-28,10:00,2,1 Main St,5,TẾT gotv\n"  # any case
        "kaya,Phones,phone_bank,2026-11-28,18:00,2,1 Main St,5,\n"  # none
        "kaya,Texts,text_bank,2026-11-29,18:00,2,1 Main St,5,Census\n"  # another org's: unknown here
        "kaya,Calls,phone_bank,2026-11-29,19:00,2,1 Main St,5,<b>Nope</b>\n"
    ).encode()
    upload = shift_csv.parse(data, orgs=[KAYA, KACF], now=NOW, campaigns=[GOTV, THEIRS])
    problems = [(p.row, p.column, p.error.params.get("value")) for p in upload.problems]
    assert problems == [(4, "campaign", "Census"), (5, "campaign", "<b>Nope</b>")]
    fine = shift_csv.parse(b"\n".join(data.split(b"\n")[:3]) + b"\n", orgs=[KAYA, KACF], now=NOW,
                           campaigns=[GOTV, THEIRS])
    assert fine.ok and [s.campaign_id for s in fine.shifts] == [GOTV.id, None]
    assert "campaign" in shift_csv.COLUMNS  # the template carries the column, empty
    header, *rows = list(csv.reader(io.StringIO(shift_csv.template([KAYA], NOW).decode("utf-8-sig"))))
    assert header[-1] == "campaign" and all(len(r) == len(header) and r[-1] == "" for r in rows)
