"""What a reader of typed input raises, and the values its message names, shown in the reader's language.

`Invalid` carries an N_() msgid and its parameters; the handler (or the CSV report) renders it for the
reader (handlers/shift_views.explain): an int as the reader's number, a `MonthName` as the month's name,
a `Shown` value (example dates, the readings of an ambiguous date) as the value renders itself for them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from bot.clock import from_ts
from bot.i18n import Translator


class MonthName(int):
    """A month number shown to the reader as the month's name in their language."""


class Shown(ABC):
    """A parameter that renders itself in the reader's language and zone (dates, examples of input)."""

    @abstractmethod
    def shown_to(self, t: Translator) -> str: ...


class TimeOfDay(Shown):
    """A moment (UTC seconds) shown as the reader's time of day, in their translator's zone."""

    def __init__(self, ts: int) -> None:
        self.ts = ts

    def shown_to(self, t: Translator) -> str:
        return t.time(from_ts(self.ts))


class Invalid(ValueError):
    """Input that breaks a rule. `message` is an N_() msgid with {placeholders} filled from `params`;
    `field` names what was wrong (the dialogue's step, the CSV's column)."""

    def __init__(self, message: str, field: str | None = None, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.params = params

    def at(self, field: str) -> Invalid:
        """The same problem, blamed on a field (when the reader didn't know which)."""
        return Invalid(self.message, self.field or field, **self.params)
