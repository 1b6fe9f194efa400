"""A bilingual volunteer offers a translation from a shift's card ("🌐 Offer a translation"): the title, then
the description, typed in the language they read the bot in. The organization's coordinators are told
through the outbox and approve or reject it with one tap; the volunteer is told the outcome.

Who may offer, and who may decide, is the service's rule (bot/services/offers.py), checked here on every
press and typed answer too; the screens are in handlers/offer_views.py."""

from __future__ import annotations

from telegram import CallbackQuery, Message, Update
from telegram.ext import Application

from bot.services import offers
from bot.services.offers import AlreadyDecided, CannotOffer
from bot.services.posting import Invalid
from bot.services.shift_texts import NotAllowed, read_translation
from bot.store import offers as offer_store
from bot.store import people, roles
from bot.store import shifts as shift_store
from bot.store.dialogues import Dialogue
from bot.store.shifts import Shift
from handlers import offer_views as views
from handlers.kit import dialogues
from handlers.kit.context import BotContext
from handlers.kit.guards import require_coordinator, require_registered
from handlers.kit.replies import edit_or_keep, show
from handlers.notices import Notice, Rendering, Skip, poke_dispatcher, renderer
from handlers.shift_views import explain

OFFER = "tr.offer"  # step: the field being typed (title, description); data {"shift", "locale", "title"}


def _stale(context: BotContext) -> str:
    return context.t._("This button no longer works. Please send /start.")


async def may_offer(context: BotContext, shift: Shift) -> str | None:
    """The language this reader may offer the shift's translation in (None: not them, not now)."""
    runtime, person = context.runtime, context.person
    if not person.is_registered or person.status != "active":
        return None
    spoken = await people.languages(runtime.database, person.id)
    return offers.offer_locale(shift, context.t.locale, spoken, runtime.clock.now())


