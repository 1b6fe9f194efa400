"""The follow-up after a shift as people read it: the numbers' labels and questions, the report's keyboard,
the note question, and a report as a coordinator sees it on the roster (handlers/followup.py handles the
buttons; handlers/roster_views.py shows the reports).

Button data keeps its shapes: `fr:<signup>:<metric>` ask a number, `fv:<signup>:<metric>:<value>` a quick
number, `fd:<signup>` done, `fn:<signup>` write a note, `fs:<signup>` skip the note.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Translator
from bot.services.followups import METRICS_BY_KIND, NOTE_MAX
from bot.store.reports import METRICS
from bot.store.shifts import Shift
from handlers import shift_views as views
from handlers.kit.callbacks import Button

NOTE_SHOWN = 120  # characters of a note on the roster at most (fewer when a full page needs the room)


@dataclass(frozen=True)
class Ask(Button, prefix="fr"):
    """Asks for one number."""

    signup: int
    metric: str


@dataclass(frozen=True)
class Value(Button, prefix="fv"):
    """One of the quick numbers."""

    signup: int
    metric: str
    value: int


@dataclass(frozen=True)
class Finish(Button, prefix="fd"):
    signup: int


@dataclass(frozen=True)
class AddNote(Button, prefix="fn"):
    """Asks how it went, in words."""

    signup: int


@dataclass(frozen=True)
class SkipNote(Button, prefix="fs"):
    """No note (this time)."""

    signup: int


METRIC_ICONS = {"doors": "🚪", "conversations": "🗣", "calls": "📞", "texts": "💬"}


def metric_name(t: Translator, metric: str) -> str:
    """The metric's name alone (a spreadsheet's column)."""
    names = {
        "doors": t._("Doors knocked"),
        "conversations": t._("Conversations"),
        "calls": t._("Calls made"),
        "texts": t._("Texts sent"),
    }
    return names[metric]


def metric_label(t: Translator, metric: str) -> str:
    return f"{METRIC_ICONS[metric]} {metric_name(t, metric)}"


def metric_question(t: Translator, metric: str) -> str:
    questions = {
        "doors": t._("How many doors did you knock?"),
        "conversations": t._("How many real conversations did you have?"),
        "calls": t._("How many calls did you make?"),
        "texts": t._("How many texts did you send?"),
    }
    return questions[metric]


def _note_button(t: Translator, signup_id: int, has_note: bool) -> InlineKeyboardButton:
    label = "📝 " + (t._("Change your note") if has_note else t._("Add a note"))
    return InlineKeyboardButton(label, callback_data=AddNote(signup_id).pack())


def report_keyboard(
    t: Translator, signup_id: int, shift: Shift, values: dict[str, int | None], has_note: bool = False
) -> InlineKeyboardMarkup:
    """The numbers the kind of shift asks for (each with its value once given), a note, and Done."""
    rows = []
    metrics = METRICS_BY_KIND.get(shift.kind, ())
    for metric in metrics:
        value = values.get(metric)
        label = metric_label(t, metric) + (f": {t.number(value)}" if value is not None else "")
        rows.append([InlineKeyboardButton(label, callback_data=Ask(signup_id, metric).pack())])
    rows.append([_note_button(t, signup_id, has_note)])
    if metrics:
        rows.append([InlineKeyboardButton("✓ " + t._("Done"), callback_data=Finish(signup_id).pack())])
    return InlineKeyboardMarkup(rows)


def note_question(t: Translator, signup_id: int) -> tuple[str, InlineKeyboardMarkup]:
    text = "📝 " + t._(
        "How did it go, in a few words? What worked, what didn't, anything the organizers should know. "
        "Type it (up to {max} characters), or tap Skip."
    ).format(max=t.number(NOTE_MAX))
    skip = InlineKeyboardButton(t._("Skip"), callback_data=SkipNote(signup_id).pack())
    return text, InlineKeyboardMarkup([[skip]])


def outcomes(t: Translator, values: Iterable[tuple[str, int]], *, named: bool = True) -> str:
    """'🚪 Doors knocked 30 · 🗣 Conversations 12' in the order reports keep them ('🚪 30 · 🗣 12' unnamed,
    for a person's line under a total that names them); '' for none."""
    given = dict(values)
    return " · ".join(
        f"{metric_label(t, m) if named else METRIC_ICONS[m]} {t.number(given[m])}" for m in METRICS if m in given
    )


def note_excerpt(note: str, limit: int = NOTE_SHOWN) -> str:
    """A note as the roster shows it: on one line, at most `limit` characters, escaped for HTML."""
    flat = " ".join(note.split())
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return "📝 <i>" + views.esc(flat) + "</i>"
