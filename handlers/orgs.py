"""/neworg: a network admin creates a partner organization in four short steps.

Name → short id (slug, suggested from the name) → state (buttons) → time zone (the state's suggested)
→ confirm. Back works at every step, /cancel any time; bad input is asked for again with an example.
Callback data: `no:s` use the suggested slug, `no:st:<CODE|->` state, `no:z:<i>` zone, `no:ok` create,
`no:b` back, `no:x` cancel. The draft lives in user_data until the organization is created.
"""

from __future__ import annotations

import warnings
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.i18n import Translator
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
from bot.vocab import STATE_ZONES
from handlers.context import BotContext
from handlers.guards import require_registered
from handlers.keyboards import grid
from handlers.shift_views import esc

NAME, SLUG, STATE, ZONE, CONFIRM = range(5)
DRAFT = "neworg"
BACK = "no:b"
CANCEL = "no:x"
USE_SLUG = "no:s"
CREATE = "no:ok"
STATE_PATTERN = r"^no:st:([A-Z]{2}|-)$"
ZONE_PATTERN = r"^no:z:(\d{1,2})$"
# For an organization without one state: the US zones from east to west.
US_ZONES = (
    "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
    "America/Anchorage", "Pacific/Honolulu",
)


def _draft(context: BotContext) -> dict[str, Any]:
    return context.user_data.setdefault(DRAFT, {})


def _nav(t: Translator, *, back: bool = True) -> list[InlineKeyboardButton]:
    row = [InlineKeyboardButton("⬅ " + t._("Back"), callback_data=BACK)] if back else []
    return [*row, InlineKeyboardButton("✖ " + t._("Cancel"), callback_data=CANCEL)]


async def _say(update: Update, text: str, markup: InlineKeyboardMarkup) -> None:
    """Edits the message whose button was pressed, or answers a typed message with a new one."""
    if update.callback_query:
        await update.callback_query.edit_message_text(text, reply_markup=markup)
    else:
        await update.effective_message.reply_text(text, reply_markup=markup)


def _step(t: Translator, number: int) -> str:
    return "🏢 <b>" + t._("New organization") + "</b> · " + t._("step {number} of {total}").format(
        number=t.number(number), total=t.number(4)
    )


async def _ask_name(update: Update, context: BotContext, problem: str | None = None) -> int:
    t = context.t
    lines = [_step(t, 1), ""]
    if problem:
        lines += [problem, ""]
    lines.append(t._("What is the organization's name? For example: <i>KAYA Network</i>"))
    await _say(update, "\n".join(lines), InlineKeyboardMarkup([_nav(t, back=False)]))
    return NAME


async def _ask_slug(update: Update, context: BotContext, problem: str | None = None) -> int:
    t, draft = context.t, _draft(context)
    suggestion = suggest_slug(draft["name"])
    if suggestion and not await slug_available(context.runtime.database, suggestion):
        suggestion = None
    draft["suggestion"] = suggestion
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
        rows.append([InlineKeyboardButton(t._("Use {slug}").format(slug=suggestion), callback_data=USE_SLUG)])
        lines.append(t._("Type one, or use the suggestion."))
    else:
        lines.append(t._("Type one."))
    rows.append(_nav(t))
    await _say(update, "\n".join(lines), InlineKeyboardMarkup(rows))
    return SLUG


async def _ask_state(update: Update, context: BotContext) -> int:
    t = context.t
    buttons = [InlineKeyboardButton(code, callback_data=f"no:st:{code}") for code in sorted(STATE_ZONES)]
    rows = grid(buttons, 6)
    rows.append([InlineKeyboardButton("🌐 " + t._("Not one state"), callback_data="no:st:-")])
    rows.append(_nav(t))
    text = "\n".join([_step(t, 3), "", t._("Which state or territory is it in?")])
    await _say(update, text, InlineKeyboardMarkup(rows))
    return STATE


