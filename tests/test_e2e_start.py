"""First contact through the emulator: the greeting, the language picker, /help, errors."""

from __future__ import annotations

from typing import Any

import pytest

from bot.i18n import available_locales, language_in_sentence, language_name, translations
from bot.services import profile
from bot.store import people
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator
from tests.factories import make_volunteer


async def test_korean_telegram_user_is_greeted_in_korean(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    minji = emulator.user(5001, "민지", language_code="ko")
    await minji.send("/start")
    reply = await minji.next_reply()
    ko = translations("ko").gettext
    assert reply.text.startswith(ko("Hi, {name}! I'm Turnout.").format(name="민지"))
    assert reply.text.startswith("안녕하세요")  # Korean, not the English fallback
    assert ko("Is that OK with you?") in reply.text
    assert reply.labels == ["✅ " + ko("I agree"), ko("No, thanks"), "🌐 " + ko("Language")]
    person = await people.get_by_telegram_id(bot.db, 5001)
    assert person is not None and person.telegram_language == "ko"
    assert person.consent_at is None and person.first_name is None  # nothing agreed yet, no name kept
    await minji.press("✅ " + ko("I agree"))
    await minji.next_reply()  # the first question
    person = await people.get_by_telegram_id(bot.db, 5001)
    assert person is not None and person.first_name == "민지"  # agreed: the name Telegram gave is kept


async def test_switching_to_vietnamese_with_the_picker(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    minji = emulator.user(5002, "Minji", language_code="ko")
    await minji.send("/language")
    picker = await minji.next_reply()
    # Every language is offered, each in its own script.
    for label in ("English", "Español", "中文 (简体)", "中文 (繁體)", "Tiếng Việt", "✓ 한국어", "ខ្មែរ", "اردو"):
        assert any(label in b for b in picker.labels), label
    answer = await minji.press("Tiếng Việt")
    assert not answer.show_alert
    done = await minji.next_reply()
    assert done.edited
    # Named as a Vietnamese sentence writes it ("bằng tiếng Việt"), not as the picker's label.
    said = translations("vi").gettext("Done! I'll write to you in {language}.")
    assert said.format(language=language_in_sentence("vi")) in done.text
    assert done.text.startswith("Xong")
    # Someone not set up yet goes on with the question they were at, now in Vietnamese.
    consent = await minji.next_reply()
    assert consent.text.startswith(translations("vi").gettext("Hi, {name}! I'm Turnout.").format(name="Minji"))
    person = await people.get_by_telegram_id(bot.db, 5002)
    assert person is not None and person.locale == "vi"
    # From now on the bot answers in Vietnamese, though Telegram still says Korean.
    await minji.send("/help")
    help_reply = await minji.next_reply()
    assert help_reply.text.startswith("Turnout")
    assert "/help — " + translations("vi").gettext("What this bot can do") in help_reply.text
    # And their command menu follows the language they chose.
    menus = [c for c in emulator.calls_to("setMyCommands") if "scope" in c.params]
    assert menus, "the chat's menu was not set"


@pytest.mark.parametrize("locale", available_locales())
async def test_help_answers_in_every_locale(emulator: BotAPIEmulator, bot: RunningBot, locale: str) -> None:
    user = emulator.user(6000 + available_locales().index(locale), "Sam", language_code="en")
    await user.send("/language")
    picker = await user.next_reply()
    await user.press(next(label for label in picker.labels if label.endswith(language_name(locale))))
    await user.next_reply()  # "Done!"
    await user.next_reply()  # the consent, now in that language
    await user.send("/help")
    reply = await user.next_reply()
    expected = "/language — " + translations(locale).gettext("Change the language")
    assert expected in reply.text
    if locale != "en":
        assert expected != "/language — Change the language"


async def test_html_in_a_name_breaks_nothing(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    bob = emulator.user(5003, "<b>Bob & Co", language_code="en")
    await bob.send("/start")
    reply = await bob.next_reply()
    assert "<b>Bob & Co" in reply.text  # shown literally, escaped on the wire
    assert "&lt;b&gt;Bob &amp; Co" in reply.html


async def test_telegram_language_codes_pick_the_right_script(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    cases = {"zh-hant": "zh_Hant", "zh-TW": "zh_Hant", "zh": "zh_Hans", "zh-CN": "zh_Hans", "tl": "fil"}
    for offset, (code, locale) in enumerate(cases.items()):
        user = emulator.user(7000 + offset, "Lee", language_code=code)
        await user.send("/help")
        reply = await user.next_reply()
        assert "/help — " + translations(locale).gettext("What this bot can do") in reply.text, code
    unknown = emulator.user(7100, "Ana", language_code="pt-br")
    await unknown.send("/help")
    assert "/help — What this bot can do" in (await unknown.next_reply()).text


async def test_forged_language_button_gets_a_clear_answer(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    eve = emulator.user(5004, "Eve", language_code="en")
    await eve.send("/start")
    await eve.next_reply()
    answer = await eve.press_data("lang:xx")
    assert answer.show_alert and "not available" in (answer.text or "")
    answer = await eve.press_data("ob:loc:xx_Fake")  # the onboarding picker's data, at the wrong step too
    assert answer.show_alert
    answer = await eve.press_data("totally:forged:data")
    assert answer.text == "This button no longer works. Please send /start."
    person = await people.get_by_telegram_id(bot.db, 5004)
    assert person is not None and person.locale is None


async def test_a_crash_in_a_handler_gets_a_translated_apology(
    emulator: BotAPIEmulator, bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(profile, "set_locale", broken)
    ko = emulator.user(5005, "수진", language_code="ko")
    await ko.send("/language")
    await ko.next_reply()
    await ko.press("English")
    reply = await ko.next_reply()
    assert reply.text == translations("ko").gettext("Sorry, something went wrong. Please try again.")
    assert "secret" not in reply.text and "Traceback" not in reply.text
    # The handler had answered the button before it failed; Telegram refuses the error handler's second answer.
    assert [e.method for e in emulator.errors] == ["answerCallbackQuery"]
    emulator.errors.clear()


async def test_menus_and_descriptions_are_published_per_language(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    assert ("default", "ko") in emulator.commands or any(k[1] == "ko" for k in emulator.commands)
    ko_menu = next(v for k, v in emulator.commands.items() if k[1] == "ko")
    assert ("help", translations("ko").gettext("What this bot can do")) in ko_menu
    assert {"settings", "mydata", "deleteme", "cancel"} <= {name for name, _ in ko_menu}
    assert emulator.descriptions["ko"] == translations("ko").gettext(
        "Turnout helps you volunteer with community organizations near you: find canvasses, phone banks, "
        "text banks, events and trainings, sign up in one tap, and get reminders in your language."
    )
    assert emulator.descriptions[""].startswith("Turnout helps you")


async def test_help_and_menu_follow_the_persons_roles(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    from bot.store import roles
    from tests.factories import make_org, make_volunteer

    org = await make_org(bot.db)
    coordinator = await make_volunteer(bot.db, 5101, first_name="Coord", locale="ko")
    await make_volunteer(bot.db, 5102, first_name="Vol", locale="ko")
    async with bot.db.transaction() as tx:
        await roles.grant(tx, coordinator.id, org.id, "coordinator", None, 0)
    coord, vol = emulator.user(5101, "Coord", language_code="ko"), emulator.user(5102, "Vol", language_code="ko")
    newshift = "/newshift — " + translations("ko").gettext("Post a shift, a weekly series, or many from a CSV file")
    await coord.send("/help")
    assert newshift in (await coord.next_reply()).text
    await vol.send("/help")
    assert "/newshift" not in (await vol.next_reply()).text
    await coord.send("/start")
    await coord.next_reply()
    menu = emulator.calls_to("setMyCommands")[-1]
    assert menu.params["scope"] == {"type": "chat", "chat_id": 5101}
    assert "newshift" in [c["command"] for c in menu.params["commands"]]


async def test_an_unchanged_menu_is_not_sent_again_a_changed_one_is(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    await make_volunteer(bot.db, 5201, first_name="Ana")
    ana = emulator.user(5201, "Ana")

    def menus() -> list[dict[str, Any]]:
        calls = emulator.calls_to("setMyCommands")
        return [c.params for c in calls if c.params.get("scope", {}).get("chat_id") == 5201]

    for _ in range(3):
        await ana.send("/start")
        await ana.next_reply()
    assert len(menus()) == 1
    await ana.send("/language")
    picker = await ana.next_reply()
    await ana.press(next(label for label in picker.labels if label.endswith(language_name("ko"))))
    await ana.next_reply()
    await ana.send("/start")
    await ana.next_reply()
    assert len(menus()) == 2  # the language changed, so did the menu
    assert menus()[-1]["commands"][0]["description"] == translations("ko").gettext("Start or go back to the main menu")
