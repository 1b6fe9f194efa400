"""What the bot waits for a coordinator to type next (/manage and /broadcast): one open question at a time.

A button that asks for typed text opens a question (kept in user_data); the next text message answers
it. Opening one closes the other typed dialogues (/newshift, a settings editor, a report's number), so one
answer never goes to two places; a dialogue opened later wins. /cancel closes it, and so does doing
anything else (another command, another feature's button), so a text typed much later can't rename a
shift by surprise.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from handlers import followup, newshift
from handlers.context import BotContext
from handlers.newshift import DialogueOpen

KEY = "coord_question"
FORGET_GROUP = 5  # after every feature has seen the update
OWN_BUTTONS = r"^(?!(mg|bc):)"  # buttons of /manage and /broadcast manage their questions themselves


@dataclass
class Question:
    kind: str  # which reader takes the answer
    data: dict[str, Any] = field(default_factory=dict)


Reader = Callable[[Update, BotContext, Question, str], Awaitable[None]]
READERS: dict[str, Reader] = {}


def reader(kind: str) -> Callable[[Reader], Reader]:
    """Registers what takes the typed answer to one kind of question."""

    def register(func: Reader) -> Reader:
        READERS[kind] = func
        return func

    return register


def ask(context: BotContext, kind: str, **data: Any) -> None:
    """Waits for typed text for this question, closing any other typed dialogue first."""
    context.user_data.pop(newshift.DIALOGUE, None)
    context.user_data.pop(followup.PENDING, None)
    context.user_data[KEY] = Question(kind, data)


def close(context: BotContext) -> Question | None:
    question = context.user_data.pop(KEY, None)
    return question if isinstance(question, Question) else None


def current(context: BotContext) -> Question | None:
    question = context.user_data.get(KEY)
    return question if isinstance(question, Question) else None


async def on_text(update: Update, context: BotContext) -> None:
    """Hands the typed text to the open question's reader."""
    question = current(context)
    if question is None or question.kind not in READERS:
        close(context)
        return
    await READERS[question.kind](update, context, question, update.effective_message.text or "")


async def on_cancel(update: Update, context: BotContext) -> None:
    """/cancel while a question is open: nothing changes."""
    close(context)
    await update.effective_message.reply_text(context.t._("OK, nothing changed."))


async def forget(update: Update, context: BotContext) -> None:
    """Something else was done: the open question is closed, quietly."""
    close(context)


def register(app: Application) -> None:
    """Register before start.py's /cancel: while a question is open, /cancel is ours."""
    private = filters.ChatType.PRIVATE
    others = DialogueOpen(app, newshift.DIALOGUE, followup.PENDING)  # opened after ours: theirs
    open_ = DialogueOpen(app, KEY) & ~others
    app.add_handler(CommandHandler("cancel", on_cancel, filters=private & open_))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & private & open_, on_text))
    app.add_handler(MessageHandler(filters.COMMAND & private & DialogueOpen(app, KEY), forget), group=FORGET_GROUP)
    app.add_handler(CallbackQueryHandler(forget, pattern=OWN_BUTTONS), group=FORGET_GROUP)
