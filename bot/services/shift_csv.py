"""CSV of shifts: the template coordinators fill in, and reading an upload into shifts or problems.

Reading never creates anything: it returns the shifts to publish, or every problem found as
(row, column, problem) with rows numbered as a spreadsheet shows them (the column names are row 1).
Limits keep a huge file from tying up the bot: it is refused before it is read.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from bot.clock import to_ts
from bot.i18n import N_
from bot.services import csvfile
from bot.services.posting import (
    LENGTH_MAX,
    LENGTH_MIN,
    MISSING,
    Invalid,
    check_deadline,
    check_start,
    local_moment,
    read_capacity,
    read_checkin_opens,
    read_datetime,
    read_kind,
    read_languages,
    read_length,
    read_shift_date,
    read_text,
    read_time,
    read_url,
    region_for,
)
from bot.services.shift_texts import read_locale
from bot.store.campaigns import Campaign, name_key
from bot.store.orgs import Org
from bot.store.shifts import CHECKIN_OPENS_DEFAULT, NewShift
from bot.text import clean

COLUMNS = (
    "org", "title", "kind", "date", "start", "end", "length_hours", "place_name", "address", "online_url",
    "capacity", "languages", "description", "signup_deadline", "checkin_opens_minutes", "campaign",
)
REQUIRED = ("title", "kind", "date", "start", "capacity")
# Names people are likely to write for a column.
ALIASES = {
    "organization": "org", "organisation": "org", "slug": "org", "type": "kind", "day": "date",
    "start_time": "start", "starts": "start", "end_time": "end", "ends": "end", "length": "length_hours",
    "hours": "length_hours", "duration": "length_hours", "place": "place_name", "location": "address",
    "url": "online_url", "link": "online_url", "online": "online_url", "spots": "capacity", "places": "capacity",
    "language": "languages", "deadline": "signup_deadline", "checkin_opens": "checkin_opens_minutes",
    "check_in_opens": "checkin_opens_minutes", "check_in_opens_minutes": "checkin_opens_minutes",
}
# The organizers' translations: title_ko, description_vi, place_name_zh_Hant (any catalog's code, any case).
_TRANSLATED = re.compile(r"(title|description|place_name)_([a-z]{2,3}(?:_[a-z0-9]+)?)")
MAX_BYTES = 1_000_000
MAX_ROWS = 2_000
MAX_PROBLEMS = 1_000

T = TypeVar("T")


@dataclass(frozen=True)
class Problem:
    row: int | None  # as a spreadsheet numbers it (column names are row 1); None: the whole file
    column: str | None
    error: Invalid


@dataclass(frozen=True)
class Upload:
    shifts: list[NewShift]
    problems: list[Problem]
    truncated: bool = False  # more problems than MAX_PROBLEMS: only the first are listed

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.shifts)


def _refuse(message: str, **params: object) -> Upload:
    return Upload([], [Problem(None, None, Invalid(message, None, **params))])


def size_problem(size: int) -> Invalid | None:
    """Refuses a file by its size alone, before anything downloads or reads it."""
    if size > MAX_BYTES:
        return Invalid(
            N_("The file is too big: at most {max} KB, please. Split it into smaller files."),
            max=MAX_BYTES // 1000,
        )
    return None


def _decode(data: bytes) -> str | Invalid:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Invalid(
            N_(
                "The file isn't UTF-8 text (the first problem is on line {line}). In Excel, save it as "
                "“CSV UTF-8”; in Google Sheets, use File → Download → CSV."
            ),
            line=data[: exc.start].count(b"\n") + 1,
        )


def _column_key(name: str) -> str:
    key = "_".join(name.strip().lstrip(csvfile.BOM).lower().replace("-", " ").split())
    return ALIASES.get(key, key)


def translated_column(key: str) -> tuple[str, str] | None:
    """('title', 'ko') for a column key 'title_ko'; raises Invalid when the language is not one we have."""
    if (m := _TRANSLATED.fullmatch(key)) is None:
        return None
    return m[1], read_locale(m[2])


def _header_problems(header: list[str], raw: list[str], orgs: Sequence[Org]) -> list[Problem]:
    problems = []
    translated = []
    for name, key in zip(raw, header, strict=True):
        try:
            if translated_column(key):
                translated.append(key)
        except Invalid as exc:
            problems.append(Problem(1, name.strip()[:30], exc))
            translated.append(key)
    unknown = [
        name for name, key in zip(raw, header, strict=True) if key and key not in COLUMNS and key not in translated
    ]
    if unknown:
        problems.append(
            Problem(1, None, Invalid(
                N_("Unknown columns: {columns}. The columns are: {expected}."),
                columns=", ".join(n.strip()[:30] for n in unknown[:10]), expected=", ".join(COLUMNS),
            ))
        )
    duplicated = sorted({key for key in header if key and header.count(key) > 1})
    if duplicated:
        problems.append(Problem(1, None, Invalid(N_("Columns named twice: {columns}."), columns=", ".join(duplicated))))
    missing = [c for c in REQUIRED if c not in header]
    if "end" not in header and "length_hours" not in header:
        missing.append("end / length_hours")
    if not {"address", "place_name", "online_url"} & set(header):
        missing.append("address / online_url")
    if "org" not in header and len(orgs) != 1:
        missing.insert(0, "org")
    if missing:
        problems.append(Problem(1, None, Invalid(N_("Missing columns: {columns}."), columns=", ".join(missing))))
    return problems


class _Row:
    """One row's cells and the problems found in them."""

    def __init__(self, number: int, cells: dict[str, str]) -> None:
        self.number = number
        self.cells = cells
        self.problems: list[Problem] = []

    def get(self, column: str) -> str:
        """The cell by the one rule for stored text: a cell of zero-width characters is an empty cell."""
        return clean(self.cells.get(column, ""), multiline=column == "description")

    def fail(self, column: str | None, error: Invalid) -> None:
        self.problems.append(Problem(self.number, column, error))

    def read(self, column: str, reader: Callable[..., T], *args: object, required: bool = True) -> T | None:
        """Reads the cell with `reader`; an empty required cell or a bad value becomes a problem."""
        value = self.get(column)
        if not value:
            if required:
                self.fail(column, Invalid(MISSING, column))
            return None
        try:
            return reader(value, *args)
        except Invalid as exc:
            self.fail(column, exc)
            return None

    def check(self, column: str, rule: Callable[..., T], *args: object) -> T | None:
        """The rule's result, or None with the problem noted."""
        try:
            return rule(*args)
        except Invalid as exc:
            self.fail(column, exc)
            return None

    def holds(self, column: str, rule: Callable[..., object], *args: object) -> bool:
        return self.check(column, lambda: rule(*args) or True) is not None


