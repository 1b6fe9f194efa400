"""The organizers' own texts of a shift in other languages: a title, description and place name per reader
locale (a catalog code such as ko or zh_Hant), the original on the shift row being everyone else's.

Coordinators write them (in /newshift, /manage or as CSV columns); the rules here read and check them
the way the originals are read (bot/services/posting.py). Who may write them is checked here too.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.db import Database
from bot.i18n import N_, available_locales
from bot.services.authz import Actor
from bot.services.posting import Invalid, read_text
from bot.store import audit
from bot.store import shifts as shift_store
from bot.store.shifts import TEXT_FIELDS, Shift

FIELDS = TEXT_FIELDS  # title, description, place_name


class NotAllowed(PermissionError):
    """The actor does not coordinate the shift's organization."""


def read_locale(code: str) -> str:
    """A reader locale as a CSV column suffix or a button carries it ('ko', 'zh_Hant', 'zh-Hant')."""
    wanted = code.strip().replace("-", "_").lower()
    for locale in available_locales():
        if locale.lower() == wanted:
            return locale
    raise Invalid(
        N_("Unknown language “{code}” for a translation. Use one of: {codes}."),
        "locale", code=code[:20], codes=", ".join(available_locales()),
    )


def read_translation(text: str, field: str) -> str:
    """A translated title, description or place name, by the rules of the original."""
    return read_text(text, field)


def locales_of(shift: Shift) -> tuple[str, ...]:
    """The locales the shift carries a translation in, in the picker's order."""
    present = {locale for locale, _, _ in shift.texts}
    return tuple(code for code in available_locales() if code in present)


def texts_of(shift: Shift, locale: str) -> dict[str, str]:
    return {field: text for loc, field, text in shift.texts if loc == locale}


def translatable(shift: Shift, fields: tuple[str, ...] = FIELDS) -> tuple[str, ...]:
    """Of `fields`, those the shift has an original of, in order (an online shift has no place name)."""
    present = {
        "title": bool(shift.title), "description": bool(shift.description),
        "place_name": bool(shift.place_name) and shift.online_url is None,
    }
    return tuple(f for f in fields if present[f])


async def save(
    db: Database, *, actor: Actor, shift_id: int, locale: str, values: Mapping[str, str], now: int
) -> Shift | None:
    """Writes one locale's fields of a shift (an empty value removes that field); None: no such shift."""
    locale = read_locale(locale)
    async with db.transaction() as tx:
        shift = await shift_store.get(tx, shift_id)
        if shift is None:
            return None
        if not actor.can_coordinate(shift.org_id):
            raise NotAllowed(shift_id)
        for field, text in values.items():
            await shift_store.set_text(tx, shift_id, field, locale, text, now)
        await audit.record(
            tx, actor_id=actor.person_id, action="shifts.translate", now=now, org_id=shift.org_id,
            subject=f"shift:{shift_id}", details={"locale": locale, "fields": sorted(f for f in values if values[f])},
        )
        return await shift_store.get(tx, shift_id)


async def remove(db: Database, *, actor: Actor, shift_id: int, locale: str, now: int) -> Shift | None:
    """Takes a locale's translation off the shift altogether."""
    return await save(db, actor=actor, shift_id=shift_id, locale=locale, values=dict.fromkeys(FIELDS, ""), now=now)