async def _ask_zone(update: Update, context: BotContext, problem: str | None = None) -> int:
    t, draft = context.t, _draft(context)
    state = draft.get("state")
    zones = list(STATE_ZONES[state]) if state else list(US_ZONES)
    draft["zones"] = zones
    suggested = default_timezone(state)
    lines = [_step(t, 4), ""]
    if problem:
        lines += [problem, ""]
    lines.append(t._("Which time zone do its shifts use?"))
    if suggested:
        lines.append(t._("Most of {state} uses {zone}.").format(state=state, zone=suggested))
    lines.append(t._("Pick one, or type another, like <code>America/Chicago</code>."))
    buttons = [
        InlineKeyboardButton(("✓ " if zone == suggested else "") + zone, callback_data=f"no:z:{i}")
        for i, zone in enumerate(zones)
    ]
    rows = [*grid(buttons, 2), _nav(t)]
    await _say(update, "\n".join(lines), InlineKeyboardMarkup(rows))
    return ZONE


async def _ask_confirm(update: Update, context: BotContext) -> int:
    t, draft = context.t, _draft(context)
    lines = [
        "🏢 <b>" + t._("Create this organization?") + "</b>",
        "",
        t._("Name: {name}").format(name=esc(draft["name"])),
        t._("Id: {slug}").format(slug=draft["slug"]),
        t._("State: {state}").format(state=draft.get("state") or "—"),
        t._("Time zone: {zone}").format(zone=draft["timezone"]),
    ]
    rows = [[InlineKeyboardButton("✅ " + t._("Create"), callback_data=CREATE)], _nav(t)]
    await _say(update, "\n".join(lines), InlineKeyboardMarkup(rows))
    return CONFIRM


def _is_network_admin(context: BotContext) -> bool:
    return context.runtime.settings.is_admin(context.person.telegram_id)


async def start_neworg(update: Update, context: BotContext) -> int:
    """Starts the dialogue for network admins; tells everyone else no."""
    if not _is_network_admin(context):
        await update.effective_message.reply_text(context.t._("Sorry, only network admins can create organizations."))
        return ConversationHandler.END
    # Set up first: while onboarding, typed answers also reach the onboarding questions.
    if not await require_registered(update, context):
        return ConversationHandler.END
    context.user_data[DRAFT] = {}
    return await _ask_name(update, context)


async def name_typed(update: Update, context: BotContext) -> int:
    """Keeps the name and asks for the short id."""
    t = context.t
    try:
        _draft(context)["name"] = check_name(update.effective_message.text)
    except InvalidOrg:
        return await _ask_name(update, context, "⚠️ " + t._("Please use 1 to 120 characters."))
    return await _ask_slug(update, context)


async def slug_typed(update: Update, context: BotContext) -> int:
    """Keeps the short id if it is well formed and free, and asks for the state."""
    t = context.t
    slug = update.effective_message.text.strip().lower()
    try:
        check_slug(slug)
    except InvalidOrg:
        problem = t._("“{text}” can't be an id: use only a–z and 0–9, 2 to 32 of them, like <code>kaya</code>.")
        return await _ask_slug(update, context, "⚠️ " + problem.format(text=esc(slug[:40])))
    if not await slug_available(context.runtime.database, slug):
        problem = t._("The id <code>{slug}</code> is taken. Please choose another.").format(slug=slug)
        return await _ask_slug(update, context, "⚠️ " + problem)
    _draft(context)["slug"] = slug
    return await _ask_state(update, context)


async def slug_suggested(update: Update, context: BotContext) -> int:
    """Takes the suggested short id."""
    await update.callback_query.answer()
    suggestion = _draft(context).get("suggestion")
    if not suggestion or not await slug_available(context.runtime.database, suggestion):
        return await _ask_slug(update, context)
    _draft(context)["slug"] = suggestion
    return await _ask_state(update, context)


async def state_chosen(update: Update, context: BotContext) -> int:
    """Keeps the state and asks for the time zone."""
    code = context.match.group(1)
    if code != "-" and code not in STATE_ZONES:
        await update.callback_query.answer(context.t._("Please pick one of the buttons."), show_alert=True)
        return STATE
    await update.callback_query.answer()
    _draft(context)["state"] = None if code == "-" else code
    return await _ask_zone(update, context)


async def zone_chosen(update: Update, context: BotContext) -> int:
    """Keeps the zone picked from the buttons and asks to confirm."""
    zones = _draft(context).get("zones") or []
    index = int(context.match.group(1))
    if index >= len(zones):
        await update.callback_query.answer(context.t._("Please pick one of the buttons."), show_alert=True)
        return ZONE
    await update.callback_query.answer()
    _draft(context)["timezone"] = zones[index]
    return await _ask_confirm(update, context)


