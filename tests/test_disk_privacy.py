"""Personal data on disk: the files are the owner's alone, and an erasure leaves no copy in them."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.db import Database
from bot.services import privacy
from bot.services.signups import sign_up
from bot.store import dialogues, inbox, people
from tests.factories import POLICY, make_org, make_shift, make_volunteer

# Distinctive enough that no other byte sequence in the files can match by chance.
NAME, LAST, USERNAME, PHONE = "Zephyrine Ngô", "Quillfeather", "zephyr_q_4242", "+15550104242"
SECRETS = (NAME, LAST, USERNAME, PHONE)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def database_files(path: Path) -> list[Path]:
    """The database and whatever SQLite keeps beside it (WAL, SHM)."""
    return [p for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")) if p.exists()]


def secrets_on_disk(path: Path) -> set[str]:
    """Which of SECRETS appear, as stored (UTF-8), in the raw bytes of the database's files."""
    raw = b"".join(p.read_bytes() for p in database_files(path))
    return {s for s in SECRETS if s.encode("utf-8") in raw}


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The common 022 umask, under which files are created readable by everyone unless asked not to be."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


async def test_new_database_files_are_the_owners_alone(tmp_path: Path, usual_umask: None) -> None:
    path = tmp_path / "turnout.sqlite3"
    db = await Database.open(path)
    await db.migrate()
    await make_volunteer(db, 4242, first_name=NAME)
    files = database_files(path)
    assert [p.name for p in files] == ["turnout.sqlite3", "turnout.sqlite3-wal", "turnout.sqlite3-shm"]
    assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}
    await db.close()


async def test_files_left_readable_by_an_older_version_are_tightened(tmp_path: Path, usual_umask: None) -> None:
    path = tmp_path / "turnout.sqlite3"
    older = sqlite3.connect(path)  # kept open, so its WAL and SHM stay on disk
    older.execute("PRAGMA journal_mode=WAL")
    older.execute("CREATE TABLE t (x TEXT)")
    older.execute("INSERT INTO t VALUES ('0800 555 0101')")
    older.commit()
    files = database_files(path)
    assert len(files) == 3 and {mode(p) for p in files} == {0o644}
    db = await Database.open(path)
    assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}
    assert await db.fetchval("SELECT x FROM t") == "0800 555 0101"
    await db.close()
    older.close()


async def test_erasure_leaves_no_copy_in_the_database_or_its_wal(tmp_path: Path) -> None:
    path = tmp_path / "turnout.sqlite3"
    db = await Database.open(path)
    await db.migrate()
    org = await make_org(db)
    for i in range(30):  # neighbours on the same pages, who must stay
        await make_volunteer(db, 1000 + i, first_name=f"Neighbour {i}")
    person = await make_volunteer(db, 4242, first_name=NAME, languages=("en", "vi"))
    async with db.transaction() as tx:
        await people.upsert_from_telegram(
            tx, telegram_id=4242, first_name=NAME, last_name=LAST, username=USERNAME, language_code="vi", now=1
        )
        await people.update(tx, person.id, 1, phone=PHONE, display_name=f"{NAME} {LAST}")
    now = int(datetime.now(UTC).timestamp())
    shift_id = await make_shift(db, org, starts=datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=2))
    await sign_up(db, person.id, shift_id, now, policy=POLICY)
    # What else holds their words: the raw updates the inbox keeps after handling, an open dialogue.
    sent = {"update_id": 7, "message": {"from": {"id": 4242, "first_name": NAME, "username": USERNAME},
                                        "contact": {"phone_number": PHONE, "last_name": LAST}}}
    async with db.transaction() as tx:
        await inbox.add(tx, [inbox.Received(7, 4242, json.dumps(sent, ensure_ascii=False))], now)
    await dialogues.put(db, person.id, dialogues.Dialogue("settings", "name", {"typed": f"{NAME} {LAST}"}), now)
    assert secrets_on_disk(path) == set(SECRETS)  # the check can see them while they are stored

    await privacy.erase(db, person.id, now, policy=POLICY)

    assert secrets_on_disk(path) == set()  # read while the bot still has the database open
    assert (await people.get_by_telegram_id(db, 1007)).display_name == "Neighbour 7"  # type: ignore[union-attr]
    assert await inbox.counts(db) == {} and await dialogues.get(db, person.id) is None
    await db.close()
    assert secrets_on_disk(path) == set()
