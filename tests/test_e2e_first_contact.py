"""First contact in the reader's language: a language button on the consent, and flyer links that set it
(`/start lang-km`, also with an org, a shift or a check-in code: `lang-km_org-kaya`, `org-kaya_lang-km`)."""

from __future__ import annotations

import pytest

from bot.i18n import language_in_sentence, language_name
from bot.services.profile import split_language_link
from bot.store import orgs, people
from bot.store.people import Person
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator
from tests.emulator.user import TestUser
from tests.factories import make_org, make_volunteer
from tests.flows import onboard, tr

NAME_QUESTION = "What should I call you? Send me your name, or tap the button to use “{name}”."
LANGUAGE_QUESTION = "I'll write to you in {language}."


async def person_of(bot: RunningBot, user: TestUser) -> Person:
    person = await people.get_by_telegram_id(bot.db, user.id)
    assert person is not None
    return person


@pytest.mark.parametrize(
    ("payload", "wanted"),
    [
        ("lang-km", ("km", "")),
        ("lang-km_org-kaya", ("km", "org-kaya")),
        ("org-kaya_lang-km", ("km", "org-kaya")),
        ("lang-zh-Hant_shift-12", ("zh_Hant", "shift-12")),
        ("lang-zh-TW", ("zh_Hant", "")),
        ("lang-tl", ("fil", "")),
        ("lang-xx_org-kaya", (None, "org-kaya")),
        ("org-kaya", (None, "org-kaya")),
        ("lang-", (None, "lang-")),
        ("ci-Ab3_x-Yz9Q_lang-vi", ("vi", "ci-Ab3_x-Yz9Q")),
        ("", (None, "")),
        (None, (None, "")),
    ],
)
def test_the_language_part_of_a_start_link(payload: str | None, wanted: tuple[str | None, str]) -> None:
    assert split_language_link(payload) == wanted


async def test_the_consent_has_a_language_button_that_comes_back_to_it(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    sok = emulator.user(8501, "Sok", language_code="en")  # Telegram in English, reads Khmer
    await sok.send("/start")
    consent = await sok.next_reply()
    assert consent.text.startswith("Hi, Sok! I'm Turnout.")
    assert "🌐 Language" in consent.labels
    await sok.press("🌐 Language")
    picker = await sok.next_reply()
    assert picker.edited and picker.text == "Choose your language:"
    assert "✓ English" in picker.labels and language_name("km") in picker.labels
    await sok.press(language_name("km"))
    again = await sok.next_reply()
    assert again.edited and again.message_id == consent.message_id  # the same terms, now in Khmer
    assert again.text.startswith(tr("km", "Hi, {name}! I'm Turnout.").format(name="Sok"))
    assert "✅ " + tr("km", "I agree") in again.labels
    assert (await person_of(bot, sok)).consent_at is None  # choosing a language agrees to nothing
    await sok.press("✅ " + tr("km", "I agree"))
    await sok.next_reply()  # the terms lose their buttons
    question = await sok.next_reply()
    # The language they just chose is not asked again: the next question is their name.
    assert question.text == tr("km", NAME_QUESTION).format(name="Sok")
    person = await person_of(bot, sok)
    assert person.locale == "km" and person.consent_at is not None


async def test_a_flyer_link_sets_the_language_and_the_org(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    kaya = await make_org(bot.db, "kaya", "KAYA Network")
    for number, start in enumerate(("/start lang-km_org-kaya", "/start org-kaya_lang-km")):
        dara = emulator.user(8510 + number, "Dara", language_code="en")
        welcome = await onboard(dara, "km", start=start, language_asked=False)
        followed = tr("km", "You're now following {org}: their shifts come first when you look for shifts.")
        assert followed.format(org="KAYA Network") in welcome.text
        person = await person_of(bot, dara)
        assert person.locale == "km"
        assert await orgs.followed_ids(bot.db, person.id) == {kaya.id}
        menu = emulator.calls_to("setMyCommands")[-1]
        assert menu.params["scope"] == {"type": "chat", "chat_id": dara.id}
        assert menu.params["commands"][0]["description"] == tr("km", "Start or go back to the main menu")


async def test_a_language_link_alone_and_an_unknown_language(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    await make_org(bot.db, "kaya", "KAYA Network")
    mai = emulator.user(8520, "Mai", language_code="en")
    await mai.send("/start lang-vi")
    consent = await mai.next_reply()
    assert consent.text.startswith(tr("vi", "Hi, {name}! I'm Turnout.").format(name="Mai"))
    assert (await person_of(bot, mai)).locale == "vi"
    # A language we have no catalog for is left out; the rest of the link still works.
    bo = emulator.user(8521, "Bo", language_code="ko")
    welcome = await onboard(bo, "ko", start="/start lang-xx_org-kaya")
    assert (
        tr("ko", "You're now following {org}: their shifts come first when you look for shifts.").format(
            org="KAYA Network"
        )
        in welcome.text
    )
    assert (await person_of(bot, bo)).locale == "ko"


async def test_registered_people_keep_the_language_they_chose(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    await make_volunteer(bot.db, 8530, first_name="Ana", language_code="en", locale=None)
    await make_volunteer(bot.db, 8531, first_name="민지", language_code="ko", locale="ko")
    ana, minji = emulator.user(8530, "Ana", language_code="en"), emulator.user(8531, "민지", language_code="ko")
    await ana.send("/start lang-vi")  # she never chose one: the flyer's language is hers now, and she's told
    reply = await ana.next_reply()
    assert tr("vi", LANGUAGE_QUESTION).format(language=language_in_sentence("vi")) in reply.text
    assert tr("vi", "Hi, {name}! What would you like to do?").format(name="Ana") in reply.text
    assert (await person_of(bot, ana)).locale == "vi"
    await minji.send("/start lang-vi")  # she chose Korean: a flyer doesn't override that
    reply = await minji.next_reply()
    assert reply.text == tr("ko", "Hi, {name}! What would you like to do?").format(name="민지")
    assert (await person_of(bot, minji)).locale == "ko"


async def test_the_consent_language_button_only_works_at_the_consent(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    await make_volunteer(bot.db, 8540, first_name="Ana")
    ana = emulator.user(8540, "Ana")
    await ana.send("/start")
    await ana.next_reply()
    answer = await ana.press_data("ob:consent:language")  # forged, or an old message: she is set up
    assert answer.show_alert and answer.text == "You're already set up. Use /settings to change your answers."
    answer = await ana.press_data("ob:loc:km")
    assert answer.show_alert
    assert (await person_of(bot, ana)).locale is None
