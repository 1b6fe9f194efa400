"""Managing a shift, against a real database: capacity cuts and raises, cancelling, moving the time,
duplicating, messaging, the roster and attendance, and broadcasts' audiences and tallies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import to_ts
from bot.db import Database
from bot.services import broadcasts, roster, shift_admin
from bot.services.authz import Actor
from bot.services.broadcasts import Audience, Busy, Started
from bot.services.broadcasts import NotAllowed as SendNotAllowed
from bot.services.posting import Invalid
from bot.services.roster import MarkOutcome
from bot.services.roster import NotAllowed as MarkNotAllowed
from bot.services.shift_admin import NotAllowed, NotManageable
from bot.services.signups import sign_up
from bot.store import broadcasts as broadcast_store
from bot.store import outbox, people, signups
from bot.store import shifts as shift_store
from tests.factories import POLICY, coordinator_of, make_org, make_shift, make_volunteer, volunteer_actor

NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)  # 10:00 in Los Angeles
T = to_ts(NOW)
STARTS = NOW + timedelta(days=3)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "t.sqlite3")
    await database.migrate()
    yield database
    await database.close()


async def volunteers(db: Database, n: int, languages: tuple[str, ...] = ("en",)) -> list[int]:
    return [(await make_volunteer(db, 100 + i, first_name=f"V{i}", languages=languages)).id for i in range(n)]


async def coordinator(db: Database) -> int:
    return (await make_volunteer(db, 9000, first_name="Coordinator")).id


async def fill(db: Database, shift_id: int, person_ids: list[int]) -> None:
    """Signs them up one second apart, so joining order is their order."""
    for i, person_id in enumerate(person_ids):
        await sign_up(db, person_id, shift_id, T + i, policy=POLICY)


async def statuses(db: Database, shift_id: int) -> list[tuple[int, str]]:
    return [(s.person_id, s.status) for s in await signups.for_shift(db, shift_id)]


async def pending(db: Database, kind: str) -> list[outbox.OutboxItem]:
    rows = await db.fetchall("SELECT * FROM outbox WHERE kind = ? AND status = 'pending' ORDER BY id", (kind,))
    return [outbox.OutboxItem.from_row(r) for r in rows]


async def edit(db: Database, actor: Actor, shift_id: int, **values: object) -> shift_admin.EditResult:
    return await shift_admin.edit_shift(
        db, actor=actor, shift_id=shift_id, values=dict(values), now=T + 100, policy=POLICY
    )


async def test_a_capacity_cut_moves_the_latest_confirmed_to_the_top_of_the_waitlist_in_order(db: Database) -> None:
    org = await make_org(db)
    actor = coordinator_of(org.id, await coordinator(db))
    shift_id = await make_shift(db, org, starts=STARTS, capacity=4)
    a, b, c, d, w1, w2 = await volunteers(db, 6)
    await fill(db, shift_id, [a, b, c, d, w1, w2])  # w1 and w2 wait

    result = await edit(db, actor, shift_id, capacity=2)

    assert [s.person_id for s in result.moved_to_waitlist] == [c, d]
    assert await statuses(db, shift_id) == [
        (a, "confirmed"), (b, "confirmed"), (c, "waitlisted"), (d, "waitlisted"), (w1, "waitlisted"),
        (w2, "waitlisted"),
    ]
    waiting = await signups.for_shift(db, shift_id, ("waitlisted",))
    assert [(s.person_id, await signups.waitlist_rank(db, s)) for s in waiting] == [(c, 1), (d, 2), (w1, 3), (w2, 4)]
    told = await pending(db, shift_admin.MOVED_TO_WAITLIST)
    assert sorted(i.person_id for i in told) == sorted([c, d])
    # Their reminders are withdrawn; those still confirmed keep theirs.
    for person_id, has_reminders in ((c, False), (d, False), (a, True)):
        kinds = {i.kind for i in await outbox.for_person(db, person_id) if i.status == "pending"}
        assert ("reminder" in kinds) is has_reminders
    shift = await shift_store.get(db, shift_id)
    assert shift is not None and (shift.capacity, shift.confirmed_count, shift.waitlist_count) == (2, 2, 4)
    assert result.told == 0  # a capacity change concerns nobody else
    row = await db.fetchone("SELECT action, details FROM audit_log WHERE action = 'shift.edit'")
    assert row is not None and '"capacity"' in row["details"]


async def test_a_capacity_raise_promotes_from_the_waitlist_in_order(db: Database) -> None:
    org = await make_org(db)
    actor = coordinator_of(org.id, await coordinator(db))
    shift_id = await make_shift(db, org, starts=STARTS, capacity=1)
    a, w1, w2, w3 = await volunteers(db, 4)
    await fill(db, shift_id, [a, w1, w2, w3])

    result = await edit(db, actor, shift_id, capacity=3)

    assert [s.person_id for s in result.promoted] == [w1, w2]
    assert await statuses(db, shift_id) == [(a, "confirmed"), (w1, "confirmed"), (w2, "confirmed"), (w3, "waitlisted")]
    assert sorted(i.person_id for i in await pending(db, "promoted")) == sorted([w1, w2])
    assert {i.person_id for i in await pending(db, "reminder")} >= {w1, w2}


async def test_a_cut_then_a_raise_gives_the_places_back_to_the_same_people_first(db: Database) -> None:
    org = await make_org(db)
    actor = coordinator_of(org.id, await coordinator(db))
    shift_id = await make_shift(db, org, starts=STARTS, capacity=3)
    a, b, c, w = await volunteers(db, 4)
    await fill(db, shift_id, [a, b, c, w])
    await edit(db, actor, shift_id, capacity=1)
    result = await edit(db, actor, shift_id, capacity=3)
    assert [s.person_id for s in result.promoted] == [b, c]
    assert await statuses(db, shift_id) == [(a, "confirmed"), (b, "confirmed"), (c, "confirmed"), (w, "waitlisted")]


async def test_cancelling_withdraws_everything_queued_and_tells_confirmed_and_waiting(db: Database) -> None:
    org = await make_org(db)
    actor = coordinator_of(org.id, await coordinator(db))
    shift_id = await make_shift(db, org, starts=STARTS, capacity=1)
    a, w = await volunteers(db, 2)
    await fill(db, shift_id, [a, w])
    assert await pending(db, "reminder")

    result = await shift_admin.cancel_shift(db, actor=actor, shift_id=shift_id, reason=" Rain <storm> ", now=T)

    assert result.told == 2 and result.shift.status == "cancelled" and result.shift.cancel_reason == "Rain <storm>"
    kinds = {r["kind"] for r in await db.fetchall("SELECT kind FROM outbox WHERE status = 'pending'")}
    assert kinds == {shift_admin.SHIFT_CANCELLED}
    told = await pending(db, shift_admin.SHIFT_CANCELLED)
    assert {(i.person_id, i.payload["was_confirmed"]) for i in told} == {(a, True), (w, False)}
    row = await db.fetchone("SELECT actor_id, details FROM audit_log WHERE action = 'shift.cancel'")
    assert row is not None and row["actor_id"] == actor.person_id and "Rain" in row["details"]
    with pytest.raises(NotManageable):
        await shift_admin.cancel_shift(db, actor=actor, shift_id=shift_id, reason="again", now=T)
    with pytest.raises(Invalid):
        await shift_admin.cancel_shift(db, actor=actor, shift_id=shift_id, reason="x" * 501, now=T)


async def test_a_new_time_replans_reminders_keeps_the_length_and_tells_everyone(db: Database) -> None:
    org = await make_org(db)
    actor = coordinator_of(org.id, await coordinator(db))
    deadline = STARTS - timedelta(hours=2)
    shift_id = await make_shift(db, org, starts=STARTS, hours=2, capacity=1, signup_deadline=deadline)
    a, w = await volunteers(db, 2)
    await fill(db, shift_id, [a, w])
    old_reminders = await pending(db, "reminder")
    assert old_reminders and all(i.person_id == a for i in old_reminders)

    later = STARTS + timedelta(days=1, hours=3)
    result = await edit(db, actor, shift_id, starts_at=to_ts(later))

    assert result.topics == ("time", "deadline")
    assert result.shift.starts_at == later and result.shift.ends_at == later + timedelta(hours=2)
    assert result.shift.signup_deadline == later - timedelta(hours=2)  # closes as long before as it did
    new_reminders = await pending(db, "reminder")
    assert {i.id for i in new_reminders}.isdisjoint({i.id for i in old_reminders})
    assert all(i.due_at < to_ts(later) and i.due_at > to_ts(STARTS) - 3600 * 25 for i in new_reminders)
    assert max(i.due_at for i in new_reminders) == to_ts(later - timedelta(hours=2))
    changed = await pending(db, shift_admin.SHIFT_CHANGED)
    assert {i.person_id for i in changed} == {a, w}
    assert changed[0].payload["topics"] == ["time"] and changed[0].payload["old"]["starts_at"] == to_ts(STARTS)


async def test_edits_obey_the_posting_rules_and_a_finished_shift_cant_change(db: Database) -> None:
    org = await make_org(db)
    actor = coordinator_of(org.id, await coordinator(db))
    shift_id = await make_shift(db, org, starts=STARTS)
    with pytest.raises(Invalid):
        await edit(db, actor, shift_id, starts_at=T - 60)  # in the past
    with pytest.raises(Invalid):
        await edit(db, actor, shift_id, ends_at=to_ts(STARTS) - 60)
    with pytest.raises(Invalid):
        await edit(db, actor, shift_id, signup_deadline=to_ts(STARTS) + 60)
    unchanged = await edit(db, actor, shift_id, title="Phone bank")
    assert unchanged.topics == () and unchanged.told == 0
    renamed = await edit(db, actor, shift_id, title="Call voters", languages=["ko", "vi", "ko"])
    assert renamed.topics == ("title", "languages") and renamed.shift.languages == ("ko", "vi")
    past = await make_shift(db, org, starts=NOW - timedelta(hours=5))
    with pytest.raises(NotManageable):
        await edit(db, actor, past, title="Too late")


async def test_duplicate_keeps_the_local_time_across_a_clock_change(db: Database) -> None:
    org = await make_org(db)  # Los Angeles
    actor = coordinator_of(org.id, await coordinator(db))
    october = datetime(2026, 10, 20, 17, 0, tzinfo=UTC)  # 10:00 PDT
    shift_id = await make_shift(db, org, starts=october, languages=("ko",), capacity=7)
    copy = await shift_admin.duplicate_shift(
        db, actor=actor, shift_id=shift_id, day=date(2026, 11, 24), now=to_ts(datetime(2026, 10, 1, tzinfo=UTC))
    )
    assert copy.id != shift_id
    assert copy.starts_at == datetime(2026, 11, 24, 18, 0, tzinfo=UTC)  # 10:00 PST
    assert (copy.title, copy.capacity, copy.languages, copy.confirmed_count) == ("Phone bank", 7, ("ko",), 0)
    with pytest.raises(Invalid):
        await shift_admin.duplicate_shift(db, actor=actor, shift_id=shift_id, day=date(2026, 11, 22), now=T)


async def test_a_message_goes_to_the_confirmed_and_optionally_the_waitlist(db: Database) -> None:
    org = await make_org(db)
    actor = coordinator_of(org.id, await coordinator(db))
    shift_id = await make_shift(db, org, starts=STARTS, capacity=1)
    a, w = await volunteers(db, 2)
    await fill(db, shift_id, [a, w])
    assert await shift_admin.audience_counts(db, shift_id) == (1, 1)
    assert await shift_admin.message_shift(
        db, actor=actor, shift_id=shift_id, text="Bring water", include_waitlist=False, now=T
    ) == 1
    assert await shift_admin.message_shift(
        db, actor=actor, shift_id=shift_id, text="Bring water", include_waitlist=True, now=T
    ) == 2  # the same words again, the same second: a second message, not a duplicate
    assert len(await pending(db, shift_admin.SHIFT_MESSAGE)) == 3
    with pytest.raises(Invalid):
        await shift_admin.message_shift(db, actor=actor, shift_id=shift_id, text="x" * 1001, include_waitlist=True,
                                        now=T)


async def test_only_the_shifts_coordinators_may_edit_cancel_duplicate_or_message_it(db: Database) -> None:
    org = await make_org(db)
    other_org = await make_org(db, "other", "Other Org")
    person = await coordinator(db)
    shift_id = await make_shift(db, org, starts=STARTS, capacity=3)
    [volunteer] = await volunteers(db, 1)
    await fill(db, shift_id, [volunteer])
    before = await shift_store.get(db, shift_id)
    day = (STARTS + timedelta(days=1)).date()
    for wrong in (coordinator_of(other_org.id, person), volunteer_actor(volunteer)):
        with pytest.raises(NotAllowed):
            await edit(db, wrong, shift_id, capacity=1, title="Taken over")
        with pytest.raises(NotAllowed):
            await shift_admin.cancel_shift(db, actor=wrong, shift_id=shift_id, reason="mine now", now=T)
        with pytest.raises(NotAllowed):
            await shift_admin.duplicate_shift(db, actor=wrong, shift_id=shift_id, day=day, now=T)
        with pytest.raises(NotAllowed):
            await shift_admin.message_shift(db, actor=wrong, shift_id=shift_id, text="Hi", include_waitlist=True, now=T)
    assert await shift_store.get(db, shift_id) == before
    assert await db.fetchval("SELECT count(*) FROM shift") == 1
    assert await db.fetchval("SELECT count(*) FROM audit_log") == 0
    assert await pending(db, shift_admin.SHIFT_MESSAGE) == [] and await pending(db, shift_admin.SHIFT_CHANGED) == []
    rightful = coordinator_of(org.id, person)
    assert (await edit(db, rightful, shift_id, title="Renamed")).shift.title == "Renamed"
    assert await shift_admin.message_shift(
        db, actor=rightful, shift_id=shift_id, text="Hi", include_waitlist=True, now=T
    ) == 1
    assert (await shift_admin.duplicate_shift(db, actor=rightful, shift_id=shift_id, day=day, now=T)).id != shift_id
    result = await shift_admin.cancel_shift(db, actor=rightful, shift_id=shift_id, reason="Rain", now=T)
    assert result.shift.status == "cancelled"


async def test_roster_order_checkins_and_marks(db: Database) -> None:
    org = await make_org(db)
    actor = await coordinator(db)
    me = coordinator_of(org.id, actor)
    shift_id = await make_shift(db, org, starts=NOW + timedelta(minutes=30), capacity=2)
    a, b, w = await volunteers(db, 3, languages=("ko", "en"))
    await fill(db, shift_id, [a, b, w])
    async with db.transaction() as tx:
        await people.update(tx, a, T, phone="+15550001111")
        found = await signups.find(tx, shift_id, a)
        assert found is not None
        await tx.execute(
            "INSERT INTO checkin (signup_id, checked_in_at, method) VALUES (?, ?, 'button')", (found.id, T)
        )
    shift = await shift_store.get(db, shift_id)
    assert shift is not None
    listing = await roster.load(db, shift, T)
    assert [(x.person_id, x.status, x.rank, x.checked_in) for x in listing.lines] == [
        (a, "confirmed", 0, True), (b, "confirmed", 0, False), (w, "waitlisted", 1, False),
    ]
    assert listing.lines[0].phone == "+15550001111" and listing.lines[0].languages == ("en", "ko")
    assert listing.marking_open

    b_signup = listing.lines[1].signup_id
    assert await roster.mark(db, actor=me, shift=shift, signup_id=b_signup, code="n", now=T) is MarkOutcome.MARKED
    marked = await signups.get(db, b_signup)
    assert marked is not None and (marked.status, marked.marked_by) == ("no_show", actor)
    assert await db.fetchval("SELECT count(*) FROM audit_log WHERE action = 'signup.no_show'") == 1
    # A waitlisted person, or a signup of another shift (forged), can't be marked.
    other = await make_shift(db, org, starts=NOW + timedelta(minutes=30))
    await sign_up(db, a, other, T, policy=POLICY, allow_overlap=True)
    elsewhere = await signups.find(db, other, a)
    assert elsewhere is not None
    for signup_id in (listing.lines[2].signup_id, elsewhere.id):
        outcome = await roster.mark(db, actor=me, shift=shift, signup_id=signup_id, code="a", now=T)
        assert outcome is MarkOutcome.NOT_ON_SHIFT
    later = await make_shift(db, org, starts=STARTS)
    later_shift = await shift_store.get(db, later)
    assert later_shift is not None
    too_early = await roster.mark(db, actor=me, shift=later_shift, signup_id=0, code="a", now=T)
    assert too_early is MarkOutcome.TOO_EARLY


async def test_only_the_shifts_coordinators_may_mark_attendance(db: Database) -> None:
    org = await make_org(db)
    other_org = await make_org(db, "other", "Other Org")
    actor = await coordinator(db)
    me = coordinator_of(org.id, actor)
    shift_id = await make_shift(db, org, starts=NOW + timedelta(minutes=30))
    [volunteer] = await volunteers(db, 1)
    await fill(db, shift_id, [volunteer])
    shift = await shift_store.get(db, shift_id)
    found = await signups.find(db, shift_id, volunteer)
    assert shift is not None and found is not None
    for wrong in (coordinator_of(other_org.id, actor), volunteer_actor(volunteer)):
        with pytest.raises(MarkNotAllowed):
            await roster.mark(db, actor=wrong, shift=shift, signup_id=found.id, code="a", now=T)
    assert await statuses(db, shift_id) == [(volunteer, "confirmed")]
    assert await db.fetchval("SELECT count(*) FROM audit_log") == 0
    outcome = await roster.mark(db, actor=me, shift=shift, signup_id=found.id, code="a", now=T)
    marked = await signups.get(db, found.id)
    assert outcome is MarkOutcome.MARKED and marked is not None and marked.status == "attended"


async def test_broadcast_audience_filters_and_the_tally(db: Database) -> None:
    org = await make_org(db, state="CA")
    other_org = await make_org(db, "other", "Other Org")
    sender = await coordinator(db)
    ko_ca = (await make_volunteer(db, 1, languages=("ko",), follows=(org.id,))).id
    await make_volunteer(db, 2, languages=("vi",), follows=(org.id,))
    ko_ny = (await make_volunteer(db, 3, languages=("ko",), state="NY", follows=(org.id,))).id
    quiet = (await make_volunteer(db, 4, languages=("ko",), follows=(org.id,))).id
    await make_volunteer(db, 5, languages=("ko",), follows=(other_org.id,))  # follows someone else
    async with db.transaction() as tx:
        await people.update(tx, quiet, T, messages_enabled=0)

    assert (await broadcasts.count(db, Audience(org.id), sender)).total == 3
    assert (await broadcasts.count(db, Audience(org.id, ("ko",)), sender)).total == 2
    assert (await broadcasts.count(db, Audience(org.id, ("ko",), "CA"), sender)).total == 1

    admin = Actor(sender, 0, True, ())  # a network admin: may send for both organizations
    started = await broadcasts.send(db, Audience(org.id, ("ko",)), sender=admin, text="Hello", now=T)
    assert isinstance(started, Started) and started.recipients == 2
    busy = await broadcasts.send(db, Audience(org.id), sender=admin, text="Again", now=T)
    assert isinstance(busy, Busy) and (busy.tally.done, busy.tally.total) == (0, 2)
    # Another organization's broadcast is not held up.
    assert isinstance(await broadcasts.send(db, Audience(other_org.id), sender=admin, text="Hi", now=T), Started)

    items = {i.person_id: i for i in await pending(db, broadcasts.BROADCAST) if i.payload["broadcast_id"] == 1}
    assert set(items) == {ko_ca, ko_ny}
    async with db.transaction() as tx:
        await outbox.finish(tx, items[ko_ca].id, "sent", T)
        await outbox.finish(tx, items[ko_ny].id, "failed", T, "blocked by the user")
        await people.set_status(tx, ko_ny, "unreachable", T)
    tally = await broadcast_store.tally(db, started.broadcast_id)
    assert (tally.total, tally.sent, tally.unreachable, tally.failed, tally.finished) == (2, 1, 1, 0, True)
    assert await broadcasts.unfinished(db, T) == []  # nobody watches its progress: done once nothing is pending
    record = await broadcast_store.get(db, started.broadcast_id)
    assert record is not None and record.status == "done" and record.recipients == 2
    assert isinstance(await broadcasts.send(db, Audience(org.id), sender=admin, text="Next", now=T), Started)


async def test_only_the_organizations_coordinators_may_broadcast_to_its_followers(db: Database) -> None:
    org = await make_org(db)
    other_org = await make_org(db, "other", "Other Org")
    sender = await coordinator(db)
    follower = (await make_volunteer(db, 1, follows=(org.id,))).id
    for wrong in (coordinator_of(other_org.id, sender), volunteer_actor(follower)):
        with pytest.raises(SendNotAllowed):
            await broadcasts.send(db, Audience(org.id), sender=wrong, text="Hello", now=T)
    assert await db.fetchval("SELECT count(*) FROM broadcast") == 0
    assert await pending(db, broadcasts.BROADCAST) == []
    started = await broadcasts.send(db, Audience(org.id), sender=coordinator_of(org.id, sender), text="Hello", now=T)
    assert isinstance(started, Started) and started.recipients == 1
