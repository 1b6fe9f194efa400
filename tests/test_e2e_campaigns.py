"""Campaigns through the chat: a coordinator names one and types its goals, its shifts' reports and hours add
up, and /stats shows each goal with a text bar; bad goals and forged campaign ids of another org are refused."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock, to_ts
from bot.i18n import translations, translator
from bot.services import campaigns, posting
from bot.services.followups import record_metric
from bot.store import campaigns as campaign_store
from bot.store import roles
from bot.store import shifts as shift_store
from bot.store.shifts import NewShift
from bot.vocab import kind_name
from handlers import campaign_views
from handlers.followup_views import metric_label
from handlers.manage_views import SetCampaign
from handlers.report import ReportFor
from handlers.shift_views import hours_label
from tests.conftest import ADMIN_ID, RunningBot
from tests.emulator import BotAPIEmulator, TestUser
from tests.factories import coordinator_of, make_org, make_shift, make_volunteer
from tests.flows import tr
from tests.test_e2e_hours import attend
from tests.test_e2e_newshift import reply

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

    # A draft (or a CSV batch) naming another organization's campaign publishes nothing.
    shift = NewShift(org_id=kaya.id, title="X", kind="canvass", starts_at=to_ts(START) + 86400,
                     ends_at=to_ts(START) + 90000, timezone=kaya.timezone, capacity=5, campaign_id=theirs.id)
    with pytest.raises(posting.NotAllowed):
        await posting.publish(db, [shift], actor=coordinator_of(kaya.id, hee), now=to_ts(START))

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
    assert not listing.edited  # under the numbers, which stay
    assert any("Chicago census" in label for label in listing.labels)


async def test_a_shift_posted_in_a_campaign_adds_up_from_report_and_manage_moves_it(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    """The whole story: a campaign with goals, a canvass posted in it through /newshift, two volunteers
    attend, one reports through the follow-up, the other through /report (and corrects it there), and
    /stats adds them up; /manage → Edit → Campaign takes a shift out again."""
    db = bot.db
    kaya = await make_org(db, slug="kaya", name="KAYA", state="CA")
    coco, coord = await coordinator(bot, emulator, kaya.id)
    campaign = await campaigns.create(db, coordinator_of(kaya.id, coco), kaya.id, "Nov GOTV", to_ts(START))
    await campaigns.set_goal(db, coordinator_of(kaya.id, coco), campaign.id, "doors", 100, to_ts(START))
    await campaigns.set_goal(db, coordinator_of(kaya.id, coco), campaign.id, "conversations", 40, to_ts(START))
    la = ZoneInfo("America/Los_Angeles")
    day = (START + timedelta(days=2)).astimezone(la).date()

    await coord.send("/newshift")
    await reply(coord)
    await coord.send("Koreatown canvass")
    await reply(coord)
    await coord.press("🚪 " + kind_name(LA, "canvass"))
    asked = await reply(coord)
    assert tr("en", "Which campaign is this shift part of?") in asked.text
    assert "🎯 Nov GOTV" in asked.labels and tr("en", "No campaign") in asked.labels
    await coord.press("🎯 Nov GOTV")
    dates = await reply(coord)
    assert dates.edited
    await coord.press(LA.weekday_date(datetime.combine(day, time(12), tzinfo=la)))
    await reply(coord)
    await coord.press(LA.time(datetime.combine(day, time(10, 0), tzinfo=la)))
    await reply(coord)
    await coord.press(hours_label(LA, 120))
    await reply(coord)
    await coord.send("3250 Wilshire Blvd, Los Angeles, CA")
    await reply(coord)
    await coord.press("10")
    await reply(coord)
    await coord.press("✅ " + tr("en", "Done"))
    await reply(coord)
    await coord.press(tr("en", "No description"))
    await reply(coord)
    await coord.press(tr("en", "When it starts"))
    await reply(coord)
    await coord.press(tr("en", "Just once"))
    preview = await reply(coord)
    assert "🎯 " + tr("en", "Campaign: {name}").format(name="Nov GOTV") in preview.text
    await coord.press("✅ " + tr("en", "Publish"))
    await reply(coord)
    [shift] = (await shift_store.for_orgs(db, [kaya.id], ends_after=to_ts(START), limit=5, offset=0))[0]
    assert shift.campaign_id == campaign.id

    # Two volunteers come; one reports from the follow-up's buttons, the other with /report.
    starts = shift.starts_at
    linh = await make_volunteer(db, 5701, first_name="Linh")
    minji = await make_volunteer(db, 5702, first_name="Minji")
    linh_chat = emulator.user(5701, "Linh", language_code="en")
    minji_chat = emulator.user(5702, "Minji", language_code="en")
    linh_signup = await attend(bot, clock, shift.id, linh.id, starts, 2)
    minji_signup = await attend(bot, clock, shift.id, minji.id, starts, 2)
    await record_metric(db, linh.id, linh_signup, "doors", 30, bot.runtime.now_ts())
    clock.set(starts + timedelta(hours=5))
    await bot.dispatch()  # the follow-ups and milestones go out now, not in the middle of /report
    linh_chat.drain()
    minji_chat.drain()
    await minji_chat.send("/report")
    pick = await minji_chat.next_reply()
    assert tr("en", "Which shift are your numbers for?") in pick.text
    await minji_chat.press(next(label for label in pick.labels if "Koreatown canvass" in label))
    buttons = await minji_chat.next_reply()
    await minji_chat.press(metric_label(LA, "doors"), message=buttons)
    await minji_chat.next_reply()
    await minji_chat.send("45")
    saved = await minji_chat.next_reply()
    assert tr("en", "Saved: {what} {value}.").format(what=metric_label(LA, "doors"), value="45") in saved.text
    # Typed again for the same shift: corrected, not added.
    await minji_chat.press(metric_label(LA, "doors") + ": 45", message=saved)
    await minji_chat.next_reply()
    await minji_chat.send("50")
    await minji_chat.next_reply()
    await minji_chat.press(metric_label(LA, "conversations"))
    await minji_chat.next_reply()
    await minji_chat.send("12")
    await minji_chat.next_reply()
    # Someone else's signup, forged: refused, nothing shown.
    await linh_chat.send("/report")
    await linh_chat.next_reply()
    answer = await linh_chat.press_data(ReportFor(minji_signup).pack())
    assert answer.show_alert and answer.text == tr("en", "This button no longer works. Please send /start.")
    await linh_chat.expect_no_reply()

    coord.drain()
    await coord.send("/stats")
    text = (await coord.next_reply()).text
    assert f"{metric_label(LA, 'doors')} {LA.number(80)} / {LA.number(100)} ▓▓▓▓▓▓▓▓░░ {LA.percent(0.8)}" in text
    talks = f"{metric_label(LA, 'conversations')} {LA.number(12)} / {LA.number(40)} ▓▓▓░░░░░░░ {LA.percent(0.3)}"
    assert talks in text
    one = translations("en").ngettext("{count} shift", "{count} shifts", 1).format(count=LA.number(1))
    assert f"🎯 Nov GOTV · {one}" in text  # how many shifts it holds
    assert (await coord.next_reply()).photo is not None  # the chart
    with contextlib.suppress(AssertionError):  # and the rising volunteers, Linh and Minji on their first shift
        await coord.next_reply(timeout=3)

    # /manage → Edit → Campaign: out of the campaign again (a forged other org's campaign is refused).
    later = await make_shift(db, kaya, title="Phones", starts=clock.now() + timedelta(days=1))
    await campaigns.assign(db, coordinator_of(kaya.id, coco), later, campaign.id, bot.runtime.now_ts())
    coord.drain()
    await coord.send("/manage")
    await coord.next_reply()
    await coord.press("1")
    panel = await coord.next_reply()
    assert "🎯 " + tr("en", "Campaign: {name}").format(name="Nov GOTV") in panel.text
    await coord.press("✏️ " + tr("en", "Edit"))
    await coord.next_reply()
    await coord.press(tr("en", "Campaign"))
    picker = await coord.next_reply()
    assert "✅ Nov GOTV" in picker.labels
    hana = await make_org(db, slug="hana", name="Hana Center", state="IL", timezone="America/Chicago")
    hee = await make_volunteer(db, 5703)
    theirs = await campaigns.create(db, coordinator_of(hana.id, hee.id), hana.id, "Hana drive", to_ts(START))
    forged = await coord.press_data(SetCampaign(later, theirs.id).pack(), message=picker)
    assert forged.show_alert
    assert (await shift_store.get(db, later)).campaign_id == campaign.id  # type: ignore[union-attr]
    await coord.press(tr("en", "No campaign"), message=picker)
    panel = await coord.next_reply()
    assert tr("en", "Saved.") in panel.text and "🎯" not in panel.text
    assert (await shift_store.get(db, later)).campaign_id is None  # type: ignore[union-attr]


async def test_a_volunteer_with_nothing_to_report_is_told_so(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    await make_volunteer(bot.db, 5801, first_name="Ana")
    ana = emulator.user(5801, "Ana", language_code="es")
    await ana.send("/report")
    reply = await ana.next_reply()
    assert reply.text == tr("es", "You have no shifts to report numbers for from the last 30 days.")


async def test_a_campaign_that_ended_leaves_stats(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    db = bot.db
    kaya = await make_org(db, slug="kaya", name="KAYA", state="CA")
    coco, coord = await coordinator(bot, emulator, kaya.id)
    made = await campaigns.create(db, coordinator_of(kaya.id, coco), kaya.id, "Census week", to_ts(START))
    await campaigns.set_goal(db, coordinator_of(kaya.id, coco), made.id, "texts", 300, to_ts(START))
    await coord.send("/campaigns")
    await coord.next_reply()
    await coord.press("Census week")
    await coord.next_reply()
    await coord.press("📅 " + tr("en", "End date"))
    question = await coord.next_reply()
    assert tr("en", "When does the campaign end?").split("?")[0] in question.text
    await coord.send("2026-10-01")
    assert tr("en", "That date has already passed.") in (await coord.next_reply()).text
    await coord.send("Nov 8")  # read in the reader's order, this year
    card = await coord.next_reply()
    assert tr("en", "Runs until {date}").format(date=LA.date(datetime(2026, 11, 8).date())) in card.text
    assert (await campaign_store.get(db, made.id)).ends_on == "2026-11-08"  # type: ignore[union-attr]

    await coord.send("/stats")
    assert "Census week" in (await coord.next_reply()).text
    clock.set(START + timedelta(days=7))  # Monday 9 November: it ended yesterday
    coord.drain()
    await coord.send("/stats")
    assert "Census week" not in (await coord.next_reply()).text


async def test_many_long_campaigns_fit_telegrams_limits(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    db = bot.db
    now = to_ts(START)
    someone = (await make_volunteer(db, 5901)).id
    for i in range(campaign_views.STATS_MAX + 2):
        org = await make_org(db, slug=f"org{i}", name=f"{i} " + "Ｏ" * 118, state="CA")
        made = await campaigns.create(db, coordinator_of(org.id, someone), org.id, f"{i} " + "ｃ" * 77, now)
        for metric in campaigns.GOAL_METRICS:
            await campaigns.set_goal(db, coordinator_of(org.id, someone), made.id, metric, 9_999_999, now)
    await make_volunteer(db, ADMIN_ID, first_name="Ada")
    admin = emulator.user(ADMIN_ID, "Ada", language_code="en")
    admin.drain()
    await admin.send("/stats")
    shown = [(await admin.next_reply()).text or ""]
    with contextlib.suppress(AssertionError):  # one message, or two when the numbers and goals don't fit one
        shown.append((await admin.next_reply(timeout=1)).text or "")
    assert not emulator.errors
    assert sum(text.count("🎯 ") for text in shown) == campaign_views.STATS_MAX
    assert tr("en", "Campaigns") in shown[-1]


async def test_a_campaign_that_starts_later_waits_for_its_first_day(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    db = bot.db
    kaya = await make_org(db, slug="kaya", name="KAYA", state="CA")
    coco, coord = await coordinator(bot, emulator, kaya.id)
    made = await campaigns.create(db, coordinator_of(kaya.id, coco), kaya.id, "Winter drive", to_ts(START))
    await campaigns.set_goal(db, coordinator_of(kaya.id, coco), made.id, "calls", 50, to_ts(START))
    await coord.send("/campaigns")
    await coord.next_reply()
    await coord.press("Winter drive")
    await coord.next_reply()
    await coord.press("📅 " + tr("en", "End date"))
    await coord.next_reply()
    await coord.send("2026-12-20")
    await coord.next_reply()
    await coord.press("📅 " + tr("en", "Start date"))
    question = await coord.next_reply()
    assert tr("en", "When does the campaign start?").split("?")[0] in question.text
    await coord.send("2026-12-21")  # after its last day: refused
    assert tr("en", "The campaign can't end before it starts.") in (await coord.next_reply()).text
    await coord.send("2026-11-10")
    card = await coord.next_reply()
    shown = tr("en", "Runs from {start} to {end}").format(
        start=LA.date(datetime(2026, 11, 10).date()), end=LA.date(datetime(2026, 12, 20).date())
    )
    assert shown in card.text

    await coord.send("/stats")
    assert "Winter drive" not in (await coord.next_reply()).text  # not yet
    clock.set(START + timedelta(days=8))  # 10 November
    coord.drain()
    await coord.send("/stats")
    assert "Winter drive" in (await coord.next_reply()).text

    # The start is cleared with a button; a forged one for another organization's campaign is refused.
    await coord.send("/campaigns")
    await coord.next_reply()
    await coord.press("Winter drive")
    await coord.next_reply()
    await coord.press("📅 " + tr("en", "Start date"))
    await coord.next_reply()
    await coord.press(tr("en", "No start date"))
    card = await coord.next_reply()
    assert tr("en", "Runs until {date}").format(date=LA.date(datetime(2026, 12, 20).date())) in card.text
    hana = await make_org(db, slug="hana", name="Hana Center", state="IL", timezone="America/Chicago")
    theirs = await campaigns.create(db, coordinator_of(hana.id, coco), hana.id, "Hana drive", to_ts(START))
    await campaigns.set_day(db, coordinator_of(hana.id, coco), theirs.id, "start", datetime(2026, 11, 1).date(),
                            datetime(2026, 11, 10).date(), to_ts(START))
    answer = await coord.press_data(campaign_views.NoStart(theirs.id).pack())
    assert answer.show_alert and answer.text == tr("en", REFUSED)
    assert (await campaign_store.get(db, theirs.id)).starts_on == "2026-11-01"  # type: ignore[union-attr]
