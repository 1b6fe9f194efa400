"""Translations of an existing shift, and the ones bilingual volunteers offer: a coordinator adds, changes or
removes one from /manage; readers of that language then see it, everyone else the original."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.clock import ManualClock
from bot.i18n import language_name
from bot.services import privacy, shift_texts
from bot.services.posting import TITLE_MAX
from bot.store import offers as offer_store
from bot.store import shifts as shift_store
from handlers import manage_views as mv
from handlers import offer_views as views
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator, BotMessage, TestUser
from tests.factories import coordinator_of, make_org, make_shift, volunteer_actor
from tests.flows import tr
from tests.test_e2e_manage import REFUSED, coordinator, open_panel, volunteer

START = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)
SHIFT_AT = datetime(2026, 12, 9, 22, 0, tzinfo=UTC)
TITLE, PLACE, ABOUT = "Koreatown canvass", "KAYA Office", "Knock on doors with a partner."
KO_TITLE, KO_PLACE = "코리아타운 방문 캠페인", "카야 사무실"
KO = language_name("ko")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


async def first_listed(user: TestUser) -> str:
    await user.send("/shifts")
    return (await user.next_reply()).text


async def open_translations(coord: TestUser) -> None:
    await open_panel(coord)
    await coord.press("✏️ " + tr("en", "Edit"))
    await coord.next_reply()
    await coord.press("🌐 " + tr("en", "Translations"))
    menu = await coord.next_reply()
    assert tr("en", "Which language is the translation in?").split("?")[0] in menu.text


async def test_a_coordinator_adds_changes_and_removes_a_korean_translation_from_manage(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title=TITLE, kind="canvass", starts=SHIFT_AT, place_name=PLACE,
                                description=ABOUT, languages=("ko",))
    coord = await coordinator(bot, emulator, org)
    _, jimin = await volunteer(bot, emulator, 3101, "지민", "ko", languages=("ko",))
    assert TITLE in await first_listed(jimin)

    await open_translations(coord)
    await coord.press(KO)
    ask = await coord.next_reply()
    assert "Type the title in " + KO in ask.text and TITLE in ask.text
    assert "🗑 " + tr("en", "Remove this translation") not in ask.labels  # nothing to remove yet
    await coord.send("x" * (TITLE_MAX + 1))  # too long: the same question, saying why
    again = await coord.next_reply()
    assert tr("en", "The title can have at most {max} characters; this one has {count}.").split("{")[0] in again.text
    await coord.send("<b>" + KO_TITLE)  # HTML is text, as in the original
    ask = await coord.next_reply()
    assert "Type the description in " + KO in ask.text and ABOUT in ask.text
    await coord.press(tr("en", "Skip"))
    ask = await coord.next_reply()
    assert "Type the place name in " + KO in ask.text and PLACE in ask.text
    await coord.send(KO_PLACE)
    menu = await coord.next_reply()
    assert "✅ " + tr("en", "Saved.") in menu.text and "✓ " + KO in menu.labels
    assert "🌐 " + tr("en", "Translations: {languages}").format(languages=KO) in menu.text

    shift = await shift_store.get(bot.db, shift_id)
    assert shift is not None
    assert sorted(shift.texts) == [("ko", "place_name", KO_PLACE), ("ko", "title", "<b>" + KO_TITLE)]
    listing = await first_listed(jimin)
    assert "&lt;b&gt;" + KO_TITLE in listing or "<b>" + KO_TITLE in listing
    assert TITLE not in listing

    # Changing it: the question shows what it says now; typing replaces it, Skip keeps the rest.
    await coord.press("✓ " + KO)
    ask = await coord.next_reply()
    assert tr("en", "Now: {value}").format(value="") in ask.text and KO_TITLE in ask.text
    await coord.send(KO_TITLE)
    await coord.next_reply()
    await coord.press(tr("en", "Skip"))
    await coord.next_reply()
    await coord.press(tr("en", "Skip"))
    await coord.next_reply()
    shift = await shift_store.get(bot.db, shift_id)
    assert shift is not None and shift.in_locale("ko").title == KO_TITLE
    assert shift.in_locale("ko").place_name == KO_PLACE and shift.in_locale("ko").description == ABOUT

    # An earlier question's Skip skips nothing now.
    await coord.press("✓ " + KO)
    ask = await coord.next_reply()
    stale_skip = await coord.press_data(mv.SkipTranslation(shift_id, "place_name").pack())
    assert stale_skip.show_alert and stale_skip.text == tr("en", "This button no longer works. Please send /start.")

    await coord.press("🗑 " + tr("en", "Remove this translation"))
    menu = await coord.next_reply()
    assert tr("en", "The translation in {language} is removed.").format(language=KO) in menu.text
    assert "✓ " + KO not in menu.labels and KO in menu.labels
    shift = await shift_store.get(bot.db, shift_id)
    assert shift is not None and shift.texts == ()
    assert TITLE in await first_listed(jimin)
    await coord.send("A stray text")  # the question closed with the removal: nothing is written
    await coord.next_reply()
    shift = await shift_store.get(bot.db, shift_id)
    assert shift is not None and shift.texts == ()


async def test_an_online_shift_without_description_asks_only_the_title(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Phone bank", kind="phone_bank", starts=SHIFT_AT,
                                online_url="https://zoom.us/j/1", description="")
    coord = await coordinator(bot, emulator, org)
    await open_translations(coord)
    await coord.press(language_name("vi"))
    await coord.next_reply()
    await coord.send("Gọi điện")
    menu = await coord.next_reply()
    assert "✓ " + language_name("vi") in menu.labels
    shift = await shift_store.get(bot.db, shift_id)
    assert shift is not None and shift.texts == (("vi", "title", "Gọi điện"),)


async def test_forged_translation_buttons_are_refused_and_the_service_checks_too(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    org = await make_org(bot.db)
    other = await make_org(bot.db, "other", "Other Org")
    shift_id = await make_shift(bot.db, org, title=TITLE, starts=SHIFT_AT)
    coord = await coordinator(bot, emulator, org)
    outsider = await coordinator(bot, emulator, other, tid=7002, name="Oscar")
    _, vee = await volunteer(bot, emulator, 3701, "Vee", "en")

    for user in (coord, vee, outsider):
        await user.send("/manage")
        await user.next_reply()
    answer = await coord.press_data(f"mg:tl:{shift_id}:xx")
    assert answer.show_alert and "xx" in (answer.text or "")
    for user in (vee, outsider):
        for button in (mv.Translations(shift_id), mv.Translate(shift_id, "ko"),
                       mv.SkipTranslation(shift_id, "title"), mv.RemoveTranslation(shift_id)):
            answer = await user.press_data(button.pack())
            assert answer.show_alert and answer.text == tr("en", REFUSED), button
        await user.send("코리아타운")  # no question was opened for them
        await user.next_reply()

    with pytest.raises(shift_texts.NotAllowed):
        await shift_texts.save(bot.db, actor=coordinator_of(other.id), shift_id=shift_id, locale="ko",
                               values={"title": "x"}, now=0)
    with pytest.raises(shift_texts.NotAllowed):
        await shift_texts.remove(bot.db, actor=volunteer_actor(), shift_id=shift_id, locale="ko", now=0)
    shift = await shift_store.get(bot.db, shift_id)
    assert shift is not None and shift.texts == ()


# --- translations offered by bilingual volunteers -------------------------------------------------------------

KO_ABOUT = "짝과 함께 집집마다 방문합니다."


async def open_card(user: TestUser, shift_id: int) -> BotMessage:
    """The card as a deep link opens it (also for someone the listing would not show it to)."""
    await user.send(f"/start shift-{shift_id}")
    return await user.next_reply()


async def test_a_korean_volunteers_offer_is_invisible_until_a_coordinator_approves_it(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    org = await make_org(bot.db)
    other = await make_org(bot.db, "other", "Other Org")
    shift_id = await make_shift(bot.db, org, title=TITLE, kind="canvass", starts=SHIFT_AT, place_name=PLACE,
                                description=ABOUT, languages=("ko",))
    coord = await coordinator(bot, emulator, org)
    second = await coordinator(bot, emulator, org, tid=7003, name="Sam")
    outsider = await coordinator(bot, emulator, other, tid=7002, name="Oscar")
    minji_person, minji = await volunteer(bot, emulator, 3001, "<민지>", "ko", languages=("ko", "en"))
    _, jimin = await volunteer(bot, emulator, 3101, "지민", "ko", languages=("ko",))
    _, lan = await volunteer(bot, emulator, 3102, "Lan", "vi", languages=("vi", "ko"))
    _, jin = await volunteer(bot, emulator, 3103, "Jin", "ko", languages=("en",))

    offer_label = "🌐 " + tr("ko", "Offer a translation")
    assert offer_label not in (await open_card(jin, shift_id)).labels  # reads Korean, doesn't speak a needed language
    forged = await jin.press_data(f"ot:{shift_id}")
    assert forged.show_alert and forged.text == tr("ko", views.cannot_offer_text)
    forged = await jin.press_data(f"ot:s:{shift_id}")
    assert forged.show_alert and forged.text == tr("ko", "This button no longer works. Please send /start.")
    assert "🌐 " + tr("vi", "Offer a translation") not in (await open_card(lan, shift_id)).labels  # reads Vietnamese
    card = await open_card(minji, shift_id)
    assert offer_label in card.labels
    await minji.press(offer_label)
    ask = await minji.next_reply()
    assert tr("ko", "Type the title in {language}, or tap Skip.").format(language=KO) in ask.text
    assert TITLE in ask.text
    await minji.send("<i>" + KO_TITLE)
    ask = await minji.next_reply()
    assert tr("ko", "Type the description in {language}, or tap Skip.").format(language=KO) in ask.text
    assert ABOUT in ask.text
    await minji.send(KO_ABOUT)
    thanks = await minji.next_reply()
    assert tr("ko", "Thank you! Your translation is with the organization's coordinators. Nobody sees it until "
                    "one of them approves it; I'll tell you what they decide.") in thanks.text

    # Waiting: nobody reads it, not even its author, and the shift's texts are untouched.
    shift = await shift_store.get(bot.db, shift_id)
    assert shift is not None and shift.texts == ()
    for reader in (jimin, minji):
        listing = await first_listed(reader)
        assert TITLE in listing and KO_TITLE not in listing

    await bot.dispatch()
    asked = await coord.next_reply()
    also_asked = await second.next_reply()
    await outsider.expect_no_reply()
    assert "&lt;민지&gt;" in asked.text or "<민지>" in asked.text  # the name, escaped
    assert KO_TITLE in asked.text and KO_ABOUT in asked.text and TITLE in asked.text
    assert asked.labels == ["✅ " + tr("en", "Approve"), "✖ " + tr("en", "Reject")]
    approve = next(data for row in asked.buttons for label, data in row if label.startswith("✅"))

    # Forged presses: a volunteer, another organization's coordinator; nothing is decided.
    for user in (jin, outsider):
        if not user.messages:
            await user.send("/start")
            await user.next_reply()
        answer = await user.press_data(approve)
        assert answer.show_alert and answer.text == tr(user_locale(user), REFUSED)
    assert KO_TITLE not in await first_listed(jimin)

    await coord.press("✅ " + tr("en", "Approve"), message=asked)
    decided = await coord.next_reply()
    assert decided.edited and not decided.labels
    assert tr("en", "Approved: readers of {language} see it now.").format(language=KO) in decided.text
    again = await second.press("✅ " + tr("en", "Approve"), message=also_asked)  # the other coordinator, late
    assert again.text == "✅ " + tr("en", "Another coordinator approved it already.")
    late = await second.next_reply()
    assert not late.labels and tr("en", "Another coordinator approved it already.") in late.text
    twice = await coord.press_data(approve)  # a double tap acts once
    assert twice.text == "✅ " + tr("en", "Approved: readers of {language} see it now.").format(language=KO)

    shift = await shift_store.get(bot.db, shift_id)
    assert shift is not None
    assert sorted(shift.texts) == [("ko", "description", KO_ABOUT), ("ko", "title", "<i>" + KO_TITLE)]
    listing = await first_listed(jimin)
    assert KO_TITLE in listing and TITLE not in listing
    card = await open_card(jimin, shift_id)
    assert KO_ABOUT in card.text and offer_label not in card.labels  # it has a Korean title now
    assert KO_TITLE not in await first_listed(lan)

    await bot.dispatch()
    told = await minji.next_reply()
    assert plain_head("ko", "Your translation of <b>{title}</b> is approved: readers of {language} see it now. "
                            "Thank you!") in told.text
    assert KO_TITLE in told.text
    await minji.expect_no_reply()
    rows = await bot.db.fetchall("SELECT status, decided_by FROM translation_offer")
    assert [tuple(r) for r in rows] == [("approved", (await people_id(bot, 7001)))]
    assert minji_person.id != rows[0]["decided_by"]


async def test_a_rejected_offer_is_never_shown_and_the_volunteer_is_thanked(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title=TITLE, kind="canvass", starts=SHIFT_AT, description="",
                                languages=("cmn",))
    coord = await coordinator(bot, emulator, org)
    mei_person, mei = await volunteer(bot, emulator, 3201, "Mei", "zh_Hant", languages=("cmn",))
    label = "🌐 " + tr("zh_Hant", "Offer a translation")
    await open_card(mei, shift_id)
    await mei.press(label)
    await mei.next_reply()
    await mei.send("x" * (TITLE_MAX + 1))  # too long: asked again
    again = await mei.next_reply()
    assert "⚠️" in again.text
    await mei.send("韓國城拜訪")  # no description: that's all
    await mei.next_reply()
    await bot.dispatch()
    asked = await coord.next_reply()
    assert "韓國城拜訪" in asked.text and language_name("zh_Hant") in asked.text
    await coord.press("✖ " + tr("en", "Reject"), message=asked)
    decided = await coord.next_reply()
    assert tr("en", "Rejected. The volunteer is told, with thanks.") in decided.text
    again_answer = await coord.press_data(
        next(data for row in asked.buttons for label_, data in row if label_.startswith("✅"))
    )
    assert again_answer.text == "✖ " + tr("en", "Rejected. The volunteer is told, with thanks.")  # stays rejected
    shift = await shift_store.get(bot.db, shift_id)
    assert shift is not None and shift.texts == ()
    await bot.dispatch()
    told = await mei.next_reply()
    assert plain_head("zh_Hant", "The coordinators didn't take your translation of <b>{title}</b> this time. "
                                 "Thank you for offering it!") in told.text
    assert label in (await open_card(mei, shift_id)).labels  # they may offer again

    # Their data: the offer is in their copy, and erasing them erases it.
    copy = await privacy.export(bot.db, mei_person.id, 0)
    assert copy is not None
    assert [(o["title"], o["status"]) for o in copy["translations_offered"]] == [("韓國城拜訪", "rejected")]
    await privacy.erase(bot.db, mei_person.id, 0, policy=bot.runtime.reminder_policy)
    assert await offer_store.for_person(bot.db, mei_person.id) == []


def plain_head(locale: str, message: str) -> str:
    return tr(locale, message).split("<")[0].split("{")[0].strip()


def user_locale(user: TestUser) -> str:
    return "ko" if user.id == 3103 else "en"


async def people_id(bot: RunningBot, telegram_id: int) -> int:
    return int(await bot.db.fetchval("SELECT id FROM person WHERE telegram_id = ?", (telegram_id,)))


async def test_a_newer_offer_replaces_the_waiting_one_and_its_old_buttons_approve_nothing(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title=TITLE, starts=SHIFT_AT, description="", languages=("ko",))
    coord = await coordinator(bot, emulator, org)
    _, minji = await volunteer(bot, emulator, 3001, "민지", "ko", languages=("ko",))
    for typed in ("첫 번역", KO_TITLE):
        await open_card(minji, shift_id)
        await minji.press("🌐 " + tr("ko", "Offer a translation"))
        await minji.next_reply()
        await minji.send(typed)
        await minji.next_reply()
        await bot.dispatch()
    first, second = await coord.next_reply(), await coord.next_reply()
    assert "첫 번역" in first.text and KO_TITLE in second.text
    answer = await coord.press("✅ " + tr("en", "Approve"), message=first)
    newer = tr("en", "The volunteer has sent a newer translation since; it is in a newer message.")
    assert answer.text == "ℹ️ " + newer
    assert newer in (await coord.next_reply()).text
    shift = await shift_store.get(bot.db, shift_id)
    assert shift is not None and shift.texts == ()
    await coord.press("✅ " + tr("en", "Approve"), message=second)
    await coord.next_reply()
    shift = await shift_store.get(bot.db, shift_id)
    assert shift is not None and shift.texts == (("ko", "title", KO_TITLE),)
