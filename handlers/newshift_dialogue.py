"""/newshift: a coordinator posts a shift, or a series, in a short guided dialogue.

Organization (only when they coordinate several) → title → kind → date → start → length → place (typed
address; a shared location, then a place name; or online, then a link) → capacity → languages → description
→ signup deadline → repeat (weekdays, every 1–4 weeks, how many weeks) → preview (the very card volunteers
see, and every date of a series) → publish.
Back and Cancel buttons and /cancel work at every step; what can't be read is asked for again with the reason.
Who may post is checked on every update, and again right before publishing.

The draft is a dialogue of the engine (handlers/kit/dialogues.py): its row holds the step and the draft, so
a restart loses nothing, and typed answers, locations and files reach it through `NewShiftFlow.on_message`.
The screens are handlers/newshift_views.py; the CSV upload it offers is handlers/shift_upload.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, CommandHandler, filters

from bot.clock import to_ts
from bot.i18n import N_
from bot.services import campaigns as campaign_service
from bot.services import posting, shift_texts
from bot.services.authz import Actor
from bot.services.once import AlreadyDone
from bot.services.posting import Ambiguous, Draft, Invalid
from bot.services.typed_dates import check_shift_day
from bot.store import orgs as org_store
from bot.store.dialogues import Dialogue
from bot.store.orgs import Org
from bot.vocab import KIND_BY_CODE, OUTREACH_LANGUAGES
from handlers import newshift_views as views
from handlers import shift_upload
from handlers import shift_upload_views as upload_views
from handlers.kit import dialogues
from handlers.kit.callbacks import Button
from handlers.kit.context import BotContext
from handlers.kit.guards import current_actor, postable_orgs, require_coordinator
from handlers.kit.replies import drop_buttons, edit_or_keep, edit_or_keep_message
from handlers.newshift_views import (
    CAMPAIGN,
    CAPACITY,
    DATE,
    DATE_BUTTONS,
    DEADLINE,
    DEADLINES,
    DESCRIPTION,
    EDIT,
    EDITABLE,
    KIND,
    LANGUAGES,
    LENGTH,
    LENGTHS,
    LINK,
    ORG,
    PLACE,
    PLACE_NAME,
    PREVIEW,
    REPEAT,
    TIME,
    TITLE,
    TR_DESCRIPTION,
    TR_FIELDS,
    TR_PLACE,
    TR_TITLE,
    TRANSLATE,
)
from handlers.shift_views import explain

FLOW = "newshift"  # the dialogue's kind
ORDER = (
    ORG, TITLE, KIND, CAMPAIGN, DATE, TIME, LENGTH, PLACE, CAPACITY, LANGUAGES, DESCRIPTION, DEADLINE, REPEAT, PREVIEW,
)
# Where a rule broken at the preview sends the coordinator back to.
STEP_OF_FIELD = {
    "title": TITLE, "kind": KIND, "day": DATE, "date": DATE, "start": TIME, "minutes": LENGTH,
    "length_hours": LENGTH, "place": PLACE, "capacity": CAPACITY, "signup_deadline": DEADLINE, "weeks": REPEAT,
}
STALE = N_("This button no longer works. Please send /start.")
ENDED = N_("This dialogue has ended. Send /newshift to post a shift.")


@dataclass
class Progress:
    """Where one coordinator is in the dialogue, and what they have said: the dialogue row, unpacked."""

    step: str
    draft: Draft
    several_orgs: bool
    editing: bool = False  # after an answer, go back to the preview instead of on
    question_id: int | None = None  # the message whose buttons belong to the current question
    org_page: int = 0
    tr_locale: str | None = None  # the language of the translation being typed (steps TR_*)
    meant: list[str] = field(default_factory=list)  # ISO dates a typed date can be, asked at the date step
    typed: str = ""  # what was typed for them

    @classmethod
    def of(cls, dialogue: Dialogue) -> Progress:
        data = dialogue.data
        question_id = data.get("question_id")
        return cls(
            step=dialogue.step,
            draft=Draft.from_data(data.get("draft") or {}),
            several_orgs=bool(data.get("several_orgs")),
            editing=bool(data.get("editing")),
            question_id=question_id if isinstance(question_id, int) else None,
            org_page=int(data.get("org_page") or 0),
            tr_locale=str(data["tr_locale"]) if data.get("tr_locale") else None,
            meant=[str(d) for d in data.get("meant") or []],
            typed=str(data.get("typed") or ""),
        )

    def data(self) -> dict[str, Any]:
        return {
            "draft": self.draft.as_data(), "several_orgs": self.several_orgs, "editing": self.editing,
            "question_id": self.question_id, "org_page": self.org_page, "tr_locale": self.tr_locale,
            "meant": self.meant, "typed": self.typed,
        }

    def meant_days(self) -> list[date]:
        return [date.fromisoformat(d) for d in self.meant]


# --- moving through the steps ---------------------------------------------------------------------------


def _previous(p: Progress) -> str | None:
    step = p.step
    if step in (PLACE_NAME, LINK):
        return PLACE
    if step in TR_FIELDS:
        return TRANSLATE
    if step == TRANSLATE:
        return PREVIEW
    if step == EDIT or (p.editing and step != PREVIEW):
        return PREVIEW
    index = ORDER.index(step)
    earlier = ORDER[index - 1] if index > 0 else None
    if earlier == ORG and not p.several_orgs:
        return None
    return earlier


def _after(p: Progress, step: str) -> str:
    """The step that follows a good answer to `step`."""
    if p.editing:
        return PREVIEW
    return ORDER[ORDER.index(step) + 1]


async def _org(context: BotContext, p: Progress) -> Org | None:
    return await org_store.get(context.runtime.database, p.draft.org_id) if p.draft.org_id else None


async def _campaigns(context: BotContext, org: Org | None) -> list[tuple[int, str]]:
    """The organization's campaigns a shift can be put in, as (id, name)."""
    if org is None:
        return []
    actor = await current_actor(context)
    if not actor.can_coordinate(org.id):
        return []
    return [(c.id, c.name) for c in await campaign_service.for_org(context.runtime.database, actor, org.id)]


