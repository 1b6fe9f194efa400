"""What check-in says: the list of shifts open now, each outcome, the hours, the distance."""

from __future__ import annotations

from dataclasses import dataclass

from babel import units as babel_units
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.clock import from_ts
from bot.i18n import Translator
from bot.services.checkins import CheckInResult, Outcome, OutOutcome
from bot.store.checkins import Window
from bot.store.shifts import Shift
from handlers.kit.callbacks import Button
from handlers.shift_views import esc


@dataclass(frozen=True)
class CheckIn(Button, prefix="ci:in"):
    """"I'm here" for one shift (the handler still checks the person is on it)."""

    shift: int


@dataclass(frozen=True)
class CheckOut(Button, prefix="ci:out"):
    """"Check out" of one signup (the service refuses someone else's)."""

    signup: int


@dataclass(frozen=True)
class QrCode(Button, prefix="ci:qr"):
    """A coordinator's check-in QR code for one shift; `new`: replace the code (the old stops working)."""

    shift: int
    new: bool = False


def qr_button(t: Translator, shift_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton("📷 " + t._("Check-in QR code"), callback_data=QrCode(shift_id).pack())


def qr_caption(t: Translator, shift: Shift, link: str, *, replaced: bool) -> str:
    lines = [t._("Check-in QR code for {title}: volunteers scan it at the door with their phone camera.").format(
        title=f"<b>{esc(shift.title)}</b>"
    ), link]
    if replaced:
        lines.append(t._("This is a new code: the old one no longer works."))
    return "\n".join(lines)


def qr_markup(t: Translator, shift_id: int) -> InlineKeyboardMarkup:
    label = "🔄 " + t._("New code")
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=QrCode(shift_id, True).pack())]])


def when(t: Translator, ts: int) -> str:
    """A moment in the reader's language and zone."""
    return t.datetime(from_ts(ts))


def distance(t: Translator, metres: float) -> str:
    """Metres under a kilometre, else kilometres to one decimal, in the reader's language (CLDR units)."""
    if metres < 1000:
        return babel_units.format_unit(round(metres), "length-meter", length="short", locale=t.babel)
    return babel_units.format_unit(round(metres / 1000, 1), "length-kilometer", length="short", locale=t.babel)


def here_button(t: Translator, shift_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton("✅ " + t._("I'm here"), callback_data=CheckIn(shift_id).pack())


def out_markup(t: Translator, signup_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t._("Check out"), callback_data=CheckOut(signup_id).pack())]])


def open_list(
    t: Translator, open_now: list[Window], later: Window | None, shifts: dict[int, Shift]
) -> tuple[str, InlineKeyboardMarkup | None]:
    """/checkin: the shifts open now with a button each; else when the next opens; else nothing to do."""
    if open_now:
        lines = [t._("Open for check-in now:")]
        rows = []
        for window in open_now:
            shift = shifts[window.shift_id]
            lines.append(f"• <b>{esc(shift.title)}</b> — {when(t, window.starts_at)}")
            rows.append([here_button(t, shift.id)])
        return "\n".join(lines), InlineKeyboardMarkup(rows)
    if later is not None:
        shift = shifts[later.shift_id]
        return t._("Check-in for {title} opens {when}.").format(
            title=f"<b>{esc(shift.title)}</b>", when=when(t, later.opens_at)
        ), None
    return t._("You have no shifts to check in to."), None


def outcome(t: Translator, result: CheckInResult) -> str:
    """One line for any check-in outcome."""
    title = f"<b>{esc(result.shift.title)}</b>" if result.shift else ""
    match result.outcome:
        case Outcome.CHECKED_IN:
            return t._("✅ You're checked in at {title}. Thank you for coming!").format(title=title)
        case Outcome.WALKED_IN:
            return t._("✅ You're signed up and checked in at {title}. Welcome!").format(title=title)
        case Outcome.ALREADY:
            return t._("You're already checked in at {title}.").format(title=title)
        case Outcome.NOT_YET:
            assert result.opens_at is not None
            return t._("Check-in for {title} opens {when}.").format(title=title, when=when(t, result.opens_at))
        case Outcome.CLOSED:
            return t._("{title} has ended: check-in is closed.").format(title=title)
        case Outcome.NOT_ON_ROSTER:
            return t._("You're not signed up for this shift.")
        case Outcome.FULL:
            return t._("Sorry, {title} is full.").format(title=title)
        case Outcome.CANCELLED:
            return t._("{title} was cancelled.").format(title=title)
        case Outcome.TOO_FAR:
            assert result.distance_m is not None
            return t._("You're {distance} from {title}. Share your location again when you're there.").format(
                distance=distance(t, result.distance_m), title=title
            )
        case Outcome.NOTHING_OPEN:
            return t._("None of your shifts is open for check-in right now.")
    raise AssertionError(result.outcome)


def checked_out(t: Translator, out: OutOutcome, hours: float | None) -> str:
    match out:
        case OutOutcome.CHECKED_OUT:
            return t._("You're checked out. Hours: {hours}. Thank you!").format(hours=t.number(hours or 0))
        case OutOutcome.ALREADY:
            return t._("You're already checked out. Hours: {hours}.").format(hours=t.number(hours or 0))
        case OutOutcome.NOT_CHECKED_IN:
            return t._("You're not checked in.")
    raise AssertionError(out)
