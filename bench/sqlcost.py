"""Benchmark: what one update costs in SQL, on a small database and on a production-sized one.

One registered volunteer walks through /start, /help, /shifts and its filters, a card, signing up,
/myshifts and cancelling, many times, against the real Application and the Bot API emulator (both
in this process). Every SQL statement is timed inside aiosqlite's worker thread. It prints, per
kind of update: reply time p50, statements, SQL time; then the statements that cost the most at
scale, with their query plans. Prints numbers; passes or fails nothing.

    .venv/bin/python -m bench.sqlcost                 # small vs 100k volunteers / 10k shifts / 200k signups
    .venv/bin/python -m bench.sqlcost --rounds 30 --explain 12
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sqlite3
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiosqlite

from bench.bigdb import Built, Scale, bench_user, build

# --- timing every statement inside aiosqlite's thread ----------------------------------------------


@dataclass
class Statement:
    sql: str
    params: Any
    seconds: float = 0.0


@dataclass
class Recorder:
    """Collects every statement the bot runs, with the thread time of its execute and fetches."""

    statements: list[Statement] = field(default_factory=list)
    trips: int = 0  # calls handed to aiosqlite's thread: each costs the event loop a wake-up
    _by_cursor: dict[int, Statement] = field(default_factory=dict)

    def take(self) -> tuple[list[Statement], int]:
        taken, trips, self.statements, self.trips = self.statements, self.trips, [], 0
        return taken, trips

    def _note(self, fn: Any, args: tuple[Any, ...], result: Any, seconds: float) -> None:
        name = getattr(fn, "__name__", "")
        owner = getattr(fn, "__self__", None)
        self.trips += 1
        if isinstance(owner, (sqlite3.Connection, aiosqlite.Connection)) and name in (
            "execute", "executemany", "_execute_fetchall", "_execute_insert"
        ):
            statement = Statement(" ".join(str(args[0]).split()), args[1] if len(args) > 1 else (), seconds)
            self.statements.append(statement)
            if isinstance(result, sqlite3.Cursor):
                self._by_cursor[id(result)] = statement
        elif isinstance(owner, sqlite3.Cursor):
            statement = self._by_cursor.get(id(owner))
            if statement is not None:
                statement.seconds += seconds
                if name == "close":
                    del self._by_cursor[id(owner)]


@contextmanager
def recording() -> Iterator[Recorder]:
    recorder = Recorder()
    original = aiosqlite.Connection._execute

    async def _execute(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        def timed() -> Any:
            started = time.perf_counter()
            result = fn(*args, **kwargs)
            recorder._note(fn, args, result, time.perf_counter() - started)
            return result

        return await original(self, timed)

    aiosqlite.Connection._execute = _execute  # type: ignore[method-assign]
    try:
        yield recorder
    finally:
        aiosqlite.Connection._execute = original  # type: ignore[method-assign]


# --- one volunteer's walk through the bot ----------------------------------------------------------


@dataclass
class Sample:
    seconds: float
    statements: list[Statement]
    trips: int


Samples = dict[str, list[Sample]]


def _data(message: Any, prefix: str) -> list[str]:
    return [
        b["callback_data"]
        for row in message.raw.get("reply_markup", {}).get("inline_keyboard", [])
        for b in row
        if b.get("callback_data", "").startswith(prefix)
    ]


async def walk(built: Built, rounds: int) -> Samples:
    from tests.conftest import start_bot, stop_bot
    from tests.emulator import BotAPIEmulator

    samples: Samples = defaultdict(list)
    async with BotAPIEmulator() as emu:
        who = bench_user(0)
        user = emu.user(int(who["id"]), str(who["first_name"]), language_code=str(who["language_code"]))
        with recording() as recorder:
            running = await start_bot(emu, built.path)
            try:
                await asyncio.sleep(1.0)  # let start-up jobs (the first sweep, digests) pass
                user.drain()

                async def step(label: str, action: str, events: int, on: Any = None) -> Any:
                    recorder.take()
                    started = time.perf_counter()
                    if action.startswith("/"):
                        await user.send(action)
                    else:
                        await user.press_data(action, message=on)
                    got = [await user.next_reply() for _ in range(events)]
                    elapsed = time.perf_counter() - started
                    await asyncio.sleep(0.01)  # statements that finish just after the reply
                    samples[label].append(Sample(elapsed, *recorder.take()))
                    return got[-1] if got else None

                for n in range(rounds):
                    await step("/start", "/start", 1)
                    await step("/help", "/help", 1)
                    listing = await step("/shifts", "/shifts", 1)
                    await step("filter: menu", "sf:w:a.-.0.0.0", 1, listing)
                    await step("filter: org menu", "sf:o:a.-.0.0.0", 1, listing)
                    await step("filter: when", "sl:w.-.0.0.0", 1, listing)
                    await step("filter: kind", "sl:a.cv.0.0.0", 1, listing)
                    await step("filter: org", "sl:a.-.1.0.0", 1, listing)
                    await step("filter: online", "sl:a.-.0.1.0", 1, listing)
                    await step("list: page 2", "sl:a.-.0.0.1", 1, listing)
                    listing = await step("list: page 1", "sl:a.-.0.0.0", 1, listing)
                    cards = _data(listing, "sc:")
                    card = await step("card", cards[n % len(cards)], 1, listing)
                    joins = _data(card, "sj:")
                    if not joins:
                        continue
                    await step("sign up", joins[0], 2, card)
                    mine = await step("/myshifts", "/myshifts", 1)
                    asks = _data(mine, "mc:")
                    question = await step("cancel: ask", asks[0], 1, mine)
                    await step("cancel: do", _data(question, "mx:")[0], 1, question)
            finally:
                await stop_bot(running)
    return samples


# --- reporting -------------------------------------------------------------------------------------


def _p50(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def summary(samples: Samples) -> dict[str, tuple[float, float, float, float]]:
    """label → (reply p50 ms, statements per update, trips to the thread, SQL ms per update), medians."""
    return {
        label: (
            _p50([s.seconds * 1000 for s in runs]),
            _p50([float(len(s.statements)) for s in runs]),
            _p50([float(s.trips) for s in runs]),
            _p50([sum(st.seconds for st in s.statements) * 1000 for s in runs]),
        )
        for label, runs in samples.items()
    }


_LITERALS = re.compile(r"\?(,\?)+")


def costliest(samples: Samples, top: int) -> list[tuple[str, float, int, Any]]:
    """(sql, ms per run, runs, one set of parameters), the most expensive per run first."""
    spent: dict[str, list[float]] = defaultdict(list)
    params: dict[str, Any] = {}
    for runs in samples.values():
        for sample in runs:
            for st in sample.statements:
                key = _LITERALS.sub("?…", st.sql)
                spent[key].append(st.seconds * 1000)
                params.setdefault(key, (st.sql, st.params))
    ranked = sorted(spent.items(), key=lambda kv: -_p50(kv[1]))
    return [(params[sql][0], _p50(ms), len(ms), params[sql][1]) for sql, ms in ranked[:top]]


def query_plan(path: Path, sql: str, params: Any) -> list[str]:
    if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
        return []
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
    except sqlite3.Error as exc:
        return [f"(no plan: {exc})"]
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--explain", type=int, default=8, help="how many of the costliest statements to explain")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="turnout-sqlcost-"))
    results = {}
    for name, scale in (("small", Scale.small(bench_users=10)), ("100k", Scale(bench_users=10))):
        built = build(workdir / f"{name}.sqlite3", scale)
        print(f"{name}: {built.rows['person']:,} people, {built.rows['shift']:,} shifts, "
              f"{built.rows['signup']:,} signups, built in {built.seconds:.1f} s")
        results[name] = (built, asyncio.run(walk(built, args.rounds)))
    small, big = summary(results["small"][1]), summary(results["100k"][1])
    print()
    print(f"{'update':<16} {'reply p50 ms':>20} {'statements':>14} {'trips':>14} {'SQL ms':>18}")
    print(f"{'':<16} {'small':>9} {'100k':>10} {'small':>6} {'100k':>7} {'small':>6} {'100k':>7} "
          f"{'small':>8} {'100k':>9}")
    for label, (ms, count, trips, sql_ms) in big.items():
        s_ms, s_count, s_trips, s_sql = small.get(label, (0.0, 0.0, 0.0, 0.0))
        print(f"{label:<16} {s_ms:>9.1f} {ms:>10.1f} {s_count:>6.0f} {count:>7.0f} {s_trips:>6.0f} {trips:>7.0f} "
              f"{s_sql:>8.2f} {sql_ms:>9.2f}")
    total_small = sum(v[3] for v in small.values())
    total_big = sum(v[3] for v in big.values())
    print(f"{'all (sum)':<16} {'':>20} {'':>14} {'':>14} {total_small:>8.2f} {total_big:>9.2f}")
    if "/shifts" in small and small["/shifts"][0]:
        print(f"\n/shifts reply p50: {big['/shifts'][0]:.1f} ms at 100k vs {small['/shifts'][0]:.1f} ms small "
              f"({big['/shifts'][0] / small['/shifts'][0]:.2f}×)")
    if args.explain:
        print("\ncostliest statements at 100k (median ms per run, runs):")
        built = results["100k"][0]
        for sql, ms, runs, params in costliest(results["100k"][1], args.explain):
            print(f"\n{ms:8.2f} ms ×{runs:<4} {sql[:400]}")
            for line in query_plan(built.path, sql, params):
                print(f"{'':>16}{line}")


if __name__ == "__main__":
    main()
