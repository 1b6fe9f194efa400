"""How a shift reads in the chat: list lines and the full card, in the reader's language and zone; the
/shifts list, its filters and the card's buttons (handlers/shifts.py loads and sends them); why a value
typed for a shift was refused (explain), and lengths in hours (shared by /newshift and /manage).

Button data keeps the shapes it had before the codec (`sl:<filters>`, `sf:<w|k|o>:<filters>`,
`sc:<shift>[:<filters>]`, `sj:<shift>[:o]`, `mc:<signup>`, `mx:<signup>`): cards and lists already in
people's chats keep working.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

from babel.dates import get_month_names
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.bidi import isolate
from bot.i18n import Translator
from bot.services import browse
from bot.services.browse import Filters
from bot.services.invalid import Invalid, MonthName, Shown
from bot.store.shifts import Shift
from bot.vocab import KIND_EMOJI, KINDS, kind_name, outreach_language_name
from handlers.kit.callbacks import Button
from handlers.kit.keyboards import grid, pager

DESCRIPTION_LIMIT = 1500  # keeps a card far below Telegram's 4096 whatever the other fields hold


def esc(text: str | None) -> str:
    """A value as it goes into a message: HTML-escaped, and isolated (bot/bidi.py) so that whatever
    script it is in, it cannot reorder the sentence around it. Every person's text goes through here."""
    return isolate(html.escape(text or "", quote=False))


def explain(t: Translator, problem: Invalid, *, html: bool = True) -> str:
    """A broken posting rule in the reader's language; numbers and month names formatted for them."""
    params: dict[str, str] = {}
    for key, value in problem.params.items():
        if isinstance(value, MonthName):
            params[key] = get_month_names("wide", locale=t.babel)[int(value)]
        elif isinstance(value, Shown):
            shown = value.shown_to(t)
            params[key] = esc(shown) if html else shown
        elif isinstance(value, int):
            params[key] = t.number(value)
        else:
            params[key] = esc(str(value)) if html else str(value)
    return t._(problem.message).format(**params)


def hours_label(t: Translator, minutes: int) -> str:
    hours = minutes / 60
    # ngettext wants a whole count; a fraction reads as plural ("1.5 hours") in our languages.
    count = int(hours) if hours.is_integer() else 2
    return t.ngettext("{count} hour", "{count} hours", count).format(count=t.number(round(hours, 2)))


def when(t: Translator, shift: Shift) -> str:
    """'Sat, Nov 28, 10:00 AM – 12:00 PM PST'; for a place in another zone than the reader's, its local
    time first and theirs in brackets (someone joining online keeps their own clock only)."""
    return t.span(shift.starts_at, shift.ends_at, None if shift.is_online else ZoneInfo(shift.timezone))


def places(t: Translator, shift: Shift) -> str:
    if shift.is_full:
        if shift.waitlist_count:
            return t.ngettext(
                "Full · {count} on the waitlist", "Full · {count} on the waitlist", shift.waitlist_count
            ).format(count=t.number(shift.waitlist_count))
        return t._("Full")
    return t.ngettext("{count} place left", "{count} places left", shift.places_left).format(
        count=t.number(shift.places_left)
    )


def standing_mark(t: Translator, mine: tuple[str, int] | None) -> str:
    """What the reader already is on a shift, for lists: "✅ You're signed up." / "⏳ You're #2 on the waitlist."."""
    if mine is None:
        return ""
    status, rank = mine
    if status == "waitlisted":
        return "⏳ " + t._("You're #{rank} on the waitlist.").format(rank=t.number(rank))
    return "✅ " + t._("You're signed up.")


def list_line(t: Translator, index: int, shift: Shift, mine: tuple[str, int] | None = None) -> str:
    mark = standing_mark(t, mine)
    shift = shift.in_locale(t.locale)
    return (
        f"<b>{index}.</b> {esc(t.weekday_date(shift.starts_at))} {esc(t.time(shift.starts_at))} · "
        f"{KIND_EMOJI[shift.kind]} <b>{esc(shift.title)}</b>\n"
        f"    {esc(shift.org_name)} · {esc(places(t, shift))}"
        + (" · 💻" if shift.is_online else "")
        + (f"\n    <b>{esc(mark)}</b>" if mark else "")
    )


