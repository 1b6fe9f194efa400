"""/manage: a coordinator's upcoming shifts (their organizations only) and, for each, its roster, editing
any field, cancelling with a reason, duplicating to another day, and messaging everyone on it.

Everyone affected is told through the outbox (handlers/shift_notices.py), queued in the same transaction
as the change. Every button checks, every time, that the presser coordinates the shift's organization:
callback data can be forged. What the screens look like, and the buttons, are in handlers/manage_views.py.

The questions that wait for typed text (a new value, the reason to cancel, the day of a copy, the message
to everyone) are one-question flows of the dialogue engine, kept in SQLite: the answer typed after a
restart still lands, and doing anything else closes them. The reason waiting for "Yes, cancel" and the
message waiting for Send are steps of those dialogues, and the confirm claims them inside the transaction
of its effect (bot/services/once.py), so a second press does nothing and says so.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, time
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, CommandHandler, filters

from bot.clock import to_ts
from bot.i18n import N_
from bot.services import campaigns, posting, shift_admin, shift_texts, typed_dates
from bot.services.authz import Actor
from bot.services.once import AlreadyDone
from bot.services.posting import Invalid
from bot.services.shift_admin import NotManageable
from bot.store import orgs as org_store
from bot.store import shifts as shift_store
from bot.store.dialogues import Dialogue
from bot.store.shifts import Shift
from bot.vocab import KIND_BY_CODE, OUTREACH_LANGUAGES
from handlers import manage_views as views
from handlers import roster
from handlers.kit import dialogues
from handlers.kit.context import BotContext
from handlers.kit.guards import current_actor, require_coordinator
from handlers.kit.replies import show
from handlers.manage_views import (
    AskField,
    AskMessage,
    AskReason,
    CampaignMenu,
    ConfirmCancel,
    CopyMeant,
    CutCapacity,
    DeadlineMenu,
    Duplicate,
    DuplicateTo,
    EditMenu,
    KindMenu,
    Languages,
    MeantWhen,
    MessagePreview,
    MessageVersion,
    MessageVersions,
    NoDescription,
    Open,
    Page,
    RemoveMessageVersion,
    RemoveTranslation,
    Roster,
    SaveLanguages,
    SendMessage,
    SetCampaign,
    SetDeadline,
    SetKind,
    ShiftButton,
    SkipTranslation,
    Translate,
    Translations,
    Waitlist,
    closed,
    is_open,
    stale,
)
from handlers.notices import poke_dispatcher
from handlers.shift_views import explain

FIELD = "mg.field"  # step: the TEXT_FIELDS code being typed; data {"shift"}
CANCEL = "mg.cancel"  # step 'reason', then 'confirm' with data {"shift", "reason"}
COPY = "mg.dup"  # step 'day'; data {"shift"}
# step 'text', then 'preview' with data {"shift", "text", "waitlist", "texts"}; from the preview 'versions'
# (which language to write it in too) and 'version' (typing it, data "locale")
MESSAGE = "mg.msg"
TRANSLATION = "mg.tr"  # step: the shift_texts field being typed; data {"shift", "locale", "saved"}
OURS = (FIELD, CANCEL, COPY, MESSAGE, TRANSLATION)
DUPLICATE_DAYS = 14
LANGUAGE_BITS = (1 << len(OUTREACH_LANGUAGES)) - 1


async def _say(update: Update, context: BotContext, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """A new message: the answer to a typed message, or a question asked again after a button."""
    if update.callback_query is None:
        await update.effective_message.reply_text(text, reply_markup=markup)
    else:
        await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)


async def _end_ours(context: BotContext) -> None:
    open_ = await dialogues.current(context)
    if open_ is not None and open_.kind in OURS:
        await dialogues.end(context)


# --- the listing ---------------------------------------------------------------------------------------------


def _org_ids(actor: Actor) -> list[int] | None:
    return None if actor.is_network_admin else sorted(actor.coordinated_org_ids)


async def _listing(context: BotContext, actor: Actor, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    t, runtime = context.t, context.runtime
    size = views.PAGE_SIZE
    shifts, total = await shift_admin.upcoming(
        runtime.database, _org_ids(actor), runtime.now_ts(), limit=size, offset=page * size
    )
    if not total:
        return views.no_shifts(t), None
    pages = (total + size - 1) // size
    page = min(page, pages - 1)
    if not shifts:  # a page that has emptied since: the last one
        shifts, total = await shift_admin.upcoming(
            runtime.database, _org_ids(actor), runtime.now_ts(), limit=size, offset=page * size
        )
    return views.listing(t, shifts, page, pages)


async def manage_command(update: Update, context: BotContext) -> None:
    """Lists the coordinator's upcoming shifts (the watcher has closed any question left open)."""
    actor = await require_coordinator(update, context)
    if actor is None:
        return
    text, markup = await _listing(context, actor, 0)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def listing_page(update: Update, context: BotContext, button: Page) -> None:
    await _end_ours(context)
    actor = await require_coordinator(update, context)
    if actor is None:
        return
    await update.callback_query.answer()
    await show(update, *await _listing(context, actor, max(button.page, 0)))


