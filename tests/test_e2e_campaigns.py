"""Campaigns through the chat: a coordinator names one and types its goals, its shifts' reports and hours add
up, and /stats shows each goal with a text bar; bad goals and forged campaign ids of another org are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock, to_ts
from bot.i18n import translator
from bot.services import campaigns
from bot.services.followups import record_metric
from bot.store import campaigns as campaign_store
from bot.store import roles
from handlers import campaign_views
from handlers.followup import metric_label
from tests.conftest import ADMIN_ID, RunningBot
from tests.emulator import BotAPIEmulator, TestUser
from tests.factories import coordinator_of, make_org, make_shift, make_volunteer
from tests.flows import tr
from tests.test_e2e_hours import attend

START = datetime(2026, 11, 2, 16, 0, tzinfo=UTC)
LA = translator("en", ZoneInfo("America/Los_Angeles"))
REFUSED = "Sorry, only the organization's coordinators can do that."


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


async def coordinator(bot: RunningBot, emulator: BotAPIEmulator, org_id: int, tid: int = 5501,
                      locale: str = "en") -> tuple[int, TestUser]:
    person = await make_volunteer(bot.db, tid, first_name="Coco", locale=locale, language_code=locale)
    async with bot.db.transaction() as tx:
        await roles.grant(tx, person.id, org_id, "coordinator", None, 0)
    user = emulator.user(tid, "Coco", language_code=locale)
    user.drain()
    return person.id, user


async def test_a_coordinator_names_a_campaign_types_goals_and_stats_shows_progress(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    db = bot.db
    kaya = await make_org(db, slug="kaya", name="KAYA", state="CA")
    coco, coord = await coordinator(bot, emulator, kaya.id)

    await coord.send("/campaigns")
    listing = await coord.next_reply()
    assert tr("en", "New campaign") in listing.text or "➕ " + tr("en", "New campaign") in listing.labels
    await coord.press("➕ " + tr("en", "New campaign"))
    asked = await coord.next_reply()
    assert asked.edited and tr("en", "What is the campaign called?").split("?")[0] in asked.text
    await coord.send("   ")  # nothing visible: asked again, saying why
    assert tr("en", "The campaign's name can't be empty.") in (await coord.next_reply()).text
    await coord.send("<b>Nov</b> GOTV")
    card = await coord.next_reply()
    assert tr("en", "Saved.") in card.text and "<b>Nov</b> GOTV" in card.text  # shown as typed, not as markup

    doors = metric_label(LA, "doors")
    await coord.press(doors)
    question = await coord.next_reply()
    assert question.edited
    for bad in ("-5", "0", "99999999999", "lots"):
        await coord.send(bad)
        again = await coord.next_reply()
        assert tr("en", "Type a goal as a whole number from 1 to {max}, for example 500.").format(
            max=LA.number(campaigns.GOAL_MAX)
        ) in again.text
    await coord.send("1,000")  # grouping as typed reads as a thousand
    card = await coord.next_reply()
    assert f"{doors} 0 / {LA.number(1000)} ░░░░░░░░░░ {LA.percent(0)}" in card.text
    await coord.press(campaign_views.goal_label(LA, "hours"))
    await coord.next_reply()
    await coord.send("10")
    await coord.next_reply()

    [campaign] = await campaign_store.for_orgs(db, (kaya.id,))
    assert campaign.goals == {"doors": 1000, "hours": 10}

    # Two shifts in the campaign and one outside it: only the campaign's add up.
    first = datetime(2026, 10, 6, 18, 0, tzinfo=UTC)
    a = await make_shift(db, kaya, title="Canvass", kind="canvass", starts=first, hours=2)
    b = await make_shift(db, kaya, title="Canvass 2", kind="canvass", starts=first + timedelta(weeks=1), hours=3)
    c = await make_shift(db, kaya, title="Other", kind="canvass", starts=first, hours=2)
    actor = coordinator_of(kaya.id, coco)
    for shift_id in (a, b):
        await campaigns.assign(db, actor, shift_id, campaign.id, to_ts(START))
    people = [await make_volunteer(db, 5600 + i, first_name=f"V{i}") for i in range(3)]
    for i in range(3):
        emulator.user(5600 + i, f"V{i}", language_code="en")
    ga = await attend(bot, clock, a, people[0].id, first, 2)
    gb = await attend(bot, clock, b, people[1].id, first + timedelta(weeks=1), 3)
    gc = await attend(bot, clock, c, people[2].id, first, 2)
    await record_metric(db, people[0].id, ga, "doors", 120, to_ts(first) + 9000)
    await record_metric(db, people[1].id, gb, "doors", 120, to_ts(first) + 9000)
    await record_metric(db, people[1].id, gb, "doors", 130, to_ts(first) + 9500)  # corrected, not added twice
    await record_metric(db, people[2].id, gc, "doors", 999, to_ts(first) + 9000)
    clock.set(START)

    coord.drain()
    await coord.send("/stats")
    text = (await coord.next_reply()).text
    assert tr("en", "Campaigns") in text and "<b>Nov</b> GOTV" in text
    assert f"{doors} {LA.number(250)} / {LA.number(1000)} ▓▓▓░░░░░░░ {LA.percent(0.25)}" in text
    hours = campaign_views.goal_label(LA, "hours")
    assert f"{hours} {LA.number(5)} / {LA.number(10)} ▓▓▓▓▓░░░░░ {LA.percent(0.5)}" in text


async def test_goals_read_in_the_readers_locale_and_forged_campaigns_are_refused(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    db = bot.db
    kaya = await make_org(db, slug="kaya", name="KAYA", state="CA")
    hana = await make_org(db, slug="hana", name="Hana Center", state="IL", timezone="America/Chicago")
    _, coord = await coordinator(bot, emulator, kaya.id, locale="vi")
    hee, _ = await coordinator(bot, emulator, hana.id, tid=5502)
    theirs = await campaigns.create(db, coordinator_of(hana.id, hee), hana.id, "Hana drive", to_ts(START))
    await coord.send("/campaigns")
    await coord.next_reply()

    # Another organization's campaign, by forged callback data: refused, nothing shown or changed.
    for data in (campaign_views.OpenCampaign(theirs.id).pack(), campaign_views.AskGoal(theirs.id, "doors").pack(),
                 campaign_views.Rename(theirs.id).pack(), campaign_views.RemoveGoal(theirs.id, "doors").pack()):
        answer = await coord.press_data(data)
        assert answer.text == tr("vi", REFUSED)
    for data in ("cp:g:1:bogus", "cp:o:abc"):
        answer = await coord.press_data(data)
        assert answer.text and answer.text != tr("vi", REFUSED)  # the "no longer works" answer
    assert (await campaign_store.get(db, theirs.id)).goals == {}  # type: ignore[union-attr]
    with pytest.raises(campaigns.NotAllowed):
        await campaigns.set_goal(db, coordinator_of(kaya.id), theirs.id, "doors", 5, to_ts(START))
    with pytest.raises(campaigns.NotAllowed):
        shift_id = await make_shift(db, kaya, starts=START + timedelta(days=2))
        await campaigns.assign(db, coordinator_of(kaya.id), shift_id, theirs.id, to_ts(START))

    # A name taken in the org (any case) is refused; in Vietnamese the bot says so in Vietnamese.
    await campaigns.create(db, coordinator_of(kaya.id, hee), kaya.id, "Tết drive", to_ts(START))
    coord.drain()
    await coord.send("/campaigns")
    await coord.next_reply()
    await coord.press("➕ " + tr("vi", "New campaign"))
    await coord.next_reply()
    await coord.send("TẾT DRIVE")
    again = await coord.next_reply()
    assert tr("vi", "This organization already has a campaign called “{name}”.").format(name="Tết drive") in again.text


async def test_a_network_admin_sees_every_orgs_campaigns_in_stats(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    db = bot.db
    kaya = await make_org(db, slug="kaya", name="KAYA", state="CA")
    hana = await make_org(db, slug="hana", name="Hana Center", state="IL", timezone="America/Chicago")
    now = to_ts(START)
    someone = (await make_volunteer(db, 5509)).id
    for org, name in ((kaya, "Bay GOTV"), (hana, "Chicago census")):
        made = await campaigns.create(db, coordinator_of(org.id, someone), org.id, name, now)
        await campaigns.set_goal(db, coordinator_of(org.id, someone), made.id, "calls", 200, now)
    # A campaign without goals has nothing to show in /stats.
    await campaigns.create(db, coordinator_of(kaya.id, someone), kaya.id, "No goals yet", now)
    await make_volunteer(db, ADMIN_ID, first_name="Ada")
    admin = emulator.user(ADMIN_ID, "Ada", language_code="en")
    admin.drain()
    await admin.send("/stats")
    text = (await admin.next_reply()).text
    assert "Bay GOTV · KAYA" in text and "Chicago census · Hana Center" in text and "No goals yet" not in text
    calls = f"{metric_label(LA, 'calls')} 0 / {LA.number(200)} ░░░░░░░░░░ {LA.percent(0)}"
    assert text.count(calls) == 2
    # The same screens as /campaigns, from /stats.
    await admin.press("🎯 " + tr("en", "Campaigns"))
    listing = await admin.next_reply()
    assert any("Chicago census" in label for label in listing.labels)
