"""A volunteer's profile: the onboarding steps in order, and the rule for each answer.

Onboarding is a state machine kept in the database (`person.onboarding_step`), so a half-done /start
survives restarts. Every setter saves its answer and, when the person is at that very step, moves them
to the next one in the same transaction; /settings calls the same setters on a finished profile.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

import phonenumbers

from bot.db import Database, Transaction
from bot.i18n import available_locales, match_locale
from bot.services.authz import Actor
from bot.services.people import TelegramIdentity, remember_names
from bot.store import orgs, people
from bot.store.orgs import Org
from bot.store.people import Person
from bot.text import clean, fold_digits
from bot.vocab import (
    KINDS,
    OUTREACH_LANGUAGES,
    OUTSIDE_US,
    STATE_ZONES,
    WORLD_ZONES,
    normalize_zip,
    states_for_zip,
    zones_for_zip,
)

CONSENT = "consent"
LANGUAGE = "language"
NAME = "name"
PHONE = "phone"
STATE = "state"
ZIP = "zip"
TIMEZONE = "timezone"
LANGUAGES = "languages"
INTERESTS = "interests"
STEPS = (CONSENT, LANGUAGE, NAME, PHONE, STATE, ZIP, TIMEZONE, LANGUAGES, INTERESTS)

NAME_MAX = 64
REMINDERS = {"24": "remind_24h", "2": "remind_2h"}  # callback code → column



class ProfileError(ValueError):
    """An answer the rules refuse; `reason` says which rule, for the handler to explain."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InvalidName(ProfileError):
    """reason: 'empty' (nothing visible) or 'too_long'."""


class InvalidPhone(ProfileError):
    """reason: 'unreadable'."""


class InvalidZip(ProfileError):
    """reason: 'format' (not a US ZIP) or 'other_state' (`states` says where it is)."""

    def __init__(self, reason: str, states: frozenset[str] = frozenset()) -> None:
        super().__init__(reason)
        self.states = states


class InvalidChoice(ProfileError):
    """A value no button offers (forged or outdated callback data)."""


class PersonGone(LookupError):
    """The person row disappeared mid-update (they left at consent, or deleted their data)."""


# --- pure rules -------------------------------------------------------------------------------------


def current_step(person: Person) -> str | None:
    """Where onboarding stands: None once registered; consent comes first for everyone else."""
    if person.is_registered:
        return None
    if person.consent_at is None:
        return CONSENT
    return person.onboarding_step


def step_after(step: str, state: str | None, zip_code: str | None = None) -> str | None:
    """The next question; the ZIP is skipped outside the US, the zone asked only where the ZIP leaves a choice."""
    if step == STATE:
        return TIMEZONE if state == OUTSIDE_US else ZIP
    if step == ZIP:
        return TIMEZONE if state and len(zones_at(state, zip_code)) > 1 else LANGUAGES
    if step == INTERESTS:
        return None
    return STEPS[STEPS.index(step) + 1]


def clean_name(raw: str) -> str:
    """The one rule for stored text (bot/text.py: nothing invisible or reordering), then 1–64 characters."""
    text = clean(raw)
    if not text:
        raise InvalidName("empty")
    if len(text) > NAME_MAX:
        raise InvalidName("too_long")
    return text


def suggested_name(person: Person) -> str | None:
    """Their Telegram first name, when it would pass as a name here."""
    try:
        return clean_name(person.first_name or "")
    except InvalidName:
        return None


def normalize_phone(raw: str) -> str:
    """E.164. Telegram sends contacts' numbers with the country code but often without the '+'."""
    text = fold_digits(raw).strip()
    digits = "".join(ch for ch in text if "0" <= ch <= "9")
    if text.startswith("+"):
        candidate, region = text, None
    elif len(digits) == 10:
        candidate, region = digits, "US"  # a bare US number
    else:
        candidate, region = "+" + digits, None
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        raise InvalidPhone("unreadable") from None
    if not phonenumbers.is_possible_number(number):
        raise InvalidPhone("unreadable")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def zones_for(state: str) -> tuple[str, ...]:
    """The zones a person in this state can pick from (the world list outside the US)."""
    if state == OUTSIDE_US:
        return WORLD_ZONES
    return STATE_ZONES[state]


