"""Every confirm / send / publish / delete button acts once, however fast it is pressed twice.

Each test presses the button twice in one go: both presses reach the bot in the same getUpdates
batch (checked), and both are answered. The inbox handles one person's updates one at a time, so the
second press finds what the first did: the state the first press consumes is checked by the second.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta

from bot.store import invites as invite_store
from bot.store import orgs, outbox, people, roles, signups
from bot.store import shifts as shift_store
from bot.store.outbox import NewItem
from tests.conftest import ADMIN_ID, RunningBot
from tests.emulator import BotAPIEmulator, BotMessage, CallbackAnswer, TestUser
from tests.factories import make_org, make_shift, make_volunteer
from tests.flows import tr
from tests.test_e2e_manage import coordinator, join, open_panel, volunteer
from tests.test_e2e_newshift import csv_rows, day_label, local_today, reply, start_dialogue, time_label


def soon(days: float = 3) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(second=0, microsecond=0)


async def double_tap(
    bot: RunningBot, user: TestUser, label: str, message: BotMessage | None = None
) -> tuple[CallbackAnswer, CallbackAnswer]:
    """Presses `label` twice before the bot can see either press; returns both answers once the bot
    has finished with both."""
    emulator = bot.emulator
    first = user.queue_press(label, message=message)
    second = user.queue_press(label, message=message)
    ids = [u["update_id"] for u in emulator.pending_updates[-2:]]
    answers = await asyncio.wait_for(asyncio.gather(first, second), 10)
    assert emulator.delivered_at[ids[0]] == emulator.delivered_at[ids[1]], "not one getUpdates batch"
    await bot.inbox.wait_idle()  # the second press may go on after answering
    # A second press may edit its message to what it shows already; Telegram says "not modified" and
    # the bot takes that as "done before". Any other refusal stays for the fixture to report.
    emulator.errors[:] = [e for e in emulator.errors if "message is not modified" not in e.description]
    return answers[0], answers[1]


def said(user: TestUser, text: str) -> int:
    return sum(text in (m.text or "") for m in user.messages)


async def test_sign_up(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Door knocking", starts=soon())
    _, vol = await volunteer(bot, emulator, 7101, "Ana", "en")
    await vol.send(f"/start shift-{shift_id}")
    await vol.next_reply()
    _, second = await double_tap(bot, vol, "✅ " + tr("en", "Sign up"))
    assert second.text == tr("en", "You're already signed up for this shift.")
    assert await signups.confirmed_count(bot.db, shift_id)  # type: ignore[arg-type] == 1
    assert sum(m.document is not None for m in vol.messages) == 1  # one confirmation


async def test_cancel_in_myshifts(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Phone bank", starts=soon(), capacity=1)
    person, vol = await volunteer(bot, emulator, 7201, "Ana", "en")
    waiting, _ = await volunteer(bot, emulator, 7202, "Bo", "en")
    await join(bot, person, shift_id, 0)
    await join(bot, waiting, shift_id, 1)
    await vol.send("/myshifts")
    await vol.next_reply()
    await vol.press("✖ " + tr("en", "Cancel"))
    await vol.next_reply()
    _, second = await double_tap(bot, vol, "✖ " + tr("en", "Yes, cancel"))
    assert second.text == tr("en", "That's already cancelled.")
    assert await signups.find(bot.db, shift_id, waiting.id) is not None
    promoted = await signups.find(bot.db, shift_id, waiting.id)
    assert promoted is not None and promoted.status == "confirmed"
    assert await signups.confirmed_count(bot.db, shift_id)  # type: ignore[arg-type] == 1


async def test_manage_cancel_the_shift(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Text bank", starts=soon())
    coord = await coordinator(bot, emulator, org)
    person, vol = await volunteer(bot, emulator, 7301, "Ana", "en")
    await join(bot, person, shift_id)
    await open_panel(coord)
    await coord.press("❌ " + tr("en", "Cancel the shift"))
    await coord.next_reply()
    await coord.send("Storm warning")
    await coord.next_reply()
    _, second = await double_tap(bot, coord, "❌ " + tr("en", "Yes, cancel the shift"))
    assert second.show_alert
    await bot.dispatch()
    await vol.next_reply()
    assert said(vol, "Storm warning") == 1
    rows = await bot.db.fetchall("SELECT id FROM audit_log WHERE action = 'shift.cancel'")
    assert len(rows) == 1


async def test_manage_message_everyone_send(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Phone bank", starts=soon())
    coord = await coordinator(bot, emulator, org)
    people_on = [await volunteer(bot, emulator, 7400 + i, f"V{i}", "en") for i in range(3)]
    for person, _ in people_on:
        await join(bot, person, shift_id)
    await open_panel(coord)
    await coord.press("✉️ " + tr("en", "Message everyone"))
    await coord.next_reply()
    await coord.send("Parking is behind the office")
    await coord.next_reply()
    _, second = await double_tap(bot, coord, "✅ " + tr("en", "Send"))
    assert second.show_alert
    await bot.dispatch()
    for _, vol in people_on:
        await vol.next_reply()
        assert said(vol, "Parking is behind the office") == 1
    queued = await bot.db.fetchall("SELECT id FROM outbox WHERE kind = 'shift_message'")
    assert len(queued) == 3


async def test_broadcast_send(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    org = await make_org(bot.db, state="CA")
    coord = await coordinator(bot, emulator, org)
    _, fan = await volunteer(bot, emulator, 7501, "Fan", "en", follows=(org.id,))
    await coord.send("/broadcast")
    await coord.next_reply()
    await coord.press("✍️ " + tr("en", "Write the message"))
    await coord.next_reply()
    await coord.send("Canvass on Saturday!")
    await coord.next_reply()
    _, second = await double_tap(bot, coord, "✅ Send to 1 person")
    assert second.show_alert
    await bot.dispatch()
    await fan.next_reply()
    await fan.expect_no_reply(within=0.3)
    assert said(fan, "Canvass on Saturday!") == 1
    assert len(await bot.db.fetchall("SELECT id FROM broadcast")) == 1


async def test_newshift_publish(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    user, _ = await start_dialogue(emulator, bot)
    day = local_today() + timedelta(days=3)
    for label in (day_label("en", day), time_label("en", day, time(10, 0)), "1 hour"):
        await user.press(label)
        await reply(user)
    await user.send("1 Main St")
    await reply(user)
    for label in ("5", "✅ Done", "No description", "When it starts", "Just once"):
        await user.press(label)
        await reply(user)
    _, second = await double_tap(bot, user, "✅ Publish")
    assert second.show_alert
    assert await shift_store.count_all(bot.db) == 1


async def test_csv_publish(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    org = await make_org(bot.db, "kaya", "KAYA", state="CA")
    person = await make_volunteer(bot.db, 7601, first_name="Coord")
    async with bot.db.transaction() as tx:
        await roles.grant(tx, person.id, org.id, "coordinator", None, 0)
    user = emulator.user(7601, "Coord")
    day = local_today() + timedelta(days=5)
    good = csv_rows(
        "title,kind,date,start,end,address,online_url,capacity,languages",
        f"Phone bank,phone_bank,{day},18:30,20:30,,https://zoom.us/j/1,10,en",
        f"Canvass,canvass,{day + timedelta(days=1)},10:00,12:00,\"1 Main St, LA\",,8,en",
    )
    await user.send_document("december.csv", good, mime_type="text/csv")
    await reply(user)
    _, second = await double_tap(bot, user, "✅ Publish 2 shifts")
    assert second.show_alert
    assert await shift_store.count_all(bot.db) == 2


async def test_deleteme_confirm(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, starts=soon(), capacity=1)
    person, vol = await volunteer(bot, emulator, 7701, "Ana", "en")
    waiting, waiter = await volunteer(bot, emulator, 7702, "Bo", "en")
    await join(bot, person, shift_id, 0)
    await join(bot, waiting, shift_id, 1)
    await vol.send("/deleteme")
    await vol.next_reply()
    _, second = await double_tap(bot, vol, "🗑 " + tr("en", "Yes, delete my data"))
    assert second.show_alert
    erased = await people.get(bot.db, person.id)
    assert erased is None or erased.status == "deleted"
    await bot.dispatch()
    await waiter.next_reply()
    await waiter.expect_no_reply(within=0.3)  # promoted once, told once
    assert said(vol, tr("en", "Your data has been deleted.").split(".")[0]) == 1


async def test_team_remove(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    org = await make_org(bot.db, "kaya", "KAYA")
    boss_person = await make_volunteer(bot.db, 7801, first_name="Boss")
    tam_person = await make_volunteer(bot.db, 7802, first_name="Tam")
    async with bot.db.transaction() as tx:
        await roles.grant(tx, boss_person.id, org.id, "org_admin", None, 0)
        await roles.grant(tx, tam_person.id, org.id, "coordinator", None, 0)
    boss, tam = emulator.user(7801, "Boss"), emulator.user(7802, "Tam")
    await boss.send("/team")
    await boss.next_reply()
    await boss.press("✖ Remove 2. Tam")
    await boss.next_reply()
    _, second = await double_tap(bot, boss, "✖ Yes, remove")
    assert second.show_alert
    await tam.next_reply()
    await tam.expect_no_reply(within=0.3)  # told once
    assert await roles.role_in(bot.db, tam_person.id, org.id) is None
    assert len(await bot.db.fetchall("SELECT id FROM audit_log WHERE action = 'role.revoke'")) == 1


async def test_invite_made_and_revoked(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    org = await make_org(bot.db, "kaya", "KAYA")
    boss_person = await make_volunteer(bot.db, 7901, first_name="Boss")
    async with bot.db.transaction() as tx:
        await roles.grant(tx, boss_person.id, org.id, "org_admin", None, 0)
    boss = emulator.user(7901, "Boss")
    await boss.send("/invite")
    await boss.next_reply()
    await boss.press(tr("en", "Coordinator"))
    await boss.next_reply()
    _, second = await double_tap(bot, boss, "1")
    assert second.show_alert
    assert len(await invite_store.open_for_org(bot.db, org.id, bot.runtime.now_ts())) == 1
    assert sum(m.photo is not None for m in boss.messages) == 1  # one QR code
    _, again = await double_tap(bot, boss, "🚫 " + tr("en", "Revoke this invite"))
    assert again.text == tr("en", "That invite was already revoked.")
    assert len(await bot.db.fetchall("SELECT id FROM audit_log WHERE action = 'invite.revoke'")) == 1


async def test_manage_duplicate(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    org = await make_org(bot.db)
    await make_shift(bot.db, org, title="Phone bank", starts=soon())
    coord = await coordinator(bot, emulator, org)
    await open_panel(coord)
    await coord.press("📄 " + tr("en", "Duplicate"))
    days = await coord.next_reply()
    await double_tap(bot, coord, days.labels[0], message=days)  # the second shows the same copy
    assert await shift_store.count_all(bot.db) == 2  # the shift and one copy


async def test_neworg_create(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    await make_volunteer(bot.db, ADMIN_ID, first_name="Admin")
    admin = emulator.user(ADMIN_ID, "Admin")
    await admin.send("/neworg")
    await admin.next_reply()
    await admin.send("Hmong Youth Alliance")
    await admin.next_reply()
    await admin.press("Use hmongyouthalliance")
    await admin.next_reply()
    await admin.press("MN")
    await admin.next_reply()
    await admin.press("✓ America/Chicago")
    await admin.next_reply()
    _, second = await double_tap(bot, admin, "✅ Create")
    assert second.show_alert
    assert await orgs.get_by_slug(bot.db, "hmongyouthalliance") is not None
    assert len(await bot.db.fetchall("SELECT id FROM org")) == 1


async def _reminder(emulator: BotAPIEmulator, bot: RunningBot, tid: int) -> tuple[int, TestUser]:
    """A volunteer on a shift, with a reminder in their chat (its two buttons under it)."""
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Koreatown canvass", starts=soon(), capacity=1)
    person, vol = await volunteer(bot, emulator, tid, "Ana", "en")
    await join(bot, person, shift_id)
    signup = await signups.find(bot.db, shift_id, person.id)
    assert signup is not None
    now = bot.runtime.now_ts()
    async with bot.db.transaction() as tx:
        await outbox.enqueue(
            tx,
            [NewItem(person_id=person.id, kind="reminder", shift_id=shift_id, due_at=now, dedupe_key=f"dt:{tid}",
                     payload={"signup_id": signup.id, "lead": 7200})],
            now,
        )
    await bot.dispatch()
    reminder = await vol.next_reply()
    assert "✅ " + tr("en", "I'll be there") in reminder.labels
    return shift_id, vol


async def test_reminder_ill_be_there(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    _, vol = await _reminder(emulator, bot, 8101)
    await double_tap(bot, vol, "✅ " + tr("en", "I'll be there"))
    assert said(vol, tr("en", "Great, see you at <b>{title}</b>!").split("<b>")[0]) == 1
    assert vol.messages[0].labels == ["📍 " + tr("en", "Map")]  # the answer pair went once, the map stays


async def test_reminder_i_cant_make_it(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    shift_id, vol = await _reminder(emulator, bot, 8201)
    _, second = await double_tap(bot, vol, "✖ " + tr("en", "I can't make it"))
    assert second.text == tr("en", "That's already cancelled.")
    assert said(vol, tr("en", "Thanks for letting us know.")) == 1
    assert await signups.confirmed_count(bot.db, shift_id) == 0  # type: ignore[arg-type]
