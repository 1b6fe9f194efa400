"""The coordinators' evening digest: tomorrow's shifts, their fill, waitlists, and languages."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.clock import to_ts
from bot.services import authz
from bot.store import shifts as shift_store
from bot.vocab import outreach_language_name
from handlers import shift_views as views
from handlers.notices import Notice, Rendering, Skip, renderer


@renderer("digest")
async def render_digest(r: Rendering) -> Notice:
    """Tomorrow at a glance, for every organization they coordinate; nothing when nothing is on."""
    runtime, t = r.runtime, r.t
    actor = await authz.actor(runtime.database, r.person.id, r.person.telegram_id, runtime.settings.admins)
    if not actor.roles:
        raise Skip("no longer a coordinator")
    day = date.fromisoformat(str(r.item.payload.get("date")))
    start = datetime.combine(day, time(0), t.tz)
    shifts = await shift_store.for_orgs_between(
        runtime.database, sorted(actor.coordinated_org_ids), to_ts(start), to_ts(start + timedelta(days=1))
    )
    if not shifts:
        raise Skip("no shifts tomorrow")
    covered = await shift_store.covered_languages(runtime.database, [s.id for s in shifts])
    lines = ["🗓 <b>" + t._("Tomorrow, {date}").format(date=views.esc(t.date(start, "full"))) + "</b>", ""]
    for shift in shifts:
        fill = t._("{confirmed} of {capacity} signed up").format(
            confirmed=t.number(shift.confirmed_count), capacity=t.number(shift.capacity)
        )
        line = f"<b>{views.esc(t.time(shift.starts_at))} {views.esc(shift.title)}</b> · {views.esc(shift.org_name)}\n"
        line += "    " + views.esc(fill)
        if shift.waitlist_count:
            line += " · " + views.esc(
                t.ngettext("{count} waiting", "{count} waiting", shift.waitlist_count).format(
                    count=t.number(shift.waitlist_count)
                )
            )
        missing = [code for code in shift.languages if code not in covered[shift.id]]
        if shift.languages:
            names = t.listing(outreach_language_name(t, code, sentence=True) for code in missing)
            line += "\n    " + (
                "⚠️ " + t._("No volunteer yet who speaks: {languages}").format(languages=views.esc(names))
                if missing
                else "✅ " + t._("All languages needed are covered")
            )
        lines.append(line)
    return Notice("\n".join(lines))
