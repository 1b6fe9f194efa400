"""`python -m bot demo`: a believable network on an empty database, and never on one with real data."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import to_ts
from bot.db import Database
from bot.demo import _NETWORK, WINDOW, NotEmptyError, create_demo_network
from bot.store import people, shifts
from bot.store.shifts import Shift
from bot.vocab import KINDS, OUTREACH_LANGUAGES
from tests.factories import POLICY, make_volunteer
from tests.test_cli import run_cli

NOW = to_ts(datetime(2025, 10, 14, 16, 30, tzinfo=UTC))  # a Tuesday afternoon in the US


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "t.sqlite3")
    await database.migrate()
    try:
        yield database
    finally:
        await database.close()


async def all_shifts(db: Database) -> list[Shift]:
    ids = [r["id"] for r in await db.fetchall("SELECT id FROM shift ORDER BY id")]
    return list((await shifts.get_many(db, ids)).values())


async def test_an_empty_database_gets_a_believable_network(db: Database) -> None:
    summary = await create_demo_network(db, NOW, POLICY)

    orgs = await db.fetchall("SELECT * FROM org")
    assert 3 <= len(orgs) == len(summary.orgs) <= 4
    assert len({o["timezone"] for o in orgs}) >= 3
    assert len({o["state"] for o in orgs}) == len(orgs)

    found = await all_shifts(db)
    assert len(found) == summary.shifts >= 25
    assert {s.kind for s in found} >= set(KINDS) - {"other"}
    for s in found:
        assert NOW < to_ts(s.starts_at) < NOW + 21 * 24 * 3600, s.title
        local = s.starts_at.astimezone(ZoneInfo(s.timezone))
        assert 9 <= local.hour <= 20 and local.minute in (0, 30), (s.title, local)
        assert s.ends_at > s.starts_at
        assert set(s.languages) <= set(OUTREACH_LANGUAGES)
        if s.is_online:
            assert s.online_url is not None and s.online_url.startswith("https://")
            assert s.region is None and s.address is None and s.latitude is None
        else:
            org_state = next(o["state"] for o in orgs if o["id"] == s.org_id)
            assert s.region == org_state and s.address and s.latitude is not None and s.longitude is not None
    assert any(s.is_online for s in found) and any(not s.is_online for s in found)
    assert {lang for s in found for lang in s.languages} >= {"ko", "vi", "yue", "tl", "bn", "hi"}
    assert sum(1 for s in found if not s.languages) >= 5  # plenty anyone can join

    full = [s for s in found if s.confirmed_count == s.capacity]
    assert len(full) == 1 and full[0].waitlist_count >= 2
    assert summary.full == (full[0].title,)
    nearly = [s for s in found if 1 <= s.places_left <= 2 and s.capacity >= 5]
    assert len(nearly) >= 3
    assert all(s.confirmed_count <= s.capacity for s in found)
    assert all(s.waitlist_count == 0 for s in found if not s.is_full)
    assert summary.confirmed == sum(s.confirmed_count for s in found)
    assert summary.waitlisted == sum(s.waitlist_count for s in found)


async def test_demo_volunteers_can_never_be_real_people(db: Database) -> None:
    summary = await create_demo_network(db, NOW, POLICY)
    rows = await db.fetchall("SELECT id FROM person")
    assert len(rows) == summary.volunteers
    for row in rows:
        person = await people.get(db, row["id"])
        assert person is not None
        assert person.telegram_id < 0
        assert person.status == "active" and person.is_registered and person.consent_at == NOW
        assert person.display_name and person.timezone and person.state
        assert await people.languages(db, person.id)
    assert await db.fetchval("SELECT count(*) FROM follow") == summary.volunteers


async def test_language_shifts_are_staffed_by_speakers_first(db: Database) -> None:
    await create_demo_network(db, NOW, POLICY)
    for s in await all_shifts(db):
        if not s.languages or not s.confirmed_count:
            continue
        first = await db.fetchval(
            "SELECT person_id FROM signup WHERE shift_id = ? ORDER BY id LIMIT 1", (s.id,)
        )
        assert set(await people.languages(db, first)) & set(s.languages), s.title


@pytest.mark.parametrize("hours", [0, 7, 23, 24 * 3 + 5, 24 * 6 + 12, 24 * 19])  # across weekdays, into DST's end
async def test_every_day_of_the_week_gives_the_whole_network(db: Database, hours: int) -> None:
    now = NOW + hours * 3600
    summary = await create_demo_network(db, now, POLICY)
    planned = sum(len(o.shifts) for o in _NETWORK)
    assert summary.shifts == planned
    assert summary.confirmed + summary.waitlisted == sum(p.fill for o in _NETWORK for p in o.shifts)
    assert len(summary.full) == 1
    starts = await db.fetchall("SELECT starts_at, org_id FROM shift")
    assert all(now < r["starts_at"] < now + WINDOW for r in starts)
    assert len({(r["org_id"], r["starts_at"]) for r in starts}) == planned  # no org double-booked


async def test_the_same_moment_gives_the_same_network(tmp_path: Path) -> None:
    async def snapshot(name: str) -> list[tuple[object, ...]]:
        database = await Database.open(tmp_path / name)
        await database.migrate()
        await create_demo_network(database, NOW, POLICY)
        rows = await database.fetchall(
            "SELECT s.title, s.starts_at, s.capacity, g.person_id, g.status FROM shift s "
            "JOIN signup g ON g.shift_id = s.id ORDER BY s.id, g.id"
        )
        await database.close()
        return [tuple(r) for r in rows]

    assert await snapshot("a.sqlite3") == await snapshot("b.sqlite3")


async def test_a_database_with_a_real_person_is_refused(db: Database) -> None:
    await make_volunteer(db, 4242, now=NOW)
    with pytest.raises(NotEmptyError, match="people: 1"):
        await create_demo_network(db, NOW, POLICY)
    assert await db.fetchval("SELECT count(*) FROM org") == 0


def test_cli_fills_once_then_refuses(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite3"
    first = run_cli("demo", cwd=tmp_path, TURNOUT_DB=str(path))
    assert first.returncode == 0, first.stderr
    assert "/start org-" in first.stdout and "organizations" in first.stdout
    with sqlite3.connect(path) as conn:
        counts = conn.execute("SELECT (SELECT count(*) FROM org), (SELECT count(*) FROM shift)").fetchone()
    assert counts[0] >= 3 and counts[1] >= 25

    again = run_cli("demo", cwd=tmp_path, TURNOUT_DB=str(path))
    assert again.returncode == 2
    lines = again.stderr.strip().splitlines()
    assert len(lines) == 1 and "already has data" in lines[0] and "Traceback" not in again.stderr
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM shift").fetchone()[0] == counts[1]


def test_cli_refuses_a_database_with_a_real_person(tmp_path: Path) -> None:
    path = tmp_path / "real.sqlite3"
    assert run_cli("migrate", cwd=tmp_path, TURNOUT_DB=str(path)).returncode == 0
    stamp = to_ts(datetime.now(UTC) - timedelta(days=1))
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO person (telegram_id, first_name, created_at, updated_at) VALUES (?, ?, ?, ?)",
            (123456789, "Dana", stamp, stamp),
        )
    result = run_cli("demo", cwd=tmp_path, TURNOUT_DB=str(path))
    assert result.returncode == 2 and "people: 1" in result.stderr
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM org").fetchone()[0] == 0
