"""/broadcast: one message to an organization's followers, filtered by the languages they speak and region.

Organization (when they coordinate several) → filters, with the number of recipients as they change →
the message, typed → a preview with the count → send. The outbox carries it (the dispatcher paces it
and marks who blocked the bot); one progress message is edited in place ("312 / 1,240 sent"), then
becomes the tally: the dispatcher does that, from what the database says it shows, so it finishes after a
restart too. People who turned messages off get none. One broadcast per organization at a time:
another is refused, saying how far the first has got.

Callback data `bc:<action>[:<arg>]`: o:<org> organization, l:<language> tick a language, r the region,
t type the message, s send, b back to the filters, x cancel. The draft lives in user_data[DRAFT].
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.i18n import Translator
from bot.runtime import Runtime
from bot.services import broadcasts
from bot.services.authz import Actor
from bot.services.broadcasts import Audience, Busy
from bot.services.posting import Invalid
from bot.store import broadcasts as broadcast_store
from bot.store import orgs as org_store
from bot.store.broadcasts import ProgressMessage, Tally
from bot.store.orgs import Org
from bot.vocab import OUTREACH_LANGUAGES, outreach_language_name
from handlers import awaiting
from handlers import shift_views as views
from handlers.awaiting import Question
from handlers.context import RUNTIME_KEY, BotContext
from handlers.guards import require_coordinator
from handlers.keyboards import grid
from handlers.newshift import explain
from handlers.notices import Notice, Rendering, Skip, poke_dispatcher, renderer
from handlers.replies import show

log = logging.getLogger(__name__)

PATTERN = r"^bc:([a-z]{1,2})(?::([a-z0-9]{1,12}))?$"
DRAFT = "bc_draft"
ORG_BUTTONS = 30
PROGRESS_LOCK = "broadcast_progress_lock"


@dataclass
class Draft:
    org_id: int
    languages: list[str] = field(default_factory=list)
    regional: bool = False  # only followers in the organization's state
    text: str | None = None


def _stale(t: Translator) -> str:
    return t._("This button no longer works. Please send /start.")


def _audience(draft: Draft, org: Org) -> Audience:
    return Audience(
        org.id, broadcasts.sorted_languages(draft.languages), org.state if draft.regional and org.state else None
    )


def progress_text(t: Translator, tally: Tally) -> str:
    return "📣 " + t._("Sending your broadcast…") + "\n" + t._("{done} / {total} sent").format(
        done=t.number(tally.done), total=t.number(tally.total)
    )


def tally_text(t: Translator, tally: Tally) -> str:
    return "\n".join(
        [
            "📣 <b>" + t._("Your broadcast has gone out.") + "</b>",
            "",
            "✅ " + t._("Sent: {count}").format(count=t.number(tally.sent)),
            "🚫 " + t._("Not reachable (they blocked the bot): {count}").format(count=t.number(tally.unreachable)),
            "⚠️ " + t._("Failed: {count}").format(count=t.number(tally.failed)),
        ]
    )


def busy_text(t: Translator, busy: Busy) -> str:
    return "⏳ " + t._(
        "A broadcast is still going out: {done} / {total}. You can send the next one when it has finished."
    ).format(done=t.number(busy.tally.done), total=t.number(busy.tally.total))


async def _orgs(context: BotContext, actor: Actor) -> list[Org]:
    db = context.runtime.database
    if actor.is_network_admin:
        return await org_store.list_active(db)
    found = [await org_store.get_active(db, role.org_id) for role in actor.roles]
    return [o for o in found if o is not None]


# --- the steps -------------------------------------------------------------------------------------------


async def _filters_view(context: BotContext, draft: Draft, org: Org) -> tuple[str, InlineKeyboardMarkup]:
    t = context.t
    count = await broadcasts.count(context.runtime.database, _audience(draft, org), context.person.id)
    chosen = broadcasts.sorted_languages(draft.languages)
    languages = ", ".join(outreach_language_name(t, c) for c in chosen) if chosen else t._("any")
    region = org.state if draft.regional and org.state else t._("everywhere")
    lines = [
        "📣 <b>" + t._("Broadcast") + "</b> · " + views.esc(org.name),
        "",
        t._("It goes to the organization's followers who have messages turned on."),
        "🗣 " + t._("Languages they speak: {languages}").format(languages=views.esc(languages)),
        "📍 " + t._("Where they live: {region}").format(region=views.esc(region)),
        "",
        "👥 <b>" + t.ngettext("{count} recipient", "{count} recipients", count).format(count=t.number(count)) + "</b>",
        "",
        t._("Tick languages to reach only people who speak one of them."),
    ]
    buttons = [
        InlineKeyboardButton(("✓ " if c in chosen else "") + outreach_language_name(t, c), callback_data=f"bc:l:{c}")
        for c in OUTREACH_LANGUAGES
    ]
    rows = grid(buttons, 3)
    if org.state:
        label = ("✓ " if draft.regional else "") + "📍 " + t._("Only in {state}").format(state=org.state)
        rows.append([InlineKeyboardButton(label, callback_data="bc:r")])
    rows.append([InlineKeyboardButton("✍️ " + t._("Write the message"), callback_data="bc:t")])
    rows.append([InlineKeyboardButton("✖ " + t._("Cancel"), callback_data="bc:x")])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


async def _preview(context: BotContext, draft: Draft, org: Org) -> tuple[str, InlineKeyboardMarkup]:
    t = context.t
    assert draft.text is not None
    count = await broadcasts.count(context.runtime.database, _audience(draft, org), context.person.id)
    lines = [
        "👀 <b>" + t._("Preview") + "</b>",
        "",
        broadcast_body(org, draft.text),
        "",
        "👥 " + t.ngettext("It goes to {count} person.", "It goes to {count} people.", count).format(
            count=t.number(count)
        ),
    ]
    rows = []
    if count:
        label = t.ngettext("Send to {count} person", "Send to {count} people", count).format(count=t.number(count))
        rows.append([InlineKeyboardButton("✅ " + label, callback_data="bc:s")])
    else:
        lines.append(t._("Nobody matches these filters yet."))
    rows.append([InlineKeyboardButton("✏️ " + t._("Change the message"), callback_data="bc:t")])
    rows.append([InlineKeyboardButton("◀ " + t._("Back"), callback_data="bc:b")])
    rows.append([InlineKeyboardButton("✖ " + t._("Cancel"), callback_data="bc:x")])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def broadcast_body(org: Org, text: str) -> str:
    """The broadcast as volunteers read it (it has no words of ours to translate)."""
    return f"📣 <b>{views.esc(org.name)}</b>\n\n{views.esc(text)}"


async def _start_for(update: Update, context: BotContext, org: Org) -> None:
    """Opens the filters for one organization, unless its last broadcast is still going out."""
    busy = await broadcasts.still_sending(context.runtime.database, org.id)
    if busy is not None:
        context.user_data.pop(DRAFT, None)
        await show(update, busy_text(context.t, busy), None)
        return
    draft = Draft(org.id)
    context.user_data[DRAFT] = draft
    await show(update, *await _filters_view(context, draft, org))


async def broadcast_command(update: Update, context: BotContext) -> None:
    """Starts a broadcast: the organization first when they coordinate several."""
    actor = await require_coordinator(update, context)
    if actor is None:
        return
    awaiting.close(context)
    t = context.t
    orgs = await _orgs(context, actor)
    if not orgs:
        await update.effective_message.reply_text(t._("There are no organizations to broadcast for yet."))
        return
    if len(orgs) == 1:
        await _start_for(update, context, orgs[0])
        return
    context.user_data.pop(DRAFT, None)
    rows = [[InlineKeyboardButton(o.name[:60], callback_data=f"bc:o:{o.id}")] for o in orgs[:ORG_BUTTONS]]
    rows.append([InlineKeyboardButton("✖ " + t._("Cancel"), callback_data="bc:x")])
    await update.effective_message.reply_text(
        "📣 " + t._("Which organization's followers is it for?"), reply_markup=InlineKeyboardMarkup(rows)
    )


async def on_button(update: Update, context: BotContext) -> None:
    """Every /broadcast button: checks, every time, that the presser coordinates the organization."""
    query = update.callback_query
    t, db = context.t, context.runtime.database
    awaiting.close(context)  # the button that asks for the text opens the question again
    action, arg = context.match.group(1), context.match.group(2) or ""
    if action == "x":
        context.user_data.pop(DRAFT, None)
        await query.answer()
        await show(update, t._("Cancelled. Nothing was sent."), None)
        return
    if action == "o":
        org = await org_store.get_active(db, int(arg)) if arg.isdigit() else None
        if org is None:
            await query.answer(_stale(t), show_alert=True)
            return
        if await require_coordinator(update, context, org.id) is None:
            return  # another organization's id, forged: refused and told
        await query.answer()
        await _start_for(update, context, org)
        return
    draft = context.user_data.get(DRAFT)
    org = await org_store.get_active(db, draft.org_id) if isinstance(draft, Draft) else None
    if org is None or not isinstance(draft, Draft):
        await query.answer(_stale(t), show_alert=True)
        return
    actor = await require_coordinator(update, context, org.id)
    if actor is None:
        context.user_data.pop(DRAFT, None)
        return
    if action == "l" and arg in OUTREACH_LANGUAGES:
        if arg in draft.languages:
            draft.languages.remove(arg)
        else:
            draft.languages.append(arg)
        await query.answer()
        await show(update, *await _filters_view(context, draft, org))
    elif action == "r" and org.state:
        draft.regional = not draft.regional
        await query.answer()
        await show(update, *await _filters_view(context, draft, org))
    elif action == "b":
        await query.answer()
        await show(update, *await _filters_view(context, draft, org))
    elif action == "t":
        await query.answer()
        awaiting.ask(context, "bc_text")
        text = "✍️ " + t._(
            "Type your message (up to 2,000 characters). Volunteers get it as you write it, "
            "under the organization's name. You'll see a preview first."
        )
        back = InlineKeyboardButton("◀ " + t._("Back"), callback_data="bc:b")
        await show(update, text, InlineKeyboardMarkup([[back]]))
    elif action == "s" and draft.text:
        await _send(update, context, actor, draft, org)
    else:
        await query.answer(_stale(t), show_alert=True)


@awaiting.reader("bc_text")
async def text_typed(update: Update, context: BotContext, question: Question, text: str) -> None:
    """Keeps the message and shows the preview with the number of recipients."""
    t, db = context.t, context.runtime.database
    draft = context.user_data.get(DRAFT)
    org = await org_store.get_active(db, draft.org_id) if isinstance(draft, Draft) else None
    if org is None or not isinstance(draft, Draft):
        awaiting.close(context)
        await update.effective_message.reply_text(_stale(t))
        return
    if await require_coordinator(update, context, org.id) is None:
        awaiting.close(context)
        context.user_data.pop(DRAFT, None)
        return
    try:
        draft.text = broadcasts.read_text(text)
    except Invalid as exc:
        await update.effective_message.reply_text(
            "⚠️ " + explain(t, exc),
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("◀ " + t._("Back"), callback_data="bc:b")]]),
        )
        return
    awaiting.close(context)
    await show(update, *await _preview(context, draft, org))


async def _send(update: Update, context: BotContext, actor: Actor, draft: Draft, org: Org) -> None:
    """Queues the broadcast and makes the preview its progress message (kept up to date by the dispatcher)."""
    query = update.callback_query
    t, runtime = context.t, context.runtime
    assert draft.text is not None and query.message is not None
    result = await broadcasts.send(
        runtime.database,
        _audience(draft, org),
        sender_id=actor.person_id,
        text=draft.text,
        now=runtime.now_ts(),
        progress=ProgressMessage(query.message.chat.id, query.message.message_id),
    )
    if isinstance(result, Busy):
        await query.answer(busy_text(t, result)[:200], show_alert=True)
        await show(update, busy_text(t, result), query.message.reply_markup)
        return
    context.user_data.pop(DRAFT, None)
    await query.answer()
    if not result.recipients:
        await show(update, t._("Nobody matches these filters now, so nothing was sent."), None)
        return
    await refresh_progress(context.application)  # "0 / N sent" at once, in place of the preview
    poke_dispatcher(context)


async def refresh_progress(app: Application) -> None:
    """Brings every unfinished broadcast's progress message up to date, and turns it into the tally
    once nothing is pending. The dispatcher calls this as it records deliveries (and after a restart);
    what a message shows is kept in the database, so no edit ever repeats the text already there."""
    runtime: Runtime = app.bot_data[RUNTIME_KEY]
    lock: asyncio.Lock = app.bot_data.setdefault(PROGRESS_LOCK, asyncio.Lock())
    async with lock:  # the Send button and the dispatcher may both ask at once
        for item in await broadcasts.unfinished(runtime.database, runtime.now_ts()):
            try:
                await _refresh(app, runtime, item)
            except TelegramError:  # network trouble or a 429: the next call tries again
                log.warning("could not update the progress of broadcast %s", item.broadcast.id, exc_info=True)


async def _refresh(app: Application, runtime: Runtime, item: broadcasts.Unfinished) -> None:
    broadcast, tally, db = item.broadcast, item.tally, runtime.database
    t = runtime.translator_for(item.sender)
    final = tally.finished
    text = tally_text(t, tally) if final else progress_text(t, tally)
    if text == broadcast.progress_text:
        if final:
            await broadcasts.progress_shown(db, broadcast.id, text, final=True, now=runtime.now_ts())
        return
    chat_id = broadcast.progress_chat_id
    assert chat_id is not None
    try:
        if broadcast.progress_message_id is not None:
            try:
                await app.bot.edit_message_text(text, chat_id=chat_id, message_id=broadcast.progress_message_id)
            except BadRequest as exc:
                if "not modified" not in exc.message.lower():  # else it shows this already (a crash before we noted it)
                    # Deleted, or can't be edited any more: no more progress, and the tally as a new message.
                    await broadcasts.progress_message_lost(db, broadcast.id)
                    if not final:
                        return
                    await app.bot.send_message(chat_id, text)
        elif final:
            await app.bot.send_message(chat_id, text)
        else:
            return
    except Forbidden:  # the coordinator blocked the bot: it goes on untracked
        await broadcasts.progress_unwatched(db, broadcast.id)
        return
    await broadcasts.progress_shown(db, broadcast.id, text, final=final, now=runtime.now_ts())


@renderer(broadcasts.BROADCAST)
async def render_broadcast(r: Rendering) -> Notice:
    """The coordinator's words under the organization's name; none for people who turned messages off since."""
    if not r.person.messages_enabled:
        raise Skip("messages turned off")
    db = r.runtime.database
    broadcast = await broadcast_store.get(db, int(r.item.payload.get("broadcast_id", 0)))
    if broadcast is None:
        raise Skip("broadcast gone")
    if broadcast.org_id not in await org_store.followed_ids(db, r.person.id):
        raise Skip("no longer follows the organization")
    org = await org_store.get(db, broadcast.org_id)
    assert org is not None
    return Notice(broadcast_body(org, broadcast.text))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("broadcast", broadcast_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(on_button, pattern=PATTERN))
