"""Settings from the environment (and an optional .env file), validated once at start."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.text import whole_number_in

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_DB = "turnout.sqlite3"
DEFAULT_TIMEZONE = "America/Los_Angeles"
DEFAULT_LOCALE = "en"
LEAD_MAX = 30 * 24 * 3600  # seconds: a reminder more than a month ahead is a typo


class ConfigError(Exception):
    """A setting is missing or wrong; the message names the variable and the problem."""


@dataclass(frozen=True)
class Settings:
    token: str = field(repr=False)  # never printed: repr and logs must not carry it
    api_base_url: str
    db_path: Path
    admins: frozenset[int]
    timezone: ZoneInfo
    locale: str
    rate: int = 30  # messages per second the bot may send in all, replies and scheduled (Telegram's free limit)
    chat_rate: int = 1  # messages per second to one chat, after a short burst (Telegram's limit)
    reminder_leads: tuple[int, ...] = (24 * 3600, 2 * 3600)  # seconds before a shift
    quiet_hours: tuple[time, time] = (time(21, 0), time(8, 0))  # in each volunteer's own zone
    noshow_after_hours: float = 3.0

    @property
    def api_file_url(self) -> str:
        """Where files download from: Telegram's /file/bot next to the /bot endpoint."""
        return self.api_base_url.removesuffix("/bot") + "/file/bot"

    def is_admin(self, user_id: int) -> bool:
        return user_id in self.admins


def read_dotenv(path: Path) -> dict[str, str]:
    """Reads KEY=VALUE lines; blank lines, comments and an `export ` prefix are allowed."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def environment(dotenv: Path | None = Path(".env")) -> dict[str, str]:
    """The process environment over the .env file: a real variable always wins."""
    merged = read_dotenv(dotenv) if dotenv else {}
    merged.update(os.environ)
    return merged


def load_settings(env: Mapping[str, str], *, require_token: bool = True) -> Settings:
    """Builds Settings from a mapping, raising ConfigError on the first bad value."""
    from bot.i18n import available_locales  # late: i18n reads the catalogs from disk

    token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
    if require_token and not token:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is not set. Get a token from @BotFather in Telegram (/newbot) and put "
            "it in the environment or in a .env file: TELEGRAM_BOT_TOKEN=123456:ABC…"
        )

    base_url = env.get("TELEGRAM_API_BASE_URL", "").strip() or DEFAULT_API_BASE_URL
    if not base_url.startswith(("http://", "https://")):
        raise ConfigError(f"TELEGRAM_API_BASE_URL must start with http:// or https:// (got {base_url!r})")

    admins: set[int] = set()
    for part in env.get("TURNOUT_ADMINS", "").split(","):
        part = part.strip()
        if not part:
            continue
        user_id = whole_number_in(part.removeprefix("-"), 1, 2**53)
        if user_id is None:
            raise ConfigError(
                f"TURNOUT_ADMINS must be Telegram user ids separated by commas; {part!r} is not a number"
            )
        admins.add(-user_id if part.startswith("-") else user_id)

    tz_name = env.get("TURNOUT_TIMEZONE", "").strip() or DEFAULT_TIMEZONE
    try:
        timezone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"TURNOUT_TIMEZONE={tz_name!r} is not a known IANA time zone (for example America/New_York)"
        ) from None

    locale = env.get("TURNOUT_LOCALE", "").strip() or DEFAULT_LOCALE
    if locale not in available_locales():
        raise ConfigError(
            f"TURNOUT_LOCALE={locale!r} has no catalog; choose one of: {', '.join(available_locales())}"
        )

    rate = _int(env, "TURNOUT_RATE", 30, 1, 10_000)
    chat_rate = _int(env, "TURNOUT_CHAT_RATE", 1, 1, 1000)
    leads = _leads(env.get("TURNOUT_REMINDERS", "").strip() or "24h,2h")
    quiet = _quiet_hours(env.get("TURNOUT_QUIET_HOURS", "").strip() or "21:00-08:00")
    noshow = _int(env, "TURNOUT_NOSHOW_HOURS", 3, 0, 24 * 14)

    return Settings(
        token=token,
        api_base_url=base_url,
        db_path=Path(env.get("TURNOUT_DB", "").strip() or DEFAULT_DB),
        admins=frozenset(admins),
        timezone=timezone,
        locale=locale,
        rate=rate,
        chat_rate=chat_rate,
        reminder_leads=leads,
        quiet_hours=quiet,
        noshow_after_hours=float(noshow),
    )


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    value = whole_number_in(raw, low, high)
    if value is None:
        raise ConfigError(f"{name} must be a whole number from {low} to {high} (got {raw!r})")
    return value


def _leads(raw: str) -> tuple[int, ...]:
    """'24h,2h' → seconds; 'none' turns the network's reminders off."""
    if raw.lower() == "none":
        return ()
    leads = []
    for part in raw.split(","):
        part = part.strip().lower()
        unit = {"h": 3600, "m": 60}.get(part[-1:])
        amount = whole_number_in(part[:-1], 1, LEAD_MAX // unit) if unit else None
        if unit is None or amount is None:
            raise ConfigError(f"TURNOUT_REMINDERS must look like 24h,2h (or none); {part!r} is not a lead time")
        leads.append(amount * unit)
    return tuple(sorted(set(leads), reverse=True))


def _quiet_hours(raw: str) -> tuple[time, time]:
    try:
        start, end = (time.fromisoformat(p.strip()) for p in raw.split("-"))
    except ValueError:
        raise ConfigError(f"TURNOUT_QUIET_HOURS must look like 21:00-08:00 (got {raw!r})") from None
    return start, end
