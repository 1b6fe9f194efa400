"""/settings through the emulator: every editor, in English and Korean, and buttons that may not be pressed."""

from __future__ import annotations

import pytest
from babel.dates import get_timezone_location, get_timezone_name

from bot.services import profile
from bot.store import orgs, people
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator, TestUser
from tests.factories import make_org, make_volunteer
from tests.flows import NOT_TEXT, expect_pointer, gettext, onboard, press_state, replies, send_not_text
from tests.test_e2e_double_taps import double_tap, said

STALE = "This button no longer works. Please send /start."


async def registered(
    bot: RunningBot, emulator: BotAPIEmulator, telegram_id: int, name: str = "Sam", **kw: object
) -> TestUser:
    """A volunteer who finished onboarding (built through the store, for speed), and their chat."""
    language_code = str(kw.pop("language_code", "en"))
    await make_volunteer(bot.db, telegram_id, first_name=name, language_code=language_code, **kw)  # type: ignore[arg-type]
    return emulator.user(telegram_id, name, language_code=language_code)


async def open_settings(user: TestUser) -> None:
    await user.send("/settings")
    view = await user.next_reply()
    assert "⚙️" in view.text


async def person_of(bot: RunningBot, user: TestUser) -> people.Person:
    person = await people.get_by_telegram_id(bot.db, user.id)
    assert person is not None
    return person


