"""What volunteers on a shift are told: reminders, a place that opened up, and what its coordinators changed,
cancelled, shrank or wrote to them. Rendered at send time by the dispatcher (handlers/notices.py), in each
reader's current language and time zone."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.clock import from_ts
from bot.i18n import Translator
from bot.ics import shift_ics
from bot.services import versions
from bot.services.shift_admin import MOVED_TO_WAITLIST, NEW_CALENDAR, SHIFT_CANCELLED, SHIFT_CHANGED, SHIFT_MESSAGE
from bot.store import signups
from bot.store.shifts import Shift
from bot.vocab import kind_name, outreach_language_name
from handlers import shift_views as views
from handlers.kit.callbacks import Button
from handlers.notices import Notice, Rendering, Skip, renderer
from handlers.shift_views import AskCancel, Card

CAPTION_MAX = 1024
_TAG = re.compile(r"<[^>]+>")


def clip(text: str | None, limit: int) -> str:
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def visible_length(markup: str) -> int:
    """How long an HTML text reads once Telegram has parsed it (what its limits count)."""
    return len(html.unescape(_TAG.sub("", markup)).encode("utf-16-le")) // 2


def _open_button(t: Translator, shift: Shift) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton("🔎 " + t._("Open the shift"), callback_data=Card(shift.id).pack())]


def _place(shift: Shift) -> str:
    return clip(shift.online_url or ", ".join(p for p in (shift.place_name, shift.address) if p), 150)


async def _still_ahead(r: Rendering) -> Shift:
    shift = await r.shift()
    if shift.status != "published" or r.runtime.clock.now() >= shift.starts_at:
        raise Skip("shift no longer ahead")
    return shift


@renderer(SHIFT_CHANGED)
async def render_shift_changed(r: Rendering) -> Notice:
    """What changed (and what it was), with a new calendar file when the time or place moved."""
    signup = await r.active_signup("confirmed", "waitlisted")
    shift = await _still_ahead(r)
    t, topics, old = r.t, r.item.payload.get("topics", []), r.item.payload.get("old", {})
    changes: list[str] = []
    if "title" in topics:
        changes.append("✏️ " + t._("New title (it was “{title}”).").format(title=views.esc(clip(old.get("title"), 80))))
    if "time" in topics:
        before = replace(shift, starts_at=from_ts(old["starts_at"]), ends_at=from_ts(old["ends_at"]))
        changes.append("🗓 " + t._("New time: {when}").format(when=views.esc(views.when(t, shift))))
        changes.append("    " + t._("(it was {when})").format(when=views.esc(views.when(t, before))))
    if "place" in topics:
        changes.append(
            ("💻 " if shift.online_url else "📍 ") + t._("New place: {place}").format(place=views.esc(_place(shift)))
        )
        if old.get("place"):
            changes.append("    " + t._("(it was {place})").format(place=views.esc(clip(old["place"], 150))))
    if "kind" in topics:
        changes.append("🏷 " + t._("Kind of shift: {kind}").format(kind=views.esc(kind_name(t, shift.kind))))
    if "languages" in topics:
        names = t.listing(outreach_language_name(t, code, sentence=True) for code in shift.languages) or t._("any")
        changes.append("🗣 " + t._("Languages needed: {languages}").format(languages=views.esc(names)))
    if "description" in topics:
        changes.append("📝 " + t._("The description was updated: open the shift to read it."))
    if not changes:
        raise Skip("nothing a volunteer needs to know")
    head = [
        "🔔 " + t._("<b>{title}</b> has changed.").format(title=views.esc(clip(shift.title, 100))),
        "🏢 " + views.esc(clip(shift.org_name, 80)),
        "",
    ]
    if signup.status == "waitlisted":
        rank = await signups.waitlist_rank(r.runtime.database, signup)
        footer = t._("You're still #{rank} on the waitlist.").format(rank=t.number(rank))
    else:
        footer = t._("Still coming? If you can't make it now, cancel in /myshifts so someone else can go.")
    text = "\n".join([*head, *changes, "", footer])
    markup = InlineKeyboardMarkup([_open_button(t, shift)])
    if signup.status != "confirmed" or not any(topic in NEW_CALENDAR for topic in topics):
        return Notice(text, markup)
    if visible_length(text) > CAPTION_MAX:  # very long names and addresses: drop what it was
        text = "\n".join([*head, *(c for c in changes if not c.startswith("    ")), "", footer])
    if visible_length(text) > CAPTION_MAX:  # still too long for a caption (a wordy language): no file
        return Notice(text, markup)
    ics = shift_ics(shift, bot_username=r.bot_username, now=r.runtime.clock.now())
    return Notice(text, markup, document=(f"shift-{shift.id}.ics", ics))


@renderer(SHIFT_CANCELLED)
async def render_shift_cancelled(r: Rendering) -> Notice:
    """The shift is off, and why; those who had a place get a calendar file that removes it."""
    await r.active_signup("confirmed", "waitlisted")
    shift = await r.shift()
    if shift.status != "cancelled":
        raise Skip("shift not cancelled")
    t = r.t
    lines = [
        "❌ " + t._("<b>{title}</b> ({when}) has been cancelled.").format(
            title=views.esc(clip(shift.title, 100)), when=views.esc(views.when(t, shift))
        ),
        "🏢 " + views.esc(clip(shift.org_name, 80)),
    ]
    if shift.cancel_reason:
        lines += ["", t._("Reason: {reason}").format(reason=views.esc(shift.cancel_reason))]
    lines += ["", t._("Sorry about that! You can find another shift with /shifts.")]
    text = "\n".join(lines)
    if not r.item.payload.get("was_confirmed"):
        return Notice(text)
    ics = shift_ics(shift, bot_username=r.bot_username, now=r.runtime.clock.now(), cancelled=True)
    return Notice(text, document=(f"shift-{shift.id}.ics", ics))


@renderer(MOVED_TO_WAITLIST)
async def render_moved_to_waitlist(r: Rendering) -> Notice:
    """Fewer places now: their place moved to the front of the waitlist."""
    signup = await r.active_signup("waitlisted")
    shift = await _still_ahead(r)
    t = r.t
    rank = await signups.waitlist_rank(r.runtime.database, signup)
    text = "⏳ " + t._(
        "There are fewer places on <b>{title}</b> ({when}) now, so your place moved to the waitlist: you're #{rank}. "
        "You're at the front of the line, and I'll tell you right away if a place opens up."
    ).format(title=views.esc(shift.title), when=views.esc(views.when(t, shift)), rank=t.number(rank))
    markup = InlineKeyboardMarkup(
        [
            _open_button(t, shift),
            [InlineKeyboardButton("✖ " + t._("Leave the waitlist"), callback_data=AskCancel(signup.id).pack())],
        ]
    )
    return Notice(text, markup)


@renderer(SHIFT_MESSAGE)
async def render_shift_message(r: Rendering) -> Notice:
    """A coordinator's message to everyone on a shift, quoted as they wrote it."""
    await r.active_signup("confirmed", "waitlisted")
    shift = await _still_ahead(r)
    t = r.t
    head = "✉️ " + t._("A message from {org} about <b>{title}</b> ({date}):").format(
        org=views.esc(shift.org_name), title=views.esc(shift.title), date=views.esc(t.weekday_date(shift.starts_at))
    )
    payload = r.item.payload
    message = versions.version_for(t.locale, str(payload.get("text", "")), payload.get("texts") or {})
    text = head + "\n\n" + views.esc(message)  # theirs, or the original
    return Notice(text, InlineKeyboardMarkup([_open_button(t, shift)]))


