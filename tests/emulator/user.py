"""TestUser: one Telegram user talking to the bot in a private chat."""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING, Any

from .formatting import strip_bidi, utf16_len
from .models import BotMessage, CallbackAnswer

if TYPE_CHECKING:
    from .server import BotAPIEmulator

__all__ = ["TestUser"]

_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,64})?(?=\s|$)")


class TestUser:
    """Drives a conversation: ``await alice.send("/start")`` then ``await alice.next_reply()``."""

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        emulator: BotAPIEmulator,
        user_id: int,
        first_name: str,
        *,
        language_code: str | None = "en",
        username: str | None = None,
        last_name: str | None = None,
    ) -> None:
        self.emulator = emulator
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code

    def __repr__(self) -> str:
        return f"TestUser({self.id}, {self.first_name!r})"

    @property
    def chat_id(self) -> int:
        return self.id

    def json(self) -> dict[str, Any]:
        """The User object Telegram would put in ``from``."""
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data

    def chat_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name is not None:
            data["last_name"] = self.last_name
        if self.username is not None:
            data["username"] = self.username
        return data

    # ------------------------------------------------------------------ what the user does

    async def _post(self, payload: dict[str, Any]) -> dict[str, Any]:
        message = self.emulator._store_user_message(self.id, payload)
        self.emulator.queue_update({"message": message})
        await asyncio.sleep(0)
        return message

    async def send(self, text: str, *, reply_to: BotMessage | int | None = None) -> dict[str, Any]:
        """Send a text message; a leading /command gets a bot_command entity. Returns the Message JSON."""
        payload: dict[str, Any] = {"text": text}
        match = _COMMAND_RE.match(text)
        if match:
            payload["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group())}]
        if reply_to is not None:
            message_id = reply_to if isinstance(reply_to, int) else reply_to.message_id
            stored = self.emulator._messages.get((self.id, message_id))
            if stored is None:
                raise AssertionError(f"no message #{message_id} in chat {self.id} to reply to")
            payload["reply_to_message"] = dict(stored.json)
        return await self._post(payload)

    async def share_contact(
        self,
        phone_number: str,
        *,
        user_id: int | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
    ) -> dict[str, Any]:
        """Share a contact; by default the user's own (user_id = own id). Pass user_id to forge."""
        contact: dict[str, Any] = {
            "phone_number": phone_number,
            "first_name": first_name or self.first_name,
            "user_id": self.id if user_id is None else user_id,
        }
        last = last_name if last_name is not None else (self.last_name if user_id is None else None)
        if last is not None:
            contact["last_name"] = last
        return await self._post({"contact": contact})

    async def share_location(self, latitude: float, longitude: float) -> dict[str, Any]:
        return await self._post({"location": {"latitude": latitude, "longitude": longitude}})

    async def send_photo(self, data: bytes = b"\xff\xd8 fake jpeg", *, caption: str | None = None) -> dict[str, Any]:
        stored = self.emulator._store_file(data, None, "image/jpeg", "photo")
        size = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "width": 90, "height": 90}
        payload: dict[str, Any] = {"photo": [{**size, "file_size": len(data)}]}
        if caption is not None:
            payload["caption"] = caption
        return await self._post(payload)

    async def send_sticker(self, emoji: str = "👍") -> dict[str, Any]:
        stored = self.emulator._store_file(b"RIFF fake webp", None, "image/webp", "sticker")
        sticker = {
            "file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "type": "regular",
            "width": 512, "height": 512, "is_animated": False, "is_video": False, "emoji": emoji,
        }  # fmt: skip
        return await self._post({"sticker": sticker})

    async def send_voice(self, seconds: int = 3) -> dict[str, Any]:
        stored = self.emulator._store_file(b"OggS fake voice", None, "audio/ogg", "voice")
        voice = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "duration": seconds}
        return await self._post({"voice": voice})

    async def send_document(
        self,
        filename: str,
        data: bytes,
        *,
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> dict[str, Any]:
        """Upload a document; its file_id works with getFile and the file download URL."""
        stored = self.emulator._store_file(data, filename, mime_type, "document")
        document: dict[str, Any] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": filename,
            "file_size": len(data),
        }
        if mime_type is not None:
            document["mime_type"] = mime_type
        payload: dict[str, Any] = {"document": document}
        if caption is not None:
            payload["caption"] = caption
        return await self._post(payload)

    async def press(
        self,
        label: str,
        *,
        message: BotMessage | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> CallbackAnswer:
        """Press the inline button with this exact label and wait for answerCallbackQuery.

        Looks at ``message`` (current state) or else the newest bot message that has such a button.
        """
        return await self._wait_answer(self.queue_press(label, message=message), label, timeout)

    def queue_press(self, label: str, *, message: BotMessage | None = None) -> asyncio.Future[CallbackAnswer]:
        """Press the button without waiting: presses queued together reach the bot in one getUpdates
        batch (a double tap). Await the result for the answer. Labels compare without bidi controls."""
        label = strip_bidi(label)
        if message is not None:
            target = self._current(message)
        else:
            candidates = [m for m in reversed(self.messages) if label in m.labels]
            if not candidates:
                shown = "; ".join(f"#{m.message_id}: {m.labels}" for m in self.messages if m.labels)
                raise AssertionError(
                    f"{self!r}: no inline button {label!r} in chat {self.id}. "
                    f"Buttons on bot messages: {shown or 'none'}"
                )
            target = candidates[0]
        if label not in target.labels:
            raise AssertionError(f"no inline button {label!r} on {target!r}; labels: {target.labels}")
        raw = self._raw_button(target, label)
        if "callback_data" not in raw:
            raise AssertionError(f"button {label!r} on {target!r} is not a callback button: {raw}")
        return self._queue_callback(target, raw["callback_data"])

    async def press_data(
        self,
        data: str,
        *,
        message: BotMessage | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> CallbackAnswer:
        """Send a callback query with arbitrary (possibly forged) data on a bot message."""
        return await self._wait_answer(self.queue_press_data(data, message=message), data, timeout)

    def queue_press_data(self, data: str, *, message: BotMessage | None = None) -> asyncio.Future[CallbackAnswer]:
        """press_data without waiting (see queue_press)."""
        if message is not None:
            target = self._current(message)
        else:
            messages = self.messages
            if not messages:
                raise AssertionError(f"{self!r}: the bot has sent no message in chat {self.id}")
            target = messages[-1]
        return self._queue_callback(target, data)

    async def tap(
        self,
        label: str,
        *,
        phone_number: str = "+15550000000",
        location: tuple[float, float] = (0.0, 0.0),
    ) -> dict[str, Any]:
        """Tap a reply-keyboard button: sends its text, or the contact/location it requests."""
        keyboard: BotMessage | None = None
        for msg in reversed(self.messages):
            if msg.reply_keyboard is not None or msg.remove_keyboard:
                keyboard = msg
                break
        if keyboard is None or keyboard.reply_keyboard is None:
            raise AssertionError(f"{self!r}: no reply keyboard is shown in chat {self.id}")
        rows: list[list[Any]] = (keyboard.reply_markup or {}).get("keyboard", [])
        for row in rows:
            for button in row:
                text = button if isinstance(button, str) else button.get("text")
                if text != label:
                    continue
                if isinstance(button, dict) and button.get("request_contact"):
                    return await self.share_contact(phone_number)
                if isinstance(button, dict) and button.get("request_location"):
                    return await self.share_location(*location)
                return await self.send(label)
        raise AssertionError(f"no reply keyboard button {label!r}; keyboard: {keyboard.reply_keyboard}")

    def block(self, *, notify: bool = True) -> None:
        """The user blocks the bot: sends now fail with 403 (and a my_chat_member update is queued)."""
        self.emulator.blocked.add(self.id)
        if notify:
            self._member_update("member", "kicked")

    def unblock(self, *, notify: bool = True) -> None:
        self.emulator.blocked.discard(self.id)
        if notify:
            self._member_update("kicked", "member")

    def _member_update(self, old: str, new: str) -> None:
        bot = self.emulator._bot_user_json()

        def member(status: str) -> dict[str, Any]:
            data: dict[str, Any] = {"status": status, "user": bot}
            if status == "kicked":
                data["until_date"] = 0
            return data

        self.emulator.queue_update(
            {
                "my_chat_member": {
                    "chat": self.chat_json(),
                    "from": self.json(),
                    "date": self.emulator.now(),
                    "old_chat_member": member(old),
                    "new_chat_member": member(new),
                }
            }
        )

    # ------------------------------------------------------------------ what the user sees

    @property
    def messages(self) -> list[BotMessage]:
        """All bot messages in this chat (not deleted), oldest first, in their current state."""
        return self.emulator.messages(self.id)

    @property
    def last_message(self) -> BotMessage | None:
        messages = self.messages
        return messages[-1] if messages else None

    async def next_reply(self, timeout: float = 5.0) -> BotMessage:  # noqa: ASYNC109
        """The next thing the bot did in this chat: a new message or an edit (``edited=True``)."""
        queue = self.emulator._events_for(self.id)
        try:
            return await asyncio.wait_for(queue.get(), timeout)
        except TimeoutError:
            errors = [f"{e.method}: {e.description}" for e in self.emulator.errors[-5:]]
            hint = f" Recent rejected calls: {errors}" if errors else ""
            raise AssertionError(f"{self!r}: no reply from the bot within {timeout}s.{hint}") from None

    async def expect_no_reply(self, within: float = 0.3) -> None:
        queue = self.emulator._events_for(self.id)
        try:
            event = await asyncio.wait_for(queue.get(), within)
        except TimeoutError:
            return
        raise AssertionError(f"{self!r}: expected no reply within {within}s, got {event!r}")

    def drain(self) -> list[BotMessage]:
        """Take all events already queued for this chat without waiting."""
        queue = self.emulator._events_for(self.id)
        out: list[BotMessage] = []
        while not queue.empty():
            out.append(queue.get_nowait())
        return out

    # ------------------------------------------------------------------ internals

    def _current(self, message: BotMessage) -> BotMessage:
        current = self.emulator.message(message.chat_id, message.message_id)
        if current is None or current.deleted:
            raise AssertionError(f"{message!r} no longer exists (deleted?)")
        return current

    @staticmethod
    def _raw_button(message: BotMessage, label: str) -> dict[str, Any]:
        for row in message.raw.get("reply_markup", {}).get("inline_keyboard", []):
            for button in row:
                if strip_bidi(button.get("text", "")) == label:
                    return dict(button)
        raise AssertionError(f"no inline button {label!r} on {message!r}")

    def _queue_callback(self, target: BotMessage, data: str) -> asyncio.Future[CallbackAnswer]:
        query_id, future = self.emulator._new_callback_query(self.id)
        self.emulator.queue_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self.json(),
                    "message": target.raw,
                    "chat_instance": f"-{abs(hash((self.emulator.bot_id, self.id))) % 10**18}",
                    "data": data,
                }
            }
        )
        return future

    async def _wait_answer(self, future: asyncio.Future[CallbackAnswer], data: str, timeout: float) -> CallbackAnswer:  # noqa: ASYNC109
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout)
        except TimeoutError:
            raise AssertionError(
                f"{self!r}: the bot did not answer the callback query {data!r} "
                f"within {timeout}s (answerCallbackQuery was never called)"
            ) from None