async def test_the_settings_screen_shows_every_answer(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    kaya = await make_org(bot.db, "kaya", "KAYA <Network>")
    sam = await registered(
        bot, emulator, 9001, "<Sam>", languages=("en", "yue"), interests=("canvass",), follows=(kaya.id,)
    )
    await sam.send("/settings")
    view = await sam.next_reply()
    for line in (
        "⚙️ Your settings",
        "👤 Name: <Sam>",
        "🌐 Language: English",
        "📍 Place: California 94103",
        "🕒 Time zone: Pacific Time",
        "📱 Phone: not shared",
        "🗣 Languages you speak: English and Cantonese",
        "⭐ Interests: Canvass",
        "🏢 Organizations you follow: KAYA <Network>",
        "⏰ Reminders: 24 hours before and 2 hours before",
    ):
        assert line in view.text, line
    assert "&lt;Sam&gt;" in (view.html or "")
    assert view.labels == [
        "👤 Name",
        "🌐 Language",
        "📍 Place and time zone",
        "📱 Phone",
        "🗣 Languages I speak",
        "⭐ Interests",
        "🏢 Organizations",
        "⏰ Reminders",
        "« Main menu",
    ]
    await sam.press("« Main menu")
    menu = await sam.next_reply()
    assert menu.edited and menu.text == "Hi, <Sam>! What would you like to do?"
    await sam.press("⚙️ Settings")  # the main menu's button opens the same screen, in place
    assert (await sam.next_reply()).text == view.text


async def test_change_the_language_name_and_reminders(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    sam = await registered(bot, emulator, 9002)
    await open_settings(sam)
    await sam.press("🌐 Language")
    picker = await sam.next_reply()
    assert "✓ English" in picker.labels and "« Back" in picker.labels
    await sam.press("한국어")
    ko = gettext("ko")
    view = await sam.next_reply()
    assert view.text.startswith("✅ " + ko("Saved."))
    assert "⚙️ " + ko("Your settings") in view.text
    assert (await person_of(bot, sam)).locale == "ko"
    assert any(c.params.get("scope", {}).get("chat_id") == sam.id for c in emulator.calls_to("setMyCommands"))

    await sam.press("👤 " + ko("Name"))
    await sam.next_reply()
    await sam.send("x" * 5000)
    assert "64" in (await sam.next_reply()).text
    await sam.send("  Samuel   Kim ")
    saved = await sam.next_reply()
    assert ko("Name: {value}").format(value="Samuel Kim") in saved.text
    assert (await person_of(bot, sam)).display_name == "Samuel Kim"
    await sam.send("not a name any more")  # the editor closed with the save
    await expect_pointer(sam, "ko")

    await sam.press("⏰ " + ko("Reminders"))
    reminders = await sam.next_reply()
    assert reminders.labels[:2] == ["✓ " + ko("24 hours before"), "✓ " + ko("2 hours before")]
    await sam.press("✓ " + ko("24 hours before"))
    assert (await sam.next_reply()).labels[0] == ko("24 hours before")
    person = await person_of(bot, sam)
    assert (person.remind_24h, person.remind_2h) == (False, True)
    await sam.press("« " + ko("Back"))
    assert ko("Reminders: {value}").format(value=ko("2 hours before")) in (await sam.next_reply()).text


async def test_change_the_place_and_time_zone(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    sam = await registered(bot, emulator, 9003)
    await open_settings(sam)
    await sam.press("📍 Place and time zone")
    await sam.next_reply()
    await press_state(sam, "NE")
    assert (await sam.next_reply()).text == "What's your ZIP code? For example: 68001"
    await sam.send("abcde")
    assert "That doesn't look like a ZIP code" in (await sam.next_reply()).text
    await sam.send("94103")
    assert (await sam.next_reply()).text.startswith("94103 is not a ZIP code in Nebraska.")
    assert (await person_of(bot, sam)).state == "CA"  # nothing saved until the place is complete
    await sam.send("69201")  # Valentine: the zone line runs through its county, so the zone is asked
    zones = await sam.next_reply()
    assert zones.text == "Nebraska has more than one time zone. Which one are you in?"
    assert zones.labels == ["Central Time", "Mountain Time", "« Back"]
    await sam.press("Mountain Time")
    view = await sam.next_reply()
    assert view.text.startswith("✅ Saved.") and "📍 Place: Nebraska 69201" in view.text
    assert "Mountain Time" in view.text
    person = await person_of(bot, sam)
    assert (person.state, person.zip, person.timezone) == ("NE", "69201", "America/Denver")
    # Where the ZIP decides, it is saved with the ZIP: El Paso is Mountain Time, Houston Central.
    for zip_code, zone in (("79901", "America/Denver"), ("77036", "America/Chicago")):
        await sam.press("📍 Place and time zone")
        await sam.next_reply()
        await press_state(sam, "TX")
        await sam.next_reply()
        await sam.send(zip_code)
        assert f"📍 Place: Texas {zip_code}" in (await sam.next_reply()).text
        assert (await person_of(bot, sam)).timezone == zone
    # A single-zone state saves with the ZIP; outside the US, a zone from the world list.
    await sam.press("📍 Place and time zone")
    await sam.next_reply()
    await press_state(sam, "WA")
    await sam.next_reply()
    await sam.send("98101")
    assert "📍 Place: Washington 98101" in (await sam.next_reply()).text
    await sam.press("📍 Place and time zone")
    await sam.next_reply()
    await sam.press("🌏 Outside the US")
    await sam.next_reply()
    seoul = get_timezone_location("Asia/Seoul", locale="en", return_city=True)
    await sam.press(f"{seoul} ({get_timezone_name('Asia/Seoul', width='long', zone_variant='generic', locale='en')})")
    assert "📍 Place: Outside the US" in (await sam.next_reply()).text
    person = await person_of(bot, sam)
    assert (person.state, person.zip, person.timezone) == ("INTL", None, "Asia/Seoul")
    # A zone button with no place being edited (old, or forged) changes nothing.
    assert (await sam.press_data("set:tz:0")).text == STALE
    assert (await person_of(bot, sam)).timezone == "Asia/Seoul"


async def test_share_change_and_remove_the_phone(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    sam = await registered(bot, emulator, 9004)
    await open_settings(sam)
    await sam.press("📱 Phone")
    prompt = await sam.next_reply()
    assert prompt.reply_keyboard == [["📱 Share my phone number"], ["Keep it as it is"]]
    await sam.share_contact("+14155550000", user_id=4242)
    assert "someone else's contact" in (await sam.next_reply()).text
    await sam.tap("📱 Share my phone number", phone_number="1 (415) 555-0199")
    saved, view = await replies(sam, 2)
    assert saved.remove_keyboard and "📱 Phone: +14155550199" in view.text
    await sam.press("📱 Phone")
    prompt = await sam.next_reply()
    assert prompt.reply_keyboard == [["📱 Share my phone number"], ["Remove my number"], ["Keep it as it is"]]
    await sam.tap("Remove my number")
    removed, view = await replies(sam, 2)
    assert removed.text == "I've removed your phone number." and removed.remove_keyboard
    assert "📱 Phone: not shared" in view.text
    assert (await person_of(bot, sam)).phone is None
    await sam.press("📱 Phone")
    await sam.next_reply()
    await sam.send("/cancel")
    cancelled = await sam.next_reply()
    assert cancelled.text == "OK, nothing changed." and cancelled.remove_keyboard
    await sam.share_contact("+14155550000")  # the editor is closed: nothing is saved
    await expect_pointer(sam)
    assert (await person_of(bot, sam)).phone is None


async def test_languages_interests_and_follows_in_korean(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    kaya = await make_org(bot.db, "kaya", "KAYA Network")
    hana = await make_org(bot.db, "hana", "Hana Center")
    ko = gettext("ko")
    minji = emulator.user(9005, "민지", language_code="ko")
    await onboard(minji, "ko")
    person = await person_of(bot, minji)
    await minji.press("⚙️ " + ko("Settings"))
    await minji.next_reply()

    await minji.press("🗣 " + ko("Languages I speak"))
    languages = await minji.next_reply()
    assert "✓ 한국어" in languages.labels
    await minji.press("타갈로그어")  # Tagalog, named by CLDR in Korean
    await minji.next_reply()
    await minji.press("✅ " + ko("Done"))
    assert "✅ " + ko("Saved.") in (await minji.next_reply()).text
    assert sorted(await people.languages(bot.db, person.id)) == ["ko", "tl"]

    await minji.press("⭐ " + ko("Interests"))
    await minji.next_reply()
    await minji.press("💬 " + ko("Text bank"))
    assert "✓ 💬 " + ko("Text bank") in (await minji.next_reply()).labels
    await minji.press("✅ " + ko("Done"))
    await minji.next_reply()
    assert await people.interests(bot.db, person.id) == ["text_bank"]

    await minji.press("🏢 " + ko("Organizations"))
    follows = await minji.next_reply()
    assert follows.labels == ["Hana Center", "KAYA Network", "« " + ko("Back")]
    await minji.press("KAYA Network")
    assert (await minji.next_reply()).labels[1] == "✓ KAYA Network"
    await minji.press("Hana Center")
    await minji.next_reply()
    await minji.press("✓ KAYA Network")
    await minji.next_reply()
    assert await orgs.followed_ids(bot.db, person.id) == {hana.id}
    answer = await minji.press_data("set:org:999999")  # no such org
    assert answer.show_alert and answer.text == ko("This organization is no longer active.")
    async with bot.db.transaction() as tx:  # an archived org can't be followed either
        await tx.execute("UPDATE org SET status = 'archived' WHERE id = ?", (kaya.id,))
    assert (await minji.press_data(f"set:org:{kaya.id}")).text == ko("This organization is no longer active.")
    assert await orgs.followed_ids(bot.db, person.id) == {hana.id}


async def test_settings_buttons_need_a_finished_profile(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    newbie = emulator.user(9006, "New")
    await newbie.send("/settings")
    first = await newbie.next_reply()
    assert first.text.startswith("Let's finish setting you up first.") and "Is that OK with you?" in first.text
    for data in ("set:open:phone", "set:rem:24", "set:lg:ko", "set:st:CA", "set:view", "menu:settings"):
        answer = await newbie.press_data(data)
        assert answer.show_alert and answer.text == "Let's finish setting you up first: send /start.", data
    person = await person_of(bot, newbie)
    assert (person.remind_24h, person.state) == (True, None)
    assert await people.languages(bot.db, person.id) == []


async def test_forged_settings_buttons(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    sam = await registered(bot, emulator, 9007)
    await open_settings(sam)
    for data in ("set:lg:xx", "set:in:zz", "set:st:ZZ", "set:tz:99"):
        answer = await sam.press_data(data)
        assert answer.show_alert and answer.text == STALE, data
    assert (await sam.press_data("set:open:secrets")).text == STALE  # no such editor: the catch-all
    assert (await sam.press_data("set:loc:xx")).text == "That language is not available."
    person = await person_of(bot, sam)
    assert (person.state, person.locale) == ("CA", None)
    assert await people.languages(bot.db, person.id) == ["en"]


# --- what isn't an answer, and double taps --------------------------------------------------------------


async def open_editor(user: TestUser, step: str, state: str = "TX") -> None:
    """Opens the settings editor that waits for a typed `step` (name, zip or phone)."""
    await open_settings(user)
    if step == "zip":
        await user.press("📍 Place and time zone")
        await user.next_reply()
        await press_state(user, state)
    else:
        await user.press({"name": "👤 Name", "phone": "📱 Phone"}[step])
    await user.next_reply()


@pytest.mark.parametrize("step", ["name", "zip", "phone"])
async def test_a_photo_sticker_voice_or_location_for_a_typed_answer_is_asked_again(
    emulator: BotAPIEmulator, bot: RunningBot, step: str
) -> None:
    sam = await registered(bot, emulator, 9010 + ("name", "zip", "phone").index(step))
    await profile.set_phone(bot.db, (await person_of(bot, sam)).id, "+14155550123", 1)
    await open_editor(sam, step)
    waiting, question = {
        "name": ("I'm waiting for your name. Please type it.", "What should I call you? Send me your name."),
        "zip": ("I'm waiting for your ZIP code. Please type it.", "What's your ZIP code? For example: 75001"),
        "phone": (
            "I'm waiting for your phone number. Please use the buttons below.",
            "Your number is +14155550123. Share a new one with the button below, or remove it.",
        ),
    }[step]
    for what in NOT_TEXT:
        await send_not_text(sam, what)
        again = await sam.next_reply()
        assert again.text == f"{waiting}\n\n{question}", what
        if step == "phone":
            assert again.reply_keyboard == [["📱 Share my phone number"], ["Remove my number"], ["Keep it as it is"]]
        else:
            assert again.labels == ["« Back"], what
    person = await person_of(bot, sam)
    assert (person.display_name, person.state, person.phone) == ("Sam", "CA", "+14155550123")
    # The editor is still open and takes its answer.
    answer = {"name": "Samuel", "zip": "78701", "phone": "Keep it as it is"}[step]
    await sam.send(answer)
    *_, view = await replies(sam, 2 if step == "phone" else 1)
    assert {"name": "👤 Name: Samuel", "zip": "📍 Place: Texas 78701", "phone": "📱 Phone: +14155550123"}[
        step
    ] in view.text


async def test_a_voice_note_at_the_zone_question_points_to_the_buttons(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    sam = await registered(bot, emulator, 9013)
    await open_editor(sam, "zip", "NE")
    await sam.send("69201")
    await sam.next_reply()
    await sam.send_voice()
    again = await sam.next_reply()
    assert (
        again.text
        == "Please answer with the buttons below.\n\nNebraska has more than one time zone. Which one are you in?"
    )
    assert again.labels == ["Central Time", "Mountain Time", "« Back"]
    await sam.press("Mountain Time", message=again)
    assert "📍 Place: Nebraska 69201" in (await sam.next_reply()).text


async def test_a_zone_pressed_twice_saves_the_place_once(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    sam = await registered(bot, emulator, 9014)
    await open_editor(sam, "zip", "NE")
    await sam.send("69201")
    await sam.next_reply()
    _, second = await double_tap(bot, sam, "Mountain Time")
    assert second.show_alert and second.text == STALE
    assert said(sam, "📍 Place: Nebraska 69201") == 1
    person = await person_of(bot, sam)
    assert (person.state, person.zip, person.timezone) == ("NE", "69201", "America/Denver")
