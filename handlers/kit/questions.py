"""The live question of a flow whose state is not a dialogue row (onboarding): when the next question
is asked, the answered one's buttons go, whether it was answered by a button or by typing."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, ReplyKeyboardMarkup

from bot.store import questions as store
from handlers.kit.context import BotContext
from handlers.kit.replies import drop_buttons

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | None


async def asked(
    context: BotContext, chat_id: int, shown: Message | None, markup: Markup, query: CallbackQuery | None = None
) -> None:
    """`shown` (with `markup`) is what the person looks at now, a question or the last word: the
    question before it loses its buttons, unless it is `shown` or the pressed message (its buttons
    were seen to already)."""
    live = shown.message_id if shown is not None and isinstance(markup, InlineKeyboardMarkup) else None
    old = await store.swap(context.runtime.database, context.person.id, chat_id, live)
    pressed = query.message if query is not None and isinstance(query.message, Message) else None
    if old is not None and all(m is None or old != (chat_id, m.message_id) for m in (shown, pressed)):
        await drop_buttons(context.bot, *old)


async def send(
    context: BotContext, chat_id: int, text: str, markup: Markup, query: CallbackQuery | None = None
) -> None:
    """Asks a new question below the chat (after the pressed message of `query`, if any)."""
    sent = await context.bot.send_message(chat_id, text, reply_markup=markup)
    await asked(context, chat_id, sent, markup, query)


async def edited(context: BotContext, query: CallbackQuery, markup: Markup) -> None:
    """The pressed message was edited into the next question (shown with `markup`)."""
    pressed = query.message if isinstance(query.message, Message) else None
    if pressed is not None:
        await asked(context, pressed.chat.id, pressed, markup, query)
