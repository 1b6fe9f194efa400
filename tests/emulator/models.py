"""Plain data the emulator hands to tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ApiError",
    "BotMessage",
    "CallbackAnswer",
    "DocumentInfo",
    "RecordedCall",
    "RecordedError",
    "StoredFile",
    "UploadedFile",
]


class ApiError(Exception):
    """Raised inside the emulator to answer a call with ``{"ok": false, ...}``."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


@dataclass(frozen=True)
class UploadedFile:
    """One multipart file part of a request."""

    part_name: str
    filename: str | None
    content_type: str | None
    data: bytes

    def __repr__(self) -> str:
        return f"UploadedFile({self.filename!r}, {self.content_type!r}, {len(self.data)} bytes)"


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    file_name: str | None
    mime_type: str | None
    file_path: str

    @property
    def file_size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class DocumentInfo:
    filename: str | None
    mime_type: str | None
    data: bytes
    file_id: str

    def __repr__(self) -> str:
        return f"DocumentInfo({self.filename!r}, {self.mime_type!r}, {len(self.data)} bytes)"


@dataclass(frozen=True)
class CallbackAnswer:
    """What the bot passed to answerCallbackQuery."""

    text: str | None
    show_alert: bool
    url: str | None = None
    cache_time: int | None = None


@dataclass
class RecordedCall:
    method: str
    params: dict[str, Any]
    time: float
    status: int
    description: str | None = None
    result: Any = None

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass
class RecordedError:
    method: str
    params: dict[str, Any]
    description: str
    status: int


Button = tuple[str, str | None]


@dataclass(eq=False)
class BotMessage:
    """A snapshot of a message the bot sent (or of its state right after an edit)."""

    message_id: int
    chat_id: int
    text: str | None
    html: str | None
    parse_mode: str | None
    buttons: list[list[Button]] = field(default_factory=list)
    reply_keyboard: list[list[str]] | None = None
    remove_keyboard: bool = False
    force_reply: bool = False
    document: DocumentInfo | None = None
    photo: bytes | None = None
    location: tuple[float, float] | None = None
    edited: bool = False
    deleted: bool = False
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None  # as the bot sent it, any kind
    raw: dict[str, Any] = field(default_factory=dict)  # the Message JSON Telegram would return
    # `text` and `html` leave out the bidi marks (bot/bidi.py), so tests compare them with plain
    # expectations; these keep them, as a client gets them, for tests of reading order.
    sent_text: str | None = None
    sent_html: str | None = None

    @property
    def labels(self) -> list[str]:
        """All inline button labels, row by row."""
        return [label for row in self.buttons for label, _ in row]

    def button(self, label: str) -> Button:
        for row in self.buttons:
            for button in row:
                if button[0] == label:
                    return button
        raise AssertionError(f"no inline button {label!r} on {self!r}; labels: {self.labels}")

    def __repr__(self) -> str:
        flags = "".join(
            f" [{flag}]" for flag, on in (("edited", self.edited), ("deleted", self.deleted)) if on
        )
        body = self.text if self.text is not None else ""
        if len(body) > 120:
            body = body[:117] + "..."
        parts = [f"#{self.message_id} chat={self.chat_id}{flags} {body!r}"]
        if self.document is not None:
            parts.append(f"document={self.document.filename!r}")
        if self.photo is not None:
            parts.append(f"photo={len(self.photo)} bytes")
        if self.location is not None:
            parts.append(f"location={self.location}")
        if self.buttons:
            parts.append("buttons=" + " / ".join(" | ".join(lbl for lbl, _ in row) for row in self.buttons))
        if self.reply_keyboard is not None:
            parts.append("keyboard=" + " / ".join(" | ".join(row) for row in self.reply_keyboard))
        if self.remove_keyboard:
            parts.append("remove_keyboard")
        if self.force_reply:
            parts.append("force_reply")
        return f"BotMessage({', '.join(parts)})"
