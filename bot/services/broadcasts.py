"""Broadcasts: one message to an organization's volunteers (anyone who signed up for one of its shifts)
and followers, filtered by language and region, minus those who stopped its messages; queued
in the outbox (the dispatcher paces it) — one at a time per organization."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.db import Database, Transaction
from bot.i18n import N_
from bot.services import versions
from bot.services.authz import Actor
from bot.services.once import Claim, claimed
from bot.services.posting import Invalid
from bot.store import audit, outbox, people
from bot.store import broadcasts as store
from bot.store.broadcasts import Broadcast, ProgressMessage, Reach, Tally
from bot.store.outbox import NewItem
from bot.store.people import Person
from bot.text import clean
from bot.vocab import OUTREACH_LANGUAGES

BROADCAST = "broadcast"
TEXT_MAX = 2000


@dataclass(frozen=True)
class Audience:
    """Who a broadcast goes to: the organization's volunteers and followers speaking one of `languages`
    (none: any), living in `region` (None: anywhere)."""

    org_id: int
    languages: tuple[str, ...] = ()
    region: str | None = None

    def __post_init__(self) -> None:
        unknown = set(self.languages) - set(OUTREACH_LANGUAGES)
        if unknown:
            raise ValueError(f"unknown outreach languages: {sorted(unknown)}")


def read_text(text: str) -> str:
    message = clean(text, multiline=True)
    if not message:
        raise Invalid(N_("The message can't be empty."), "message")
    if len(message) > TEXT_MAX:
        raise Invalid(
            N_("The message can have at most {max} characters; this one has {count}."),
            "message", max=TEXT_MAX, count=len(message),
        )
    return message


async def reader_locales(db: Database, audience: Audience, sender_id: int, default: str) -> list[tuple[str, int]]:
    """The languages the audience reads the bot in, with counts: which versions are worth writing."""
    ids = await store.audience(
        db, audience.org_id, exclude=sender_id, languages=audience.languages, region=audience.region
    )
    return await versions.reader_locales(db, ids, default)


async def count(db: Database, audience: Audience, sender_id: int) -> Reach:
    return await store.count_audience(
        db, audience.org_id, exclude=sender_id, languages=audience.languages, region=audience.region
    )


@dataclass(frozen=True)
class Busy:
    """A broadcast of the same organization is still going out."""

    broadcast_id: int
    tally: Tally


@dataclass(frozen=True)
class Started:
    broadcast_id: int
    recipients: int


async def still_sending(db: Database, org_id: int) -> Busy | None:
    """The organization's broadcast still going out, if any. One whose deliveries are all done but
    whose tally isn't shown yet doesn't count; marking it done is for whoever shows the tally."""
    for broadcast in await store.sending_for_org(db, org_id):
        tally = await store.tally(db, broadcast.id)
        if not tally.finished:
            return Busy(broadcast.id, tally)
    return None


async def send(
    db: Database,
    audience: Audience,
    *,
    sender: Actor,
    text: str,
    now: int,
    progress: ProgressMessage | None = None,
    claim: Claim | None = None,
    texts: Mapping[str, str] | None = None,
) -> Started | Busy:
    """Records the broadcast and queues one message per recipient, unless one is still going out.

    `progress` is the message that shows how it goes, recorded with the broadcast so that whoever
    dispatches its messages, in this process or the next, keeps it up to date (see `unfinished`).
    With `claim`, a second press of Send raises AlreadyDone (bot/services/once.py) rather than Busy.
    `texts`: the versions per reader locale (bot/services/versions.py); the rest get `text`.
    Only the organization's coordinators may send: checked here too, not only in the handler."""
    if not sender.can_coordinate(audience.org_id):
        raise NotAllowed(audience.org_id)
    sender_id = sender.person_id
    text = read_text(text)
    written = versions.read_versions(texts or {}, read_text)
    filters = {"languages": list(audience.languages), "region": audience.region}
    try:
        async with db.transaction() as tx:
            await claimed(tx, claim)
            # Inside the write lock: two coordinators pressing Send at once start one broadcast.
            for other in await store.sending_for_org(tx, audience.org_id):
                tally = await store.tally(tx, other.id)
                if not tally.finished:
                    raise _Refused(Busy(other.id, tally))  # and the claim is rolled back with it
            return await _start(tx, audience, sender_id, text, filters, now, progress, written)
    except _Refused as refused:
        return refused.busy