async def _show(update: Update, context: BotContext, p: Progress, problem: str | None = None) -> None:
    """Asks the current step's question: in place of the pressed message, or as a new message after a typed
    answer (taking the buttons off the previous question, so old buttons can't be pressed); then stores
    the dialogue, so the next answer finds it even after a restart."""
    t, now = context.t, context.runtime.clock.now()
    org = await _org(context, p)
    campaigns = await _campaigns(context, org) if p.step in (CAMPAIGN, EDIT, PREVIEW) else []
    if p.step == CAMPAIGN and not campaigns:  # an organization without campaigns is never asked
        p.step = _after(p, CAMPAIGN)
    back = _previous(p) is not None
    if p.step == PREVIEW:
        assert org is not None
        try:
            shifts = posting.build(p.draft, org, now, context.person.id)
        except Invalid as exc:  # something went stale (the day passed) or is missing: ask for it again
            p.step, p.editing = STEP_OF_FIELD.get(exc.field or "", TITLE), True
            await _show(update, context, p, explain(t, exc))
            return
        name = dict(campaigns).get(p.draft.campaign_id or 0)
        text, rows = views.preview_screen(t, shifts, org, back=back, campaign=name)
    else:
        orgs = await postable_orgs(context, await current_actor(context)) if p.step == ORG else []
        text, rows = views.question(
            t, p.step, p.draft, org, now, back=back, editing=p.editing, several_orgs=p.several_orgs,
            orgs=orgs, org_page=p.org_page, tr_locale=p.tr_locale, meant=p.meant_days(), typed=p.typed,
            campaigns=campaigns,
        )
    if problem:
        text = f"⚠️ {problem}\n\n{text}"
    markup = InlineKeyboardMarkup(rows)
    query = update.callback_query
    if query is not None and query.message is not None and query.message.message_id == p.question_id:
        await edit_or_keep_message(query.message, text, markup)
        await dialogues.save(context, _dialogue(p))
        return
    chat_id = update.effective_chat.id
    sent = await context.bot.send_message(chat_id, text, reply_markup=markup)
    previous, p.question_id = p.question_id, sent.message_id
    await dialogues.save(context, _dialogue(p))
    await drop_buttons(context.bot, chat_id, previous)


