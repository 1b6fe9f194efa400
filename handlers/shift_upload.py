"""Many shifts at once from a CSV file: the template, the check, then Publish or Cancel.

A coordinator sends a .csv document when no dialogue is open (taken unasked from the engine's router), or at
/newshift's first question. It is read and checked at once; problems come back as (row, column, problem) — as a
message, plus a file when there are many — and nothing is created. A clean file gets a summary to confirm; its
shifts wait in a dialogue of the engine (kind `upload`, in SQLite, never in callback data) and are all created
in one transaction when they press Publish. Volunteers who send a file are told, kindly, that files aren't
used here. The screens are handlers/shift_upload_views.py.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict
from typing import Any

from telegram import InputFile, Update
from telegram.ext import Application, filters

from bot.i18n import N_
from bot.services import campaigns, posting, shift_csv
from bot.services.once import AlreadyDone
from bot.services.posting import Invalid
from bot.store.dialogues import Dialogue
from bot.store.shifts import NewShift
from handlers import shift_upload_views as views
from handlers.kit import dialogues
from handlers.kit.context import BotContext
from handlers.kit.guards import current_actor, postable_orgs, require_coordinator
from handlers.kit.replies import drop_buttons, edit_or_keep
from handlers.shift_upload_views import Batch, DropBatch, PublishBatch
from handlers.shift_views import explain

FLOW = "upload"  # the dialogue's kind; step "confirm", data {"id", "file", "shifts", "message_id"}
CSV_TYPES = ("text/csv", "text/plain", "application/csv", "application/vnd.ms-excel", "text/comma-separated-values")
GONE = N_("This upload is no longer waiting. Send the file again.")


def _data(batch: Batch) -> dict[str, Any]:
    return {"id": batch.id, "file": batch.file_name, "shifts": [asdict(s) for s in batch.shifts]}


def _batch(dialogue: Dialogue | None) -> Batch | None:
    """The upload waiting in this dialogue, if it is one."""
    if dialogue is None or dialogue.kind != FLOW:
        return None
    data = dialogue.data
    shifts = [
        NewShift(**{
            **s, "languages": tuple(s.get("languages") or ()),
            "texts": tuple((str(loc), str(name), str(text)) for loc, name, text in s.get("texts") or ()),
        })
        for s in data.get("shifts") or []
    ]
    return Batch(str(data.get("id") or ""), str(data.get("file") or ""), shifts) if shifts else None


async def template_button(update: Update, context: BotContext, button: views.Template) -> None:
    """Sends the template file, with the coordinator's organization and next week's dates filled in."""
    query = update.callback_query
    actor = await require_coordinator(update, context)
    if actor is None:
        return
    await query.answer()
    orgs = await postable_orgs(context, actor)
    data = shift_csv.template(orgs, context.runtime.clock.now())
    await context.bot.send_document(
        query.message.chat.id,
        InputFile(data, filename="shifts-template.csv", attach=True),
        caption=views.template_caption(context.t),
    )


async def on_document(update: Update, context: BotContext) -> None:
    """Reads a coordinator's CSV of shifts and answers with the problems or a summary to confirm."""
    message = update.effective_message
    t = context.t
    actor = await current_actor(context)
    if not actor.is_coordinator:
        await message.reply_text(t._("Sorry, I can't use files here. Send /help to see what I can do."))
        return
    document = message.document
    name = document.file_name or "shifts.csv"
    if not (name.lower().endswith((".csv", ".txt")) or (document.mime_type or "") in CSV_TYPES):
        await message.reply_text(
            t._(
                "Please send the shifts as a .csv file (in Excel: File → Save As → “CSV UTF-8”). "
                "/newshift has a template."
            )
        )
        return
    too_big = shift_csv.size_problem(document.file_size or 0)
    if too_big is not None:  # refused by its size, before downloading anything
        await message.reply_text(views.nothing_created(t, too_big))
        return
    orgs = await postable_orgs(context, actor)
    file = await document.get_file()
    data = bytes(await file.download_as_bytearray())
    upload = shift_csv.parse(
        data, orgs=orgs, now=context.runtime.clock.now(), created_by=context.person.id, locale=t.locale,
        campaigns=await campaigns.visible(context.runtime.database, actor),
    )
    if not upload.ok:
        await dialogues.end(context, FLOW)  # an upload waiting from before is replaced by this (bad) file
        text, problems = views.report(t, name, upload.problems, upload.truncated)
        await message.reply_text(text)
        if problems is not None:
            await message.reply_document(
                InputFile(problems, filename="problems.csv", attach=True), caption=views.report_caption(t, name)
            )
        return
    batch = Batch(secrets.token_hex(3), name, upload.shifts)
    # Nothing else is open here (the router or /newshift's first question brought the file), or an upload
    # waits and this file replaces it.
    dialogue = await dialogues.begin(update, context, FLOW, "confirm", _data(batch))
    if dialogue is None:
        return
    await _send_summary(update, context, dialogue, batch)


