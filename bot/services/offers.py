"""Bilingual volunteers offer a translation of a shift's title and description; one of the organization's
coordinators approves it (then readers of that language see it, bot/services/shift_texts.py) or rejects it.

Who may offer: a volunteer reading the bot in a language the shift needs and they speak (a Korean reader
who speaks Korean, for a shift that needs Korean speakers), while the shift has no title in that language
yet. They write in the language they read the bot in, so the target is never in doubt (Mandarin speakers
write the script they read: zh_Hans or zh_Hant). An offer waits apart from the shift's texts, seen by
nobody but the coordinators, until one of them decides; the decision acts once however often it is pressed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from bot.clock import from_ts
from bot.db import Database
from bot.services.authz import Actor
from bot.services.shift_texts import NotAllowed, read_translation, texts_of
from bot.store import audit, outbox, people, roles
from bot.store import offers as offer_store
from bot.store import shifts as shift_store
from bot.store.offers import Offer
from bot.store.outbox import NewItem
from bot.store.shifts import Shift

OFFERED = "translation_offered"  # outbox: to each of the organization's coordinators, with the buttons
DECIDED = "translation_decided"  # outbox: to the volunteer, the outcome
OFFER_FIELDS = ("title", "description")

# Outreach languages written in a reader locale of another code (the rest are written in their own code).
_WRITTEN_IN = {"cmn": ("zh_Hans", "zh_Hant"), "yue": ("zh_Hant",), "tl": ("fil",)}


class CannotOffer(Exception):
    """This volunteer may not offer a translation of this shift (any more): see `offer_locale`."""


class AlreadyDecided(Exception):
    """Another coordinator (or an earlier press) has approved or rejected the offer already."""

    def __init__(self, offer: Offer) -> None:
        super().__init__(offer.status)
        self.offer = offer


def written_in(language: str) -> tuple[str, ...]:
    """The reader locales an outreach language is written in."""
    return _WRITTEN_IN.get(language, (language,))


def offer_locale(shift: Shift, reader_locale: str, spoken: Collection[str], now: datetime) -> str | None:
    """The language this reader may offer a translation of the shift in (theirs), or None."""
    if shift.status != "published" or shift.ends_at <= now:
        return None
    if not any(reader_locale in written_in(code) for code in set(shift.languages) & set(spoken)):
        return None
    if "title" in texts_of(shift, reader_locale):
        return None  # the organizers wrote one, or approved an offer already
    return reader_locale


def offer_fields(shift: Shift) -> tuple[str, ...]:
    """What a volunteer translates: the title, and the description when there is one."""
    return OFFER_FIELDS if shift.description else OFFER_FIELDS[:1]


@dataclass(frozen=True)
class Offered:
    offer: Offer
    told: int  # coordinators queued a notice


async def offer(
    db: Database, *, person_id: int, shift_id: int, locale: str, title: str, description: str | None, now: int
) -> Offered:
    """Keeps the volunteer's translation waiting (replacing their earlier waiting one) and tells the
    organization's coordinators. Raises CannotOffer when the rule no longer lets them."""
    title = read_translation(title, "title")
    description = read_translation(description, "description") if description else None
    async with db.transaction() as tx:
        shift = await shift_store.get(tx, shift_id)
        person = await people.get(tx, person_id)
        if shift is None or person is None or person.status != "active" or not person.is_registered:
            raise CannotOffer(shift_id)
        spoken = await people.languages(tx, person_id)
        if offer_locale(shift, locale, spoken, from_ts(now)) != locale:
            raise CannotOffer(shift_id)
        offer_id = await offer_store.put(
            tx, shift_id, person_id, locale, title, description if shift.description else None, now
        )
        coordinators = sorted({int(r["person_id"]) for r in await roles.for_org(tx, shift.org_id)} - {person_id})
        await outbox.enqueue(
            tx,
            [
                NewItem(person_id=c, kind=OFFERED, shift_id=shift_id, due_at=now,
                        dedupe_key=f"{OFFERED}:{offer_id}:{now}:{c}", payload={"offer_id": offer_id})
                for c in coordinators
            ],
            now,
        )
        await audit.record(
            tx, actor_id=person_id, action="shifts.offer_translation", now=now, org_id=shift.org_id,
            subject=f"shift:{shift_id}", details={"locale": locale, "offer": offer_id},
        )
        stored = await offer_store.get(tx, offer_id)
    assert stored is not None
    return Offered(stored, len(coordinators))


async def decide(db: Database, *, actor: Actor, offer_id: int, approve: bool, now: int) -> Offer | None:
    """Approves (the text becomes the shift's translation) or rejects a waiting offer, and tells the
    volunteer. None: no such offer. Raises NotAllowed for anyone but the organization's coordinators,
    AlreadyDecided when it was decided before (nothing is written again)."""
    async with db.transaction() as tx:
        found = await offer_store.get(tx, offer_id)
        shift = await shift_store.get(tx, found.shift_id) if found else None
        if found is None or shift is None:
            return None
        if not actor.can_coordinate(shift.org_id):
            raise NotAllowed(shift.id)
        status = "approved" if approve else "rejected"
        if not await offer_store.decide(tx, offer_id, status, actor.person_id, now):
            raise AlreadyDecided(found)
        if approve:
            values = {"title": found.title, "description": found.description or ""}
            for field in offer_fields(shift):
                if values[field]:
                    await shift_store.set_text(tx, shift.id, field, found.locale, values[field], now)
        await outbox.enqueue(
            tx,
            [NewItem(person_id=found.person_id, kind=DECIDED, shift_id=shift.id, due_at=now,
                     dedupe_key=f"{DECIDED}:{offer_id}", payload={"offer_id": offer_id})],
            now,
        )
        await audit.record(
            tx, actor_id=actor.person_id, action=f"shifts.translation_{status}", now=now, org_id=shift.org_id,
            subject=f"shift:{shift.id}", details={"locale": found.locale, "offer": offer_id},
        )
        decided = await offer_store.get(tx, offer_id)
    return decided
