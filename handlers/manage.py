"""/manage: a coordinator's upcoming shifts (their organizations only) and, for each, its roster, editing
any field, cancelling with a reason, duplicating to another day, and messaging everyone on it.

Everyone affected is told through the outbox (handlers/shift_notices.py), queued in the same transaction
as the change. Every button checks, every time, that the presser coordinates the shift's organization:
callback data can be forged. Typed answers go through handlers/awaiting.py.

Callback data: `mg:l:<page>` the list; `mg:<shift>` a shift's panel; `mg:<shift>:<action>[:<arg>]` with
e edit menu, f:<field> type a new value, k[:<kind>] kind, g[:<language>] languages, gs save them,
dl[:<minutes>] when signups close, cap:<n> confirm a capacity cut, dc no description, x cancel (asks
why), xy confirm it, d[:<yyyymmdd>] duplicate, m message (asks the text), mw include the waitlist,
ms send it, r roster.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.clock import to_ts
from bot.i18n import N_, Translator
from bot.services import posting, shift_admin
from bot.services.authz import Actor
from bot.services.posting import Invalid
from bot.services.shift_admin import EditResult, NotManageable
from bot.store import orgs as org_store
from bot.store import shifts as shift_store
from bot.store.shifts import Shift
from bot.vocab import KIND_BY_CODE, KIND_CODES, KIND_EMOJI, KINDS, OUTREACH_LANGUAGES, kind_name, outreach_language_name
from handlers import awaiting, roster
from handlers import shift_views as views
from handlers.awaiting import Question
from handlers.context import BotContext
from handlers.guards import require_coordinator
from handlers.keyboards import grid, pager
from handlers.newshift import explain, hours_label
from handlers.notices import poke_dispatcher
from handlers.replies import show
from handlers.shift_notices import clip  # importing it registers the renderers of the notices we queue

PATTERN = r"^mg:(?:l:(\d{1,4})|(\d{1,9})(?::([a-z]{1,3})(?::([a-z0-9]{1,12}))?)?)$"
PAGE_SIZE = 8
LANGS = "mg_langs"  # user_data: {"shift_id", "codes"} while languages are being ticked
CANCELLING = "mg_cancel"  # user_data: {"shift_id", "reason"} until the cancel is confirmed
MESSAGE = "mg_message"  # user_data: {"shift_id", "text", "waitlist"} until the message is sent
DEADLINES = (0, 120, 1440, 2880)  # minutes before the start that signups close; 0: when it starts
DUPLICATE_DAYS = 14

# Fields typed as text: code → (button label, question).
TEXT_FIELDS: dict[str, tuple[str, str]] = {
    "ti": (N_("Title"), N_("Type the new title. For example: <i>Weekly phone bank for Korean speakers</i>")),
    "wh": (
        N_("Date and time"),
        N_("Type the new start, for example <i>Dec 4 18:30</i>, or only a time (<i>18:30</i>) to keep the day. "
           "The length stays the same."),
    ),
    "ln": (N_("Length"), N_("How long is it? Type hours (for example 2.5) or minutes (90m).")),
    "pn": (N_("Place name"), N_("What should volunteers look for there? For example: <i>KAYA office, 2nd floor</i>")),
    "ad": (N_("Address"), N_("Type the new address, for example <i>123 Main St, Oakland, CA</i>.")),
    "ol": (N_("Online link"), N_("Send the link volunteers will join, for example https://zoom.us/j/123456789")),
    "ca": (N_("Volunteers needed"), N_("How many volunteers can sign up? Type a number from 1 to 10,000.")),
    "de": (N_("Description"), N_("Type the new description: what to bring, parking, training…")),
}
MENU_ORDER = ("ti", "k", "wh", "ln", "pn", "ad", "ol", "ca", "g", "de", "dl")
MENU_LABELS = {"k": N_("Kind"), "g": N_("Languages"), "dl": N_("Signup deadline")}


# --- rendering --------------------------------------------------------------------------------------------


def shift_translator(t: Translator, shift: Shift) -> Translator:
    """The reader's language on the shift's own clock: coordinators plan in the shift's local time."""
    return Translator(locale=t.locale, tz=ZoneInfo(shift.timezone))


def is_open(shift: Shift, now: datetime) -> bool:
    return shift.status == "published" and shift.ends_at > now


def _stale(t: Translator) -> str:
    return t._("This button no longer works. Please send /start.")


def _closed(t: Translator) -> str:
    return t._("This shift is over or cancelled, so it can't be changed any more.")


