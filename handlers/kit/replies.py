"""Showing a screen: edit the message whose button was pressed, or answer a typed message anew."""

from __future__ import annotations

import contextlib
import logging

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden, TelegramError

log = logging.getLogger(__name__)


async def take_buttons(query: CallbackQuery, keep: InlineKeyboardMarkup | None = None) -> bool:
    """Removes the pressed message's buttons (leaving `keep`); False when that was done already,
    i.e. this press was handled before (a double tap, or a press handled again after a crash)."""
    try:
        await query.edit_message_reply_markup(reply_markup=keep)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise
        return False
    return True


async def drop_pressed(query: CallbackQuery) -> None:
    """Takes the pressed button (one that no longer applies) off its message, keeping the others."""
    message = query.message
    markup = message.reply_markup if isinstance(message, Message) else None
    if markup is None:
        return
    rows = [[b for b in row if b.callback_data != query.data] for row in markup.inline_keyboard]
    rows = [row for row in rows if row]
    with contextlib.suppress(BadRequest):  # too old to edit, or changed meanwhile: the answer said it all
        await query.edit_message_reply_markup(reply_markup=InlineKeyboardMarkup(rows) if rows else None)


async def edit_or_keep(query: CallbackQuery, text: str | None, markup: InlineKeyboardMarkup | None) -> None:
    """Edits the pressed message (text None: only its buttons). A double tap that would change
    nothing is not an error worth showing."""
    try:
        if text is None:
            await query.edit_message_reply_markup(reply_markup=markup)
        else:
            await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


async def edit_or_send(query: CallbackQuery, text: str) -> None:
    """Replaces the pressed message with `text`, buttons gone; when Telegram refuses the edit (the
    message is too old, or was deleted), sends `text` as a new message instead. For news that must
    arrive, such as what was already done: never raises for a refused edit."""
    try:
        await edit_or_keep(query, text, None)
        return
    except Forbidden:
        return  # they blocked the bot: nobody to tell
    except TelegramError:
        log.warning("could not edit the pressed message; sending the text anew", exc_info=True)
    try:
        await query.get_bot().send_message(query.message.chat.id, text)
    except TelegramError:
        log.warning("could not send the text either", exc_info=True)


async def edit_or_keep_message(message: object, text: str | None, markup: InlineKeyboardMarkup | None) -> None:
    """Like edit_or_keep, for a message at hand (an inaccessible or missing one is left alone)."""
    if not isinstance(message, Message):
        return
    try:
        if text is None:
            await message.edit_reply_markup(reply_markup=markup)
        else:
            await message.edit_text(text, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


async def show(update: Update, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Edits the pressed message in place, or answers a typed message with a new one."""
    if update.callback_query is None:
        await update.effective_message.reply_text(text, reply_markup=markup)
    else:
        await edit_or_keep(update.callback_query, text, markup)


async def drop_buttons(bot: Bot, chat_id: int, message_id: int | None) -> None:
    """Takes the buttons off an earlier question (known by id), so they can't be pressed any more."""
    if message_id is None:
        return
    with contextlib.suppress(BadRequest):  # already without buttons, or too old to edit: nothing to take away
        await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
