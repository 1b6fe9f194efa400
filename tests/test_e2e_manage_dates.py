"""/manage → Edit → Date and time with a typed date the coordinator's own date order can't settle: asked with
a button per reading, as /newshift asks, never read silently one way (issue 12 item 5)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_skeleton

from bot.clock import ManualClock
from bot.i18n import Translator
from bot.store import shifts as shift_store
from handlers import manage_views as mv
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator, TestUser
from tests.factories import make_org, make_shift
from tests.flows import tr
from tests.test_e2e_manage import coordinator, join, open_panel, volunteer

LA = ZoneInfo("America/Los_Angeles")
START = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)  # Monday 10:00 in Los Angeles
SHIFT_AT = datetime(2026, 12, 9, 22, 0, tzinfo=UTC)  # Wednesday 14:00 there
WHICH_MEANT = "Which date do you mean by “{typed}”? Tap it, or type the date again."
REFUSED = "Sorry, only the organization's coordinators can do that."


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


def reading(locale: str, day: date, clock: time) -> str:
    """A reading's button: the day with its weekday and year, and the time, as the reader's locale writes them."""
    t = Translator(locale, LA)
    moment = datetime.combine(day, clock, tzinfo=LA)
    return f"{format_skeleton('yMMMEd', datetime.combine(day, time(12), tzinfo=LA), locale=t.babel)} · {t.time(moment)}"


async def ask_date(coord: TestUser, locale: str) -> None:
    await open_panel(coord)
    await coord.press("✏️ " + tr(locale, "Edit"))
    await coord.next_reply()
    await coord.press(tr(locale, "Date and time"))
    await coord.next_reply()


async def test_a_year_first_coordinator_is_asked_which_date_and_the_volunteers_are_told(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    zh = "zh_Hans"
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Chinatown phone bank", starts=SHIFT_AT)
    coord = await coordinator(bot, emulator, org, locale=zh)
    person, vol = await volunteer(bot, emulator, 3801, "Mai", "vi")
    await join(bot, person, shift_id)
    await ask_date(coord, zh)

    await coord.send("5/12/2027 18:30")  # year last: Chinese writes year first, so either order is possible
    asked = await coord.next_reply()
    assert tr(zh, WHICH_MEANT).format(typed="5/12/2027") in asked.text
    may, december = reading(zh, date(2027, 5, 12), time(18, 30)), reading(zh, date(2027, 12, 5), time(18, 30))
    assert may in asked.labels and december in asked.labels
    unchanged = await shift_store.get(bot.db, shift_id)
    assert unchanged is not None and unchanged.starts_at == SHIFT_AT  # nothing read silently
    await vol.expect_no_reply(within=0.2)

    forged = await coord.press_data(mv.MeantWhen(shift_id, 20270101, 1830).pack(), message=asked)
    assert forged.show_alert  # a date that wasn't offered
    await coord.press(december, message=asked)
    saved = await coord.next_reply()
    assert tr(zh, "Saved.") in saved.text
    shift = await shift_store.get(bot.db, shift_id)
    assert shift is not None and shift.starts_at == datetime(2027, 12, 5, 18, 30, tzinfo=LA)
    assert shift.ends_at - shift.starts_at == timedelta(hours=2)  # the length stayed
    notice = await vol.next_reply()
    assert tr("vi", "New time: {when}").split("{")[0] in notice.text

    assert not any("·" in label for label in saved.labels)  # the question became the panel: no readings left
    again = await coord.press_data(mv.MeantWhen(shift_id, 20271205, 1830).pack())  # the question is closed
    assert again.show_alert and tr(zh, "Saved.") not in (again.text or "")


async def test_a_date_only_real_the_other_way_keeps_the_shifts_time(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Canvass", starts=SHIFT_AT)
    coord = await coordinator(bot, emulator, org)
    await ask_date(coord, "en")

    await coord.send("13/5")  # no month 13 in the US order; 13 May the other way, at the shift's own 14:00
    asked = await coord.next_reply()
    assert tr("en", WHICH_MEANT).format(typed="13/5") in asked.text
    meant = reading("en", date(2027, 5, 13), time(14, 0))
    assert [label for label in asked.labels if "◀" not in label] == [meant]
    await coord.send("May 13")  # typing it again works as well
    assert tr("en", "Saved.") in (await coord.next_reply()).text
    shift = await shift_store.get(bot.db, shift_id)
    assert shift is not None and shift.starts_at == datetime(2027, 5, 13, 14, 0, tzinfo=LA)


async def test_a_day_first_coordinator_is_not_asked_when_the_order_settles_it(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Canvass", starts=SHIFT_AT)
    coord = await coordinator(bot, emulator, org, locale="vi")
    await ask_date(coord, "vi")
    await coord.send("12/5 18:30")  # day first in Vietnamese: 12 May
    assert tr("vi", "Saved.") in (await coord.next_reply()).text
    shift = await shift_store.get(bot.db, shift_id)
    assert shift is not None and shift.starts_at == datetime(2027, 5, 12, 18, 30, tzinfo=LA)


async def test_someone_else_cannot_press_a_reading(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    org = await make_org(bot.db)
    other = await make_org(bot.db, "other", "Other Org")
    shift_id = await make_shift(bot.db, org, title="Ours", starts=SHIFT_AT)
    outsider = await coordinator(bot, emulator, other, tid=7002, name="Oscar")
    _, vol = await volunteer(bot, emulator, 3802, "Vee", "en")
    for user in (outsider, vol):
        await user.send("/manage")  # a chat with the bot to press in
        await user.next_reply()
        answer = await user.press_data(mv.MeantWhen(shift_id, 20270513, 1400).pack())
        assert answer.text == tr("en", REFUSED) and answer.show_alert
    shift = await shift_store.get(bot.db, shift_id)
    assert shift is not None and shift.starts_at == SHIFT_AT


async def test_the_day_of_a_copy_is_asked_the_same_way(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    zh = "zh_Hans"
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Chinatown phone bank", starts=SHIFT_AT)
    coord = await coordinator(bot, emulator, org, locale=zh)
    await open_panel(coord)
    await coord.press("📄 " + tr(zh, "Duplicate"))
    await coord.next_reply()
    await coord.send("5/12/2027")
    asked = await coord.next_reply()
    assert tr(zh, WHICH_MEANT).format(typed="5/12/2027") in asked.text
    t = Translator(zh, LA)
    may = format_skeleton("yMMMEd", datetime(2027, 5, 12, 12, tzinfo=LA), locale=t.babel)
    december = format_skeleton("yMMMEd", datetime(2027, 12, 5, 12, tzinfo=LA), locale=t.babel)
    assert may in asked.labels and december in asked.labels
    assert await shift_store.count_all(bot.db) == 1  # nothing copied yet

    forged = await coord.press_data(mv.CopyMeant(shift_id, 20270101).pack(), message=asked)
    assert forged.show_alert
    await coord.press(december, message=asked)
    copied = await coord.next_reply()
    assert tr(zh, "Copied. This is the new shift; volunteers can sign up for it now:") in copied.text
    starts = await bot.db.fetchall("SELECT starts_at FROM shift ORDER BY id")
    assert [datetime.fromtimestamp(r["starts_at"], LA) for r in starts] == [
        SHIFT_AT.astimezone(LA), datetime(2027, 12, 5, 14, 0, tzinfo=LA)  # the copy keeps the time
    ]
