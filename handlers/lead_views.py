"""Shift leads as people read them: the coordinator's list to name and remove leads, the question whether
a lead may see phones, the answers, and the lead's own notices (handlers/leads.py loads and sends them).

Button data: `ld:v:<shift>:<page>[:m]` the list (roster_views.LeadsPage, on the roster);
`ld:a:<shift>:<signup>:<page>[:m]` ask about phones; `ld:n:<shift>:<signup>:<0|1>:<page>[:m]` name
(1: sees phones); `ld:r:<shift>:<signup>:<page>[:m]` remove.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.bidi import isolate
from bot.i18n import Translator
from bot.services.leads import LeadOutcome
from bot.services.roster import Roster
from bot.store.shifts import Shift
from handlers import shift_views as views
from handlers.kit.callbacks import Button
from handlers.kit.keyboards import grid, pager
from handlers.roster_views import PAGE_SIZE, From, LeadsPage, RosterPage


@dataclass(frozen=True)
class AskLead(Button, prefix="ld:a"):
    """Name this person lead: first, may they see phones?"""

    shift: int
    signup: int
    page: int
    came_from: From = ""


@dataclass(frozen=True)
class NameLead(Button, prefix="ld:n"):
    shift: int
    signup: int
    phones: bool
    page: int
    came_from: From = ""


@dataclass(frozen=True)
class RemoveLead(Button, prefix="ld:r"):
    shift: int
    signup: int
    page: int
    came_from: From = ""


def _name(t: Translator, name: str) -> str:
    return views.esc(name) or "<i>" + views.esc(t._("(deleted account)")) + "</i>"


def leads_page(t: Translator, roster: Roster, page: int, came_from: From) -> tuple[str, InlineKeyboardMarkup]:
    """Who is on the shift, leads marked: ⭐ names one, ✖ removes one."""
    shift = roster.shift
    people = [line for line in roster.on_shift if line.status in ("confirmed", "attended")]
    pages = max(1, (len(people) + PAGE_SIZE - 1) // PAGE_SIZE)
    page = min(max(page, 0), pages - 1)
    first = page * PAGE_SIZE
    text = [
        "⭐ <b>" + t._("Shift leads") + "</b> · " + views.esc(shift.title),
        t._("A shift lead sees this shift's roster, checks people in and out and gets its check-in QR code "
            "— nothing else of your organization."),
        "",
    ]
    buttons: list[InlineKeyboardButton] = []
    for index, line in enumerate(people[first : first + PAGE_SIZE], start=first + 1):
        lead = roster.leads.get(line.person_id)
        entry = f"{index}. <b>{_name(t, line.name)}</b>"
        if lead is not None:
            entry += " · ⭐ " + (t._("lead, sees phones") if lead.show_phones else t._("lead, no phones"))
            buttons.append(InlineKeyboardButton(
                f"✖ {index}", callback_data=RemoveLead(shift.id, line.signup_id, page, came_from).pack()
            ))
        else:
            buttons.append(InlineKeyboardButton(
                f"⭐ {index}", callback_data=AskLead(shift.id, line.signup_id, page, came_from).pack()
            ))
        text.append(entry)
    if not people:
        text.append(t._("Nobody is on this shift yet."))
    else:
        text += ["", t._("⭐ name a lead · ✖ remove a lead")]
    rows = grid(buttons, 5)
    rows += pager(t, page, page + 1 < pages, lambda n: LeadsPage(shift.id, n, came_from).pack())
    rows.append([InlineKeyboardButton("◀ " + t._("Back"), callback_data=RosterPage(shift.id, 0, came_from).pack())])
    return "\n".join(text), InlineKeyboardMarkup(rows)


def ask_phones(t: Translator, shift: Shift, name: str, button: AskLead) -> tuple[str, InlineKeyboardMarkup]:
    text = "⭐ " + t._("Make {name} the lead of {title}? May they see the phone numbers on its roster?").format(
        name=f"<b>{_name(t, name)}</b>", title=f"<b>{views.esc(shift.title)}</b>"
    )
    def name_with(phones: bool) -> str:
        return NameLead(button.shift, button.signup, phones, button.page, button.came_from).pack()
    rows = [
        [InlineKeyboardButton("📞 " + t._("Yes, with phone numbers"), callback_data=name_with(True))],
        [InlineKeyboardButton(t._("Without phone numbers"), callback_data=name_with(False))],
        [InlineKeyboardButton("◀ " + t._("Back"),
                              callback_data=LeadsPage(button.shift, button.page, button.came_from).pack())],
    ]
    return text, InlineKeyboardMarkup(rows)


def outcome_answer(t: Translator, name: str, outcome: LeadOutcome) -> str:
    """The coordinator's answer to naming or removing a lead (plain text: a button answer)."""
    name = isolate(name) if name else t._("(deleted account)")
    match outcome:
        case LeadOutcome.NAMED:
            return t._("{name} is now a lead of this shift. We've told them.").format(name=name)
        case LeadOutcome.UPDATED:
            return t._("Saved: what {name} may see has changed.").format(name=name)
        case LeadOutcome.ALREADY:
            return t._("{name} is already a lead of this shift.").format(name=name)
        case LeadOutcome.REMOVED:
            return t._("{name} is no longer a lead of this shift. We've told them.").format(name=name)
        case LeadOutcome.NOT_LEAD:
            return t._("{name} isn't a lead of this shift.").format(name=name)
        case LeadOutcome.NOT_ON_ROSTER:
            return t._("{name} is no longer on this shift.").format(name=name)
        case LeadOutcome.SHIFT_OVER:
            return t._("This shift is over or cancelled: it needs no lead now.")
    raise AssertionError(outcome)


def named_notice(t: Translator, shift: Shift, show_phones: bool) -> tuple[str, InlineKeyboardMarkup]:
    """What the new lead reads, in their language: what they may do, and the way to the roster."""
    lines = [
        "⭐ " + t._("You're a shift lead for <b>{title}</b> ({when}). Thank you for stepping up!").format(
            title=views.esc(shift.title), when=views.esc(views.when(t, shift))
        ),
        "",
        t._("From its roster you can check people in and out and show the check-in QR code. "
            "Open it with /roster or from /myshifts."),
    ]
    if show_phones:
        lines += ["", "📞 " + t._("You can see volunteers' phone numbers there: please keep them private.")]
    markup = InlineKeyboardMarkup([[roster_button(t, shift.id)]])
    return "\n".join(lines), markup


def removed_notice(t: Translator, shift: Shift) -> str:
    return t._("You're no longer a shift lead for <b>{title}</b> ({when}). Thank you for your help!").format(
        title=views.esc(shift.title), when=views.esc(views.when(t, shift))
    )


def roster_button(t: Translator, shift_id: int, prefix: str = "") -> InlineKeyboardButton:
    """The lead's way to their shift's roster (a notice, their /myshifts)."""
    return InlineKeyboardButton(f"👥 {prefix}" + t._("Roster"), callback_data=RosterPage(shift_id, 0).pack())
