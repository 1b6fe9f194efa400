"""The signup rules: places, waitlist order, overlaps, deadlines, cancelling, and the last-place race."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import to_ts
from bot.db import Database
from bot.services.signups import CancelOutcome, Outcome, cancel, sign_up, withdraw_all
from bot.store import shifts, signups
from tests.factories import POLICY, make_org, make_shift, make_volunteer

NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
T = to_ts(NOW)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "t.sqlite3")
    await database.migrate()
    yield database
    await database.close()


async def people(db: Database, n: int) -> list[int]:
    return [(await make_volunteer(db, 100 + i, first_name=f"V{i}")).id for i in range(n)]


async def test_places_then_waitlist_in_order(db: Database) -> None:
    org = await make_org(db)
    shift_id = await make_shift(db, org, starts=NOW + timedelta(days=2), capacity=2)
    a, b, c, d = await people(db, 4)
    assert (await sign_up(db, a, shift_id, T, policy=POLICY)).outcome is Outcome.CONFIRMED
    assert (await sign_up(db, b, shift_id, T, policy=POLICY)).outcome is Outcome.CONFIRMED
    third = await sign_up(db, c, shift_id, T, policy=POLICY)
    assert third.outcome is Outcome.WAITLISTED and third.waitlist_rank == 1
    fourth = await sign_up(db, d, shift_id, T + 1, policy=POLICY)
    assert fourth.outcome is Outcome.WAITLISTED and fourth.waitlist_rank == 2
    again = await sign_up(db, d, shift_id, T + 2, policy=POLICY)
    assert again.outcome is Outcome.ALREADY_WAITLISTED and again.waitlist_rank == 2
    assert (await sign_up(db, a, shift_id, T, policy=POLICY)).outcome is Outcome.ALREADY_CONFIRMED
    shift = await shifts.get(db, shift_id)
    assert shift is not None and shift.is_full and shift.waitlist_count == 2


async def test_cancelling_promotes_the_first_in_line_and_the_rest_move_up(db: Database) -> None:
    org = await make_org(db)
    shift_id = await make_shift(db, org, starts=NOW + timedelta(days=2), capacity=1)
    a, b, c = await people(db, 3)
    first = await sign_up(db, a, shift_id, T, policy=POLICY)
    await sign_up(db, b, shift_id, T + 1, policy=POLICY)
    third = await sign_up(db, c, shift_id, T + 2, policy=POLICY)
    assert first.signup is not None and third.signup is not None
    result = await cancel(db, a, first.signup.id, T + 10, policy=POLICY)
    assert result.outcome is CancelOutcome.CANCELLED and result.was_confirmed
    assert result.promoted is not None and result.promoted.person_id == b
    assert result.promoted.status == "confirmed"
    moved = await signups.get(db, third.signup.id)
    assert moved is not None and await signups.waitlist_rank(db, moved) == 1
    # Leaving the waitlist promotes nobody.
    left = await cancel(db, c, third.signup.id, T + 11, policy=POLICY)
    assert left.outcome is CancelOutcome.CANCELLED and left.promoted is None
    # Signing up again after cancelling works (one row per person and shift).
    back = await sign_up(db, a, shift_id, T + 12, policy=POLICY)
    assert back.outcome is Outcome.WAITLISTED and back.waitlist_rank == 1


async def test_someone_elses_signup_cannot_be_cancelled(db: Database) -> None:
    org = await make_org(db)
    shift_id = await make_shift(db, org, starts=NOW + timedelta(days=2))
    a, mallory = await people(db, 2)
    mine = await sign_up(db, a, shift_id, T, policy=POLICY)
    assert mine.signup is not None
    assert (await cancel(db, mallory, mine.signup.id, T, policy=POLICY)).outcome is CancelOutcome.NOT_YOURS
    assert (await cancel(db, mallory, 999_999, T, policy=POLICY)).outcome is CancelOutcome.NOT_YOURS
    still = await signups.get(db, mine.signup.id)
    assert still is not None and still.status == "confirmed"


async def test_closed_started_and_cancelled_shifts(db: Database) -> None:
    org = await make_org(db)
    deadline = NOW + timedelta(days=1)
    shift_id = await make_shift(db, org, starts=NOW + timedelta(days=2), signup_deadline=deadline)
    (a,) = await people(db, 1)
    assert (await sign_up(db, a, shift_id, to_ts(deadline), policy=POLICY)).outcome is Outcome.CLOSED
    ok = await sign_up(db, a, shift_id, to_ts(deadline) - 1, policy=POLICY)
    assert ok.outcome is Outcome.CONFIRMED and ok.signup is not None
    started = await cancel(db, a, ok.signup.id, to_ts(NOW + timedelta(days=2)), policy=POLICY)
    assert started.outcome is CancelOutcome.STARTED
    async with db.transaction() as tx:
        await tx.execute("UPDATE shift SET status = 'cancelled' WHERE id = ?", (shift_id,))
    assert (await sign_up(db, a, shift_id, T, policy=POLICY)).outcome is Outcome.UNAVAILABLE
    assert (await sign_up(db, a, 424242, T, policy=POLICY)).outcome is Outcome.UNAVAILABLE


async def test_overlap_is_warned_and_can_be_accepted(db: Database) -> None:
    org = await make_org(db)
    first = await make_shift(db, org, title="Canvass", kind="canvass", starts=NOW + timedelta(days=3), hours=3)
    second = await make_shift(db, org, starts=NOW + timedelta(days=3, hours=2), hours=2)
    apart = await make_shift(db, org, starts=NOW + timedelta(days=3, hours=4), hours=1)
    (a,) = await people(db, 1)
    await sign_up(db, a, first, T, policy=POLICY)
    warned = await sign_up(db, a, second, T, policy=POLICY)
    assert warned.outcome is Outcome.OVERLAP and [s.id for s in warned.overlaps] == [first]
    assert await signups.find(db, second, a) is None  # nothing saved until they say yes
    assert (await sign_up(db, a, second, T, allow_overlap=True, policy=POLICY)).outcome is Outcome.CONFIRMED
    assert (await sign_up(db, a, apart, T, policy=POLICY)).outcome is Outcome.CONFIRMED  # back to back is fine


async def test_the_last_place_race_has_exactly_one_winner(db: Database) -> None:
    org = await make_org(db)
    shift_id = await make_shift(db, org, starts=NOW + timedelta(days=2), capacity=5)
    volunteers = await people(db, 20)
    results = await asyncio.gather(*(sign_up(db, p, shift_id, T, policy=POLICY) for p in volunteers))
    outcomes = [r.outcome for r in results]
    assert outcomes.count(Outcome.CONFIRMED) == 5
    assert outcomes.count(Outcome.WAITLISTED) == 15
    ranks = sorted(r.waitlist_rank for r in results if r.outcome is Outcome.WAITLISTED)
    assert ranks == list(range(1, 16))


async def test_withdraw_all_promotes_on_every_shift(db: Database) -> None:
    org = await make_org(db)
    s1 = await make_shift(db, org, starts=NOW + timedelta(days=2), capacity=1)
    s2 = await make_shift(db, org, starts=NOW + timedelta(days=4), capacity=1)
    leaver, waiting = await people(db, 2)
    for s in (s1, s2):
        await sign_up(db, leaver, s, T, policy=POLICY)
        await sign_up(db, waiting, s, T + 1, policy=POLICY)
    results = await withdraw_all(db, leaver, T + 5, policy=POLICY)
    assert sorted(r.promoted.shift_id for r in results if r.promoted) == [s1, s2]
