"""Finding shifts: who sees what, in which order, and the filters' encoding."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.db import Database
from bot.services.browse import Filters, find_shifts, until_for
from tests.factories import make_org, make_shift, make_volunteer

NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)  # 10:00 in Los Angeles
LA = ZoneInfo("America/Los_Angeles")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "t.sqlite3")
    await database.migrate()
    yield database
    await database.close()


def test_filters_round_trip_and_forgeries_fall_back() -> None:
    f = Filters(when="w", kind="phone_bank", org_id=12, online_only=True, page=3)
    assert Filters.decode(f.encode()) == f
    assert len("sc:123456789:" + f.encode()) <= 64
    assert Filters.decode("garbage") == Filters()
    assert Filters.decode("z.xx.-1.7.-4") == Filters(when="a", kind=None, org_id=-1, online_only=False, page=0)
    assert f.with_(kind=None).page == 0


def test_today_ends_at_the_readers_midnight() -> None:
    until = until_for("d", NOW, LA)
    assert until is not None and until.astimezone(LA).hour == 0
    assert until - NOW == timedelta(hours=14)
    assert until_for("a", NOW, LA) is None


async def test_region_and_languages_decide_who_sees_a_shift(db: Database) -> None:
    ca = await make_org(db, "kaya", "KAYA")
    tx = await make_org(db, "tx", "Texas AAPI", state="TX", timezone="America/Chicago")
    starts = NOW + timedelta(days=2)
    plain = await make_shift(db, ca, title="Plain", starts=starts)
    korean = await make_shift(db, ca, title="Korean", starts=starts + timedelta(hours=1), languages=("ko",))
    online = await make_shift(db, tx, title="Online", starts=starts + timedelta(hours=2), online_url="https://x.org/1")
    texas = await make_shift(db, tx, title="Houston", starts=starts + timedelta(hours=3), region="TX")
    await make_shift(db, ca, title="Past", starts=NOW - timedelta(hours=1))

    english = await make_volunteer(db, 1, languages=("en",))
    page = await find_shifts(db, english, Filters(), NOW, LA)
    assert [s.id for s in page.shifts] == [plain, online]

    minji = await make_volunteer(db, 2, languages=("ko", "en"))
    page = await find_shifts(db, minji, Filters(), NOW, LA)
    assert [s.id for s in page.shifts] == [plain, korean, online]

    abroad = await make_volunteer(db, 3, state="INTL", zip_code=None, languages=("en",))
    assert [s.id for s in (await find_shifts(db, abroad, Filters(), NOW, LA)).shifts] == [online]

    texan = await make_volunteer(db, 4, state="TX", follows=(tx.id,), languages=("en",))
    page = await find_shifts(db, texan, Filters(), NOW, LA)
    assert [s.id for s in page.shifts] == [online, texas]  # followed org first, then by time

    only_online = await find_shifts(db, minji, Filters(online_only=True), NOW, LA)
    assert [s.id for s in only_online.shifts] == [online]
    by_kind = await find_shifts(db, minji, Filters(kind="canvass"), NOW, LA)
    assert by_kind.shifts == []


async def test_pages_of_five(db: Database) -> None:
    org = await make_org(db)
    for i in range(12):
        await make_shift(db, org, title=f"S{i}", starts=NOW + timedelta(days=1, hours=i))
    person = await make_volunteer(db, 1)
    first = await find_shifts(db, person, Filters(), NOW, LA)
    assert (len(first.shifts), first.total, first.pages) == (5, 12, 3)
    last = await find_shifts(db, person, Filters(page=2), NOW, LA)
    assert [s.title for s in last.shifts] == ["S10", "S11"]
    beyond = await find_shifts(db, person, Filters(page=9), NOW, LA)
    assert beyond.filters.page == 2  # an emptied page shows the last one there is


async def test_someone_who_named_no_language_sees_shifts_that_need_one(db: Database) -> None:
    org = await make_org(db)
    korean = await make_shift(db, org, title="Korean", starts=NOW + timedelta(days=1), languages=("ko",))
    nobody = await make_volunteer(db, 1, languages=())
    assert [s.id for s in (await find_shifts(db, nobody, Filters(), NOW, LA)).shifts] == [korean]
    english = await make_volunteer(db, 2, languages=("en",))
    assert (await find_shifts(db, english, Filters(), NOW, LA)).shifts == []


async def test_filters_together_and_a_shift_both_online_and_local_listed_once(db: Database) -> None:
    kaya = await make_org(db, "kaya", "KAYA")
    other = await make_org(db, "other", "Other")
    soon = NOW + timedelta(days=2)
    both = await make_shift(db, kaya, title="Hybrid", starts=soon, online_url="https://x.org/h", region="CA")
    later = await make_shift(db, kaya, title="Later", starts=NOW + timedelta(days=20))
    await make_shift(db, other, title="Other org", starts=soon)
    await make_shift(db, kaya, title="Canvass", kind="canvass", starts=soon)
    closed = await make_shift(db, kaya, title="Closed", starts=soon)
    await db_deadline(db, closed, NOW - timedelta(hours=1))
    person = await make_volunteer(db, 1)

    everything = await find_shifts(db, person, Filters(), NOW, LA)
    assert everything.total == 4 and [s.title for s in everything.shifts].count("Hybrid") == 1
    week = await find_shifts(db, person, Filters(when="w", kind="phone_bank", org_id=kaya.id), NOW, LA)
    assert [s.id for s in week.shifts] == [both]
    month = await find_shifts(db, person, Filters(when="m", kind="phone_bank", org_id=kaya.id), NOW, LA)
    assert [s.id for s in month.shifts] == [both, later]


async def db_deadline(db: Database, shift_id: int, deadline: datetime) -> None:
    """Closes signups of a shift before its start (as a coordinator's deadline would)."""
    from bot.clock import to_ts
    from bot.store import shifts

    async with db.transaction() as tx:
        await shifts.update(tx, shift_id, 0, signup_deadline=to_ts(deadline))
