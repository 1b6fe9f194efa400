"""reply_markup validation the way Telegram does it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from .models import ApiError, Button

__all__ = ["MAX_INLINE_BUTTONS", "Markup", "parse_markup"]

MAX_INLINE_BUTTONS = 100
_URL_RE = re.compile(r"(?:https?://[^\s/?#]+\.[^\s/?#]+|tg://[^\s]+)\S*", re.IGNORECASE)
_INLINE_EXTRA = ("text", "icon_custom_emoji_id", "style")
_KEYBOARD_EXTRA = ("text", "icon_custom_emoji_id", "style")

MarkupKind = Literal["inline", "reply", "remove", "force_reply"]


@dataclass
class Markup:
    kind: MarkupKind
    raw: dict[str, Any]
    buttons: list[list[Button]] = field(default_factory=list)  # inline only
    keyboard: list[list[str]] = field(default_factory=list)  # reply keyboard labels


def _bad(text: str) -> ApiError:
    return ApiError(400, f"Bad Request: {text}")


def parse_markup(
    value: Any,
    *,
    inline_actions: list[str],
    keyboard_requests: list[str],
    inline_only: bool = False,
) -> Markup:
    """Validate a decoded reply_markup object.

    inline_actions: InlineKeyboardButton fields that are the button's action (exactly one allowed).
    keyboard_requests: KeyboardButton optional request_* / web_app fields (at most one allowed).
    """
    if not isinstance(value, dict):
        raise _bad("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in value:
        return _parse_inline(value, inline_actions)
    if inline_only:
        raise _bad("inline keyboard expected")
    if "keyboard" in value:
        return _parse_keyboard(value, keyboard_requests)
    if "remove_keyboard" in value:
        if value["remove_keyboard"] is not True:
            raise _bad('field "remove_keyboard" of the ReplyKeyboardRemove must be true')
        return Markup("remove", value)
    if "force_reply" in value:
        if value["force_reply"] is not True:
            raise _bad('field "force_reply" of the ForceReply must be true')
        return Markup("force_reply", value)
    raise _bad("can't parse reply keyboard markup JSON object")


def _rows(value: dict[str, Any], key: str, type_name: str) -> list[list[Any]]:
    rows = value[key]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _bad(f'field "{key}" of the {type_name} must be an Array of Arrays')
    return rows


def _parse_inline(value: dict[str, Any], actions: list[str]) -> Markup:
    rows = _rows(value, "inline_keyboard", "InlineKeyboardMarkup")
    total = sum(len(row) for row in rows)
    if total > MAX_INLINE_BUTTONS:
        raise _bad(
            f"reply markup is too long ({total} inline keyboard buttons, at most {MAX_INLINE_BUTTONS})"
        )
    out: list[list[Button]] = []
    for row in rows:
        out_row: list[Button] = []
        for button in row:
            if not isinstance(button, dict):
                raise _bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
            text = button.get("text")
            if not isinstance(text, str) or not text.strip():
                raise _bad("can't parse inline keyboard button: Text must be non-empty")
            present = [name for name in actions if name in button and button[name] is not None]
            if not present:
                raise _bad(
                    "can't parse inline keyboard button: text buttons are unallowed in the inline keyboard"
                )
            if len(present) > 1:
                raise _bad(
                    f"can't parse inline keyboard button {text!r}: exactly one of "
                    f"{', '.join(present)} must be used"
                )
            action = present[0]
            payload: str | None = None
            if action == "callback_data":
                data = button["callback_data"]
                if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                    raise _bad("BUTTON_DATA_INVALID")
                payload = data
            elif action == "url":
                url = button["url"]
                if not isinstance(url, str) or not _URL_RE.fullmatch(url):
                    raise _bad(f"inline keyboard button URL {url!r} is invalid: Wrong HTTP URL")
                payload = url
            elif isinstance(button[action], str):
                payload = button[action]
            elif isinstance(button[action], dict) and isinstance(button[action].get("url"), str):
                payload = button[action]["url"]  # web_app / login_url
            out_row.append((text, payload))
        out.append(out_row)
    return Markup("inline", value, buttons=out)


def _parse_keyboard(value: dict[str, Any], requests: list[str]) -> Markup:
    rows = _rows(value, "keyboard", "ReplyKeyboardMarkup")
    labels: list[list[str]] = []
    for row in rows:
        out_row: list[str] = []
        for button in row:
            if isinstance(button, str):
                text = button
            elif isinstance(button, dict):
                text = button.get("text")
                used = [name for name in requests if button.get(name) not in (None, False)]
                if len(used) > 1:
                    raise _bad(f"keyboard button {text!r} can use only one of {', '.join(used)}")
            else:
                raise _bad("can't parse keyboard button: KeyboardButton must be a String or an Object")
            if not isinstance(text, str) or not text.strip():
                raise _bad("can't parse keyboard button: Text must be non-empty")
            out_row.append(text)
        labels.append(out_row)
    return Markup("reply", value, keyboard=labels)
