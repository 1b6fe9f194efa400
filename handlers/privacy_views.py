"""/deleteme's question and its buttons (handlers/privacy.py sends it and acts on the answer)."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Translator
from handlers.kit.callbacks import Button


# The person's id in the buttons: an old confirmation can never erase whoever this user is later.
@dataclass(frozen=True)
class Erase(Button, prefix="del:yes"):
    person: int


@dataclass(frozen=True)
class KeepData(Button, prefix="del:no"):
    person: int


def delete_question(t: Translator, person_id: int, upcoming: int) -> tuple[str, InlineKeyboardMarkup]:
    """What deleting removes and keeps (and the upcoming shifts it gives up), and Yes / No."""
    lines = [
        t._(
            "This deletes your name, phone number, ZIP code, languages, interests and the organizations "
            "you follow. Organizations keep only anonymous counts of past shifts."
        )
    ]
    if upcoming:
        lines.append(
            t.ngettext(
                "You'll also be taken off your {count} upcoming shift, and the next person in line gets your place.",
                "You'll also be taken off your {count} upcoming shifts, and the next people in line get your places.",
                upcoming,
            ).format(count=t.number(upcoming))
        )
    lines += ["", "<b>" + t._("This can't be undone. Delete your data?") + "</b>"]
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("🗑 " + t._("Yes, delete my data"), callback_data=Erase(person_id).pack())],
            [InlineKeyboardButton(t._("No, keep it"), callback_data=KeepData(person_id).pack())],
        ]
    )
    return "\n".join(lines), markup
