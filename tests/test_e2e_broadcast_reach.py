"""Who a broadcast reaches: everyone who signed up for one of the organization's shifts or follows it
(issue 13 item 1), the count saying who is who, and a volunteer stopping one organization's messages,
from the broadcast itself or from /settings.

Expected texts come from the catalogs, so the tests hold before and after the translators' work.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.services.signups import cancel, sign_up
from bot.store import roles
from bot.store.orgs import Org
from bot.store.people import Person
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator, TestUser
from tests.factories import make_org, make_shift, make_volunteer
from tests.flows import tr

START = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


async def _person(
    bot: RunningBot, emulator: BotAPIEmulator, tid: int, name: str, locale: str, **kwargs: object
) -> tuple[Person, TestUser]:
    person = await make_volunteer(bot.db, tid, first_name=name, locale=locale, language_code=locale, **kwargs)  # type: ignore[arg-type]
    return person, emulator.user(tid, name, language_code=locale)


async def _coordinator(bot: RunningBot, emulator: BotAPIEmulator, org: Org) -> TestUser:
    person, user = await _person(bot, emulator, 7001, "Coco", "en")
    async with bot.db.transaction() as tx:
        await roles.grant(tx, person.id, org.id, "coordinator", None, 0)
    return user


def reach(signed_up: int, followers: int) -> str:
    """The count as the English coordinator reads it."""
    total = signed_up + followers
    people = ("{count} person" if total == 1 else "{count} people").format(count=total)
    return tr("en", "{people}: {signed_up}, {followers}").format(
        people=people,
        signed_up=f"{signed_up} who signed up",
        followers=("{count} follower" if followers == 1 else "{count} followers").format(count=followers),
    )


async def _filters(coord: TestUser) -> str:
    await coord.send("/broadcast")
    shown = await coord.next_reply()
    return shown.text or ""


async def test_a_broadcast_reaches_the_orgs_volunteers_and_followers_and_the_count_says_who(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    org = await make_org(bot.db, state="CA")
    other = await make_org(bot.db, "apen", "APEN")
    coord = await _coordinator(bot, emulator, org)
    first = await make_shift(bot.db, org, starts=START + timedelta(days=2))
    second = await make_shift(bot.db, org, title="Canvass", kind="canvass", starts=START + timedelta(days=3))
    elsewhere = await make_shift(bot.db, other, starts=START + timedelta(days=2))
    now, policy = bot.runtime.now_ts(), bot.runtime.reminder_policy
    # 서연 signed up for two of the org's shifts and never followed it: she is reached.
    seoyeon_p, seoyeon = await _person(bot, emulator, 3701, "서연", "ko", languages=("ko",))
    for shift_id in (first, second):
        await sign_up(bot.db, seoyeon_p.id, shift_id, now, policy=policy)
    # 민호 follows it and signed up too: counted once, as signed up.
    minho_p, _ = await _person(bot, emulator, 3702, "민호", "ko", languages=("ko",), follows=(org.id,))
    await sign_up(bot.db, minho_p.id, first, now, policy=policy)
    _, jiwoo = await _person(bot, emulator, 3703, "지우", "ko", languages=("ko",), follows=(org.id,))
    _, lan = await _person(bot, emulator, 3704, "Lan", "vi", languages=("vi",), follows=(org.id,))
    # Signed up only with another organization, or cancelled: not reached.
    other_p, other_user = await _person(bot, emulator, 3705, "Hana", "ko", languages=("ko",))
    await sign_up(bot.db, other_p.id, elsewhere, now, policy=policy)
    gone_p, gone = await _person(bot, emulator, 3706, "Jun", "ko", languages=("ko",))
    await sign_up(bot.db, gone_p.id, second, now, policy=policy)
    signup = await bot.db.fetchval("SELECT id FROM signup WHERE person_id = ?", (gone_p.id,))
    await cancel(bot.db, gone_p.id, int(signup), now, policy=policy)

    filters_ = await _filters(coord)
    assert reach(2, 2) in filters_
    await coord.press("Korean")
    narrowed = await coord.next_reply()
    assert reach(2, 1) in narrowed.text
    await coord.press("✍️ " + tr("en", "Write the message"))
    await coord.next_reply()
    await coord.send("Phone bank in Korean on Saturday!")
    preview = await coord.next_reply()
    assert tr("en", "Recipients: {reach}").format(reach=reach(2, 1)) in preview.text
    await coord.press("✅ Send to 3 people")
    await bot.dispatch()

    got = await seoyeon.next_reply()
    assert "Phone bank in Korean on Saturday!" in got.text and org.name in got.text
    stop = "🔕 " + tr("ko", "Stop messages from {org}").format(org=org.name)
    assert got.labels == [stop]
    assert "Saturday" in (await jiwoo.next_reply()).text
    for user in (lan, other_user, gone):
        await user.expect_no_reply(within=0.1)

    # 서연 stops the organization's messages from the broadcast itself: told where to undo it, button gone.
    answer = await seoyeon.press(stop)
    assert answer.show_alert and answer.text == tr(
        "ko", "You won't get messages from {org} any more. You can turn them back on in /settings."
    ).format(org=org.name)
    assert (await seoyeon.next_reply()).labels == []
    while "Your broadcast has gone out." not in (coord.last_message.text or ""):  # type: ignore[union-attr]
        await coord.next_reply()
    coord.drain()
    await coord.send("/cancel")
    await coord.next_reply()
    assert reach(1, 2) in await _filters(coord)

    # 지우 stops them from /settings: the bell beside the organization she follows.
    await jiwoo.send("/settings")
    await jiwoo.next_reply()
    await jiwoo.press("🏢 " + tr("ko", "Organizations"))
    orgs_view = await jiwoo.next_reply()
    on, off = "🔔 " + tr("ko", "Messages on"), "🔕 " + tr("ko", "Messages off")
    assert on in orgs_view.labels and off not in orgs_view.labels
    await jiwoo.press(on)
    muted = await jiwoo.next_reply()
    assert off in muted.labels and on not in muted.labels
    await jiwoo.press("« " + tr("ko", "Back"))
    settings = await jiwoo.next_reply()
    assert tr("ko", "No messages from: {value}").format(value=org.name) in settings.text
    await coord.send("/cancel")
    await coord.next_reply()
    assert reach(1, 1) in await _filters(coord)

    # And she turns them back on.
    await jiwoo.press("🏢 " + tr("ko", "Organizations"))
    await jiwoo.next_reply()
    await jiwoo.press(off)
    assert on in (await jiwoo.next_reply()).labels
    await coord.send("/cancel")
    await coord.next_reply()
    assert reach(1, 2) in await _filters(coord)
