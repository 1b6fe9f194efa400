"""/myshifts as the volunteer reads it: upcoming shifts with their status, and the cancel question
(handlers/myshifts.py loads and sends them; the buttons are shift_views' Card, AskCancel, CancelPlace)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Translator
from bot.store.shifts import Shift
from bot.store.signups import Signup
from handlers.lead_views import roster_button
from handlers.shift_views import AskCancel, CancelPlace, Card, esc, when

MAX_ROWS = 40  # far below Telegram's 100 buttons and 4096 characters


def my_shifts(
    t: Translator,
    upcoming: list[tuple[Signup, int]],
    shifts: dict[int, Shift],
    done: int,
    hours: float,
    led: set[int] | frozenset[int] = frozenset(),
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Each upcoming signup (with its waitlist rank; ⭐ and a roster button on the shifts they lead),
    then a line on past shifts."""
    lines = ["📅 <b>" + t._("My shifts") + "</b>", ""]
    rows: list[list[InlineKeyboardButton]] = []
    if not upcoming:
        lines.append(t._("You have no upcoming shifts. Find one with /shifts."))
    for index, (signup, rank) in enumerate(upcoming, start=1):
        shift = shifts[signup.shift_id]
        status = (
            "✅ " + t._("Signed up")
            if signup.status == "confirmed"
            else "⏳ " + t._("#{rank} on the waitlist").format(rank=t.number(rank))
        )
        if shift.id in led:
            status += " · ⭐ " + t._("shift lead")
        lines.append(
            f"<b>{index}. {esc(shift.title)}</b>\n    {esc(when(t, shift))}\n"
            f"    {esc(shift.org_name)} · {status}\n"
        )
        rows.append(
            [
                InlineKeyboardButton(f"{index}. " + t._("Details"), callback_data=Card(shift.id).pack()),
                InlineKeyboardButton("✖ " + t._("Cancel"), callback_data=AskCancel(signup.id).pack()),
            ]
        )
        if shift.id in led:
            rows.append([roster_button(t, shift.id, f"{index}. ")])
        if len(rows) >= MAX_ROWS:
            break
    if done:
        lines.append(
            t.ngettext(
                "Past: {count} shift, {hours} hours volunteered. Thank you!",
                "Past: {count} shifts, {hours} hours volunteered. Thank you!",
                done,
            ).format(count=t.number(done), hours=t.number(round(hours, 1)))
        )
    return "\n".join(lines).rstrip(), InlineKeyboardMarkup(rows) if rows else None


def cancel_question(t: Translator, signup: Signup, shift: Shift) -> tuple[str, InlineKeyboardMarkup]:
    question = (
        t._("Cancel your place on <b>{title}</b>?")
        if signup.status == "confirmed"
        else t._("Leave the waitlist for <b>{title}</b>?")
    ).format(title=esc(shift.title))
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("✖ " + t._("Yes, cancel"), callback_data=CancelPlace(signup.id).pack())],
            [InlineKeyboardButton(t._("No, keep it"), callback_data=Card(shift.id).pack())],
        ]
    )
    return f"{question}\n🗓 {esc(when(t, shift))}", markup


def cancelled(t: Translator, shift: Shift) -> str:
    return t._("Your place on <b>{title}</b> is cancelled. Thanks for letting us know!").format(title=esc(shift.title))
