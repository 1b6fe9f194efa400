"""Inline keyboard builders shared by the features (pickers of values: handlers/kit/pickers.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from telegram import InlineKeyboardButton

from bot.i18n import Translator


def grid(buttons: Sequence[InlineKeyboardButton], columns: int) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + columns]) for i in range(0, len(buttons), columns)]


def pager(t: Translator, page: int, has_next: bool, data: Callable[[int], str]) -> list[list[InlineKeyboardButton]]:
    """A ◀ Previous / Next ▶ row for page `page` (from 0), as a list of rows: empty when there's one page.

    `data(n)` is the callback data that opens page n."""
    row = []
    if page > 0:
        row.append(InlineKeyboardButton("◀ " + t._("Previous"), callback_data=data(page - 1)))
    if has_next:
        row.append(InlineKeyboardButton(t._("Next") + " ▶", callback_data=data(page + 1)))
    return [row] if row else []
