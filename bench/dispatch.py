"""Benchmark: N reminders due in the same minute, dispatched through the real delivery path (the
application's bot and its one send budget) to the Bot API emulator (in its own process, flood control
on). Prints numbers; passes or fails nothing.

    .venv/bin/python -m bench.dispatch --count 900 --rate 30
    .venv/bin/python -m bench.dispatch --count 10000 --rate 1000
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

FIRST_USER = 10_000_000


# --- the emulator, in a process of its own so it doesn't share the bot's event loop -----------------


def _emulator_process(conn: Any, count: int, rate: int) -> None:
    from tests.emulator import BotAPIEmulator

    async def main() -> None:
        emu = BotAPIEmulator(flood_control=True)
        emu.flood_global_per_second = rate
        await emu.start()
        for i in range(count):
            emu.user(FIRST_USER + i, f"V{i}")
        conn.send((emu.token, emu.base_url))
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # wait for "report"
        per_chat = [
            sum(1 for m in emu.messages(FIRST_USER + i) if "Bench canvass" in m.text) for i in range(count)
        ]
        conn.send(
            {
                "per_chat": per_chat, "flood_429": emu.flood_429_count, "errors": len(emu.errors),
                "peak_per_second": emu.peak_messages_per_second(),
            }
        )
        await emu.stop()

    asyncio.run(main())


# --- the bot side ---------------------------------------------------------------------------------


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


async def prepare(db_path: Path, count: int, due: datetime) -> None:
    from bot.clock import to_ts
    from bot.db import Database
    from bot.store import orgs, outbox, people, shifts, signups
    from bot.store.outbox import NewItem
    from bot.store.shifts import NewShift

    db = await Database.open(db_path)
    await db.migrate()
    now = to_ts(due) - 3600
    async with db.transaction() as tx:
        org = await orgs.create(tx, slug="bench", name="Bench", state="CA", timezone="America/Los_Angeles", now=now)
        starts = due + timedelta(hours=2)
        shift_id = await shifts.create(
            tx,
            NewShift(
                org_id=org.id, title="Bench canvass", kind="canvass", starts_at=to_ts(starts),
                ends_at=to_ts(starts + timedelta(hours=2)), timezone="America/Los_Angeles", capacity=10_000,
                region="CA", place_name="Hall", address="1 Main St",
            ),
            now,
        )
        items = []
        for i in range(count):
            person = await people.upsert_from_telegram(
                tx, telegram_id=FIRST_USER + i, first_name=f"V{i}", last_name=None, username=None,
                language_code=("en", "ko", "vi", "zh-hant")[i % 4], now=now,
            )
            await people.update(tx, person.id, now, consent_at=now)
            signup_id = await signups.save(
                tx, shift_id=shift_id, person_id=person.id, status="confirmed", position=None, now=now
            )
            items.append(
                NewItem(
                    person_id=person.id, kind="reminder", shift_id=shift_id, due_at=to_ts(due),
                    dedupe_key=f"bench:{signup_id}", payload={"signup_id": signup_id, "lead": 7200},
                )
            )
        await outbox.enqueue(tx, items, now)
    await db.close()


async def run(count: int, rate: int) -> dict[str, Any]:
    from bot.clock import ManualClock
    from bot.config import load_settings
    from bot.runtime import Runtime
    from handlers import jobs
    from handlers.app import build_application
    from handlers.kit.context import RUNTIME_KEY

    parent, child = mp.Pipe()
    emulator = mp.get_context("spawn").Process(target=_emulator_process, args=(child, count, rate), daemon=True)
    emulator.start()
    token, base_url = parent.recv()

    due = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    workdir = Path(tempfile.mkdtemp(prefix="turnout-bench-"))
    db_path = workdir / "bench.sqlite3"
    await prepare(db_path, count, due)

    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_BASE_URL": base_url, "TURNOUT_DB": str(db_path),
            "TURNOUT_RATE": str(rate),
        }
    )
    app = build_application(settings, clock=ManualClock(due + timedelta(seconds=30)))
    await app.initialize()
    runtime: Runtime = app.bot_data[RUNTIME_KEY]
    from bot.db import Database

    runtime.db = await Database.open(db_path)
    await jobs.start(app)
    assert runtime.dispatcher is not None

    lags: list[float] = []
    peak = [rss_mib()]
    rss_before = peak[0]
    stop = asyncio.Event()

    async def monitor() -> None:
        """Event-loop lag: how late a 10 ms sleep wakes up; and the process's resident memory."""
        while not stop.is_set():
            t0 = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append((time.perf_counter() - t0 - 0.01) * 1000)
            peak[0] = max(peak[0], rss_mib())

    watcher = asyncio.create_task(monitor())
    started = time.perf_counter()
    stats = await runtime.dispatcher.run_due()
    elapsed = time.perf_counter() - started
    stop.set()
    await watcher

    parent.send("report")
    report = parent.recv()
    emulator.join(timeout=30)
    await jobs.stop(app)
    await runtime.db.close()
    await app.shutdown()

    per_chat = report["per_chat"]
    lags.sort()
    return {
        "count": count,
        "rate_limit": rate,
        "sent": stats.sent,
        "seconds": elapsed,
        "per_second": stats.sent / elapsed if elapsed else 0.0,
        "flood_429": report["flood_429"],
        "peak_per_second": report["peak_per_second"],
        "throttled_seen": stats.throttled,
        "lost": sum(1 for n in per_chat if n == 0),
        "duplicated": sum(n - 1 for n in per_chat if n > 1),
        "lag_p50_ms": statistics.median(lags) if lags else 0.0,
        "lag_p99_ms": lags[int(len(lags) * 0.99) - 1] if lags else 0.0,
        "rss_before_mib": rss_before,
        "rss_peak_mib": peak[0],
        "rejected_calls": report["errors"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=900)
    parser.add_argument("--rate", type=int, default=30)
    args = parser.parse_args()
    r = asyncio.run(run(args.count, args.rate))
    print(f"reminders queued        {r['count']:>10,}")
    print(f"configured limit        {r['rate_limit']:>10,} msg/s")
    print(f"sent                    {r['sent']:>10,} in {r['seconds']:.1f} s")
    share = 100 * r["per_second"] / r["rate_limit"]
    print(f"achieved                {r['per_second']:>10.1f} msg/s ({share:.1f} % of limit)")
    print(f"most in any second      {r['peak_per_second']:>10,} msg (at the emulator)")
    print(f"429 answers received    {r['flood_429']:>10,}")
    print(f"lost                    {r['lost']:>10,}")
    print(f"duplicated              {r['duplicated']:>10,}")
    print(f"event-loop lag p50/p99  {r['lag_p50_ms']:>7.1f} / {r['lag_p99_ms']:.1f} ms")
    print(f"RSS before / peak       {r['rss_before_mib']:>7.1f} / {r['rss_peak_mib']:.1f} MiB")
    print(f"rejected API calls      {r['rejected_calls']:>10,}")


if __name__ == "__main__":
    main()
