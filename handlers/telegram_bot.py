"""The bot the application talks through: PTB's ExtBot, plus two things every handler relies on.

- Raw updates for the inbox (handlers/inbox.py), so what is stored is what Telegram sent.
- Every line of every message, caption and button answer starts in its reader's direction (bot/bidi.py):
  the marks are added here, on the way out, so no view has to remember them.
- A button press answered too late (after a restart, or a slow handler) still tells the presser:
  Telegram refuses answerCallbackQuery some seconds after the press, so the answer's text goes out
  as a message instead, and the handler carries on to edit or send its result. In one place, so no
  handler has to know.
"""

from __future__ import annotations

import html
import logging
from typing import Any

from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import JSONDict, ODVInput
from telegram.error import BadRequest
from telegram.ext import ExtBot

from bot import bidi

log = logging.getLogger(__name__)


def is_expired_query(exc: BadRequest) -> bool:
    """Telegram's refusal to answer a callback query that is too old (or already answered)."""
    message = exc.message.lower()
    return "query is too old" in message or "query id is invalid" in message


# The text each kind of call shows its reader, and Telegram's limit on it (a mark must never push a text
# over: then it goes without). Captions are of the media calls.
_SHOWN = {"sendMessage": ("text", 4096), "editMessageText": ("text", 4096), "answerCallbackQuery": ("text", 200)}
_CAPTIONED = ("sendDocument", "sendPhoto", "sendVideo", "sendAnimation", "sendAudio", "editMessageCaption")


class TurnoutBot(ExtBot[None]):
    def __init__(self, *args: Any, directions: bidi.Directions | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._directions = directions or bidi.Directions()
        self._pressers: dict[str, int] = {}  # callback query id -> presser's chat, while handled
        self._answered: set[str] = set()  # of those, the ones this process has answered

    async def get_raw_updates(self, offset: int | None, hold: int, allowed_updates: list[str]) -> list[dict[str, Any]]:
        """getUpdates held open up to `hold` seconds, returning the updates' JSON unparsed (the
        inbox stores it as it came)."""
        # Like Bot.get_updates: the long poll's time on top of the usual read timeout.
        read_timeout = (self._request[0].read_timeout or 0) + hold
        data = {"offset": offset, "timeout": hold, "allowed_updates": allowed_updates}
        result = await self._post("getUpdates", data, read_timeout=read_timeout)
        return list(result or [])

    async def _do_post(
        self,
        endpoint: str,
        data: JSONDict,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> bool | JSONDict | list[JSONDict]:
        self._start_lines(endpoint, data)
        return await super()._do_post(
            endpoint,
            data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )

    def _start_lines(self, endpoint: str, data: JSONDict) -> None:
        """Starts each line of what the call shows in its reader's direction (bot/bidi.py)."""
        key, limit = _SHOWN.get(endpoint) or (("caption", 1024) if endpoint in _CAPTIONED else ("", 0))
        text = data.get(key) if key else None
        if not isinstance(text, str) or not text:
            return
        if endpoint == "answerCallbackQuery":
            chat = self._pressers.get(str(data.get("callback_query_id")))
        else:
            chat = data.get("chat_id")
        marked = bidi.for_reader(text, rtl=self._directions.is_rtl(chat))
        # The raw text is never shorter than what Telegram counts after parsing the HTML.
        if len(marked.encode("utf-16-le")) // 2 <= limit:
            data[key] = marked

    def note_presser(self, query_id: str, chat_id: int) -> None:
        self._pressers[query_id] = chat_id

    def forget_presser(self, query_id: str) -> None:
        self._pressers.pop(query_id, None)
        self._answered.discard(query_id)

    async def answer_callback_query(  # type: ignore[override]
        self, callback_query_id: str, text: str | None = None, *args: Any, **kwargs: Any
    ) -> bool:
        try:
            answered = await super().answer_callback_query(callback_query_id, text, *args, **kwargs)
        except BadRequest as exc:
            if not is_expired_query(exc):
                raise
        else:
            if callback_query_id in self._pressers:
                self._answered.add(callback_query_id)
            return answered
        if callback_query_id in self._answered:
            return False  # a second answer to the same press (the error path's): the first one stands
        chat_id = self._pressers.get(callback_query_id)
        log.info("a button press was answered too late; %s", "telling them in a message" if text else "carrying on")
        if text and chat_id is not None:
            # The answer was plain text; messages are HTML by default.
            await self.send_message(chat_id, html.escape(text))
        return False
