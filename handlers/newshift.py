"""/newshift: a coordinator posts a shift, or a weekly series, in a short guided dialogue.

Organization (only when they coordinate several) → title → kind → date → start → length → place (typed
address; a shared location, then a place name; or online, then a link) → capacity → languages → description
→ signup deadline → weekly repeat → preview (the very card volunteers see) → publish.
Back and Cancel buttons and /cancel work at every step; what can't be read is asked for again with the reason.
Who may post is checked on every update, and again right before publishing.

The dialogue lives in user_data[DIALOGUE]; its typed answers are taken only while it is open (a filter), so
no other feature loses a message to it. Callback data `ns:<action>[:<arg>]`: o org, op org page, k kind,
d date, t time, l length, on online, c capacity, g language, gd languages done, sk no description,
dl deadline, r repeat, pub publish, ed edit menu, ef edit one field, bk back, x cancel.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import get_month_names
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.clock import from_ts, to_ts
from bot.i18n import N_, Translator
from bot.services import posting
from bot.services.authz import Actor
from bot.services.posting import Draft, Invalid, MonthName
from bot.store import orgs as org_store
from bot.store.orgs import Org
from bot.store.shifts import NewShift, Shift
from bot.vocab import KIND_BY_CODE, KIND_CODES, KIND_EMOJI, KINDS, OUTREACH_LANGUAGES, kind_name, outreach_language_name
from handlers import settings
from handlers import shift_views as views
from handlers.kit.context import BotContext
from handlers.kit.guards import current_actor, require_coordinator
from handlers.kit.keyboards import grid, pager

DIALOGUE = "newshift"
BUTTON_PATTERN = r"^ns:([a-z]{1,3})(?::([a-z0-9_]{1,12}))?$"
UPLOAD_HOW = "up:how"  # handlers/shift_upload.py
UPLOAD_TEMPLATE = "up:tpl"

ORG, TITLE, KIND, DATE, TIME, LENGTH = "org", "title", "kind", "date", "time", "length"
PLACE, PLACE_NAME, LINK, CAPACITY, LANGUAGES = "place", "place_name", "link", "capacity", "languages"
DESCRIPTION, DEADLINE, REPEAT, PREVIEW, EDIT = "description", "deadline", "repeat", "preview", "edit"
ORDER = (ORG, TITLE, KIND, DATE, TIME, LENGTH, PLACE, CAPACITY, LANGUAGES, DESCRIPTION, DEADLINE, REPEAT, PREVIEW)
# Where a rule broken at the preview sends the coordinator back to.
STEP_OF_FIELD = {
    "title": TITLE, "kind": KIND, "day": DATE, "date": DATE, "start": TIME, "minutes": LENGTH,
    "length_hours": LENGTH, "place": PLACE, "capacity": CAPACITY, "signup_deadline": DEADLINE, "weeks": REPEAT,
}
EDITABLE = {
    ORG: N_("Organization"), TITLE: N_("Title"), KIND: N_("Kind"), DATE: N_("Date"), TIME: N_("Start time"),
    LENGTH: N_("Length"), PLACE: N_("Place"), CAPACITY: N_("Volunteers needed"), LANGUAGES: N_("Languages"),
    DESCRIPTION: N_("Description"), DEADLINE: N_("Signup deadline"), REPEAT: N_("Repeat"),
}
DATE_BUTTONS = 14
TIME_SLOTS = tuple(time(h, m) for h, m in ((9, 0), (10, 0), (11, 0), (12, 0), (13, 0), (14, 0), (15, 0),
                                           (16, 0), (17, 0), (18, 0), (18, 30), (19, 0)))
LENGTHS = (60, 90, 120, 180, 240)  # minutes
CAPACITIES = (5, 10, 15, 20, 30, 50)
DEADLINES = (0, 120, 1440, 2880)  # minutes before the start; 0: none
REPEATS = (1, 2, 4, 8, 12)
ORGS_PER_PAGE = 10


@dataclass
class Dialogue:
    """Where one coordinator is in the dialogue, and what they have said."""

    draft: Draft
    step: str
    several_orgs: bool
    editing: bool = False  # after an answer, go back to the preview instead of on
    question_id: int | None = None  # the message whose buttons belong to the current question
    org_page: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one update of this dialogue at a time


class DialogueOpen(filters.UpdateFilter):
    """True while the user has one of these dialogues open (looked up in the application's user_data)."""

    def __init__(self, app: Application, *keys: str) -> None:
        super().__init__(name=f"DialogueOpen{keys}")
        self._app = app
        self._keys = keys

    def filter(self, update: Update) -> bool:
        user = update.effective_user
        data = self._app.user_data.get(user.id) if user else None
        return bool(data) and any(data.get(key) is not None for key in self._keys)


# --- rendering ------------------------------------------------------------------------------------------


def explain(t: Translator, problem: Invalid, *, html: bool = True) -> str:
    """A broken rule in the reader's language; numbers and month names formatted for them."""
    params: dict[str, str] = {}
    for key, value in problem.params.items():
        if isinstance(value, MonthName):
            params[key] = get_month_names("wide", locale=t.locale)[int(value)]
        elif isinstance(value, int):
            params[key] = t.number(value)
        else:
            params[key] = views.esc(str(value)) if html else str(value)
    return t._(problem.message).format(**params)


def org_translator(t: Translator, org: Org) -> Translator:
    """The reader's language on the organization's clock: a shift's dates are the organization's dates."""
    return Translator(locale=t.locale, tz=ZoneInfo(org.timezone))


def hours_label(t: Translator, minutes: int) -> str:
    hours = minutes / 60
    # ngettext wants a whole count; a fraction reads as plural ("1.5 hours") in our languages.
    count = int(hours) if hours.is_integer() else 2
    return t.ngettext("{count} hour", "{count} hours", count).format(count=t.number(round(hours, 2)))


def card_shift(new: NewShift, org: Org) -> Shift:
    """A not-yet-saved shift as the card renders it: nobody signed up yet."""
    return Shift(
        id=0, org_id=org.id, org_name=org.name, org_slug=org.slug, title=new.title, kind=new.kind,
        description=new.description, place_name=new.place_name, address=new.address, latitude=new.latitude,
        longitude=new.longitude, online_url=new.online_url, region=new.region, starts_at=from_ts(new.starts_at),
        ends_at=from_ts(new.ends_at), timezone=new.timezone, capacity=new.capacity,
        signup_deadline=from_ts(new.signup_deadline) if new.signup_deadline else None, status="published",
        cancel_reason=None, confirmed_count=0, waitlist_count=0, languages=new.languages,
    )


def _summary(t: Translator, draft: Draft, org: Org | None) -> list[str]:
    """What they have said so far, a few short lines above each question."""
    head = "📝 <b>" + t._("New shift") + "</b>" + (f" · {views.esc(org.name)}" if org else "")
    lines = [head]
    if draft.title:
        kind = f" · {KIND_EMOJI[draft.kind]} {views.esc(kind_name(t, draft.kind))}" if draft.kind else ""
        lines.append(f"<b>{views.esc(draft.title)}</b>{kind}")
    if draft.day and org:
        ot = org_translator(t, org)
        parts = [ot.weekday_date(datetime.combine(draft.day, time(12), tzinfo=ot.tz))]
        if draft.start:
            parts.append(ot.time(datetime.combine(draft.day, draft.start, tzinfo=ot.tz)))
        if draft.minutes:
            parts.append(hours_label(t, draft.minutes))
        lines.append("🗓 " + views.esc(" · ".join(parts)))
    if draft.online_url:
        lines.append("💻 " + views.esc(draft.online_url))
    elif draft.has_place:
        lines.append("📍 " + views.esc(", ".join(p for p in (draft.place_name, draft.address) if p) or "📌"))
    return lines


def _nav(t: Translator, dlg: Dialogue) -> list[InlineKeyboardButton]:
    row = [InlineKeyboardButton("◀ " + t._("Back"), callback_data="ns:bk")] if _previous(dlg) else []
    return [*row, InlineKeyboardButton("✖ " + t._("Cancel"), callback_data="ns:x")]


def _upload_buttons(t: Translator) -> list[list[InlineKeyboardButton]]:
    return [
        [InlineKeyboardButton("📄 " + t._("Upload a CSV"), callback_data=UPLOAD_HOW)],
        [InlineKeyboardButton("📋 " + t._("Get the CSV template"), callback_data=UPLOAD_TEMPLATE)],
    ]


async def _question(
    context: BotContext, dlg: Dialogue, org: Org | None
) -> tuple[str, list[list[InlineKeyboardButton]]]:
    """The text and buttons of the dialogue's current step."""
    t, draft, step = context.t, dlg.draft, dlg.step
    now = context.runtime.clock.now()
    rows: list[list[InlineKeyboardButton]] = []
    if step == ORG:
        text = t._("Which organization is the shift for?")
        choices = await postable_orgs(context, await current_actor(context))
        first = dlg.org_page * ORGS_PER_PAGE
        for o in choices[first : first + ORGS_PER_PAGE]:
            rows.append([InlineKeyboardButton(o.name[:60], callback_data=f"ns:o:{o.id}")])
        rows += pager(t, dlg.org_page, first + ORGS_PER_PAGE < len(choices), lambda n: f"ns:op:{n}")
        rows += _upload_buttons(t)
    elif step == TITLE:
        text = t._("What is the shift called? For example: <i>Weekly phone bank for Korean speakers</i>")
        if not dlg.editing:
            rows += _upload_buttons(t)
    elif step == KIND:
        text = t._("What kind of shift is it?")
        rows = grid(
            [InlineKeyboardButton(f"{KIND_EMOJI[k]} {kind_name(t, k)}", callback_data=f"ns:k:{KIND_CODES[k]}")
             for k in KINDS],
            2,
        )
    elif step == DATE:
        assert org is not None
        ot = org_translator(t, org)
        today = now.astimezone(ot.tz).date()
        text = t._("Which day? Tap one, or type a date (for example 12/5 or Dec 5).")
        rows = grid(
            [
                InlineKeyboardButton(
                    ot.weekday_date(datetime.combine(day, time(12), tzinfo=ot.tz)),
                    callback_data=f"ns:d:{day:%Y%m%d}",
                )
                for day in (today + timedelta(days=i) for i in range(DATE_BUTTONS))
            ],
            2,
        )
    elif step == TIME:
        assert org is not None and draft.day is not None
        ot = org_translator(t, org)
        text = t._("What time does it start? Tap one, or type a time (for example 18:30 or 6:30pm).")
        slots = [s for s in TIME_SLOTS if datetime.combine(draft.day, s, tzinfo=ot.tz) > now]
        rows = grid(
            [InlineKeyboardButton(ot.time(datetime.combine(draft.day, s, tzinfo=ot.tz)),
                                  callback_data=f"ns:t:{s:%H%M}") for s in slots],
            4,
        )
    elif step == LENGTH:
        text = t._("How long is it? Tap one, or type hours (for example 2.5) or minutes (90m).")
        rows = [[InlineKeyboardButton(hours_label(t, m), callback_data=f"ns:l:{m}") for m in LENGTHS]]
    elif step == PLACE:
        text = t._(
            "Where is it? Type the address, share a location (📎 → Location), or tap Online if it happens online."
        )
        rows = [[InlineKeyboardButton("💻 " + t._("Online"), callback_data="ns:on")]]
    elif step == PLACE_NAME:
        text = t._(
            "Got the location. What should volunteers look for there? For example: <i>KAYA office, 2nd floor</i>"
        )
    elif step == LINK:
        text = t._("Send the link volunteers will join, for example https://zoom.us/j/123456789")
    elif step == CAPACITY:
        text = t._("How many volunteers can sign up? Tap one, or type a number from 1 to 10,000.")
        rows = [[InlineKeyboardButton(t.number(n), callback_data=f"ns:c:{n}") for n in CAPACITIES]]
    elif step == LANGUAGES:
        text = t._(
            "Which languages must volunteers speak? Tap all that apply, then Done. "
            "Leave them all unticked if any language will do."
        )
        rows = grid(
            [
                InlineKeyboardButton(
                    ("✓ " if code in draft.languages else "") + outreach_language_name(t, code),
                    callback_data=f"ns:g:{code}",
                )
                for code in OUTREACH_LANGUAGES
            ],
            3,
        )
        rows.append([InlineKeyboardButton("✅ " + t._("Done"), callback_data="ns:gd")])
    elif step == DESCRIPTION:
        text = t._(
            "Anything else volunteers should know: what to bring, parking, training? Type it, or tap No description."
        )
        rows = [[InlineKeyboardButton(t._("No description"), callback_data="ns:sk")]]
    elif step == DEADLINE:
        text = t._("When do signups close? Tap one, or type a date and time (for example Dec 4 18:00).")
        labels = {
            0: t._("When it starts"),
            120: t._("2 hours before"),
            1440: t._("1 day before"),
            2880: t._("2 days before"),
        }
        rows = grid([InlineKeyboardButton(labels[m], callback_data=f"ns:dl:{m}") for m in DEADLINES], 2)
    elif step == REPEAT:
        text = t._("Does it repeat every week? Tap how many weeks in all, or type a number from 1 to 12.")
        buttons = [InlineKeyboardButton(t._("Just once"), callback_data="ns:r:1")] + [
            InlineKeyboardButton(
                t.ngettext("Weekly, {count} week", "Weekly, {count} weeks", n).format(count=t.number(n)),
                callback_data=f"ns:r:{n}",
            )
            for n in REPEATS[1:]
        ]
        rows = grid(buttons, 2)
    elif step == EDIT:
        text = t._("What would you like to change?")
        fields = [s for s in EDITABLE if s != ORG or dlg.several_orgs]
        rows = grid([InlineKeyboardButton(t._(EDITABLE[s]), callback_data=f"ns:ef:{s}") for s in fields], 2)
    else:
        raise AssertionError(f"no question for step {step}")
    rows.append(_nav(t, dlg))
    return "\n".join([*_summary(t, draft, org), "", text]), rows


def preview(t: Translator, shifts: list[NewShift], org: Org) -> str:
    """The first shift's card exactly as volunteers get it, then what the card doesn't say (repeats, deadline)."""
    ot = org_translator(t, org)
    body = views.card(ot, card_shift(shifts[0], org))
    extras = []
    if len(shifts) > 1:
        dates = ", ".join(ot.weekday_date(from_ts(s.starts_at)) for s in shifts)
        extras.append(
            "🔁 " + t.ngettext("Every week, {count} time: {dates}", "Every week, {count} times: {dates}",
                              len(shifts)).format(count=t.number(len(shifts)), dates=views.esc(dates))
        )
    if shifts[0].signup_deadline:
        closes = ot.datetime(from_ts(shifts[0].signup_deadline)) + " " + ot.zone(from_ts(shifts[0].signup_deadline))
        extras.append("⏰ " + t._("Signups close {when}.").format(when=views.esc(closes)))
        if len(shifts) > 1:
            extras[-1] += " " + t._("The same time before each of the others.")
    return "\n".join([body, *(["", *extras] if extras else [])])


# --- moving through the steps ---------------------------------------------------------------------------


def _previous(dlg: Dialogue) -> str | None:
    step = dlg.step
    if step in (PLACE_NAME, LINK):
        return PLACE
    if step == EDIT or (dlg.editing and step != PREVIEW):
        return PREVIEW
    index = ORDER.index(step)
    earlier = ORDER[index - 1] if index > 0 else None
    if earlier == ORG and not dlg.several_orgs:
        return None
    return earlier


def _after(dlg: Dialogue, step: str) -> str:
    """The step that follows a good answer to `step`."""
    if dlg.editing:
        return PREVIEW
    return ORDER[ORDER.index(step) + 1]


async def postable_orgs(context: BotContext, actor: Actor) -> list[Org]:
    """The organizations this person may post for: all active ones for network admins."""
    db = context.runtime.database
    if actor.is_network_admin:
        return await org_store.list_active(db)
    found = [await org_store.get(db, role.org_id) for role in actor.roles]
    return [o for o in found if o is not None and o.status == "active"]


async def _org(context: BotContext, dlg: Dialogue) -> Org | None:
    return await org_store.get(context.runtime.database, dlg.draft.org_id) if dlg.draft.org_id else None


async def _show(update: Update, context: BotContext, dlg: Dialogue, problem: str | None = None) -> None:
    """Asks the current step's question: in place of the pressed message, or as a new message after a typed
    answer (taking the buttons off the previous question, so old buttons can't be pressed)."""
    org = await _org(context, dlg)
    if dlg.step == PREVIEW:
        assert org is not None
        try:
            shifts = posting.build(dlg.draft, org, context.runtime.clock.now(), context.person.id)
        except Invalid as exc:  # something went stale (the day passed) or is missing: ask for it again
            dlg.step, dlg.editing = STEP_OF_FIELD.get(exc.field or "", TITLE), True
            await _show(update, context, dlg, explain(context.t, exc))
            return
        t = context.t
        heading = "👀 <b>" + t._("Preview: this is what volunteers will see.") + "</b>"
        text = heading + "\n\n" + preview(t, shifts, org)
        label = (
            t._("Publish")
            if len(shifts) == 1
            else t.ngettext("Publish {count} shift", "Publish {count} shifts", len(shifts)).format(
                count=t.number(len(shifts))
            )
        )
        rows = [
            [InlineKeyboardButton("✅ " + label, callback_data="ns:pub")],
            [InlineKeyboardButton("✏️ " + t._("Edit"), callback_data="ns:ed")],
            _nav(t, dlg),
        ]
    else:
        text, rows = await _question(context, dlg, org)
    if problem:
        text = f"⚠️ {problem}\n\n{text}"
    markup = InlineKeyboardMarkup(rows)
    query = update.callback_query
    if query is not None and query.message is not None and query.message.message_id == dlg.question_id:
        await _edit(query.message, text, markup)
        return
    sent = await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)
    previous, dlg.question_id = dlg.question_id, sent.message_id
    await _drop_buttons(context, update.effective_chat.id, previous)


