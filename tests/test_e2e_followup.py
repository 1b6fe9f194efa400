"""After the shift: the follow-up and its numbers, no-shows, and the coordinators' evening digest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.i18n import babel_locale, translations
from bot.services.digest import plan_digests
from bot.services.followups import mark_no_shows
from bot.services.signups import sign_up
from bot.store import reports, roles, signups
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator
from tests.factories import POLICY, make_org, make_shift, make_volunteer
from tests.flows import tr

START = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)  # Monday 10:00 in Los Angeles
SHIFT_AT = datetime(2026, 12, 8, 22, 0, tzinfo=UTC)  # Tuesday 14:00 in Los Angeles


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


async def test_follow_up_asks_for_the_numbers_by_button_or_typed(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    db = bot.db
    org = await make_org(db)
    shift_id = await make_shift(db, org, title="Canvass in Garden Grove", kind="canvass", starts=SHIFT_AT, hours=3)
    person = await make_volunteer(db, 3601, first_name="Linh", locale="vi")
    result = await sign_up(
        db, person.id, shift_id, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy
    )
    assert result.signup is not None
    linh = emulator.user(3601, "Linh", language_code="vi")

    clock.set(SHIFT_AT + timedelta(hours=3, minutes=59))
    await bot.dispatch()
    await linh.expect_no_reply(within=0.2)  # the follow-up waits an hour after the end
    clock.advance(timedelta(minutes=2))
    await bot.dispatch()
    followup = await linh.next_reply()
    assert "Canvass in Garden Grove" in followup.text
    doors = "🚪 " + tr("vi", "Doors knocked")
    assert doors in followup.labels and "🗣 " + tr("vi", "Conversations") in followup.labels

    await linh.press(doors)
    question = await linh.next_reply()
    assert tr("vi", "How many doors did you knock?") in question.text
    await linh.press("30")
    saved = await linh.next_reply()
    assert f"{doors}: 30" in saved.labels

    await linh.press("🗣 " + tr("vi", "Conversations"))
    await linh.next_reply()
    await linh.send("abc")
    assert tr("vi", "Please send a whole number, like 25.") in (await linh.next_reply()).text
    await linh.send("12")
    await linh.next_reply()
    assert await reports.get_for_signup(db, result.signup.id) == {
        "doors": 30,
        "conversations": 12,
        "calls": None,
        "texts": None,
    }
    # Someone else's report can't be written with forged buttons.
    await make_volunteer(db, 3602)
    mallory = emulator.user(3602, "Mallory")
    await mallory.send("/help")
    await mallory.next_reply()
    answer = await mallory.press_data(f"fv:{result.signup.id}:doors:999")
    assert answer.show_alert and "no longer works" in (answer.text or "")
    assert (await reports.get_for_signup(db, result.signup.id))["doors"] == 30


async def test_no_shows_are_marked_unless_a_coordinator_marked_them(bot: RunningBot) -> None:
    db = bot.db
    org = await make_org(db)
    shift_id = await make_shift(db, org, starts=SHIFT_AT, hours=2)
    a = await make_volunteer(db, 3701)
    b = await make_volunteer(db, 3702)
    now = bot.runtime.now_ts()
    sa = (await sign_up(db, a.id, shift_id, now, policy=POLICY)).signup
    sb = (await sign_up(db, b.id, shift_id, now, policy=POLICY)).signup
    assert sa is not None and sb is not None
    async with db.transaction() as tx:
        await tx.execute("UPDATE signup SET status = 'attended', marked_by = ? WHERE id = ?", (a.id, sa.id))
    end = int((SHIFT_AT + timedelta(hours=2)).timestamp())
    assert await mark_no_shows(db, end + 2 * 3600, after_hours=3) == 0  # too early
    assert await mark_no_shows(db, end + 3 * 3600 + 1, after_hours=3) == 1
    assert (await signups.get(db, sb.id)).status == "no_show"  # type: ignore[union-attr]
    assert (await signups.get(db, sa.id)).status == "attended"  # type: ignore[union-attr]


async def test_coordinators_get_tomorrows_digest_at_six(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    db = bot.db
    org = await make_org(db, name="KAYA")
    needs_korean = await make_shift(
        db, org, title="Korean phone bank", starts=SHIFT_AT, capacity=4, languages=("ko", "vi")
    )
    coordinator = await make_volunteer(db, 3801, first_name="Coord", locale="ko")
    async with db.transaction() as tx:
        await roles.grant(tx, coordinator.id, org.id, "coordinator", None, 0)
    speaker = await make_volunteer(db, 3802, languages=("ko",))
    emulator.user(3802, "Speaker")  # gets their reminder meanwhile
    await sign_up(db, speaker.id, needs_korean, bot.runtime.now_ts(), policy=POLICY)
    coord = emulator.user(3801, "Coord", language_code="ko")

    assert await plan_digests(db, clock.now(), "America/Los_Angeles") == 1
    clock.set(datetime(2026, 12, 8, 1, 59, tzinfo=UTC))  # Monday 17:59 in Los Angeles
    await bot.dispatch()
    await coord.expect_no_reply(within=0.2)
    clock.set(datetime(2026, 12, 8, 2, 0, tzinfo=UTC))  # 18:00
    await bot.dispatch()
    digest = await coord.next_reply()
    assert "Korean phone bank" in digest.text
    assert (
        translations("ko").gettext("{confirmed} of {capacity} signed up").format(confirmed="1", capacity="4")
        in digest.text
    )
    assert babel_locale("ko").languages["vi"] in digest.text  # Vietnamese is still missing, named in Korean
    assert await plan_digests(db, clock.now() - timedelta(minutes=1), "America/Los_Angeles") == 1
    await bot.dispatch()
    await coord.expect_no_reply(within=0.2)  # the same evening's digest is never queued twice
