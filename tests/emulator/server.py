"""An in-process Telegram Bot API server for tests (aiohttp), strict like the real one."""

from __future__ import annotations

import asyncio
import copy
import itertools
import logging
import math
import mimetypes
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from .formatting import FormattingError, ParsedText, parse_html, parse_markdown, strip_bidi, utf16_len
from .markup import Markup, parse_markup
from .models import (
    ApiError,
    BotMessage,
    CallbackAnswer,
    DocumentInfo,
    RecordedCall,
    RecordedError,
    StoredFile,
    UploadedFile,
)
from .spec import API_JSON, ApiSpec, Method, load_spec
from .user import TestUser

__all__ = ["DEFAULT_TOKEN", "BotAPIEmulator"]

_LOG = logging.getLogger("tests.emulator")

DEFAULT_TOKEN = "123456:TEST-TOKEN"
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_TEXT_LIMIT = 200
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
_QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# Telegram leaves these out unless allowed_updates asks for them
_NOT_DEFAULT_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_FLOOD_PREFIXES = ("send", "edit", "copy", "forward")

Handler = Callable[[dict[str, Any], Method], Awaitable[Any]]


@dataclass
class _Stored:
    """Emulator-side state of one message (bot's or user's)."""

    chat_id: int
    message_id: int
    from_bot: bool
    json: dict[str, Any]
    html: str | None = None
    parse_mode: str | None = None
    text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    markup: Markup | None = None
    document: DocumentInfo | None = None
    photo: bytes | None = None
    location: tuple[float, float] | None = None
    deleted: bool = False

    @property
    def has_media(self) -> bool:
        return self.document is not None or self.photo is not None

    @property
    def inline_markup(self) -> dict[str, Any] | None:
        return self.markup.raw if self.markup is not None and self.markup.kind == "inline" else None

    def snapshot(self, *, edited: bool = False) -> BotMessage:
        markup = self.markup
        return BotMessage(
            message_id=self.message_id,
            chat_id=self.chat_id,
            text=None if self.text is None else strip_bidi(self.text),
            html=None if self.html is None else strip_bidi(self.html),
            parse_mode=self.parse_mode,
            buttons=[[(strip_bidi(label), data) for label, data in row] for row in markup.buttons]
            if markup and markup.kind == "inline"
            else [],
            reply_keyboard=[list(r) for r in markup.keyboard] if markup and markup.kind == "reply" else None,
            remove_keyboard=bool(markup and markup.kind == "remove"),
            force_reply=bool(markup and markup.kind == "force_reply"),
            document=self.document,
            photo=self.photo,
            location=self.location,
            edited=edited,
            deleted=self.deleted,
            entities=copy.deepcopy(self.entities),
            reply_markup=copy.deepcopy(markup.raw) if markup else None,
            raw=copy.deepcopy(self.json),
            sent_text=self.text,
            sent_html=self.html,
        )


@dataclass
class _PendingQuery:
    chat_id: int
    future: asyncio.Future[CallbackAnswer]
    pressed_at: float  # the emulator's clock
    answered: bool = False


