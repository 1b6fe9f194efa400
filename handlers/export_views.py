"""/export's menus as a coordinator sees them, and their buttons (handlers/export.py checks who may
export, builds the files and sends them).

Button data keeps its shapes: `ex:r` / `ex:rp:<page>` pick a shift, `ex:rs:<shift>` its roster,
`ex:a` / `ex:h` / `ex:c` choose a period, `ex:a:<period>` / `ex:h:<period>` / `ex:c:<period>` the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.bidi import isolate
from bot.clock import from_ts
from bot.i18n import N_, Translator
from bot.services import exports
from bot.store.exports import ShiftLine
from handlers import shift_views as views
from handlers.kit.callbacks import Button
from handlers.kit.keyboards import pager

PERIOD_LABELS = {
    "30": N_("Last 30 days"),
    "tm": N_("This month"),
    "lm": N_("Last month"),
    "all": N_("All time"),
}
Period = Literal["", "30", "tm", "lm", "all"]  # "": not chosen yet (the period menu); else exports.PERIODS


@dataclass(frozen=True)
class Rosters(Button, prefix="ex:r"):
    """A shift's roster: the shifts to pick from."""


@dataclass(frozen=True)
class RostersPage(Button, prefix="ex:rp"):
    page: int


@dataclass(frozen=True)
class ShiftRoster(Button, prefix="ex:rs"):
    shift: int


@dataclass(frozen=True)
class Signups(Button, prefix="ex:a"):
    """Signups and attendance: the period menu, then the file for a period."""

    period: Period = ""


@dataclass(frozen=True)
class Hours(Button, prefix="ex:h"):
    """Hours per volunteer: the period menu, then the file for a period."""

    period: Period = ""


@dataclass(frozen=True)
class CheckinLog(Button, prefix="ex:c"):
    """Every check-in, check-out and correction: the period menu, then the file for a period."""

    period: Period = ""


PeriodButton = Signups | Hours | CheckinLog
TITLES: dict[type[Button], str] = {
    Signups: N_("Signups and attendance"),
    Hours: N_("Hours per volunteer"),
    CheckinLog: N_("Check-ins and corrections"),
}


def menu(t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("📋 " + t._("A shift's roster"), callback_data=Rosters().pack())],
            [InlineKeyboardButton("🗓 " + t._("Signups and attendance"), callback_data=Signups().pack())],
            [InlineKeyboardButton("⏱ " + t._("Hours per volunteer"), callback_data=Hours().pack())],
            [InlineKeyboardButton("📍 " + t._("Check-ins and corrections"), callback_data=CheckinLog().pack())],
        ]
    )
    return "📤 " + t._("What would you like to export as a CSV file?"), markup


def no_shifts(t: Translator) -> str:
    return t._("No shifts of yours from the last 30 days or ahead.")


def pick_shift(t: Translator, lines: list[ShiftLine], page: int, has_next: bool) -> tuple[str, InlineKeyboardMarkup]:
    """Their organizations' shifts, each a button labelled with its day and time in the shift's zone."""
    rows = []
    for line in lines:
        ot = Translator(t.locale, ZoneInfo(line.timezone))
        start = from_ts(line.starts_at)
        label = ("❌ " if line.status == "cancelled" else "") + f"{ot.weekday_date(start)} {ot.time(start)} · "
        # the title isolated, so a right-to-left one can't move the date and time around it
        label += isolate(line.title[: max(60 - len(label) - 2, 1)])
        rows.append([InlineKeyboardButton(label, callback_data=ShiftRoster(line.id).pack())])
    rows += pager(t, page, has_next, lambda n: RostersPage(n).pack())
    return "📋 " + t._("Which shift's roster?"), InlineKeyboardMarkup(rows)


def period_menu(t: Translator, button: PeriodButton) -> tuple[str, InlineKeyboardMarkup]:
    kind = type(button)
    rows = [[InlineKeyboardButton(t._(PERIOD_LABELS[p]), callback_data=kind(p).pack())] for p in exports.PERIODS]
    title = t._(TITLES[kind])
    return f"<b>{views.esc(title)}</b>\n" + t._("For which period?"), InlineKeyboardMarkup(rows)
