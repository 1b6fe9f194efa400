"""Organizers' own texts in several languages: each reader sees the shift's title, place and description in
their language where the organizers wrote one, and the original otherwise."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from bot.clock import ManualClock
from bot.i18n import Translator
from bot.store import shifts
from bot.vocab import outreach_language_name
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator, TestUser
from tests.factories import make_org, make_shift, make_volunteer
from tests.flows import tr
from tests.test_e2e_newshift import LA, coordinator, csv_rows, day_label, reply, time_label

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


async def test_a_coordinator_posts_a_korean_translation_that_a_korean_volunteer_reads_everywhere(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    """The walk of issue 12 item 2: /newshift with a Korean translation, read in the list, the card, the
    calendar file and the reminder by a Korean volunteer; the original by a Vietnamese one."""
    org = await make_org(bot.db, "kaya", "KAYA", state="CA")
    await coordinator(bot.db, 3201, org)
    coord = emulator.user(3201, "Coord", language_code="en")
    day = SHIFT_AT.astimezone(LA).date()
    await coord.send("/newshift")
    await reply(coord)
    await coord.send(TITLE)
    await reply(coord)
    await coord.press("🚪 Canvass")
    await reply(coord)
    await coord.press(day_label("en", day))
    await reply(coord)
    await coord.press(time_label("en", day, SHIFT_AT.astimezone(LA).time()))
    await reply(coord)
    await coord.press("2 hours")
    await reply(coord)
    await coord.share_location(34.06, -118.30)
    await reply(coord)
    await coord.send(PLACE)
    await reply(coord)
    await coord.press("10")
    await reply(coord)
    await coord.press(outreach_language_name(Translator("en", LA), "ko"))
    await reply(coord)
    await coord.press("✅ Done")
    await reply(coord)
    await coord.send(ABOUT)
    await reply(coord)
    await coord.press("When it starts")
    await reply(coord)
    await coord.press("Just once")
    preview = await reply(coord)
    assert "🌐 Add a translation" in preview.labels

    await coord.press("🌐 Add a translation")
    languages = await reply(coord)
    assert "Which language is the translation in?" in languages.text and "한국어" in languages.labels
    await coord.press("한국어")
    ask = await reply(coord)
    assert "Type the title in 한국어, or tap Skip." in ask.text and TITLE in ask.text
    await coord.send("<b>" + KO_TITLE)  # HTML in a translation is text, like in the original
    ask = await reply(coord)
    assert "Type the description in 한국어" in ask.text and ABOUT in ask.text
    await coord.send(KO_ABOUT)
    ask = await reply(coord)
    assert "Type the place name in 한국어" in ask.text and PLACE in ask.text
    await coord.send(KO_PLACE)
    languages = await reply(coord)
    assert "✓ 한국어" in languages.labels
    await coord.press("✅ Done")
    preview = await reply(coord)
    assert "Preview" in preview.text and "🌐 Translations: 한국어" in preview.text
    assert TITLE in preview.text and KO_TITLE not in preview.text  # the coordinator's card: the original
    await coord.press("✅ Publish")
    assert "Published" in (await reply(coord)).text

    (row,) = await bot.db.fetchall("SELECT id FROM shift")
    stored = await shifts.get(bot.db, row["id"])
    assert stored is not None
    assert sorted(stored.texts) == [
        ("ko", "description", KO_ABOUT), ("ko", "place_name", KO_PLACE), ("ko", "title", "<b>" + KO_TITLE)
    ]
    await make_volunteer(bot.db, 3101, first_name="지민", locale="ko", languages=("ko",), state="CA")
    await make_volunteer(bot.db, 3102, first_name="Lan", locale="vi", languages=("vi", "ko"), state="CA")
    jimin = emulator.user(3101, "지민", language_code="ko")
    lan = emulator.user(3102, "Lan", language_code="vi")

    listing, card, ics = await sign_up_through_the_card(jimin, "ko")
    assert "<b>" + KO_TITLE in listing and TITLE not in listing
    assert KO_PLACE in card and KO_ABOUT in card and ABOUT not in card
    event = next(iter(ics.walk("VEVENT")))
    assert KO_TITLE in str(event.get("summary")) and KO_PLACE in str(event.get("location"))
    assert KO_ABOUT in str(event.get("description"))

    listing, card, ics = await sign_up_through_the_card(lan, "vi")
    assert TITLE in listing and KO_TITLE not in listing and PLACE in card and KO_PLACE not in card
    assert TITLE in str(next(iter(ics.walk("VEVENT"))).get("summary"))

    clock.set(SHIFT_AT - timedelta(hours=24))
    await bot.dispatch()
    ko_reminder, vi_reminder = await jimin.next_reply(), await lan.next_reply()
    assert KO_TITLE in ko_reminder.text and TITLE not in ko_reminder.text
    assert TITLE in vi_reminder.text and KO_TITLE not in vi_reminder.text


async def test_translation_steps_skip_what_has_no_original_and_refuse_a_forged_language(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    org = await make_org(bot.db, "kaya", "KAYA", state="CA")
    await coordinator(bot.db, 3201, org)
    coord = emulator.user(3201, "Coord", language_code="en")
    day = SHIFT_AT.astimezone(LA).date()
    await coord.send("/newshift")
    await reply(coord)
    for typed_or_pressed in ("Phone bank", "📞 Phone bank", day_label("en", day),
                             time_label("en", day, SHIFT_AT.astimezone(LA).time()), "2 hours", "💻 Online"):
        if typed_or_pressed == "Phone bank":
            await coord.send(typed_or_pressed)
        else:
            await coord.press(typed_or_pressed)
        await reply(coord)
    await coord.send("https://zoom.us/j/1")
    await reply(coord)
    for label in ("10", "✅ Done", "No description", "When it starts", "Just once", "🌐 Add a translation"):
        await coord.press(label)
        await reply(coord)
    answer = await coord.press_data("ns:tl:xx")
    assert answer.show_alert and "Unknown language" in (answer.text or "")
    await coord.press("Tiếng Việt")
    await reply(coord)
    await coord.send("Gọi điện")  # no description and online: nothing else to translate
    languages = await reply(coord)
    assert "✓ Tiếng Việt" in languages.labels
    await coord.press("✓ Tiếng Việt")
    ask = await reply(coord)
    await coord.press("🗑 Remove this translation")
    languages = await reply(coord)
    assert "✓ Tiếng Việt" not in languages.labels and ask.text
    await coord.press("✅ Done")
    preview = await reply(coord)
    assert "Translations" not in preview.text


async def test_csv_columns_per_language_publish_translations_and_the_export_keeps_them(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    org = await make_org(bot.db, "kaya", "KAYA", state="CA")
    await coordinator(bot.db, 3501, org)
    coord = emulator.user(3501, "Coord", language_code="en")
    day = SHIFT_AT.astimezone(LA).date()
    header = "title,kind,date,start,end,place_name,address,online_url,capacity,title_ko,Description_KO,place_name_ko"
    row = f"{TITLE},canvass,{day},14:00,16:00,{PLACE},1 Main St,,10,{KO_TITLE},{KO_ABOUT},{KO_PLACE}"
    bad = csv_rows(header.replace("place_name_ko", "title_xx"), row)
    await coord.send_document("bad.csv", bad, mime_type="text/csv")
    report = await reply(coord)
    assert "Row 1 · title_xx" in report.text and "Unknown language “xx” for a translation" in report.text
    assert await shifts.count_all(bot.db) == 0

    online = f"Phone bank,phone_bank,{day},18:00,19:00,,,https://zoom.us/j/1,5,전화 걸기,,무시되는 장소"
    await coord.send_document("shifts.csv", csv_rows(header, row, online), mime_type="text/csv")
    summary = await reply(coord)
    await coord.press(summary.labels[0])
    assert "Published" in (await reply(coord)).text
    rows = await bot.db.fetchall("SELECT id, title FROM shift ORDER BY starts_at")
    canvass, phone_bank = [await shifts.get(bot.db, r["id"]) for r in rows]
    assert canvass is not None and phone_bank is not None
    assert canvass.in_locale("ko").title == KO_TITLE and canvass.in_locale("ko").place_name == KO_PLACE
    assert canvass.in_locale("ko").description == KO_ABOUT and canvass.in_locale("vi").title == TITLE
    assert phone_bank.texts == (("ko", "title", "전화 걸기"),)  # an online shift has no place to translate

    await make_volunteer(bot.db, 3101, first_name="지민", locale="ko", languages=("ko",), state="CA")
    jimin = emulator.user(3101, "지민", language_code="ko")
    listing, card, _ = await sign_up_through_the_card(jimin, "ko")
    assert KO_TITLE in listing and KO_PLACE in card

    await coord.send("/export")
    await reply(coord)
    await coord.press("🗓 Signups and attendance")
    await reply(coord)
    await coord.press("All time")
    sent = (await reply(coord)).document
    assert sent is not None
    table = list(csv.reader(io.StringIO(sent.data.decode("utf-8-sig"))))
    assert table[0][:3] == ["Organization", "Shift", "Shift (한국어)"]
    assert table[1][1:3] == [TITLE, KO_TITLE]
