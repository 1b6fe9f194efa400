"""Coordinators and admins give consent once, in a short form, where they come in (issue 13 item 2): under
the invite they opened, or at /neworg for a network admin. The volunteer questions (phone, place,
languages, interests) are never asked of them, and typed answers in a dialogue never bring the terms back.

Expected texts come from the catalogs, so the tests hold before and after the translators' work.
"""

from __future__ import annotations

from bot.services.invites import create_invite, start_payload
from bot.store import people
from bot.store.orgs import Org
from tests.conftest import ADMIN_ID, RunningBot
from tests.emulator import BotAPIEmulator, BotMessage, TestUser
from tests.factories import make_org
from tests.flows import tr

SHORT = "Before you start: I keep your name and language to talk with you, and the shifts you post."
LONG = "Before we start, here is what I keep about you, and why:"
TITLE_QUESTION = "What is the shift called? For example: <i>Weekly phone bank for Korean speakers</i>"


async def _invite(bot: RunningBot, org: Org, role: str = "coordinator") -> str:
    made = await create_invite(bot.db, actor=None, org_id=org.id, role=role, now=bot.runtime.now_ts())
    return "/start " + start_payload(made.code)


def _no_terms(messages: list[BotMessage], locale: str) -> None:
    for message in messages:
        text = message.text or ""
        assert tr(locale, SHORT) not in text and tr(locale, LONG) not in text, text


async def _drain_replies(user: TestUser) -> list[BotMessage]:
    """What the bot still has to say (or edit) right now."""
    seen = []
    while True:
        try:
            seen.append(await user.next_reply(timeout=0.5))
        except AssertionError:
            return seen


async def test_a_new_coordinator_agrees_once_under_the_invite_and_posts_without_volunteer_questions(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    org = await make_org(bot.db, "kaya", "KAYA")
    minji = emulator.user(3001, "민지", language_code="ko")  # brand new: never talked to the bot
    await minji.send(await _invite(bot, org))
    told = await minji.next_reply()
    assert tr("ko", "🎉 You're now a coordinator of <b>{org}</b>.").format(org="KAYA") in told.html
    assert tr("ko", SHORT) in told.text and tr("ko", LONG) not in told.text
    assert len(told.text.splitlines()) <= 7  # the news and the short form, nothing more
    await minji.press("✅ " + tr("ko", "I agree"))
    assert (await minji.next_reply()).labels == []  # the terms stay readable; their buttons go
    thanks = await minji.next_reply()
    assert tr("ko", "Thank you, {name}! ✅").format(name="민지") in thanks.text
    assert tr("ko", "Post a shift with /newshift and see your shifts with /manage.") in thanks.text
    person = await people.get_by_telegram_id(bot.db, 3001)
    assert person is not None and person.is_registered and person.display_name == "민지"
    assert person.phone is None and person.state is None and person.zip is None  # never asked

    await minji.send("/newshift")
    first = await minji.next_reply()
    assert tr("ko", TITLE_QUESTION).split("<")[0].strip() in first.text  # straight in: nothing to leave
    await minji.send("한국어 폰뱅킹")
    after_title = await _drain_replies(minji)
    assert after_title
    _no_terms(after_title, "ko")
    await minji.send("/cancel")
    _no_terms(await _drain_replies(minji), "ko")

    # The invite opened again: already a coordinator, no terms.
    await minji.send(await _invite(bot, org))
    again = await _drain_replies(minji)
    _no_terms(again, "ko")


async def test_a_network_admin_agrees_at_neworg_and_is_asked_the_name_next(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    ada = emulator.user(ADMIN_ID, "Ada")  # an admin by configuration, new to the bot
    await ada.send("/neworg")
    form = await ada.next_reply()
    assert SHORT in form.text and LONG not in form.text
    await ada.press("✅ I agree")
    await ada.next_reply()
    thanks = await ada.next_reply()
    assert "Create an organization with /neworg and invite its admins with /invite." in thanks.text
    await ada.send("/neworg")
    assert "What is the organization's name?" in (await ada.next_reply()).text
    person = await people.get_by_telegram_id(bot.db, ADMIN_ID)
    assert person is not None and person.is_registered and person.state is None


async def test_a_volunteer_half_way_through_setting_up_is_finished_by_the_invite(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    org = await make_org(bot.db, "kaya", "KAYA")
    linh = emulator.user(3002, "Linh", language_code="vi")
    await linh.send("/start")
    await linh.next_reply()
    await linh.press("✅ " + tr("vi", "I agree"))  # the volunteer terms: agreed, then the questions start
    await _drain_replies(linh)
    await linh.send(await _invite(bot, org))
    told = await linh.next_reply()
    assert tr("vi", "Post a shift with /newshift and see your shifts with /manage.") in told.text
    assert tr("vi", SHORT) not in told.text  # agreed already
    person = await people.get_by_telegram_id(bot.db, 3002)
    assert person is not None and person.is_registered


async def test_no_thanks_at_the_invite_keeps_nothing(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    org = await make_org(bot.db, "kaya", "KAYA")
    sam = emulator.user(3003, "Sam")
    await sam.send(await _invite(bot, org))
    await sam.next_reply()
    await sam.press("No, thanks")
    said = await sam.next_reply()
    assert "OK, I haven't kept anything about you. If you change your mind, ask for a new invite." in said.text
    assert await people.get_by_telegram_id(bot.db, 3003) is None
    assert await bot.db.fetchval("SELECT count(*) FROM role WHERE org_id = ?", (org.id,)) == 0
