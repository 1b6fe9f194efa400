"""The SQLite connection: PRAGMAs, serialised write transactions, and the migration runner."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sqlite3
import stat
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

Params = Sequence[Any] | dict[str, Any]


class MigrationError(Exception):
    """The database cannot be brought to the code's schema (newer than the code, or a bad step)."""


@dataclass(frozen=True, order=True)
class Migration:
    version: int
    path: Path

    @property
    def name(self) -> str:
        return self.path.name


def discover_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Numbered .sql files in order; a gap or a duplicate number is a packaging bug."""
    found = sorted(
        Migration(int(m.group(1)), p)
        for p in directory.glob("*.sql")
        if (m := _MIGRATION_NAME.match(p.name))
    )
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise MigrationError(f"migration {migration.name} is out of sequence (expected {expected:04d})")
    return found


def split_statements(script: str) -> list[str]:
    """Splits a script into complete statements (triggers' BEGIN…END stay whole)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not all(
        ln.strip().startswith("--") or not ln.strip() for ln in buffer.splitlines()
    ):
        raise MigrationError(f"incomplete SQL statement at the end: {buffer.strip()[:80]!r}")
    return statements


# Files SQLite keeps beside the database; the WAL and a rollback journal hold copies of its pages.
_COMPANIONS = ("-wal", "-shm", "-journal")


