"""The main menu a registered volunteer sees, and the callback data its buttons carry."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Translator

MENU_SHIFTS = "menu:shifts"  # handlers/shifts.py
MENU_MY = "menu:my"  # handlers/myshifts.py
MENU_SETTINGS = "menu:settings"  # handlers/settings.py
MENU_HELP = "menu:help"  # handlers/start.py


def main_menu(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("🔎 " + t._("Find shifts"), callback_data=MENU_SHIFTS)],
            [InlineKeyboardButton("📅 " + t._("My shifts"), callback_data=MENU_MY)],
            [
                InlineKeyboardButton("⚙️ " + t._("Settings"), callback_data=MENU_SETTINGS),
                InlineKeyboardButton("❓ " + t._("Help"), callback_data=MENU_HELP),
            ],
        ]
    )
