"""Inline keyboard builders shared by the features."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import available_locales, language_name

LANGUAGE_PREFIX = "lang:"


def grid(buttons: Sequence[InlineKeyboardButton], columns: int) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + columns]) for i in range(0, len(buttons), columns)]


def language_picker(current: str | None = None) -> InlineKeyboardMarkup:
    """Every UI language, each named in its own script; the current one is ticked."""
    buttons = [
        InlineKeyboardButton(
            ("✓ " if code == current else "") + language_name(code),
            callback_data=f"{LANGUAGE_PREFIX}{code}",
        )
        for code in available_locales()
    ]
    return InlineKeyboardMarkup(grid(buttons, 2))
