"""Onboarding through the emulator: consent, the questions, resuming, /cancel, deep links, bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from babel.dates import get_timezone_location, get_timezone_name

from bot.i18n import language_in_sentence, translations
from bot.services import profile
from bot.store import orgs, people
from tests.conftest import RunningBot, start_bot, stop_bot
from tests.emulator import BotAPIEmulator, TestUser
from tests.factories import make_org, make_shift
from tests.flows import (
    NOT_TEXT,
    after_typed,
    expect_pointer,
    gettext,
    onboard,
    press_state,
    replies,
    send_not_text,
)
from tests.test_e2e_double_taps import double_tap, said

STALE = "This button no longer works. Please send /start."


tr_es = gettext("es")


def zone_name(zone: str, locale: str) -> str:
    return get_timezone_name(zone, width="long", zone_variant="generic", locale=locale)


async def person_of(bot: RunningBot, user: TestUser) -> people.Person:
    person = await people.get_by_telegram_id(bot.db, user.id)
    assert person is not None
    return person


async def to_step(user: TestUser, locale: str, step: str) -> None:
    """Walks a new user to the question of `step` (name, phone, state or zip)."""
    _ = gettext(locale)
    await user.send("/start")
    await user.next_reply()
    await user.press("✅ " + _("I agree"))
    await replies(user, 2)
    await user.press(_("Continue in {language}").format(language=language_in_sentence(locale)))
    await user.next_reply()
    if step == "name":
        return
    await user.press(_("Use “{name}”").format(name=user.first_name))
    await replies(user, 2)
    if step == "phone":
        return
    await user.tap(_("Skip"))
    await replies(user, 2)
    if step == "state":
        return
    await press_state(user, "CA", locale)
    await user.next_reply()


# --- the whole way, in three languages ---------------------------------------------------------------


async def test_full_onboarding_in_english(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    sam = emulator.user(8001, "Sam")
    welcome = await onboard(
        sam, "en", phone="14155550123", languages=("Korean",), interests=("📞 Phone bank", "🚪 Canvass")
    )
    assert welcome.text.startswith("You're all set, Sam! 🎉")
    assert welcome.labels == ["🔎 Find shifts", "📅 My shifts", "⚙️ Settings", "❓ Help"]
    person = await person_of(bot, sam)
    assert person.is_registered and person.consent_at is not None
    assert (person.display_name, person.locale, person.phone) == ("Sam", "en", "+14155550123")
    assert (person.state, person.zip, person.timezone) == ("CA", "94103", "America/Los_Angeles")
    assert sorted(await people.languages(bot.db, person.id)) == ["en", "ko"]
    assert sorted(await people.interests(bot.db, person.id)) == ["canvass", "phone_bank"]
    # What they agreed to stays in the chat, without its buttons.
    terms = sam.messages[0]
    assert "Before we start, here is what I keep about you, and why:" in terms.text and not terms.labels
    assert not any(m.reply_keyboard for m in sam.messages[-3:])


async def test_the_languages_question_shows_the_place_and_zone(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    sam = emulator.user(8005, "Sam")
    await to_step(sam, "en", "zip")
    await sam.send("94103")
    languages = await after_typed(sam)
    pacific = zone_name("America/Los_Angeles", "en")
    assert languages.text.startswith(f"📍 California 94103 · {pacific}\n\nWhich languages can you use")
    assert "✓ English" in languages.labels and "Mandarin" in languages.labels and "Hmong" in languages.labels
    await sam.press("✓ English")  # untick the preselected one
    assert "English" in (await sam.next_reply()).labels
    assert await people.languages(bot.db, (await person_of(bot, sam)).id) == []


async def test_full_onboarding_in_korean_with_a_state_that_spans_two_zones(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    minji = emulator.user(8002, "민지", language_code="ko")
    _ = gettext("ko")
    await minji.send("/start")
    consent = await minji.next_reply()
    assert consent.text.startswith(translations("ko").gettext("Hi, {name}! I'm Turnout.").format(name="민지"))
    assert consent.text.startswith("안녕하세요")  # a Korean greeting, not the English fallback
    await minji.press("✅ " + _("I agree"))
    language = (await replies(minji, 2))[1]
    assert _("Continue in {language}").format(language="한국어") in language.labels
    await minji.press(_("Continue in {language}").format(language="한국어"))
    await minji.next_reply()
    await minji.press(_("Use “{name}”").format(name="민지"))
    await replies(minji, 2)
    await minji.tap(_("Skip"))
    await replies(minji, 2)
    states = minji.messages[-1]
    assert "텍사스주" in states.labels or _("Next") + " ▶" in states.labels  # names, not codes
    await press_state(minji, "TX", "ko")
    await minji.next_reply()
    await minji.send("79901")  # El Paso: Texas, but Mountain Time, and the ZIP says so: no zone question
    languages = await after_typed(minji)
    assert "✓ 한국어" in languages.labels  # their UI language is preselected
    await minji.press("✅ " + _("Done"))
    await minji.next_reply()
    await minji.press("✅ " + _("Done"))
    welcome = await minji.next_reply()
    assert _("You're all set, {name}! 🎉").format(name="민지") in welcome.text
    assert "⚙️ " + _("Settings") in welcome.labels
    person = await person_of(bot, minji)
    assert (person.locale, person.state, person.zip, person.timezone) == ("ko", "TX", "79901", "America/Denver")
    assert await people.languages(bot.db, person.id) == ["ko"]
    assert await people.interests(bot.db, person.id) == []


async def test_full_onboarding_in_vietnamese_from_outside_the_us(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    linh = emulator.user(8003, "Linh", language_code="vi")
    _ = gettext("vi")
    city = get_timezone_location("Asia/Ho_Chi_Minh", locale="vi", return_city=True)
    label = _("{city} ({zone})").format(city=city, zone=zone_name("Asia/Ho_Chi_Minh", "vi"))
    await onboard(linh, "vi", state="🌏 " + _("Outside the US"), zip_code="", zone_label=label)
    person = await person_of(bot, linh)
    assert (person.locale, person.state, person.zip, person.timezone) == ("vi", "INTL", None, "Asia/Ho_Chi_Minh")
    assert await people.languages(bot.db, person.id) == ["vi"]
    assert person.is_registered


async def test_choosing_another_language_asks_the_next_question_in_it(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    minji = emulator.user(8004, "Minji", language_code="ko")
    ko, vi = gettext("ko"), gettext("vi")
    await minji.send("/start")
    await minji.next_reply()
    await minji.press("✅ " + ko("I agree"))
    await replies(minji, 2)
    await minji.press("🌐 " + ko("Choose another language"))
    picker = await minji.next_reply()
    assert "✓ 한국어" in picker.labels and "Tiếng Việt" in picker.labels
    await minji.press("Tiếng Việt")
    name = await minji.next_reply()
    assert (
        name.edited
        and vi("What should I call you? Send me your name, or tap the button to use “{name}”.").format(name="Minji")
        in name.text
    )
    assert (await person_of(bot, minji)).locale == "vi"
    assert any(c.params.get("scope", {}).get("chat_id") == minji.id for c in emulator.calls_to("setMyCommands"))


# --- leaving, resuming, cancelling --------------------------------------------------------------------


async def test_leaving_at_consent_keeps_nothing(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    ana = emulator.user(8010, "Ana", language_code="es")
    _ = gettext("es")
    await ana.send("/start org-kaya")
    await ana.next_reply()
    assert await people.get_by_telegram_id(bot.db, ana.id) is not None
    await ana.press(_("No, thanks"))
    bye = await ana.next_reply()
    assert bye.edited and bye.text == _("OK, I haven't kept anything about you. If you change your mind, send /start.")
    assert not bye.labels
    assert await people.get_by_telegram_id(bot.db, ana.id) is None
    # /cancel at the consent step leaves the same way.
    await ana.send("/start")
    await ana.next_reply()
    await ana.send("/cancel")
    assert (await ana.next_reply()).text == bye.text
    assert await people.get_by_telegram_id(bot.db, ana.id) is None


async def test_onboarding_resumes_after_a_restart(emulator: BotAPIEmulator, tmp_path: Path) -> None:
    db_path = tmp_path / "turnout.sqlite3"
    running = await start_bot(emulator, db_path)
    sam, kim = emulator.user(8011, "Sam"), emulator.user(8012, "Kim", language_code="ko")
    try:
        await to_step(sam, "en", "zip")
        await to_step(kim, "ko", "state")
    finally:
        await stop_bot(running)
    running = await start_bot(emulator, db_path)
    try:
        # The ZIP typed after the restart is taken as the answer to the question asked before it.
        await sam.send("94103")
        languages = await sam.next_reply()
        assert "Which languages can you use to talk with voters and neighbors?" in languages.text
        # /start continues where they were, with no consent asked again.
        await kim.send("/start")
        again = await kim.next_reply()
        _ = gettext("ko")
        assert again.text.startswith(_("Welcome back! Let's pick up where we left off."))
        assert _("Where are you? Choose your state, or “Outside the US”.") in again.text
        assert _("Nevada") in again.labels  # the states by their Korean names, in Korean order
        person = await person_of(running, kim)
        assert person.onboarding_step == "state" and person.consent_at is not None
    finally:
        await stop_bot(running)
    emulator.assert_no_errors()


async def test_cancel_stops_the_questions_and_start_continues(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    sam = emulator.user(8013, "Sam")
    await to_step(sam, "en", "phone")
    await sam.send("/cancel")
    stopped = await sam.next_reply()
    assert stopped.text == "OK, I'll stop here. I've kept what you told me so far: send /start to continue."
    assert stopped.remove_keyboard
    await sam.send("Skip")  # not taken as an answer any more
    assert (await sam.next_reply()).text == "Send /start when you want to continue setting up."
    person = await person_of(bot, sam)
    assert person.onboarding_step == "phone" and person.display_name == "Sam"
    await sam.send("/start")
    again = await sam.next_reply()
    assert again.text.startswith("Welcome back! Let's pick up where we left off.")
    assert again.reply_keyboard == [["📱 Share my phone number"], ["Skip"]]
    await sam.tap("Skip")
    await replies(sam, 2)
    assert (await person_of(bot, sam)).onboarding_step == "state"


async def test_registered_people_get_the_main_menu(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    sam = emulator.user(8014, "Sam")
    await onboard(sam)
    for command in ("/start", "/start something-unknown", "/start shift-abc", "/start org-"):
        await sam.send(command)
        menu = await sam.next_reply()
        assert menu.text == "Hi, Sam! What would you like to do?", command
        assert menu.labels == ["🔎 Find shifts", "📅 My shifts", "⚙️ Settings", "❓ Help"]
    await sam.send("/cancel")
    assert (await sam.next_reply()).text == "There's nothing to cancel."
    await sam.press("❓ Help")
    assert "/settings" in (await sam.next_reply()).text
    await sam.send("hello")  # nothing is waiting for text: the onboarding and settings routers stay quiet
    await expect_pointer(sam)


# --- deep links --------------------------------------------------------------------------------------


async def test_org_link_follows_after_onboarding_and_when_registered(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    kaya = await make_org(bot.db, "kaya", "KAYA <Network>")
    await make_org(bot.db, "hana", "Hana Center")
    ko = gettext("ko")
    minji = emulator.user(8020, "민지", language_code="ko")
    welcome = await onboard(minji, "ko", start="/start org-kaya")
    followed = ko("You're now following {org}: their shifts come first when you look for shifts.")
    assert followed.format(org="KAYA <Network>") in welcome.text
    person = await person_of(bot, minji)
    assert await orgs.followed_ids(bot.db, person.id) == {kaya.id}
    assert person.pending_start is None
    await minji.send("/start org-kaya")
    assert ko("You already follow {org}.").format(org="KAYA <Network>") in (await minji.next_reply()).text
    await minji.send("/start org-hana")
    reply = await minji.next_reply()
    assert followed.format(org="Hana Center") in reply.text and "⚙️ " + ko("Settings") in reply.labels
    await minji.send("/start org-nowhere")
    assert ko("I couldn't find the organization in that link; it may have moved.") in (await minji.next_reply()).text
    assert len(await orgs.followed_ids(bot.db, person.id)) == 2


async def test_shift_link_opens_the_shift_after_onboarding(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    org = await make_org(bot.db)
    starts = (datetime.now(UTC) + timedelta(days=3)).replace(second=0, microsecond=0)
    shift_id = await make_shift(bot.db, org, title="Koreatown phone bank", starts=starts)
    sam = emulator.user(8021, "Sam")
    await onboard(sam, start=f"/start shift-{shift_id}")
    card = await sam.next_reply()
    assert "Koreatown phone bank" in card.text
    await sam.send(f"/start shift-{shift_id}")
    assert "Koreatown phone bank" in (await sam.next_reply()).text


# --- bad input ---------------------------------------------------------------------------------------


async def test_bad_names_are_asked_again(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    vi = gettext("vi")
    linh = emulator.user(8030, "Linh", language_code="vi")
    await to_step(linh, "vi", "name")
    await linh.send("A" * 5000)
    too_long = await linh.next_reply()
    assert too_long.text == translations("vi").ngettext(
        "That name is too long. Please send at most {count} character.",
        "That name is too long. Please send at most {count} characters.",
        64,
    ).format(count=64)
    for invisible in ("\u200b\u200c", "\u202e\u2066\u3164", "\x00\x07"):  # would show as a blank in a roster
        await linh.send(invisible)
        assert (await linh.next_reply()).text == vi("Please send your name.")
    assert (await person_of(bot, linh)).display_name is None
    await linh.send("  <b>Linh</b>   & Co  ")
    nice = (await replies(linh, 1))[0]
    assert nice.text.startswith(vi("Nice to meet you, {name}!").format(name="<b>Linh</b> & Co"))
    assert "&lt;b&gt;Linh&lt;/b&gt; &amp; Co" in (nice.html or "")
    assert (await person_of(bot, linh)).display_name == "<b>Linh</b> & Co"


async def test_html_in_a_telegram_name_breaks_nothing(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    bob = emulator.user(8031, "<b>Bob & Co")
    welcome = await onboard(bob)
    assert welcome.text.startswith("You're all set, <b>Bob & Co! 🎉")
    assert "&lt;b&gt;Bob &amp; Co" in (welcome.html or "")


async def test_bad_zip_codes_are_asked_again(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    sam = emulator.user(8032, "Sam")
    await to_step(sam, "en", "zip")
    await sam.send("abcde")
    not_a_zip = await after_typed(sam)  # asked again below, with « Change state: the one above loses it
    assert not_a_zip.text == "That doesn't look like a ZIP code. Please send the 5 digits, for example 90001."
    await sam.send("10001")
    wrong = await after_typed(sam)
    assert wrong.text == (
        "10001 is not a ZIP code in California. Please send your ZIP code in California, or change the state."
    )
    assert wrong.labels == ["« Change state"]
    assert (await person_of(bot, sam)).zip is None
    await sam.press("« Change state")
    states = await sam.next_reply()
    assert "Alabama" in states.labels  # the first page again
    await press_state(sam, "NY")
    await sam.next_reply()
    await sam.send("10001-1234")
    await after_typed(sam)
    person = await person_of(bot, sam)
    assert (person.state, person.zip, person.timezone, person.onboarding_step) == (
        "NY",
        "10001",
        "America/New_York",
        "languages",
    )


async def test_only_their_own_contact_card_is_taken(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    ko = gettext("ko")
    minji = emulator.user(8033, "민지", language_code="ko")
    await to_step(minji, "ko", "phone")
    await minji.share_contact("+821012345678", user_id=999999, first_name="Someone")
    refused = await minji.next_reply()
    assert refused.text == ko(
        "That's someone else's contact. I can only save your own number: use the button below, or skip."
    )
    assert refused.reply_keyboard is not None
    await minji.send("+1 415 555 0123")  # typed numbers can't be checked as theirs either
    assert (await minji.next_reply()).text == ko("Please use the button below to share your number, or skip.")
    assert (await person_of(bot, minji)).phone is None
    await minji.share_contact("821012345678")  # Telegram sends it without the "+"
    saved = await minji.next_reply()
    assert saved.text == ko("Thanks, I've saved your number.") and saved.remove_keyboard
    await minji.next_reply()
    person = await person_of(bot, minji)
    assert (person.phone, person.onboarding_step) == ("+821012345678", "state")


async def test_forged_and_stale_buttons_get_a_clear_answer(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    eve = emulator.user(8034, "Eve")
    await to_step(eve, "en", "name")
    for data in ("ob:st:CA", "ob:tz:0", "ob:lg:ko", "ob:inok", "ob:consent:yes", "ob:restate"):
        answer = await eve.press_data(data)
        assert answer.show_alert and answer.text == STALE, data
    answer = await eve.press_data("set:open:name")
    assert answer.show_alert and answer.text == "Let's finish setting you up first: send /start."
    assert (await eve.press_data("ob:zz:garbage")).text == STALE
    person = await person_of(bot, eve)
    assert (person.state, person.onboarding_step) == (None, "name")
    # At the state step, a state no button offers; at the zone step, a zone out of range.
    await eve.press(f"Use “{eve.first_name}”")
    await replies(eve, 2)
    await eve.tap("Skip")
    await replies(eve, 2)
    assert (await eve.press_data("ob:st:ZZ")).text == STALE
    await press_state(eve, "NE")
    await eve.next_reply()
    await eve.send("69201")  # Valentine, in a county the zone line runs through
    await after_typed(eve)
    assert (await eve.press_data("ob:tz:7")).text == STALE
    await eve.press("Central Time")
    await eve.next_reply()
    assert (await eve.press_data("ob:lg:xx")).text == STALE
    assert (await eve.press_data("ob:in:zz")).text == STALE
    person = await person_of(bot, eve)
    assert (person.state, person.timezone, person.onboarding_step) == ("NE", "America/Chicago", "languages")
    await eve.press("✅ Done")
    await eve.next_reply()
    await eve.press("✅ Done")
    await eve.next_reply()
    answer = await eve.press_data("ob:consent:yes")
    assert answer.show_alert and answer.text == "You're already set up. Use /settings to change your answers."


# --- what isn't an answer ------------------------------------------------------------------------------


@pytest.mark.parametrize("step", ["name", "zip", "phone"])
async def test_a_photo_sticker_voice_or_location_for_a_typed_answer_is_asked_again(
    emulator: BotAPIEmulator, bot: RunningBot, step: str
) -> None:
    ko = gettext("ko")
    minji = emulator.user(8040 + ("name", "zip", "phone").index(step), "민지", language_code="ko")
    await to_step(minji, "ko", step)
    waiting, question = {
        "name": (
            "I'm waiting for your name. Please type it.",
            ko("What should I call you? Send me your name, or tap the button to use “{name}”.").format(name="민지"),
        ),
        "zip": (
            "I'm waiting for your ZIP code. Please type it.",
            ko("What's your ZIP code? For example: {example}").format(example=profile.example_zip("CA")),
        ),
        "phone": (
            "I'm waiting for your phone number. Please use the buttons below.",
            ko(
                "Would you like to share your phone number? Coordinators use it only to reach you about "
                "shifts you sign up for. It's optional."
            ),
        ),
    }[step]
    for what in NOT_TEXT:
        await send_not_text(minji, what)
        # Asked again below: the question above loses its buttons (the phone's reply keyboard stays).
        again = await minji.next_reply() if step == "phone" else await after_typed(minji)
        assert again.text.startswith(ko(waiting)), what
        assert question in again.text, what
        if step == "phone":
            assert again.reply_keyboard == [["📱 " + ko("Share my phone number")], [ko("Skip")]], what
        assert (await person_of(bot, minji)).onboarding_step == step, what
    # The question still takes its answer.
    if step == "name":
        await minji.send("김민지")
        assert (await after_typed(minji)).text.startswith(ko("Nice to meet you, {name}!").format(name="김민지"))
    elif step == "zip":
        await minji.send("94103")
        languages = ko(
            "Which languages can you use to talk with voters and neighbors? Tap all that apply, then “Done”."
        )
        assert languages in (await after_typed(minji)).text
    else:
        await minji.tap(ko("Skip"))
        await replies(minji, 2)
    assert (await person_of(bot, minji)).onboarding_step != step


async def test_a_sticker_where_a_tap_is_wanted_points_to_the_buttons(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    sam = emulator.user(8045, "Sam")
    await to_step(sam, "en", "state")
    await sam.send_sticker()
    again = await sam.next_reply()
    assert again.text.startswith("Please answer with the buttons below.")
    assert "Where are you? Choose your state, or “Outside the US”." in again.text and "California" in again.labels


async def test_done_pressed_twice_finishes_once(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    sam = emulator.user(8046, "Sam")
    await to_step(sam, "en", "zip")
    await sam.send("94103")
    await after_typed(sam)
    await sam.press("✅ Done")
    await sam.next_reply()  # the interests
    _, second = await double_tap(bot, sam, "✅ Done")
    assert second.show_alert and second.text == "You're already set up. Use /settings to change your answers."
    assert said(sam, "You're all set, Sam! 🎉") == 1
    assert (await person_of(bot, sam)).is_registered


# --- where they are: states by name, and the ZIP decides the zone ------------------------------------------


async def test_a_vietnamese_volunteer_picks_her_state_by_its_vietnamese_name(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    vi = gettext("vi")
    lan = emulator.user(8101, "Lan", language_code="vi")
    await to_step(lan, "vi", "state")
    states = lan.messages[-1]
    assert vi("Where are you? Choose your state, or “Outside the US”.") in states.text
    assert not any(len(label) == 2 and label.isupper() for label in states.labels)  # no bare codes
    assert vi("North Carolina") == "Bắc Carolina" and vi("Next") + " ▶" in states.labels
    await lan.press(vi("Next") + " ▶")
    second = await lan.next_reply()
    assert second.edited and "Samoa thuộc Mỹ" in second.labels + states.labels  # a territory, named
    await press_state(lan, "NC", "vi")
    zip_question = await lan.next_reply()
    assert vi("What's your ZIP code? For example: {example}").split("{")[0] in zip_question.text
    await lan.send("27601")
    languages = await after_typed(lan)
    assert languages.text.startswith("📍 Bắc Carolina 27601 · ")  # the place as the question named it
    assert vi("Which languages can you use to talk with voters and neighbors? Tap all that apply, then “Done”.") in (
        languages.text
    )
    person = await person_of(bot, lan)
    assert (person.state, person.zip, person.timezone) == ("NC", "27601", "America/New_York")


async def test_portland_97205_never_asks_the_zone(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    ana = emulator.user(8102, "Ana", language_code="es")
    await onboard(ana, "es", state="OR", zip_code="97205")  # straight from the ZIP to the languages
    asked = tr_es("{state} has more than one time zone. Which one are you in?").split("{state}")[1]
    assert not any(asked in m.text for m in ana.messages)
    person = await person_of(bot, ana)
    assert (person.state, person.zip, person.timezone) == ("OR", "97205", "America/Los_Angeles")


async def test_a_zip_on_a_zone_line_asks_the_zone(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    sam = emulator.user(8103, "Sam")
    await to_step(sam, "en", "state")
    await press_state(sam, "NE")
    await sam.next_reply()
    await sam.send("69201")  # Valentine, Cherry County: the zone line runs through it
    zones = await after_typed(sam)
    assert zones.text == "Nebraska has more than one time zone. Which one are you in?"
    assert zones.labels == ["Central Time", "Mountain Time", "« Change state"]
    await sam.press("Central Time")
    await sam.next_reply()
    person = await person_of(bot, sam)
    assert (person.state, person.zip, person.timezone) == ("NE", "69201", "America/Chicago")
