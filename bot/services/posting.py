"""Posting shifts: reading what a coordinator types, the rules a new shift meets, and publishing.

Every reader raises `Invalid` with an N_() message and its parameters, so the handler (or the CSV
report) says what is wrong in the reader's own language. Times are stored in UTC with the shift's
zone; a series (every 1 to 4 weeks, on chosen weekdays) keeps the same local wall time on every date,
across daylight-saving changes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot.clock import to_ts
from bot.db import Database
from bot.i18n import N_
from bot.services import campaigns
from bot.services.authz import Actor
from bot.services.invalid import Invalid as Invalid
from bot.services.invalid import MonthName as MonthName
from bot.services.once import Claim, claimed
from bot.services.typed_dates import TYPED_MAX as TYPED_MAX
from bot.services.typed_dates import Ambiguous as Ambiguous
from bot.services.typed_dates import read_date as read_date
from bot.services.typed_dates import read_datetime as read_datetime
from bot.services.typed_dates import read_shift_date as read_shift_date
from bot.services.typed_dates import read_time as read_time
from bot.store import audit
from bot.store import shifts as shift_store
from bot.store.orgs import Org
from bot.store.shifts import NewShift
from bot.text import clean, count, fold_digits, whole_number, whole_number_in
from bot.vocab import KIND_CODES, KINDS, OUTREACH_LANGUAGES, STATE_ZONES

TITLE_MAX = 200
DESCRIPTION_MAX = 2000
PLACE_NAME_MAX = 200
ADDRESS_MAX = 300
URL_MAX = 500
CAPACITY_MAX = 10_000
LENGTH_MIN = 15  # minutes
LENGTH_MAX = 24 * 60
WEEKS_MAX = 12  # how many weeks a series runs, counted from the first date's week
EVERY_MAX = 4  # a series repeats every 1 to 4 weeks
SERIES_MAX = 60  # shifts in one series (weekdays for 12 weeks): its preview lists every date within one message
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # RFC 5545 weekday codes, Monday first like date.weekday()


MISSING = N_("This is still missing.")


class NotAllowed(PermissionError):
    """The actor does not coordinate the organization they would publish for."""


# --- dates and times (read in bot/services/typed_dates.py) -------------------------------------------


def local_moment(day: date, clock: time, tz: ZoneInfo) -> datetime:
    """The UTC moment of a wall-clock time in a zone; a time the clocks skip that day is refused."""
    local = datetime.combine(day, clock, tzinfo=tz)
    moment = local.astimezone(UTC)
    if moment.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise Invalid(N_("That time doesn't exist that day: the clocks change. Pick another time."), "start")
    return moment


# --- lengths, numbers, links, text --------------------------------------------------------------------

_HOURS = r"(?:h|hr|hrs|hour|hours|시간|時間|小时|小時|giờ|hora|horas|oras)"
_MINUTES = r"(?:m|min|mins|minute|minutes|분|分|分钟|分鐘|phút|minuto|minutos)"
_LENGTH_HOURS = re.compile(rf"([0-9]+)(?:\.([0-9]+))?\s*{_HOURS}?")
_LENGTH_MINUTES = re.compile(rf"([0-9]+)\s*{_MINUTES}")
_LENGTH_BOTH = re.compile(rf"([0-9]+)\s*(?:{_HOURS}|:)\s*([0-9]{{1,2}})\s*{_MINUTES}?")


def read_length(text: str) -> int:
    """Minutes from '2', '2.5', '2,5 h', '90m', '1h30', '1:30' (in any script's digits)."""
    s = fold_digits(text).strip().lower().replace(",", ".")
    if m := _LENGTH_MINUTES.fullmatch(s):
        minutes = count(m[1])
    elif m := _LENGTH_BOTH.fullmatch(s):
        minutes = count(m[1]) * 60 + int(m[2])
    elif m := _LENGTH_HOURS.fullmatch(s):
        fraction = float("0." + m[2][:6]) if m[2] else 0.0  # no float of 400 digits: that overflows
        minutes = count(m[1]) * 60 + round(fraction * 60)
    else:
        raise Invalid(N_("I couldn't read that length. Type hours like 2.5, or minutes like 90m."), "length_hours")
    if minutes < LENGTH_MIN:
        raise Invalid(N_("A shift lasts at least {minutes} minutes."), "length_hours", minutes=LENGTH_MIN)
    if minutes > LENGTH_MAX:
        raise Invalid(
            N_("A shift lasts at most {hours} hours. For minutes, type them like 90m."),
            "length_hours", hours=LENGTH_MAX // 60,
        )
    return minutes


def read_capacity(text: str) -> int:
    """How many can sign up: 1 to 10,000 ('1,000' and '1 000' read as a thousand)."""
    number = whole_number(text, grouping=True)
    if number is None:
        raise Invalid(N_("Type a number of volunteers, for example 12."), "capacity")
    if number < 1:
        raise Invalid(N_("At least one volunteer must be able to sign up."), "capacity")
    if number > CAPACITY_MAX:
        raise Invalid(
            N_("That's more than {max} volunteers. Type a number from 1 to {max}."), "capacity", max=CAPACITY_MAX
        )
    return number


_OPENS_MINUTES = re.compile(rf"([0-9]{{1,5}})\s*{_MINUTES}?")


def read_checkin_opens(text: str) -> int:
    """How many minutes before the start check-in opens: 0 (at the start) to a day ('45', '45 min', '٤٥')."""
    m = _OPENS_MINUTES.fullmatch(fold_digits(text).strip().lower())
    number = count(m[1]) if m else None
    if number is None or number > shift_store.CHECKIN_OPENS_MAX:
        raise Invalid(
            N_("Type how many minutes before the start check-in opens: a number from 0 to {max}, for example 30."),
            "checkin_opens_minutes", max=shift_store.CHECKIN_OPENS_MAX,
        )
    return number


_BARE_DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)+(?:[/?#]\S*)?")


def read_url(text: str) -> str:
    """An http(s) link; 'zoom.us/j/1' gets https:// in front, anything else (javascript:, ftp:) is refused."""
    s = clean(text)  # a zero-width space or a bidi override would break the link, invisibly
    if "://" not in s and _BARE_DOMAIN.fullmatch(s):
        s = "https://" + s
    problem = Invalid(
        N_("That isn't a web link. Send one that starts with https://, for example https://zoom.us/j/123456789."),
        "online_url",
    )
    if len(s) > URL_MAX or any(c.isspace() for c in s) or any(c in s for c in "<>\"'"):
        raise problem
    try:
        parts = urlsplit(s)
        host = parts.hostname or ""
    except ValueError:
        raise problem from None
    if parts.scheme.lower() not in ("http", "https") or "." not in host.strip("."):
        raise problem
    return s


_TOO_LONG = {
    "title": N_("The title can have at most {max} characters; this one has {count}."),
    "description": N_("The description can have at most {max} characters; this one has {count}."),
    "place_name": N_("The place name can have at most {max} characters; this one has {count}."),
    "address": N_("The address can have at most {max} characters; this one has {count}."),
}
_EMPTY = {
    "title": N_("The title can't be empty."),
    "place_name": N_("The place name can't be empty."),
    "address": N_("The address can't be empty."),
}
_LIMITS = {"title": TITLE_MAX, "description": DESCRIPTION_MAX, "place_name": PLACE_NAME_MAX, "address": ADDRESS_MAX}


def read_text(text: str, field: str) -> str:
    """A title, place name or address on one line; a description keeps its lines. Empty only for a description.
    Cleaned by the one rule for stored text (bot/text.py): nothing invisible or reordering is kept."""
    cleaned = clean(text, multiline=field == "description")
    if not cleaned and field in _EMPTY:
        raise Invalid(_EMPTY[field], field)
    if len(cleaned) > _LIMITS[field]:
        raise Invalid(_TOO_LONG[field], field, max=_LIMITS[field], count=len(cleaned))
    return cleaned


def read_kind(text: str) -> str:
    """'phone_bank', 'Phone bank', 'phone-bank' or the short code 'pb'."""
    key = "_".join(clean(text).lower().replace("-", " ").split())
    if key in KINDS:
        return key
    for kind, label in KINDS.items():
        if key == "_".join(label.lower().split()) or key == KIND_CODES[kind]:
            return kind
    raise Invalid(
        N_("Unknown kind “{value}”. Use one of: {kinds}."), "kind", value=clean(text)[:40], kinds=", ".join(KINDS)
    )


def read_languages(text: str) -> tuple[str, ...]:
    """Outreach language codes separated by spaces, commas or semicolons: 'ko; vi cmn'."""
    codes = [c.lower() for c in re.split(r"[\s,;]+", clean(text)) if c]
    unknown = [c for c in codes if c not in OUTREACH_LANGUAGES]
    if unknown:
        raise Invalid(
            N_("Unknown language code: {codes}. Use codes such as ko, vi, cmn, yue, tl, hi."),
            "languages", codes=", ".join(unknown)[:60],
        )
    return tuple(dict.fromkeys(codes))


def read_weeks(text: str) -> int:
    weeks = whole_number_in(text, 1, WEEKS_MAX)
    if weeks is None:
        raise Invalid(N_("Type a number of weeks from 1 to {max}."), "weeks", max=WEEKS_MAX)
    return weeks


# --- a draft and the shifts it becomes ----------------------------------------------------------------


@dataclass
class Draft:
    """What the coordinator has said so far about a new shift (or weekly series)."""

    org_id: int | None = None
    title: str | None = None
    kind: str | None = None
    day: date | None = None
    start: time | None = None
    minutes: int | None = None
    place_name: str | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    online_url: str | None = None
    capacity: int | None = None
    languages: list[str] = field(default_factory=list)
    description: str = ""
    deadline_before: int | None = None  # minutes before each start that signups close; None: at the start
    weeks: int = 1  # how many weeks the series runs, the first date's week first
    every: int = 1  # it happens every `every`-th of those weeks
    weekdays: list[int] = field(default_factory=list)  # date.weekday() numbers; empty: the first date's only
    texts: dict[str, dict[str, str]] = field(default_factory=dict)  # locale → field → the organizers' translation
    campaign_id: int | None = None

    def set_in_person(self, *, address: str | None = None, place_name: str | None = None,
                      latitude: float | None = None, longitude: float | None = None) -> None:
        self.address, self.place_name, self.latitude, self.longitude = address, place_name, latitude, longitude
        self.online_url = None

    def set_online(self, url: str) -> None:
        self.set_in_person()
        self.online_url = url

    @property
    def has_place(self) -> bool:
        return bool(self.online_url or self.address or self.place_name)

    def as_data(self) -> dict[str, Any]:
        """JSON-able (for the dialogue row): the day as ISO date, the start as HH:MM."""
        data = asdict(self)
        data["day"] = self.day.isoformat() if self.day else None
        data["start"] = self.start.strftime("%H:%M") if self.start else None
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Draft:
        """The draft `as_data` wrote; unknown keys (from an older release) are left out."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["day"] = date.fromisoformat(values["day"]) if values.get("day") else None
        values["start"] = time.fromisoformat(values["start"]) if values.get("start") else None
        values["languages"] = list(values.get("languages") or [])
        values["weekdays"] = [int(d) for d in values.get("weekdays") or [] if str(d).isdigit() and int(d) < 7]
        values["texts"] = {str(k): dict(v) for k, v in (values.get("texts") or {}).items()}
        return cls(**values)

    def repeat_days(self) -> list[int]:
        """The weekdays the series happens on: the chosen ones, else the first date's."""
        assert self.day is not None
        return sorted(set(self.weekdays)) or [self.day.weekday()]

    def dates(self) -> list[date]:
        """Every date of the draft. Weeks run Monday to Sunday; the first date's week is the first, and its
        chosen weekdays before the first date are skipped (the series never starts earlier than that date)."""
        assert self.day is not None
        monday = self.day - timedelta(days=self.day.weekday())
        days = self.repeat_days()
        return [
            monday + timedelta(weeks=week, days=weekday)
            for week in range(0, self.weeks, self.every)
            for weekday in days
            if monday + timedelta(weeks=week, days=weekday) >= self.day
        ]

    def rule(self) -> str | None:
        """The series' rule as an RFC 5545 RRULE (what an .ics would say); None for a single shift."""
        count = len(self.dates())
        if count <= 1:
            return None
        byday = ",".join(RRULE_DAYS[d] for d in self.repeat_days())
        return f"FREQ=WEEKLY;INTERVAL={self.every};BYDAY={byday};COUNT={count}"

    def text_rows(self) -> tuple[tuple[str, str, str], ...]:
        """The translations as the store keeps them; a place name only for a shift with a place."""
        return tuple(
            (locale, name, text)
            for locale, values in self.texts.items()
            for name, text in values.items()
            if text and (name != "place_name" or self.online_url is None)
        )


def region_for(org: Org, online: bool) -> str | None:
    """An in-person shift is in its organization's state; an online one is anywhere."""
    if online or org.state not in STATE_ZONES:
        return None
    return org.state


def starts(draft: Draft, tz: ZoneInfo) -> list[datetime]:
    """Every start of the draft (a series: the same local wall time on each date), in UTC."""
    assert draft.day is not None and draft.start is not None
    days = draft.dates()
    if not days:
        raise Invalid(MISSING, "weeks")
    moments = [local_moment(days[0], draft.start, tz)]
    for day in days[1:]:
        local = datetime.combine(day, draft.start, tzinfo=tz)
        moments.append(local.astimezone(UTC))  # a skipped wall time moves forward, like a wall clock
    return moments


def deadline_for(start: datetime, before: int | None) -> datetime | None:
    return None if before is None else start - timedelta(minutes=before)


def check_start(start: datetime, now: datetime) -> None:
    if start <= now:
        raise Invalid(N_("That time has already passed. Pick a later time or another day."), "start")


def check_deadline(deadline: datetime, start: datetime, now: datetime) -> None:
    if deadline >= start:
        raise Invalid(N_("Signups must close before the shift starts."), "signup_deadline")
    if deadline <= now:
        raise Invalid(N_("That moment has already passed: signups would be closed from the start."),
                      "signup_deadline")




def build(draft: Draft, org: Org, now: datetime, created_by: int | None) -> list[NewShift]:
    """The shifts a finished draft becomes, checked against every rule; raises the first problem."""
    for name in ("title", "kind", "day", "start", "minutes", "capacity"):
        if getattr(draft, name) is None:
            raise Invalid(MISSING, name)
    if not draft.has_place:
        raise Invalid(MISSING, "place")
    if not 1 <= draft.weeks <= WEEKS_MAX:
        raise Invalid(N_("Type a number of weeks from 1 to {max}."), "weeks", max=WEEKS_MAX)
    if not 1 <= draft.every <= EVERY_MAX:
        raise Invalid(MISSING, "weeks")
    assert draft.minutes is not None and draft.capacity is not None
    tz = ZoneInfo(org.timezone)
    moments = starts(draft, tz)
    if len(moments) > SERIES_MAX:
        raise Invalid(
            N_("A series can have at most {max} shifts; this one has {count}. Tick fewer days or pick fewer weeks."),
            "weeks", max=SERIES_MAX, count=len(moments),
        )
    check_start(moments[0], now)
    online = draft.online_url is not None
    result = []
    for start in moments:
        deadline = deadline_for(start, draft.deadline_before)
        if deadline is not None:
            check_deadline(deadline, start, now)
        result.append(
            NewShift(
                org_id=org.id,
                title=draft.title or "",
                kind=draft.kind or "other",
                starts_at=to_ts(start),
                ends_at=to_ts(start + timedelta(minutes=draft.minutes)),
                timezone=org.timezone,
                capacity=draft.capacity,
                description=draft.description,
                place_name=None if online else draft.place_name,
                address=None if online else draft.address,
                latitude=None if online else draft.latitude,
                longitude=None if online else draft.longitude,
                online_url=draft.online_url,
                region=region_for(org, online),
                signup_deadline=to_ts(deadline) if deadline else None,
                languages=tuple(draft.languages),
                created_by=created_by,
                texts=draft.text_rows(),
                campaign_id=draft.campaign_id,
            )
        )
    return result


@dataclass(frozen=True)
class Published:
    shift_ids: list[int]
    series_id: int | None


async def publish(
    db: Database, shifts: Sequence[NewShift], *, actor: Actor, now: int, rule: str | None = None,
    claim: Claim | None = None,
) -> Published:
    """Creates every shift (and their series, with its `rule`) in one transaction: all of them or none.

    Refuses, creating nothing, when any would start in the past by now (the dialogue may have been slow),
    or when the actor doesn't coordinate every shift's organization (checked here, not only in handlers).
    With `claim` (the dialogue that holds the draft), a second press of Publish, or the same press handled
    again after a crash, raises AlreadyDone and creates nothing (bot/services/once.py).
    """
    if not all(actor.can_coordinate(s.org_id) for s in shifts):
        raise NotAllowed(sorted({s.org_id for s in shifts}))
    actor_id = actor.person_id
    if not shifts:
        return Published([], None)
    if any(s.starts_at <= now for s in shifts):
        raise Invalid(N_("That time has already passed. Pick a later time or another day."), "start")
    series_id = None
    ids: list[int] = []
    async with db.transaction() as tx:
        for org_id, campaign_id in {(s.org_id, s.campaign_id) for s in shifts if s.campaign_id is not None}:
            try:  # a campaign of another organization (a forged draft, a CSV of two orgs) is refused
                await campaigns.check_assignable(tx, actor, org_id, campaign_id)
            except campaigns.NotAllowed:
                raise NotAllowed([org_id]) from None
        await claimed(tx, claim)
        if rule:
            series_id = await shift_store.create_series(tx, shifts[0].org_id, rule, actor_id, now)
        for shift in shifts:
            ids.append(await shift_store.create(tx, replace(shift, series_id=series_id), now))
        for org_id in dict.fromkeys(s.org_id for s in shifts):
            mine = [i for i, s in zip(ids, shifts, strict=True) if s.org_id == org_id]
            await audit.record(
                tx, actor_id=actor_id, action="shifts.publish", now=now, org_id=org_id,
                subject=f"series:{series_id}" if series_id else f"shift:{mine[0]}",
                details={"count": len(mine), "first": mine[0], "last": mine[-1]},
            )
    return Published(ids, series_id)