def map_url(shift: Shift) -> str | None:
    if shift.latitude is not None and shift.longitude is not None:
        return f"https://www.google.com/maps/search/?api=1&query={shift.latitude},{shift.longitude}"
    if shift.address:
        return "https://www.google.com/maps/search/?api=1&query=" + quote_plus(shift.address)
    return None


def link(url: str, label: str) -> str:
    return f'<a href="{html.escape(url, quote=True)}">{esc(label)}</a>'


def card(t: Translator, shift: Shift, status_line: str | None = None) -> str:
    """The full card: what, who, when, where, languages, places, description, and their status."""
    shift = shift.in_locale(t.locale)
    lines = [
        f"{KIND_EMOJI[shift.kind]} <b>{esc(shift.title)}</b>",
        f"{esc(kind_name(t, shift.kind))} · {esc(shift.org_name)}",
        "",
        f"🗓 {esc(when(t, shift))}",
    ]
    if shift.online_url:
        lines.append("💻 " + t._("Online: {link}").format(link=link(shift.online_url, shift.online_url)))
    else:
        place = ", ".join(p for p in (shift.place_name, shift.address) if p)
        url = map_url(shift)
        lines.append("📍 " + esc(place) + (" · " + link(url, t._("Map")) if url else ""))
    if shift.languages:
        names = t.listing(outreach_language_name(t, code, sentence=True) for code in shift.languages)
        lines.append("🗣 " + t._("Languages needed: {languages}").format(languages=esc(names)))
    lines.append("👥 " + esc(places(t, shift)))
    if shift.status == "cancelled":
        lines.append("")
        lines.append("❌ <b>" + t._("This shift was cancelled.") + "</b>")
    description = shift.description.strip()
    if description:
        if len(description) > DESCRIPTION_LIMIT:
            description = description[:DESCRIPTION_LIMIT].rstrip() + "…"
        lines += ["", esc(description)]
    if status_line:
        lines += ["", status_line]
    return "\n".join(lines)


def confirmation(t: Translator, shift: Shift, *, promoted: bool = False) -> str:
    """The caption of the calendar file sent on signing up (or on moving up from the waitlist)."""
    intro = t._("🎉 Good news: a place opened up and it's yours!") if promoted else t._("✅ You're signed up!")
    return "\n".join(
        [
            intro,
            "",
            f"<b>{esc(shift.in_locale(t.locale).title)}</b> · {esc(shift.org_name)}",
            "🗓 " + esc(when(t, shift)),
            "",
            t._("I'll remind you before it starts. Can't make it? Cancel in /myshifts so someone else can go."),
            t._("Open the file to add it to your calendar."),
        ]
    )


# --- /shifts: buttons ---------------------------------------------------------------------------------

_STATE = re.compile(r"[adwm]\.[a-z-]{1,2}\.\d{1,9}\.[01]\.\d{1,5}")  # what Filters.encode writes


@dataclass(frozen=True)
class ListPage(Button, prefix="sl"):
    """The list of open shifts under these filters (Filters.encode), at their page."""

    state: str

    def valid(self) -> bool:
        return bool(_STATE.fullmatch(self.state))

    @classmethod
    def of(cls, filters: Filters) -> ListPage:
        return cls(filters.encode())

    @property
    def filters(self) -> Filters:
        return Filters.decode(self.state)


@dataclass(frozen=True)
class FilterMenu(Button, prefix="sf"):
    """The choices of one filter: when, kind or organization."""

    dimension: Literal["w", "k", "o"]
    state: str

    def valid(self) -> bool:
        return bool(_STATE.fullmatch(self.state))


@dataclass(frozen=True)
class OfferTranslation(Button, prefix="ot"):
    """On a shift's card: write its title and description in the reader's language (handlers/offers.py)."""

    shift: int


