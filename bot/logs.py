"""Logging set-up: one format, quiet HTTP libraries, and the bot token redacted everywhere."""

from __future__ import annotations

import logging
import sys

REDACTED = "<redacted-token>"


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then removes the token from the line and any traceback it carries."""

    def __init__(self, fmt: str, secrets: list[str]) -> None:
        super().__init__(fmt)
        self._secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


class _DropException(logging.Filter):
    """Drops records that carry one kind of exception: one the caller reports itself, in a line of its own."""

    def __init__(self, kind: type[BaseException]) -> None:
        super().__init__()
        self._kind = kind

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], self._kind))


def drop_exception(kind: type[BaseException]) -> None:
    """Keeps tracebacks of `kind` out of the log (configure() first)."""
    for handler in logging.getLogger().handlers:
        handler.addFilter(_DropException(kind))


def configure(token: str, level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", [token]))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO, and the URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