def _dialogue(p: Progress) -> Dialogue:
    return Dialogue(kind=FLOW, step=p.step, data=p.data())


async def _guard(update: Update, context: BotContext, p: Progress) -> Actor | None:
    """Still allowed to post for this organization? If not, the dialogue ends here."""
    actor = await require_coordinator(update, context, p.draft.org_id)
    if actor is None:
        await dialogues.end(context, FLOW)
    return actor


# --- entry and typed answers ------------------------------------------------------------------------------


async def newshift_command(update: Update, context: BotContext) -> None:
    """Starts the dialogue (again, if one was open) at the organization or the title."""
    actor = await require_coordinator(update, context)
    if actor is None:
        return
    choices = await postable_orgs(context, actor)
    if not choices:
        await update.effective_message.reply_text(context.t._("There are no organizations to post for yet."))
        return
    several = len(choices) > 1
    p = Progress(ORG if several else TITLE, Draft(org_id=None if several else choices[0].id), several_orgs=several)
    open_ = await dialogues.current(context)
    if open_ is not None and open_.kind == FLOW:
        p.question_id = Progress.of(open_).question_id  # the old draft's buttons go when the new one is asked
    if await dialogues.begin(update, context, FLOW, p.step, p.data()) is None:
        return  # asked first whether to leave another dialogue; "leave it" resumes this one
    await _show(update, context, p)


TextReader = Callable[[BotContext, Progress, Org | None, str], Awaitable[None]]


async def _read_title(context: BotContext, p: Progress, org: Org | None, text: str) -> None:
    p.draft.title = posting.read_text(text, "title")
    p.step = _after(p, TITLE)


async def _read_date(context: BotContext, p: Progress, org: Org | None, text: str) -> None:
    assert org is not None
    today = context.runtime.clock.now().astimezone(ZoneInfo(org.timezone)).date()
    _set_day(p, posting.read_shift_date(text, today, context.t.locale))


def _set_day(p: Progress, day: date) -> None:
    p.draft.day = day
    # A new day may make the chosen time pass; the time step (or the preview) checks it again.
    p.step = TIME if not p.editing else PREVIEW


def _check_time(context: BotContext, p: Progress, org: Org | None, start: time) -> None:
    assert org is not None and p.draft.day is not None
    moment = posting.local_moment(p.draft.day, start, ZoneInfo(org.timezone))
    posting.check_start(moment, context.runtime.clock.now())
    p.draft.start = start
    p.step = _after(p, TIME)


async def _read_time(context: BotContext, p: Progress, org: Org | None, text: str) -> None:
    _check_time(context, p, org, posting.read_time(text, context.t.locale))


async def _read_length(context: BotContext, p: Progress, org: Org | None, text: str) -> None:
    p.draft.minutes = posting.read_length(text)
    p.step = _after(p, LENGTH)


async def _read_address(context: BotContext, p: Progress, org: Org | None, text: str) -> None:
    p.draft.set_in_person(address=posting.read_text(text, "address"))
    p.step = _after(p, PLACE)


async def _read_place_name(context: BotContext, p: Progress, org: Org | None, text: str) -> None:
    p.draft.place_name = posting.read_text(text, "place_name")
    p.step = _after(p, PLACE)