async def _send_summary(
    update: Update, context: BotContext, dialogue: Dialogue, batch: Batch, note: str | None = None
) -> None:
    orgs = await postable_orgs(context, await current_actor(context))
    text, markup = views.summary(context.t, batch, {o.id: o for o in orgs}, note)
    sent = await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)
    old = dialogue.data.get("message_id")
    dialogue.data["message_id"] = sent.message_id  # its buttons go when the upload ends some other way
    await dialogues.save(context, dialogue)
    if isinstance(old, int) and old != sent.message_id:
        await drop_buttons(context.bot, update.effective_chat.id, old)


async def confirm(update: Update, context: BotContext, button: PublishBatch | DropBatch) -> None:
    """Publishes the waiting shifts, all in one transaction, or drops them."""
    query = update.callback_query
    t, runtime = context.t, context.runtime
    dialogue = await dialogues.current(context)
    batch = _batch(dialogue)
    if dialogue is None or batch is None or batch.id != button.batch:
        await query.answer(t._(GONE), show_alert=True)
        return
    if isinstance(button, DropBatch):
        if not await dialogues.end(context, FLOW):  # a press a moment ago took it
            await query.answer(t._(GONE), show_alert=True)
            return
        await query.answer()
        await edit_or_keep(query, t._("Cancelled. Nothing was posted."), None)
        return
    actor = await current_actor(context)
    if not all(actor.can_coordinate(org_id) for org_id in {s.org_id for s in batch.shifts}):
        await dialogues.end(context, FLOW)  # a role lost since the upload: it won't come back for this file
        await query.answer(t._("Sorry, only the organization's coordinators can do that."), show_alert=True)
        return
    try:
        # The upload's dialogue is claimed in the publishing transaction: a second press finds it done.
        published = await posting.publish(
            runtime.database, batch.shifts, actor=actor, now=runtime.now_ts(),
            claim=dialogues.claim(context, dialogue),
        )
    except AlreadyDone:
        await query.answer(t._(GONE), show_alert=True)
        return
    except Invalid as exc:
        await dialogues.end(context, FLOW)  # the file must be fixed and sent again
        await query.answer()
        await edit_or_keep(
            query, "⚠️ " + explain(t, exc) + "\n\n" + t._("Nothing was posted. Fix the file and send it again."), None
        )
        return
    await query.answer()
    await edit_or_keep(query, views.published(t, len(published.shift_ids), batch.file_name), None)


class UploadFlow(dialogues.Flow):
    """A checked file waiting for Publish: another file replaces it; anything else is asked to tap."""

    kind = FLOW
    name = N_("publishing shifts from a file")
    buttons = ("up",)

    async def on_message(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        if update.effective_message.document is not None:
            await on_document(update, context)
            return
        await self._ask_again(update, context, dialogue, context.t._("Please tap one of the buttons."))

    async def resume(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        await self._ask_again(update, context, dialogue, None)

    async def _ask_again(self, update: Update, context: BotContext, dialogue: Dialogue, note: str | None) -> None:
        batch = _batch(dialogue)
        if batch is None:  # nothing readable waits: nothing to ask
            await dialogues.end(context, FLOW)
            await dialogues.reply(update, context.t._(GONE))
            return
        await _send_summary(update, context, dialogue, batch, note)

    async def on_cancel(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        await dialogues.reply(update, context.t._("Cancelled. Nothing was posted."))
        message_id = dialogue.data.get("message_id")
        await drop_buttons(context.bot, update.effective_chat.id, message_id if isinstance(message_id, int) else None)


async def _unasked(update: Update, context: BotContext) -> bool:
    await on_document(update, context)
    return True


def register(app: Application) -> None:
    app.add_handler(views.Template.handler(template_button))
    app.add_handler(PublishBatch.handler(confirm))
    app.add_handler(DropBatch.handler(confirm))
    dialogues.register_flow(UploadFlow())
    dialogues.take_unasked(filters.Document.ALL, _unasked)