async def zone_typed(update: Update, context: BotContext) -> int:
    """Keeps a typed IANA zone if it is one, and asks to confirm."""
    text = update.effective_message.text.strip()
    if not is_timezone(text):
        problem = context.t._("“{text}” is not a time zone I know. Type it like <code>America/Chicago</code>.")
        return await _ask_zone(update, context, "⚠️ " + problem.format(text=esc(text[:60])))
    _draft(context)["timezone"] = text
    return await _ask_confirm(update, context)


async def create(update: Update, context: BotContext) -> int:
    """Creates the organization and offers to invite its first admin."""
    query = update.callback_query
    t, runtime, draft = context.t, context.runtime, _draft(context)
    if not _is_network_admin(context):  # the list of admins may have changed since the dialogue began
        await query.answer(t._("Sorry, only network admins can create organizations."), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    try:
        org = await create_org(
            runtime.database, name=draft["name"], slug=draft["slug"], state=draft.get("state"),
            timezone=draft["timezone"], actor_id=context.person.id, now=runtime.now_ts(),
        )
    except InvalidOrg as exc:
        if exc.problem is OrgProblem.SLUG_TAKEN:  # someone took it while this dialogue was open
            problem = t._("The id <code>{slug}</code> is taken. Please choose another.").format(slug=draft["slug"])
            return await _ask_slug(update, context, "⚠️ " + problem)
        raise
    context.user_data.pop(DRAFT, None)
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
        [[InlineKeyboardButton("✉️ " + t._("Invite an org admin"), callback_data=f"iv:r:{org.id}:a")]]
    )
    await query.edit_message_text(text, reply_markup=markup)
    return ConversationHandler.END


async def cancel(update: Update, context: BotContext) -> int:
    """Drops the draft and says nothing was created."""
    context.user_data.pop(DRAFT, None)
    text = context.t._("Cancelled. No organization was created.")
    if update.callback_query:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text(text)
    else:
        await update.effective_message.reply_text(text)
    return ConversationHandler.END


def _back_to(step: Any) -> Any:
    async def back(update: Update, context: BotContext) -> int:
        """Goes one step back."""
        await update.callback_query.answer()
        return await step(update, context)

    return back


def register(app: Application) -> None:
    private = filters.ChatType.PRIVATE
    text = filters.TEXT & ~filters.COMMAND & private
    with warnings.catch_warnings():
        # per_message=False is what we want (text and buttons in one dialogue); PTB warns about it anyway.
        warnings.filterwarnings("ignore", message=".*per_message.*", category=PTBUserWarning)
        conversation = ConversationHandler(
            entry_points=[CommandHandler("neworg", start_neworg, filters=private)],
            states={
                NAME: [MessageHandler(text, name_typed)],
                SLUG: [
                    MessageHandler(text, slug_typed),
                    CallbackQueryHandler(slug_suggested, pattern=f"^{USE_SLUG}$"),
                    CallbackQueryHandler(_back_to(_ask_name), pattern=f"^{BACK}$"),
                ],
                STATE: [
                    CallbackQueryHandler(state_chosen, pattern=STATE_PATTERN),
                    CallbackQueryHandler(_back_to(_ask_slug), pattern=f"^{BACK}$"),
                ],
                ZONE: [
                    MessageHandler(text, zone_typed),
                    CallbackQueryHandler(zone_chosen, pattern=ZONE_PATTERN),
                    CallbackQueryHandler(_back_to(_ask_state), pattern=f"^{BACK}$"),
                ],
                CONFIRM: [
                    CallbackQueryHandler(create, pattern=f"^{CREATE}$"),
                    CallbackQueryHandler(_back_to(_ask_zone), pattern=f"^{BACK}$"),
                ],
            },
            fallbacks=[
                CommandHandler("cancel", cancel, filters=private),
                CallbackQueryHandler(cancel, pattern=f"^{CANCEL}$"),
            ],
            allow_reentry=True,
            per_message=False,
            # An abandoned dialogue must not keep catching the admin's typing forever.
            conversation_timeout=timedelta(minutes=30),
        )
    app.add_handler(conversation)