async def _read_link(context: BotContext, p: Progress, org: Org | None, text: str) -> None:
    p.draft.set_online(posting.read_url(text))
    p.step = _after(p, PLACE)


async def _read_capacity(context: BotContext, p: Progress, org: Org | None, text: str) -> None:
    p.draft.capacity = posting.read_capacity(text)
    p.step = _after(p, CAPACITY)


async def _read_description(context: BotContext, p: Progress, org: Org | None, text: str) -> None:
    p.draft.description = posting.read_text(text, "description")
    p.step = _after(p, DESCRIPTION)


def _set_deadline(context: BotContext, p: Progress, org: Org | None, before: int | None) -> None:
    """Signups close `before` minutes before each start; checked against the first start and now."""
    assert org is not None and p.draft.day is not None and p.draft.start is not None
    start = posting.local_moment(p.draft.day, p.draft.start, ZoneInfo(org.timezone))
    deadline = posting.deadline_for(start, before)
    if deadline is not None:
        posting.check_deadline(deadline, start, context.runtime.clock.now())
    p.draft.deadline_before = before
    p.step = _after(p, DEADLINE)


async def _read_deadline(context: BotContext, p: Progress, org: Org | None, text: str) -> None:
    assert org is not None and p.draft.day is not None and p.draft.start is not None
    tz = ZoneInfo(org.timezone)
    day, clock = posting.read_datetime(text, context.runtime.clock.now().astimezone(tz).date(), context.t.locale)
    deadline = posting.local_moment(day, clock, tz)
    start = posting.local_moment(p.draft.day, p.draft.start, tz)
    posting.check_deadline(deadline, start, context.runtime.clock.now())
    _set_deadline(context, p, org, (to_ts(start) - to_ts(deadline)) // 60)


def _next_translation_step(p: Progress, step: str) -> None:
    """After a translated field (typed or skipped): the next one the shift has an original of, else the
    language question again (to add another, or be done)."""
    later = list(TR_FIELDS)[list(TR_FIELDS).index(step) + 1 :]
    for candidate in later:
        if candidate == TR_DESCRIPTION and p.draft.description:
            p.step = candidate
            return
        if candidate == TR_PLACE and p.draft.place_name and p.draft.online_url is None:
            p.step = candidate
            return
    p.step, p.tr_locale = TRANSLATE, None


async def _read_translation(context: BotContext, p: Progress, org: Org | None, text: str) -> None:
    if p.tr_locale is None:
        p.step = TRANSLATE
        return
    name = TR_FIELDS[p.step]
    p.draft.texts.setdefault(p.tr_locale, {})[name] = shift_texts.read_translation(text, name)
    _next_translation_step(p, p.step)


async def _read_weeks(context: BotContext, p: Progress, org: Org | None, text: str) -> None:
    p.draft.weeks = posting.read_weeks(text)
    p.step = PREVIEW


TEXT_READERS: dict[str, TextReader] = {
    TITLE: _read_title, DATE: _read_date, TIME: _read_time, LENGTH: _read_length, PLACE: _read_address,
    PLACE_NAME: _read_place_name, LINK: _read_link, CAPACITY: _read_capacity, DESCRIPTION: _read_description,
    DEADLINE: _read_deadline, REPEAT: _read_weeks,
    TR_TITLE: _read_translation, TR_DESCRIPTION: _read_translation, TR_PLACE: _read_translation,
}


async def _on_text(update: Update, context: BotContext, p: Progress, text: str) -> None:
    """Takes a typed answer for the current step, or asks again saying what was wrong."""
    reader = TEXT_READERS.get(p.step)
    if reader is None:
        await _show(update, context, p, context.t._("Please tap one of the buttons."))
        return
    p.meant, p.typed = [], ""
    try:
        await reader(context, p, await _org(context, p), text)
    except Ambiguous as exc:
        if p.step == DATE:  # asked with a button per date it can be, never read silently one way
            p.meant, p.typed = [d.isoformat() for d in exc.days], exc.typed
            await _show(update, context, p)
        else:
            await _show(update, context, p, explain(context.t, exc))
        return
    except Invalid as exc:
        await _show(update, context, p, explain(context.t, exc))
        return
    await _show(update, context, p)


async def _on_location(update: Update, context: BotContext, p: Progress) -> None:
    """A shared location is the place; a name for it comes next."""
    if p.step not in (PLACE, PLACE_NAME):
        await _show(update, context, p, context.t._("I don't need a location right now."))
        return
    location = update.effective_message.location
    p.draft.set_in_person(latitude=location.latitude, longitude=location.longitude)
    p.step = PLACE_NAME
    await _show(update, context, p)


class NewShiftFlow(dialogues.Flow):
    """The /newshift draft: typed answers, a shared location for the place, a CSV file at the first question."""

    kind = FLOW
    name = N_("posting a shift")
    buttons = ("ns", "up")

    async def on_message(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        p = Progress.of(dialogue)
        if await _guard(update, context, p) is None:
            return
        message = update.effective_message
        if message.location is not None:
            await _on_location(update, context, p)
        elif message.text is not None:
            await _on_text(update, context, p, message.text)
        elif message.document is not None and p.step in (ORG, TITLE) and not p.editing:
            # The first question offers "Upload a CSV": a file sent there is that upload, instead of the draft.
            await dialogues.end(context, FLOW)
            await drop_buttons(context.bot, update.effective_chat.id, p.question_id)
            await shift_upload.on_document(update, context)
        else:  # a photo, sticker, voice note or file where a typed answer or a tap is wanted
            t = context.t
            again = (
                t._("I can't use that here. Please type your answer, or tap a button.")
                if p.step in TEXT_READERS
                else t._("Please tap one of the buttons.")
            )
            await _show(update, context, p, again)

    async def resume(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        await _show(update, context, Progress.of(dialogue))

    async def on_cancel(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        """/cancel: the draft is gone; nothing was posted."""
        await dialogues.reply(update, context.t._("Cancelled. Nothing was posted."))
        await drop_buttons(context.bot, update.effective_chat.id, Progress.of(dialogue).question_id)


# --- buttons ------------------------------------------------------------------------------------------------

ButtonAction = Callable[[Update, BotContext, Progress, Any], Awaitable[str | None]]


async def _pick_org(update: Update, context: BotContext, p: Progress, button: views.PickOrg) -> str | None:
    # Forged data for an organization they don't coordinate: refused here (require_coordinator answers).
    if await require_coordinator(update, context, button.org) is None:
        return ""
    org = await org_store.get(context.runtime.database, button.org)
    if org is None or org.status != "active":
        return context.t._(STALE)
    if p.draft.org_id != org.id:
        p.draft.campaign_id = None  # campaigns are the organization's own
    p.draft.org_id = org.id  # what was said so far stays; the preview is rendered on this org's clock
    p.step = _after(p, ORG)
    return None


async def _org_page(update: Update, context: BotContext, p: Progress, button: views.OrgPage) -> str | None:
    p.org_page = max(0, min(button.page, 1000))
    return None


async def _pick_kind(update: Update, context: BotContext, p: Progress, button: views.PickKind) -> str | None:
    kind = KIND_BY_CODE.get(button.code)
    if kind is None:
        return context.t._(STALE)
    p.draft.kind = kind
    p.step = _after(p, KIND)
    return None


async def _pick_campaign(
    update: Update, context: BotContext, p: Progress, button: views.PickCampaign
) -> str | None:
    """One of the organization's campaigns, or none (0); another organization's (forged) is refused."""
    if button.campaign and button.campaign not in dict(await _campaigns(context, await _org(context, p))):
        return context.t._(STALE)
    p.draft.campaign_id = button.campaign or None
    p.step = _after(p, CAMPAIGN)
    return None


async def _pick_date(update: Update, context: BotContext, p: Progress, button: views.PickDate) -> str | None:
    org = await _org(context, p)
    assert org is not None
    try:
        day = datetime.strptime(button.day, "%Y%m%d").date()
    except ValueError:
        return context.t._(STALE)
    today = context.runtime.clock.now().astimezone(ZoneInfo(org.timezone)).date()
    if not today <= day < today + timedelta(days=DATE_BUTTONS):
        return context.t._("That date has already passed.")
    _set_day(p, day)
    return None


async def _pick_meant(update: Update, context: BotContext, p: Progress, button: views.MeantDate) -> str | None:
    """One of the dates offered for an ambiguous typed one (a forged other date is stale)."""
    org = await _org(context, p)
    assert org is not None
    day = next((d for d in p.meant_days() if f"{d:%Y%m%d}" == button.day), None)
    if day is None:
        return context.t._(STALE)
    today = context.runtime.clock.now().astimezone(ZoneInfo(org.timezone)).date()
    _set_day(p, check_shift_day(day, today))
    return None


async def _pick_time(update: Update, context: BotContext, p: Progress, button: views.PickTime) -> str | None:
    try:
        start = datetime.strptime(button.start, "%H%M").time()
    except ValueError:
        return context.t._(STALE)
    _check_time(context, p, await _org(context, p), start)
    return None


async def _pick_length(update: Update, context: BotContext, p: Progress, button: views.PickLength) -> str | None:
    if button.minutes not in LENGTHS:
        return context.t._(STALE)
    p.draft.minutes = button.minutes
    p.step = _after(p, LENGTH)
    return None


async def _pick_online(update: Update, context: BotContext, p: Progress, button: views.Online) -> str | None:
    p.step = LINK
    return None


async def _pick_capacity(update: Update, context: BotContext, p: Progress, button: views.PickCapacity) -> str | None:
    p.draft.capacity = posting.read_capacity(str(button.count))
    p.step = _after(p, CAPACITY)
    return None


async def _toggle_language(
    update: Update, context: BotContext, p: Progress, button: views.ToggleLanguage
) -> str | None:
    if button.code not in OUTREACH_LANGUAGES:
        return context.t._(STALE)
    chosen = p.draft.languages
    if button.code in chosen:
        chosen.remove(button.code)
    else:
        chosen.append(button.code)
    return None


async def _languages_done(
    update: Update, context: BotContext, p: Progress, button: views.LanguagesDone
) -> str | None:
    p.step = _after(p, LANGUAGES)
    return None


async def _no_description(
    update: Update, context: BotContext, p: Progress, button: views.NoDescription
) -> str | None:
    p.draft.description = ""
    p.step = _after(p, DESCRIPTION)
    return None


async def _pick_deadline(update: Update, context: BotContext, p: Progress, button: views.PickDeadline) -> str | None:
    if button.minutes not in DEADLINES:
        return context.t._(STALE)
    _set_deadline(context, p, await _org(context, p), button.minutes or None)
    return None


async def _pick_repeat(update: Update, context: BotContext, p: Progress, button: views.PickRepeat) -> str | None:
    p.draft.weeks = posting.read_weeks(str(button.weeks))
    if p.draft.weeks == 1:  # "Just once": one shift, whatever was ticked
        p.draft.weekdays, p.draft.every = [], 1
    p.step = PREVIEW
    return None


async def _toggle_weekday(
    update: Update, context: BotContext, p: Progress, button: views.ToggleWeekday
) -> str | None:
    """Ticks or unticks a weekday; unticking the last one leaves the first date's (the question re-shows)."""
    if not 0 <= button.day < 7:
        return context.t._(STALE)
    chosen = set(p.draft.repeat_days())
    chosen ^= {button.day}
    p.draft.weekdays = sorted(chosen)
    return None


async def _pick_every(update: Update, context: BotContext, p: Progress, button: views.PickEvery) -> str | None:
    if button.weeks not in views.EVERY:
        return context.t._(STALE)
    p.draft.every = button.weeks
    return None


async def _add_translation(
    update: Update, context: BotContext, p: Progress, button: views.AddTranslation
) -> str | None:
    p.step = TRANSLATE
    return None


async def _pick_translation(
    update: Update, context: BotContext, p: Progress, button: views.PickTranslation
) -> str | None:
    p.tr_locale = shift_texts.read_locale(button.locale)  # a forged code is refused as Invalid
    p.step = TR_TITLE
    return None


async def _skip_translation(
    update: Update, context: BotContext, p: Progress, button: views.SkipTranslation
) -> str | None:
    _next_translation_step(p, p.step)
    return None


async def _remove_translation(
    update: Update, context: BotContext, p: Progress, button: views.RemoveTranslation
) -> str | None:
    if p.tr_locale is not None:
        p.draft.texts.pop(p.tr_locale, None)
    p.step, p.tr_locale = TRANSLATE, None
    return None


async def _translations_done(
    update: Update, context: BotContext, p: Progress, button: views.TranslationsDone
) -> str | None:
    p.step = PREVIEW
    return None


async def _edit_menu(update: Update, context: BotContext, p: Progress, button: views.EditMenu) -> str | None:
    p.step = EDIT
    return None


async def _edit_field(update: Update, context: BotContext, p: Progress, button: views.EditField) -> str | None:
    if button.step not in EDITABLE or (button.step == ORG and not p.several_orgs):
        return context.t._(STALE)
    p.step, p.editing = button.step, True
    return None


async def _back(update: Update, context: BotContext, p: Progress, button: views.Back) -> str | None:
    earlier = _previous(p)
    if earlier is None:
        return context.t._(STALE)
    if p.step == PREVIEW:
        p.editing = False  # stepping back from the preview walks the steps in order again
    p.step = earlier
    if earlier == CAMPAIGN and not await _campaigns(context, await _org(context, p)):
        p.step = _previous(p) or KIND  # the step that was never asked is stepped over going back too
    return None


# Each button works only at its step (an old message's button is refused); back at every step.
BUTTONS: dict[type[Button], tuple[ButtonAction, tuple[str, ...]]] = {
    views.PickOrg: (_pick_org, (ORG,)),
    views.OrgPage: (_org_page, (ORG,)),
    views.PickKind: (_pick_kind, (KIND,)),
    views.PickCampaign: (_pick_campaign, (CAMPAIGN,)),
    views.PickDate: (_pick_date, (DATE,)),
    views.MeantDate: (_pick_meant, (DATE,)),
    views.PickTime: (_pick_time, (TIME,)),
    views.PickLength: (_pick_length, (LENGTH,)),
    views.Online: (_pick_online, (PLACE,)),
    views.PickCapacity: (_pick_capacity, (CAPACITY,)),
    views.ToggleLanguage: (_toggle_language, (LANGUAGES,)),
    views.LanguagesDone: (_languages_done, (LANGUAGES,)),
    views.NoDescription: (_no_description, (DESCRIPTION,)),
    views.PickDeadline: (_pick_deadline, (DEADLINE,)),
    views.PickRepeat: (_pick_repeat, (REPEAT,)),
    views.ToggleWeekday: (_toggle_weekday, (REPEAT,)),
    views.PickEvery: (_pick_every, (REPEAT,)),
    views.EditMenu: (_edit_menu, (PREVIEW,)),
    views.AddTranslation: (_add_translation, (PREVIEW,)),
    views.PickTranslation: (_pick_translation, (TRANSLATE,)),
    views.SkipTranslation: (_skip_translation, tuple(TR_FIELDS)),
    views.RemoveTranslation: (_remove_translation, (TR_TITLE,)),
    views.TranslationsDone: (_translations_done, (TRANSLATE,)),
    views.EditField: (_edit_field, (EDIT,)),
    views.Back: (_back, ()),
}


async def on_button(update: Update, context: BotContext, button: Button) -> None:
    """Every button of the dialogue: checks who presses it and that it belongs to the current step."""
    query = update.callback_query
    t = context.t
    dialogue = await dialogues.current(context)
    if dialogue is None or dialogue.kind != FLOW:
        await query.answer(t._(ENDED), show_alert=True)
        return
    p = Progress.of(dialogue)
    if await _guard(update, context, p) is None:
        return
    if isinstance(button, views.Cancel):
        await dialogues.end(context, FLOW)
        await query.answer()
        await edit_or_keep_message(query.message, t._("Cancelled. Nothing was posted."), None)
        return
    if isinstance(button, views.Publish) and p.step == PREVIEW:
        await _publish(update, context, dialogue, p)
        return
    action, steps = BUTTONS.get(type(button), (None, ()))
    if action is None or (steps and p.step not in steps) or (
        query.message is not None and query.message.message_id != p.question_id
    ):
        await query.answer(t._(STALE), show_alert=True)
        return
    try:
        alert = await action(update, context, p, button)
    except Invalid as exc:
        alert = explain(t, exc, html=False)
    if alert == "":
        return  # already answered (a refusal)
    await query.answer(alert[:200] if alert else None, show_alert=bool(alert))
    if alert is None:
        p.meant, p.typed = [], ""  # any other answer leaves the question about a typed date
        await _show(update, context, p)


async def _publish(update: Update, context: BotContext, dialogue: Dialogue, p: Progress) -> None:
    """Publishes the shift (or series) in one transaction; the role was checked again just before."""
    query = update.callback_query
    t, runtime = context.t, context.runtime
    org = await _org(context, p)
    if org is None or org.status != "active":
        await dialogues.end(context, FLOW)
        await query.answer(t._(STALE), show_alert=True)
        return
    try:
        shifts = posting.build(p.draft, org, runtime.clock.now(), context.person.id)
    except Invalid as exc:
        await query.answer()
        p.step, p.editing = STEP_OF_FIELD.get(exc.field or "", TITLE), True
        await _show(update, context, p, explain(t, exc))
        return
    try:
        # The dialogue is claimed in the publishing transaction: a second press finds it done.
        published = await posting.publish(
            runtime.database, shifts, actor=await current_actor(context), now=runtime.now_ts(),
            rule=p.draft.rule(),
            claim=dialogues.claim(context, dialogue),
        )
    except AlreadyDone:
        await query.answer(t._(ENDED), show_alert=True)
        return
    except Invalid as exc:  # too slow: the start passed meanwhile; the draft is asked for again at that step
        await query.answer()
        p.step, p.editing = STEP_OF_FIELD.get(exc.field or "", TITLE), True
        await _show(update, context, p, explain(t, exc))
        return
    await query.answer()
    name = dict(await _campaigns(context, org)).get(p.draft.campaign_id or 0)
    text = views.published(t, shifts, org, published.shift_ids, context.bot.username, name)
    await edit_or_keep_message(query.message, text, None)


async def how_to_button(update: Update, context: BotContext, button: upload_views.HowTo) -> None:
    """Explains the CSV upload, instead of the step-by-step dialogue (the draft, if one was open, ends)."""
    query = update.callback_query
    if await require_coordinator(update, context) is None:
        return
    await query.answer()
    await dialogues.end(context, FLOW)
    await edit_or_keep(query, *upload_views.how_to(context.t))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("newshift", newshift_command, filters=filters.ChatType.PRIVATE))
    for button in (*BUTTONS, views.Publish, views.Cancel):
        app.add_handler(button.handler(on_button))
    app.add_handler(upload_views.HowTo.handler(how_to_button))
    dialogues.register_flow(NewShiftFlow())
