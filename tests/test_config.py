"""Configuration: defaults, .env files, and a clear refusal of every bad value."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.config import ConfigError, environment, load_settings, read_dotenv
from bot.logs import REDACTED, RedactingFormatter

TOKEN = "123456:SECRET-token-value"


def test_defaults() -> None:
    s = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert s.api_base_url == "https://api.telegram.org/bot"
    assert s.db_path == Path("turnout.sqlite3")
    assert s.admins == frozenset()
    assert s.timezone.key == "America/Los_Angeles"
    assert s.locale == "en"
    assert TOKEN not in repr(s)


def test_all_values_are_read() -> None:
    s = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot",
            "TURNOUT_DB": "/tmp/x.sqlite3",
            "TURNOUT_ADMINS": " 12, 34 ,",
            "TURNOUT_TIMEZONE": "Asia/Seoul",
            "TURNOUT_LOCALE": "ko",
        }
    )
    assert s.admins == {12, 34} and s.is_admin(12) and not s.is_admin(99)
    assert s.timezone.key == "Asia/Seoul" and s.locale == "ko"
    assert s.db_path == Path("/tmp/x.sqlite3")


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({}, "TELEGRAM_BOT_TOKEN"),
        ({"TURNOUT_TIMEZONE": "Mars/Olympus"}, "TURNOUT_TIMEZONE"),
        ({"TURNOUT_ADMINS": "12,bob"}, "TURNOUT_ADMINS"),
        ({"TURNOUT_LOCALE": "xx"}, "TURNOUT_LOCALE"),
        ({"TURNOUT_LOCALE": "zh"}, "TURNOUT_LOCALE"),
        ({"TELEGRAM_API_BASE_URL": "ftp://example"}, "TELEGRAM_API_BASE_URL"),
        # digit-like characters that isdigit() accepts and int() refuses, and numbers too big to mean anything
        ({"TURNOUT_ADMINS": "12,³4"}, "TURNOUT_ADMINS"),
        ({"TURNOUT_RATE": "²"}, "TURNOUT_RATE"),
        ({"TURNOUT_NOSHOW_HOURS": "9" * 5000}, "TURNOUT_NOSHOW_HOURS"),
        ({"TURNOUT_REMINDERS": "²h"}, "TURNOUT_REMINDERS"),
        ({"TURNOUT_REMINDERS": "9" * 400 + "h"}, "TURNOUT_REMINDERS"),
    ],
)
def test_bad_values_name_the_variable(env: dict[str, str], names: str) -> None:
    full = {"TELEGRAM_BOT_TOKEN": TOKEN, **env} if names != "TELEGRAM_BOT_TOKEN" else env
    with pytest.raises(ConfigError, match=names):
        load_settings(full)


def test_missing_token_says_where_to_get_one() -> None:
    with pytest.raises(ConfigError, match="@BotFather"):
        load_settings({})


def test_dotenv_is_read_and_the_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "# comment\nexport TELEGRAM_BOT_TOKEN='from-file'\nTURNOUT_LOCALE=vi\n\nTURNOUT_DB = \"a b.sqlite3\"\n"
    )
    assert read_dotenv(dotenv) == {
        "TELEGRAM_BOT_TOKEN": "from-file",
        "TURNOUT_LOCALE": "vi",
        "TURNOUT_DB": "a b.sqlite3",
    }
    monkeypatch.setenv("TURNOUT_LOCALE", "ko")
    merged = environment(dotenv)
    assert merged["TURNOUT_LOCALE"] == "ko"
    assert merged["TELEGRAM_BOT_TOKEN"] == "from-file"


def test_log_lines_never_carry_the_token() -> None:
    formatter = RedactingFormatter("%(message)s", [TOKEN])
    try:
        raise RuntimeError(f"POST https://api.telegram.org/bot{TOKEN}/getMe failed")
    except RuntimeError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "calling %s", (f"/bot{TOKEN}/sendMessage",), exc_info=True
        )
        record.exc_info = __import__("sys").exc_info()
    text = formatter.format(record)
    assert TOKEN not in text
    assert text.count(REDACTED) == 2
