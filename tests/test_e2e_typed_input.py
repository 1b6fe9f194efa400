"""Unusual typed answers through the whole stack: each is asked for again in the reader's language, and
nothing ends in "Sorry, something went wrong"."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from bot.i18n import Translator, language_in_sentence
from bot.services.signups import sign_up
from bot.store import reports, roles
from bot.store import shifts as shift_store
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator, BotMessage, TestUser
from tests.factories import make_org, make_shift, make_volunteer
from tests.flows import after_typed, press_state, replies, tr
from tests.test_e2e_newshift import LA, local_today, reply, start_dialogue

SORRY = "Sorry, something went wrong. Please try again."


def calm(locale: str, message: BotMessage) -> BotMessage:
    assert tr(locale, SORRY) not in message.text, message.text
    return message


async def onboard_until_zip(user: TestUser, locale: str) -> None:
    """/start up to the ZIP question, as a Californian who skips the phone number."""
    await user.send("/start")
    await user.next_reply()
    await user.press("✅ " + tr(locale, "I agree"))
    await replies(user, 2)  # the terms lose their buttons; the language question comes
    await user.press(tr(locale, "Continue in {language}").format(language=language_in_sentence(locale)))
    await user.next_reply()
    await user.press(tr(locale, "Use “{name}”").format(name=user.first_name))
    await replies(user, 2)
    await user.tap(tr(locale, "Skip"))
    await replies(user, 2)
    await press_state(user, "CA", locale)
    assert tr(locale, "What's your ZIP code? For example: {example}").split("{")[0] in (await user.next_reply()).text


async def answer(user: TestUser, text: str, locale: str) -> str:
    await user.send(text)
    return calm(locale, await reply(user)).text


async def said(user: TestUser, text: str, locale: str) -> str:
    await user.send(text)
    return calm(locale, await user.next_reply()).text


async def test_a_follow_up_number_in_any_digits_or_none(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    db, ur = bot.db, "ur"
    org = await make_org(db)
    starts = datetime.now(UTC) + timedelta(days=2)
    shift_id = await make_shift(db, org, title="Canvass", kind="canvass", starts=starts, hours=2)
    person = await make_volunteer(db, 3701, first_name="Ayesha", locale=ur, language_code=ur)
    signup = (await sign_up(db, person.id, shift_id, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)).signup
    assert signup is not None
    ayesha = emulator.user(3701, "Ayesha", language_code=ur)

    await ayesha.send("/help")
    await ayesha.next_reply()
    await ayesha.press_data(f"fr:{signup.id}:doors")  # the follow-up's button
    assert tr(ur, "How many doors did you knock?") in (await ayesha.next_reply()).text
    again = tr(ur, "Please send a whole number, like 25.")
    for typed in ("²", "1" * 400, "😀", "\u200b", "1²", "12 doors"):
        await ayesha.send(typed)
        assert again in calm(ur, await ayesha.next_reply()).text, typed
    await ayesha.send("\u200f۱۲")  # twelve, in the digits Urdu is typed with (and a right-to-left mark)
    calm(ur, await ayesha.next_reply())
    assert (await reports.get_for_signup(db, signup.id))["doors"] == 12


async def test_new_shift_typed_in_bengali_digits_and_nonsense(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    bn = "bn"
    user, _ = await start_dialogue(emulator, bot, bn)
    day = local_today() + timedelta(days=10)
    bengali = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")
    assert tr(bn, "I couldn't read that date. Type it like {examples}.").split("{")[0] in await answer(
        user, "12/" * 1000, bn
    )
    await answer(user, f"{day.day}/{day.month}".translate(bengali), bn)  # day first, as Bengali writes dates
    assert tr(bn, "I couldn't read that time. Type it like {examples}.").split("{")[0] in await answer(
        user, "²:30", bn
    )
    await answer(user, "১৮:৩০", bn)
    too_long = tr(bn, "A shift lasts at most {hours} hours. For minutes, type them like 90m.")
    assert too_long.split("{")[0] in await answer(user, "1" * 400, bn)
    await answer(user, "২", bn)  # two hours
    await answer(user, "Community hall", bn)
    assert tr(bn, "Type a number of volunteers, for example 12.") in await answer(user, "²", bn)
    assert tr(bn, "That's more than {max} volunteers. Type a number from 1 to {max}.").split("{")[0] in (
        await answer(user, "9" * 5000, bn)
    )
    await answer(user, "১২", bn)
    await user.press("✅ " + tr(bn, "Done"))
    await reply(user)
    await user.press(tr(bn, "No description"))
    await reply(user)
    await user.press(tr(bn, "When it starts"))
    await reply(user)
    weeks = tr(bn, "Type a number of weeks from 1 to {max}.").split("{")[0]
    for typed in ("²", "1" * 400, "\u200b"):
        assert weeks in await answer(user, typed, bn), typed
    preview = await answer(user, "৩", bn)  # three weeks
    assert tr(bn, "Preview: this is what volunteers will see.") in preview
    t = Translator(bn, LA)
    await user.press("✅ " + t.ngettext("Publish {count} shift", "Publish {count} shifts", 3).format(count=t.number(3)))
    calm(bn, await reply(user))
    stored = await bot.db.fetchall("SELECT starts_at, ends_at, capacity FROM shift ORDER BY starts_at")
    assert len(stored) == 3 and {r["capacity"] for r in stored} == {12}
    assert {r["ends_at"] - r["starts_at"] for r in stored} == {2 * 3600}
    first = datetime.fromtimestamp(stored[0]["starts_at"], LA)
    assert (first.date(), first.time()) == (day, time(18, 30))


async def test_a_zip_code_in_native_digits_or_superscripts(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    ur = "ur"
    user = emulator.user(3702, "Bilal", language_code=ur)
    await onboard_until_zip(user, ur)
    not_a_zip = tr(ur, "That doesn't look like a ZIP code. Please send the 5 digits, for example {example}.")
    for typed in ("²4103", "9410²", "9" * 400, "\u200b"):
        await user.send(typed)  # asked again below (the question above loses « Change state)
        assert not_a_zip.split("{")[0] in calm(ur, await after_typed(user)).text, typed
    await user.send("٩٤١٠٣")
    calm(ur, await after_typed(user))
    (row,) = await bot.db.fetchall("SELECT zip FROM person WHERE telegram_id = 3702")
    assert row["zip"] == "94103"


async def test_a_shift_title_of_invisible_characters_is_asked_again(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    hi = "hi"
    org = await make_org(bot.db, "kaya", "KAYA", state="CA")
    person = await make_volunteer(bot.db, 3703, first_name="Priya", locale=hi, language_code=hi)
    async with bot.db.transaction() as tx:
        await roles.grant(tx, person.id, org.id, "coordinator", None, 0)
    priya = emulator.user(3703, "Priya", language_code=hi)
    await priya.send("/newshift")
    await reply(priya)
    empty = tr(hi, "The title can't be empty.")
    for invisible in ("\u200b\u200b", "\u3164", "\u202e\u2066\u2069", "\u2800 \u200d"):  # blanks in a shift list
        assert empty in await answer(priya, invisible, hi), repr(invisible)
    # A bidi override would make the title read backwards, and everything after it on the line.
    kinds = await answer(priya, "\u200bफ़ोन बैंक \u202eknab enohp\u202c", hi)
    assert tr(hi, "What kind of shift is it?") in kinds
    assert "फ़ोन बैंक knab enohp" in kinds and "\u202e" not in kinds and "\u200b" not in kinds


async def test_a_csv_row_given_twice_is_reported_with_its_row_numbers(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    ko = "ko"
    org = await make_org(bot.db, "kaya", "KAYA", state="CA")
    person = await make_volunteer(bot.db, 3704, first_name="지현", locale=ko, language_code=ko)
    async with bot.db.transaction() as tx:
        await roles.grant(tx, person.id, org.id, "coordinator", None, 0)
    jihyun = emulator.user(3704, "지현", language_code=ko)
    day = local_today() + timedelta(days=5)
    bank = f"한인 폰뱅킹,phone_bank,{day},18:30,20:30,,https://zoom.us/j/1,10,ko"
    rows = ["title,kind,date,start,end,address,online_url,capacity,languages", bank,
            f"Canvass,canvass,{day},10:00,12:00,Main St,,8,", bank]
    await jihyun.send_document("shifts.csv", ("\r\n".join(rows) + "\r\n").encode(), mime_type="text/csv")
    report = calm(ko, await reply(jihyun))
    repeats = tr(ko, "This row repeats row {row}: the same shift would be posted twice. Delete one of them.")
    assert tr(ko, "Row {row}").format(row="4") + "</b>: " + repeats.format(row="2") in (report.html or "")
    assert await shift_store.count_all(bot.db) == 0