@dataclass(frozen=True)
class Card(Button, prefix="sc"):
    """A shift's card; `back` is the list it was opened from ("" for the first page)."""

    shift: int
    back: str = ""

    def valid(self) -> bool:
        return not self.back or bool(_STATE.fullmatch(self.back))


@dataclass(frozen=True)
class Join(Button, prefix="sj"):
    """Sign up (or join the waitlist); "o" once they have seen the overlap warning."""

    shift: int
    overlap: Literal["", "o"] = ""


@dataclass(frozen=True)
class AskCancel(Button, prefix="mc"):
    """Give up a place (or leave the waitlist): asks first (handlers/myshifts.py)."""

    signup: int


@dataclass(frozen=True)
class CancelPlace(Button, prefix="mx"):
    """Yes, cancel."""

    signup: int


# --- /shifts: the list, its filters, the card -----------------------------------------------------------


def when_label(t: Translator, when: str) -> str:
    labels = {
        "a": t._("Any time"),
        "d": t._("Today"),
        "w": t._("Next 7 days"),
        "m": t._("Next 30 days"),
    }
    return labels[when]


def shift_list(t: Translator, page: browse.Page) -> tuple[str, InlineKeyboardMarkup]:
    """One page of open shifts under its filters, with the buttons to open one, page and filter."""
    filters_ = page.filters
    chosen = [when_label(t, filters_.when)]
    if filters_.kind:
        chosen.append(kind_name(t, filters_.kind))
    if filters_.org_id:
        org_name = next((s.org_name for s in page.shifts), None)
        if org_name:
            chosen.append(org_name)
    if filters_.online_only:
        chosen.append(t._("Online only"))
    header = "🔎 <b>" + t._("Open shifts") + "</b> · " + esc(" · ".join(chosen))
    if not page.shifts:
        body = t._("No open shifts match right now. Try another filter, or check back soon.")
        lines = [header, "", body]
    else:
        counter = t.ngettext("{count} shift", "{count} shifts", page.total).format(count=t.number(page.total))
        pages = t._("page {page} of {pages}").format(page=t.number(filters_.page + 1), pages=t.number(page.pages))
        lines = [header, esc(f"{counter} · {pages}"), ""]
        first = filters_.page * browse.PAGE_SIZE + 1
        lines += [list_line(t, first + i, s, page.mine.get(s.id)) + "\n" for i, s in enumerate(page.shifts)]
    state = filters_.encode()
    open_buttons = [
        InlineKeyboardButton(str(filters_.page * browse.PAGE_SIZE + 1 + i), callback_data=Card(s.id, state).pack())
        for i, s in enumerate(page.shifts)
    ]
    rows = [open_buttons] if open_buttons else []
    rows += pager(
        t, filters_.page, filters_.page + 1 < page.pages, lambda n: ListPage.of(replace(filters_, page=n)).pack()
    )
    online = ListPage.of(filters_.with_(online_only=not filters_.online_only))
    rows.append(
        [
            InlineKeyboardButton("📅 " + t._("When"), callback_data=FilterMenu("w", state).pack()),
            InlineKeyboardButton("🏷 " + t._("Kind"), callback_data=FilterMenu("k", state).pack()),
        ]
    )
    rows.append(
        [
            InlineKeyboardButton("🏢 " + t._("Organization"), callback_data=FilterMenu("o", state).pack()),
            InlineKeyboardButton(
                ("✓ " if filters_.online_only else "") + "💻 " + t._("Online only"), callback_data=online.pack()
            ),
        ]
    )
    return "\n".join(lines).rstrip(), InlineKeyboardMarkup(rows)