def _campaign(row: _Row, org: Org | None, campaigns: Sequence[Campaign]) -> int | None:
    """The campaign named in the row (any case), of the row's own organization; unknown is a problem."""
    name = row.get("campaign")
    if not name or org is None:
        return None
    found = next((c.id for c in campaigns if c.org_id == org.id and name_key(c.name) == name_key(name)), None)
    if found is None:
        row.fail("campaign", Invalid(
            N_("“{value}” is not a campaign of this organization. Create it with /campaigns, or leave the cell empty."),
            value=name[:40],
        ))
    return found


def _shift(
    row: _Row, orgs: Sequence[Org], now: datetime, created_by: int | None, locale: str,
    campaigns: Sequence[Campaign] = (),
) -> NewShift | None:
    by_slug = {o.slug: o for o in orgs}
    org: Org | None = orgs[0] if len(orgs) == 1 else None
    if slug := row.get("org").lower():
        org = by_slug.get(slug)
        if org is None:
            row.fail("org", Invalid(
                N_("“{value}” is not one of your organizations. Use one of: {slugs}."),
                value=slug[:40], slugs=", ".join(sorted(by_slug))[:200],
            ))
    elif org is None:
        row.fail("org", Invalid(N_("Which organization? Fill in its short name, one of: {slugs}."),
                                slugs=", ".join(sorted(by_slug))[:200]))
    tz = ZoneInfo(org.timezone if org else orgs[0].timezone)
    today = now.astimezone(tz).date()

    title = row.read("title", read_text, "title")
    kind = row.read("kind", read_kind)
    day = row.read("date", read_shift_date, today, locale)
    start_time = row.read("start", read_time, locale)
    start = row.check("start", local_moment, day, start_time, tz) if day and start_time else None
    if start is not None and not row.holds("start", check_start, start, now):
        start = None

    minutes: int | None = None
    if row.get("end"):
        end_time = row.read("end", read_time, locale)
        end = row.check("end", local_moment, day, end_time, tz) if day and end_time else None
        if start is not None and end is not None:
            minutes = (end - start) // timedelta(minutes=1)
            if minutes <= 0:
                row.fail("end", Invalid(N_("The shift ends before it starts. Past midnight? Use length_hours.")))
                minutes = None
            elif minutes < LENGTH_MIN:
                row.fail("end", Invalid(N_("A shift lasts at least {minutes} minutes."), minutes=LENGTH_MIN))
                minutes = None
    elif row.get("length_hours"):
        minutes = row.read("length_hours", read_length)
    else:
        row.fail("end", Invalid(N_("Fill in end or length_hours.")))
    if minutes is not None and minutes > LENGTH_MAX:
        row.fail("end", Invalid(N_("A shift lasts at most {hours} hours. For minutes, type them like 90m."),
                                hours=LENGTH_MAX // 60))

    url = row.read("online_url", read_url, required=False)
    address = row.read("address", read_text, "address", required=False)
    place_name = row.read("place_name", read_text, "place_name", required=False)
    if row.get("online_url") and (row.get("address") or row.get("place_name")):
        row.fail("online_url", Invalid(
            N_("Fill in online_url for an online shift or an address for an in-person one, not both.")
        ))
    elif not (row.get("online_url") or row.get("address") or row.get("place_name")):
        row.fail("address", Invalid(N_("Fill in an address (or place_name), or online_url for an online shift.")))

    capacity = row.read("capacity", read_capacity)
    languages = row.read("languages", read_languages, required=False) or ()
    description = row.read("description", read_text, "description", required=False) or ""
    deadline = None
    if row.get("signup_deadline"):
        when = row.read("signup_deadline", read_datetime, today, locale)
        if when is not None:
            deadline = row.check("signup_deadline", local_moment, when[0], when[1], tz)
        if deadline is not None and start is not None:
            row.holds("signup_deadline", check_deadline, deadline, start, now)

    opens = row.read("checkin_opens_minutes", read_checkin_opens, required=False)
    campaign_id = _campaign(row, org, campaigns)

    texts = []
    for column in sorted(c for c in row.cells if _TRANSLATED.fullmatch(c)):
        found = translated_column(column)
        assert found is not None  # the header was checked
        name, locale = found
        text = row.read(column, read_text, name, required=False)
        if text and not (name == "place_name" and url is not None):  # an online shift has no place
            texts.append((locale, name, text))

    if row.problems or org is None or start is None or minutes is None or capacity is None:
        return None
    online = url is not None
    return NewShift(
        org_id=org.id, title=title or "", kind=kind or "other", starts_at=to_ts(start),
        ends_at=to_ts(start + timedelta(minutes=minutes)), timezone=org.timezone, capacity=capacity,
        description=description, place_name=place_name, address=address, online_url=url,
        region=region_for(org, online), signup_deadline=to_ts(deadline) if deadline else None,
        languages=languages, created_by=created_by, texts=tuple(texts), campaign_id=campaign_id,
        checkin_opens_minutes=CHECKIN_OPENS_DEFAULT if opens is None else opens,
    )


def _sameness(shift: NewShift) -> tuple[object, ...]:
    """What makes two rows the same shift to a volunteer: the same listing at the same time and place
    (a different capacity or description doesn't make a second shift, only a copy of the first)."""
    return (
        shift.org_id, shift.title.casefold(), shift.kind, shift.starts_at, shift.ends_at,
        (shift.place_name or "").casefold(), (shift.address or "").casefold(), shift.online_url,
        tuple(sorted(shift.languages)),
    )


def parse(
    data: bytes, *, orgs: Sequence[Org], now: datetime, created_by: int | None = None, locale: str = "en",
    campaigns: Sequence[Campaign] = (),
) -> Upload:
    """Reads an uploaded CSV of shifts for these organizations (the uploader's); creates nothing.
    `campaigns`: those the `campaign` column may name (each row's own organization's)."""
    if not orgs:
        return _refuse(N_("You don't coordinate any organization yet."))
    if (too_big := size_problem(len(data))) is not None:
        return Upload([], [Problem(None, None, too_big)])
    text = _decode(data)
    if isinstance(text, Invalid):
        return Upload([], [Problem(None, None, text)])
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count) if any(d in first_line for d in ",;\t") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, cells in enumerate(reader, start=1):
            if not any(cell.strip() for cell in cells):
                continue  # spreadsheets leave empty rows at the end
            rows.append((number, cells))
            if len(rows) > MAX_ROWS + 1:  # the header and MAX_ROWS shifts: stop reading now
                return _refuse(
                    N_("The file has more than {max} rows. Split it into files of at most {max} shifts."),
                    max=MAX_ROWS,
                )
    except csv.Error:
        return _refuse(
            N_("I couldn't read the file as CSV (near line {line}). Save it as “CSV UTF-8” and try again."),
            line=reader.line_num,
        )
    if not rows:
        return _refuse(N_("The file is empty. Start from the template: the first row names the columns."))
    _, raw_header = rows[0]
    header = [_column_key(name) for name in raw_header]
    header_problems = _header_problems(header, raw_header, orgs)
    if header_problems:
        return Upload([], header_problems)
    if len(rows) == 1:
        return _refuse(N_("The file has no shifts in it: fill in at least one row under the column names."))

    shifts: list[NewShift] = []
    problems: list[Problem] = []
    first_rows: dict[tuple[object, ...], int] = {}
    for number, cells in rows[1:]:
        named = {key: cell for key, cell in zip(header, cells, strict=False) if key}
        row = _Row(number, named)
        if any(cell.strip() for cell in cells[len(header) :]):
            row.fail(None, Invalid(N_("This row has more cells than there are columns. Put quotes around a cell "
                                    "that has a comma in it.")))
        shift = _shift(row, orgs, now, created_by, locale, campaigns)
        if shift is not None and (first := first_rows.setdefault(_sameness(shift), number)) != number:
            row.fail(None, Invalid(
                N_("This row repeats row {row}: the same shift would be posted twice. Delete one of them."), row=first
            ))
        elif shift is not None:
            shifts.append(shift)
        problems += row.problems
        if len(problems) >= MAX_PROBLEMS:
            return Upload([], problems[:MAX_PROBLEMS], truncated=True)
    return Upload(shifts if not problems else [], problems)


def template(orgs: Sequence[Org], now: datetime) -> bytes:
    """A ready-to-edit file: the column names and two example rows dated next week."""
    org = orgs[0] if orgs else None
    tz = ZoneInfo(org.timezone) if org else ZoneInfo("UTC")
    day = (now.astimezone(tz) + timedelta(days=7)).date()
    slug = org.slug if org else ""
    rows = [
        list(COLUMNS),
        [
            slug, "Weekend canvass", "canvass", day.isoformat(), "10:00", "13:00", "", "Community center",
            "123 Main St, Los Angeles, CA 90012", "", "12", "ko en", "Wear comfortable shoes. We train on site.", "",
            "45", "",
        ],
        [
            slug, "Phone bank for Korean speakers", "phone_bank", (day + timedelta(days=1)).isoformat(), "18:30", "",
            "2", "", "", "https://zoom.us/j/123456789", "20", "ko", "Bring a laptop and headphones.",
            f"{day.isoformat()} 18:00", "", "",
        ],
    ]
    return csvfile.encode(rows)
