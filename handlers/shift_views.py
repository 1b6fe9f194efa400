"""How a shift reads in the chat: list lines and the full card, in the reader's language and zone."""

from __future__ import annotations

import html
from urllib.parse import quote_plus

from bot.i18n import Translator
from bot.store.shifts import Shift
from bot.vocab import KIND_EMOJI, kind_name, outreach_language_name

DESCRIPTION_LIMIT = 1500  # keeps a card far below Telegram's 4096 whatever the other fields hold


def esc(text: str | None) -> str:
    return html.escape(text or "", quote=False)


def when(t: Translator, shift: Shift) -> str:
    """'Sat, Nov 28, 10:00 AM – 12:00 PM PST', the end's date only when it is another day."""
    start, end = t.local(shift.starts_at), t.local(shift.ends_at)
    end_text = t.time(end) if start.date() == end.date() else t.datetime(end)
    return f"{t.datetime(start)} – {end_text} {t.zone(start)}"


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


def list_line(t: Translator, index: int, shift: Shift) -> str:
    return (
        f"<b>{index}.</b> {esc(t.weekday_date(shift.starts_at))} {esc(t.time(shift.starts_at))} · "
        f"{KIND_EMOJI[shift.kind]} <b>{esc(shift.title)}</b>\n"
        f"    {esc(shift.org_name)} · {esc(places(t, shift))}"
        + (" · 💻" if shift.is_online else "")
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
        names = ", ".join(outreach_language_name(t, code) for code in shift.languages)
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
            f"<b>{esc(shift.title)}</b> · {esc(shift.org_name)}",
            "🗓 " + esc(when(t, shift)),
            "",
            t._("I'll remind you before it starts. Can't make it? Cancel in /myshifts so someone else can go."),
            t._("Open the file to add it to your calendar."),
        ]
    )
