"""A coordinator's message (to a shift, or a broadcast) written once per language: the original goes to
everyone, unless a version in the language they read the bot in was written; then they get that one.

The languages offered are the recipients' own, with how many read each, so a coordinator writes the
versions that reach people; a version for a language nobody reads is still kept (the audience can change).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from bot.db import Database
from bot.i18n import available_locales, resolve_locale
from bot.services.shift_texts import read_locale
from bot.store import people

MAX_VERSIONS = 8  # beyond the original; more would not fit the outbox rows and screens comfortably


def read_versions(texts: Mapping[str, str], read: Callable[[str], str]) -> dict[str, str]:
    """The versions as stored: each language a reader locale (Invalid otherwise), each text read by the
    original's rule (`read`), empty ones dropped."""
    versions = {read_locale(locale): read(text) for locale, text in texts.items() if text.strip()}
    return dict(list(versions.items())[:MAX_VERSIONS])


def version_for(locale: str, original: str, texts: Mapping[str, str]) -> str:
    """What a reader of `locale` gets."""
    return texts.get(locale) or original


async def reader_locales(db: Database, person_ids: Sequence[int], default: str) -> list[tuple[str, int]]:
    """The languages these people read the bot in, with how many read each: most first, then in the
    picker's order."""
    counts = Counter(
        resolve_locale(stored, telegram, default) for stored, telegram in await people.reading_languages(db, person_ids)
    )
    order = {code: i for i, code in enumerate(available_locales())}
    return sorted(counts.items(), key=lambda item: (-item[1], order.get(item[0], len(order))))
