"""Settings from the environment (and an optional .env file), validated once at start."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_DB = "turnout.sqlite3"
DEFAULT_TIMEZONE = "America/Los_Angeles"
DEFAULT_LOCALE = "en"


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
        if not part.lstrip("-").isdigit():
            raise ConfigError(
                f"TURNOUT_ADMINS must be Telegram user ids separated by commas; {part!r} is not a number"
            )
        admins.add(int(part))

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

    return Settings(
        token=token,
        api_base_url=base_url,
        db_path=Path(env.get("TURNOUT_DB", "").strip() or DEFAULT_DB),
        admins=frozenset(admins),
        timezone=timezone,
        locale=locale,
    )
