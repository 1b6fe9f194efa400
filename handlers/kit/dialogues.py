"""One dialogue engine: at most one open dialogue per person, kept in SQLite, and one router for messages.

A *flow* is a feature's dialogue (onboarding, a settings editor, /newshift, a /manage question…). Its state
is a row (`bot/store/dialogues.py`): kind, step and a small JSON dict, so a restart continues it. Every
message that is not a command — text, contact, location, document, photo, sticker — goes through `route`:
to the open flow's `on_message`, or, with nothing open, to a feature that takes such messages unasked (a CSV
file from a coordinator, a location at a shift) or to a one-line pointer to the menu. Never to two places.

Starting a flow while another is open asks first ("leave the draft shift and change your name?"); the
answer's buttons are this module's. `/cancel` closes whatever is open, through the flow's own `on_cancel`.
A one-question flow (rename a shift) closes by itself when the person does anything else, so text typed
much later can't rename a shift by surprise. Flows idle for `IDLE_DAYS` are closed.

A confirm (Send, Yes, cancel it) acts once: the handler passes `claim(context, dialogue)` to the service,
which calls it inside the transaction of its effect; it moves the dialogue to step `DONE` only if it is
still as read. A second press (or a redelivery after a crash) then finds it `done` and says so; a dialogue
at `DONE` is otherwise closed (`current` is None, the next one replaces it).

    class Rename(Flow):
        kind = "mg.title"
        name = N_("renaming a shift")
        one_question = True
        buttons = ("mg",)

        async def on_message(self, update, context, dialogue): ...
        async def resume(self, update, context, dialogue): ...   # ask the current question again

    register_flow(Rename())
    dialogue = await begin(update, context, "mg.title", "ask", {"shift": 42})   # None: asked to switch first
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyKeyboardRemove, Update
from telegram.ext import Application, CommandHandler, MessageHandler, TypeHandler, filters

from bot.db import Transaction
from bot.services.once import Claim
from bot.store import dialogues as store
from bot.store.dialogues import Dialogue
from handlers.kit.callbacks import Button, button_for
from handlers.kit.context import BotContext
from handlers.kit.replies import edit_or_keep_message

log = logging.getLogger(__name__)

IDLE_DAYS = 2
WATCH_GROUP = -1  # closes one-question flows on other actions; after resolve_user, before any feature
_LOADED = "_dialogue_loaded"
ONBOARDING = "onboarding"  # handlers/onboarding.py
DONE = "done"  # the step of a dialogue whose confirm has acted: closed to everything but a second press

__all__ = ["DONE", "Dialogue", "Flow", "begin", "claim", "current", "done", "end", "register_flow", "save"]


class Flow:
    """A feature's dialogue. Subclass, set the class attributes, implement on_message and resume."""

    kind: ClassVar[str]
    name: ClassVar[str]  # N_() text: what the person is in the middle of ("posting a shift")
    one_question: ClassVar[bool] = False  # closed quietly when the person does anything else
    buttons: ClassVar[tuple[str, ...]] = ()  # callback prefixes that belong to this flow

    async def on_message(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        """Takes a message while this flow is open: text, contact, location, document or anything else."""
        raise NotImplementedError

    async def resume(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        """Asks the current question again (after 'keep going', or when the flow was started by a switch)."""
        raise NotImplementedError

    async def on_cancel(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        """/cancel: the engine has closed the dialogue already; say so (flows may say more)."""
        await reply(update, context.t._("OK, nothing changed."), remove_keyboard=True)

    def owns(self, update: Update) -> bool:
        """True when this update belongs to the flow (its own buttons), so it doesn't close a one-question flow."""
        query = update.callback_query
        return bool(query and isinstance(query.data, str) and query.data.split(":")[0] in self.buttons)


FLOWS: dict[str, Flow] = {}
# Messages nobody asked for, by kind of content, taken only while no dialogue is open.
Unasked = Callable[[Update, BotContext], Awaitable[bool]]
_UNASKED: list[tuple[filters.BaseFilter, Unasked]] = []


def register_flow(flow: Flow) -> Flow:
    if flow.kind in FLOWS and type(FLOWS[flow.kind]) is not type(flow):  # the same one again: a new Application
        raise ValueError(f"a flow of kind {flow.kind!r} is registered already")
    FLOWS[flow.kind] = flow
    return flow


def take_unasked(message_filter: filters.BaseFilter, reader: Unasked) -> None:
    """Lets a feature take messages of one kind (a document, a location) when no dialogue is open;
    the reader returns False to let the next one (or the pointer to the menu) have it."""
    if all(r is not reader for _, r in _UNASKED):
        _UNASKED.append((message_filter, reader))


# --- state -------------------------------------------------------------------------------------------------


async def current(context: BotContext) -> Dialogue | None:
    """The person's open dialogue (read once per update), or None."""
    if getattr(context, _LOADED, False):
        return context.dialogue
    person = context.person
    dialogue = await store.get(context.runtime.database, person.id)
    if dialogue is None and not person.is_registered and person.status != "deleted" and ONBOARDING in FLOWS:
        # Someone not set up yet is in onboarding until they finish (its step lives on the person row).
        dialogue = Dialogue(kind=ONBOARDING, step="ask")
    elif dialogue is not None and (
        dialogue.kind not in FLOWS or dialogue.updated_at < context.runtime.now_ts() - IDLE_DAYS * 86400
    ):
        await store.close(context.runtime.database, context.person.id)
        dialogue = None
    elif dialogue is not None and dialogue.step == DONE:
        dialogue = None  # acted on: not open (the next dialogue replaces the row); see `done`
    _remember(context, dialogue)
    return dialogue


async def done(context: BotContext, kind: str) -> Dialogue | None:
    """The person's dialogue of `kind` whose confirm has acted already, for a second press to say so."""
    dialogue = await store.get(context.runtime.database, context.person.id)
    return dialogue if dialogue is not None and dialogue.kind == kind and dialogue.step == DONE else None


def claim(context: BotContext, dialogue: Dialogue) -> Claim:
    """For a service to call inside the transaction of its effect: marks `dialogue` DONE if it is still
    exactly as read (so two presses of Send act once; bot/services/once.py)."""
    person_id, now = context.person.id, context.runtime.now_ts()

    async def take(tx: Transaction) -> bool:
        if not await store.advance(tx, person_id, dialogue, DONE, now):
            return False
        _remember(context, None)
        return True

    return take


def _remember(context: BotContext, dialogue: Dialogue | None) -> None:
    context.dialogue = dialogue
    setattr(context, _LOADED, True)


async def save(context: BotContext, dialogue: Dialogue) -> None:
    """Stores the dialogue's new step and data."""
    await store.put(context.runtime.database, context.person.id, dialogue, context.runtime.now_ts())
    _remember(context, dialogue)


async def end(context: BotContext, kind: str | None = None) -> bool:
    """Closes the open dialogue (only of that kind, when given); True when this update closed it.

    False when another update (a second press of Cancel) closed it a moment ago, so a button that
    ends a dialogue can tell the second press that there is nothing left to do."""
    open_ = await current(context)
    if open_ is None or (kind is not None and open_.kind != kind):
        return False
    closed = await store.close(context.runtime.database, context.person.id, open_.kind)
    _remember(context, None)
    return closed


async def begin(
    update: Update, context: BotContext, kind: str, step: str, data: dict[str, Any] | None = None
) -> Dialogue | None:
    """Opens a dialogue of `kind` and returns it; the caller then asks its first question.

    When another flow is open (one the person could lose work in), nothing opens yet: the person is
    asked whether to leave it, and None is returned (a pressed button is answered then: the caller answers
    it only when a dialogue is returned). The same kind, or a one-question flow, is replaced."""
    if kind not in FLOWS:
        raise KeyError(f"no flow registered for {kind!r}")
    new = Dialogue(kind=kind, step=step, data=dict(data or {}))
    open_ = await current(context)
    if open_ is not None and open_.kind != kind and not FLOWS[open_.kind].one_question:
        open_.pending = {"kind": kind, "step": step, "data": new.data}
        await save(context, open_)
        await _ask_switch(update, context, open_)
        return None
    await save(context, new)
    return new


# --- "leave what you were doing?" ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Switch(Button, prefix="dlg"):
    leave: bool


async def _ask_switch(update: Update, context: BotContext, open_: Dialogue) -> None:
    t = context.t
    assert open_.pending is not None
    text = t._("You're in the middle of {current}. Leave it and start {new}?").format(
        current=t._(FLOWS[open_.kind].name), new=t._(FLOWS[open_.pending["kind"]].name)
    )
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t._("Leave it and start"), callback_data=Switch(True).pack())],
            [InlineKeyboardButton(t._("Keep going"), callback_data=Switch(False).pack())],
        ]
    )
    if update.callback_query is not None:
        await update.callback_query.answer()
    await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)


