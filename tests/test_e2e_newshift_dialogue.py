"""/newshift and the CSV upload on the dialogue engine: a restart keeps the draft, typed text reaches exactly
one dialogue, opening one while another is open asks, and two presses of Publish publish once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from bot.i18n import Translator
from bot.store import dialogues as dialogue_store
from bot.store import people
from bot.store import shifts as shift_store
from handlers.kit import dialogues
from handlers.shift_views import hours_label
from tests.conftest import RunningBot, start_bot, stop_bot
from tests.emulator import BotAPIEmulator, BotMessage, TestUser
from tests.factories import make_org, make_shift
from tests.flows import expect_pointer, tr
from tests.test_e2e_double_taps import double_tap
from tests.test_e2e_newshift import LA, coordinator, csv_rows, day_label, local_today, reply, time_label, trn

ENDED = "This dialogue has ended. Send /newshift to post a shift."
GONE = "This upload is no longer waiting. Send the file again."
SWITCH = "You're in the middle of {current}. Leave it and start {new}?"
TITLE_QUESTION = "What is the shift called? For example: <i>Weekly phone bank for Korean speakers</i>"
PLACE_QUESTION = "Where is it? Type the address, share a location (📎 → Location), or tap Online if it happens online."
CAPACITY_QUESTION = "How many volunteers can sign up? Tap one, or type a number from 1 to 10,000."
GOT_LOCATION = "Got the location. What should volunteers look for there? For example: <i>KAYA office, 2nd floor</i>"


def switch_text(locale: str, current: str, new: str) -> str:
    return tr(locale, SWITCH).format(current=tr(locale, current), new=tr(locale, new))


async def until(user: TestUser, needle: str) -> BotMessage:
    """The next message (or edit) that shows `needle`, past older questions losing their buttons."""
    message = await reply(user)
    while needle not in message.text:
        message = await reply(user)
    return message


async def restart(running: RunningBot, emulator: BotAPIEmulator, db_path: Path) -> RunningBot:
    await stop_bot(running)
    return await start_bot(emulator, db_path)


async def place_to_preview(user: TestUser, locale: str = "en") -> BotMessage:
    """From the capacity question to the preview, by buttons."""
    await user.press("5")
    await reply(user)
    await user.press("✅ " + tr(locale, "Done"))
    await reply(user)
    await user.press(tr(locale, "No description"))
    await reply(user)
    await user.press(tr(locale, "When it starts"))
    await reply(user)
    await user.press(tr(locale, "Just once"))
    return await reply(user)


async def kind_to_place(user: TestUser, locale: str = "en") -> BotMessage:
    """From the kind question to the place question, by buttons."""
    day = local_today() + timedelta(days=3)
    await user.press("📞 " + tr(locale, "Phone bank"))
    await reply(user)
    await user.press(day_label(locale, day))
    await reply(user)
    await user.press(time_label(locale, day, time(10, 0)))
    await reply(user)
    await user.press(hours_label(Translator(locale, LA), 60))
    return await reply(user)


async def at_preview(emulator: BotAPIEmulator, bot: RunningBot, telegram_id: int) -> tuple[TestUser, BotMessage]:
    org = await make_org(bot.db, "kaya", "KAYA", state="CA")
    await coordinator(bot.db, telegram_id, org)
    user = emulator.user(telegram_id, "Coord")
    await user.send("/newshift")
    await reply(user)
    await user.send("Phone bank")
    await reply(user)
    await kind_to_place(user)
    await user.send("1 Main St")
    await reply(user)
    return user, await place_to_preview(user)


async def test_a_restart_at_the_title_the_place_and_the_preview_continues_the_draft(
    emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    vi = "vi"
    db_path = tmp_path / "turnout.sqlite3"
    running = await start_bot(emulator, db_path)
    try:
        org = await make_org(running.db, "kaya", "KAYA", state="CA")
        await coordinator(running.db, 3801, org, locale=vi)
        user = emulator.user(3801, "Coord", language_code=vi)
        await user.send("/newshift")
        assert tr(vi, TITLE_QUESTION).split("<i>")[0].strip() in (await reply(user)).text

        running = await restart(running, emulator, db_path)  # the title question waits
        await user.send("Gọi điện cho cử tri")
        kind = await reply(user)
        assert tr(vi, "What kind of shift is it?") in kind.text and "Gọi điện cho cử tri" in kind.text
        place = await kind_to_place(user, vi)
        assert tr(vi, PLACE_QUESTION) in place.text

        running = await restart(running, emulator, db_path)  # the place question waits
        await user.send("1 Main St, Los Angeles")
        capacity = await reply(user)
        assert tr(vi, CAPACITY_QUESTION) in capacity.text
        assert "1 Main St, Los Angeles" in capacity.text
        preview = await place_to_preview(user, vi)
        assert tr(vi, "Preview: this is what volunteers will see.") in preview.text

        running = await restart(running, emulator, db_path)  # the preview waits for Publish
        answer = await user.press("✅ " + tr(vi, "Publish"))
        assert not answer.show_alert
        done = await reply(user)
        assert tr(vi, "✅ Published! Volunteers who match it can find it on /shifts now.") in done.text
        (shift,) = await running.db.fetchall("SELECT title, address FROM shift")
        assert (shift["title"], shift["address"]) == ("Gọi điện cho cử tri", "1 Main St, Los Angeles")
        person = await people.get_by_telegram_id(running.db, 3801)
        assert person is not None
        row = await dialogue_store.get(running.db, person.id)
        assert row is None or row.step == dialogues.DONE  # published: nothing open any more
        await user.send("anything")
        await expect_pointer(user, vi)
    finally:
        await stop_bot(running)
    emulator.assert_no_errors()


async def test_what_cant_be_an_answer_is_asked_for_again(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    ko = "ko"
    org = await make_org(bot.db, "kaya", "KAYA", state="CA")
    await coordinator(bot.db, 3802, org, locale=ko)
    user = emulator.user(3802, "Coord", language_code=ko)
    await user.send("/newshift")
    await reply(user)
    photo = {"photo": [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]}
    await user._post(photo)
    again = await reply(user)
    assert tr(ko, "I can't use that here. Please type your answer, or tap a button.") in again.text
    assert tr(ko, TITLE_QUESTION).split("<i>")[0].strip() in again.text
    await user.share_location(37.56, 126.97)
    assert tr(ko, "I don't need a location right now.") in (await reply(user)).text
    await user.send("폰뱅킹")
    await reply(user)
    await user._post(photo)  # the kind question wants a tap
    again = await reply(user)
    assert tr(ko, "Please tap one of the buttons.") in again.text and tr(ko, "What kind of shift is it?") in again.text
    await user.send("폰뱅킹 again")
    assert tr(ko, "Please tap one of the buttons.") in (await reply(user)).text
    place = await kind_to_place(user, ko)
    assert "💻 " + tr(ko, "Online") in place.labels
    await user.share_location(37.56, 126.97)  # the place question takes a shared location, as before
    assert tr(ko, GOT_LOCATION).split("<i>")[0].strip() in (await reply(user)).text
    assert await shift_store.count_all(bot.db) == 0


async def test_a_csv_sent_at_the_first_question_is_the_upload(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    org = await make_org(bot.db, "kaya", "KAYA", state="CA")
    person = await coordinator(bot.db, 3803, org)
    user = emulator.user(3803, "Coord")
    await user.send("/newshift")
    await reply(user)
    day = local_today() + timedelta(days=4)
    await user.send_document("one.csv", csv_rows("title,kind,date,start,end,address,capacity",
                                                 f"Canvass,canvass,{day},10:00,12:00,Main St,8"))
    summary = await until(user, "one.csv")
    assert tr("en", "Publish them?") in summary.text
    dialogue = await dialogue_store.get(bot.db, person.id)
    assert dialogue is not None and dialogue.kind == "upload"  # the draft gave way to the upload
    await user.send("/cancel")
    assert (await reply(user)).text == tr("en", "Cancelled. Nothing was posted.")
    assert await dialogue_store.get(bot.db, person.id) is None and await shift_store.count_all(bot.db) == 0


# --- typed text reaches exactly one dialogue ----------------------------------------------------------------


async def test_a_name_editor_then_newshift_the_title_goes_only_to_the_draft(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    org = await make_org(bot.db, "kaya", "KAYA", state="CA")
    person = await coordinator(bot.db, 3811, org, name="Mai")
    user = emulator.user(3811, "Mai")
    await user.send("/settings")
    await user.next_reply()
    await user.press("👤 " + tr("en", "Name"))
    await user.next_reply()
    # A one-question editor closes when another command comes (the engine's rule): nothing to leave.
    await user.send("/newshift")
    assert "What is the shift called?" in (await reply(user)).text
    await user.send("Hmong Youth Alliance")
    kind = await reply(user)
    assert "What kind of shift is it?" in kind.text and "Hmong Youth Alliance" in kind.text
    await asyncio.sleep(0.3)
    assert all(m.edited and not m.buttons for m in user.drain())  # only the title question's buttons went
    again = await people.get_by_telegram_id(bot.db, 3811)
    assert again is not None and again.display_name == person.display_name


async def test_newshift_then_a_name_editor_asks_and_both_answers_work(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    es = "es"
    org = await make_org(bot.db, "kaya", "KAYA", state="CA")
    await coordinator(bot.db, 3812, org, name="Ana", locale=es)
    user = emulator.user(3812, "Ana", language_code=es)
    await user.send("/newshift")
    await reply(user)
    await user.send("Banco telefónico")
    await reply(user)
    await user.send("/settings")
    await reply(user)
    await user.press("👤 " + tr(es, "Name"))
    asked = await reply(user)
    assert asked.text == switch_text(es, "posting a shift", "changing your settings")
    await user.press(tr(es, "Keep going"))
    kept = await reply(user)
    while tr(es, "What kind of shift is it?") not in kept.text:  # the switch question loses its buttons first
        kept = await reply(user)
    assert "Banco telefónico" in kept.text
    await user.press("📞 " + tr(es, "Phone bank"), message=kept)
    assert tr(es, "Which day? Tap one, or type a date (for example {examples}).").split("{")[0] in (
        await reply(user)
    ).text

    await user.press("👤 " + tr(es, "Name"))
    assert (await reply(user)).text == switch_text(es, "posting a shift", "changing your settings")
    await user.press(tr(es, "Leave it and start"))
    await user.send("Ana María")
    saved = await reply(user)
    while tr(es, "Name: {value}").format(value="Ana María") not in saved.text:
        saved = await reply(user)
    await user.send("another name")
    await expect_pointer(user, es)  # the draft is gone and the editor closed with the save
    answer = await user.press_data("ns:pub")
    assert answer.show_alert and answer.text == tr(es, ENDED)


async def test_an_upload_waiting_then_newshift_asks_and_both_answers_work(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    org = await make_org(bot.db, "kaya", "KAYA", state="CA")
    await coordinator(bot.db, 3813, org)
    user = emulator.user(3813, "Coord")
    day = local_today() + timedelta(days=4)
    rows = csv_rows("title,kind,date,start,end,address,capacity", f"Canvass,canvass,{day},10:00,12:00,Main St,8")
    await user.send_document("one.csv", rows)
    await reply(user)
    await user.send("/newshift")
    assert (await reply(user)).text == switch_text("en", "publishing shifts from a file", "posting a shift")
    await user.press("Keep going")
    summary = await reply(user)
    while "one.csv" not in summary.text:
        summary = await reply(user)
    await user.send("/newshift")
    await reply(user)
    await user.press("Leave it and start")
    title = await reply(user)
    while "What is the shift called?" not in title.text:
        title = await reply(user)
    answer = await user.press_data(summary.button("✅ Publish 1 shift")[1] or "", message=summary)
    assert answer.show_alert and answer.text == GONE
    await user.send("Phone bank")
    assert "What kind of shift is it?" in (await reply(user)).text
    assert await shift_store.count_all(bot.db) == 0


async def test_newshift_open_then_a_manage_title_question_the_text_goes_to_one(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    org = await make_org(bot.db, "kaya", "KAYA", state="CA")
    person = await coordinator(bot.db, 3814, org)
    shift_id = await make_shift(bot.db, org, title="Phone bank", starts=datetime.now(UTC) + timedelta(days=3))
    user = emulator.user(3814, "Coord")
    await user.send("/newshift")
    await reply(user)
    await user.send("/manage")
    await reply(user)
    await user.press("1")
    await reply(user)
    await user.press("✏️ Edit")
    await reply(user)
    await user.press("Title")
    assert (await reply(user)).text == switch_text("en", "posting a shift", "changing a shift")
    await user.press("Keep going")
    await until(user, "What is the shift called?")
    await user.send("Evening phone bank")  # the draft's title: the shift keeps its own
    assert "Evening phone bank" in (await until(user, "What kind of shift is it?")).text
    shift = await shift_store.get(bot.db, shift_id)
    assert shift is not None and shift.title == "Phone bank"

    await user.press("Title")  # the /manage panel's button again, and this time leave the draft
    assert (await reply(user)).text == switch_text("en", "posting a shift", "changing a shift")
    await user.press("Leave it and start")
    await reply(user)
    await user.send("Morning phone bank")
    await reply(user)
    await bot.inbox.wait_idle()
    shift = await shift_store.get(bot.db, shift_id)
    assert shift is not None and shift.title == "Morning phone bank"
    draft = await dialogue_store.get(bot.db, person.id)
    assert draft is None or draft.kind != "newshift"
    assert await shift_store.count_all(bot.db) == 1
    assert not [m for m in user.messages if "Morning phone bank" in m.text and "New shift" in m.text]


# --- two presses of Publish arriving together -----------------------------------------------------------------


async def presses(bot: RunningBot, user: TestUser, label: str, message: BotMessage) -> list[tuple[bool, str | None]]:
    """The same button pressed twice in one getUpdates batch; (alert?, text) of both answers."""
    answers = await double_tap(bot, user, label, message)
    return sorted((a.show_alert, a.text) for a in answers)


async def test_two_presses_of_publish_publish_once(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    user, preview = await at_preview(emulator, bot, 3821)
    assert await presses(bot, user, "✅ Publish", preview) == [(False, None), (True, ENDED)]
    assert await shift_store.count_all(bot.db) == 1
    done = [m for m in user.messages if "Published!" in m.text]
    assert len(done) == 1


async def test_two_presses_of_publish_under_an_upload_publish_once(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    org = await make_org(bot.db, "kaya", "KAYA", state="CA")
    await coordinator(bot.db, 3822, org)
    user = emulator.user(3822, "Coord")
    day = local_today() + timedelta(days=4)
    await user.send_document("two.csv", csv_rows(
        "title,kind,date,start,end,address,capacity",
        f"Canvass,canvass,{day},10:00,12:00,Main St,8",
        f"Canvass,canvass,{day + timedelta(days=1)},10:00,12:00,Main St,8",
    ))
    summary = await reply(user)
    label = "✅ " + trn("en", "Publish {count} shift", "Publish {count} shifts", 2).format(count="2")
    assert await presses(bot, user, label, summary) == [(False, None), (True, GONE)]
    assert await shift_store.count_all(bot.db) == 2
    assert len([m for m in user.messages if "Published 2 shifts from two.csv." in m.text]) == 1


async def test_an_org_given_up_meanwhile_stops_the_publish(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    user, preview = await at_preview(emulator, bot, 3823)
    async with bot.db.transaction() as tx:
        await tx.execute("UPDATE org SET status = 'archived'")
    answer = await user.press("✅ Publish", message=preview)
    assert answer.show_alert and await shift_store.count_all(bot.db) == 0
