"""Check-in rules: the window, walk-ins, location, check-out and hours, the log, and true no-shows."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import to_ts
from bot.db import Database
from bot.services import checkins, roster
from bot.services.authz import Actor
from bot.services.checkins import Outcome, OutOutcome, hours_between
from bot.services.followups import mark_no_shows
from bot.services.invalid import Invalid
from bot.services.signups import sign_up
from bot.store import checkins as checkin_store
from bot.store import shifts, signups
from bot.store.roles import Role
from tests.factories import POLICY, make_org, make_shift, make_volunteer

START = datetime(2026, 12, 5, 18, 0, tzinfo=UTC)
S = to_ts(START)
HOUR = 3600


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "t.sqlite3")
    await database.migrate()
    yield database
    await database.close()


async def on_shift(db: Database, shift_id: int, telegram_id: int) -> tuple[int, int]:
    """A volunteer signed up for the shift: (person id, signup id)."""
    person = await make_volunteer(db, telegram_id)
    result = await sign_up(db, person.id, shift_id, S - 2 * 86400, policy=POLICY)
    assert result.signup is not None
    return person.id, result.signup.id


def coordinator_of(org_id: int, person_id: int = 0) -> Actor:
    return Actor(person_id=person_id, telegram_id=0, is_network_admin=False,
                 roles=(Role(person_id=person_id, org_id=org_id, role="coordinator", org_name="", org_slug=""),))


@pytest.mark.parametrize(
    ("arrive", "leave", "hours"),
    [
        (S, S + 2 * HOUR, 2.0),
        (S - 2 * HOUR, S + 2 * HOUR, 2.5),  # early arrival counts from 30 minutes before at most
        (S + HOUR, S + 5 * HOUR, 1.0),  # staying on after the end doesn't count
        (S + 30 * 60, S + 30 * 60, 0.0),
        (S + 10 * 60, S + 70 * 60, 1.0),
    ],
)
def test_hours_count_within_the_shift(arrive: int, leave: int, hours: float) -> None:
    assert hours_between(arrive, leave, S - 30 * 60, S + 2 * HOUR) == hours


async def test_the_window_opens_half_an_hour_before_and_closes_at_the_end(db: Database) -> None:
    org = await make_org(db)
    shift_id = await make_shift(db, org, starts=START, hours=2)
    person_id, signup_id = await on_shift(db, shift_id, 5001)
    early = await checkins.check_in(db, person_id=person_id, shift_id=shift_id, method="button", now=S - 31 * 60)
    assert early.outcome is Outcome.NOT_YET and early.opens_at == S - 30 * 60
    done = await checkins.check_in(db, person_id=person_id, shift_id=shift_id, method="button", now=S - 10 * 60)
    assert done.outcome is Outcome.CHECKED_IN and done.signup_id == signup_id
    again = await checkins.check_in(db, person_id=person_id, shift_id=shift_id, method="qr", now=S)
    assert again.outcome is Outcome.ALREADY
    assert (await signups.get(db, signup_id)).status == "attended"  # type: ignore[union-attr]
    assert [e["event"] for e in await checkin_store.events(db, signup_id)] == ["in"]  # recorded once
    late = await checkins.check_in(db, person_id=(await make_volunteer(db, 5002)).id, shift_id=shift_id,
                                   method="qr", now=S + 2 * HOUR)
    assert late.outcome is Outcome.CLOSED


async def test_a_qr_scan_signs_up_a_walk_in_while_a_place_is_free(db: Database) -> None:
    org = await make_org(db)
    shift_id = await make_shift(db, org, starts=START, capacity=2)
    await on_shift(db, shift_id, 5101)
    walker = await make_volunteer(db, 5102)
    by_button = await checkins.check_in(db, person_id=walker.id, shift_id=shift_id, method="button", now=S)
    assert by_button.outcome is Outcome.NOT_ON_ROSTER
    walked = await checkins.check_in(db, person_id=walker.id, shift_id=shift_id, method="qr", now=S)
    assert walked.outcome is Outcome.WALKED_IN and walked.shift is not None and walked.shift.is_full
    row = await db.fetchone("SELECT status, walk_in FROM signup WHERE id = ?", (walked.signup_id,))
    assert row is not None and (row["status"], row["walk_in"]) == ("attended", 1)
    third = await make_volunteer(db, 5103)
    full = await checkins.check_in(db, person_id=third.id, shift_id=shift_id, method="qr", now=S)
    assert full.outcome is Outcome.FULL
    assert await signups.find(db, shift_id, third.id) is None


async def test_a_shared_location_checks_in_nearby_and_says_how_far_otherwise(db: Database) -> None:
    org = await make_org(db)
    shift_id = await make_shift(db, org, starts=START)
    async with db.transaction() as tx:
        await shifts.update(tx, shift_id, 0, latitude=37.7793, longitude=-122.4193)
    person_id, _ = await on_shift(db, shift_id, 5201)
    far = await checkins.check_in_by_location(db, person_id=person_id, latitude=37.7893, longitude=-122.4193, now=S)
    assert far.outcome is Outcome.TOO_FAR and far.distance_m is not None and 1000 < far.distance_m < 1300
    near = await checkins.check_in_by_location(db, person_id=person_id, latitude=37.7800, longitude=-122.4190, now=S)
    assert near.outcome is Outcome.CHECKED_IN
    checkin = await checkin_store.get(db, near.signup_id or 0)
    assert checkin is not None and checkin.method == "location" and checkin.latitude == pytest.approx(37.78)
    stranger = await make_volunteer(db, 5202)
    nothing = await checkins.check_in_by_location(db, person_id=stranger.id, latitude=37.78, longitude=-122.42, now=S)
    assert nothing.outcome is Outcome.NOTHING_OPEN


async def test_check_out_gives_hours_and_the_end_closes_what_is_left(db: Database) -> None:
    org = await make_org(db)
    shift_id = await make_shift(db, org, starts=START, hours=3)
    a, sa = await on_shift(db, shift_id, 5301)
    b, sb = await on_shift(db, shift_id, 5302)
    for person in (a, b):
        await checkins.check_in(db, person_id=person, shift_id=shift_id, method="button", now=S - 30 * 60)
    out = await checkins.check_out(db, person_id=a, signup_id=sa, now=S + 2 * HOUR)
    assert out.outcome is OutOutcome.CHECKED_OUT and out.hours == 2.5
    assert (await checkins.check_out(db, person_id=a, signup_id=sa, now=S + 3 * HOUR)).outcome is OutOutcome.ALREADY
    with pytest.raises(checkins.NotAllowed):
        await checkins.check_out(db, person_id=a, signup_id=sb, now=S + HOUR)  # not theirs
    assert await checkins.close_ended(db, S + 2 * HOUR) == 0  # not over yet
    assert await checkins.close_ended(db, S + 4 * HOUR) == 1
    closed = await checkin_store.get(db, sb)
    assert closed is not None and closed.hours == 3.5 and closed.checked_out_at == S + 3 * HOUR
    assert [e["method"] for e in await checkin_store.events(db, sb)] == ["button", "auto"]


async def test_only_the_organizations_coordinators_check_others_in_and_correct_times(db: Database) -> None:
    org = await make_org(db)
    other = await make_org(db, "other", "Other Org")
    shift_id = await make_shift(db, org, starts=START)
    person_id, signup_id = await on_shift(db, shift_id, 5401)
    with pytest.raises(checkins.NotAllowed):
        await checkins.check_in(db, person_id=person_id, shift_id=shift_id, method="coordinator", now=S,
                                by=coordinator_of(other.id))
    assert await checkin_store.get(db, signup_id) is None
    coord = await make_volunteer(db, 5402)
    done = await checkins.check_in(db, person_id=person_id, shift_id=shift_id, method="coordinator", now=S,
                                   by=coordinator_of(org.id, coord.id))
    assert done.outcome is Outcome.CHECKED_IN
    actor = coordinator_of(org.id, coord.id)
    await checkins.correct_time(db, actor=actor, shift_id=shift_id, signup_id=signup_id, field="in",
                                at=S + 15 * 60, now=S + 5 * HOUR)
    out = await checkins.correct_time(db, actor=actor, shift_id=shift_id, signup_id=signup_id, field="out",
                                      at=S + 75 * 60, now=S + 5 * HOUR)
    assert out.hours == 1.0 and out.old_at is None
    log = await checkin_store.events(db, signup_id)
    assert [(e["event"], e["by_person"]) for e in log] == [("in", coord.id), ("correct", coord.id), ("out", coord.id)]
    assert [(c.field, c.old_at, c.new_at, c.by_person) for c in await checkin_store.corrections(db, signup_id)] == [
        ("in", S, S + 15 * 60, coord.id), ("out", None, S + 75 * 60, coord.id)
    ]
    with pytest.raises(checkins.NotAllowed):  # a lead (or anyone not coordinating the org) corrects nothing
        await checkins.correct_time(db, actor=coordinator_of(other.id), shift_id=shift_id, signup_id=signup_id,
                                    field="in", at=S, now=S + 5 * HOUR)
    with pytest.raises(checkins.NotAllowed):
        await checkins.token_for(db, actor=coordinator_of(other.id), shift_id=shift_id, now=S)


@pytest.mark.parametrize(
    ("field", "at", "problem"),
    [
        ("in", S - HOUR, "Type a time from {opens} to {ends}: from when check-in opens to the end of the shift."),
        ("out", S + 3 * HOUR, "Type a time from {opens} to {ends}: from when check-in opens to the end of the shift."),
        ("out", S + 10 * 60, "Check-out can't be before check-in ({when})."),
        ("in", S + 90 * 60, "Check-in can't be after check-out ({when})."),
        ("out", S + 100 * 60, "That time hasn't come yet. Type when it happened."),
    ],
)
async def test_a_correction_out_of_bounds_or_out_of_order_is_refused(
    db: Database, field: str, at: int, problem: str
) -> None:
    org = await make_org(db)
    shift_id = await make_shift(db, org, starts=START)  # two hours; check-in opens 30 minutes before
    _, signup_id = await on_shift(db, shift_id, 5411)
    actor = coordinator_of(org.id, (await make_volunteer(db, 5412)).id)
    await checkins.correct_time(db, actor=actor, shift_id=shift_id, signup_id=signup_id, field="in", at=S + 20 * 60,
                                now=S + 20 * 60)
    if field == "in":
        await checkins.correct_time(db, actor=actor, shift_id=shift_id, signup_id=signup_id, field="out",
                                    at=S + 80 * 60, now=S + 80 * 60)
    before = await checkin_store.get(db, signup_id)
    with pytest.raises(Invalid) as refused:
        await checkins.correct_time(db, actor=actor, shift_id=shift_id, signup_id=signup_id, field=field, at=at,
                                    now=S + 95 * 60)
    assert refused.value.message == problem
    assert await checkin_store.get(db, signup_id) == before


async def test_a_correction_for_someone_not_checked_in_checks_them_in_and_a_no_show_attended(db: Database) -> None:
    org = await make_org(db)
    shift_id = await make_shift(db, org, starts=START)
    _, signup_id = await on_shift(db, shift_id, 5421)
    actor = coordinator_of(org.id, (await make_volunteer(db, 5422)).id)
    with pytest.raises(Invalid):  # no check-in to check out of
        await checkins.correct_time(db, actor=actor, shift_id=shift_id, signup_id=signup_id, field="out",
                                    at=S + HOUR, now=S + 3 * HOUR)
    async with db.transaction() as tx:
        await signups.set_status(tx, signup_id, "no_show", S + 3 * HOUR)
    await checkins.correct_time(db, actor=actor, shift_id=shift_id, signup_id=signup_id, field="in", at=S - 10 * 60,
                                now=S + 3 * HOUR)
    out = await checkins.correct_time(db, actor=actor, shift_id=shift_id, signup_id=signup_id, field="out",
                                      at=S + HOUR, now=S + 3 * HOUR)
    assert out.hours == round(70 / 60, 2)
    signup = await signups.get(db, signup_id)
    assert signup is not None and signup.status == "attended"
    other_shift = await make_shift(db, org, title="Other", starts=START)
    with pytest.raises(checkins.NotOnShift):  # forged: a signup of another shift
        await checkins.correct_time(db, actor=actor, shift_id=other_shift, signup_id=signup_id, field="in",
                                    at=S, now=S + 3 * HOUR)


async def test_a_replaced_code_stops_working(db: Database) -> None:
    org = await make_org(db)
    shift_id = await make_shift(db, org, starts=START)
    actor = coordinator_of(org.id)
    first = await checkins.token_for(db, actor=actor, shift_id=shift_id, now=S)
    assert await checkins.token_for(db, actor=actor, shift_id=shift_id, now=S) == first
    assert len("ci-" + first) <= 64 and await checkins.shift_for_token(db, first) == shift_id
    second = await checkins.token_for(db, actor=actor, shift_id=shift_id, now=S, replace=True)
    assert second != first
    assert await checkins.shift_for_token(db, first) is None
    assert await checkins.shift_for_token(db, second) == shift_id
    assert await checkins.shift_for_token(db, "") is None


async def test_no_shows_only_where_check_in_was_in_use(db: Database) -> None:
    org = await make_org(db)
    unused = await make_shift(db, org, title="Nobody checked in", starts=START, hours=1)
    used = await make_shift(db, org, title="Check-in in use", starts=START + timedelta(days=1), hours=1)
    await on_shift(db, unused, 5501)
    came, _ = await on_shift(db, used, 5502)
    _, absent = await on_shift(db, used, 5503)
    await checkins.check_in(db, person_id=came, shift_id=used, method="button", now=S + 86400)
    assert await mark_no_shows(db, S + 3 * 86400, after_hours=3) == 1
    assert (await signups.get(db, absent)).status == "no_show"  # type: ignore[union-attr]
    rows = await db.fetchall("SELECT status FROM signup WHERE shift_id = ?", (unused,))
    assert [r["status"] for r in rows] == ["confirmed"]  # never a no-show where nobody could check in


async def test_attendance_marked_by_hand_counts_the_shift_and_a_no_show_none(db: Database) -> None:
    org = await make_org(db)
    shift_id = await make_shift(db, org, starts=START, hours=1.5)
    _, signup_id = await on_shift(db, shift_id, 5601)
    coord = await make_volunteer(db, 5602)
    shift = await shifts.get(db, shift_id)
    assert shift is not None
    after = S + 2 * HOUR
    await roster.mark(db, actor=coordinator_of(org.id, coord.id), shift=shift, signup_id=signup_id, code="a", now=after)
    checkin = await checkin_store.get(db, signup_id)
    assert checkin is not None and checkin.hours == 1.5 and checkin.method == "coordinator"
    await roster.mark(db, actor=coordinator_of(org.id, coord.id), shift=shift, signup_id=signup_id, code="n", now=after)
    assert await checkin_store.get(db, signup_id) is None
