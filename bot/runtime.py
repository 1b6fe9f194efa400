"""What every handler and job needs at hand: settings, the database, the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bot.bidi import Directions
from bot.clock import Clock, SystemClock, to_ts
from bot.config import Settings
from bot.db import Database
from bot.i18n import Translator, resolve_locale
from bot.scheduler import Dispatcher
from bot.services.reminders import ReminderPolicy
from bot.store.people import Person


@dataclass
class Runtime:
    settings: Settings
    clock: Clock = field(default_factory=SystemClock)
    db: Database | None = None  # opened by start_app, closed by stop_app (handlers/app.py)
    dispatcher: Dispatcher | None = None  # started by start_app
    # The command menu last set per chat (handlers/commands.py), so an unchanged one isn't sent again.
    published_menus: dict[int, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    # Which chats read right to left, for the send path (handlers/telegram_bot.py); kept by translator_for.
    directions: Directions = field(default_factory=Directions)

    @property
    def database(self) -> Database:
        if self.db is None:
            raise RuntimeError("the database is not open yet")
        return self.db

    @property
    def reminder_policy(self) -> ReminderPolicy:
        s = self.settings
        return ReminderPolicy(leads=s.reminder_leads, quiet=s.quiet_hours, default_tz=s.timezone.key)

    def now_ts(self) -> int:
        return to_ts(self.clock.now())

    def translator_for(self, person: Person | None, language_code: str | None = None) -> Translator:
        """The reader's locale (stored, else Telegram's, else default) and time zone."""
        locale = resolve_locale(
            person.locale if person else None,
            language_code or (person.telegram_language if person else None),
            self.settings.locale,
        )
        tz = self.settings.timezone
        if person and person.timezone:
            tz = ZoneInfo(person.timezone)
        t = Translator(locale=locale, tz=tz)
        if person:
            self.directions.note(person.telegram_id, t.is_rtl)
        return t
