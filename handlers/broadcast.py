"""/broadcast: one message to an organization's volunteers and followers, filtered by the languages they
speak and region. Everyone who signed up for one of its shifts or follows it is reached, unless they
stopped its messages (the button under every broadcast, or /settings); the count says who is who.

Organization (when they coordinate several) → filters, with the number of recipients as they change →
the message, typed → a preview with the count → send. The outbox carries it (the dispatcher paces it
and marks who blocked the bot); one progress message is edited in place ("312 / 1,240 sent"), then
becomes the tally: the dispatcher does that, from what the database says it shows, so it finishes after a
restart too. People who turned messages off get none. One broadcast per organization at a time:
another is refused, saying how far the first has got.

The draft (organization, filters, text) is a dialogue of the engine (handlers/kit/dialogues.py), kept in
SQLite: a restart in the middle of writing loses nothing, starting another dialogue asks first, /cancel
drops it. Send claims the draft inside the transaction that queues the broadcast (bot/services/once.py),
so a second press sends nothing and says it went already. Buttons are codec classes under `bc`.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, CommandHandler, filters

from bot.i18n import N_
from bot.runtime import Runtime
from bot.services import broadcasts, profile, shift_texts, versions
from bot.services.authz import Actor
from bot.services.broadcasts import Audience, Busy
from bot.services.once import AlreadyDone
from bot.services.posting import Invalid
from bot.services.profile import InvalidChoice
from bot.store import broadcasts as broadcast_store
from bot.store import orgs as org_store
from bot.store.broadcasts import ProgressMessage, Reach
from bot.store.dialogues import Dialogue
from bot.store.orgs import Org
from bot.vocab import OUTREACH_LANGUAGES
from handlers.broadcast_views import (
    AddVersion,
    Cancel,
    Draft,
    Filters,
    PickOrg,
    PickVersion,
    Region,
    RemoveVersion,
    Send,
    ShowPreview,
    StopOrgMessages,
    Tick,
    Write,
    already_sent,
    back_row,
    broadcast_body,
    busy_text,
    cancelled_text,
    filters_view,
    org_picker,
    preview,
    progress_text,
    stale,
    stop_markup,
    stopped_text,
    tally_text,
    version_prompt,
    versions_view,
    write_prompt,
)
from handlers.kit import dialogues
from handlers.kit.context import RUNTIME_KEY, BotContext
from handlers.kit.guards import require_coordinator, require_registered
from handlers.kit.replies import edit_or_keep, show
from handlers.notices import Notice, Rendering, Skip, poke_dispatcher, renderer
from handlers.shift_views import explain

log = logging.getLogger(__name__)

# The dialogue: step 'org', 'filters', 'text', 'preview' (then DONE), or from the preview 'versions' (which
# language to write it in too) and 'version' (typing it); data: a Draft.
KIND = "bc"
PROGRESS_LOCK = "broadcast_progress_lock"


def _audience(draft: Draft, org: Org) -> Audience:
    return Audience(
        org.id, broadcasts.sorted_languages(draft.languages), org.state if draft.regional and org.state else None
    )


async def _count(context: BotContext, draft: Draft, org: Org) -> Reach:
    return await broadcasts.count(context.runtime.database, _audience(draft, org), context.person.id)


async def _filters_view(context: BotContext, draft: Draft, org: Org) -> tuple[str, InlineKeyboardMarkup]:
    return filters_view(context.t, draft, org, await _count(context, draft, org))


async def _preview(context: BotContext, draft: Draft, org: Org) -> tuple[str, InlineKeyboardMarkup]:
    return preview(context.t, draft, org, await _count(context, draft, org))


async def _versions(context: BotContext, draft: Draft, org: Org) -> tuple[str, InlineKeyboardMarkup]:
    runtime = context.runtime
    counts = await broadcasts.reader_locales(
        runtime.database, _audience(draft, org), context.person.id, runtime.settings.locale
    )
    return versions_view(context.t, draft, counts)


# --- the dialogue -----------------------------------------------------------------------------------------------


async def _orgs(context: BotContext, actor: Actor) -> list[Org]:
    db = context.runtime.database
    if actor.is_network_admin:
        return await org_store.list_active(db)
    found = [await org_store.get_active(db, role.org_id) for role in actor.roles]
    return [o for o in found if o is not None]


async def _say(update: Update, context: BotContext, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """A new message: the answer to a typed message, or a screen shown again after a button."""
    if update.callback_query is None:
        await update.effective_message.reply_text(text, reply_markup=markup)
    else:
        await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)


async def _checked(update: Update, context: BotContext, dialogue: Dialogue) -> tuple[Draft, Org, Actor] | None:
    """The draft, its organization still active, and the person still its coordinator; else the draft is
    dropped (and they are told why)."""
    t = context.t
    draft = Draft.of(dialogue)
    org = await org_store.get_active(context.runtime.database, draft.org_id) if draft else None
    if draft is None or org is None:
        await dialogues.end(context, KIND)
        if update.callback_query is not None:
            await update.callback_query.answer(stale(t), show_alert=True)
        else:
            await dialogues.reply(update, stale(t))
        return None
    actor = await require_coordinator(update, context, org.id)
    if actor is None:
        await dialogues.end(context, KIND)
        return None
    return draft, org, actor


async def _screen(
    update: Update, context: BotContext, dialogue: Dialogue
) -> tuple[str, InlineKeyboardMarkup] | None:
    """The screen of the step the dialogue is at (None, after saying why, when it can't go on)."""
    if dialogue.step == "org":
        actor = await require_coordinator(update, context)
        if actor is None:
            await dialogues.end(context, KIND)
            return None
        return org_picker(context.t, await _orgs(context, actor))
    checked = await _checked(update, context, dialogue)
    if checked is None:
        return None
    draft, org, _actor = checked
    if dialogue.step == "preview" and draft.text:
        return await _preview(context, draft, org)
    if dialogue.step == "versions" and draft.text:
        return await _versions(context, draft, org)
    if dialogue.step == "version" and draft.text and draft.version:
        return version_prompt(context.t, draft)
    if dialogue.step == "text":
        return write_prompt(context.t)
    return await _filters_view(context, draft, org)


class BroadcastFlow(dialogues.Flow):
    """The broadcast being written: typed text is its message once it asks for one; anything else
    shows the current step again."""

    kind = KIND
    name = N_("writing a broadcast")
    buttons = ("bc",)

    async def on_message(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        text = update.effective_message.text
        if dialogue.step in ("text", "preview") and text is not None:
            await _text_typed(update, context, dialogue, text)
        elif dialogue.step == "version" and text is not None:
            await _version_typed(update, context, dialogue, text)
        else:
            await self.resume(update, context, dialogue)

    async def resume(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        screen = await _screen(update, context, dialogue)
        if screen is not None:
            await _say(update, context, *screen)

    async def on_cancel(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        await dialogues.reply(update, cancelled_text(context.t), remove_keyboard=True)


async def _text_typed(update: Update, context: BotContext, dialogue: Dialogue, text: str) -> None:
    """Keeps the message and shows the preview with the number of recipients."""
    checked = await _checked(update, context, dialogue)
    if checked is None:
        return
    draft, org, _actor = checked
    t = context.t
    try:
        draft.text = broadcasts.read_text(text)
    except Invalid as exc:
        markup = InlineKeyboardMarkup([back_row(t)])
        await update.effective_message.reply_text("⚠️ " + explain(t, exc), reply_markup=markup)
        return
    dialogue.step, dialogue.data = "preview", draft.data()
    await dialogues.save(context, dialogue)
    await show(update, *await _preview(context, draft, org))


async def _version_typed(update: Update, context: BotContext, dialogue: Dialogue, text: str) -> None:
    """Keeps the version in the language being written and shows the preview again."""
    checked = await _checked(update, context, dialogue)
    if checked is None:
        return
    draft, org, _actor = checked
    t = context.t
    if draft.version is None or not draft.text:
        await dialogues.reply(update, stale(t))
        return
    try:
        draft.texts[draft.version] = broadcasts.read_text(text)
    except Invalid as exc:
        markup = InlineKeyboardMarkup([back_row(t)])
        await update.effective_message.reply_text("⚠️ " + explain(t, exc), reply_markup=markup)
        return
    draft.version = None
    dialogue.step, dialogue.data = "preview", draft.data()
    await dialogues.save(context, dialogue)
    await show(update, *await _preview(context, draft, org))


async def _start_for(update: Update, context: BotContext, org: Org) -> None:
    """Opens the filters for one organization, unless its last broadcast is still going out."""
    query = update.callback_query
    busy = await broadcasts.still_sending(context.runtime.database, org.id)
    if busy is not None:
        await dialogues.end(context, KIND)
        if query is not None:
            await query.answer()
        await show(update, busy_text(context.t, busy), None)
        return
    draft = Draft(org.id)
    dialogue = await dialogues.begin(update, context, KIND, "filters", draft.data())
    if dialogue is None:
        return  # asked first whether to leave another dialogue
    if query is not None:
        await query.answer()
    await show(update, *await _filters_view(context, draft, org))


async def broadcast_command(update: Update, context: BotContext) -> None:
    """Starts a broadcast: the organization first when they coordinate several."""
    actor = await require_coordinator(update, context)
    if actor is None:
        return
    t = context.t
    orgs = await _orgs(context, actor)
    if not orgs:
        await update.effective_message.reply_text(t._("There are no organizations to broadcast for yet."))
        return
    if len(orgs) == 1:
        await _start_for(update, context, orgs[0])
        return
    if await dialogues.begin(update, context, KIND, "org") is None:
        return
    await update.effective_message.reply_text(*org_picker(t, orgs))


async def pick_org(update: Update, context: BotContext, button: PickOrg) -> None:
    org = await org_store.get_active(context.runtime.database, button.org)
    if org is None:
        await update.callback_query.answer(stale(context.t), show_alert=True)
        return
    if await require_coordinator(update, context, org.id) is None:
        return  # another organization's id, forged: refused and told
    await _start_for(update, context, org)


async def cancel(update: Update, context: BotContext, button: Cancel) -> None:
    await dialogues.end(context, KIND)
    await update.callback_query.answer()
    await show(update, cancelled_text(context.t), None)


async def _draft(update: Update, context: BotContext) -> tuple[Dialogue, Draft, Org, Actor] | None:
    """For a button on the draft: the open broadcast dialogue with its organization, checked again."""
    dialogue = await dialogues.current(context)
    if dialogue is None or dialogue.kind != KIND or dialogue.step == "org":
        await update.callback_query.answer(stale(context.t), show_alert=True)
        return None
    checked = await _checked(update, context, dialogue)
    return None if checked is None else (dialogue, *checked)


async def _show_filters(update: Update, context: BotContext, dialogue: Dialogue, draft: Draft, org: Org) -> None:
    dialogue.step, dialogue.data = "filters", draft.data()
    await dialogues.save(context, dialogue)
    await update.callback_query.answer()
    await show(update, *await _filters_view(context, draft, org))


async def tick(update: Update, context: BotContext, button: Tick) -> None:
    found = await _draft(update, context)
    if found is None:
        return
    dialogue, draft, org, _actor = found
    if button.language not in OUTREACH_LANGUAGES:
        await update.callback_query.answer(stale(context.t), show_alert=True)
        return
    if button.language in draft.languages:
        draft.languages.remove(button.language)
    else:
        draft.languages.append(button.language)
    await _show_filters(update, context, dialogue, draft, org)


async def region(update: Update, context: BotContext, button: Region) -> None:
    found = await _draft(update, context)
    if found is None:
        return
    dialogue, draft, org, _actor = found
    if not org.state:
        await update.callback_query.answer(stale(context.t), show_alert=True)
        return
    draft.regional = not draft.regional
    await _show_filters(update, context, dialogue, draft, org)


async def back_to_filters(update: Update, context: BotContext, button: Filters) -> None:
    found = await _draft(update, context)
    if found is not None:
        dialogue, draft, org, _actor = found
        await _show_filters(update, context, dialogue, draft, org)


async def write(update: Update, context: BotContext, button: Write) -> None:
    found = await _draft(update, context)
    if found is None:
        return
    dialogue = found[0]
    dialogue.step = "text"
    await dialogues.save(context, dialogue)
    await update.callback_query.answer()
    await show(update, *write_prompt(context.t))


async def _from_preview(update: Update, context: BotContext) -> tuple[Dialogue, Draft, Org] | None:
    """For the buttons about versions: the draft, which has its original message by now."""
    found = await _draft(update, context)
    if found is None:
        return None
    dialogue, draft, org, _actor = found
    if not draft.text or dialogue.step not in ("preview", "versions", "version"):
        await update.callback_query.answer(stale(context.t), show_alert=True)
        return None
    return dialogue, draft, org


async def _show_step(update: Update, context: BotContext, dialogue: Dialogue, draft: Draft, step: str) -> None:
    dialogue.step, dialogue.data = step, draft.data()
    await dialogues.save(context, dialogue)
    screen = await _screen(update, context, dialogue)
    if screen is not None:
        await update.callback_query.answer()
        await show(update, *screen)


async def add_version(update: Update, context: BotContext, button: AddVersion) -> None:
    found = await _from_preview(update, context)
    if found is not None:
        dialogue, draft, _org = found
        draft.version = None
        await _show_step(update, context, dialogue, draft, "versions")


async def pick_version(update: Update, context: BotContext, button: PickVersion) -> None:
    found = await _from_preview(update, context)
    if found is None:
        return
    dialogue, draft, _org = found
    try:
        draft.version = shift_texts.read_locale(button.locale)
    except Invalid as exc:  # a forged code
        await update.callback_query.answer(explain(context.t, exc, html=False)[:200], show_alert=True)
        return
    await _show_step(update, context, dialogue, draft, "version")


async def remove_version(update: Update, context: BotContext, button: RemoveVersion) -> None:
    found = await _from_preview(update, context)
    if found is not None:
        dialogue, draft, _org = found
        if draft.version is not None:
            draft.texts.pop(draft.version, None)
        draft.version = None
        await _show_step(update, context, dialogue, draft, "preview")


async def show_preview(update: Update, context: BotContext, button: ShowPreview) -> None:
    found = await _from_preview(update, context)
    if found is not None:
        dialogue, draft, _org = found
        draft.version = None
        await _show_step(update, context, dialogue, draft, "preview")


async def send(update: Update, context: BotContext, button: Send) -> None:
    """Queues the broadcast the dialogue holds; the first press claims it, a second says it went already."""
    query = update.callback_query
    t = context.t
    dialogue = await dialogues.current(context)
    if (dialogue is None or dialogue.kind != KIND) and await dialogues.done(context, KIND) is not None:
        await query.answer(already_sent(t), show_alert=True)
        return
    found = await _draft(update, context)
    if found is None:
        return
    dialogue, draft, org, actor = found
    if dialogue.step != "preview" or not draft.text:
        await query.answer(stale(t), show_alert=True)
        return
    await _send(update, context, actor, dialogue, draft, org)


async def _send(update: Update, context: BotContext, actor: Actor, dialogue: Dialogue, draft: Draft, org: Org) -> None:
    """Queues the broadcast and makes the preview its progress message (kept up to date by the dispatcher)."""
    query = update.callback_query
    t, runtime = context.t, context.runtime
    assert draft.text is not None and query.message is not None
    try:
        result = await broadcasts.send(
            runtime.database,
            _audience(draft, org),
            sender=actor,
            text=draft.text,
            now=runtime.now_ts(),
            progress=ProgressMessage(query.message.chat.id, query.message.message_id),
            claim=dialogues.claim(context, dialogue),
            texts=draft.texts,
        )
    except AlreadyDone:
        await query.answer(already_sent(t), show_alert=True)
        return
    if isinstance(result, Busy):
        await query.answer(busy_text(t, result)[:200], show_alert=True)
        await show(update, busy_text(t, result), query.message.reply_markup)
        return
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
    if not await broadcasts.reaches(db, broadcast.org_id, r.person.id):
        raise Skip("stopped the organization's messages, or no longer follows it or is on its shifts")
    org = await org_store.get(db, broadcast.org_id)
    assert org is not None
    text = versions.version_for(r.t.locale, broadcast.text, broadcast.texts)  # theirs, or the original
    return Notice(broadcast_body(org, text), stop_markup(r.t, org))


async def stop_org_messages(update: Update, context: BotContext, button: StopOrgMessages) -> None:
    """No more broadcasts from the organization: the button goes, and they are told where to undo it."""
    query = update.callback_query
    if not await require_registered(update, context):
        return
    runtime, t = context.runtime, context.t
    try:
        org = await profile.set_org_messages(runtime.database, context.person.id, button.org, False, runtime.now_ts())
    except InvalidChoice:
        await query.answer(t._("This organization is no longer active."), show_alert=True)
        await edit_or_keep(query, None, None)
        return
    await query.answer(stopped_text(t, org), show_alert=True)
    await edit_or_keep(query, None, None)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("broadcast", broadcast_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(PickOrg.handler(pick_org))
    app.add_handler(Tick.handler(tick))
    app.add_handler(Region.handler(region))
    app.add_handler(Filters.handler(back_to_filters))
    app.add_handler(Write.handler(write))
    app.add_handler(Send.handler(send))
    app.add_handler(Cancel.handler(cancel))
    app.add_handler(AddVersion.handler(add_version))
    app.add_handler(PickVersion.handler(pick_version))
    app.add_handler(RemoveVersion.handler(remove_version))
    app.add_handler(ShowPreview.handler(show_preview))
    app.add_handler(StopOrgMessages.handler(stop_org_messages))
    dialogues.register_flow(BroadcastFlow())
