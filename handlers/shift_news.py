"""How the coordinators' news reads: the late cancellations and promotions on one shift since the last
message, with the roster a tap away. Rendered at send time in the coordinator's language; the times are
the shift's own clock, as the roster and /manage show them."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.clock import from_ts
from bot.i18n import Translator
from bot.services import authz
from bot.services.shift_news import LATE_CANCEL, SHIFT_NEWS
from bot.store import news
from handlers import shift_views as views
from handlers.lead_views import roster_button
from handlers.notices import Notice, Rendering, Skip, renderer

LINES_SHOWN = 25  # a busy hour still fits one message


@renderer(SHIFT_NEWS)
async def render_shift_news(r: Rendering) -> Notice:
    runtime, t = r.runtime, r.t
    shift = await r.shift()
    actor = await authz.actor(runtime.database, r.person.id, r.person.telegram_id, runtime.settings.admins)
    if not actor.can_coordinate(shift.org_id):
        raise Skip("no longer a coordinator of the organization")
    if shift.status != "published" or runtime.clock.now() >= shift.ends_at:
        raise Skip("shift no longer ahead")
    lines = await news.batch(runtime.database, shift.id, int(r.item.payload.get("batch", 0)))
    if not lines:
        raise Skip("nothing in the batch")
    st = Translator(locale=t.locale, tz=ZoneInfo(shift.timezone))
    text = [
        "📣 " + t._("News about <b>{title}</b> ({when}):").format(
            title=views.esc(shift.title), when=views.esc(views.when(st, shift))
        ),
        "",
    ]
    for line in lines[:LINES_SHOWN]:
        name = f"<b>{views.esc(line.name)}</b>" if line.name else f"<i>{views.esc(t._('(deleted account)'))}</i>"
        at = views.esc(st.time(from_ts(line.at)))
        if line.event == LATE_CANCEL:
            text.append("✖ " + t._("{name} cancelled at {time}.").format(name=name, time=at))
        else:
            text.append("⬆️ " + t._("{name} moved up from the waitlist at {time}.").format(name=name, time=at))
    if len(lines) > LINES_SHOWN:
        text.append("… +" + t.number(len(lines) - LINES_SHOWN))
    text += [
        "",
        t._("{confirmed} of {capacity} signed up · {waiting} on the waitlist").format(
            confirmed=t.number(shift.confirmed_count), capacity=t.number(shift.capacity),
            waiting=t.number(shift.waitlist_count),
        ),
    ]
    return Notice("\n".join(text), InlineKeyboardMarkup([[roster_button(t, shift.id)]]))
