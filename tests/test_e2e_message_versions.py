"""A coordinator writes a broadcast or a message to a shift once per language: each volunteer gets the
version in the language they read the bot in, or the original."""

from __future__ import annotations

import pytest

from bot.i18n import language_name
from bot.services import broadcasts, shift_admin, versions
from bot.services.broadcasts import Audience
from bot.services.posting import Invalid
from handlers import broadcast_views as bv
from handlers import manage_views as mv
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator
from tests.factories import coordinator_of, make_org, make_shift
from tests.flows import tr
from tests.test_e2e_manage import SHIFT_AT, coordinator, join, open_panel, volunteer

EN = "Canvass this <Saturday> — meet at the office!"
KO = "이번 <토요일> 방문 캠페인 — 사무실에서 만나요!"
KOREAN, VIETNAMESE = language_name("ko"), language_name("vi")
ADD = "🌐 " + tr("en", "Add a translation")


async def test_a_broadcast_in_english_and_korean_reaches_each_volunteer_in_theirs(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    org = await make_org(bot.db, state="CA")
    coord = await coordinator(bot, emulator, org)
    follows = (org.id,)
    _, jisu = await volunteer(bot, emulator, 3601, "지수", "ko", languages=("ko",), follows=follows)
    _, minho = await volunteer(bot, emulator, 3602, "민호", "ko", languages=("ko", "en"), follows=follows)
    _, lan = await volunteer(bot, emulator, 3604, "Lan", "vi", languages=("vi",), follows=follows)

    await coord.send("/broadcast")
    await coord.next_reply()
    await coord.press("✍️ " + tr("en", "Write the message"))
    await coord.next_reply()
    await coord.send(EN)
    preview = await coord.next_reply()
    assert ADD in preview.labels
    await coord.press(ADD)
    languages = await coord.next_reply()
    assert tr("en", "Which language will you write it in too?") in languages.text
    # The recipients' languages, most readers first, with how many read each.
    assert languages.labels[:2] == [f"{KOREAN} · 2", f"{VIETNAMESE} · 1"]
    forged = await coord.press_data(bv.PickVersion("xx").pack())
    assert forged.show_alert and "xx" in (forged.text or "")
    await coord.press(f"{KOREAN} · 2")
    ask = await coord.next_reply()
    assert tr("en", "Type the message in {language}.").format(language=KOREAN) in ask.text
    await coord.send("x" * (broadcasts.TEXT_MAX + 1))  # too long: said so, the version is not kept
    assert "⚠️" in (await coord.next_reply()).text
    await coord.send(KO)
    preview = await coord.next_reply()
    assert EN.replace("<", "&lt;").replace(">", "&gt;") in preview.text or EN in preview.text
    assert "🌐 " + tr("en", "Translations: {languages}").format(languages=KOREAN) in preview.text
    await coord.press("✅ Send to 3 people")
    await coord.next_reply()

    for user in (jisu, minho):
        got = await user.next_reply()
        assert KO in got.text and EN not in got.text and org.name in got.text
    got = await lan.next_reply()
    assert EN in got.text and KO not in got.text  # no Vietnamese version: the original
    stored = await bot.db.fetchone("SELECT text, texts FROM broadcast")
    assert stored is not None and stored["text"] == EN


async def test_a_message_to_a_shift_in_two_languages_and_a_version_removed_again(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Phone bank", starts=SHIFT_AT, capacity=5)
    coord = await coordinator(bot, emulator, org)
    ko_person, mina = await volunteer(bot, emulator, 3301, "미나", "ko")
    vi_person, lan = await volunteer(bot, emulator, 3302, "Lan", "vi")
    en_person, ana = await volunteer(bot, emulator, 3303, "Ana", "en")
    for i, person in enumerate((ko_person, vi_person, en_person)):
        await join(bot, person, shift_id, i)

    await open_panel(coord)
    await coord.press("✉️ " + tr("en", "Message everyone"))
    await coord.next_reply()
    await coord.send(EN)
    await coord.next_reply()
    await coord.press(ADD)
    languages = await coord.next_reply()
    assert f"{KOREAN} · 1" in languages.labels and f"{VIETNAMESE} · 1" in languages.labels
    await coord.press(f"{VIETNAMESE} · 1")
    await coord.next_reply()
    await coord.send("Bản tiếng Việt")
    await coord.next_reply()
    await coord.press(ADD)
    await coord.next_reply()
    await coord.press("✓ " + f"{VIETNAMESE} · 1")  # written: change or remove it
    ask = await coord.next_reply()
    assert "Bản tiếng Việt" in ask.text
    await coord.press("🗑 " + tr("en", "Remove this translation"))
    preview = await coord.next_reply()
    assert tr("en", "Translations: {languages}").split("{")[0] not in preview.text
    await coord.press(ADD)
    await coord.next_reply()
    await coord.press(f"{KOREAN} · 1")
    await coord.next_reply()
    await coord.send(KO)
    preview = await coord.next_reply()
    assert "🌐 " + tr("en", "Translations: {languages}").format(languages=KOREAN) in preview.text
    await coord.press("✅ " + tr("en", "Send"))
    await coord.next_reply()
    stale = await coord.press_data(mv.MessageVersions(shift_id).pack())  # sent: nothing left to add to
    assert stale.show_alert

    got = await mina.next_reply()
    assert KO in got.text and EN not in got.text
    for user in (lan, ana):
        got = await user.next_reply()
        assert EN in got.text and KO not in got.text and "Bản tiếng Việt" not in got.text


async def test_versions_are_read_by_the_rules_of_the_original(bot: RunningBot) -> None:
    assert versions.version_for("ko", "orig", {"ko": "한"}) == "한"
    assert versions.version_for("vi", "orig", {"ko": "한"}) == "orig"
    assert versions.read_versions({"zh-hant": " 你好 ", "ko": "  "}, broadcasts.read_text) == {"zh_Hant": "你好"}
    with pytest.raises(Invalid):
        versions.read_versions({"xx": "hi"}, broadcasts.read_text)
    with pytest.raises(Invalid):
        versions.read_versions({"ko": "x" * (shift_admin.MESSAGE_MAX + 1)}, shift_admin.read_message)
    org = await make_org(bot.db)
    with pytest.raises(broadcasts.NotAllowed):
        await broadcasts.send(bot.db, Audience(org.id), sender=coordinator_of(org.id + 1), text="hi", now=0,
                              texts={"ko": "안녕"})