def _counts(t: Translator, shift: Shift) -> str:
    return "👥 " + t._("{confirmed} of {capacity} signed up · {waiting} on the waitlist").format(
        confirmed=t.number(shift.confirmed_count), capacity=t.number(shift.capacity),
        waiting=t.number(shift.waitlist_count),
    )


def panel(t: Translator, shift: Shift, now: datetime, note: str | None = None) -> tuple[str, InlineKeyboardMarkup]:
    """A shift as its coordinator manages it: the volunteers' card, the counts, and what can be done."""
    st = shift_translator(t, shift)
    lines = [note, ""] if note else []
    lines.append(views.card(st, shift))
    lines.append("")
    if shift.signup_deadline:
        lines.append("⏱ " + t._("Signups close: {when}").format(when=views.esc(st.datetime(shift.signup_deadline))))
    lines.append(_counts(t, shift))
    rows = []
    if is_open(shift, now):
        rows.append(
            [
                InlineKeyboardButton("✏️ " + t._("Edit"), callback_data=f"mg:{shift.id}:e"),
                InlineKeyboardButton("👥 " + t._("Roster"), callback_data=f"mg:{shift.id}:r"),
            ]
        )
        rows.append(
            [
                InlineKeyboardButton("✉️ " + t._("Message everyone"), callback_data=f"mg:{shift.id}:m"),
                InlineKeyboardButton("📄 " + t._("Duplicate"), callback_data=f"mg:{shift.id}:d"),
            ]
        )
        rows.append([InlineKeyboardButton("❌ " + t._("Cancel the shift"), callback_data=f"mg:{shift.id}:x")])
    else:
        rows.append(
            [
                InlineKeyboardButton("👥 " + t._("Roster"), callback_data=f"mg:{shift.id}:r"),
                InlineKeyboardButton("📄 " + t._("Duplicate"), callback_data=f"mg:{shift.id}:d"),
            ]
        )
    rows.append([InlineKeyboardButton("◀ " + t._("All my shifts"), callback_data="mg:l:0")])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _heading(t: Translator, shift: Shift) -> str:
    st = shift_translator(t, shift)
    return f"{KIND_EMOJI[shift.kind]} <b>{views.esc(shift.title)}</b>\n🗓 {views.esc(views.when(st, shift))}"


def _back(t: Translator, data: str) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton("◀ " + t._("Back"), callback_data=data)]


def _org_ids(actor: Actor) -> list[int] | None:
    return None if actor.is_network_admin else sorted(actor.coordinated_org_ids)


