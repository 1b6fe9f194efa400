"""A Telegram Bot API emulator for tests: a real HTTP server PTB can talk to, plus simulated users.

async with BotAPIEmulator() as emu:
    app = (ApplicationBuilder().token(emu.token).base_url(emu.base_url)
           .base_file_url(emu.base_file_url).build())
    alice = emu.user(1001, "Alice", language_code="ko")
    ...  # start the app + updater.start_polling(poll_interval=0)
    await alice.send("/start")
    reply = await alice.next_reply()
    answer = await alice.press("한국어")
    emu.assert_no_errors()
"""

from .formatting import FormattingError, ParsedText, parse_html, utf16_len
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
from .server import DEFAULT_TOKEN, BotAPIEmulator
from .user import TestUser

__all__ = [
    "DEFAULT_TOKEN",
    "ApiError",
    "BotAPIEmulator",
    "BotMessage",
    "CallbackAnswer",
    "DocumentInfo",
    "FormattingError",
    "ParsedText",
    "RecordedCall",
    "RecordedError",
    "StoredFile",
    "TestUser",
    "UploadedFile",
    "parse_html",
    "utf16_len",
]
