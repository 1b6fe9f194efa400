"""Translations of an existing shift, and the ones bilingual volunteers offer: a coordinator adds, changes or
removes one from /manage; readers of that language then see it, everyone else the original."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.clock import ManualClock
from bot.i18n import language_name
from bot.services import shift_texts
from bot.services.posting import TITLE_MAX
from bot.store import shifts as shift_store
from handlers import manage_views as mv
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator, TestUser
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
