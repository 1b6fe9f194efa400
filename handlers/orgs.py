"""/neworg: a network admin creates a partner organization in four short steps.

Name → short id (slug, suggested from the name) → state (buttons) → time zone (the state's suggested)
→ confirm. Back works at every step, /cancel any time; bad input is asked for again with an example.
The draft is a dialogue of the engine (handlers/kit/dialogues.py), kept in SQLite: a restart loses
nothing, opening another dialogue asks first. Create claims the draft inside the transaction that
creates the organization (bot/services/once.py), so two presses create one. Buttons: codec classes
under `no`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CommandHandler, filters

from bot.i18n import N_, Translator
from bot.services.once import AlreadyDone
from bot.services.orgs_admin import (
    InvalidOrg,
    OrgProblem,
    check_name,
    check_slug,
    create_org,
    default_timezone,
    is_timezone,
    slug_available,
    suggest_slug,
)
from bot.store.dialogues import Dialogue
from bot.vocab import STATE_ZONES
from handlers import staff_consent
from handlers.invites import Role
from handlers.kit import dialogues
from handlers.kit.callbacks import Button
from handlers.kit.context import BotContext
from handlers.kit.guards import current_actor
from handlers.kit.keyboards import grid
from handlers.shift_views import esc

KIND = "neworg"  # the dialogue: step 'name', 'slug', 'state', 'zone', 'confirm' (then DONE)
# For an organization without one state: the US zones from east to west.
US_ZONES = (
    "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
    "America/Anchorage", "Pacific/Honolulu",
)
NO_STATE = "-"


@dataclass(frozen=True)
class UseSlug(Button, prefix="no:s"):
    """Takes the suggested short id."""


@dataclass(frozen=True)
class PickState(Button, prefix="no:st"):
    code: str  # a state's code, or NO_STATE


@dataclass(frozen=True)
class PickZone(Button, prefix="no:z"):
    index: int


@dataclass(frozen=True)
class Create(Button, prefix="no:ok"):
    pass


@dataclass(frozen=True)
class Back(Button, prefix="no:b"):
    pass


@dataclass(frozen=True)
class Cancel(Button, prefix="no:x"):
    pass


def _nav(t: Translator, *, back: bool = True) -> list[InlineKeyboardButton]:
    row = [InlineKeyboardButton("⬅ " + t._("Back"), callback_data=Back().pack())] if back else []
    return [*row, InlineKeyboardButton("✖ " + t._("Cancel"), callback_data=Cancel().pack())]


async def _say(update: Update, text: str, markup: InlineKeyboardMarkup, *, new: bool = False) -> None:
    """Edits the message whose button was pressed, or answers with a new message (typed, or `new`)."""
    if update.callback_query and not new:
        await update.callback_query.edit_message_text(text, reply_markup=markup)
    elif update.callback_query is None:
        await update.effective_message.reply_text(text, reply_markup=markup)
    else:
        await update.get_bot().send_message(update.effective_chat.id, text, reply_markup=markup)


def _step(t: Translator, number: int) -> str:
    return "🏢 <b>" + t._("New organization") + "</b> · " + t._("step {number} of {total}").format(
        number=t.number(number), total=t.number(4)
    )


Ask = Callable[..., Awaitable[None]]


async def _ask_name(
    update: Update, context: BotContext, draft: Dialogue, problem: str | None = None, *, new: bool = False
) -> None:
    t = context.t
    await _keep(context, draft, "name")
    lines = [_step(t, 1), ""]
    if problem:
        lines += [problem, ""]
    lines.append(t._("What is the organization's name? For example: <i>KAYA Network</i>"))
    await _say(update, "\n".join(lines), InlineKeyboardMarkup([_nav(t, back=False)]), new=new)


async def _ask_slug(
    update: Update, context: BotContext, draft: Dialogue, problem: str | None = None, *, new: bool = False
) -> None:
    t, data = context.t, draft.data
    suggestion = suggest_slug(data["name"])
    if suggestion and not await slug_available(context.runtime.database, suggestion):
        suggestion = None
    data["suggestion"] = suggestion
    await _keep(context, draft, "slug")
    lines = [_step(t, 2), ""]
    if problem:
        lines += [problem, ""]
    lines.append(
        t._(
            "Now a short id for its links: 2 to 32 lowercase letters a–z and digits, for example "
            "<code>kaya</code>. Volunteers follow the organization with /start org-<i>id</i>."
        )
    )
    rows = []
    if suggestion:
        rows.append(
            [InlineKeyboardButton(t._("Use {slug}").format(slug=suggestion), callback_data=UseSlug().pack())]
        )
        lines.append(t._("Type one, or use the suggestion."))
    else:
        lines.append(t._("Type one."))
    rows.append(_nav(t))
    await _say(update, "\n".join(lines), InlineKeyboardMarkup(rows), new=new)


async def _ask_state(
    update: Update, context: BotContext, draft: Dialogue, problem: str | None = None, *, new: bool = False
) -> None:
    t = context.t
    await _keep(context, draft, "state")
    buttons = [InlineKeyboardButton(code, callback_data=PickState(code).pack()) for code in sorted(STATE_ZONES)]
    rows = grid(buttons, 6)
    rows.append([InlineKeyboardButton("🌐 " + t._("Not one state"), callback_data=PickState(NO_STATE).pack())])
    rows.append(_nav(t))
    lines = [_step(t, 3), ""]
    if problem:
        lines += [problem, ""]
    lines.append(t._("Which state or territory is it in?"))
    await _say(update, "\n".join(lines), InlineKeyboardMarkup(rows), new=new)


async def _ask_zone(
    update: Update, context: BotContext, draft: Dialogue, problem: str | None = None, *, new: bool = False
) -> None:
    t, data = context.t, draft.data
    state = data.get("state")
    zones = list(STATE_ZONES[state]) if state else list(US_ZONES)
    data["zones"] = zones
    await _keep(context, draft, "zone")
    suggested = default_timezone(state)
    lines = [_step(t, 4), ""]
    if problem:
        lines += [problem, ""]
    lines.append(t._("Which time zone do its shifts use?"))
    if suggested:
        lines.append(t._("Most of {state} uses {zone}.").format(state=state, zone=suggested))
    lines.append(t._("Pick one, or type another, like <code>America/Chicago</code>."))
    buttons = [
        InlineKeyboardButton(("✓ " if zone == suggested else "") + zone, callback_data=PickZone(i).pack())
        for i, zone in enumerate(zones)
    ]
    rows = [*grid(buttons, 2), _nav(t)]
    await _say(update, "\n".join(lines), InlineKeyboardMarkup(rows), new=new)


async def _ask_confirm(
    update: Update, context: BotContext, draft: Dialogue, problem: str | None = None, *, new: bool = False
) -> None:
    t, data = context.t, draft.data
    await _keep(context, draft, "confirm")
    lines = [
        "🏢 <b>" + t._("Create this organization?") + "</b>",
        "",
        t._("Name: {name}").format(name=esc(data["name"])),
        t._("Id: {slug}").format(slug=data["slug"]),
        t._("State: {state}").format(state=data.get("state") or "—"),
        t._("Time zone: {zone}").format(zone=data["timezone"]),
    ]
    if problem:
        lines[:0] = [problem, ""]
    rows = [[InlineKeyboardButton("✅ " + t._("Create"), callback_data=Create().pack())], _nav(t)]
    await _say(update, "\n".join(lines), InlineKeyboardMarkup(rows), new=new)


async def _keep(context: BotContext, draft: Dialogue, step: str) -> None:
    draft.step = step
    await dialogues.save(context, draft)


STEPS: dict[str, Ask] = {
    "name": _ask_name, "slug": _ask_slug, "state": _ask_state, "zone": _ask_zone, "confirm": _ask_confirm,
}
BACK_TO = {"slug": _ask_name, "state": _ask_slug, "zone": _ask_state, "confirm": _ask_zone}


def _is_network_admin(context: BotContext) -> bool:
    return context.runtime.settings.is_admin(context.person.telegram_id)


def _refusal(t: Translator) -> str:
    return t._("Sorry, only network admins can create organizations.")


def _pick(t: Translator) -> str:
    return "⚠️ " + t._("Please pick one of the buttons.")


class NeworgFlow(dialogues.Flow):
    """The organization being described: typed text answers the name, id and zone steps; anything else
    (or text at a step of buttons) shows the step again."""

    kind = KIND
    name = N_("creating an organization")
    buttons = ("no",)

    async def on_message(self, update: Update, context: BotContext, draft: Dialogue) -> None:
        text = update.effective_message.text
        readers = {"name": _name_typed, "slug": _slug_typed, "zone": _zone_typed}
        if text is None or draft.step not in readers:
            await STEPS.get(draft.step, _ask_name)(update, context, draft, _pick(context.t))
            return
        await readers[draft.step](update, context, draft, text)

    async def resume(self, update: Update, context: BotContext, draft: Dialogue) -> None:
        await STEPS.get(draft.step, _ask_name)(update, context, draft, new=True)

    async def on_cancel(self, update: Update, context: BotContext, draft: Dialogue) -> None:
        await dialogues.reply(update, context.t._("Cancelled. No organization was created."), remove_keyboard=True)


async def start_neworg(update: Update, context: BotContext) -> None:
    """Starts the dialogue for network admins; tells everyone else no."""
    if not _is_network_admin(context):
        await update.effective_message.reply_text(_refusal(context.t))
        return
    # Agreed first (the short consent of coordinators and admins; no volunteer questions).
    if await staff_consent.require_ready(update, context) is None:
        return
    draft = await dialogues.begin(update, context, KIND, "name")
    if draft is None:
        return  # asked first whether to leave another dialogue
    await _ask_name(update, context, draft)


async def _name_typed(update: Update, context: BotContext, draft: Dialogue, text: str) -> None:
    """Keeps the name and asks for the short id."""
    try:
        draft.data["name"] = check_name(text)
    except InvalidOrg:
        await _ask_name(update, context, draft, "⚠️ " + context.t._("Please use 1 to 120 characters."))
        return
    await _ask_slug(update, context, draft)


async def _slug_typed(update: Update, context: BotContext, draft: Dialogue, text: str) -> None:
    """Keeps the short id if it is well formed and free, and asks for the state."""
    t = context.t
    slug = text.strip().lower()
    try:
        check_slug(slug)
    except InvalidOrg:
        problem = t._("“{text}” can't be an id: use only a–z and 0–9, 2 to 32 of them, like <code>kaya</code>.")
        await _ask_slug(update, context, draft, "⚠️ " + problem.format(text=esc(slug[:40])))
        return
    if not await slug_available(context.runtime.database, slug):
        problem = t._("The id <code>{slug}</code> is taken. Please choose another.").format(slug=slug)
        await _ask_slug(update, context, draft, "⚠️ " + problem)
        return
    draft.data["slug"] = slug
    await _ask_state(update, context, draft)


async def _zone_typed(update: Update, context: BotContext, draft: Dialogue, text: str) -> None:
    """Keeps a typed IANA zone if it is one, and asks to confirm."""
    text = text.strip()
    if not is_timezone(text):
        problem = context.t._("“{text}” is not a time zone I know. Type it like <code>America/Chicago</code>.")
        await _ask_zone(update, context, draft, "⚠️ " + problem.format(text=esc(text[:60])))
        return
    draft.data["timezone"] = text
    await _ask_confirm(update, context, draft)


def _stale(t: Translator) -> str:
    return t._("This button no longer works. Please send /start.")


async def _draft_at(update: Update, context: BotContext, *steps: str) -> Dialogue | None:
    """For a button: the open /neworg draft, at one of `steps`, of a network admin; else says why not."""
    query = update.callback_query
    if not _is_network_admin(context):  # the list of admins may have changed since the dialogue began
        await query.answer(_refusal(context.t), show_alert=True)
        return None
    draft = await dialogues.current(context)
    if draft is None or draft.kind != KIND or (steps and draft.step not in steps):
        await query.answer(_stale(context.t), show_alert=True)
        return None
    return draft


async def slug_suggested(update: Update, context: BotContext, button: UseSlug) -> None:
    """Takes the suggested short id."""
    draft = await _draft_at(update, context, "slug")
    if draft is None:
        return
    await update.callback_query.answer()
    suggestion = draft.data.get("suggestion")
    if not suggestion or not await slug_available(context.runtime.database, suggestion):
        await _ask_slug(update, context, draft)
        return
    draft.data["slug"] = suggestion
    await _ask_state(update, context, draft)


async def state_chosen(update: Update, context: BotContext, button: PickState) -> None:
    """Keeps the state and asks for the time zone."""
    draft = await _draft_at(update, context, "state")
    if draft is None:
        return
    if button.code != NO_STATE and button.code not in STATE_ZONES:
        await update.callback_query.answer(context.t._("Please pick one of the buttons."), show_alert=True)
        return
    await update.callback_query.answer()
    draft.data["state"] = None if button.code == NO_STATE else button.code
    await _ask_zone(update, context, draft)


async def zone_chosen(update: Update, context: BotContext, button: PickZone) -> None:
    """Keeps the zone picked from the buttons and asks to confirm."""
    draft = await _draft_at(update, context, "zone")
    if draft is None:
        return
    zones = draft.data.get("zones") or []
    if not 0 <= button.index < len(zones):
        await update.callback_query.answer(context.t._("Please pick one of the buttons."), show_alert=True)
        return
    await update.callback_query.answer()
    draft.data["timezone"] = zones[button.index]
    await _ask_confirm(update, context, draft)


async def back(update: Update, context: BotContext, button: Back) -> None:
    """Goes one step back."""
    draft = await _draft_at(update, context, *BACK_TO)
    if draft is None:
        return
    await update.callback_query.answer()
    await BACK_TO[draft.step](update, context, draft)


async def create(update: Update, context: BotContext, button: Create) -> None:
    """Creates the organization and offers to invite its first admin; a second press creates nothing."""
    query = update.callback_query
    t, runtime = context.t, context.runtime
    if await dialogues.done(context, KIND) is not None and _is_network_admin(context):
        await query.answer(t._("This organization is created already."), show_alert=True)
        return
    draft = await _draft_at(update, context, "confirm")
    if draft is None:
        return
    data = draft.data
    try:
        org = await create_org(
            runtime.database, name=data["name"], slug=data["slug"], state=data.get("state"),
            timezone=data["timezone"], actor=await current_actor(context), now=runtime.now_ts(),
            claim=dialogues.claim(context, draft),
        )
    except AlreadyDone:
        await query.answer(t._("This organization is created already."), show_alert=True)
        return
    except InvalidOrg as exc:
        if exc.problem is not OrgProblem.SLUG_TAKEN:
            raise
        await query.answer()  # someone took the id while this dialogue was open
        problem = t._("The id <code>{slug}</code> is taken. Please choose another.").format(slug=data["slug"])
        await _ask_slug(update, context, draft, "⚠️ " + problem)
        return
    await query.answer()
    follow_link = f"https://t.me/{context.bot.username}?start=org-{org.slug}"
    text = "\n".join(
        [
            "✅ " + t._("<b>{name}</b> is created.").format(name=esc(org.name)),
            "",
            t._("Volunteers can follow it with this link:"),
            esc(follow_link),
            "",
            t._("Next, invite its first admin."),
        ]
    )
    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton("✉️ " + t._("Invite an org admin"), callback_data=Role(org.id, "a").pack())]]
    )
    await query.edit_message_text(text, reply_markup=markup)


async def cancel(update: Update, context: BotContext, button: Cancel) -> None:
    """Drops the draft and says nothing was created."""
    query = update.callback_query
    await dialogues.end(context, KIND)
    await query.answer()
    await query.edit_message_text(context.t._("Cancelled. No organization was created."))


def register(app: Application) -> None:
    dialogues.register_flow(NeworgFlow())
    app.add_handler(CommandHandler("neworg", start_neworg, filters=filters.ChatType.PRIVATE))
    app.add_handler(UseSlug.handler(slug_suggested))
    app.add_handler(PickState.handler(state_chosen))
    app.add_handler(PickZone.handler(zone_chosen))
    app.add_handler(Back.handler(back))
    app.add_handler(Create.handler(create))
    app.add_handler(Cancel.handler(cancel))
