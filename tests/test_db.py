"""The database: PRAGMAs, serialised writes, and the migration runner's promises."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.db import MIGRATIONS_DIR, Database, MigrationError, discover_migrations, split_statements

LATEST = discover_migrations()[-1].version
NEXT = f"{LATEST + 1:04d}"
DOMAIN_TABLES = {
    "person", "person_language", "person_interest", "org", "follow", "role", "invite", "series",
    "shift", "shift_language", "signup", "checkin", "report", "outbox", "audit_log",
}


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def version(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA user_version").fetchone()[0]


@pytest.fixture
def migrations(tmp_path: Path) -> Path:
    """A private copy of the real migrations that a test may add steps to."""
    directory = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, directory)
    return directory


async def test_fresh_database_gets_the_whole_domain(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "t.sqlite3")
    applied = await db.migrate()
    assert applied == [m.name for m in discover_migrations()] and applied[0] == "0001_initial.sql"
    assert await db.fetchval("PRAGMA foreign_keys") == 1
    assert await db.fetchval("PRAGMA journal_mode") == "wal"
    assert await db.fetchval("PRAGMA synchronous") == 1  # NORMAL
    assert await db.fetchval("PRAGMA busy_timeout") == 5000
    assert await db.fetchval("PRAGMA secure_delete") == 1
    await db.close()
    assert tables(tmp_path / "t.sqlite3") >= DOMAIN_TABLES
    assert version(tmp_path / "t.sqlite3") == LATEST


async def test_migrating_twice_is_a_no_op(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "t.sqlite3")
    await db.migrate()
    assert await db.migrate() == []
    assert await db.schema_version() == LATEST
    await db.close()


async def test_an_older_database_is_brought_up_to_date(tmp_path: Path, migrations: Path) -> None:
    path = tmp_path / "t.sqlite3"
    db = await Database.open(path)
    await db.migrate(migrations)
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO org (slug, name, timezone, created_at) VALUES ('kaya', 'KAYA', 'UTC', 0)"
        )
    (migrations / f"{NEXT}_org_website.sql").write_text("ALTER TABLE org ADD COLUMN website TEXT;\n")
    assert await db.migrate(migrations) == [f"{NEXT}_org_website.sql"]
    assert await db.schema_version() == LATEST + 1
    row = await db.fetchone("SELECT slug, website FROM org")
    assert tuple(row) == ("kaya", None)  # data survives the step
    await db.close()


async def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 42")
    db = await Database.open(path)
    with pytest.raises(MigrationError, match="newer than this code"):
        await db.migrate()
    await db.close()
    assert version(path) == 42


async def test_a_failed_migration_leaves_the_database_as_it_was(tmp_path: Path, migrations: Path) -> None:
    (migrations / f"{NEXT}_half.sql").write_text(
        "CREATE TABLE campaign (id INTEGER PRIMARY KEY);\nINSERT INTO no_such_table VALUES (1);\n"
    )
    path = tmp_path / "t.sqlite3"
    db = await Database.open(path)
    with pytest.raises(MigrationError, match=rf"{NEXT}_half\.sql failed"):
        await db.migrate(migrations)
    await db.close()
    # All pending steps run in one transaction: not even 0001 is left behind.
    assert version(path) == 0
    assert tables(path) == set()


async def test_a_gap_in_the_numbering_is_refused(tmp_path: Path, migrations: Path) -> None:
    (migrations / f"{LATEST + 2:04d}_skipped.sql").write_text("SELECT 1;\n")
    db = await Database.open(tmp_path / "t.sqlite3")
    with pytest.raises(MigrationError, match="out of sequence"):
        await db.migrate(migrations)
    await db.close()


FAMILY = """
CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE child (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER NOT NULL REFERENCES parent (id) ON DELETE CASCADE
);
"""
# SQLite's documented way to change a table beyond ALTER TABLE: new table, copy, drop, rename.
REBUILD_PARENT = """
CREATE TABLE new_parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL, nickname TEXT);
INSERT INTO new_parent (id, name) SELECT id, name FROM parent{where};
DROP TABLE parent;
ALTER TABLE new_parent RENAME TO parent;
"""


async def family(path: Path, migrations: Path) -> Database:
    """A database at version 1 of a private schema: two parents with three children."""
    db = await Database.open(path)
    assert await db.migrate(migrations) == ["0001_family.sql"]
    async with db.transaction() as tx:
        await tx.executemany("INSERT INTO parent (id, name) VALUES (?, ?)", [(1, "a"), (2, "b")])
        await tx.executemany("INSERT INTO child (id, parent_id) VALUES (?, ?)", [(10, 1), (11, 1), (12, 2)])
    return db


async def test_a_table_rebuild_keeps_the_rows_that_refer_to_it(tmp_path: Path) -> None:
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "0001_family.sql").write_text(FAMILY)
    db = await family(tmp_path / "t.sqlite3", migrations)
    (migrations / "0002_rebuild_parent.sql").write_text(REBUILD_PARENT.format(where=""))
    assert await db.migrate(migrations) == ["0002_rebuild_parent.sql"]
    rows = await db.fetchall("SELECT id, parent_id FROM child ORDER BY id")
    assert [tuple(r) for r in rows] == [(10, 1), (11, 1), (12, 2)]
    assert await db.fetchval("PRAGMA foreign_keys") == 1  # on again, and still cascading
    async with db.transaction() as tx:
        await tx.execute("DELETE FROM parent WHERE id = 1")
    assert await db.fetchval("SELECT count(*) FROM child") == 1
    await db.close()


async def test_a_migration_that_leaves_a_dangling_reference_is_refused(tmp_path: Path) -> None:
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "0001_family.sql").write_text(FAMILY)
    db = await family(tmp_path / "t.sqlite3", migrations)
    # The rebuild forgets parent 1, whose two children would point nowhere.
    (migrations / "0002_lose_a_parent.sql").write_text(REBUILD_PARENT.format(where=" WHERE id <> 1"))
    with pytest.raises(MigrationError, match=r"0002_lose_a_parent\.sql .*2 row\(s\) of child .*parent"):
        await db.migrate(migrations)
    assert await db.schema_version() == 1  # rolled back: the old table, every row
    assert await db.fetchval("SELECT count(*) FROM parent") == 2
    assert await db.fetchval("SELECT count(*) FROM child") == 3
    assert [r["name"] for r in await db.fetchall("PRAGMA table_info(parent)")] == ["id", "name"]
    assert await db.fetchval("PRAGMA foreign_keys") == 1
    await db.close()


async def test_write_transactions_do_not_mix(tmp_path: Path) -> None:
    """Two tasks writing at once on one connection: the failing one's rows are all rolled back."""
    db = await Database.open(tmp_path / "t.sqlite3")
    await db.migrate()

    async def good() -> None:
        async with db.transaction() as tx:
            for i in range(20):
                await tx.execute(
                    "INSERT INTO org (slug, name, timezone, created_at) VALUES (?, 'ok', 'UTC', 0)",
                    (f"good{i}",),
                )
                await asyncio.sleep(0)

    async def bad() -> None:
        async with db.transaction() as tx:
            for i in range(20):
                await tx.execute(
                    "INSERT INTO org (slug, name, timezone, created_at) VALUES (?, 'x', 'UTC', 0)",
                    (f"bad{i}",),
                )
                await asyncio.sleep(0)
            raise RuntimeError("boom")

    results = await asyncio.gather(good(), bad(), return_exceptions=True)
    assert isinstance(results[1], RuntimeError)
    assert await db.fetchval("SELECT count(*) FROM org WHERE name = 'ok'") == 20
    assert await db.fetchval("SELECT count(*) FROM org WHERE name = 'x'") == 0
    await db.close()


async def test_constraints_guard_the_domain(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "t.sqlite3")
    await db.migrate()
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO person (telegram_id, status, created_at, updated_at) VALUES (1, 'zombie', 0, 0)"
            )
    with pytest.raises(sqlite3.IntegrityError):  # foreign keys are on
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO signup (shift_id, person_id, status, joined_at, updated_at) "
                "VALUES (99, 99, 'confirmed', 0, 0)"
            )
    await db.close()


def test_statements_split_with_triggers_whole() -> None:
    script = """
    -- a comment
    CREATE TABLE a (x INTEGER);
    CREATE TRIGGER t AFTER INSERT ON a BEGIN
        UPDATE a SET x = x + 1;
    END;
    """
    statements = split_statements(script)
    assert len(statements) == 2
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")