async def _edit(message: Message | object, text: str, markup: InlineKeyboardMarkup | None) -> None:
    assert isinstance(message, Message)
    try:
        await message.edit_text(text, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


async def _drop_buttons(context: BotContext, chat_id: int, message_id: int | None) -> None:
    if message_id is None:
        return
    with contextlib.suppress(BadRequest):  # already without buttons, or too old to edit: nothing to take away
        await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)


async def _guard(update: Update, context: BotContext, dlg: Dialogue) -> Actor | None:
    """Still allowed to post for this organization? If not, the dialogue ends here."""
    actor = await require_coordinator(update, context, dlg.draft.org_id)
    if actor is None:
        context.user_data.pop(DIALOGUE, None)
    return actor


# --- entry, typed answers, location, cancel ---------------------------------------------------------------


async def newshift_command(update: Update, context: BotContext) -> None:
    """Starts the dialogue (again, if one was open) at the organization or the title."""
    actor = await require_coordinator(update, context)
    if actor is None:
        return
    choices = await postable_orgs(context, actor)
    if not choices:
        await update.effective_message.reply_text(context.t._("There are no organizations to post for yet."))
        return
    previous = context.user_data.get(DIALOGUE)
    dlg = Dialogue(Draft(), ORG if len(choices) > 1 else TITLE, several_orgs=len(choices) > 1)
    if len(choices) == 1:
        dlg.draft.org_id = choices[0].id
    if isinstance(previous, Dialogue):
        dlg.question_id = previous.question_id
    # One typed answer never goes to two places: the other features' waiting questions close.
    await settings.cancel_editor(context)
    context.user_data[DIALOGUE] = dlg
    await _show(update, context, dlg)