def zones_at(state: str, zip_code: str | None) -> tuple[str, ...]:
    """The zones left to choose from once the ZIP is known: one wherever the ZIP decides (bot/zip_zones.py)."""
    if state == OUTSIDE_US or zip_code is None:
        return zones_for(state)
    return zones_for_zip(state, zip_code)


async def network_states(db: Database) -> list[str]:
    """Where the network's organizations are: most volunteers are there, so the state question shows
    these first (all states are a tap further)."""
    return [state for state in await orgs.active_states(db) if state in STATE_ZONES]


def is_known_state(state: str) -> bool:
    return state == OUTSIDE_US or state in STATE_ZONES


def check_zip(state: str, raw: str) -> str:
    """The 5-digit ZIP when it is one and lies in the state; InvalidZip otherwise."""
    zip_code = normalize_zip(raw)
    states = states_for_zip(zip_code) if zip_code else set()
    if zip_code is None or not states:
        raise InvalidZip("format")
    if state not in states:
        raise InvalidZip("other_state", frozenset(states))
    return zip_code


def example_zip(state: str) -> str:
    """A ZIP code from the state, to show in the question (94103 where we know none)."""
    for prefix in range(1000):
        candidate = f"{prefix:03d}01"
        if state in states_for_zip(candidate):
            return candidate
    return "94103"


# The outreach language a UI locale speaks, where it names one (Traditional Chinese could be either).
_LOCALE_TO_OUTREACH = {"zh_Hans": "cmn", "fil": "tl"}


def default_outreach_language(locale: str | None) -> str | None:
    if not locale or locale == "zh_Hant":
        return None
    code = _LOCALE_TO_OUTREACH.get(locale, locale.split("_")[0])
    return code if code in OUTREACH_LANGUAGES else None


@dataclass(frozen=True)
class StartLink:
    """A deep link this feature acts on: follow an org, open a shift, or check in by a scanned code."""

    kind: Literal["org", "shift", "checkin"]
    slug: str = ""
    shift_id: int = 0
    token: str = ""

    @property
    def payload(self) -> str:
        if self.kind == "checkin":
            return f"ci-{self.token}"
        return f"org-{self.slug}" if self.kind == "org" else f"shift-{self.shift_id}"


_ORG_LINK = re.compile(r"org-([A-Za-z0-9][A-Za-z0-9_-]{1,31})")
_SHIFT_LINK = re.compile(r"shift-([1-9]\d{0,11})")
_CHECKIN_LINK = re.compile(r"ci-([A-Za-z0-9_-]{8,60})")  # a check-in QR code's token (Telegram: ≤ 64 chars)


# A flyer's language, first or last in the start parameter: `lang-km`, `lang-km_org-kaya`, `org-kaya_lang-km`,
# `lang-zh-Hant_shift-12`. Telegram allows only [A-Za-z0-9_-] there, so a tag's parts are joined by "-".
_LANG_TAG = r"lang-([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,2})"
_LANG_FIRST = re.compile(_LANG_TAG + r"(?:_(.*))?")
_LANG_LAST = re.compile(r"(.+)_" + _LANG_TAG)


def split_language_link(payload: str | None) -> tuple[str | None, str]:
    """The UI locale a deep link asks for (None: none, or one we have no catalog for) and the rest of it."""
    if not payload:
        return None, ""
    if match := _LANG_FIRST.fullmatch(payload):
        return match_locale(match.group(1)), match.group(2) or ""
    if match := _LANG_LAST.fullmatch(payload):
        return match_locale(match.group(2)), match.group(1)
    return None, payload


