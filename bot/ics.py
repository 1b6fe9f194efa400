"""Calendar files (.ics) for a shift, so it lands in the volunteer's own calendar."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vText

from bot.store.shifts import Shift


def shift_link(bot_username: str, shift_id: int) -> str:
    return f"https://t.me/{bot_username}?start=shift-{shift_id}"


def shift_ics(shift: Shift, *, bot_username: str, now: datetime, cancelled: bool = False) -> bytes:
    """One VEVENT in the shift's own time zone (with its VTIMEZONE), stable UID so updates replace it."""
    tz = ZoneInfo(shift.timezone)
    cal = Calendar()
    cal.add("prodid", "-//Turnout//turnout//EN")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"shift-{shift.id}@{bot_username}.turnout")
    event.add("dtstamp", now)
    event.add("dtstart", shift.starts_at.astimezone(tz))
    event.add("dtend", shift.ends_at.astimezone(tz))
    event.add("summary", f"{shift.title} · {shift.org_name}")
    link = shift_link(bot_username, shift.id)
    event.add("url", link)
    if shift.online_url:
        event.add("location", vText(shift.online_url))
    elif shift.place_name or shift.address:
        event.add("location", vText(", ".join(p for p in (shift.place_name, shift.address) if p)))
    if shift.latitude is not None and shift.longitude is not None:
        event.add("geo", (shift.latitude, shift.longitude))
    description = "\n\n".join(p for p in (shift.description, shift.online_url, link) if p)
    event.add("description", description)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("sequence", int(now.timestamp()) // 60)  # later files replace earlier ones
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