TextReader = Callable[[BotContext, Dialogue, Org | None, str], Awaitable[None]]


async def _read_title(context: BotContext, dlg: Dialogue, org: Org | None, text: str) -> None:
    dlg.draft.title = posting.read_text(text, "title")
    dlg.step = _after(dlg, TITLE)


async def _read_date(context: BotContext, dlg: Dialogue, org: Org | None, text: str) -> None:
    assert org is not None
    today = context.runtime.clock.now().astimezone(ZoneInfo(org.timezone)).date()
    _set_day(dlg, posting.read_shift_date(text, today, context.t.locale))


def _set_day(dlg: Dialogue, day: date) -> None:
    dlg.draft.day = day
    # A new day may make the chosen time pass; the time step (or the preview) checks it again.
    dlg.step = TIME if not dlg.editing else PREVIEW


def _check_time(context: BotContext, dlg: Dialogue, org: Org | None, start: time) -> None:
    assert org is not None and dlg.draft.day is not None
    moment = posting.local_moment(dlg.draft.day, start, ZoneInfo(org.timezone))
    posting.check_start(moment, context.runtime.clock.now())
    dlg.draft.start = start
    dlg.step = _after(dlg, TIME)


async def _read_time(context: BotContext, dlg: Dialogue, org: Org | None, text: str) -> None:
    _check_time(context, dlg, org, posting.read_time(text, context.t.locale))