class NotAllowed(PermissionError):
    """The sender does not coordinate the audience's organization."""


class _Refused(Exception):
    def __init__(self, busy: Busy) -> None:
        self.busy = busy


async def _start(
    tx: Transaction,
    audience: Audience,
    sender_id: int,
    text: str,
    filters: dict[str, Any],
    now: int,
    progress: ProgressMessage | None,
    texts: dict[str, str],
) -> Started:
    """Records the broadcast and queues its messages, inside the caller's transaction."""
    broadcast_id = await store.create(
        tx, org_id=audience.org_id, sender_id=sender_id, text=text, filters=filters, now=now, progress=progress,
        texts=texts,
    )
    people = await store.audience(
        tx, audience.org_id, exclude=sender_id, languages=audience.languages, region=audience.region
    )
    await outbox.enqueue(
        tx,
        [
            NewItem(
                person_id=person_id, kind=BROADCAST, due_at=now,
                dedupe_key=store.dedupe_key(broadcast_id, person_id), payload={"broadcast_id": broadcast_id},
            )
            for person_id in people
        ],
        now,
    )
    await store.set_recipients(tx, broadcast_id, len(people))
    if not people:
        await store.finish(tx, broadcast_id, now)
    await audit.record(
        tx, actor_id=sender_id, action="broadcast.send", now=now, org_id=audience.org_id,
        subject=f"broadcast:{broadcast_id}",
        details={**filters, "recipients": len(people), "versions": sorted(texts)},
    )
    return Started(broadcast_id, len(people))


@dataclass(frozen=True)
class Unfinished:
    """A broadcast not yet marked done whose progress someone watches."""

    broadcast: Broadcast
    tally: Tally
    sender: Person  # who watches, in their language


async def unfinished(db: Database, now: int) -> list[Unfinished]:
    """Broadcasts whose progress message needs looking at, with their tallies. One that has finished
    with nobody to show its tally to (no progress message, or its sender gone) is marked done here."""
    found = []
    for broadcast in await store.sending(db):
        tally = await store.tally(db, broadcast.id)
        sender = await people.get(db, broadcast.sender_id) if broadcast.sender_id is not None else None
        if broadcast.progress_chat_id is not None and sender is not None and sender.status == "active":
            found.append(Unfinished(broadcast, tally, sender))
        elif tally.finished:
            async with db.transaction() as tx:
                await store.finish(tx, broadcast.id, now)
    return found


async def progress_shown(db: Database, broadcast_id: int, text: str, *, final: bool, now: int) -> None:
    """The progress message now shows `text`; once that is the final tally, the broadcast is done."""
    async with db.transaction() as tx:
        await store.set_progress_text(tx, broadcast_id, text)
        if final:
            await store.finish(tx, broadcast_id, now)


async def progress_message_lost(db: Database, broadcast_id: int) -> None:
    """Telegram won't edit the progress message any more (deleted, say): the tally goes as a new message."""
    async with db.transaction() as tx:
        await store.forget_progress_message(tx, broadcast_id)


async def progress_unwatched(db: Database, broadcast_id: int) -> None:
    """The sender can't be told any more (they blocked the bot): the broadcast goes on untracked,
    and `unfinished` marks it done once nothing is pending."""
    async with db.transaction() as tx:
        await store.forget_progress_message(tx, broadcast_id, chat_too=True)


async def reaches(db: Database, org_id: int, person_id: int) -> bool:
    """Whether the organization's broadcasts still reach the person (they may have muted it since)."""
    return await store.still_reaches(db, org_id, person_id)


def sorted_languages(codes: Sequence[str]) -> tuple[str, ...]:
    """Chosen languages in the picker's order, unknown codes dropped (forged buttons)."""
    return tuple(code for code in OUTREACH_LANGUAGES if code in codes)