async def _switch_answer(update: Update, context: BotContext, button: Switch) -> None:
    """Leaves the open dialogue for the one waiting, or keeps going with it."""
    query = update.callback_query
    open_ = await current(context)
    if open_ is None or open_.pending is None:
        await query.answer(context.t._("That question was already answered."))
        await _drop_buttons(query.message)
        return
    await query.answer()
    await _drop_buttons(query.message)
    if button.leave:
        pending = open_.pending
        new = Dialogue(kind=pending["kind"], step=pending["step"], data=pending["data"])
        await save(context, new)
        await FLOWS[new.kind].resume(update, context, new)
    else:
        open_.pending = None
        await save(context, open_)
        await FLOWS[open_.kind].resume(update, context, open_)


async def _drop_buttons(message: Message | None) -> None:
    await edit_or_keep_message(message, None, None)


# --- the router -----------------------------------------------------------------------------------------------


async def reply(update: Update, text: str, *, remove_keyboard: bool = False) -> None:
    """A new message in the chat of the update (typed or pressed)."""
    markup = ReplyKeyboardRemove() if remove_keyboard else None
    if update.effective_message is not None and update.callback_query is None:
        await update.effective_message.reply_text(text, reply_markup=markup)
    elif update.effective_chat is not None:
        await update.get_bot().send_message(update.effective_chat.id, text, reply_markup=markup)