async def _listing(context: BotContext, actor: Actor, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    t, runtime = context.t, context.runtime
    shifts, total = await shift_admin.upcoming(
        runtime.database, _org_ids(actor), runtime.now_ts(), limit=PAGE_SIZE, offset=page * PAGE_SIZE
    )
    if not total:
        return "🗂 " + t._("You have no upcoming shifts. Post one with /newshift."), None
    pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
    page = min(page, pages - 1)
    if not shifts:
        shifts, total = await shift_admin.upcoming(
            runtime.database, _org_ids(actor), runtime.now_ts(), limit=PAGE_SIZE, offset=page * PAGE_SIZE
        )
    lines = [
        "🗂 <b>" + t._("Your upcoming shifts") + "</b>",
        views.esc(t._("page {page} of {pages}").format(page=t.number(page + 1), pages=t.number(pages))),
        "",
    ]
    first = page * PAGE_SIZE + 1
    lines += [views.list_line(t, first + i, s) + "\n" for i, s in enumerate(shifts)]
    lines.append(t._("Tap a number to manage that shift."))
    rows = grid(
        [InlineKeyboardButton(str(first + i), callback_data=f"mg:{s.id}") for i, s in enumerate(shifts)], 4
    )
    rows += pager(t, page, page + 1 < pages, lambda n: f"mg:l:{n}")
    return "\n".join(lines).rstrip(), InlineKeyboardMarkup(rows)


# --- entry --------------------------------------------------------------------------------------------------


async def manage_command(update: Update, context: BotContext) -> None:
    """Lists the coordinator's upcoming shifts."""
    actor = await require_coordinator(update, context)
    if actor is None:
        return
    awaiting.close(context)
    text, markup = await _listing(context, actor, 0)
    await update.effective_message.reply_text(text, reply_markup=markup)


Action = Callable[[Update, BotContext, Actor, Shift, str], Awaitable[None]]


async def on_button(update: Update, context: BotContext) -> None:
    """Every /manage button: finds the shift, checks the presser may coordinate it, then acts."""
    query = update.callback_query
    t, runtime = context.t, context.runtime
    awaiting.close(context)  # a button answers nothing typed; the ones that ask open a new question
    match = context.match
    if match.group(1) is not None:
        actor = await require_coordinator(update, context)
        if actor is None:
            return
        await query.answer()
        text, markup = await _listing(context, actor, int(match.group(1)))
        await show(update, text, markup)
        return
    shift = await shift_store.get(runtime.database, int(match.group(2)))
    if shift is None:
        await query.answer(_stale(t), show_alert=True)
        return
    actor = await require_coordinator(update, context, shift.org_id)
    if actor is None:
        return  # refused, and told so
    action, arg = match.group(3) or "", match.group(4) or ""
    handler, needs_open = ACTIONS.get(action, (None, False))
    if handler is None:
        await query.answer(_stale(t), show_alert=True)
        return
    if needs_open and not is_open(shift, runtime.clock.now()):
        await query.answer(_closed(t), show_alert=True)
        return
    await handler(update, context, actor, shift, arg)


async def _reload(update: Update, context: BotContext, question: Question) -> tuple[Shift, Actor] | None:
    """For a typed answer: the shift, still open, and the author still its coordinator; else says why."""
    shift = await shift_store.get(context.runtime.database, int(question.data.get("shift_id", 0)))
    if shift is None:
        awaiting.close(context)
        await update.effective_message.reply_text(_stale(context.t))
        return None
    actor = await require_coordinator(update, context, shift.org_id)
    if actor is None:
        awaiting.close(context)
        return None
    if question.kind != "mg_dup" and not is_open(shift, context.runtime.clock.now()):
        awaiting.close(context)
        await update.effective_message.reply_text(_closed(context.t))
        return None
    return shift, actor


# --- the panel and editing ---------------------------------------------------------------------------------


async def show_panel(update: Update, context: BotContext, actor: Actor, shift: Shift, arg: str) -> None:
    await update.callback_query.answer()
    await show(update, *panel(context.t, shift, context.runtime.clock.now()))


async def edit_menu(update: Update, context: BotContext, actor: Actor, shift: Shift, arg: str) -> None:
    t = context.t
    await update.callback_query.answer()
    buttons = []
    for code in MENU_ORDER:
        label = t._(TEXT_FIELDS[code][0]) if code in TEXT_FIELDS else t._(MENU_LABELS[code])
        data = f"mg:{shift.id}:f:{code}" if code in TEXT_FIELDS else f"mg:{shift.id}:{code}"
        buttons.append(InlineKeyboardButton(label, callback_data=data))
    rows = [*grid(buttons, 2), _back(t, f"mg:{shift.id}")]
    await show(update, _heading(t, shift) + "\n\n" + t._("What would you like to change?"), InlineKeyboardMarkup(rows))


def _current_value(t: Translator, shift: Shift, code: str) -> str:
    st = shift_translator(t, shift)
    minutes = int((shift.ends_at - shift.starts_at).total_seconds() // 60)
    values = {
        "ti": shift.title,
        "wh": f"{views.when(st, shift)}",
        "ln": hours_label(t, minutes),
        "pn": shift.place_name or "—",
        "ad": shift.address or "—",
        "ol": shift.online_url or "—",
        "ca": t._("{capacity} ({confirmed} signed up)").format(
            capacity=t.number(shift.capacity), confirmed=t.number(shift.confirmed_count)
        ),
        "de": clip(shift.description, 300) or "—",
    }
    return values[code]


def _field_question(
    t: Translator, shift: Shift, code: str, problem: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [_heading(t, shift), ""]
    if problem:
        lines += ["⚠️ " + problem, ""]
    lines.append(t._(TEXT_FIELDS[code][1]))
    lines.append(t._("Now: {value}").format(value=views.esc(_current_value(t, shift, code))))
    rows = []
    if code == "de" and shift.description:
        rows.append([InlineKeyboardButton("🗑 " + t._("No description"), callback_data=f"mg:{shift.id}:dc")])
    rows.append(_back(t, f"mg:{shift.id}:e"))
    return "\n".join(lines), InlineKeyboardMarkup(rows)


async def ask_field(update: Update, context: BotContext, actor: Actor, shift: Shift, arg: str) -> None:
    if arg not in TEXT_FIELDS:
        await update.callback_query.answer(_stale(context.t), show_alert=True)
        return
    await update.callback_query.answer()
    awaiting.ask(context, "mg_field", shift_id=shift.id, field=arg)
    await show(update, *_field_question(context.t, shift, arg))


async def _read_field(context: BotContext, shift: Shift, code: str, text: str) -> dict[str, Any]:
    """A typed value → the new column values, read by the posting rules."""
    t, now = context.t, context.runtime.clock.now()
    tz = ZoneInfo(shift.timezone)
    if code == "ti":
        return {"title": posting.read_text(text, "title")}
    if code == "wh":
        day, clock = _read_when(text, shift, now.astimezone(tz).date(), t.locale)
        return {"starts_at": to_ts(posting.local_moment(day, clock, tz))}
    if code == "ln":
        return {"ends_at": to_ts(shift.starts_at) + posting.read_length(text) * 60}
    if code == "ol":
        return {
            "online_url": posting.read_url(text), "place_name": None, "address": None, "latitude": None,
            "longitude": None, "region": None,
        }
    if code in ("pn", "ad"):
        org = await org_store.get(context.runtime.database, shift.org_id)
        assert org is not None
        in_person: dict[str, Any] = {"online_url": None, "region": posting.region_for(org, False)}
        if code == "pn":
            return {"place_name": posting.read_text(text, "place_name"), **in_person}
        # A new address makes the old pin wrong.
        return {"address": posting.read_text(text, "address"), "latitude": None, "longitude": None, **in_person}
    if code == "ca":
        return {"capacity": posting.read_capacity(text)}
    if code == "de":
        return {"description": posting.read_text(text, "description")}
    raise AssertionError(code)


def _read_when(text: str, shift: Shift, today: date, locale: str) -> tuple[date, time]:
    """'Dec 4 18:30' (a new day and time), '18:30' (same day) or 'Dec 4' (same time), in the shift's zone."""
    local = shift.starts_at.astimezone(ZoneInfo(shift.timezone))
    if len(text.split()) > 1:
        try:
            return posting.read_datetime(text, today, locale)
        except Invalid:
            pass  # '6:30 pm' and '12월 5일' are one value in two words
    try:
        return local.date(), posting.read_time(text, locale)
    except Invalid as as_time:
        try:
            return posting.read_date(text, today, locale), local.time()
        except Invalid:
            if len(text.split()) > 1:
                raise Invalid(N_("I couldn't read that date and time. Type it like 2026-12-04 18:00.")) from None
            raise as_time from None


@awaiting.reader("mg_field")
async def field_typed(update: Update, context: BotContext, question: Question, text: str) -> None:
    """Reads a typed new value; a capacity cut below the signups asks first; then saves and tells everyone."""
    found = await _reload(update, context, question)
    if found is None:
        return
    shift, actor = found
    t, code = context.t, str(question.data["field"])
    try:
        values = await _read_field(context, shift, code, text)
    except Invalid as exc:
        await show(update, *_field_question(t, shift, code, explain(t, exc)))
        return
    if code == "ca" and values["capacity"] < shift.confirmed_count:
        awaiting.close(context)
        await show(update, *_capacity_question(t, shift, values["capacity"]))
        return
    await _apply(update, context, actor, shift, values, retry_field=code)


def _capacity_question(t: Translator, shift: Shift, capacity: int) -> tuple[str, InlineKeyboardMarkup]:
    moving = shift.confirmed_count - capacity
    text = "\n".join(
        [
            _heading(t, shift),
            "",
            "⚠️ "
            + t.ngettext(
                "{count} person is signed up beyond {capacity} places: the last to sign up moves to the top of "
                "the waitlist and is told.",
                "{count} people are signed up beyond {capacity} places: the last to sign up move to the top of "
                "the waitlist and are told.",
                moving,
            ).format(count=t.number(moving), capacity=t.number(capacity)),
            "",
            t._("Change the number of volunteers to {capacity}?").format(capacity=t.number(capacity)),
        ]
    )
    rows = [
        [InlineKeyboardButton("✅ " + t._("Yes, change it"), callback_data=f"mg:{shift.id}:cap:{capacity}")],
        _back(t, f"mg:{shift.id}:e"),
    ]
    return text, InlineKeyboardMarkup(rows)


def _saved_note(t: Translator, result: EditResult) -> str:
    if not result.topics:
        return "ℹ️ " + t._("Nothing changed.")
    parts = ["✅ " + t._("Saved.")]
    if result.told:
        parts.append(
            t.ngettext(
                "I'm telling the {count} person on this shift what changed.",
                "I'm telling the {count} people on this shift what changed.",
                result.told,
            ).format(count=t.number(result.told))
        )
    if result.moved_to_waitlist:
        count = len(result.moved_to_waitlist)
        parts.append(
            t.ngettext(
                "{count} person moved to the waitlist and is being told.",
                "{count} people moved to the waitlist and are being told.",
                count,
            ).format(count=t.number(count))
        )
    if result.promoted:
        count = len(result.promoted)
        parts.append(
            t.ngettext(
                "{count} person moved up from the waitlist and is being told.",
                "{count} people moved up from the waitlist and are being told.",
                count,
            ).format(count=t.number(count))
        )
    return " ".join(parts)


async def _apply(
    update: Update,
    context: BotContext,
    actor: Actor,
    shift: Shift,
    values: dict[str, Any],
    *,
    retry_field: str | None = None,
) -> None:
    """Saves the change (the service tells everyone in the same transaction) and shows the panel again."""
    t, runtime = context.t, context.runtime
    query = update.callback_query
    try:
        result = await shift_admin.edit_shift(
            runtime.database, actor_id=actor.person_id, shift_id=shift.id, values=values, now=runtime.now_ts(),
            policy=runtime.reminder_policy,
        )
    except NotManageable:
        awaiting.close(context)
        if query:
            await query.answer(_closed(t), show_alert=True)
        else:
            await update.effective_message.reply_text(_closed(t))
        return
    except Invalid as exc:
        if query:
            await query.answer(explain(t, exc, html=False)[:200], show_alert=True)
        elif retry_field:
            await show(update, *_field_question(t, shift, retry_field, explain(t, exc)))
        return
    awaiting.close(context)
    if query:
        await query.answer()
    if result.told or result.moved_to_waitlist or result.promoted:
        poke_dispatcher(context)
    await show(update, *panel(t, result.shift, runtime.clock.now(), _saved_note(t, result)))


async def pick_kind(update: Update, context: BotContext, actor: Actor, shift: Shift, arg: str) -> None:
    t = context.t
    if arg:
        kind = KIND_BY_CODE.get(arg)
        if kind is None:
            await update.callback_query.answer(_stale(t), show_alert=True)
            return
        await _apply(update, context, actor, shift, {"kind": kind})
        return
    await update.callback_query.answer()
    buttons = [
        InlineKeyboardButton(
            ("✓ " if k == shift.kind else "") + f"{KIND_EMOJI[k]} {kind_name(t, k)}",
            callback_data=f"mg:{shift.id}:k:{KIND_CODES[k]}",
        )
        for k in KINDS
    ]
    rows = [*grid(buttons, 2), _back(t, f"mg:{shift.id}:e")]
    await show(update, _heading(t, shift) + "\n\n" + t._("What kind of shift is it?"), InlineKeyboardMarkup(rows))


def _languages_view(t: Translator, shift: Shift, codes: list[str]) -> tuple[str, InlineKeyboardMarkup]:
    text = _heading(t, shift) + "\n\n" + t._(
        "Which languages must volunteers speak? Tap all that apply, then Save. "
        "Leave them all unticked if any language will do."
    )
    buttons = [
        InlineKeyboardButton(
            ("✓ " if code in codes else "") + outreach_language_name(t, code), callback_data=f"mg:{shift.id}:g:{code}"
        )
        for code in OUTREACH_LANGUAGES
    ]
    rows = [
        *grid(buttons, 3),
        [InlineKeyboardButton("✅ " + t._("Save"), callback_data=f"mg:{shift.id}:gs")],
        _back(t, f"mg:{shift.id}:e"),
    ]
    return text, InlineKeyboardMarkup(rows)


def _ticked(context: BotContext, shift: Shift) -> list[str]:
    draft = context.user_data.get(LANGS)
    if not isinstance(draft, dict) or draft.get("shift_id") != shift.id:
        draft = {"shift_id": shift.id, "codes": list(shift.languages)}
        context.user_data[LANGS] = draft
    return draft["codes"]


async def toggle_language(update: Update, context: BotContext, actor: Actor, shift: Shift, arg: str) -> None:
    t = context.t
    if not arg:
        context.user_data.pop(LANGS, None)  # start from what the shift has now
    elif arg not in OUTREACH_LANGUAGES:
        await update.callback_query.answer(_stale(t), show_alert=True)
        return
    codes = _ticked(context, shift)
    if arg in codes:
        codes.remove(arg)
    elif arg:
        codes.append(arg)
    await update.callback_query.answer()
    await show(update, *_languages_view(t, shift, codes))


async def save_languages(update: Update, context: BotContext, actor: Actor, shift: Shift, arg: str) -> None:
    codes = list(_ticked(context, shift))
    context.user_data.pop(LANGS, None)
    await _apply(update, context, actor, shift, {"languages": codes})


async def pick_deadline(update: Update, context: BotContext, actor: Actor, shift: Shift, arg: str) -> None:
    t = context.t
    if arg:
        if not arg.isdigit() or int(arg) not in DEADLINES:
            await update.callback_query.answer(_stale(t), show_alert=True)
            return
        minutes = int(arg)
        deadline = None if minutes == 0 else to_ts(shift.starts_at - timedelta(minutes=minutes))
        await _apply(update, context, actor, shift, {"signup_deadline": deadline})
        return
    await update.callback_query.answer()
    labels = {
        0: t._("When it starts"),
        120: t._("2 hours before"),
        1440: t._("1 day before"),
        2880: t._("2 days before"),
    }
    buttons = [InlineKeyboardButton(labels[m], callback_data=f"mg:{shift.id}:dl:{m}") for m in DEADLINES]
    rows = [*grid(buttons, 2), _back(t, f"mg:{shift.id}:e")]
    await show(update, _heading(t, shift) + "\n\n" + t._("When do signups close?"), InlineKeyboardMarkup(rows))


async def confirm_capacity(update: Update, context: BotContext, actor: Actor, shift: Shift, arg: str) -> None:
    try:
        capacity = posting.read_capacity(arg)
    except Invalid:
        await update.callback_query.answer(_stale(context.t), show_alert=True)
        return
    await _apply(update, context, actor, shift, {"capacity": capacity})


async def clear_description(update: Update, context: BotContext, actor: Actor, shift: Shift, arg: str) -> None:
    await _apply(update, context, actor, shift, {"description": ""})


# --- cancelling ----------------------------------------------------------------------------------------------


async def _ask_for_text(update: Update, context: BotContext, shift: Shift, question: str, prompt: str) -> None:
    """Opens a typed question about this shift, under its heading and counts, with a Back button."""
    t = context.t
    await update.callback_query.answer()
    awaiting.ask(context, question, shift_id=shift.id)
    text = "\n".join([_heading(t, shift), _counts(t, shift), "", prompt])
    await show(update, text, InlineKeyboardMarkup([_back(t, f"mg:{shift.id}")]))


async def _read_typed(
    update: Update, context: BotContext, question: Question, text: str, read: Callable[[str], str]
) -> tuple[Shift, str] | None:
    """The shift the question was about and the checked answer; None (after saying why) otherwise."""
    found = await _reload(update, context, question)
    if found is None:
        return None
    shift, _actor = found
    try:
        value = read(text)
    except Invalid as exc:
        t = context.t
        await update.effective_message.reply_text(
            "⚠️ " + explain(t, exc), reply_markup=InlineKeyboardMarkup([_back(t, f"mg:{shift.id}")])
        )
        return None
    awaiting.close(context)
    return shift, value


async def ask_reason(update: Update, context: BotContext, actor: Actor, shift: Shift, arg: str) -> None:
    prompt = context.t._(
        "Why is it cancelled? Type a short reason (up to 500 characters): everyone signed up or waiting "
        "will read it, in a message from the bot."
    )
    await _ask_for_text(update, context, shift, "mg_reason", prompt)


@awaiting.reader("mg_reason")
async def reason_typed(update: Update, context: BotContext, question: Question, text: str) -> None:
    """Keeps the reason and asks to confirm the cancellation."""
    read = await _read_typed(update, context, question, text, shift_admin.read_reason)
    if read is None:
        return
    shift, reason = read
    t = context.t
    context.user_data[CANCELLING] = {"shift_id": shift.id, "reason": reason}
    told = shift.confirmed_count + shift.waitlist_count
    lines = [
        _heading(t, shift),
        "",
        "❓ " + t._("Cancel this shift?"),
        t.ngettext(
            "{count} person will be told, with your reason:", "{count} people will be told, with your reason:", told
        ).format(count=t.number(told)),
        "",
        f"<i>{views.esc(reason)}</i>",
    ]
    rows = [
        [InlineKeyboardButton("❌ " + t._("Yes, cancel the shift"), callback_data=f"mg:{shift.id}:xy")],
        [InlineKeyboardButton(t._("No, keep it"), callback_data=f"mg:{shift.id}")],
    ]
    await update.effective_message.reply_text("\n".join(lines), reply_markup=InlineKeyboardMarkup(rows))


async def do_cancel(update: Update, context: BotContext, actor: Actor, shift: Shift, arg: str) -> None:
    t, runtime = context.t, context.runtime
    query = update.callback_query
    draft = context.user_data.get(CANCELLING)
    if not isinstance(draft, dict) or draft.get("shift_id") != shift.id:
        await query.answer(_stale(t), show_alert=True)
        return
    try:
        result = await shift_admin.cancel_shift(
            runtime.database, actor_id=actor.person_id, shift_id=shift.id, reason=draft["reason"],
            now=runtime.now_ts(),
        )
    except NotManageable:
        await query.answer(_closed(t), show_alert=True)
        return
    context.user_data.pop(CANCELLING, None)
    await query.answer()
    if result.told:
        poke_dispatcher(context)
    note = "❌ " + t.ngettext(
        "The shift is cancelled. I'm telling the {count} person who was on it.",
        "The shift is cancelled. I'm telling the {count} people who were on it.",
        result.told,
    ).format(count=t.number(result.told))
    await show(update, *panel(t, result.shift, runtime.clock.now(), note))


# --- duplicating ---------------------------------------------------------------------------------------------


async def duplicate(update: Update, context: BotContext, actor: Actor, shift: Shift, arg: str) -> None:
    t, now = context.t, context.runtime.clock.now()
    if arg:
        try:
            day = datetime.strptime(arg, "%Y%m%d").date()
        except ValueError:
            day = None
        if day is None or day not in shift_admin.duplicate_days(shift, now, DUPLICATE_DAYS):
            await update.callback_query.answer(_stale(t), show_alert=True)
            return
        await _duplicate_to(update, context, actor, shift, day)
        return
    await update.callback_query.answer()
    awaiting.ask(context, "mg_dup", shift_id=shift.id)
    st = shift_translator(t, shift)
    days = shift_admin.duplicate_days(shift, now, DUPLICATE_DAYS)
    text = "\n".join(
        [
            _heading(t, shift),
            "",
            t._("Which day should the copy be on? Tap one, or type a date (for example 12/5 or Dec 5). "
                "It starts at the same time, {time}, and keeps everything else; nobody is signed up yet.").format(
                time=views.esc(st.time(shift.starts_at))
            ),
        ]
    )
    buttons = [
        InlineKeyboardButton(
            st.weekday_date(datetime.combine(d, time(12), tzinfo=st.tz)), callback_data=f"mg:{shift.id}:d:{d:%Y%m%d}"
        )
        for d in days
    ]
    rows = [*grid(buttons, 2), _back(t, f"mg:{shift.id}")]
    await show(update, text, InlineKeyboardMarkup(rows))


@awaiting.reader("mg_dup")
async def duplicate_typed(update: Update, context: BotContext, question: Question, text: str) -> None:
    """Reads the day for the copy."""
    found = await _reload(update, context, question)
    if found is None:
        return
    shift, actor = found
    t = context.t
    today = context.runtime.clock.now().astimezone(ZoneInfo(shift.timezone)).date()
    try:
        day = posting.read_shift_date(text, today, t.locale)
    except Invalid as exc:
        await update.effective_message.reply_text(
            "⚠️ " + explain(t, exc), reply_markup=InlineKeyboardMarkup([_back(t, f"mg:{shift.id}")])
        )
        return
    await _duplicate_to(update, context, actor, shift, day)


async def _duplicate_to(update: Update, context: BotContext, actor: Actor, shift: Shift, day: date) -> None:
    t, runtime = context.t, context.runtime
    query = update.callback_query
    try:
        created = await shift_admin.duplicate_shift(
            runtime.database, actor_id=actor.person_id, shift_id=shift.id, day=day, now=runtime.now_ts()
        )
    except Invalid as exc:
        if query:
            await query.answer(explain(t, exc, html=False)[:200], show_alert=True)
        else:
            await update.effective_message.reply_text(
                "⚠️ " + explain(t, exc), reply_markup=InlineKeyboardMarkup([_back(t, f"mg:{shift.id}")])
            )
        return
    except NotManageable:
        awaiting.close(context)
        if query:
            await query.answer(_stale(t), show_alert=True)
        return
    awaiting.close(context)
    if query:
        await query.answer()
    note = "📄 " + t._("Copied. This is the new shift; volunteers can sign up for it now:")
    await show(update, *panel(t, created, runtime.clock.now(), note))


# --- messaging everyone on it ---------------------------------------------------------------------------------


async def ask_message(update: Update, context: BotContext, actor: Actor, shift: Shift, arg: str) -> None:
    prompt = context.t._(
        "Type your message to the volunteers on this shift (up to 1,000 characters). "
        "You'll see it before it's sent."
    )
    await _ask_for_text(update, context, shift, "mg_msg", prompt)


@awaiting.reader("mg_msg")
async def message_typed(update: Update, context: BotContext, question: Question, text: str) -> None:
    """Keeps the message and shows the preview, with how many will get it."""
    read = await _read_typed(update, context, question, text, shift_admin.read_message)
    if read is None:
        return
    shift, message = read
    context.user_data[MESSAGE] = {"shift_id": shift.id, "text": message, "waitlist": False}
    text_, markup = await _message_preview(context, shift)
    await update.effective_message.reply_text(text_, reply_markup=markup)


async def _message_preview(context: BotContext, shift: Shift) -> tuple[str, InlineKeyboardMarkup]:
    t = context.t
    draft = context.user_data[MESSAGE]
    confirmed, waiting = await shift_admin.audience_counts(context.runtime.database, shift.id)
    count = confirmed + (waiting if draft["waitlist"] else 0)
    lines = [
        "👀 <b>" + t._("Preview") + "</b> · " + views.esc(shift.title),
        "",
        views.esc(draft["text"]),
        "",
        t.ngettext("It goes to {count} person.", "It goes to {count} people.", count).format(count=t.number(count)),
    ]
    rows = []
    if waiting:
        label = ("✓ " if draft["waitlist"] else "") + t._("Also the waitlist ({count})").format(count=t.number(waiting))
        rows.append([InlineKeyboardButton(label, callback_data=f"mg:{shift.id}:mw")])
    if count:
        rows.append([InlineKeyboardButton("✅ " + t._("Send"), callback_data=f"mg:{shift.id}:ms")])
    else:
        lines.append(t._("Nobody is on this shift yet."))
    rows.append([InlineKeyboardButton("✏️ " + t._("Change the message"), callback_data=f"mg:{shift.id}:m")])
    rows.append(_back(t, f"mg:{shift.id}"))
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _message_draft(context: BotContext, shift: Shift) -> dict[str, Any] | None:
    draft = context.user_data.get(MESSAGE)
    return draft if isinstance(draft, dict) and draft.get("shift_id") == shift.id else None


async def toggle_waitlist(update: Update, context: BotContext, actor: Actor, shift: Shift, arg: str) -> None:
    draft = _message_draft(context, shift)
    if draft is None:
        await update.callback_query.answer(_stale(context.t), show_alert=True)
        return
    draft["waitlist"] = not draft["waitlist"]
    await update.callback_query.answer()
    await show(update, *await _message_preview(context, shift))


async def send_message(update: Update, context: BotContext, actor: Actor, shift: Shift, arg: str) -> None:
    t, runtime = context.t, context.runtime
    query = update.callback_query
    draft = _message_draft(context, shift)
    if draft is None:
        await query.answer(_stale(t), show_alert=True)
        return
    try:
        count = await shift_admin.message_shift(
            runtime.database, actor_id=actor.person_id, shift_id=shift.id, text=draft["text"],
            include_waitlist=draft["waitlist"], now=runtime.now_ts(),
        )
    except NotManageable:
        await query.answer(_closed(t), show_alert=True)
        return
    context.user_data.pop(MESSAGE, None)
    await query.answer()
    poke_dispatcher(context)
    note = "✅ " + t.ngettext(
        "Your message is on its way to {count} person.", "Your message is on its way to {count} people.", count
    ).format(count=t.number(count))
    await show(update, *panel(t, shift, runtime.clock.now(), note))


# --- the roster ------------------------------------------------------------------------------------------------


async def show_roster(update: Update, context: BotContext, actor: Actor, shift: Shift, arg: str) -> None:
    await update.callback_query.answer()
    await show(update, *await roster.render(context, shift, 0, from_manage=True))


# Each action, and whether it needs the shift still open (published and not over).
ACTIONS: dict[str, tuple[Action, bool]] = {
    "": (show_panel, False),
    "e": (edit_menu, True),
    "f": (ask_field, True),
    "k": (pick_kind, True),
    "g": (toggle_language, True),
    "gs": (save_languages, True),
    "dl": (pick_deadline, True),
    "cap": (confirm_capacity, True),
    "dc": (clear_description, True),
    "x": (ask_reason, True),
    "xy": (do_cancel, True),
    "d": (duplicate, False),
    "m": (ask_message, True),
    "mw": (toggle_waitlist, True),
    "ms": (send_message, True),
    "r": (show_roster, False),
}


def register(app: Application) -> None:
    app.add_handler(CommandHandler("manage", manage_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(on_button, pattern=PATTERN))
