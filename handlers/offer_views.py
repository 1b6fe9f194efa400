"""What a volunteer offering a translation sees, and what the organization's coordinators are asked; the
buttons of both (handlers/offers.py acts on them, bot/services/offers.py holds the rules)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import N_, Translator, language_name
from bot.store.offers import Offer
from bot.store.shifts import Shift
from handlers import translation_views as tr_views
from handlers.kit.callbacks import Button
from handlers.shift_views import Card, OfferTranslation, esc

__all__ = ["Decide", "OfferTranslation", "SkipDescription"]
N_OFFERING = N_("offering a translation")  # the dialogue's name, when another one would replace it


@dataclass(frozen=True)
class SkipDescription(Button, prefix="ot:s"):
    shift: int


@dataclass(frozen=True)
class Decide(Button, prefix="ot:d"):
    """Under a coordinator's notice of an offer: "a" approve, "r" reject."""

    offer: int
    answer: Literal["a", "r"]


def field_question(t: Translator, shift: Shift, field: str, locale: str) -> tuple[str, InlineKeyboardMarkup]:
    """Asks for the title (or the description) in the reader's language, under the original."""
    intro = t._("Thank you for helping! Nobody sees your translation until a coordinator approves it.")
    text = tr_views.field_question(t, field, locale, getattr(shift, field))
    rows = []
    if field == "description":
        rows.append([InlineKeyboardButton(t._("Skip"), callback_data=SkipDescription(shift.id).pack())])
    rows.append([InlineKeyboardButton("◀ " + t._("Back"), callback_data=Card(shift.id).pack())])
    return ("🌐 " + intro + "\n\n" + text if field == "title" else text), InlineKeyboardMarkup(rows)


def back_to_card(t: Translator, shift: Shift) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton("🔎 " + t._("Open the shift"), callback_data=Card(shift.id).pack())
    return InlineKeyboardMarkup([[button]])


cannot_offer_text = N_(
    "This shift can't take a translation from you now: it is over, it has one in your language already, "
    "or it doesn't need a language you speak."
)


def cannot_offer(t: Translator) -> str:
    return t._(cannot_offer_text)


def thanks(t: Translator) -> str:
    return "🌐 " + t._(
        "Thank you! Your translation is with the organization's coordinators. Nobody sees it until one of them "
        "approves it; I'll tell you what they decide."
    )


def offer_notice(t: Translator, shift: Shift, offer: Offer, name: str) -> str:
    """A coordinator's view of an offer: who, which shift, in which language, and the text itself."""
    lines = [
        "🌐 " + t._("{name} offers a translation of <b>{title}</b> ({date}) in {language}:").format(
            name=esc(name), title=esc(shift.title), date=esc(t.weekday_date(shift.starts_at)),
            language=esc(language_name(offer.locale)),
        ),
        "",
        "<b>" + esc(t._("Title")) + "</b>: " + esc(offer.title),
    ]
    if offer.description:
        lines.append("<b>" + esc(t._("Description")) + "</b>: " + esc(offer.description))
    lines += ["", t._("Nobody sees it until a coordinator approves it.")]
    return "\n".join(lines)


def decide_markup(t: Translator, offer: Offer) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[
            InlineKeyboardButton("✅ " + t._("Approve"), callback_data=Decide(offer.id, "a").pack()),
            InlineKeyboardButton("✖ " + t._("Reject"), callback_data=Decide(offer.id, "r").pack()),
        ]]
    )


def decided_line(t: Translator, offer: Offer, by_me: bool) -> str:
    """Under the notice once decided: by whom, and what it means."""
    language = esc(language_name(offer.locale))
    if offer.status == "replaced":
        return "ℹ️ " + t._("The volunteer has sent a newer translation since; it is in a newer message.")
    if offer.status == "approved":
        if by_me:
            return "✅ " + t._("Approved: readers of {language} see it now.").format(language=language)
        return "✅ " + t._("Another coordinator approved it already.")
    if by_me:
        return "✖ " + t._("Rejected. The volunteer is told, with thanks.")
    return "✖ " + t._("Another coordinator rejected it already.")


def outcome(t: Translator, shift: Shift, offer: Offer) -> str:
    """The volunteer's news: `shift` as they read it (their translation, once approved)."""
    title, language = esc(shift.title), esc(language_name(offer.locale))
    if offer.status == "approved":
        return "🌐 " + t._(
            "Your translation of <b>{title}</b> is approved: readers of {language} see it now. Thank you!"
        ).format(title=title, language=language)
    return "🌐 " + t._(
        "The coordinators didn't take your translation of <b>{title}</b> this time. Thank you for offering it!"
    ).format(title=title)