def restrict_to_owner(path: Path) -> None:
    """Creates the database file readable by its owner only, and tightens one left readable by others.

    It holds phone numbers. SQLite gives the WAL, SHM and journal files the main file's mode whatever
    the umask, so the main file must exist with 0600 before SQLite opens it; companions left by an
    older run (created 0644) are tightened here too.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)  # an existing file is left as it is
    try:
        if os.fstat(fd).st_size == 0:
            os.fchmod(fd, 0o600)  # new (or empty): exactly 0600, even under a stricter umask
    finally:
        os.close(fd)
    for file in (path, *(path.with_name(path.name + suffix) for suffix in _COMPANIONS)):
        try:
            mode = stat.S_IMODE(file.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077:
            os.chmod(file, mode & 0o700)


class _Reader:
    """Read helpers shared by the connection and a transaction.

    Each call is one trip to aiosqlite's thread: a trip costs the event loop a wake-up, more than most
    of these statements cost SQLite, so no cursor is opened, fetched and closed in three."""

    _conn: aiosqlite.Connection

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        rows = await self._conn.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return list(await self._conn.execute_fetchall(sql, params))

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]


class Database(_Reader):
    """One aiosqlite connection. Writes go through `transaction()`, one at a time.

    Tasks that share a connection share its transaction, so a lock makes each write
    transaction whole; reads outside a transaction run freely.
    """

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        path = Path(path)
        restrict_to_owner(path)
        conn = await aiosqlite.connect(path, isolation_level=None)  # we issue BEGIN/COMMIT ourselves
        conn.row_factory = sqlite3.Row
        for pragma in (
            "PRAGMA secure_delete=ON",  # erased data is overwritten with zeros, not left in free space
            "PRAGMA journal_mode=WAL",
            "PRAGMA synchronous=NORMAL",
            "PRAGMA foreign_keys=ON",
            "PRAGMA busy_timeout=5000",
        ):
            await conn.execute(pragma)
        return cls(conn, path)

    async def close(self) -> None:
        await self._conn.close()

    async def write(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """One statement as a transaction of its own (SQLite's autocommit): one trip to the thread
        where BEGIN … COMMIT takes three. Under the write lock, so it never lands inside another
        task's open transaction. Returns the rows of a RETURNING clause."""
        async with self._write_lock:
            return list(await self._conn.execute_fetchall(sql, params))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any exception. Never await other I/O inside."""
        async with self._write_lock, self._begin() as tx:
            yield tx

    @asynccontextmanager
    async def _begin(self) -> AsyncIterator[Transaction]:
        """A write transaction; the caller holds the write lock."""
        await self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield Transaction(self._conn)
        except BaseException:
            await self._conn.execute("ROLLBACK")
            raise
        else:
            await self._conn.execute("COMMIT")

    async def checkpoint(self) -> bool:
        """Copies the WAL into the database and empties it, so pages written before an erasure leave
        the disk; False if another connection's reader kept it from finishing (logged)."""
        async with self._write_lock:  # never in the middle of another task's transaction
            row = await self.fetchone("PRAGMA wal_checkpoint(TRUNCATE)")
        busy = row is not None and row[0] != 0
        if busy:
            log.warning("WAL checkpoint of %s could not finish: another connection is reading", self.path)
        return not busy

    async def schema_version(self) -> int:
        return int(await self.fetchval("PRAGMA user_version"))

    async def migrate(self, directory: Path = MIGRATIONS_DIR) -> list[str]:
        """Applies every pending migration in one transaction; returns the names applied."""
        migrations = discover_migrations(directory)
        latest = migrations[-1].version if migrations else 0
        current = await self.schema_version()
        if current > latest:
            raise MigrationError(
                f"the database {self.path} is at schema version {current}, newer than this code "
                f"knows ({latest}); upgrade Turnout before using it"
            )
        pending = [m for m in migrations if m.version > current]
        if not pending:
            return []
        async with self._write_lock:
            # Off before BEGIN (inside a transaction SQLite ignores it): with foreign keys on, the
            # documented table rebuild (create, copy, drop, rename) would cascade-delete every child row.
            await self._conn.execute("PRAGMA foreign_keys=OFF")
            try:
                async with self._begin() as tx:
                    for migration in pending:
                        try:
                            for statement in split_statements(migration.path.read_text(encoding="utf-8")):
                                await tx.execute(statement)
                        except sqlite3.Error as exc:
                            raise MigrationError(f"{migration.name} failed: {exc}") from exc
                        await _refuse_dangling_references(tx, migration)
                    # PRAGMA takes no parameters; the value is an int we computed.
                    await tx.execute(f"PRAGMA user_version = {int(pending[-1].version)}")
            finally:
                await self._conn.execute("PRAGMA foreign_keys=ON")
        names = [m.name for m in pending]
        log.info("database migrated to version %d (%s)", pending[-1].version, ", ".join(names))
        return names


async def _refuse_dangling_references(tx: Transaction, migration: Migration) -> None:
    """Foreign keys are off while migrating, so a step must prove it left no row pointing nowhere."""
    problems = await tx.fetchall("PRAGMA foreign_key_check")
    if not problems:
        return
    counts: dict[tuple[str, str], int] = {}
    for table, _rowid, parent, _fkid in problems:
        counts[(table, parent)] = counts.get((table, parent), 0) + 1
    found = "; ".join(
        f"{count} row(s) of {table} point at missing {parent} rows" for (table, parent), count in sorted(counts.items())
    )
    raise MigrationError(f"{migration.name} leaves broken references: {found}")


class Transaction(_Reader):
    """The handle a write transaction hands out; only valid inside `Database.transaction()`."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def write(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """`Database.write` inside this transaction: store code that writes one statement takes either."""
        return list(await self._conn.execute_fetchall(sql, params))

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Runs one statement; returns lastrowid (for INSERTs). The cursor of a statement that ran to
        its end holds nothing, so it is left to the garbage collector rather than closed in a trip."""
        cur = await self._conn.execute(sql, params)
        return cur.lastrowid or 0

    async def execute_rowcount(self, sql: str, params: Params = ()) -> int:
        cur = await self._conn.execute(sql, params)
        return cur.rowcount

    async def update_columns(
        self, table: str, row_id: int, allowed: frozenset[str], values: dict[str, Any], now: int
    ) -> None:
        """Sets some columns of one row, and its updated_at. Column names must come from `allowed`
        (a constant of the store), never from input; the values are parameters."""
        unknown = set(values) - allowed
        if unknown:
            raise ValueError(f"not an updatable {table} column: {sorted(unknown)}")
        if not values:
            return
        assignments = ", ".join(f"{name} = ?" for name in values)
        await self.execute(
            f"UPDATE {table} SET {assignments}, updated_at = ? WHERE id = ?", (*values.values(), now, row_id)
        )

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._conn.executemany(sql, rows)