async def _read_length(context: BotContext, dlg: Dialogue, org: Org | None, text: str) -> None:
    dlg.draft.minutes = posting.read_length(text)
    dlg.step = _after(dlg, LENGTH)


async def _read_address(context: BotContext, dlg: Dialogue, org: Org | None, text: str) -> None:
    dlg.draft.set_in_person(address=posting.read_text(text, "address"))
    dlg.step = _after(dlg, PLACE)


async def _read_place_name(context: BotContext, dlg: Dialogue, org: Org | None, text: str) -> None:
    dlg.draft.place_name = posting.read_text(text, "place_name")
    dlg.step = _after(dlg, PLACE)


async def _read_link(context: BotContext, dlg: Dialogue, org: Org | None, text: str) -> None:
    dlg.draft.set_online(posting.read_url(text))
    dlg.step = _after(dlg, PLACE)


async def _read_capacity(context: BotContext, dlg: Dialogue, org: Org | None, text: str) -> None:
    dlg.draft.capacity = posting.read_capacity(text)
    dlg.step = _after(dlg, CAPACITY)


async def _read_description(context: BotContext, dlg: Dialogue, org: Org | None, text: str) -> None:
    dlg.draft.description = posting.read_text(text, "description")
    dlg.step = _after(dlg, DESCRIPTION)


