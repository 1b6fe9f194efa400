"""Typed callback data: one small dataclass per kind of button, packed as `prefix:field:field`.

    @dataclass(frozen=True)
    class Join(Button, prefix="s:j"):
        shift: int

    InlineKeyboardButton(t._("Sign up"), callback_data=Join(42).pack())   # "s:j:42"
    app.add_handler(Join.handler(sign_up))   # async def sign_up(update, context, button: Join)

Fields are int, bool, short str ([A-Za-z0-9_.-], no ':') or a Literal of such strs (only those values
parse); anything else, too long or of another shape is not this button's (a forged or outdated press
falls through to the "no longer works" answer, handlers/errors.py). A class may refuse more by overriding
`valid`. Trailing fields with a default are left off when they hold it and may be missing when parsed:
`Card(7)` is `sc:7`, `Card(7, "a.-.0.0.0")` is `sc:7:a.-.0.0.0`, so a field added at the end keeps the
buttons already sent to people's chats working. Parsing never trusts the values: the handler still
checks who may act on shift 42.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar, Literal, Self, TypeVar

from telegram import Update
from telegram.ext import CallbackQueryHandler

MAX_BYTES = 64  # Telegram's limit for callback_data
_INT = re.compile(r"-?[0-9]{1,18}")
_STR = re.compile(r"[A-Za-z0-9_.\-]{0,40}")
_PREFIX = re.compile(r"[a-z][a-z0-9]{0,7}(:[a-z][a-z0-9]{0,7})?")

B = TypeVar("B", bound="Button")
_PREFIXES: dict[str, type[Button]] = {}


class Button:
    """Base of every button's data class (subclasses are frozen dataclasses)."""

    prefix: ClassVar[str]
    _types: ClassVar[tuple[tuple[str, Any], ...]]
    _required: ClassVar[int]  # how many leading fields every packed form has (the rest have defaults)

    def __init_subclass__(cls, prefix: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not prefix:
            return  # an intermediate base
        if not _PREFIX.fullmatch(prefix):
            raise ValueError(f"bad callback prefix {prefix!r}")
        if prefix in _PREFIXES:
            raise ValueError(f"callback prefix {prefix!r} is taken by {_PREFIXES[prefix].__name__}")
        cls.prefix = prefix
        _PREFIXES[prefix] = cls

    @classmethod
    def _fields(cls) -> tuple[tuple[str, Any], ...]:
        # Resolved on first use: the dataclass decorator runs after __init_subclass__.
        if "_types" not in cls.__dict__:
            hints = typing.get_type_hints(cls)
            fields = dataclasses.fields(cls)  # type: ignore[arg-type]
            types = tuple((f.name, hints[f.name]) for f in fields)
            for name, kind in types:
                if kind in (int, str, bool):
                    continue
                choices = typing.get_args(kind) if typing.get_origin(kind) is Literal else ()
                if not choices or not all(isinstance(c, str) and _STR.fullmatch(c) for c in choices):
                    raise TypeError(f"{cls.__name__}.{name}: callback fields are int, str, bool or a Literal of strs")
            cls._required = sum(f.default is dataclasses.MISSING for f in fields)
            cls._types = types
        return cls._types

    def valid(self) -> bool:
        """False for values the fields' types allow but this button never carries (then it doesn't parse)."""
        return True

    @staticmethod
    def _text(kind: Any, raw: str) -> bool:
        if kind is str:
            return bool(_STR.fullmatch(raw))
        return raw in typing.get_args(kind)

    def pack(self) -> str:
        fields = self._fields()
        if not self.valid():
            raise ValueError(f"{self!r} is not a valid {type(self).__name__}")
        parts = [self.prefix]
        for name, kind in fields:
            value = getattr(self, name)
            if kind is bool:
                parts.append("1" if value else "0")
            elif kind is int:
                parts.append(str(int(value)))
            else:
                if not isinstance(value, str) or not self._text(kind, value):
                    raise ValueError(f"{type(self).__name__}.{name}={value!r} can't go in callback data")
                parts.append(value)
        # Trailing defaults are left off: data packed before such a field was added reads the same.
        defaults = [f.default for f in dataclasses.fields(self)]  # type: ignore[arg-type]
        keep = len(fields)
        while keep > self._required and getattr(self, fields[keep - 1][0]) == defaults[keep - 1]:
            keep -= 1
        data = ":".join(parts[: 1 + keep])
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
        return data

    @classmethod
    def unpack(cls, data: object) -> Self | None:
        """The button this data stands for, or None when it isn't one of ours (or was tampered with)."""
        if not isinstance(data, str) or len(data.encode()) > MAX_BYTES:
            return None
        fields = cls._fields()
        head = cls.prefix.count(":") + 1
        parts = data.split(":")
        given = len(parts) - head
        if ":".join(parts[:head]) != cls.prefix or not cls._required <= given <= len(fields):
            return None
        values: dict[str, Any] = {}
        for (name, kind), raw in zip(fields[:given], parts[head:], strict=True):
            if kind is bool:
                if raw not in ("0", "1"):
                    return None
                values[name] = raw == "1"
            elif kind is int:
                if not _INT.fullmatch(raw):
                    return None
                values[name] = int(raw)
            else:
                if not cls._text(kind, raw):
                    return None
                values[name] = raw
        button = cls(**values)
        return button if button.valid() else None

    @classmethod
    def matches(cls, data: object) -> bool:
        return cls.unpack(data) is not None

    @classmethod
    def handler(
        cls: type[B], callback: Callable[[Update, Any, B], Awaitable[Any]]
    ) -> CallbackQueryHandler[Any, Any]:
        """A CallbackQueryHandler for this button that hands the callback the parsed data."""

        async def parsed(update: Update, context: Any) -> Any:
            button = cls.unpack(update.callback_query.data if update.callback_query else None)
            assert button is not None  # the pattern matched it
            return await callback(update, context, button)

        parsed.__name__ = parsed.__qualname__ = getattr(callback, "__name__", "button")
        parsed.__doc__ = callback.__doc__
        return CallbackQueryHandler(parsed, pattern=cls.matches)


def button_for(data: object) -> Button | None:
    """Whichever registered button this data is (for routing decisions outside one handler)."""
    if not isinstance(data, str):
        return None
    parts = data.split(":")
    for head in (2, 1):
        cls = _PREFIXES.get(":".join(parts[:head]))
        if cls is not None:
            return cls.unpack(data)
    return None


def registered() -> list[type[Button]]:
    """Every button class defined so far, by prefix (for tests that check them all)."""
    return [_PREFIXES[prefix] for prefix in sorted(_PREFIXES)]
