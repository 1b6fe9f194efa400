"""Network admins create organizations and invite coordinators; org admins manage their team; nobody else can.

Expected texts come from the catalogs, so the tests hold before and after the translators' work.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.store import invites as invite_store
from bot.store import orgs, people, roles
from bot.store.orgs import Org
from handlers import invites as iv
from handlers import team as tm
from tests.conftest import ADMIN_ID, RunningBot, bot_env, start_bot, stop_bot
from tests.emulator import BotAPIEmulator, TestUser
from tests.factories import make_org, make_volunteer
from tests.flows import tr
from tests.test_cli import clean_env

LINK_RE = re.compile(r"https://t\.me/turnout_test_bot\?start=(inv-[A-Za-z0-9_-]+)")
PNG = b"\x89PNG\r\n\x1a\n"


def esc(text: str) -> str:
    return html.escape(text, quote=False)


async def _registered(bot: RunningBot, emulator: BotAPIEmulator, tid: int, name: str, locale: str = "en") -> TestUser:
    await make_volunteer(bot.db, tid, first_name=name, locale=locale, language_code=locale)
    return emulator.user(tid, name, language_code=locale)


async def _grant(bot: RunningBot, tid: int, org: Org, role: str) -> int:
    person = await people.get_by_telegram_id(bot.db, tid)
    assert person is not None
    async with bot.db.transaction() as tx:
        await roles.grant(tx, person.id, org.id, role, None, 0)
    return person.id


async def _invite_link(user: TestUser, role_label: str, uses: str = "1", org_label: str | None = None) -> str:
    """Walks /invite as the admin would and returns the link; checks the QR code picture arrives."""
    await user.send("/invite")
    await user.next_reply()
    if org_label is not None:
        await user.press(org_label)
        await user.next_reply()
    await user.press(role_label)
    await user.next_reply()
    await user.press(uses)
    shown = await user.next_reply()
    assert shown.edited
    match = LINK_RE.search(shown.text or "")
    assert match, shown.text
    qr = await user.next_reply()
    assert qr.photo is not None and qr.photo.startswith(PNG)
    assert len(match.group(1)) <= 64
    return match.group(0)


async def test_a_network_admin_creates_an_organization_step_by_step(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    admin = await _registered(bot, emulator, ADMIN_ID, "Ada")
    await make_org(bot.db, "kaya")

    await admin.send("/neworg")
    ask_name = await admin.next_reply()
    assert "What is the organization's name?" in ask_name.text
    await admin.send("x" * 121)
    again = await admin.next_reply()
    assert "Please use 1 to 120 characters." in again.text and "KAYA Network" in again.text
    await admin.send("Hmong <Youth> Alliance")
    ask_slug = await admin.next_reply()
    assert "Use hmongyouthalliance" in ask_slug.labels

    await admin.press("⬅ Back")  # back to the name, and forward again with another one
    assert "What is the organization's name?" in (await admin.next_reply()).text
    await admin.send("Hmong <Youth> Alliance MN")
    await admin.next_reply()
    await admin.send("Not A Slug!")
    bad = await admin.next_reply()
    assert "can't be an id" in bad.text and "kaya" in bad.text
    await admin.send("kaya")
    taken = await admin.next_reply()
    assert "is taken" in taken.text
    await admin.press("Use hmongyouthalliancemn")
    ask_state = await admin.next_reply()
    assert "Which state or territory is it in?" in ask_state.text and "MN" in ask_state.labels
    await admin.press("MN")
    ask_zone = await admin.next_reply()
    assert "✓ America/Chicago" in ask_zone.labels
    await admin.send("Mars/Olympus")
    assert "is not a time zone I know" in (await admin.next_reply()).text
    await admin.press("✓ America/Chicago")
    confirm = await admin.next_reply()
    assert "Hmong <Youth> Alliance MN" in confirm.text and "America/Chicago" in confirm.text
    await admin.press("✅ Create")
    done = await admin.next_reply()
    assert "Hmong <Youth> Alliance MN is created." in done.text
    assert "https://t.me/turnout_test_bot?start=org-hmongyouthalliancemn" in done.text

    org = await orgs.get_by_slug(bot.db, "hmongyouthalliancemn")
    assert org is not None
    assert (org.name, org.state, org.timezone) == ("Hmong <Youth> Alliance MN", "MN", "America/Chicago")
    row = await bot.db.fetchone("SELECT * FROM audit_log WHERE action = 'org.create'")
    assert row is not None and row["org_id"] == org.id

    # The button under the result goes straight on to inviting the new organization's first admin.
    await admin.press("✉️ Invite an org admin")
    uses = await admin.next_reply()
    assert uses.labels[:3] == ["1", "5", "25"]

    await admin.send("/neworg")
    await admin.next_reply()
    await admin.send("/cancel")
    assert "Cancelled. No organization was created." in (await admin.next_reply()).text
    assert len(await orgs.list_active(bot.db)) == 2


async def test_an_invited_korean_coordinator_accepts_and_a_second_use_is_refused(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    org = await make_org(bot.db, "kaya", "KAYA <Korean American> Youth")
    admin = await _registered(bot, emulator, ADMIN_ID, "Ada")
    link = await _invite_link(admin, "Coordinator")
    payload = LINK_RE.search(link).group(1)  # type: ignore[union-attr]
    assert (await invite_store.open_for_org(bot.db, org.id, bot.runtime.now_ts()))[0].max_uses == 1

    minji = emulator.user(3001, "민지", language_code="ko")  # brand new: never talked to the bot
    await minji.send(f"/start {payload}")
    told = await minji.next_reply()
    assert tr("ko", "🎉 You're now a coordinator of <b>{org}</b>.").format(org=esc(org.name)) in told.html
    person = await people.get_by_telegram_id(bot.db, 3001)
    assert person is not None and await roles.role_in(bot.db, person.id, org.id) == "coordinator"
    menu = dict(emulator.commands[(f"chat:{minji.chat_id}", "")])
    assert menu["shifts"] == tr("ko", "Find open shifts")
    # Being new, they agree right there, in the short form (tests/test_e2e_staff_consent.py): no questions follow.
    assert told.labels == ["✅ " + tr("ko", "I agree"), tr("ko", "No, thanks")]

    await minji.send(f"/start {payload}")
    already = await minji.next_reply()
    assert tr("ko", "You're already a coordinator of <b>{org}</b>.").format(org=esc(org.name)) in already.html

    linh = await _registered(bot, emulator, 3002, "Linh", "vi")
    await linh.send(f"/start {payload}")
    used = await linh.next_reply()
    assert tr("vi", "This invite has already been used. Ask the person who sent it for a new one.") in used.text
    linh_person = await people.get_by_telegram_id(bot.db, 3002)
    assert linh_person is not None and await roles.role_in(bot.db, linh_person.id, org.id) is None

    await linh.send("/start inv-" + "A" * 43)
    unknown = await linh.next_reply()
    assert tr("vi", "This invite link doesn't work. Check that you opened the whole link, or ask for a new one.") in (
        unknown.text
    )

    # An org admin invite: the menu gets /invite and /team.
    link = await _invite_link(admin, "Org admin", uses="5")
    await linh.send("/start " + LINK_RE.search(link).group(1))  # type: ignore[union-attr]
    admin_now = await linh.next_reply()
    assert tr("vi", "🎉 You're now an admin of <b>{org}</b>.").format(org=esc(org.name)) in admin_now.html
    assert {"invite", "team"} <= {name for name, _ in emulator.commands[(f"chat:{linh.chat_id}", "")]}


@pytest.fixture
async def clocked(emulator: BotAPIEmulator, tmp_path: Path) -> AsyncIterator[tuple[RunningBot, ManualClock]]:
    clock = ManualClock(datetime(2026, 3, 2, 17, 0, tzinfo=UTC))
    running = await start_bot(emulator, tmp_path / "turnout.sqlite3", clock=clock)
    try:
        yield running, clock
    finally:
        await stop_bot(running)
    emulator.assert_no_errors()


async def test_expired_and_revoked_invites_say_so(
    emulator: BotAPIEmulator, clocked: tuple[RunningBot, ManualClock]
) -> None:
    bot, clock = clocked
    org = await make_org(bot.db, "kaya")
    boss = await _registered(bot, emulator, 3100, "Boss")
    await _grant(bot, 3100, org, "org_admin")
    old = await _invite_link(boss, "Coordinator")
    revoked = await _invite_link(boss, "Coordinator")
    await boss.press("🚫 Revoke this invite")
    gone = await boss.next_reply()
    assert gone.edited and "The link no longer works." in gone.text

    clock.advance(timedelta(days=7, seconds=1))
    kim = await _registered(bot, emulator, 3101, "Kim", "ko")
    await kim.send("/start " + LINK_RE.search(old).group(1))  # type: ignore[union-attr]
    expired = await kim.next_reply()
    assert tr("ko", "This invite has expired. Ask the person who sent it for a new one.") in expired.text
    await kim.send("/start " + LINK_RE.search(revoked).group(1))  # type: ignore[union-attr]
    assert tr("ko", "This invite was withdrawn. Ask the person who sent it for a new one.") in (
        await kim.next_reply()
    ).text
    person = await people.get_by_telegram_id(bot.db, 3101)
    assert person is not None and await roles.for_person(bot.db, person.id) == []


async def test_volunteers_and_other_orgs_admins_are_refused_even_with_forged_buttons(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    a = await make_org(bot.db, "orga", "Org A")
    b = await make_org(bot.db, "orgb", "Org B")
    alice = await _registered(bot, emulator, 3201, "Alice")  # admin of A
    await _grant(bot, 3201, a, "org_admin")
    bo = await _registered(bot, emulator, 3202, "Bo")  # coordinator of B
    bo_id = await _grant(bot, 3202, b, "coordinator")
    vera = await _registered(bot, emulator, 3203, "Vera", "vi")  # a volunteer
    admin = await _registered(bot, emulator, ADMIN_ID, "Ada")
    b_invite = await _invite_link(admin, "Coordinator", org_label="Org B")
    b_invite_id = (await invite_store.open_for_org(bot.db, b.id, bot.runtime.now_ts()))[0].id

    await vera.send("/neworg")
    assert tr("vi", "Sorry, only network admins can create organizations.") in (await vera.next_reply()).text
    await vera.send("/invite")
    assert tr("vi", "Sorry, only the organization's admins can do that.") in (await vera.next_reply()).text
    await vera.send("/team")
    assert tr("vi", "Sorry, only the organization's admins can do that.") in (await vera.next_reply()).text
    await bo.send("/invite")
    assert "Sorry, only the organization's admins can do that." in (await bo.next_reply()).text
    await alice.send("/neworg")
    assert "Sorry, only network admins can create organizations." in (await alice.next_reply()).text
    await alice.send("/invite")
    offered = await alice.next_reply()
    assert "Org A" in offered.text and "Org B" not in offered.text

    forged = [
        button.pack()
        for button in (
            iv.PickOrg(b.id), iv.Role(b.id, "a"), iv.Uses(b.id, "a", 25), iv.Revoke(b_invite_id),
            tm.Team(b.id), tm.AskRemove(b.id, bo_id), tm.Remove(b.id, bo_id), tm.RevokeInvite(b.id, b_invite_id),
        )
    ]
    for who, locale in ((alice, "en"), (bo, "en"), (vera, "vi")):
        for data in forged:
            answer = await who.press_data(data)
            refusal = tr(locale, "Sorry, only the organization's admins can do that.")
            assert answer.show_alert and answer.text == refusal, (who, data)
    # A forged /neworg button outside the dialogue does nothing either.
    answer = await vera.press_data("no:ok")
    assert answer.show_alert
    assert len(await invite_store.open_for_org(bot.db, b.id, bot.runtime.now_ts())) == 1
    assert await roles.role_in(bot.db, bo_id, b.id) == "coordinator"
    assert await orgs.get_by_slug(bot.db, "orgb") is not None
    assert b_invite  # still works: nobody revoked it
    actions = [r["action"] for r in await bot.db.fetchall("SELECT action FROM audit_log")]
    assert "role.revoke" not in actions and "invite.revoke" not in actions


async def test_an_org_admin_removes_a_coordinator_after_confirming(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    org = await make_org(bot.db, "kaya", "KAYA")
    boss = await _registered(bot, emulator, 3301, "Boss")
    boss_id = await _grant(bot, 3301, org, "org_admin")
    await _registered(bot, emulator, 3302, "<Tam>", "vi")
    tam_id = await _grant(bot, 3302, org, "coordinator")
    tam = emulator.user(3302, "<Tam>", language_code="vi")
    await _registered(bot, emulator, 3303, "Other Admin")
    await _grant(bot, 3303, org, "org_admin")

    await boss.send("/team")
    team = await boss.next_reply()
    assert "Team of KAYA" in team.text and "<Tam>" in team.text and "&lt;Tam&gt;" in team.html
    assert team.labels == ["✖ Remove 3. <Tam>"]  # not themselves, not the other admin
    await boss.press("✖ Remove 3. <Tam>")
    ask = await boss.next_reply()
    assert "Remove <Tam> as a coordinator of KAYA?" in ask.text
    await boss.press("No, keep them")
    assert (await boss.next_reply()).labels == ["✖ Remove 3. <Tam>"]
    await boss.press("✖ Remove 3. <Tam>")
    await boss.next_reply()
    answer = await boss.press("✖ Yes, remove")
    assert answer.text == "Removed: <Tam>"
    after = await boss.next_reply()
    assert after.edited and "<Tam>" not in after.text
    told = await tam.next_reply()
    assert tr("vi", "You're no longer a coordinator of <b>{org}</b>.").format(org="KAYA") in told.html
    assert await roles.role_in(bot.db, tam_id, org.id) is None
    row = await bot.db.fetchone("SELECT * FROM audit_log WHERE action = 'role.revoke'")
    assert row is not None and row["actor_id"] == boss_id and row["subject"] == f"person:{tam_id}"
    assert json.loads(row["details"]) == {"role": "coordinator"}
    # The old button, pressed again, changes nothing.
    again = await boss.press_data(tm.Remove(org.id, tam_id).pack())
    assert again.show_alert


async def test_the_cli_creates_an_organization_and_prints_an_invite_link(
    emulator: BotAPIEmulator, bot: RunningBot, tmp_path: Path
) -> None:
    env = clean_env(**bot_env(emulator, bot.db.path))

    async def cli(*args: str) -> tuple[int, str, str]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "admin", *args, cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
        assert proc.returncode is not None
        return proc.returncode, out.decode(), err.decode()

    code, out, _ = await cli("create-org", "--slug", "apiavote", "--name", "APIA Vote", "--state", "NV")
    assert code == 0 and "apiavote" in out and "America/Los_Angeles" in out
    code, _, err = await cli("create-org", "--slug", "APIA", "--name", "x")
    assert code == 2 and "--slug" in err and "Traceback" not in err
    code, out, err = await cli("invite", "--org", "apiavote", "--role", "org_admin", "--uses", "2")
    assert code == 0, err
    match = LINK_RE.search(out)
    assert match, out
    assert emulator.token not in out + err
    code, _, err = await cli("invite", "--org", "nope", "--role", "coordinator")
    assert code == 2 and "nope" in err

    ha = await _registered(bot, emulator, 3401, "Ha")
    await ha.send(f"/start {match.group(1)}")
    assert "You're now an admin of APIA Vote." in (await ha.next_reply()).text
    code, out, _ = await cli("orgs")
    assert code == 0 and "apiavote" in out and "org_admin" in out and "Ha" in out
    org = await orgs.get_by_slug(bot.db, "apiavote")
    assert org is not None and org.timezone == "America/Los_Angeles"
