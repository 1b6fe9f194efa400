"""Organizers' own texts in several languages: each reader sees the shift's title, place and description in
their language where the organizers wrote one, and the original otherwise."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from bot.clock import ManualClock
from bot.store import shifts
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator, TestUser
from tests.factories import make_org, make_shift, make_volunteer
from tests.flows import tr

START = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)
SHIFT_AT = datetime(2026, 12, 9, 22, 0, tzinfo=UTC)
TITLE, PLACE, ABOUT = "Koreatown canvass", "KAYA Office", "Knock on doors with a partner."
KO_TITLE, KO_PLACE, KO_ABOUT = "코리아타운 방문 캠페인", "카야 사무실", "짝과 함께 집집마다 방문합니다."


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


async def sign_up_through_the_card(user: TestUser, locale: str) -> tuple[str, str, Calendar]:
    """Lists, opens the first card, signs up; returns the listing, the card and the calendar file."""
    await user.send("/shifts")
    listing = await user.next_reply()
    await user.press("1")
    card = await user.next_reply()
    await user.press("✅ " + tr(locale, "Sign up"))
    await user.next_reply()
    confirmation = await user.next_reply()
    assert confirmation.document is not None
    return listing.text, card.text + "\n" + (confirmation.text or ""), Calendar.from_ical(confirmation.document.data)


async def test_a_korean_translation_is_seen_by_the_korean_reader_only(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(
        bot.db,
        org,
        title=TITLE,
        kind="canvass",
        starts=SHIFT_AT,
        place_name=PLACE,
        description=ABOUT,
        languages=("ko",),
    )
    async with bot.db.transaction() as tx:
        await shifts.set_text(tx, shift_id, "title", "ko", KO_TITLE, 0)
        await shifts.set_text(tx, shift_id, "place_name", "ko", KO_PLACE, 0)
        await shifts.set_text(tx, shift_id, "description", "ko", KO_ABOUT, 0)
    await make_volunteer(bot.db, 3101, first_name="지민", locale="ko", languages=("ko",))
    await make_volunteer(bot.db, 3102, first_name="Lan", locale="vi", languages=("vi", "ko"))
    jimin = emulator.user(3101, "지민", language_code="ko")
    lan = emulator.user(3102, "Lan", language_code="vi")

    listing, card, ics = await sign_up_through_the_card(jimin, "ko")
    assert KO_TITLE in listing and TITLE not in listing
    assert KO_TITLE in card and KO_PLACE in card and KO_ABOUT in card
    assert TITLE not in card and ABOUT not in card
    event = next(iter(ics.walk("VEVENT")))
    assert KO_TITLE in str(event.get("summary")) and KO_ABOUT in str(event.get("description"))
    assert KO_PLACE in str(event.get("location"))

    listing, card, ics = await sign_up_through_the_card(lan, "vi")
    assert TITLE in listing and KO_TITLE not in listing  # no Vietnamese text: the original
    assert TITLE in card and PLACE in card and ABOUT in card and KO_TITLE not in card
    event = next(iter(ics.walk("VEVENT")))
    assert TITLE in str(event.get("summary")) and KO_TITLE not in str(event.get("summary"))

    clock.set(SHIFT_AT - timedelta(hours=24))
    await bot.dispatch()
    ko_reminder, vi_reminder = await jimin.next_reply(), await lan.next_reply()
    assert tr("ko", "Reminder: <b>{title}</b> starts {when}.").split("<b>")[0] in ko_reminder.text
    assert KO_TITLE in ko_reminder.text and TITLE not in ko_reminder.text
    assert TITLE in vi_reminder.text and KO_TITLE not in vi_reminder.text


async def test_an_empty_text_removes_a_translation(bot: RunningBot) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title=TITLE, starts=SHIFT_AT)
    async with bot.db.transaction() as tx:
        await shifts.set_text(tx, shift_id, "title", "ko", KO_TITLE, 0)
        await shifts.set_text(tx, shift_id, "title", "ko", KO_TITLE + "!", 1)
    shift = await shifts.get(bot.db, shift_id)
    assert shift is not None and shift.in_locale("ko").title == KO_TITLE + "!"
    assert shift.in_locale("vi").title == TITLE
    async with bot.db.transaction() as tx:
        await shifts.set_text(tx, shift_id, "title", "ko", "", 2)
    shift = await shifts.get(bot.db, shift_id)
    assert shift is not None and shift.in_locale("ko").title == TITLE
    with pytest.raises(ValueError):
        async with bot.db.transaction() as tx:
            await shifts.set_text(tx, shift_id, "address", "ko", "x", 3)
