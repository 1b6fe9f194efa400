"""Posting rules: reading dates, times, lengths, numbers and links; weekly series across DST; publishing."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.dates import get_month_names

from bot.clock import from_ts, to_ts
from bot.db import Database
from bot.services import posting
from bot.services.authz import Actor
from bot.services.posting import Draft, Invalid
from bot.store import shifts as shift_store
from tests.factories import coordinator_of, make_org, make_volunteer, volunteer_actor

LA = ZoneInfo("America/Los_Angeles")
TODAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)  # noon in Los Angeles


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "t.sqlite3")
    await database.migrate()
    yield database
    await database.close()


def problem(reader: object, *args: object) -> Invalid:
    with pytest.raises(Invalid) as caught:
        reader(*args)  # type: ignore[operator]
    return caught.value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-05", date(2026, 12, 5)),
        ("12/5", date(2026, 12, 5)),
        ("12/5/2026", date(2026, 12, 5)),
        ("12/5/26", date(2026, 12, 5)),
        ("Dec 5", date(2026, 12, 5)),
        ("5 Dec", date(2026, 12, 5)),
        ("December 5th, 2026", date(2026, 12, 5)),
        ("dec. 5", date(2026, 12, 5)),
        ("Jan 3", date(2027, 1, 3)),  # no year: the next one
        ("12월 5일", date(2026, 12, 5)),
        ("2026年12月5日", date(2026, 12, 5)),
    ],
)
def test_dates_in_common_forms(text: str, expected: date) -> None:
    assert posting.read_shift_date(text, TODAY) == expected


def test_dates_in_the_readers_language() -> None:
    # Typed as the reader's CLDR names the month ("thg 12", "diciembre"), whatever the release calls it.
    vi_december = get_month_names("abbreviated", locale="vi")[12]
    es_december = get_month_names("wide", locale="es")[12]
    assert posting.read_shift_date(f"5 {vi_december}", TODAY, "vi") == date(2026, 12, 5)
    assert posting.read_shift_date(f"5 de {es_december}", TODAY, "es") == date(2026, 12, 5)
    with pytest.raises(Invalid):  # only in the reader's language (and English)
        posting.read_shift_date(f"5 de {es_december}", TODAY, "ko")


def test_impossible_dates_are_refused_with_the_reason() -> None:
    for text in ("31/02", "2/31", "2027-02-31"):
        err = problem(posting.read_shift_date, text, TODAY)
        assert err.message == "There is no {month} {day}: that month has {days} days."
        assert err.params == {"month": 2, "day": 31, "days": 28}
        assert isinstance(err.params["month"], posting.MonthName)
    assert "month {month}" in problem(posting.read_shift_date, "13/13", TODAY).message
    assert problem(posting.read_shift_date, "someday", TODAY).message.startswith("I couldn't read that date")
    assert problem(posting.read_shift_date, "2026-11-19", TODAY).message == "That date has already passed."
    assert "two years" in problem(posting.read_shift_date, "2030-01-01", TODAY).message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18:30", time(18, 30)),
        ("6:30pm", time(18, 30)),
        ("6:30 pm", time(18, 30)),
        ("6:30 P.M.", time(18, 30)),
        ("6pm", time(18, 0)),
        ("6 PM", time(18, 0)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("9a", time(9, 0)),
        ("1830", time(18, 30)),
        ("18.30", time(18, 30)),
        ("18", time(18, 0)),
        ("18:30:00", time(18, 30)),
        ("오후 6시 30분", time(18, 30)),
        ("오후 6:30", time(18, 30)),
        ("下午6点半", time(18, 30)),
    ],
)
def test_times_in_common_forms(text: str, expected: time) -> None:
    assert posting.read_time(text, "ko") == expected


def test_impossible_times_are_refused() -> None:
    err = problem(posting.read_time, "25:00")
    assert err.message == "There is no hour {hour}: hours go from 0 to 23." and err.params == {"hour": 25}
    assert problem(posting.read_time, "24:00").params == {"hour": 24}
    assert problem(posting.read_time, "6:61").message == "Minutes go from 00 to 59."
    assert problem(posting.read_time, "13pm").message == "With AM or PM, the hour goes from 1 to 12."
    assert "morning or evening" in problem(posting.read_time, "6").message
    assert problem(posting.read_time, "soon").message.startswith("I couldn't read that time")


def test_vietnamese_am_pm_marks() -> None:
    assert posting.read_time("6:30 CH", "vi") == time(18, 30)


@pytest.mark.parametrize(
    ("text", "minutes"), [("2", 120), ("2.5", 150), ("2,5", 150), ("90m", 90), ("90 min", 90), ("1h30", 90),
                          ("1:30", 90), ("3 hours", 180), ("3시간", 180)]
)
def test_lengths(text: str, minutes: int) -> None:
    assert posting.read_length(text) == minutes


def test_lengths_out_of_range() -> None:
    assert problem(posting.read_length, "10m").params == {"minutes": 15}
    assert problem(posting.read_length, "25").params == {"hours": 24}
    assert problem(posting.read_length, "long").field == "length_hours"


def test_capacity_from_one_to_ten_thousand() -> None:
    assert posting.read_capacity("1") == 1
    assert posting.read_capacity("10,000") == 10_000
    assert posting.read_capacity(" 25 ") == 25
    assert problem(posting.read_capacity, "0").message == "At least one volunteer must be able to sign up."
    too_many = problem(posting.read_capacity, "10,000,000")
    assert too_many.params == {"max": 10_000} and too_many.field == "capacity"
    assert problem(posting.read_capacity, "10000000").params == {"max": 10_000}
    for bad in ("-3", "1.5", "lots", ""):
        assert problem(posting.read_capacity, bad).message == "Type a number of volunteers, for example 12."


def test_online_links_must_be_http() -> None:
    assert posting.read_url("https://zoom.us/j/123?pwd=a&b=c") == "https://zoom.us/j/123?pwd=a&b=c"
    assert posting.read_url("zoom.us/j/123") == "https://zoom.us/j/123"
    for bad in ("javascript:alert(1)", "ftp://example.org/x", "http://localhost", "not a link", "https://"):
        assert problem(posting.read_url, bad).field == "online_url"


def test_text_limits() -> None:
    assert posting.read_text("  Phone   bank\n", "title") == "Phone bank"
    assert problem(posting.read_text, "   ", "title").message == "The title can't be empty."
    assert problem(posting.read_text, "x" * 201, "title").params == {"max": 200, "count": 201}
    assert posting.read_text("line 1\nline 2", "description") == "line 1\nline 2"
    assert problem(posting.read_text, "x" * 2001, "description").params == {"max": 2000, "count": 2001}


def test_kinds_and_languages() -> None:
    assert posting.read_kind("Phone bank") == posting.read_kind("phone_bank") == posting.read_kind("pb")
    assert problem(posting.read_kind, "phonebanking").field == "kind"
    assert posting.read_languages("ko; vi  cmn,ko") == ("ko", "vi", "cmn")
    assert problem(posting.read_languages, "ko klingon").params == {"codes": "klingon"}


def test_a_time_the_clocks_skip_is_refused() -> None:
    err = problem(posting.local_moment, date(2026, 3, 8), time(2, 30), LA)
    assert "clocks change" in err.message


def draft(**changes: object) -> Draft:
    base = Draft(
        org_id=1, title="Weekly phone bank", kind="phone_bank", day=date(2026, 10, 24), start=time(18, 30),
        minutes=120, address="123 Main St", capacity=10, languages=["ko"],
    )
    for name, value in changes.items():
        setattr(base, name, value)
    return base


_telegram_ids = itertools.count(9200)
WEEKLY = "FREQ=WEEKLY;INTERVAL=1;BYDAY=SA;COUNT=4"  # what draft(weeks=4) says: Saturdays, from Oct 24


async def poster(db: Database, org_id: int) -> Actor:
    """A real person coordinating the organization: the audit log names them."""
    return coordinator_of(org_id, (await make_volunteer(db, next(_telegram_ids))).id)


async def test_weekly_series_keeps_the_local_wall_time_across_dst(db: Database) -> None:
    org = await make_org(db, state="CA")
    now = datetime(2026, 10, 20, tzinfo=UTC)
    shifts = posting.build(draft(org_id=org.id, weeks=4), org, now, created_by=None)
    starts = [from_ts(s.starts_at).astimezone(LA) for s in shifts]
    assert [s.date() for s in starts] == [date(2026, 10, 24), date(2026, 10, 31), date(2026, 11, 7), date(2026, 11, 14)]
    assert {s.time() for s in starts} == {time(18, 30)}  # clocks fell back on Nov 1: still 6:30 PM
    assert shifts[2].starts_at - shifts[1].starts_at == 7 * 86400 + 3600  # one hour longer week in UTC
    assert all(s.ends_at - s.starts_at == 7200 for s in shifts)
    assert {s.region for s in shifts} == {"CA"} and {s.timezone for s in shifts} == {"America/Los_Angeles"}

    assert draft(weeks=4).rule() == WEEKLY
    published = await posting.publish(db, shifts, actor=await poster(db, org.id), now=to_ts(now), rule=WEEKLY)
    assert len(published.shift_ids) == 4 and published.series_id is not None
    rows = await db.fetchall("SELECT series_id FROM shift ORDER BY starts_at")
    assert {r["series_id"] for r in rows} == {published.series_id}
    assert await db.fetchval("SELECT rule FROM series WHERE id = ?", (published.series_id,)) == WEEKLY
    stored = await shift_store.get(db, published.shift_ids[0])
    assert stored is not None and stored.languages == ("ko",) and stored.region == "CA"


def test_every_other_week_on_tuesday_and_thursday_skips_the_days_before_the_first_date() -> None:
    # The first date is a Thursday: that week's Tuesday is before it, so the series starts on the Thursday.
    d = draft(day=date(2026, 10, 29), weeks=6, every=2, weekdays=[3, 1])
    assert d.dates() == [date(2026, 10, 29), date(2026, 11, 10), date(2026, 11, 12), date(2026, 11, 24),
                         date(2026, 11, 26)]
    assert d.rule() == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;COUNT=5"
    # Every third week, a Sunday and a Monday: weeks run Monday to Sunday, so the Monday comes first.
    d = draft(day=date(2026, 10, 25), weeks=7, every=3, weekdays=[6, 0])
    assert d.dates() == [date(2026, 10, 25), date(2026, 11, 9), date(2026, 11, 15), date(2026, 11, 30),
                         date(2026, 12, 6)]
    # Nothing ticked: the first date's weekday; one week: one shift and no series.
    assert draft(weeks=3, every=1).dates() == [date(2026, 10, 24), date(2026, 10, 31), date(2026, 11, 7)]
    assert draft(weeks=1).rule() is None and draft(weeks=1).dates() == [date(2026, 10, 24)]


def test_a_draft_keeps_its_repeat_through_the_dialogue_row_and_drops_forged_weekdays() -> None:
    d = draft(weeks=8, every=2, weekdays=[1, 3])
    assert Draft.from_data(d.as_data()) == d
    assert Draft.from_data({**d.as_data(), "weekdays": [1, 9, "x", -1]}).weekdays == [1]


async def test_a_series_across_dst_keeps_its_wall_time_on_every_chosen_day(db: Database) -> None:
    org = await make_org(db, state="CA")
    now = datetime(2026, 10, 20, tzinfo=UTC)
    shifts = posting.build(draft(org_id=org.id, day=date(2026, 10, 27), weeks=4, every=2, weekdays=[1, 3]),
                           org, now, created_by=None)
    starts = [from_ts(s.starts_at).astimezone(LA) for s in shifts]
    assert [s.date() for s in starts] == [date(2026, 10, 27), date(2026, 10, 29), date(2026, 11, 10),
                                          date(2026, 11, 12)]
    assert {s.time() for s in starts} == {time(18, 30)}  # before and after Nov 1


async def test_every_is_one_to_four_weeks(db: Database) -> None:
    org = await make_org(db, state="CA")
    with pytest.raises(Invalid):
        posting.build(draft(weeks=4, every=5), org, datetime(2026, 10, 20, tzinfo=UTC), created_by=None)


async def test_online_shifts_have_no_region_and_deadlines_close_before_each_start(db: Database) -> None:
    org = await make_org(db, state="CA")
    now = datetime(2026, 10, 20, tzinfo=UTC)
    d = draft(org_id=org.id, weeks=2, deadline_before=1440)
    d.set_online("https://zoom.us/j/1")
    shifts = posting.build(d, org, now, created_by=None)
    assert all(s.region is None and s.address is None and s.online_url for s in shifts)
    assert [s.starts_at - (s.signup_deadline or 0) for s in shifts] == [86400, 86400]


def test_past_shifts_and_late_deadlines_are_refused() -> None:
    from bot.store.orgs import Org

    org = Org(1, "kaya", "KAYA", "CA", "America/Los_Angeles", "active", 0)
    late = datetime(2026, 10, 25, 2, 0, tzinfo=UTC)  # 7 PM on Oct 24 in Los Angeles: 18:30 has passed
    assert problem(posting.build, draft(), org, late, None).field == "start"
    closed = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)  # the day before 18:30 has already begun
    assert problem(posting.build, draft(deadline_before=1440), org, closed, None).field == "signup_deadline"
    start = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    err = problem(posting.check_deadline, start, start, closed)
    assert err.message == "Signups must close before the shift starts."
    assert problem(posting.build, draft(minutes=None), org, closed, None).field == "minutes"


async def test_publish_is_all_or_nothing(db: Database) -> None:
    org = await make_org(db)
    now = datetime(2026, 10, 20, tzinfo=UTC)
    good = posting.build(draft(org_id=org.id, weeks=3), org, now, created_by=None)
    broken = [good[0], replace(good[1], capacity=0), good[2]]  # the database refuses the second
    with pytest.raises(Exception, match="CHECK"):
        await posting.publish(db, broken, actor=await poster(db, org.id), now=to_ts(now), rule=WEEKLY)
    assert await shift_store.count_all(db) == 0
    assert await db.fetchval("SELECT count(*) FROM series") == 0

    with pytest.raises(Invalid):  # the moment passed while they were deciding
        await posting.publish(db, good, actor=await poster(db, org.id), now=good[0].starts_at + 1)
    assert await shift_store.count_all(db) == 0


async def test_publish_records_who_posted(db: Database) -> None:
    org = await make_org(db)
    now = datetime(2026, 10, 20, tzinfo=UTC)
    shifts = posting.build(draft(org_id=org.id), org, now, created_by=None)
    published = await posting.publish(db, shifts, actor=await poster(db, org.id), now=to_ts(now))
    row = await db.fetchone("SELECT action, subject, org_id FROM audit_log")
    assert row is not None and (row["action"], row["subject"], row["org_id"]) == (
        "shifts.publish", f"shift:{published.shift_ids[0]}", org.id,
    )
    assert published.series_id is None
    assert (await shift_store.get(db, published.shift_ids[0])) is not None
    assert shifts[0].starts_at == to_ts(datetime(2026, 10, 24, 18, 30, tzinfo=LA))
    assert timedelta(seconds=shifts[0].ends_at - shifts[0].starts_at) == timedelta(hours=2)


async def test_only_the_organizations_coordinators_may_publish_its_shifts(db: Database) -> None:
    org = await make_org(db)
    other_org = await make_org(db, "other", "Other Org")
    person = (await make_volunteer(db, 9100)).id
    now = datetime(2026, 10, 20, tzinfo=UTC)
    shifts = posting.build(draft(org_id=org.id, weeks=2), org, now, created_by=person)
    for wrong in (coordinator_of(other_org.id, person), volunteer_actor(person)):
        with pytest.raises(posting.NotAllowed):
            await posting.publish(db, shifts, actor=wrong, now=to_ts(now), rule=WEEKLY)
    assert await db.fetchval("SELECT count(*) FROM shift") == 0
    assert await db.fetchval("SELECT count(*) FROM audit_log") == 0
    published = await posting.publish(db, shifts, actor=coordinator_of(org.id, person), now=to_ts(now), rule=WEEKLY)
    assert len(published.shift_ids) == 2 and published.series_id is not None