async def route(update: Update, context: BotContext) -> None:
    """Every non-command message of a private chat: to the open dialogue, else to whoever takes it unasked."""
    if getattr(context, "_person", None) is None:
        return
    open_ = await current(context)
    if open_ is not None:
        await FLOWS[open_.kind].on_message(update, context, open_)
        return
    for message_filter, reader in _UNASKED:
        if message_filter.check_update(update) and await reader(update, context):
            return
    await reply(update, nothing_open(context))


def nothing_open(context: BotContext) -> str:
    return context.t._("I'm not waiting for a message from you right now. Send /help to see what I can do.")


async def cancel(update: Update, context: BotContext) -> None:
    """/cancel: closes the open dialogue through its flow; says so when nothing was open."""
    open_ = await current(context)
    if open_ is None:
        await reply(update, context.t._("There's nothing to cancel."), remove_keyboard=True)
        return
    await store.close(context.runtime.database, context.person.id)
    _remember(context, None)
    await FLOWS[open_.kind].on_cancel(update, context, open_)


async def watch(update: Update, context: BotContext) -> None:
    """Closes an open one-question flow when the person does something else (a command, another button)."""
    if getattr(context, "_person", None) is None:
        return
    message = update.effective_message
    is_command = update.callback_query is None and bool(message and message.text and message.text.startswith("/"))
    if not is_command and update.callback_query is None:
        return  # a message: the router gives it to the flow
    if is_command and message is not None and message.text.split()[0].split("@")[0] == "/cancel":
        return
    open_ = await current(context)
    if open_ is None or not FLOWS[open_.kind].one_question or FLOWS[open_.kind].owns(update):
        return
    if isinstance(button_for(update.callback_query.data if update.callback_query else None), Switch):
        return
    await end(context)


def register(app: Application) -> None:
    """The engine's own handlers: /cancel, the switch question, the router; and the watcher."""
    private = filters.ChatType.PRIVATE
    app.add_handler(TypeHandler(Update, watch), group=WATCH_GROUP)
    app.add_handler(CommandHandler("cancel", cancel, filters=private))
    app.add_handler(Switch.handler(_switch_answer))
    app.add_handler(MessageHandler(private & ~filters.COMMAND & ~filters.StatusUpdate.ALL, route))