class BotAPIEmulator:
    """Fake api.telegram.org. Point PTB at it with ``.base_url(emu.base_url)``.

    Usage::

        async with BotAPIEmulator() as emu:
            alice = emu.user(1001, "Alice")
            ...
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        username: str = "turnout_test_bot",
        first_name: str = "Turnout Test",
        flood_control: bool = False,
        host: str = "127.0.0.1",
        spec_path: Path = API_JSON,
    ) -> None:
        self.token = token
        head = token.split(":", 1)[0]
        self.bot_id = int(head) if head.isdigit() else 1
        self.username = username
        self.first_name = first_name
        self.host = host
        self.spec: ApiSpec = load_spec(spec_path)

        # switches and knobs
        self.clock: Callable[[], float] = time.time
        self.flood_clock: Callable[[], float] = time.monotonic
        self.flood_control = flood_control
        self.flood_global_per_second = 30
        self.flood_chat_per_second = 1.0
        self.flood_chat_burst = 3
        self.blocked: set[int] = set()
        self._refusals: dict[str, deque[ApiError]] = {}
        self._slow: dict[str, deque[float]] = {}  # method -> seconds to sit on the answer, next calls
        # Telegram refuses answerCallbackQuery this many seconds (by `clock`) after the press
        self.callback_query_timeout = 15.0

        # what tests look at
        self.calls: list[RecordedCall] = []
        self.errors: list[RecordedError] = []
        self.flood_429_count = 0
        self.message_times: list[float] = []  # flood_clock when each accepted message call came in
        self.files: dict[str, StoredFile] = {}
        self.commands: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.chat_actions: list[tuple[int, str]] = []
        self.callback_answers: dict[str, CallbackAnswer] = {}
        self.delivered_at: dict[int, float] = {}  # update_id -> time.monotonic() getUpdates handed it out
        self.users: dict[int, TestUser] = {}
        self.webhook_url = ""
        # set as a getUpdates request arrives (before it is answered): the bot is polling
        self.polling = asyncio.Event()

        # internals
        self._chats: dict[int, dict[str, Any]] = {}
        self._messages: dict[tuple[int, int], _Stored] = {}
        self._last_message_id: dict[int, int] = {}
        self._events: dict[int, asyncio.Queue[BotMessage]] = {}
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._allowed_updates: list[str] | None = None
        self._update_event = asyncio.Event()
        self._poll_generation = 0
        self._stopping = False
        self._queries: dict[str, _PendingQuery] = {}
        self._query_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._flood_window: deque[float] = deque()
        self._flood_buckets: dict[int, tuple[float, float]] = {}
        self._chat_floods: dict[int, float] = {}  # chat -> flood_clock until which it is answered 429
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

        inline_fields = self.spec.type_field_names("InlineKeyboardButton")
        self._inline_actions = [
            f for f in inline_fields if f not in ("text", "icon_custom_emoji_id", "style")
        ]
        keyboard_fields = self.spec.type_field_names("KeyboardButton")
        self._keyboard_requests = [
            f for f in keyboard_fields if f not in ("text", "icon_custom_emoji_id", "style")
        ]
        self._handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "logOut": self._ok,
            "close": self._ok,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "sendLocation": self._send_location,
            "sendChatAction": self._send_chat_action,
            "forwardMessage": self._forward_or_copy,
            "copyMessage": self._forward_or_copy,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setMyDescription": self._set_my_description,
            "getMyDescription": self._get_my_description,
            "setMyShortDescription": self._set_my_short_description,
            "getMyShortDescription": self._get_my_short_description,
            "setMyName": self._set_my_name,
            "getMyName": self._get_my_name,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
            "getFile": self._get_file,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
        }

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        if self._runner is not None:
            return
        self._stopping = False
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._route)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, 0)
        await site.start()
        self._runner = runner
        self._port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        """Release held long polls, then shut the server down."""
        self._stopping = True
        self._wake_pollers()
        for pending in self._queries.values():
            if not pending.future.done():
                pending.future.cancel()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await asyncio.sleep(0)  # let released polls answer
            await runner.cleanup()

    async def __aenter__(self) -> BotAPIEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        if self._port is None:
            raise RuntimeError("BotAPIEmulator is not started")
        return f"http://{self.host}:{self._port}"

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)`` / ``Bot(base_url=...)``."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)`` / ``Bot(base_file_url=...)``."""
        return f"{self.url}/file/bot"

    def now(self) -> int:
        return int(self.clock())

    # ------------------------------------------------------------------ test-side API

    def user(
        self,
        user_id: int,
        first_name: str,
        *,
        language_code: str | None = "en",
        username: str | None = None,
        last_name: str | None = None,
    ) -> TestUser:
        """A Telegram user with a private chat (chat id == user id). Same id -> same TestUser."""
        existing = self.users.get(user_id)
        if existing is not None:
            return existing
        user = TestUser(
            self,
            user_id,
            first_name,
            language_code=language_code,
            username=username,
            last_name=last_name,
        )
        self.users[user_id] = user
        self._chats[user_id] = user.chat_json()
        return user

    def messages(self, chat_id: int, *, include_deleted: bool = False) -> list[BotMessage]:
        """Bot messages in a chat, oldest first, in their current state."""
        return [
            stored.snapshot()
            for (cid, _), stored in sorted(self._messages.items())
            if cid == chat_id and stored.from_bot and (include_deleted or not stored.deleted)
        ]

    def message(self, chat_id: int, message_id: int) -> BotMessage | None:
        stored = self._messages.get((chat_id, message_id))
        return stored.snapshot() if stored is not None and stored.from_bot else None

    def refuse_next(
        self, method: str, description: str = "Bad Request: message can't be edited", status: int = 400
    ) -> None:
        """The next call to `method` fails as Telegram can fail it (an edit of a message too old to
        edit, or one the user deleted); it is recorded in `errors` like any refusal."""
        self._refusals.setdefault(method, deque()).append(ApiError(status, description))

    def slow_next(self, method: str, seconds: float) -> None:
        """The next call to `method` is carried out at once but answered only after `seconds`: a slow
        Telegram, where the bot may give up waiting for an answer to something that happened."""
        self._slow.setdefault(method, deque()).append(seconds)

    def flood_chat(self, chat_id: int, seconds: float) -> None:
        """From now on, for `seconds`, every message to this chat is answered 429 with what is left to
        wait (whether or not flood_control is on); other chats are untouched."""
        self._chat_floods[chat_id] = self.flood_clock() + seconds

    def peak_messages_per_second(self, window: float = 1.0) -> int:
        """The most message calls (sends, edits, copies, forwards) accepted within any `window` s."""
        times = sorted(self.message_times)
        peak = first = 0
        for last, at in enumerate(times):
            while at - times[first] >= window:
                first += 1
            peak = max(peak, last - first + 1)
        return peak

    def calls_to(self, method: str) -> list[RecordedCall]:
        return [call for call in self.calls if call.method == method]

    def assert_no_errors(self, *, ignore_flood: bool = False, ignore_expired_queries: bool = False) -> None:
        """No rejected call; optionally except 429s, and answers to callback queries that were too
        old (or answered already: after a crash, a press can be handled twice)."""
        errors = [
            e
            for e in self.errors
            if not (ignore_flood and e.status == 429)
            and not (ignore_expired_queries and e.method == "answerCallbackQuery" and e.description == _QUERY_INVALID)
        ]
        if errors:
            lines = "\n".join(
                f"  {e.method} -> {e.status} {e.description}; params={e.params}" for e in errors
            )
            raise AssertionError(f"the bot made {len(errors)} rejected Bot API call(s):\n{lines}")

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        return copy.deepcopy(self._updates)

    def queue_update(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update (``{"message": {...}}`` etc.); update_id is added. Returns the update."""
        update = {"update_id": next(self._update_ids), **payload}
        self._updates.append(update)
        self._wake_pollers()
        return update

    # ------------------------------------------------------------------ helpers used by TestUser

    def _events_for(self, chat_id: int) -> asyncio.Queue[BotMessage]:
        queue = self._events.get(chat_id)
        if queue is None:
            queue = self._events[chat_id] = asyncio.Queue()
        return queue

    def _next_message_id(self, chat_id: int) -> int:
        value = self._last_message_id.get(chat_id, 0) + 1
        self._last_message_id[chat_id] = value
        return value

    def _bot_user_json(self) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": self.first_name, "username": self.username}

    def _store_user_message(self, chat_id: int, payload: dict[str, Any]) -> dict[str, Any]:
        """Create a message from a user in its private chat; returns the Message JSON."""
        user = self.users[chat_id]
        message_id = self._next_message_id(chat_id)
        msg = {
            "message_id": message_id,
            "from": user.json(),
            "chat": copy.deepcopy(self._chats[chat_id]),
            "date": self.now(),
            **payload,
        }
        self._messages[(chat_id, message_id)] = _Stored(
            chat_id=chat_id,
            message_id=message_id,
            from_bot=False,
            json=msg,
            text=payload.get("text", payload.get("caption")),
        )
        return copy.deepcopy(msg)

    def _stored_bot_message(self, chat_id: int, message_id: int) -> _Stored | None:
        stored = self._messages.get((chat_id, message_id))
        return stored if stored is not None and stored.from_bot else None

    def _new_callback_query(self, chat_id: int) -> tuple[str, asyncio.Future[CallbackAnswer]]:
        query_id = f"{self.bot_id}{next(self._query_ids):08d}"
        future: asyncio.Future[CallbackAnswer] = asyncio.get_running_loop().create_future()
        self._queries[query_id] = _PendingQuery(chat_id, future, self.clock())
        return query_id, future

    def _store_file(self, data: bytes, file_name: str | None, mime_type: str | None, kind: str) -> StoredFile:
        n = next(self._file_ids)
        prefix = {"document": "BQACAgIAAx", "photo": "AgACAgIAAx"}.get(kind, "CAACAgIAAx")
        ext = Path(file_name).suffix if file_name else (mimetypes.guess_extension(mime_type or "") or "")
        if kind == "photo":
            ext = ext or ".jpg"
        stored = StoredFile(
            file_id=f"{prefix}{self.bot_id}-{n:06d}",
            file_unique_id=f"AgAD{n:06d}",
            data=data,
            file_name=file_name,
            mime_type=mime_type,
            file_path=f"{kind}s/file_{n}{ext}",
        )
        self.files[stored.file_id] = stored
        return stored

    # ------------------------------------------------------------------ HTTP

    async def _route(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        prefix = f"/file/bot{self.token}/"
        if path.startswith("/file/"):
            if request.method == "GET" and path.startswith(prefix):
                file_path = path[len(prefix) :]
                for stored in self.files.values():
                    if stored.file_path == file_path:
                        return web.Response(body=stored.data, content_type="application/octet-stream")
            return _json_error(404, "Not Found")
        match = re.fullmatch(r"/bot([^/]*)/([^/]*)", path)
        if match is None:
            return _json_error(404, "Not Found")
        token, method_name = match.groups()
        started = self.clock()
        try:
            raw, files = await self._read_params(request)
        except ApiError as err:
            return self._reject(method_name, {}, err, started)
        if token != self.token:
            return self._reject(method_name, raw, ApiError(401, "Unauthorized"), started)
        method = self.spec.resolve(method_name)
        if method is None:
            return self._reject(method_name, raw, ApiError(404, "Not Found"), started)
        params: dict[str, Any] = dict(raw)
        try:
            params = self.spec.coerce(method, raw, files)
            result = await self._dispatch(method, params)
        except ApiError as err:
            return self._reject(method.name, params, err, started)
        self.calls.append(RecordedCall(method.name, params, started, 200, None, result))
        _LOG.debug("%s %s -> ok", method.name, params)
        return web.json_response({"ok": True, "result": result})

    async def _read_params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
        raw: dict[str, Any] = dict(request.query)
        files: dict[str, UploadedFile] = {}
        if not request.body_exists:
            return raw, files
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON body") from None
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: JSON body must be an object")
            raw.update(body)
            return raw, files
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = UploadedFile(key, value.filename, value.content_type, value.file.read())
            else:
                raw[key] = value
        return raw, files

    def _reject(self, method: str, params: dict[str, Any], err: ApiError, started: float) -> web.Response:
        self.calls.append(RecordedCall(method, params, started, err.status, err.description))
        self.errors.append(RecordedError(method, params, err.description, err.status))
        _LOG.info("%s rejected: %s %s (params=%s)", method, err.status, err.description, params)
        return _json_error(err.status, err.description, err.retry_after)

    async def _dispatch(self, method: Method, params: dict[str, Any]) -> Any:
        name = method.name
        if self._refusals.get(name):
            raise self._refusals[name].popleft()
        counted = name.startswith(_FLOOD_PREFIXES) and name != "sendChatAction"
        chat_id = params.get("chat_id")
        chat_key = chat_id if isinstance(chat_id, int) else None
        received = self.flood_clock()
        if counted and chat_key in self._chat_floods:
            self._chat_flood_check(chat_key, received)
        if counted and self.flood_control:
            self._flood_check(chat_key)
        handler = self._handlers.get(name, self._generic)
        result = await handler(params, method)
        if counted:
            self.message_times.append(received)
        if counted and self.flood_control:
            self._flood_commit(chat_key)
        if self._slow.get(name):
            await asyncio.sleep(self._slow[name].popleft())
        return result

    # ------------------------------------------------------------------ flood control

    def _bucket(self, chat_id: int, now: float) -> float:
        tokens, last = self._flood_buckets.get(chat_id, (float(self.flood_chat_burst), now))
        return min(float(self.flood_chat_burst), tokens + (now - last) * self.flood_chat_per_second)

    def _flood_check(self, chat_id: int | None) -> None:
        now = self.flood_clock()
        window = self._flood_window
        while window and window[0] <= now - 1.0:
            window.popleft()
        retry: float | None = None
        if len(window) >= self.flood_global_per_second:
            retry = window[0] + 1.0 - now
        elif chat_id is not None:
            tokens = self._bucket(chat_id, now)
            if tokens < 1.0:
                retry = (1.0 - tokens) / self.flood_chat_per_second
        if retry is not None:
            self.flood_429_count += 1
            seconds = max(1, math.ceil(retry))
            raise ApiError(429, f"Too Many Requests: retry after {seconds}", retry_after=seconds)

    def _chat_flood_check(self, chat_id: int, now: float) -> None:
        left = self._chat_floods[chat_id] - now
        if left <= 0:
            del self._chat_floods[chat_id]
            return
        self.flood_429_count += 1
        seconds = max(1, math.ceil(left))
        raise ApiError(429, f"Too Many Requests: retry after {seconds}", retry_after=seconds)

    def _flood_commit(self, chat_id: int | None) -> None:
        now = self.flood_clock()
        self._flood_window.append(now)
        if chat_id is not None:
            self._flood_buckets[chat_id] = (self._bucket(chat_id, now) - 1.0, now)

    # ------------------------------------------------------------------ validation helpers

    def _target_chat(self, params: dict[str, Any], *, deliver: bool, key: str = "chat_id") -> dict[str, Any]:
        chat_id = params.get(key)
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        if deliver and chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _parse_text(
        self,
        raw: str,
        parse_mode: str | None,
        entities: list[Any] | None,
        *,
        caption: bool,
    ) -> ParsedText:
        mode = (parse_mode or "").lower()
        if mode == "html":
            try:
                parsed = parse_html(raw)
            except FormattingError as err:
                raise ApiError(400, f"Bad Request: can't parse entities: {err}") from None
        elif mode in ("markdownv2", "markdown"):
            parsed = parse_markdown(raw, v2=mode == "markdownv2")
        elif mode:
            raise ApiError(400, "Bad Request: unsupported parse_mode")
        else:
            if entities is not None and not all(isinstance(e, dict) for e in entities):
                raise ApiError(400, "Bad Request: can't parse entities JSON object")
            parsed = ParsedText(raw, list(entities or []))
        if not caption and not parsed.text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        limit = CAPTION_LIMIT if caption else TEXT_LIMIT
        if utf16_len(parsed.text) > limit:
            raise ApiError(
                400,
                "Bad Request: message caption is too long" if caption else "Bad Request: message is too long",
            )
        return parsed

    def _markup(self, value: Any, *, inline_only: bool = False) -> Markup | None:
        if value is None:
            return None
        return parse_markup(
            value,
            inline_actions=self._inline_actions,
            keyboard_requests=self._keyboard_requests,
            inline_only=inline_only,
        )

    def _reply_to(self, chat_id: int, params: dict[str, Any]) -> dict[str, Any] | None:
        reply = params.get("reply_parameters")
        if not isinstance(reply, dict) or "message_id" not in reply:
            return None
        target_chat = reply.get("chat_id", chat_id)
        stored = (
            self._messages.get((target_chat, reply["message_id"])) if isinstance(target_chat, int) else None
        )
        if stored is None or stored.deleted:
            if reply.get("allow_sending_without_reply"):
                return None
            raise ApiError(400, "Bad Request: message to be replied not found")
        quoted = copy.deepcopy(stored.json)
        quoted.pop("reply_to_message", None)
        return quoted

    def _resolve_input_file(self, value: Any, kind: str) -> StoredFile:
        if isinstance(value, UploadedFile):
            if not value.data:
                raise ApiError(400, "Bad Request: file must be non-empty")
            return self._store_file(value.data, value.filename, value.content_type, kind)
        if isinstance(value, str) and value in self.files:
            return self.files[value]
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            name = Path(urlsplit(value).path).name or None
            return self._store_file(b"", name, mimetypes.guess_type(value)[0], kind)
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    def _new_bot_message(
        self,
        chat: dict[str, Any],
        params: dict[str, Any],
        content: dict[str, Any],
        **state: Any,
    ) -> _Stored:
        chat_id = chat["id"]
        reply_to = self._reply_to(chat_id, params)
        markup: Markup | None = state.get("markup")
        message_id = self._next_message_id(chat_id)
        msg: dict[str, Any] = {
            "message_id": message_id,
            "from": self._bot_user_json(),
            "chat": copy.deepcopy(chat),
            "date": self.now(),
        }
        if reply_to is not None:
            msg["reply_to_message"] = reply_to
        msg.update({k: v for k, v in content.items() if v not in (None, [])})
        if markup is not None and markup.kind == "inline":
            msg["reply_markup"] = copy.deepcopy(markup.raw)
        stored = _Stored(chat_id=chat_id, message_id=message_id, from_bot=True, json=msg, **state)
        self._messages[(chat_id, message_id)] = stored
        self._events_for(chat_id).put_nowait(stored.snapshot())
        return stored

    def _editable(self, params: dict[str, Any]) -> _Stored | None:
        """The bot message an edit* call targets, or None for inline messages."""
        if params.get("inline_message_id") is not None:
            return None
        if params.get("chat_id") is None or params.get("message_id") is None:
            raise ApiError(400, "Bad Request: message identifier is not specified")
        chat = self._target_chat(params, deliver=True)
        stored = self._messages.get((chat["id"], params["message_id"]))
        if stored is None or stored.deleted:
            raise ApiError(400, "Bad Request: message to edit not found")
        if not stored.from_bot:
            raise ApiError(400, "Bad Request: message can't be edited")
        return stored

    def _finish_edit(self, stored: _Stored) -> dict[str, Any]:
        stored.json["edit_date"] = self.now()
        if stored.inline_markup is not None:
            stored.json["reply_markup"] = copy.deepcopy(stored.inline_markup)
        else:
            stored.json.pop("reply_markup", None)
        self._events_for(stored.chat_id).put_nowait(stored.snapshot(edited=True))
        return copy.deepcopy(stored.json)

    # ------------------------------------------------------------------ methods

    async def _ok(self, params: dict[str, Any], method: Method) -> Any:
        return True

    async def _get_me(self, params: dict[str, Any], method: Method) -> Any:
        return {
            **self._bot_user_json(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _wake_pollers(self) -> None:
        event, self._update_event = self._update_event, asyncio.Event()
        event.set()

    def _deliverable(self, limit: int) -> list[dict[str, Any]]:
        allowed = self._allowed_updates
        out = []
        for update in self._updates:
            kind = next((k for k in update if k != "update_id"), "")
            if (kind in allowed) if allowed else (kind not in _NOT_DEFAULT_UPDATES):
                out.append(copy.deepcopy(update))
                if len(out) >= limit:
                    break
        return out

    async def _get_updates(self, params: dict[str, Any], method: Method) -> Any:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        self.polling.set()
        offset = params.get("offset")
        if isinstance(offset, int) and offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif isinstance(offset, int) and offset < 0:
            self._updates = self._updates[offset:]
        limit = min(max(int(params.get("limit", 100)), 1), 100)
        timeout = max(int(params.get("timeout", 0)), 0)
        if "allowed_updates" in params:
            self._allowed_updates = list(params["allowed_updates"]) or None
        # a newer getUpdates ends older held ones (they get an empty answer)
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake_pollers()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = self._update_event
            found = self._deliverable(limit)
            if found or self._stopping or generation != self._poll_generation:
                if generation != self._poll_generation:
                    return []
                handed_out = time.monotonic()
                for update in found:
                    self.delivered_at.setdefault(update["update_id"], handed_out)
                return found
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                return []

    async def _set_webhook(self, params: dict[str, Any], method: Method) -> Any:
        self.webhook_url = params.get("url", "")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _delete_webhook(self, params: dict[str, Any], method: Method) -> Any:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, params: dict[str, Any], method: Method) -> Any:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    async def _send_message(self, params: dict[str, Any], method: Method) -> Any:
        chat = self._target_chat(params, deliver=True)
        parsed = self._parse_text(
            params["text"], params.get("parse_mode"), params.get("entities"), caption=False
        )
        markup = self._markup(params.get("reply_markup"))
        stored = self._new_bot_message(
            chat,
            params,
            {"text": parsed.text, "entities": parsed.entities},
            html=params["text"],
            parse_mode=params.get("parse_mode"),
            text=parsed.text,
            entities=parsed.entities,
            markup=markup,
        )
        return copy.deepcopy(stored.json)

    def _caption(self, params: dict[str, Any]) -> ParsedText | None:
        caption = params.get("caption")
        if caption is None:
            return None
        return self._parse_text(
            caption, params.get("parse_mode"), params.get("caption_entities"), caption=True
        )

    async def _send_document(self, params: dict[str, Any], method: Method) -> Any:
        chat = self._target_chat(params, deliver=True)
        caption = self._caption(params)
        markup = self._markup(params.get("reply_markup"))
        file = self._resolve_input_file(params["document"], "document")
        document = {
            "file_id": file.file_id,
            "file_unique_id": file.file_unique_id,
            "file_name": file.file_name,
            "mime_type": file.mime_type,
            "file_size": file.file_size,
        }
        stored = self._new_bot_message(
            chat,
            params,
            {
                "document": {k: v for k, v in document.items() if v is not None},
                "caption": caption.text if caption else None,
                "caption_entities": caption.entities if caption else None,
            },
            html=params.get("caption"),
            parse_mode=params.get("parse_mode"),
            text=caption.text if caption else None,
            entities=caption.entities if caption else [],
            markup=markup,
            document=DocumentInfo(file.file_name, file.mime_type, file.data, file.file_id),
        )
        return copy.deepcopy(stored.json)

    async def _send_photo(self, params: dict[str, Any], method: Method) -> Any:
        chat = self._target_chat(params, deliver=True)
        caption = self._caption(params)
        markup = self._markup(params.get("reply_markup"))
        file = self._resolve_input_file(params["photo"], "photo")
        sizes = [
            {
                "file_id": file.file_id,
                "file_unique_id": file.file_unique_id,
                "file_size": file.file_size,
                "width": 800,
                "height": 600,
            }
        ]
        stored = self._new_bot_message(
            chat,
            params,
            {
                "photo": sizes,
                "caption": caption.text if caption else None,
                "caption_entities": caption.entities if caption else None,
            },
            html=params.get("caption"),
            parse_mode=params.get("parse_mode"),
            text=caption.text if caption else None,
            entities=caption.entities if caption else [],
            markup=markup,
            photo=file.data,
        )
        return copy.deepcopy(stored.json)

    async def _send_location(self, params: dict[str, Any], method: Method) -> Any:
        chat = self._target_chat(params, deliver=True)
        lat, lon = params["latitude"], params["longitude"]
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ApiError(400, "Bad Request: wrong latitude or longitude")
        markup = self._markup(params.get("reply_markup"))
        stored = self._new_bot_message(
            chat,
            params,
            {"location": {"latitude": lat, "longitude": lon}},
            markup=markup,
            location=(lat, lon),
        )
        return copy.deepcopy(stored.json)

    async def _send_chat_action(self, params: dict[str, Any], method: Method) -> Any:
        chat = self._target_chat(params, deliver=True)
        if params["action"] not in _CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        self.chat_actions.append((chat["id"], params["action"]))
        return True

    async def _forward_or_copy(self, params: dict[str, Any], method: Method) -> Any:
        chat = self._target_chat(params, deliver=True)
        source_chat = self._target_chat(params, deliver=False, key="from_chat_id")
        source = self._messages.get((source_chat["id"], params["message_id"]))
        verb = "forward" if method.name == "forwardMessage" else "copy"
        if source is None or source.deleted:
            raise ApiError(400, f"Bad Request: message to {verb} not found")
        content = {
            k: v
            for k, v in source.json.items()
            if k in ("text", "entities", "caption", "document", "photo", "location", "contact")
        }
        stored = self._new_bot_message(
            chat,
            params,
            content,
            text=source.text,
            entities=list(source.entities),
            markup=self._markup(params.get("reply_markup")),
            document=source.document,
            photo=source.photo,
            location=source.location,
        )
        return {"message_id": stored.message_id} if verb == "copy" else copy.deepcopy(stored.json)

    async def _edit_message_text(self, params: dict[str, Any], method: Method) -> Any:
        stored = self._editable(params)
        if "text" not in params:
            raise ApiError(400, "Bad Request: message text is empty")
        parsed = self._parse_text(
            params["text"], params.get("parse_mode"), params.get("entities"), caption=False
        )
        markup = self._markup(params.get("reply_markup"), inline_only=True)
        if stored is None:
            return True
        if stored.json.get("text") is None:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        new_markup = markup.raw if markup else None
        if (
            parsed.text == stored.text
            and parsed.entities == stored.entities
            and new_markup == stored.inline_markup
        ):
            raise ApiError(400, _NOT_MODIFIED)
        stored.text, stored.entities = parsed.text, parsed.entities
        stored.html, stored.parse_mode, stored.markup = params["text"], params.get("parse_mode"), markup
        stored.json["text"] = parsed.text
        if parsed.entities:
            stored.json["entities"] = parsed.entities
        else:
            stored.json.pop("entities", None)
        return self._finish_edit(stored)

    async def _edit_message_caption(self, params: dict[str, Any], method: Method) -> Any:
        stored = self._editable(params)
        caption = self._caption(params)
        markup = self._markup(params.get("reply_markup"), inline_only=True)
        if stored is None:
            return True
        if not stored.has_media:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        new_text = caption.text if caption else None
        new_entities = caption.entities if caption else []
        new_markup = markup.raw if markup else None
        if new_text == stored.text and new_entities == stored.entities and new_markup == stored.inline_markup:
            raise ApiError(400, _NOT_MODIFIED)
        stored.text, stored.entities, stored.markup = new_text, new_entities, markup
        stored.html, stored.parse_mode = params.get("caption"), params.get("parse_mode")
        for key, value in (("caption", new_text), ("caption_entities", new_entities)):
            if value:
                stored.json[key] = value
            else:
                stored.json.pop(key, None)
        return self._finish_edit(stored)

    async def _edit_message_reply_markup(self, params: dict[str, Any], method: Method) -> Any:
        stored = self._editable(params)
        markup = self._markup(params.get("reply_markup"), inline_only=True)
        if stored is None:
            return True
        if (markup.raw if markup else None) == stored.inline_markup:
            raise ApiError(400, _NOT_MODIFIED)
        stored.markup = markup
        return self._finish_edit(stored)

    async def _delete_message(self, params: dict[str, Any], method: Method) -> Any:
        chat = self._target_chat(params, deliver=False)
        stored = self._messages.get((chat["id"], params["message_id"]))
        if stored is None or stored.deleted:
            raise ApiError(400, "Bad Request: message to delete not found")
        stored.deleted = True
        return True

    async def _answer_callback_query(self, params: dict[str, Any], method: Method) -> Any:
        pending = self._queries.get(params["callback_query_id"])
        if pending is None or pending.answered or self.clock() - pending.pressed_at > self.callback_query_timeout:
            raise ApiError(400, _QUERY_INVALID)
        text = params.get("text")
        if text is not None and utf16_len(text) > CALLBACK_TEXT_LIMIT:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        pending.answered = True
        answer = CallbackAnswer(
            text=strip_bidi(text) if text else None,
            show_alert=bool(params.get("show_alert", False)),
            url=params.get("url"),
            cache_time=params.get("cache_time"),
        )
        self.callback_answers[params["callback_query_id"]] = answer
        if not pending.future.done():
            pending.future.set_result(answer)
        return True

    @staticmethod
    def _scope_key(scope: Any) -> str:
        if not isinstance(scope, dict):
            return "default"
        kind = str(scope.get("type", "default"))
        if kind in ("chat", "chat_administrators"):
            return f"{kind}:{scope.get('chat_id')}"
        if kind == "chat_member":
            return f"chat_member:{scope.get('chat_id')}:{scope.get('user_id')}"
        return kind

    async def _set_my_commands(self, params: dict[str, Any], method: Method) -> Any:
        commands = params["commands"]
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: too many commands")
        parsed: list[tuple[str, str]] = []
        for cmd in commands:
            if not isinstance(cmd, dict):
                raise ApiError(400, "Bad Request: can't parse BotCommand JSON object")
            name, description = cmd.get("command"), cmd.get("description")
            if not isinstance(name, str) or not _COMMAND_RE.fullmatch(name):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description) <= 256:
                raise ApiError(400, "Bad Request: command description must be 1-256 characters")
            parsed.append((name, description))
        key = (self._scope_key(params.get("scope")), params.get("language_code", ""))
        if parsed:
            self.commands[key] = parsed
        else:
            self.commands.pop(key, None)
        return True

    async def _get_my_commands(self, params: dict[str, Any], method: Method) -> Any:
        key = (self._scope_key(params.get("scope")), params.get("language_code", ""))
        return [{"command": c, "description": d} for c, d in self.commands.get(key, [])]

    async def _delete_my_commands(self, params: dict[str, Any], method: Method) -> Any:
        self.commands.pop((self._scope_key(params.get("scope")), params.get("language_code", "")), None)
        return True

    def _set_text(self, store: dict[str, str], params: dict[str, Any], key: str, limit: int) -> bool:
        value = params.get(key, "")
        if len(value) > limit:
            raise ApiError(400, f"Bad Request: {key} is too long (at most {limit} characters)")
        lang = params.get("language_code", "")
        if value:
            store[lang] = value
        else:
            store.pop(lang, None)
        return True

    async def _set_my_description(self, params: dict[str, Any], method: Method) -> Any:
        return self._set_text(self.descriptions, params, "description", 512)

    async def _get_my_description(self, params: dict[str, Any], method: Method) -> Any:
        return {"description": self.descriptions.get(params.get("language_code", ""), "")}

    async def _set_my_short_description(self, params: dict[str, Any], method: Method) -> Any:
        return self._set_text(self.short_descriptions, params, "short_description", 120)

    async def _get_my_short_description(self, params: dict[str, Any], method: Method) -> Any:
        return {"short_description": self.short_descriptions.get(params.get("language_code", ""), "")}

    async def _set_my_name(self, params: dict[str, Any], method: Method) -> Any:
        return self._set_text(self.names, params, "name", 64)

    async def _get_my_name(self, params: dict[str, Any], method: Method) -> Any:
        lang = params.get("language_code", "")
        return {"name": self.names.get(lang, self.names.get("", self.first_name))}

    async def _set_chat_menu_button(self, params: dict[str, Any], method: Method) -> Any:
        chat_id = None
        if params.get("chat_id") is not None:
            chat_id = self._target_chat(params, deliver=False)["id"]
        button = params.get("menu_button", {"type": "default"})
        if not isinstance(button, dict) or button.get("type") not in ("default", "commands", "web_app"):
            raise ApiError(400, "Bad Request: can't parse menu button JSON object")
        self.menu_buttons[chat_id] = button
        return True

    async def _get_chat_menu_button(self, params: dict[str, Any], method: Method) -> Any:
        chat_id = params.get("chat_id")
        return self.menu_buttons.get(chat_id, self.menu_buttons.get(None, {"type": "default"}))

    async def _get_file(self, params: dict[str, Any], method: Method) -> Any:
        stored = self.files.get(params["file_id"])
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
            "file_path": stored.file_path,
        }

    async def _get_chat(self, params: dict[str, Any], method: Method) -> Any:
        chat = self._target_chat(params, deliver=False)
        gifts = {name: False for name in self.spec.type_field_names("AcceptedGiftTypes")}
        return {**chat, "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": gifts}

    async def _get_chat_member(self, params: dict[str, Any], method: Method) -> Any:
        chat = self._target_chat(params, deliver=False)
        user_id = params["user_id"]
        if user_id == self.bot_id:
            return {"status": "member", "user": self._bot_user_json()}
        if user_id != chat["id"] or user_id not in self.users:
            raise ApiError(400, "Bad Request: user not found")
        return {"status": "member", "user": self.users[user_id].json()}

    async def _generic(self, params: dict[str, Any], method: Method) -> Any:
        """Any other method: parameters were validated; answer like Telegram would, roughly."""
        chat: dict[str, Any] | None = None
        if "chat_id" in method.fields and params.get("chat_id") is not None:
            chat = self._target_chat(params, deliver=method.name.startswith(_FLOOD_PREFIXES))
        returns = method.returns
        if chat is not None and returns and returns[0] == "Message" and method.name.startswith("send"):
            caption = self._caption(params)
            stored = self._new_bot_message(
                chat,
                params,
                {"caption": caption.text if caption else None},
                html=params.get("caption"),
                parse_mode=params.get("parse_mode"),
                text=caption.text if caption else None,
                entities=caption.entities if caption else [],
                markup=self._markup(params.get("reply_markup")),
            )
            return copy.deepcopy(stored.json)
        if returns and returns[0].startswith("Array of"):
            return []
        return True


def _json_error(status: int, description: str, retry_after: int | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)