# --- every button about one shift ------------------------------------------------------------------------------

Action = Callable[[Update, BotContext, Actor, Shift, Any], Awaitable[None]]


def _on_shift(action: Action, *, needs_open: bool, keeps: bool = False) -> Callable[..., Awaitable[None]]:
    """Finds the shift, checks the presser may coordinate it (and that it is still open when changing it
    needs that), then acts. A button answers nothing typed, so an open /manage question closes first,
    except for the confirms that act on it (`keeps`); the buttons that ask open a new one."""

    async def handle(update: Update, context: BotContext, button: ShiftButton) -> None:
        query, t, runtime = update.callback_query, context.t, context.runtime
        if not keeps:
            await _end_ours(context)
        shift = await shift_store.get(runtime.database, button.shift)
        if shift is None:
            await query.answer(stale(t), show_alert=True)
            return
        actor = await require_coordinator(update, context, shift.org_id)
        if actor is None:
            return  # refused, and told so
        if needs_open and not is_open(shift, runtime.clock.now()):
            await query.answer(closed(t), show_alert=True)
            return
        await action(update, context, actor, shift, button)

    handle.__name__ = handle.__qualname__ = action.__name__
    return handle


async def show_panel(update: Update, context: BotContext, actor: Actor, shift: Shift, button: Open) -> None:
    await update.callback_query.answer()
    await show(update, *views.panel(context.t, shift, context.runtime.clock.now()))


async def edit_menu(update: Update, context: BotContext, actor: Actor, shift: Shift, button: EditMenu) -> None:
    await update.callback_query.answer()
    await show(update, *views.edit_menu(context.t, shift))


async def show_roster(update: Update, context: BotContext, actor: Actor, shift: Shift, button: Roster) -> None:
    await update.callback_query.answer()
    await show(update, *await roster.render(context, shift, 0, from_manage=True))


# --- typed questions ---------------------------------------------------------------------------------------------


async def _reload(
    update: Update, context: BotContext, dialogue: Dialogue, needs_open: bool
) -> tuple[Shift, Actor] | None:
    """For a typed answer (or asking again): the shift, still open, and the author still its coordinator;
    else the question closes, saying why."""
    t, runtime = context.t, context.runtime
    shift = await shift_store.get(runtime.database, int(dialogue.data.get("shift", 0)))
    problem = None
    actor = await current_actor(context)
    if shift is None:
        problem = stale(t)
    elif not actor.can_coordinate(shift.org_id):
        problem = t._("Sorry, only the organization's coordinators can do that.")
    elif needs_open and not is_open(shift, runtime.clock.now()):
        problem = closed(t)
    if problem is not None or shift is None:
        await dialogues.end(context, dialogue.kind)
        await dialogues.reply(update, problem or stale(t))
        return None
    return shift, actor


