"""A production-sized database, built in seconds: volunteers, organizations, shifts, signups.

Rows are generated in Python and written with executemany in one transaction on a plain sqlite3
connection (no service calls per row), after the real migrations have made the schema. The first
`bench_users` volunteers are registered and have no signups, so a benchmark can act as them and
know what it will see; the reminder wave (optional) is `reminders` more volunteers, each confirmed
on a shift three hours ahead; `queue_wave` then puts a reminder for each, due now, in the outbox.
"""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from bot.vocab import KINDS, STATE_ZONES

FIRST_TELEGRAM_ID = 20_000_000  # volunteer i has Telegram id FIRST_TELEGRAM_ID + i
STATES = ("CA", "NY", "TX", "WA", "IL", "MA", "NJ", "GA", "HI", "PA", "MN", "VA", "NV", "OR", "MI")
UI_LANGUAGES = ("en", "en", "en", "ko", "vi", "zh-hant", "zh-hans", "es", "tl", "hi", "ja", "bn")
OUTREACH = ("cmn", "yue", "vi", "ko", "tl", "hi", "bn", "ur", "gu", "pa", "ne", "ja", "km", "th", "es")
DAY = 86_400


@dataclass(frozen=True)
class Scale:
    volunteers: int = 100_000
    shifts: int = 10_000
    signups: int = 200_000
    orgs: int = 40
    bench_users: int = 2_000  # registered, no signups: the benchmark's own users
    reminders: int = 0  # extra volunteers with a reminder due now (the reminder wave)

    @classmethod
    def small(cls, bench_users: int = 2_000, reminders: int = 0) -> Scale:
        """The same shape at a hundredth of the size."""
        return cls(1_000, 100, 2_000, 10, bench_users, reminders)


@dataclass(frozen=True)
class Built:
    path: Path
    seconds: float
    rows: dict[str, int]
    bench_user_ids: list[int]  # Telegram ids of the benchmark's users
    wave_user_ids: list[int]  # Telegram ids of the reminder wave's recipients
    wave: list[tuple[int, int, int]]  # (person, shift, signup) of each reminder `queue_wave` queues


def bench_user(i: int) -> dict[str, object]:
    """What Telegram says about benchmark user i (what the database holds, so nothing is rewritten)."""
    return {"id": FIRST_TELEGRAM_ID + i, "first_name": f"V{i}", "language_code": "en"}


def _migrate(path: Path) -> None:
    from bot.db import Database

    async def run() -> None:
        db = await Database.open(path)
        try:
            await db.migrate()
        finally:
            await db.close()

    asyncio.run(run())


