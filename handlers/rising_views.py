"""Rising volunteers as /stats shows them to a coordinator: a short numbered list per organization, ⭐ to
make one the lead of an upcoming shift they're on, and which shift when there are several
(handlers/rising.py checks who may, and names the lead through bot/services/leads.py)."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Translator
from bot.services.rising import OrgRising
from bot.store.shifts import Shift
from handlers import shift_views as views
from handlers.kit.callbacks import Button
from handlers.kit.keyboards import grid
from handlers.roster_views import language_names

SHIFTS_SHOWN = 8  # to pick from; the soonest first


@dataclass(frozen=True)
class MakeLead(Button, prefix="rv:l"):
    """⭐ under the list: make this person the lead of an upcoming shift of the organization."""

    org: int
    person: int


@dataclass(frozen=True)
class LeadOn(Button, prefix="rv:s"):
    """Which shift, when they are on several."""

    org: int
    person: int
    shift: int


@dataclass(frozen=True)
class RisingList(Button, prefix="rv:b"):
    """Back to the organization's list."""

    org: int


def _name(t: Translator, name: str) -> str:
    return f"<b>{views.esc(name)}</b>" if name else f"<i>{t._('(deleted account)')}</i>"


def rising_list(t: Translator, org: OrgRising) -> tuple[str, InlineKeyboardMarkup | None]:
    lines = [
        "🌱 <b>" + t._("Rising volunteers") + "</b> · " + views.esc(org.org_name),
        t._("Most shifts attended in the last 60 days:"),
        "",
    ]
    buttons = []
    for index, person in enumerate(org.volunteers, start=1):
        count = t.ngettext("{count} shift attended", "{count} shifts attended", person.attended).format(
            count=t.number(person.attended)
        )
        parts = [f"{index}. {_name(t, person.name)}", count]
        if person.first_shift is not None:
            first = t._("first shift {date}").format(date=t.month_day(t.local(person.first_shift).date()))
            parts.append("🌱 " + first)
        if person.reliable:
            parts.append("🎯 " + t._("no no-shows"))
        if person.languages:
            parts.append("🗣 " + views.esc(language_names(t, person.languages)))
        lines.append(" · ".join(parts))
        if person.leadable:
            make_lead = MakeLead(org.org_id, person.person_id).pack()
            buttons.append(InlineKeyboardButton(f"⭐ {index}", callback_data=make_lead))
    if not org.volunteers:
        lines.append(t._("Nobody has attended a shift in the last 60 days yet."))
    if buttons:
        lines += ["", t._("⭐ makes them the lead of an upcoming shift they're on (without phone numbers: "
                         "you can change that from its roster).")]
    return "\n".join(lines), InlineKeyboardMarkup(grid(buttons, 5)) if buttons else None


def pick_shift(
    t: Translator, org_id: int, person_id: int, name: str, shifts: list[Shift]
) -> tuple[str, InlineKeyboardMarkup]:
    """Which of the upcoming shifts they're on should they lead: a number each, soonest first."""
    shown = shifts[:SHIFTS_SHOWN]
    lines = ["⭐ " + t._("Make {name} the lead of which shift?").format(name=_name(t, name)), ""]
    lines += [views.list_line(t, index, shift) for index, shift in enumerate(shown, start=1)]
    numbers = [
        InlineKeyboardButton(str(index), callback_data=LeadOn(org_id, person_id, shift.id).pack())
        for index, shift in enumerate(shown, start=1)
    ]
    rows = grid(numbers, 4)
    rows.append([InlineKeyboardButton("◀ " + t._("Back"), callback_data=RisingList(org_id).pack())])
    return "\n".join(lines), InlineKeyboardMarkup(rows)