async def adopt_link_locale(db: Database, person_id: int, locale: str, now: int) -> Person | None:
    """The language of the flyer someone came from, unless they chose one themselves (a flyer never
    overrides that); None when nothing changed."""
    if locale not in available_locales():
        return None
    async with db.transaction() as tx:
        person = await _get(tx, person_id)
        if person.locale is not None:
            return None
    return await _save(db, person_id, LANGUAGE, now, locale=locale)


def parse_start_link(payload: str | None) -> StartLink | None:
    """`org-<slug>`, `shift-<id>` or `ci-<token>`; anything else (including `inv-`) is None."""
    if not payload:
        return None
    if match := _ORG_LINK.fullmatch(payload):
        return StartLink("org", slug=match.group(1).lower())
    if match := _SHIFT_LINK.fullmatch(payload):
        return StartLink("shift", shift_id=int(match.group(1)))
    if match := _CHECKIN_LINK.fullmatch(payload):
        return StartLink("checkin", token=match.group(1))
    return None


# --- saving answers ---------------------------------------------------------------------------------


async def _get(tx: Database | Transaction, person_id: int) -> Person:
    person = await people.get(tx, person_id)
    if person is None or person.status == "deleted":
        raise PersonGone(person_id)
    return person


async def _advance(
    tx: Transaction, person: Person, step: str, state: str | None, now: int, zip_code: str | None = None
) -> None:
    """Moves the person past `step` if that is where they are; preselects their outreach language."""
    if current_step(person) != step:
        return
    following = step_after(step, state, zip_code)
    await people.update(tx, person.id, now, onboarding_step=following)
    if following == LANGUAGES and not await people.languages(tx, person.id):
        default = default_outreach_language(person.locale)
        if default:
            await people.set_languages(tx, person.id, [default])


async def _save(db: Database, person_id: int, step: str | None, now: int, **values: object) -> Person:
    """Saves profile columns and advances past `step` (None: a setting with no onboarding step)."""
    async with db.transaction() as tx:
        person = await _get(tx, person_id)
        if values:
            await people.update(tx, person_id, now, **values)
        if step is not None:
            state = values.get("state", person.state)
            await _advance(tx, person, step, state if isinstance(state, str) else None, now)
        return await _get(tx, person_id)


async def agree(db: Database, person_id: int, now: int, who: TelegramIdentity | None = None) -> Person:
    """Records consent, with the Telegram names that wait for it (`who`), and opens the questions."""
    async with db.transaction() as tx:
        person = await _get(tx, person_id)
        if person.consent_at is None:
            if who is not None:
                await remember_names(tx, person_id, who, now)
            # A language chosen already (at the consent, or by a flyer's link) is not asked again.
            step = step_after(LANGUAGE, None) if person.locale else LANGUAGE
            await people.update(tx, person_id, now, consent_at=now, onboarding_step=step)
        return await _get(tx, person_id)


class NotStaff(PermissionError):
    """Only coordinators, org admins and network admins skip the volunteer questions."""


async def agree_as_staff(db: Database, actor: Actor, now: int, who: TelegramIdentity | None = None) -> Person:
    """Records a coordinator's or admin's consent (the short form, at the invite) and finishes their
    profile with what Telegram told us: they post and manage shifts, so the volunteer questions (phone,
    place, languages, interests) are not asked; /settings has them. Someone who agreed before keeps the
    moment they agreed."""
    if not actor.is_coordinator:
        raise NotStaff(actor.person_id)
    async with db.transaction() as tx:
        person = await _get(tx, actor.person_id)
        values: dict[str, object] = {"onboarding_step": None}
        if person.consent_at is None:
            values["consent_at"] = now
            if who is not None:
                await remember_names(tx, person.id, who, now)
                person = await _get(tx, person.id)
        if not person.display_name:
            values["display_name"] = suggested_name(person) or person.name[:NAME_MAX]
        await people.update(tx, person.id, now, **values)
        return await _get(tx, person.id)


