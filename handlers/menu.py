"""The main menu a registered volunteer sees, the /language picker, and their buttons (each feature
registers its own handler)."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Translator
from handlers.kit import pickers
from handlers.kit.callbacks import Button


@dataclass(frozen=True)
class FindShifts(Button, prefix="menu:shifts"):  # handlers/shifts.py
    pass


@dataclass(frozen=True)
class MyShifts(Button, prefix="menu:my"):  # handlers/myshifts.py
    pass


@dataclass(frozen=True)
class OpenSettings(Button, prefix="menu:settings"):  # handlers/settings.py
    pass


@dataclass(frozen=True)
class Help(Button, prefix="menu:help"):  # handlers/start.py
    pass


@dataclass(frozen=True)
class Language(Button, prefix="lang"):
    """A UI language from /language (handlers/start.py checks it is one we have)."""

    code: str


def main_menu(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("🔎 " + t._("Find shifts"), callback_data=FindShifts().pack())],
            [InlineKeyboardButton("📅 " + t._("My shifts"), callback_data=MyShifts().pack())],
            [
                InlineKeyboardButton("⚙️ " + t._("Settings"), callback_data=OpenSettings().pack()),
                InlineKeyboardButton("❓ " + t._("Help"), callback_data=Help().pack()),
            ],
        ]
    )


def language_menu(current: str | None) -> InlineKeyboardMarkup:
    """Every UI language, each in its own script; the current one ticked."""
    return InlineKeyboardMarkup(pickers.locale_rows(current, lambda code: Language(code).pack()))