def _set_deadline(context: BotContext, dlg: Dialogue, org: Org | None, before: int | None) -> None:
    """Signups close `before` minutes before each start; checked against the first start and now."""
    assert org is not None and dlg.draft.day is not None and dlg.draft.start is not None
    start = posting.local_moment(dlg.draft.day, dlg.draft.start, ZoneInfo(org.timezone))
    deadline = posting.deadline_for(start, before)
    if deadline is not None:
        posting.check_deadline(deadline, start, context.runtime.clock.now())
    dlg.draft.deadline_before = before
    dlg.step = _after(dlg, DEADLINE)


async def _read_deadline(context: BotContext, dlg: Dialogue, org: Org | None, text: str) -> None:
    assert org is not None and dlg.draft.day is not None and dlg.draft.start is not None
    tz = ZoneInfo(org.timezone)
    day, clock = posting.read_datetime(text, context.runtime.clock.now().astimezone(tz).date(), context.t.locale)
    deadline = posting.local_moment(day, clock, tz)
    start = posting.local_moment(dlg.draft.day, dlg.draft.start, tz)
    posting.check_deadline(deadline, start, context.runtime.clock.now())
    _set_deadline(context, dlg, org, (to_ts(start) - to_ts(deadline)) // 60)


async def _read_weeks(context: BotContext, dlg: Dialogue, org: Org | None, text: str) -> None:
    dlg.draft.weeks = posting.read_weeks(text)
    dlg.step = PREVIEW


TEXT_READERS: dict[str, TextReader] = {
    TITLE: _read_title, DATE: _read_date, TIME: _read_time, LENGTH: _read_length, PLACE: _read_address,
    PLACE_NAME: _read_place_name, LINK: _read_link, CAPACITY: _read_capacity, DESCRIPTION: _read_description,
    DEADLINE: _read_deadline, REPEAT: _read_weeks,
}


async def on_text(update: Update, context: BotContext) -> None:
    """Takes a typed answer for the current step, or asks again saying what was wrong."""
    dlg = context.user_data.get(DIALOGUE)
    if not isinstance(dlg, Dialogue):
        return
    async with dlg.lock:
        if context.user_data.get(DIALOGUE) is not dlg or await _guard(update, context, dlg) is None:
            return
        reader = TEXT_READERS.get(dlg.step)
        if reader is None:
            await _show(update, context, dlg, context.t._("Please tap one of the buttons."))
            return
        try:
            await reader(context, dlg, await _org(context, dlg), update.effective_message.text or "")
        except Invalid as exc:
            await _show(update, context, dlg, explain(context.t, exc))
            return
        await _show(update, context, dlg)


async def on_location(update: Update, context: BotContext) -> None:
    """A shared location is the place; a name for it comes next."""
    dlg = context.user_data.get(DIALOGUE)
    if not isinstance(dlg, Dialogue):
        return
    async with dlg.lock:
        if context.user_data.get(DIALOGUE) is not dlg or await _guard(update, context, dlg) is None:
            return
        if dlg.step not in (PLACE, PLACE_NAME):
            await _show(update, context, dlg, context.t._("I don't need a location right now."))
            return
        location = update.effective_message.location
        dlg.draft.set_in_person(latitude=location.latitude, longitude=location.longitude)
        dlg.step = PLACE_NAME
        await _show(update, context, dlg)


async def cancel_command(update: Update, context: BotContext) -> None:
    """/cancel: drops the draft; nothing was posted."""
    dlg = context.user_data.pop(DIALOGUE, None)
    await update.effective_message.reply_text(context.t._("Cancelled. Nothing was posted."))
    if isinstance(dlg, Dialogue):
        await _drop_buttons(context, update.effective_chat.id, dlg.question_id)


# --- buttons ------------------------------------------------------------------------------------------------

Button = Callable[[Update, BotContext, Dialogue, str], Awaitable[str | None]]
STALE = N_("This button no longer works. Please send /start.")


async def _pick_org(update: Update, context: BotContext, dlg: Dialogue, arg: str) -> str | None:
    org_id = int(arg) if arg.isdigit() else 0
    # Forged data for an organization they don't coordinate: refused here (require_coordinator answers).
    if await require_coordinator(update, context, org_id) is None:
        return ""
    org = await org_store.get(context.runtime.database, org_id)
    if org is None or org.status != "active":
        return context.t._(STALE)
    dlg.draft.org_id = org_id  # what was said so far stays; the preview is rendered on this org's clock
    dlg.step = _after(dlg, ORG)
    return None


async def _org_page(update: Update, context: BotContext, dlg: Dialogue, arg: str) -> str | None:
    dlg.org_page = max(0, min(int(arg or 0), 1000))
    return None


async def _pick_kind(update: Update, context: BotContext, dlg: Dialogue, arg: str) -> str | None:
    kind = KIND_BY_CODE.get(arg)
    if kind is None:
        return context.t._(STALE)
    dlg.draft.kind = kind
    dlg.step = _after(dlg, KIND)
    return None


async def _pick_date(update: Update, context: BotContext, dlg: Dialogue, arg: str) -> str | None:
    org = await _org(context, dlg)
    assert org is not None
    try:
        day = datetime.strptime(arg, "%Y%m%d").date()
    except ValueError:
        return context.t._(STALE)
    today = context.runtime.clock.now().astimezone(ZoneInfo(org.timezone)).date()
    if not today <= day < today + timedelta(days=DATE_BUTTONS):
        return context.t._("That date has already passed.")
    _set_day(dlg, day)
    return None


async def _pick_time(update: Update, context: BotContext, dlg: Dialogue, arg: str) -> str | None:
    try:
        start = datetime.strptime(arg, "%H%M").time()
    except ValueError:
        return context.t._(STALE)
    _check_time(context, dlg, await _org(context, dlg), start)
    return None


async def _pick_length(update: Update, context: BotContext, dlg: Dialogue, arg: str) -> str | None:
    if not arg.isdigit() or int(arg) not in LENGTHS:
        return context.t._(STALE)
    dlg.draft.minutes = int(arg)
    dlg.step = _after(dlg, LENGTH)
    return None


async def _pick_online(update: Update, context: BotContext, dlg: Dialogue, arg: str) -> str | None:
    dlg.step = LINK
    return None


async def _pick_capacity(update: Update, context: BotContext, dlg: Dialogue, arg: str) -> str | None:
    dlg.draft.capacity = posting.read_capacity(arg)
    dlg.step = _after(dlg, CAPACITY)
    return None


async def _toggle_language(update: Update, context: BotContext, dlg: Dialogue, arg: str) -> str | None:
    if arg not in OUTREACH_LANGUAGES:
        return context.t._(STALE)
    chosen = dlg.draft.languages
    if arg in chosen:
        chosen.remove(arg)
    else:
        chosen.append(arg)
    return None


async def _languages_done(update: Update, context: BotContext, dlg: Dialogue, arg: str) -> str | None:
    dlg.step = _after(dlg, LANGUAGES)
    return None


async def _no_description(update: Update, context: BotContext, dlg: Dialogue, arg: str) -> str | None:
    dlg.draft.description = ""
    dlg.step = _after(dlg, DESCRIPTION)
    return None


async def _pick_deadline(update: Update, context: BotContext, dlg: Dialogue, arg: str) -> str | None:
    if not arg.isdigit() or int(arg) not in DEADLINES:
        return context.t._(STALE)
    _set_deadline(context, dlg, await _org(context, dlg), int(arg) or None)
    return None


async def _pick_repeat(update: Update, context: BotContext, dlg: Dialogue, arg: str) -> str | None:
    dlg.draft.weeks = posting.read_weeks(arg)
    dlg.step = PREVIEW
    return None


async def _edit_menu(update: Update, context: BotContext, dlg: Dialogue, arg: str) -> str | None:
    dlg.step = EDIT
    return None


async def _edit_field(update: Update, context: BotContext, dlg: Dialogue, arg: str) -> str | None:
    if arg not in EDITABLE or (arg == ORG and not dlg.several_orgs):
        return context.t._(STALE)
    dlg.step, dlg.editing = arg, True
    return None


async def _back(update: Update, context: BotContext, dlg: Dialogue, arg: str) -> str | None:
    earlier = _previous(dlg)
    if earlier is None:
        return context.t._(STALE)
    if dlg.step == PREVIEW:
        dlg.editing = False  # stepping back from the preview walks the steps in order again
    dlg.step = earlier
    return None


# Each button works only at its step (an old message's button is refused); back and cancel at every step.
BUTTONS: dict[str, tuple[Button, tuple[str, ...]]] = {
    "o": (_pick_org, (ORG,)),
    "op": (_org_page, (ORG,)),
    "k": (_pick_kind, (KIND,)),
    "d": (_pick_date, (DATE,)),
    "t": (_pick_time, (TIME,)),
    "l": (_pick_length, (LENGTH,)),
    "on": (_pick_online, (PLACE,)),
    "c": (_pick_capacity, (CAPACITY,)),
    "g": (_toggle_language, (LANGUAGES,)),
    "gd": (_languages_done, (LANGUAGES,)),
    "sk": (_no_description, (DESCRIPTION,)),
    "dl": (_pick_deadline, (DEADLINE,)),
    "r": (_pick_repeat, (REPEAT,)),
    "ed": (_edit_menu, (PREVIEW,)),
    "ef": (_edit_field, (EDIT,)),
    "bk": (_back, ()),
}


async def on_button(update: Update, context: BotContext) -> None:
    """Every button of the dialogue: checks who presses it and that it belongs to the current step."""
    query = update.callback_query
    t = context.t
    dlg = context.user_data.get(DIALOGUE)
    if not isinstance(dlg, Dialogue):
        await query.answer(t._("This dialogue has ended. Send /newshift to post a shift."), show_alert=True)
        return
    async with dlg.lock:
        if context.user_data.get(DIALOGUE) is not dlg:
            await query.answer(t._("This dialogue has ended. Send /newshift to post a shift."), show_alert=True)
            return
        if await _guard(update, context, dlg) is None:
            return
        action, arg = context.match.group(1), context.match.group(2) or ""
        if action == "x":
            context.user_data.pop(DIALOGUE, None)
            await query.answer()
            await _edit(query.message, t._("Cancelled. Nothing was posted."), None)
            return
        if action == "pub" and dlg.step == PREVIEW:
            await _publish(update, context, dlg)
            return
        button, steps = BUTTONS.get(action, (None, ()))
        if button is None or (steps and dlg.step not in steps) or (
            query.message is not None and query.message.message_id != dlg.question_id
        ):
            await query.answer(t._(STALE), show_alert=True)
            return
        try:
            alert = await button(update, context, dlg, arg)
        except Invalid as exc:
            alert = explain(t, exc, html=False)
        if alert == "":
            return  # already answered (a refusal)
        await query.answer(alert[:200] if alert else None, show_alert=bool(alert))
        if alert is None:
            await _show(update, context, dlg)


async def _publish(update: Update, context: BotContext, dlg: Dialogue) -> None:
    """Publishes the shift (or series) in one transaction; the role was checked again just before."""
    query = update.callback_query
    t, runtime = context.t, context.runtime
    org = await _org(context, dlg)
    if org is None or org.status != "active":
        context.user_data.pop(DIALOGUE, None)
        await query.answer(t._(STALE), show_alert=True)
        return
    try:
        shifts = posting.build(dlg.draft, org, runtime.clock.now(), context.person.id)
        published = await posting.publish(
            runtime.database, shifts, actor=await current_actor(context), now=runtime.now_ts(), weekly=len(shifts) > 1
        )
    except Invalid as exc:
        await query.answer()
        dlg.step, dlg.editing = STEP_OF_FIELD.get(exc.field or "", TITLE), True
        await _show(update, context, dlg, explain(t, exc))
        return
    context.user_data.pop(DIALOGUE, None)
    await query.answer()
    count = len(published.shift_ids)
    done = (
        t._("✅ Published! Volunteers who match it can find it on /shifts now.")
        if count == 1
        else t.ngettext(
            "✅ Published {count} shift! Volunteers who match them can find them on /shifts now.",
            "✅ Published {count} shifts! Volunteers who match them can find them on /shifts now.",
            count,
        ).format(count=t.number(count))
    )
    link = f"https://t.me/{context.bot.username}?start=shift-{published.shift_ids[0]}"
    share = t._("Share it with this link: {link}").format(link=link)
    await _edit(query.message, f"<b>{done}</b>\n\n{preview(t, shifts, org)}\n\n{share}", None)


def register(app: Application) -> None:
    private = filters.ChatType.PRIVATE
    open_ = DialogueOpen(app, DIALOGUE)
    app.add_handler(CommandHandler("newshift", newshift_command, filters=private))
    app.add_handler(CommandHandler("cancel", cancel_command, filters=private & open_))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & private & open_, on_text))
    app.add_handler(MessageHandler(filters.LOCATION & private & open_, on_location))
    app.add_handler(CallbackQueryHandler(on_button, pattern=BUTTON_PATTERN))