async def decline(db: Database, person_id: int) -> bool:
    """Forgets someone who said no at the consent step; True when the row was removed."""
    async with db.transaction() as tx:
        person = await people.get(tx, person_id)
        if person is None or person.consent_at is not None:
            return False
        await people.delete(tx, person_id)
        return True


async def set_locale(db: Database, person_id: int, locale: str, now: int) -> Person:
    if locale not in available_locales():
        raise InvalidChoice("locale")
    return await _save(db, person_id, LANGUAGE, now, locale=locale)


async def set_name(db: Database, person_id: int, raw: str, now: int) -> Person:
    return await _save(db, person_id, NAME, now, display_name=clean_name(raw))


async def set_phone(db: Database, person_id: int, raw: str | None, now: int) -> Person:
    """Saves their own number (normalised), or removes it / skips the question when None."""
    return await _save(db, person_id, PHONE, now, phone=normalize_phone(raw) if raw is not None else None)


async def choose_state(db: Database, person_id: int, state: str, now: int) -> Person:
    """Onboarding's state answer: the ZIP is asked next (its old value no longer applies)."""
    if not is_known_state(state):
        raise InvalidChoice("state")
    zone = None if state == OUTSIDE_US else zones_for(state)[0]
    return await _save(db, person_id, STATE, now, state=state, zip=None, timezone=zone)


async def back_to_state(db: Database, person_id: int, now: int) -> Person:
    """Onboarding goes back from the ZIP or zone question to the state."""
    async with db.transaction() as tx:
        person = await _get(tx, person_id)
        if current_step(person) in (ZIP, TIMEZONE):
            await people.update(tx, person_id, now, onboarding_step=STATE)
        return await _get(tx, person_id)


async def set_zip(db: Database, person_id: int, raw: str, now: int) -> Person:
    async with db.transaction() as tx:
        person = await _get(tx, person_id)
        if not person.state or person.state == OUTSIDE_US:
            raise InvalidChoice("state")
        zip_code = check_zip(person.state, raw)
        zones = zones_at(person.state, zip_code)
        # Where the ZIP decides the zone it is saved with it; elsewhere the zone question comes next.
        await people.update(tx, person_id, now, zip=zip_code, timezone=zones[0])
        await _advance(tx, person, ZIP, person.state, now, zip_code)
        return await _get(tx, person_id)


async def set_timezone(db: Database, person_id: int, zone: str, now: int) -> Person:
    async with db.transaction() as tx:
        person = await _get(tx, person_id)
        if not person.state or not is_known_state(person.state) or zone not in zones_at(person.state, person.zip):
            raise InvalidChoice("timezone")
        await people.update(tx, person_id, now, timezone=zone)
        await _advance(tx, person, TIMEZONE, person.state, now)
        return await _get(tx, person_id)


async def set_location(db: Database, person_id: int, state: str, zip_raw: str | None, zone: str, now: int) -> Person:
    """/settings saves a new place in one go, so a half-changed place is never stored."""
    if not is_known_state(state):
        raise InvalidChoice("location")
    zip_code = None if state == OUTSIDE_US else check_zip(state, zip_raw or "")
    if zone not in zones_at(state, zip_code):
        raise InvalidChoice("location")  # a zone the ZIP rules out
    return await _save(db, person_id, None, now, state=state, zip=zip_code, timezone=zone)


async def _toggle(
    db: Database,
    person_id: int,
    value: str,
    read: Callable[[Transaction, int], Awaitable[list[str]]],
    write: Callable[[Transaction, int, list[str]], Awaitable[None]],
) -> list[str]:
    """Flips one value of a multi-select in one transaction, so quick double taps stay consistent."""
    async with db.transaction() as tx:
        await _get(tx, person_id)
        current = await read(tx, person_id)
        chosen = [c for c in current if c != value] if value in current else [*current, value]
        await write(tx, person_id, chosen)
        return chosen