class OfferFlow(dialogues.Flow):
    """The volunteer's translation, typed field by field; doing anything else closes it (nothing is kept)."""

    kind = OFFER
    name = views.N_OFFERING
    one_question = True
    buttons = ("ot",)

    async def on_message(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        shift = await _reload(update, context, dialogue)
        if shift is None:
            return
        text = update.effective_message.text
        if text is None:  # a photo, a sticker: the question again
            await self.resume(update, context, dialogue)
            return
        field, t = dialogue.step, context.t
        try:
            typed = read_translation(text, field)
        except Invalid as exc:
            question, markup = views.field_question(t, shift, field, dialogue.data["locale"])
            await update.effective_message.reply_text("⚠️ " + explain(t, exc) + "\n\n" + question, reply_markup=markup)
            return
        if field == "title" and "description" in offers.offer_fields(shift):
            dialogue.step, dialogue.data["title"] = "description", typed
            await dialogues.save(context, dialogue)
            await show(update, *views.field_question(t, shift, "description", dialogue.data["locale"]))
            return
        title = typed if field == "title" else str(dialogue.data.get("title", ""))
        await _submit(update, context, dialogue, shift, title, typed if field == "description" else None)

    async def resume(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        shift = await _reload(update, context, dialogue)
        if shift is not None:
            question, markup = views.field_question(context.t, shift, dialogue.step, dialogue.data["locale"])
            await context.bot.send_message(update.effective_chat.id, question, reply_markup=markup)


async def _reload(update: Update, context: BotContext, dialogue: Dialogue) -> Shift | None:
    """The shift, while this reader may still offer its translation in the dialogue's language."""
    shift = await shift_store.get(context.runtime.database, int(dialogue.data.get("shift", 0)))
    wanted = dialogue.data.get("locale")
    if shift is None or dialogue.step not in offers.OFFER_FIELDS or await may_offer(context, shift) != wanted:
        await dialogues.end(context, OFFER)
        await dialogues.reply(update, views.cannot_offer(context.t))
        return None
    return shift


async def _submit(
    update: Update, context: BotContext, dialogue: Dialogue, shift: Shift, title: str, description: str | None
) -> None:
    runtime, t = context.runtime, context.t
    await dialogues.end(context, OFFER)
    try:
        offered = await offers.offer(
            runtime.database, person_id=context.person.id, shift_id=shift.id, locale=str(dialogue.data["locale"]),
            title=title, description=description, now=runtime.now_ts(),
        )
    except (CannotOffer, Invalid):
        await dialogues.reply(update, views.cannot_offer(t))
        return
    if offered.told:
        poke_dispatcher(context)
    await show(update, views.thanks(t), views.back_to_card(t, shift))


async def offer_translation(update: Update, context: BotContext, button: views.OfferTranslation) -> None:
    """The card's button: asks for the title in the reader's language."""
    query = update.callback_query
    if not await require_registered(update, context):
        return
    shift = await shift_store.get(context.runtime.database, button.shift)
    locale = await may_offer(context, shift) if shift is not None else None
    if shift is None or locale is None:
        await query.answer(views.cannot_offer(context.t), show_alert=True)
        return
    if await dialogues.begin(update, context, OFFER, "title", {"shift": shift.id, "locale": locale}) is None:
        return
    await query.answer()
    question, markup = views.field_question(context.t, shift, "title", locale)
    await context.bot.send_message(query.message.chat.id, question, reply_markup=markup)


async def skip_description(update: Update, context: BotContext, button: views.SkipDescription) -> None:
    query = update.callback_query
    draft = await dialogues.current(context)
    if draft is None or draft.kind != OFFER or draft.step != "description" or draft.data.get("shift") != button.shift:
        await query.answer(_stale(context), show_alert=True)
        return
    shift = await _reload(update, context, draft)
    if shift is None:
        await query.answer()
        return
    await query.answer()
    await _submit(update, context, draft, shift, str(draft.data.get("title", "")), None)


# --- the coordinators' decision -----------------------------------------------------------------------------


async def decide(update: Update, context: BotContext, button: views.Decide) -> None:
    """Approve or reject, once: a second press (here or another coordinator's) says who was first."""
    query, t, runtime = update.callback_query, context.t, context.runtime
    found = await offer_store.get(runtime.database, button.offer)
    shift = await shift_store.get(runtime.database, found.shift_id) if found else None
    if found is None or shift is None:
        await query.answer(_stale(context), show_alert=True)
        return
    actor = await require_coordinator(update, context, shift.org_id)
    if actor is None:
        return  # refused, and told so
    try:
        decided = await offers.decide(
            runtime.database, actor=actor, offer_id=found.id, approve=button.answer == "a", now=runtime.now_ts()
        )
    except NotAllowed:
        await query.answer(t._("Sorry, only the organization's coordinators can do that."), show_alert=True)
        return
    except AlreadyDecided:
        decided = await offer_store.get(runtime.database, found.id)
        by_me = decided is not None and decided.decided_by == actor.person_id
        await query.answer(views.decided_line(t, decided, by_me) if decided else None)
    else:
        by_me = True
        await query.answer()
        poke_dispatcher(context)
    if decided is None or not _has_buttons(query):
        return  # the message says so already (a double tap)
    name = await _name(context, decided.person_id)
    text = views.offer_notice(t, shift, decided, name) + "\n\n" + views.decided_line(t, decided, by_me)
    await edit_or_keep(query, text, None)


def _has_buttons(query: CallbackQuery) -> bool:
    message = query.message
    return isinstance(message, Message) and message.reply_markup is not None


async def _name(context: BotContext, person_id: int) -> str:
    person = await people.get(context.runtime.database, person_id)
    return person.name if person is not None and person.status != "deleted" else "—"


@renderer(offers.OFFERED)
async def render_offered(r: Rendering) -> Notice:
    """A coordinator is asked to approve or reject, while the offer waits."""
    found = await offer_store.get(r.runtime.database, int(r.item.payload.get("offer_id", 0)))
    if found is None or found.status != "pending":
        raise Skip("decided already")
    shift = await shift_store.get(r.runtime.database, found.shift_id)  # the original: what is translated
    person = await people.get(r.runtime.database, found.person_id)
    if shift is None or person is None:
        raise Skip("gone")
    if await roles.role_in(r.runtime.database, r.person.id, shift.org_id) is None:
        raise Skip("no longer a coordinator of the organization")
    return Notice(views.offer_notice(r.t, shift, found, person.name), views.decide_markup(r.t, found))


@renderer(offers.DECIDED)
async def render_decided(r: Rendering) -> Notice:
    """The volunteer is told what the coordinators decided."""
    found = await offer_store.get(r.runtime.database, int(r.item.payload.get("offer_id", 0)))
    if found is None or found.status not in ("approved", "rejected") or found.person_id != r.person.id:
        raise Skip("no decision")
    shift = await r.shift()
    return Notice(views.outcome(r.t, shift, found), views.back_to_card(r.t, shift))


def register(app: Application) -> None:
    app.add_handler(views.OfferTranslation.handler(offer_translation))
    app.add_handler(views.SkipDescription.handler(skip_description))
    app.add_handler(views.Decide.handler(decide))
    dialogues.register_flow(OfferFlow())