# --- reminders and a place that opened up ------------------------------------------------------------


@dataclass(frozen=True)
class ReminderReply(Button, prefix="rm"):
    """Under a reminder: "y" I'll be there, "n" I can't make it (handlers/reminder_replies.py)."""

    signup: int
    answer: Literal["y", "n"]


def _place_button(t: Translator, shift: Shift) -> InlineKeyboardButton | None:
    if shift.online_url:
        return InlineKeyboardButton("💻 " + t._("Join online"), url=shift.online_url)
    url = views.map_url(shift)
    return InlineKeyboardButton("📍 " + t._("Map"), url=url) if url else None


def answered_reminder_markup(t: Translator, shift: Shift) -> InlineKeyboardMarkup | None:
    """A reminder after "I'll be there": the pair goes, the link or map stays (needed on the day)."""
    place = _place_button(t, shift)
    return InlineKeyboardMarkup([[place]]) if place else None


@renderer("reminder")
async def render_reminder(r: Rendering) -> Notice:
    """'Your shift starts in 2 hours', with I'll be there / I can't make it."""
    signup = await r.active_signup("confirmed")
    shift = await r.shift()
    now = r.runtime.clock.now()
    if shift.status != "published":
        raise Skip("shift not published")
    if now >= shift.starts_at:
        raise Skip("shift already started")  # a late reminder is worse than none
    lead = int(r.item.payload.get("lead", 0))
    if any(
        shift.starts_at - timedelta(seconds=later) <= now for later in r.runtime.settings.reminder_leads if later < lead
    ):
        raise Skip("a later reminder is due too")  # after downtime, one reminder rather than two at once
    t = r.t
    lines = [
        "⏰ "
        + t._("Reminder: <b>{title}</b> starts {when}.").format(
            title=views.esc(shift.title), when=views.esc(t.starts(shift.starts_at, now))
        ),
        "",
        "🗓 " + views.esc(views.when(t, shift)),
        "🏢 " + views.esc(shift.org_name),
    ]
    if shift.online_url:
        lines.append("💻 " + views.link(shift.online_url, shift.online_url))
    else:
        lines.append("📍 " + views.esc(", ".join(p for p in (shift.place_name, shift.address) if p)))
    if signup.acknowledged_at is None:
        lines += ["", t._("Will you be there?")]
    rows = [
        [
            InlineKeyboardButton("✅ " + t._("I'll be there"), callback_data=ReminderReply(signup.id, "y").pack()),
            InlineKeyboardButton("✖ " + t._("I can't make it"), callback_data=ReminderReply(signup.id, "n").pack()),
        ]
    ]
    place = _place_button(t, shift)
    if place:
        rows.append([place])
    return Notice("\n".join(lines), InlineKeyboardMarkup(rows))


@renderer("promoted")
async def render_promoted(r: Rendering) -> Notice:
    """A place opened up: the confirmation and calendar file, in their language."""
    await r.active_signup("confirmed")
    shift = await r.shift()
    if shift.status != "published" or r.runtime.clock.now() >= shift.starts_at:
        raise Skip("shift no longer ahead")
    ics = shift_ics(shift, bot_username=r.bot_username, now=r.runtime.clock.now())
    return Notice(views.confirmation(r.t, shift, promoted=True), document=(f"shift-{shift.id}.ics", ics))
