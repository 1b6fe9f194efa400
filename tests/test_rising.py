"""Who counts as rising: the rules of the list under /stats, against a real database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import to_ts
from bot.db import Database
from bot.services import rising
from bot.services.leads import NotAllowed
from bot.store import people, signups
from bot.store.orgs import Org
from tests.factories import coordinator_of, make_org, make_shift, make_volunteer, volunteer_actor

NOW = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)
T = to_ts(NOW)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "t.sqlite3")
    await database.migrate()
    yield database
    await database.close()


async def held(db: Database, org: Org, days_ago: float, marks: dict[int, str]) -> int:
    shift_id = await make_shift(db, org, starts=NOW - timedelta(days=days_ago))
    async with db.transaction() as tx:
        for person_id, status in marks.items():
            await signups.save(tx, shift_id=shift_id, person_id=person_id, status=status, position=None, now=0)
    return shift_id


async def test_the_list_is_short_ranked_and_counts_only_the_window(db: Database) -> None:
    org = await make_org(db)
    vols = [(await make_volunteer(db, 100 + i, first_name=f"V{i}")).id for i in range(rising.TOP + 2)]
    for i, person_id in enumerate(vols):  # V0 attended the most, V6 the least
        for n in range(len(vols) - i):
            await held(db, org, 1 + n, {person_id: "attended"})
    await held(db, org, 59.9, {vols[-1]: "attended"})  # still inside the 60 days
    await held(db, org, 60.1, {vols[-1]: "attended", vols[-2]: "no_show"})  # outside: not counted
    found = await rising.for_org(db, coordinator_of(org.id), org.id, T)
    assert [v.name for v in found.volunteers] == [f"V{i}" for i in range(rising.TOP)]
    assert [v.attended for v in found.volunteers] == list(range(len(vols), len(vols) - rising.TOP, -1))


async def test_a_newcomer_and_a_no_show_are_told_apart_and_the_erased_are_left_out(db: Database) -> None:
    org = await make_org(db)
    new = (await make_volunteer(db, 210, first_name="New")).id
    flaky = (await make_volunteer(db, 211, first_name="Flaky")).id
    gone = (await make_volunteer(db, 212, first_name="Gone")).id
    await held(db, org, 40, {flaky: "attended"})
    await held(db, org, 20, {flaky: "no_show", new: "attended", gone: "attended"})
    async with db.transaction() as tx:
        await people.anonymize(tx, gone, T)
    found = {v.name: v for v in (await rising.for_org(db, coordinator_of(org.id), org.id, T)).volunteers}
    assert set(found) == {"New", "Flaky"}
    assert found["New"].reliable and found["New"].first_shift == NOW - timedelta(days=20)
    assert not found["Flaky"].reliable and found["Flaky"].first_shift is None  # first came 40 days ago


async def test_only_the_organizations_coordinators_may_see_it(db: Database) -> None:
    org = await make_org(db)
    other = await make_org(db, slug="hana", name="Hana Center")
    with pytest.raises(NotAllowed):
        await rising.for_org(db, volunteer_actor(), org.id, T)
    with pytest.raises(NotAllowed):
        await rising.for_org(db, coordinator_of(other.id), org.id, T)
    with pytest.raises(NotAllowed):
        await rising.leadable_shifts(db, coordinator_of(other.id), org.id, 1, T)