class _ShiftQuestion(dialogues.Flow):
    """A /manage question about one shift; typed text goes to `read`, anything else asks again."""

    one_question = True
    buttons = ("mg",)
    needs_open: ClassVar[bool] = True  # a finished or cancelled shift can't be changed (but can be copied)

    async def on_message(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        found = await _reload(update, context, dialogue, self.needs_open)
        if found is None:
            return
        shift, actor = found
        text = update.effective_message.text
        if text is None:  # a photo, a sticker, a contact: the question again
            await self.ask(update, context, dialogue, shift)
            return
        await self.read(update, context, dialogue, shift, actor, text)

    async def resume(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        found = await _reload(update, context, dialogue, self.needs_open)
        if found is not None:
            await self.ask(update, context, dialogue, found[0])

    async def ask(self, update: Update, context: BotContext, dialogue: Dialogue, shift: Shift) -> None:
        raise NotImplementedError

    async def read(
        self, update: Update, context: BotContext, dialogue: Dialogue, shift: Shift, actor: Actor, text: str
    ) -> None:
        raise NotImplementedError


async def _problem(update: Update, context: BotContext, shift: Shift, problem: Invalid) -> None:
    """A typed answer broke a rule: says which, and the question stays open."""
    t = context.t
    await _say(update, context, "⚠️ " + explain(t, problem), views.problem_markup(t, shift))


async def _open(update: Update, context: BotContext, kind: str, step: str, shift: Shift) -> bool:
    """Opens a question about the shift and answers the button; False when the person is asked first
    whether to leave another dialogue (the engine has answered the button then)."""
    if await dialogues.begin(update, context, kind, step, {"shift": shift.id}) is None:
        return False
    await update.callback_query.answer()
    return True


# --- editing ------------------------------------------------------------------------------------------------------


class FieldFlow(_ShiftQuestion):
    """A new value for one field, typed."""

    kind = FIELD
    name = N_("changing a shift")

    async def ask(self, update: Update, context: BotContext, dialogue: Dialogue, shift: Shift) -> None:
        if dialogue.step not in views.TEXT_FIELDS:
            await dialogues.end(context, FIELD)
            return
        await _say(update, context, *views.field_question(context.t, shift, dialogue.step))

    async def read(
        self, update: Update, context: BotContext, dialogue: Dialogue, shift: Shift, actor: Actor, text: str
    ) -> None:
        """Reads a typed new value; a capacity cut below the signups asks first; then saves and tells everyone."""
        t, code = context.t, dialogue.step
        if code not in views.TEXT_FIELDS:
            await dialogues.end(context, FIELD)
            return
        try:
            values = await _read_field(context, shift, code, text)
        except posting.Ambiguous as exc:
            if code == "wh" and await _ask_meant(update, context, dialogue, shift, exc):
                return
            await show(update, *views.field_question(t, shift, code, explain(t, exc)))
            return
        except Invalid as exc:
            await show(update, *views.field_question(t, shift, code, explain(t, exc)))
            return
        if code == "ca" and values["capacity"] < shift.confirmed_count:
            await dialogues.end(context, FIELD)
            await show(update, *views.capacity_question(t, shift, values["capacity"]))
            return
        await _apply(update, context, actor, shift, values, retry_field=code)


async def _ask_meant(
    update: Update, context: BotContext, dialogue: Dialogue, shift: Shift, exc: posting.Ambiguous
) -> bool:
    """A new date the reader's order can't settle: a button per reading still ahead, at the time typed
    (else the shift's own), kept in the open question so that only those can be pressed; False if none is."""
    tz = ZoneInfo(shift.timezone)
    clock = exc.clock or shift.starts_at.astimezone(tz).time()
    now = context.runtime.clock.now()
    readings = [(day, clock) for day in exc.days if posting.local_moment(day, clock, tz) > now]
    if not readings:
        return False
    dialogue.data["meant"] = [views.when_code(day, start) for day, start in readings]
    await dialogues.save(context, dialogue)
    await show(update, *views.meant_question(context.t, shift, exc.typed, readings))
    return True


async def set_meant_when(update: Update, context: BotContext, actor: Actor, shift: Shift, button: MeantWhen) -> None:
    """One of the readings offered for an ambiguous new date; any other (forged, or from an older question)
    is stale. The change then goes through the same rules and notices as a typed one."""
    draft = await dialogues.current(context)
    offered = (
        draft.data.get("meant", [])
        if draft is not None and draft.kind == FIELD and draft.step == "wh" and draft.data.get("shift") == shift.id
        else []
    )
    try:
        day = datetime.strptime(f"{button.day:08d}", "%Y%m%d").date()
        clock = time(button.start // 100, button.start % 100)
    except ValueError:
        day = None
    if day is None or views.when_code(day, clock) not in offered:
        await update.callback_query.answer(stale(context.t), show_alert=True)
        return
    moment = posting.local_moment(day, clock, ZoneInfo(shift.timezone))
    await _apply(update, context, actor, shift, {"starts_at": to_ts(moment)}, retry_field="wh")


async def ask_field(update: Update, context: BotContext, actor: Actor, shift: Shift, button: AskField) -> None:
    if button.field not in views.TEXT_FIELDS:
        await update.callback_query.answer(stale(context.t), show_alert=True)
        return
    if await _open(update, context, FIELD, button.field, shift):
        await show(update, *views.field_question(context.t, shift, button.field))


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
    if code == "co":
        return {"checkin_opens_minutes": posting.read_checkin_opens(text)}
    raise AssertionError(code)


def _read_when(text: str, shift: Shift, today: date, locale: str) -> tuple[date, time]:
    """'Dec 4 18:30' (a new day and time), '18:30' (same day) or 'Dec 4' (same time), in the shift's zone."""
    local = shift.starts_at.astimezone(ZoneInfo(shift.timezone))
    if len(text.split()) > 1:
        try:
            return posting.read_datetime(text, today, locale)
        except posting.Ambiguous:
            raise  # the question of which date was meant, not "couldn't read"
        except Invalid:
            pass  # '6:30 pm' and '12월 5일' are one value in two words
    try:
        return local.date(), posting.read_time(text, locale)
    except Invalid as as_time:
        try:
            return posting.read_date(text, today, locale), local.time()
        except posting.Ambiguous:
            raise
        except Invalid:
            if len(text.split()) > 1:
                raise typed_dates.unreadable_datetime(today) from None
            raise as_time from None


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
            runtime.database, actor=actor, shift_id=shift.id, values=values, now=runtime.now_ts(),
            policy=runtime.reminder_policy,
        )
    except NotManageable:
        await dialogues.end(context, FIELD)
        if query:
            await query.answer(closed(t), show_alert=True)
        else:
            await update.effective_message.reply_text(closed(t))
        return
    except Invalid as exc:
        if query:
            await query.answer(explain(t, exc, html=False)[:200], show_alert=True)
        elif retry_field:
            await show(update, *views.field_question(t, shift, retry_field, explain(t, exc)))
        return
    await dialogues.end(context, FIELD)
    if query:
        await query.answer()
    if result.told or result.moved_to_waitlist or result.promoted:
        poke_dispatcher(context)
    await show(update, *views.panel(t, result.shift, runtime.clock.now(), views.saved_note(t, result)))


async def kind_menu(update: Update, context: BotContext, actor: Actor, shift: Shift, button: KindMenu) -> None:
    await update.callback_query.answer()
    await show(update, *views.kind_picker(context.t, shift))


async def set_kind(update: Update, context: BotContext, actor: Actor, shift: Shift, button: SetKind) -> None:
    kind = KIND_BY_CODE.get(button.kind)
    if kind is None:
        await update.callback_query.answer(stale(context.t), show_alert=True)
        return
    await _apply(update, context, actor, shift, {"kind": kind})


async def toggle_language(update: Update, context: BotContext, actor: Actor, shift: Shift, button: Languages) -> None:
    await update.callback_query.answer()
    await show(update, *views.languages_picker(context.t, shift, button.ticked & LANGUAGE_BITS))


async def save_languages(
    update: Update, context: BotContext, actor: Actor, shift: Shift, button: SaveLanguages
) -> None:
    await _apply(update, context, actor, shift, {"languages": views.mask_languages(button.ticked & LANGUAGE_BITS)})


async def deadline_menu(update: Update, context: BotContext, actor: Actor, shift: Shift, button: DeadlineMenu) -> None:
    await update.callback_query.answer()
    await show(update, *views.deadline_picker(context.t, shift))


async def set_deadline(update: Update, context: BotContext, actor: Actor, shift: Shift, button: SetDeadline) -> None:
    if button.minutes not in views.DEADLINES:
        await update.callback_query.answer(stale(context.t), show_alert=True)
        return
    deadline = None if button.minutes == 0 else to_ts(shift.starts_at) - button.minutes * 60
    await _apply(update, context, actor, shift, {"signup_deadline": deadline})


async def _campaigns(context: BotContext, actor: Actor, shift: Shift) -> list[tuple[int, str]]:
    return [(c.id, c.name) for c in await campaigns.for_org(context.runtime.database, actor, shift.org_id)]


async def campaign_menu(update: Update, context: BotContext, actor: Actor, shift: Shift, button: CampaignMenu) -> None:
    await update.callback_query.answer()
    await show(update, *views.campaign_picker(context.t, shift, await _campaigns(context, actor, shift)))


async def set_campaign(update: Update, context: BotContext, actor: Actor, shift: Shift, button: SetCampaign) -> None:
    """Puts the shift in one of its organization's campaigns, or none; volunteers aren't told (nothing of
    theirs changed). A forged campaign of another organization is refused by the service."""
    t, runtime = context.t, context.runtime
    try:
        await campaigns.assign(runtime.database, actor, shift.id, button.campaign or None, runtime.now_ts())
    except campaigns.NotAllowed:
        await update.callback_query.answer(stale(t), show_alert=True)
        return
    await update.callback_query.answer()
    fresh = await shift_store.get(runtime.database, shift.id)
    assert fresh is not None
    await show(update, *views.panel(t, fresh, runtime.clock.now(), "✅ " + t._("Saved.")))


async def cut_capacity(update: Update, context: BotContext, actor: Actor, shift: Shift, button: CutCapacity) -> None:
    try:
        capacity = posting.read_capacity(str(button.capacity))
    except Invalid:
        await update.callback_query.answer(stale(context.t), show_alert=True)
        return
    await _apply(update, context, actor, shift, {"capacity": capacity})


async def clear_description(
    update: Update, context: BotContext, actor: Actor, shift: Shift, button: NoDescription
) -> None:
    await _apply(update, context, actor, shift, {"description": ""})


# --- translations ----------------------------------------------------------------------------------------------


class TranslationFlow(_ShiftQuestion):
    """A translation of the title, description and place name, one field after the other; each typed field
    is saved at once (like any /manage edit), Skip keeps what is there. Readers are not told: the shift's
    facts have not changed."""

    kind = TRANSLATION
    name = N_("translating a shift")

    async def ask(self, update: Update, context: BotContext, dialogue: Dialogue, shift: Shift) -> None:
        if dialogue.step not in shift_texts.FIELDS:
            await dialogues.end(context, TRANSLATION)
            return
        locale = str(dialogue.data.get("locale", ""))
        await _say(update, context, *views.translation_question(context.t, shift, dialogue.step, locale))

    async def read(
        self, update: Update, context: BotContext, dialogue: Dialogue, shift: Shift, actor: Actor, text: str
    ) -> None:
        t, field, locale = context.t, dialogue.step, str(dialogue.data.get("locale", ""))
        if field not in shift_texts.FIELDS:
            await dialogues.end(context, TRANSLATION)
            return
        try:
            value = shift_texts.read_translation(text, field)
        except Invalid as exc:
            await show(update, *views.translation_question(t, shift, field, locale, explain(t, exc)))
            return
        saved = await _save_translation(update, context, actor, shift, locale, {field: value})
        if saved is not None:
            dialogue.data["saved"] = True
            await _next_translation_field(update, context, dialogue, saved)


async def _save_translation(
    update: Update, context: BotContext, actor: Actor, shift: Shift, locale: str, values: dict[str, str]
) -> Shift | None:
    """Writes through the service, which checks again who may; a refusal closes the question."""
    t, runtime = context.t, context.runtime
    try:
        saved = await shift_texts.save(
            runtime.database, actor=actor, shift_id=shift.id, locale=locale, values=values, now=runtime.now_ts()
        )
    except (shift_texts.NotAllowed, Invalid):
        saved = None
    if saved is None:
        await dialogues.end(context, TRANSLATION)
        await dialogues.reply(update, t._("Sorry, only the organization's coordinators can do that."))
    return saved


async def _next_translation_field(update: Update, context: BotContext, dialogue: Dialogue, shift: Shift) -> None:
    """Asks the next field the shift has an original of; after the last, back to the languages."""
    fields = shift_texts.translatable(shift)
    later = fields[fields.index(dialogue.step) + 1 :] if dialogue.step in fields else ()
    if later:
        dialogue.step = later[0]
        await dialogues.save(context, dialogue)
        await show(update, *views.translation_question(context.t, shift, dialogue.step, str(dialogue.data["locale"])))
        return
    await dialogues.end(context, TRANSLATION)
    note = "✅ " + context.t._("Saved.") if dialogue.data.get("saved") else None
    await show(update, *views.translations_menu(context.t, shift, shift_texts.locales_of(shift), note))


async def translations(update: Update, context: BotContext, actor: Actor, shift: Shift, button: Translations) -> None:
    await update.callback_query.answer()
    await show(update, *views.translations_menu(context.t, shift, shift_texts.locales_of(shift)))


async def translate(update: Update, context: BotContext, actor: Actor, shift: Shift, button: Translate) -> None:
    try:
        locale = shift_texts.read_locale(button.locale)
    except Invalid as exc:  # a forged language code
        await update.callback_query.answer(explain(context.t, exc, html=False)[:200], show_alert=True)
        return
    first = shift_texts.translatable(shift)[0]
    if await dialogues.begin(update, context, TRANSLATION, first, {"shift": shift.id, "locale": locale}) is None:
        return
    await update.callback_query.answer()
    await show(update, *views.translation_question(context.t, shift, first, locale))


async def _translation_draft(context: BotContext, shift: Shift, field: str | None = None) -> Dialogue | None:
    draft = await dialogues.current(context)
    if draft is None or draft.kind != TRANSLATION or draft.data.get("shift") != shift.id:
        return None
    return draft if field is None or draft.step == field else None


async def skip_translation(
    update: Update, context: BotContext, actor: Actor, shift: Shift, button: SkipTranslation
) -> None:
    draft = await _translation_draft(context, shift, button.field)
    if draft is None:
        await update.callback_query.answer(stale(context.t), show_alert=True)
        return
    await update.callback_query.answer()
    await _next_translation_field(update, context, draft, shift)


async def remove_translation(
    update: Update, context: BotContext, actor: Actor, shift: Shift, button: RemoveTranslation
) -> None:
    t, runtime = context.t, context.runtime
    draft = await _translation_draft(context, shift)
    if draft is None:
        await update.callback_query.answer(stale(t), show_alert=True)
        return
    locale = str(draft.data.get("locale", ""))
    try:
        removed = await shift_texts.remove(
            runtime.database, actor=actor, shift_id=shift.id, locale=locale, now=runtime.now_ts()
        )
    except (shift_texts.NotAllowed, Invalid):
        removed = None
    await dialogues.end(context, TRANSLATION)
    if removed is None:
        await update.callback_query.answer(stale(t), show_alert=True)
        return
    await update.callback_query.answer()
    note = views.translation_removed_note(t, locale)
    await show(update, *views.translations_menu(t, removed, shift_texts.locales_of(removed), note))


# --- cancelling ---------------------------------------------------------------------------------------------------


class CancelFlow(_ShiftQuestion):
    """The reason, typed; then it waits for "Yes, cancel the shift" (a new reason typed replaces it)."""

    kind = CANCEL
    name = N_("cancelling a shift")

    async def ask(self, update: Update, context: BotContext, dialogue: Dialogue, shift: Shift) -> None:
        t = context.t
        if dialogue.step == "confirm":
            await _say(update, context, *views.cancel_confirmation(t, shift, str(dialogue.data.get("reason", ""))))
        else:
            await _say(update, context, *views.reason_question(t, shift))

    async def read(
        self, update: Update, context: BotContext, dialogue: Dialogue, shift: Shift, actor: Actor, text: str
    ) -> None:
        """Keeps the reason and asks to confirm the cancellation."""
        try:
            reason = shift_admin.read_reason(text)
        except Invalid as exc:
            await _problem(update, context, shift, exc)
            return
        dialogue.step, dialogue.data["reason"] = "confirm", reason
        await dialogues.save(context, dialogue)
        await _say(update, context, *views.cancel_confirmation(context.t, shift, reason))


async def ask_reason(update: Update, context: BotContext, actor: Actor, shift: Shift, button: AskReason) -> None:
    if await _open(update, context, CANCEL, "reason", shift):
        await show(update, *views.reason_question(context.t, shift))


async def confirm_cancel(
    update: Update, context: BotContext, actor: Actor, shift: Shift, button: ConfirmCancel
) -> None:
    """Cancels the shift with the reason the dialogue holds; the first press claims it, a second finds nothing."""
    t, runtime = context.t, context.runtime
    query = update.callback_query
    draft = await dialogues.current(context)
    if draft is None or draft.kind != CANCEL or draft.step != "confirm" or draft.data.get("shift") != shift.id:
        await query.answer(stale(t), show_alert=True)
        return
    try:
        result = await shift_admin.cancel_shift(
            runtime.database, actor=actor, shift_id=shift.id, reason=str(draft.data.get("reason", "")),
            now=runtime.now_ts(), claim=dialogues.claim(context, draft),
        )
    except (AlreadyDone, NotManageable):  # another press cancelled it already, or it ended meanwhile
        await dialogues.end(context, CANCEL)
        await query.answer(closed(t), show_alert=True)
        return
    await query.answer()
    if result.told:
        poke_dispatcher(context)
    await show(update, *views.panel(t, result.shift, runtime.clock.now(), views.cancelled_note(t, result.told)))


# --- duplicating ------------------------------------------------------------------------------------------------


class CopyFlow(_ShiftQuestion):
    """The day of a copy, typed (or tapped)."""

    kind = COPY
    name = N_("copying a shift")
    needs_open = False

    async def ask(self, update: Update, context: BotContext, dialogue: Dialogue, shift: Shift) -> None:
        days = shift_admin.duplicate_days(shift, context.runtime.clock.now(), DUPLICATE_DAYS)
        await _say(update, context, *views.duplicate_question(context.t, shift, days))

    async def read(
        self, update: Update, context: BotContext, dialogue: Dialogue, shift: Shift, actor: Actor, text: str
    ) -> None:
        today = context.runtime.clock.now().astimezone(ZoneInfo(shift.timezone)).date()
        try:
            day = posting.read_shift_date(text, today, context.t.locale)
        except posting.Ambiguous as exc:  # a button per reading, kept in the question: only those can be pressed
            dialogue.data["meant"] = [views.day_code(d) for d in exc.days]
            await dialogues.save(context, dialogue)
            await _say(update, context, *views.copy_meant_question(context.t, shift, exc.typed, list(exc.days)))
            return
        except Invalid as exc:
            await _problem(update, context, shift, exc)
            return
        await _duplicate_to(update, context, actor, shift, day)


async def duplicate(update: Update, context: BotContext, actor: Actor, shift: Shift, button: Duplicate) -> None:
    if await _open(update, context, COPY, "day", shift):
        days = shift_admin.duplicate_days(shift, context.runtime.clock.now(), DUPLICATE_DAYS)
        await show(update, *views.duplicate_question(context.t, shift, days))


async def duplicate_to(update: Update, context: BotContext, actor: Actor, shift: Shift, button: DuplicateTo) -> None:
    now = context.runtime.clock.now()
    try:
        day = datetime.strptime(str(button.day), "%Y%m%d").date()
    except ValueError:
        day = None
    if day is None or day not in shift_admin.duplicate_days(shift, now, DUPLICATE_DAYS):
        await update.callback_query.answer(stale(context.t), show_alert=True)
        return
    await _duplicate_to(update, context, actor, shift, day)


async def copy_meant(update: Update, context: BotContext, actor: Actor, shift: Shift, button: CopyMeant) -> None:
    """One of the readings offered for an ambiguous day of a copy; any other is stale."""
    draft = await dialogues.current(context)
    offered = (
        draft.data.get("meant", [])
        if draft is not None and draft.kind == COPY and draft.data.get("shift") == shift.id
        else []
    )
    try:
        day = datetime.strptime(f"{button.day:08d}", "%Y%m%d").date()
    except ValueError:
        day = None
    if day is None or button.day not in offered:
        await update.callback_query.answer(stale(context.t), show_alert=True)
        return
    await _duplicate_to(update, context, actor, shift, day)


async def _duplicate_to(update: Update, context: BotContext, actor: Actor, shift: Shift, day: date) -> None:
    t, runtime = context.t, context.runtime
    query = update.callback_query
    try:
        created = await shift_admin.duplicate_shift(
            runtime.database, actor=actor, shift_id=shift.id, day=day, now=runtime.now_ts()
        )
    except Invalid as exc:
        if query:
            await query.answer(explain(t, exc, html=False)[:200], show_alert=True)
        else:
            await _problem(update, context, shift, exc)
        return
    except NotManageable:
        await dialogues.end(context, COPY)
        if query:
            await query.answer(stale(t), show_alert=True)
        return
    await dialogues.end(context, COPY)
    if query:
        await query.answer()
    await show(update, *views.panel(t, created, runtime.clock.now(), views.copied_note(t)))


# --- messaging everyone on it -------------------------------------------------------------------------------------


class MessageFlow(_ShiftQuestion):
    """The message, typed; then its preview waits for Send (a new text typed replaces it)."""

    kind = MESSAGE
    name = N_("messaging a shift's volunteers")

    async def ask(self, update: Update, context: BotContext, dialogue: Dialogue, shift: Shift) -> None:
        if dialogue.step in ("preview", "versions", "version"):
            await _say(update, context, *await _message_screen(context, shift, dialogue))
        else:
            await _say(update, context, *views.message_question(context.t, shift))

    async def read(
        self, update: Update, context: BotContext, dialogue: Dialogue, shift: Shift, actor: Actor, text: str
    ) -> None:
        """Keeps the message (or its version in a language) and shows the preview, with how many will get it."""
        try:
            message = shift_admin.read_message(text)
        except Invalid as exc:
            await _problem(update, context, shift, exc)
            return
        if dialogue.step == "version" and dialogue.data.get("locale"):
            dialogue.data.setdefault("texts", {})[str(dialogue.data.pop("locale"))] = message
        else:
            dialogue.data.update(text=message)
        dialogue.step = "preview"
        dialogue.data.update(waitlist=bool(dialogue.data.get("waitlist", False)))
        await dialogues.save(context, dialogue)
        await _say(update, context, *await _preview(context, shift, dialogue))


async def _preview(context: BotContext, shift: Shift, draft: Dialogue) -> tuple[str, InlineKeyboardMarkup]:
    confirmed, waiting = await shift_admin.audience_counts(context.runtime.database, shift.id)
    return views.message_preview(
        context.t, shift, str(draft.data.get("text", "")), bool(draft.data.get("waitlist")), confirmed, waiting,
        texts=list(draft.data.get("texts") or {}),
    )


async def _message_screen(context: BotContext, shift: Shift, draft: Dialogue) -> tuple[str, InlineKeyboardMarkup]:
    """The screen of the message's step past the text: its preview, or writing it in another language."""
    texts: dict[str, str] = draft.data.get("texts") or {}
    locale = draft.data.get("locale")
    if draft.step == "version" and isinstance(locale, str):
        return views.message_version_prompt(context.t, shift, locale, texts.get(locale))
    if draft.step == "versions":
        runtime = context.runtime
        counts = await shift_admin.message_locales(
            runtime.database, shift.id, bool(draft.data.get("waitlist")), runtime.settings.locale
        )
        return views.message_versions(context.t, shift, counts, texts)
    return await _preview(context, shift, draft)


async def ask_message(update: Update, context: BotContext, actor: Actor, shift: Shift, button: AskMessage) -> None:
    if await _open(update, context, MESSAGE, "text", shift):
        await show(update, *views.message_question(context.t, shift))


async def _message_draft(context: BotContext, shift: Shift) -> Dialogue | None:
    draft = await dialogues.current(context)
    if draft is None or draft.kind != MESSAGE or draft.step != "preview" or draft.data.get("shift") != shift.id:
        return None
    return draft


async def _versions_draft(context: BotContext, shift: Shift) -> Dialogue | None:
    """The message dialogue past its text (preview, or a version being chosen or typed), for this shift."""
    draft = await dialogues.current(context)
    if draft is None or draft.kind != MESSAGE or draft.data.get("shift") != shift.id or not draft.data.get("text"):
        return None
    return draft if draft.step in ("preview", "versions", "version") else None


async def _message_step(update: Update, context: BotContext, shift: Shift, draft: Dialogue, step: str) -> None:
    draft.step = step
    if step != "version":
        draft.data.pop("locale", None)
    await dialogues.save(context, draft)
    await update.callback_query.answer()
    await show(update, *await _message_screen(context, shift, draft))


async def message_versions(
    update: Update, context: BotContext, actor: Actor, shift: Shift, button: MessageVersions
) -> None:
    draft = await _versions_draft(context, shift)
    if draft is None:
        await update.callback_query.answer(stale(context.t), show_alert=True)
        return
    await _message_step(update, context, shift, draft, "versions")


async def message_version(
    update: Update, context: BotContext, actor: Actor, shift: Shift, button: MessageVersion
) -> None:
    draft = await _versions_draft(context, shift)
    if draft is None:
        await update.callback_query.answer(stale(context.t), show_alert=True)
        return
    try:
        draft.data["locale"] = shift_texts.read_locale(button.locale)
    except Invalid as exc:  # a forged code
        await update.callback_query.answer(explain(context.t, exc, html=False)[:200], show_alert=True)
        return
    await _message_step(update, context, shift, draft, "version")


async def remove_message_version(
    update: Update, context: BotContext, actor: Actor, shift: Shift, button: RemoveMessageVersion
) -> None:
    draft = await _versions_draft(context, shift)
    if draft is None:
        await update.callback_query.answer(stale(context.t), show_alert=True)
        return
    (draft.data.get("texts") or {}).pop(str(draft.data.get("locale")), None)
    await _message_step(update, context, shift, draft, "preview")


async def message_preview(
    update: Update, context: BotContext, actor: Actor, shift: Shift, button: MessagePreview
) -> None:
    draft = await _versions_draft(context, shift)
    if draft is None:
        await update.callback_query.answer(stale(context.t), show_alert=True)
        return
    await _message_step(update, context, shift, draft, "preview")


async def _sent_already(context: BotContext, shift: Shift) -> bool:
    done = await dialogues.done(context, MESSAGE)
    return done is not None and done.data.get("shift") == shift.id


async def toggle_waitlist(update: Update, context: BotContext, actor: Actor, shift: Shift, button: Waitlist) -> None:
    draft = await _message_draft(context, shift)
    if draft is None:
        await update.callback_query.answer(stale(context.t), show_alert=True)
        return
    draft.data["waitlist"] = not draft.data.get("waitlist")
    await dialogues.save(context, draft)
    await update.callback_query.answer()
    await show(update, *await _preview(context, shift, draft))


async def send_message(update: Update, context: BotContext, actor: Actor, shift: Shift, button: SendMessage) -> None:
    """Queues the message the dialogue holds; the first press claims it, a second says it went already."""
    t, runtime = context.t, context.runtime
    query = update.callback_query
    draft = await _message_draft(context, shift)
    if draft is None:
        sent = await _sent_already(context, shift)
        await query.answer(views.already_sent(t) if sent else stale(t), show_alert=True)
        return
    try:
        count = await shift_admin.message_shift(
            runtime.database, actor=actor, shift_id=shift.id, text=str(draft.data.get("text", "")),
            include_waitlist=bool(draft.data.get("waitlist")), now=runtime.now_ts(),
            claim=dialogues.claim(context, draft), texts=draft.data.get("texts") or {},
        )
    except AlreadyDone:
        await query.answer(views.already_sent(t), show_alert=True)
        return
    except NotManageable:
        await dialogues.end(context, MESSAGE)
        await query.answer(closed(t), show_alert=True)
        return
    await query.answer()
    poke_dispatcher(context)
    await show(update, *views.panel(t, shift, runtime.clock.now(), views.message_sent_note(t, count)))


# Each button, its action, whether it needs the shift still open, and whether it acts on the open question.
BUTTONS: tuple[tuple[type[ShiftButton], Action, bool, bool], ...] = (
    (Open, show_panel, False, False),
    (EditMenu, edit_menu, True, False),
    (AskField, ask_field, True, False),
    (MeantWhen, set_meant_when, True, True),
    (KindMenu, kind_menu, True, False),
    (SetKind, set_kind, True, False),
    (Languages, toggle_language, True, False),
    (SaveLanguages, save_languages, True, False),
    (DeadlineMenu, deadline_menu, True, False),
    (SetDeadline, set_deadline, True, False),
    (CutCapacity, cut_capacity, True, False),
    (CampaignMenu, campaign_menu, True, False),
    (SetCampaign, set_campaign, True, False),
    (NoDescription, clear_description, True, False),
    (AskReason, ask_reason, True, False),
    (ConfirmCancel, confirm_cancel, True, True),
    (Duplicate, duplicate, False, False),
    (DuplicateTo, duplicate_to, False, False),
    (CopyMeant, copy_meant, False, True),
    (AskMessage, ask_message, True, False),
    (Waitlist, toggle_waitlist, True, True),
    (SendMessage, send_message, True, True),
    (MessageVersions, message_versions, True, True),
    (MessageVersion, message_version, True, True),
    (RemoveMessageVersion, remove_message_version, True, True),
    (MessagePreview, message_preview, True, True),
    (Roster, show_roster, False, False),
    (Translations, translations, True, False),
    (Translate, translate, True, False),
    (SkipTranslation, skip_translation, True, True),
    (RemoveTranslation, remove_translation, True, True),
)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("manage", manage_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(Page.handler(listing_page))
    for button, action, needs_open, keeps in BUTTONS:
        app.add_handler(button.handler(_on_shift(action, needs_open=needs_open, keeps=keeps)))
    for flow in (FieldFlow(), CancelFlow(), CopyFlow(), MessageFlow(), TranslationFlow()):
        dialogues.register_flow(flow)
