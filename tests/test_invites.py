"""Role invites and organizations, against a real SQLite file: hashing, expiry, uses, revoking, races."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.db import Database
from bot.services import orgs_admin
from bot.services.authz import Actor, actor
from bot.services.invites import (
    DAY,
    AcceptOutcome,
    InvalidInvite,
    NotAllowed,
    RevokeOutcome,
    accept_invite,
    create_invite,
    deep_link,
    hash_code,
    open_invites,
    revoke_invite,
    start_payload,
)
from bot.services.orgs_admin import (
    InvalidOrg,
    OrgProblem,
    RemoveOutcome,
    create_org,
    remove_member,
    suggest_slug,
)
from bot.store import roles
from bot.store.orgs import Org
from tests.factories import coordinator_of, make_org, make_volunteer, volunteer_actor

NOW = 1_800_000_000
ADMINS = frozenset({1})


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "t.sqlite3")
    await database.migrate()
    try:
        yield database
    finally:
        await database.close()


async def _actor(db: Database, telegram_id: int) -> Actor:
    person = await make_volunteer(db, telegram_id, first_name=f"P{telegram_id}")
    return await actor(db, person.id, telegram_id, ADMINS)


async def _org_admin(db: Database, org: Org, telegram_id: int) -> Actor:
    person = await make_volunteer(db, telegram_id, first_name=f"A{telegram_id}")
    async with db.transaction() as tx:
        await roles.grant(tx, person.id, org.id, "org_admin", None, NOW)
    return await actor(db, person.id, telegram_id, ADMINS)


async def test_the_code_is_unguessable_fits_a_deep_link_and_only_its_hash_is_stored(db: Database) -> None:
    org = await make_org(db)
    made = await create_invite(db, actor=None, org_id=org.id, role="coordinator", now=NOW)
    payload = start_payload(made.code)
    assert re.fullmatch(r"inv-[A-Za-z0-9_-]+", payload) and len(payload) <= 64
    assert len(made.code) >= 40  # 256 bits of randomness
    assert deep_link("turnout_bot", made.code) == f"https://t.me/turnout_bot?start={payload}"
    dump = "\n".join(str(tuple(r)) for r in await db.fetchall("SELECT * FROM invite"))
    assert made.code not in dump
    assert hash_code(made.code) in dump
    other = await create_invite(db, actor=None, org_id=org.id, role="coordinator", now=NOW)
    assert other.code != made.code
    assert made.invite.expires_at == NOW + 7 * DAY and made.invite.max_uses == 1


async def test_accepting_grants_the_role_counts_the_use_and_writes_the_audit_log(db: Database) -> None:
    org = await make_org(db)
    admin = await _org_admin(db, org, 10)
    made = await create_invite(db, actor=admin, org_id=org.id, role="coordinator", now=NOW)
    minji = await make_volunteer(db, 11, first_name="Minji")
    result = await accept_invite(db, minji.id, made.code, NOW + 60)
    assert result.outcome is AcceptOutcome.ACCEPTED and result.role == "coordinator"
    assert result.invite is not None and result.invite.org_name == org.name
    assert await roles.role_in(db, minji.id, org.id) == "coordinator"
    rows = await db.fetchall("SELECT actor_id, org_id, action, subject, details FROM audit_log ORDER BY id")
    actions = [r["action"] for r in rows]
    assert actions == ["invite.create", "role.grant"]
    grant = rows[1]
    assert grant["actor_id"] == minji.id and grant["org_id"] == org.id and grant["subject"] == f"person:{minji.id}"
    assert json.loads(grant["details"])["invited_by"] == admin.person_id


async def test_double_accept_by_the_same_person_uses_nothing(db: Database) -> None:
    org = await make_org(db)
    made = await create_invite(db, actor=None, org_id=org.id, role="coordinator", now=NOW, max_uses=2)
    person = await make_volunteer(db, 11)
    assert (await accept_invite(db, person.id, made.code, NOW)).outcome is AcceptOutcome.ACCEPTED
    again = await accept_invite(db, person.id, made.code, NOW)
    assert again.outcome is AcceptOutcome.ALREADY and again.role == "coordinator"
    uses = await db.fetchval("SELECT uses FROM invite WHERE id = ?", (made.invite.id,))
    assert uses == 1


async def test_a_used_up_invite_is_refused(db: Database) -> None:
    org = await make_org(db)
    made = await create_invite(db, actor=None, org_id=org.id, role="coordinator", now=NOW, max_uses=2)
    people = [await make_volunteer(db, tid) for tid in (11, 12, 13)]
    outcomes = [(await accept_invite(db, p.id, made.code, NOW)).outcome for p in people]
    assert outcomes == [AcceptOutcome.ACCEPTED, AcceptOutcome.ACCEPTED, AcceptOutcome.USED_UP]
    assert await roles.role_in(db, people[2].id, org.id) is None


async def test_an_expired_invite_is_refused(db: Database) -> None:
    org = await make_org(db)
    made = await create_invite(db, actor=None, org_id=org.id, role="coordinator", now=NOW, days=2)
    person = await make_volunteer(db, 11)
    late = await accept_invite(db, person.id, made.code, NOW + 2 * DAY)
    assert late.outcome is AcceptOutcome.EXPIRED
    assert await roles.role_in(db, person.id, org.id) is None
    in_time = await accept_invite(db, person.id, made.code, NOW + 2 * DAY - 1)
    assert in_time.outcome is AcceptOutcome.ACCEPTED


async def test_revoked_and_unknown_codes_are_refused(db: Database) -> None:
    org = await make_org(db)
    admin = await _org_admin(db, org, 10)
    made = await create_invite(db, actor=admin, org_id=org.id, role="org_admin", now=NOW)
    assert [i.id for i in await open_invites(db, admin, org.id, NOW)] == [made.invite.id]
    outcome, _ = await revoke_invite(db, admin, made.invite.id, NOW + 1)
    assert outcome is RevokeOutcome.REVOKED
    assert (await revoke_invite(db, admin, made.invite.id, NOW + 2))[0] is RevokeOutcome.ALREADY
    assert await open_invites(db, admin, org.id, NOW) == []
    person = await make_volunteer(db, 11)
    assert (await accept_invite(db, person.id, made.code, NOW + 3)).outcome is AcceptOutcome.REVOKED
    for code in ("", "short", made.code[:-1] + ("A" if made.code[-1] != "A" else "B"), "x" * 200, "../../etc"):
        assert (await accept_invite(db, person.id, code, NOW)).outcome is AcceptOutcome.UNKNOWN
    actions = [r["action"] for r in await db.fetchall("SELECT action FROM audit_log ORDER BY id")]
    assert actions == ["invite.create", "invite.revoke"]


async def test_two_people_accepting_a_single_use_code_at_once_one_wins(db: Database, tmp_path: Path) -> None:
    org = await make_org(db)
    made = await create_invite(db, actor=None, org_id=org.id, role="coordinator", now=NOW)
    a, b = await make_volunteer(db, 11), await make_volunteer(db, 12)
    # One connection (the bot's tasks) and a second one (another process) racing for the same code.
    other = await Database.open(tmp_path / "t.sqlite3")
    try:
        results = await asyncio.gather(
            accept_invite(db, a.id, made.code, NOW), accept_invite(other, b.id, made.code, NOW)
        )
    finally:
        await other.close()
    outcomes = sorted(r.outcome.value for r in results)
    assert outcomes == [AcceptOutcome.ACCEPTED.value, AcceptOutcome.USED_UP.value]
    holders = [p for p in (a, b) if await roles.role_in(db, p.id, org.id) is not None]
    assert len(holders) == 1
    c, d = await make_volunteer(db, 13), await make_volunteer(db, 14)
    made2 = await create_invite(db, actor=None, org_id=org.id, role="coordinator", now=NOW)
    same = await asyncio.gather(accept_invite(db, c.id, made2.code, NOW), accept_invite(db, d.id, made2.code, NOW))
    assert sorted(r.outcome.value for r in same) == ["accepted", "used_up"]


async def test_a_coordinator_invite_never_demotes_an_org_admin(db: Database) -> None:
    org = await make_org(db)
    boss = await _org_admin(db, org, 10)
    made = await create_invite(db, actor=None, org_id=org.id, role="coordinator", now=NOW)
    result = await accept_invite(db, boss.person_id, made.code, NOW)
    assert result.outcome is AcceptOutcome.ALREADY and result.role == "org_admin"
    assert await roles.role_in(db, boss.person_id, org.id) == "org_admin"


async def test_only_admins_of_the_org_or_network_admins_invite(db: Database) -> None:
    kaya, other = await make_org(db, "kaya"), await make_org(db, "other", "Other Org")
    kaya_admin = await _org_admin(db, kaya, 10)
    network_admin = await _actor(db, 1)
    volunteer = await _actor(db, 20)
    coordinator = await make_volunteer(db, 21)
    async with db.transaction() as tx:
        await roles.grant(tx, coordinator.id, kaya.id, "coordinator", None, NOW)
    coord_actor = await actor(db, coordinator.id, 21, ADMINS)
    for who in (volunteer, coord_actor):
        with pytest.raises(NotAllowed):
            await create_invite(db, actor=who, org_id=kaya.id, role="coordinator", now=NOW)
    with pytest.raises(NotAllowed):
        await create_invite(db, actor=kaya_admin, org_id=other.id, role="coordinator", now=NOW)
    with pytest.raises(NotAllowed):
        await open_invites(db, kaya_admin, other.id, NOW)
    made = await create_invite(db, actor=network_admin, org_id=other.id, role="org_admin", now=NOW)
    assert (await revoke_invite(db, kaya_admin, made.invite.id, NOW))[0] is RevokeOutcome.NOT_FOUND
    with pytest.raises(InvalidInvite):
        await create_invite(db, actor=None, org_id=kaya.id, role="owner", now=NOW)
    with pytest.raises(InvalidInvite):
        await create_invite(db, actor=None, org_id=kaya.id, role="coordinator", now=NOW, max_uses=0)
    with pytest.raises(InvalidInvite):
        await create_invite(db, actor=None, org_id=9999, role="coordinator", now=NOW)


async def test_removing_members(db: Database) -> None:
    kaya, other = await make_org(db, "kaya"), await make_org(db, "other", "Other Org")
    boss = await _org_admin(db, kaya, 10)
    second_admin = await _org_admin(db, kaya, 11)
    other_admin = await _org_admin(db, other, 12)
    coord = await make_volunteer(db, 13)
    async with db.transaction() as tx:
        await roles.grant(tx, coord.id, kaya.id, "coordinator", boss.person_id, NOW)
    boss = await actor(db, boss.person_id, 10, ADMINS)

    assert (await remove_member(db, other_admin, kaya.id, coord.id, NOW)).outcome is RemoveOutcome.NOT_ALLOWED
    assert (await remove_member(db, boss, kaya.id, second_admin.person_id, NOW)).outcome is RemoveOutcome.NOT_ALLOWED
    assert (await remove_member(db, boss, kaya.id, boss.person_id, NOW)).outcome is RemoveOutcome.SELF
    removed = await remove_member(db, boss, kaya.id, coord.id, NOW + 5)
    assert removed.outcome is RemoveOutcome.REMOVED and removed.role == "coordinator"
    assert await roles.role_in(db, coord.id, kaya.id) is None
    assert (await remove_member(db, boss, kaya.id, coord.id, NOW)).outcome is RemoveOutcome.NOT_MEMBER
    row = await db.fetchone("SELECT * FROM audit_log WHERE action = 'role.revoke'")
    assert row is not None and row["actor_id"] == boss.person_id and row["subject"] == f"person:{coord.id}"
    network_admin = await _actor(db, 1)
    result = await remove_member(db, network_admin, kaya.id, second_admin.person_id, NOW)
    assert result.outcome is RemoveOutcome.REMOVED and result.role == "org_admin"


async def test_creating_organizations_validates_every_field(db: Database) -> None:
    org = await create_org(
        db, name="  KAYA   Network ", slug="kaya", state="HI", timezone=None, actor=None, now=NOW
    )
    assert (org.name, org.state, org.timezone) == ("KAYA Network", "HI", "Pacific/Honolulu")
    bad = [
        (dict(name="", slug="ok1"), OrgProblem.NAME),
        (dict(name="x" * 121, slug="ok2"), OrgProblem.NAME),
        (dict(name="N", slug="a"), OrgProblem.SLUG),
        (dict(name="N", slug="Kaya"), OrgProblem.SLUG),
        (dict(name="N", slug="ka-ya"), OrgProblem.SLUG),
        (dict(name="N", slug="k" * 33), OrgProblem.SLUG),
        (dict(name="N", slug="kaya"), OrgProblem.SLUG_TAKEN),
        (dict(name="N", slug="ok3", state="XX"), OrgProblem.STATE),
        (dict(name="N", slug="ok4", state=None, timezone=None), OrgProblem.TIMEZONE),
        (dict(name="N", slug="ok5", timezone="Mars/Olympus"), OrgProblem.TIMEZONE),
        (dict(name="N", slug="ok6", timezone="../../etc/passwd"), OrgProblem.TIMEZONE),
    ]
    for fields, problem in bad:
        args = {"state": "CA", "timezone": None, **fields}
        with pytest.raises(InvalidOrg) as caught:
            await create_org(db, actor=None, now=NOW, **args)
        assert caught.value.problem is problem, fields
    national = await create_org(
        db, name="National", slug="natl", state=None, timezone="America/Chicago", actor=None, now=NOW
    )
    assert national.state is None and national.timezone == "America/Chicago"
    assert [r["action"] for r in await db.fetchall("SELECT action FROM audit_log")] == ["org.create"] * 2


async def test_only_network_admins_create_organizations(db: Database) -> None:
    org = await make_org(db)
    person = (await make_volunteer(db, 7100)).id
    fields = dict(name="New Org", slug="neworg", state="CA", timezone=None, now=NOW)
    for wrong in (coordinator_of(org.id, person, role="org_admin"), volunteer_actor(person)):
        with pytest.raises(orgs_admin.NotAllowed):
            await create_org(db, actor=wrong, **fields)
    assert await db.fetchval("SELECT count(*) FROM org") == 1
    assert await db.fetchval("SELECT count(*) FROM audit_log") == 0
    created = await create_org(db, actor=Actor(person, 0, True, ()), **fields)
    assert created.slug == "neworg"


def test_slug_suggestions() -> None:
    assert suggest_slug("KAYA Network!") == "kayanetwork"
    assert suggest_slug("Việt Youth") == "vietyouth"
    assert suggest_slug("한인 청년") is None
    assert suggest_slug("A" * 50) == "a" * 32
