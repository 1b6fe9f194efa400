"""/stats through the chat: true fill rate, attendance, no-shows and hours of the coordinator's own
organizations, the weekly chart as a real PNG, network admins by state, and volunteers refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock, to_ts
from bot.i18n import translator
from bot.services.signups import sign_up
from bot.store import roles, signups
from tests.conftest import ADMIN_ID, RunningBot
from tests.emulator import BotAPIEmulator
from tests.factories import make_org, make_shift, make_volunteer
from tests.flows import tr
from tests.test_e2e_hours import attend

START = datetime(2026, 11, 2, 16, 0, tzinfo=UTC)
LA = translator("en", ZoneInfo("America/Los_Angeles"))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


async def two_orgs(bot: RunningBot, emulator: BotAPIEmulator, clock: ManualClock) -> None:
    """KAYA (CA): two ended shifts of 4 places — 2 came for 2 h and 1 no-show, then 2 came for 1 h.
    Hana (IL): one shift, 1 came for 3 h. A shift still to come counts nothing."""
    db = bot.db
    kaya = await make_org(db, slug="kaya", name="KAYA", state="CA")
    hana = await make_org(db, slug="hana", name="Hana Center", state="IL", timezone="America/Chicago")
    first = datetime(2026, 10, 6, 18, 0, tzinfo=UTC)
    second = first + timedelta(weeks=2)
    a = await make_shift(db, kaya, title="Canvass", starts=first, hours=2, capacity=4)
    b = await make_shift(db, kaya, title="Phones", starts=second, hours=1, capacity=4)
    c = await make_shift(db, hana, title="Texts", starts=second, hours=3, capacity=4)
    people = [await make_volunteer(db, 5300 + i, first_name=f"V{i}") for i in range(4)]
    for i in range(4):  # their chats exist: milestones and follow-ups reach them
        emulator.user(5300 + i, f"V{i}", language_code="en")
    await attend(bot, clock, a, people[0].id, first, 2)
    await attend(bot, clock, a, people[1].id, first, 2)
    missed = await sign_up(db, people[2].id, a, to_ts(first) - 3600, policy=bot.runtime.reminder_policy)
    assert missed.signup is not None
    async with db.transaction() as tx:
        await signups.set_status(tx, missed.signup.id, "no_show", to_ts(first))
    await attend(bot, clock, b, people[0].id, second, 1)
    await attend(bot, clock, b, people[3].id, second, 1)
    await attend(bot, clock, c, people[1].id, second, 3)
    later = await make_shift(db, kaya, title="Later", starts=START + timedelta(days=3), hours=2, capacity=50)
    await sign_up(db, people[0].id, later, to_ts(START), policy=bot.runtime.reminder_policy)
    clock.set(START)


async def test_a_coordinator_sees_their_orgs_true_numbers_and_a_chart(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    await two_orgs(bot, emulator, clock)
    db = bot.db
    coco = await make_volunteer(db, 5401, first_name="Coco")
    async with db.transaction() as tx:
        await roles.grant(tx, coco.id, 1, "coordinator", None, 0)
    coord = emulator.user(5401, "Coco", language_code="en")
    coord.drain()
    await coord.send("/stats")
    text = (await coord.next_reply()).text
    assert tr("en", "Shifts held: {count}").format(count="2") in text
    assert (
        tr("en", "Fill rate: {rate} ({filled} of {capacity} places)").format(
            rate=LA.percent(5 / 8), filled="5", capacity="8"
        )
        in text
    )
    assert (
        tr("en", "Attendance: {rate} ({attended} came, {no_shows} no-shows)").format(
            rate=LA.percent(4 / 5), attended="4", no_shows="1"
        )
        in text
    )
    assert tr("en", "Hours volunteered: {hours}").format(hours=LA.number(6)) in text
    assert "Hana Center" not in text and tr("en", "By state") not in text

    photo = await coord.next_reply()
    assert photo.photo is not None and photo.photo.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(photo.photo[16:20], "big"), int.from_bytes(photo.photo[20:24], "big")
    assert (width, height) == (900, 450) and len(photo.photo) < 200_000
    since = datetime(2026, 8, 17)  # the Monday 11 weeks before the week of START
    assert photo.text == tr("en", "Weekly hours (bars) and volunteers who came (line), weeks starting {date}.").format(
        date=LA.date(since.date())
    )


async def test_a_network_admin_sees_every_org_by_state_in_their_language(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    await two_orgs(bot, emulator, clock)
    await make_volunteer(bot.db, ADMIN_ID, first_name="Ada", locale="vi")
    admin = emulator.user(ADMIN_ID, "Ada", language_code="vi")
    admin.drain()
    await admin.send("/stats")
    text = (await admin.next_reply()).text
    vi = translator("vi", ZoneInfo("America/Los_Angeles"))
    assert tr("vi", "Shifts held: {count}").format(count="3") in text
    assert tr("vi", "By state") in text and tr("vi", "By state") != "By state"
    summary = tr(
        "vi", "shifts: {shifts} · filled: {fill} · attended: {attendance} · no-shows: {no_shows} · hours: {hours}"
    )
    assert (
        "• IL: "
        + summary.format(shifts="1", fill=vi.percent(1 / 4), attendance=vi.percent(1), no_shows="0", hours=vi.number(3))
        in text
    )
    assert (
        "• KAYA: "
        + summary.format(
            shifts="2", fill=vi.percent(5 / 8), attendance=vi.percent(4 / 5), no_shows="1", hours=vi.number(6)
        )
        in text
    )
    photo = await admin.next_reply()
    assert photo.photo is not None and photo.photo.startswith(b"\x89PNG")


async def test_a_volunteer_sending_stats_is_told_who_may(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    await two_orgs(bot, emulator, clock)
    user = emulator.user(5300, "V0", language_code="en")
    user.drain()
    await user.send("/stats")
    reply = await user.next_reply()
    assert reply.text == tr("en", "Sorry, only the organization's coordinators can do that.")
    await user.expect_no_reply()