def filter_choices(
    t: Translator, dimension: str, current: Filters, orgs: Sequence[tuple[int, str]] = ()
) -> InlineKeyboardMarkup:
    """The choices of one filter, each a list under the changed filters, and Back to the list as it was."""
    if dimension == "w":
        options = [(when_label(t, w), current.with_(when=w)) for w in browse.WHEN]
    elif dimension == "k":
        options = [(t._("All kinds"), current.with_(kind=None))] + [
            (f"{KIND_EMOJI[k]} {kind_name(t, k)}", current.with_(kind=k)) for k in KINDS
        ]
    else:
        options = [(t._("All organizations"), current.with_(org_id=None))] + [
            (name, current.with_(org_id=org_id)) for org_id, name in orgs
        ]
    buttons = [InlineKeyboardButton(label[:60], callback_data=ListPage.of(f).pack()) for label, f in options]
    rows = grid(buttons, 1 if dimension == "o" else 2)
    rows.append([InlineKeyboardButton("◀ " + t._("Back"), callback_data=ListPage.of(current).pack())])
    return InlineKeyboardMarkup(rows)


@dataclass(frozen=True)
class Standing:
    """Where the reader stands on a shift, for its card's buttons (handlers/shifts.py finds it)."""

    signup_id: int | None = None
    status: str | None = None  # their signup's
    rank: int = 0  # on the waitlist
    closed: bool = False  # signups have closed
    offer: bool = False  # they may offer a translation of it (bot/services/offers.py)


def card_view(
    t: Translator, shift: Shift, standing: Standing, back_state: str | None
) -> tuple[str, InlineKeyboardMarkup]:
    """The card with what the reader can do: sign up, join the waitlist, or give their place up."""
    rows: list[list[InlineKeyboardButton]] = []
    status_line = None
    if shift.status != "published":
        pass
    elif standing.signup_id is not None and standing.status in ("confirmed", "attended"):
        status_line = "✅ <b>" + t._("You're signed up.") + "</b>"
        cancel = AskCancel(standing.signup_id).pack()
        rows.append([InlineKeyboardButton("✖ " + t._("Cancel my place"), callback_data=cancel)])
    elif standing.signup_id is not None and standing.status == "waitlisted":
        status_line = "⏳ <b>" + t._("You're #{rank} on the waitlist.").format(rank=t.number(standing.rank)) + "</b>"
        rows.append(
            [InlineKeyboardButton("✖ " + t._("Leave the waitlist"), callback_data=AskCancel(standing.signup_id).pack())]
        )
    elif standing.closed:
        status_line = t._("Signups for this shift have closed.")
    elif shift.is_full:
        rows.append([InlineKeyboardButton("⏳ " + t._("Join the waitlist"), callback_data=Join(shift.id).pack())])
    else:
        rows.append([InlineKeyboardButton("✅ " + t._("Sign up"), callback_data=Join(shift.id).pack())])
    if standing.offer:
        offer = OfferTranslation(shift.id).pack()
        rows.append([InlineKeyboardButton("🌐 " + t._("Offer a translation"), callback_data=offer)])
    back = ListPage(back_state) if back_state else ListPage.of(Filters())
    rows.append([InlineKeyboardButton("◀ " + t._("All shifts"), callback_data=back.pack())])
    return card(t, shift, status_line), InlineKeyboardMarkup(rows)


def overlap_question(t: Translator, shift: Shift, clash: Shift) -> tuple[str, InlineKeyboardMarkup]:
    text = t._("Heads up: this overlaps with another shift you signed up for:") + "\n\n"
    text += f"• <b>{esc(clash.in_locale(t.locale).title)}</b> · {esc(when(t, clash))}\n\n"
    text += t._("Sign up for <b>{title}</b> anyway?").format(title=esc(shift.in_locale(t.locale).title))
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("✅ " + t._("Yes, sign me up"), callback_data=Join(shift.id, "o").pack())],
            [InlineKeyboardButton(t._("No, keep my schedule"), callback_data=Card(shift.id).pack())],
        ]
    )
    return text, markup


def waitlisted(t: Translator, shift: Shift, rank: int) -> str:
    return "⏳ " + t._(
        "<b>{title}</b> is full, so you're #{rank} on the waitlist. I'll tell you right away if a place opens up."
    ).format(title=esc(shift.in_locale(t.locale).title), rank=t.number(rank))