async def toggle_language(db: Database, person_id: int, code: str) -> list[str]:
    """Adds or removes an outreach language; returns the new selection."""
    if code not in OUTREACH_LANGUAGES:
        raise InvalidChoice("language")
    return await _toggle(db, person_id, code, people.languages, people.set_languages)


async def toggle_interest(db: Database, person_id: int, kind: str) -> list[str]:
    if kind not in KINDS:
        raise InvalidChoice("interest")
    return await _toggle(db, person_id, kind, people.interests, people.set_interests)


async def finish_languages(db: Database, person_id: int, now: int) -> Person:
    return await _save(db, person_id, LANGUAGES, now)


async def finish_interests(db: Database, person_id: int, now: int) -> Person:
    """The last question: afterwards the person is registered."""
    return await _save(db, person_id, INTERESTS, now)


async def toggle_reminder(db: Database, person_id: int, which: str, now: int) -> Person:
    column = REMINDERS.get(which)
    if column is None:
        raise InvalidChoice("reminder")
    async with db.transaction() as tx:
        person = await _get(tx, person_id)
        await people.update(tx, person_id, now, **{column: 0 if getattr(person, column) else 1})
        return await _get(tx, person_id)


async def toggle_follow(db: Database, person_id: int, org_id: int, now: int) -> bool:
    """Follows or unfollows an active organization; True when they follow it now."""
    async with db.transaction() as tx:
        await _get(tx, person_id)
        if await orgs.get_active(tx, org_id) is None:
            raise InvalidChoice("org")
        if org_id in await orgs.followed_ids(tx, person_id):
            await orgs.unfollow(tx, person_id, org_id)
            return False
        await orgs.follow(tx, person_id, org_id, now)
        return True


async def set_org_messages(db: Database, person_id: int, org_id: int, on: bool, now: int) -> Org:
    """Lets an organization's broadcasts reach the person again, or stops them (an active organization)."""
    async with db.transaction() as tx:
        await _get(tx, person_id)
        org = await orgs.get_active(tx, org_id)
        if org is None:
            raise InvalidChoice("org")
        if on:
            await orgs.unmute(tx, person_id, org_id)
        else:
            await orgs.mute(tx, person_id, org_id, now)
        return org


async def follow_by_slug(db: Database, person_id: int, slug: str, now: int) -> tuple[Org, bool] | None:
    """Follows the organization of an `org-<slug>` link: (org, whether it is a new follow), or None."""
    async with db.transaction() as tx:
        await _get(tx, person_id)
        org = await orgs.get_by_slug(tx, slug)
        if org is None or org.status != "active":
            return None
        return org, await orgs.follow(tx, person_id, org.id, now)


async def remember_start(db: Database, person_id: int, link: StartLink, now: int) -> None:
    """Keeps a deep link that arrived mid-onboarding, to act on once they finish."""
    await _save(db, person_id, None, now, pending_start=link.payload)


async def take_pending_start(db: Database, person_id: int, now: int) -> StartLink | None:
    """The deep link kept for after onboarding, cleared so it is acted on once."""
    async with db.transaction() as tx:
        person = await _get(tx, person_id)
        if person.pending_start is None:
            return None
        await people.update(tx, person_id, now, pending_start=None)
    return parse_start_link(person.pending_start)


@dataclass(frozen=True)
class Profile:
    """Everything /settings shows."""

    person: Person
    languages: list[str]
    interests: list[str]
    follows: list[Org]
    muted: list[Org]  # whose messages they stopped


async def load(db: Database, person_id: int) -> Profile:
    person = await _get(db, person_id)
    languages = await people.languages(db, person_id)
    interests = await people.interests(db, person_id)
    muted = await orgs.muted_ids(db, person_id)
    # Shown in the vocabularies' order, not the order they were ticked.
    return Profile(
        person=person,
        languages=[c for c in OUTREACH_LANGUAGES if c in languages],
        interests=[k for k in KINDS if k in interests],
        follows=await orgs.followed(db, person_id),
        muted=[o for o in await orgs.list_active(db) if o.id in muted] if muted else [],
    )
