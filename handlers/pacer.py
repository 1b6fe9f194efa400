"""The bot's one send budget on Telegram's side: a PTB rate limiter that asks bot/pacing.py when each
message may go, for replies and scheduled messages alike.

- **Which calls are messages**: sends, edits, copies and forwards (Telegram flood-limits edits per chat
  too, and we count them overall as well, to be safe). Everything else (answerCallbackQuery,
  getUpdates, getMe, setMyCommands, getFile, sendChatAction, deleteMessage…) goes straight through:
  never counted, never held behind reminders.
- **Who goes first**: a call made while an update is being handled is a reply (`handling_update()` marks
  the update's task); everything else is background, unless it says otherwise with `rate_limit_args`.
  The dispatcher sends with `DISPATCH`: background, and told at once when its chat is busy, so it can
  send to someone else meanwhile.
- **429**: the chat named waits `retry_after` (everything, when Telegram says so: see `Pacing.throttled`),
  then the same call is made again, at most `MAX_RETRIES` times. The dispatcher's calls are not retried
  here: it has the whole queue to get on with and retries them itself.
- **Timeouts**: a call that never reached Telegram (no connection, no free connection in the pool) is
  made again. A message call that reached Telegram and got no answer (read/write timeout, connection
  lost) has an unknown outcome: it is never repeated (the person may already have it) and is raised as
  `OutcomeUnknown`, which the error handler does not turn into "something went wrong" and the
  dispatcher records as sent.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

from bot.pacing import Chat, Pacer, Pacing, Priority

log = logging.getLogger(__name__)

MAX_RETRIES = 3  # 429s waited out for one call before it gives up
NETWORK_RETRIES = 2  # calls that never reached Telegram, made again
NETWORK_BACKOFF = 0.5

# Telegram's own timeouts are generous; ours are longer still, so that a slow Telegram answers late
# rather than leaving us guessing. Connecting or waiting for a pooled connection sends nothing and is
# retried; a read timeout on a message is an unknown outcome, so it should be rare.
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0
WRITE_TIMEOUT = 30.0
MEDIA_WRITE_TIMEOUT = 60.0
POOL_TIMEOUT = 10.0

_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_MESSAGE_PREFIXES = ("send", "edit", "copy", "forward")
_NOT_MESSAGES = frozenset({"sendChatAction"})

_handling_update: contextvars.ContextVar[bool] = contextvars.ContextVar("turnout_handling_update", default=False)


@dataclass(frozen=True)
class Pace:
    """`rate_limit_args` for a call: its priority, and whether it waits for a busy chat (else ChatBusy)."""

    priority: Priority
    wait_for_chat: bool = True


REPLY = Pace(Priority.REPLY)
BACKGROUND = Pace(Priority.BACKGROUND)
DISPATCH = Pace(Priority.BACKGROUND, wait_for_chat=False)


class OutcomeUnknown(TimedOut):
    """A message call reached Telegram and no answer came back: it may or may not have been sent."""


def handling_update() -> None:
    """Marks the running task as handling an update: its messages are replies to someone waiting.
    Tasks started from it inherit the mark; background work they do should pass `BACKGROUND`."""
    _handling_update.set(True)


def in_background() -> None:
    """Undoes `handling_update()` for the running task (one started from an update's, for instance)."""
    _handling_update.set(False)


def is_message(endpoint: str) -> bool:
    return endpoint.startswith(_MESSAGE_PREFIXES) and endpoint not in _NOT_MESSAGES


def _chat_of(data: dict[str, Any]) -> Chat:
    chat = data.get("chat_id")
    return chat if isinstance(chat, int | str) else None


def _seconds(exc: RetryAfter) -> float:
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def never_sent(exc: BaseException) -> bool:
    """True when the call failed before Telegram could have seen it."""
    return isinstance(exc, NetworkError) and not isinstance(exc, BadRequest) and isinstance(exc.__cause__, _NEVER_SENT)


class TelegramPacer(BaseRateLimiter[Pace]):
    """Installed on the application's bot; owns the one `Pacing` for every message the bot sends."""

    def __init__(self, rate: int, chat_rate: int = 1) -> None:
        self.pacing = Pacing(rate, chat_interval=1.0 / chat_rate)
        self.pacer = Pacer(self.pacing)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        self.pacer.close()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Pace | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        message = is_message(endpoint)
        chat = _chat_of(data)
        pace = rate_limit_args or (REPLY if _handling_update.get() else BACKGROUND)
        throttles = failures = 0
        while True:
            if message:
                await self.pacer.acquire(chat, pace.priority, wait_for_chat=pace.wait_for_chat)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                seconds = _seconds(exc)
                throttles += 1
                if message:
                    scope = self.pacer.throttled(chat, seconds)
                    log.warning("Telegram asked %s to wait %.3g s (%s %s)", scope.value, seconds, endpoint, chat)
                if throttles > MAX_RETRIES or not pace.wait_for_chat:
                    raise
                if not message:
                    await asyncio.sleep(seconds)  # only this call waits; the pacer holds messages
            except (TimedOut, NetworkError) as exc:
                if never_sent(exc) and failures < NETWORK_RETRIES:
                    failures += 1
                    await asyncio.sleep(NETWORK_BACKOFF * failures)
                    continue
                if message and not never_sent(exc) and (isinstance(exc, TimedOut) or _connection_lost(exc)):
                    log.warning("no answer to %s for chat %s: it may or may not have arrived", endpoint, chat)
                    raise OutcomeUnknown(f"no answer to {endpoint}: it may or may not have arrived") from exc
                raise
            finally:
                if message:
                    self.pacer.done()


def _connection_lost(exc: NetworkError) -> bool:
    return not isinstance(exc, BadRequest) and isinstance(exc.__cause__, httpx.ReadError | httpx.RemoteProtocolError)