def build(path: Path, scale: Scale = Scale(), *, now: int | None = None, seed: int = 7) -> Built:
    """Writes the database at `path` (which must not exist yet); shifts are placed around `now`."""
    started = time.perf_counter()
    now = int(time.time()) if now is None else now
    rng = random.Random(seed)
    _migrate(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    rows: dict[str, int] = {}
    conn.execute("BEGIN")

    def put(table: str, columns: str, values: list[tuple[object, ...]]) -> None:
        marks = ",".join("?" * len(columns.split(",")))
        conn.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)
        rows[table] = rows.get(table, 0) + len(values)

    # organizations, a few per state
    org_states = [STATES[i % len(STATES)] for i in range(scale.orgs)]
    put(
        "org", "id,slug,name,state,timezone,created_at",
        [(i + 1, f"org{i + 1}", f"Org {i + 1} {s}", s, STATE_ZONES[s][0], now - 400 * DAY) for i, s in
         enumerate(org_states)],
    )
    orgs_by_state: dict[str, list[int]] = {}
    for i, s in enumerate(org_states):
        orgs_by_state.setdefault(s, []).append(i + 1)

    # volunteers: the benchmark's users first, then everyone else, then the reminder wave
    total_people = scale.bench_users + scale.volunteers + scale.reminders
    people, languages, interests, follows = [], [], [], []
    kinds = list(KINDS)
    for i in range(total_people):
        pid = i + 1
        bench = i < scale.bench_users
        state = "CA" if bench else rng.choice(org_states)
        lang = "en" if bench else rng.choice(UI_LANGUAGES)
        joined = now - rng.randrange(DAY, 300 * DAY)
        people.append(
            (pid, FIRST_TELEGRAM_ID + i, f"V{i}", lang, STATE_ZONES[state][0], state, "94103", joined, joined, joined)
        )
        spoken = ["en", *rng.sample(OUTREACH, rng.choice((0, 1, 1, 2)))]
        languages += [(pid, code) for code in spoken]
        interests += [(pid, k) for k in rng.sample(kinds, rng.randint(1, 3))]
        follows += [(pid, org, joined) for org in rng.sample(orgs_by_state[state], 1)]
    put(
        "person",
        "id,telegram_id,first_name,telegram_language,timezone,state,zip,consent_at,created_at,updated_at",
        people,
    )
    put("person_language", "person_id,language", languages)
    put("person_interest", "person_id,kind", interests)
    put("follow", "person_id,org_id,created_at", follows)

    # shifts: 40 % in the past 60 days, the rest in the next 60; a fifth online; some need a language
    shift_rows, shift_langs, shift_info = [], [], []
    for sid in range(1, scale.shifts + 1):
        org = rng.randrange(1, scale.orgs + 1)
        state = org_states[org - 1]
        past = rng.random() < 0.4
        starts = now + (-1 if past else 1) * rng.randrange(3600, 60 * DAY)
        starts -= starts % 900
        online = rng.random() < 0.2
        capacity = rng.randint(8, 40)
        status = "published" if rng.random() > 0.03 else "cancelled"
        if past and status == "published" and rng.random() < 0.5:
            status = "done"
        shift_rows.append(
            (
                sid, org, f"Shift {sid}", rng.choice(kinds), "Bring water and comfortable shoes.",
                None if online else "Community hall", None if online else f"{sid} Main St",
                "https://meet.example.org/s" + str(sid) if online else None, None if online else state,
                starts, starts + rng.choice((2, 3, 4)) * 3600, STATE_ZONES[state][0], capacity, status,
                now - 90 * DAY, now - 90 * DAY,
            )
        )
        if rng.random() < 0.3:
            shift_langs.append((sid, rng.choice(OUTREACH)))
        shift_info.append((sid, past, capacity, status))
    put(
        "shift",
        "id,org_id,title,kind,description,place_name,address,online_url,region,starts_at,ends_at,timezone,"
        "capacity,status,created_at,updated_at",
        shift_rows,
    )
    put("shift_language", "shift_id,language", shift_langs)

    # signups, spread over the shifts; beyond capacity they wait in line (past: attended or no-show)
    signup_rows, checkins = [], []
    first_volunteer = scale.bench_users + 1
    per_shift = max(1, scale.signups // max(1, scale.shifts))
    remaining, signup_id = scale.signups, 0
    for index, (sid, past, capacity, status) in enumerate(shift_info):
        left = len(shift_info) - index
        count = min(remaining, max(0, rng.randint(per_shift // 2, per_shift * 3 // 2) if left > 1 else remaining))
        count = min(count, scale.volunteers)
        remaining -= count
        joined = now - 80 * DAY
        for n, person in enumerate(rng.sample(range(first_volunteer, first_volunteer + scale.volunteers), count)):
            signup_id += 1
            position = None
            if n >= capacity:
                state, position = ("cancelled" if past else "waitlisted"), n - capacity + 1
            elif rng.random() < 0.08:
                state = "cancelled"
            elif past and status != "cancelled":
                state = "attended" if rng.random() < 0.8 else "no_show"
            else:
                state = "confirmed"
            if state != "waitlisted":
                position = None
            signup_rows.append((signup_id, sid, person, state, position, joined + n, joined + n))
            if state == "attended":
                hours = rng.choice((2.0, 3.0, 4.0))
                # checked out too, as the end-of-shift job leaves every past shift: else the bot's first minute
                # checks out tens of thousands and sends their milestones, drowning the wave being measured
                checkins.append((signup_id, joined, joined + int(hours * 3600), "button", hours))
    # the reminder wave: shifts three hours ahead, everyone on them confirmed, a reminder due now
    wave_people = range(scale.bench_users + scale.volunteers + 1, total_people + 1)
    wave: list[tuple[int, int, int]] = []
    if scale.reminders:
        wave_shift = scale.shifts
        starts = now + 3 * 3600
        for n, person in enumerate(wave_people):
            if n % 100 == 0:
                wave_shift += 1
                shift_rows_wave = (
                    wave_shift, 1, f"Wave canvass {wave_shift}", "canvass", "", "Hall", "1 Main St", None,
                    org_states[0], starts, starts + 7200, STATE_ZONES[org_states[0]][0], 100, "published",
                    now - DAY, now - DAY,
                )
                put(
                    "shift",
                    "id,org_id,title,kind,description,place_name,address,online_url,region,starts_at,ends_at,"
                    "timezone,capacity,status,created_at,updated_at",
                    [shift_rows_wave],
                )
            signup_id += 1
            signup_rows.append((signup_id, wave_shift, person, "confirmed", None, now - DAY, now - DAY))
            wave.append((person, wave_shift, signup_id))
    put("signup", "id,shift_id,person_id,status,position,joined_at,updated_at", signup_rows)
    put("checkin", "signup_id,checked_in_at,checked_out_at,method,hours", checkins)
    conn.execute("COMMIT")  # no ANALYZE: a production database has no statistics unless the bot makes them
    conn.close()
    return Built(
        path=path,
        seconds=time.perf_counter() - started,
        rows=rows,
        bench_user_ids=[FIRST_TELEGRAM_ID + i for i in range(scale.bench_users)],
        wave_user_ids=[FIRST_TELEGRAM_ID + p - 1 for p in wave_people],
        wave=wave,
    )


def queue_wave(built: Built, due: int | None = None) -> int:
    """Puts the wave's reminders in the outbox, due now (the 2-hour one, three hours ahead of the
    shift, as after a catch-up); returns how many."""
    due = int(time.time()) if due is None else due
    conn = sqlite3.connect(built.path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO outbox (person_id, kind, shift_id, payload, due_at, dedupe_key, created_at)"
            " VALUES (?, 'reminder', ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING",
            [
                (person, shift, json.dumps({"signup_id": signup, "lead": 7200}), due, f"bench-wave:{signup}", due)
                for person, shift, signup in built.wave
            ],
        )
        conn.execute("COMMIT")
    finally:
        conn.close()
    return len(built.wave)


def main() -> None:
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--path", type=Path, default=None)
    parser.add_argument("--small", action="store_true", help="a hundredth of the size")
    parser.add_argument("--reminders", type=int, default=0)
    args = parser.parse_args()
    path = args.path or Path(tempfile.mkdtemp(prefix="turnout-bigdb-")) / "big.sqlite3"
    scale = Scale.small(reminders=args.reminders) if args.small else Scale(reminders=args.reminders)
    built = build(path, scale)
    queue_wave(built)
    print(f"{built.path}: built in {built.seconds:.1f} s")
    for table, count in built.rows.items():
        print(f"  {table:<16} {count:>9,}")


if __name__ == "__main__":
    main()
