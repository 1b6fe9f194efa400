"""/mydata and /deleteme through the emulator: the copy holds everything, deletion keeps only counts."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta

from bot.i18n import translations
from bot.services.signups import sign_up
from bot.store import dialogues as dialogue_store
from bot.store import orgs, people, signups
from bot.store.dialogues import Dialogue
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator
from tests.factories import make_org, make_shift, make_volunteer
from tests.flows import gettext, onboard


def soon(days: float) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(second=0, microsecond=0)


async def test_mydata_sends_everything_stored(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    org = await make_org(bot.db, "kaya", "KAYA Network")
    shift_id = await make_shift(bot.db, org, title="Phone bank for Korean speakers", starts=soon(3))
    vi = gettext("vi")
    linh = emulator.user(9101, "Linh", language_code="vi")
    await onboard(linh, "vi", phone="84901234567", start="/start org-kaya")
    person = await people.get_by_telegram_id(bot.db, linh.id)
    assert person is not None
    await sign_up(bot.db, person.id, shift_id, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
    await linh.send("/mydata")
    sent = await linh.next_reply()
    assert sent.text == vi("Here is everything I keep about you, as a JSON file.")
    assert sent.document is not None and sent.document.filename == "mydata.json"
    data = json.loads(sent.document.data.decode("utf-8"))
    assert data["profile"]["name"] == "Linh" and data["profile"]["phone"] == "+84901234567"
    assert data["profile"]["language"] == "vi" and data["profile"]["zip"] == "94103"
    assert data["profile"]["consent_at"].endswith("+00:00")
    assert data["outreach_languages"] == ["vi"]
    assert data["following"] == [{"slug": "kaya", "name": "KAYA Network"}]
    assert [s["shift"] for s in data["signups"]] == ["Phone bank for Korean speakers"]
    assert data["signups"][0]["status"] == "confirmed"
    assert data["roles"] == [] and data["checkins"] == [] and data["reports"] == []
    # Non-ASCII stays readable in the file (not \\u escapes).
    minji = emulator.user(9102, "민지", language_code="ko")
    await onboard(minji, "ko")
    await minji.send("/mydata")
    document = (await minji.next_reply()).document
    assert document is not None and "민지".encode() in document.data


async def test_deleteme_erases_withdraws_and_promotes(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    org = await make_org(bot.db, "kaya", "KAYA Network")
    full = await make_shift(bot.db, org, title="Last place canvass", kind="canvass", starts=soon(2), capacity=1)
    other = await make_shift(bot.db, org, title="Big phone bank", starts=soon(4), capacity=10)
    ko = translations("ko")
    minji = emulator.user(9103, "민지", language_code="ko")
    await onboard(minji, "ko", phone="821012345678", start="/start org-kaya")
    leaving = await people.get_by_telegram_id(bot.db, minji.id)
    assert leaving is not None
    now = bot.runtime.now_ts()
    await sign_up(bot.db, leaving.id, full, now, policy=bot.runtime.reminder_policy)
    await sign_up(bot.db, leaving.id, other, now, policy=bot.runtime.reminder_policy)
    # Next in line for the full shift: a Vietnamese volunteer, told in Vietnamese when a place opens.
    linh = emulator.user(9104, "Linh", language_code="vi")
    waiting = await make_volunteer(bot.db, linh.id, first_name="Linh", language_code="vi", locale="vi")
    queued = await sign_up(bot.db, waiting.id, full, now, policy=bot.runtime.reminder_policy)
    assert queued.signup is not None and queued.signup.status == "waitlisted"

    await minji.send("/deleteme")
    ask = await minji.next_reply()
    assert (
        ko.ngettext(
            "You'll also be taken off your {count} upcoming shift, and the next person in line gets your place.",
            "You'll also be taken off your {count} upcoming shifts, and the next people in line get your places.",
            2,
        ).format(count=2)
        in ask.text
    )
    await minji.press(ko.gettext("No, keep it"))
    assert (await minji.next_reply()).text == ko.gettext("OK, nothing was deleted.")
    assert (await people.get(bot.db, leaving.id)).display_name == "민지"  # type: ignore[union-attr]

    # A draft left open (its words are theirs) goes with the rest.
    await dialogue_store.put(bot.db, leaving.id, Dialogue(kind="neworg", step="slug", data={"name": "민지네"}), now)
    await minji.send("/deleteme")
    await minji.next_reply()
    await minji.press("🗑 " + ko.gettext("Yes, delete my data"))
    bye = await minji.next_reply()
    assert bye.text == ko.gettext(
        "Your data has been deleted. Thank you for everything you did! If you send /start again, we'll start fresh."
    )
    assert not bye.labels
    promoted = await linh.next_reply()
    assert translations("vi").gettext("🎉 Good news: a place opened up and it's yours!") in (promoted.text or "")

    gone = await people.get(bot.db, leaving.id)
    assert gone is not None and gone.status == "deleted" and gone.telegram_id == -leaving.id
    assert (gone.display_name, gone.first_name, gone.phone, gone.zip, gone.state) == (None, None, None, None, None)
    assert await people.languages(bot.db, leaving.id) == [] and await people.interests(bot.db, leaving.id) == []
    assert await orgs.followed_ids(bot.db, leaving.id) == set()
    assert await dialogue_store.get(bot.db, leaving.id) is None
    for shift_id in (full, other):  # rows kept, anonymous, for the counts
        assert (await signups.find(bot.db, shift_id, leaving.id)).status == "cancelled"  # type: ignore[union-attr]
    assert (await signups.find(bot.db, full, waiting.id)).status == "confirmed"  # type: ignore[union-attr]
    audit = await bot.db.fetchone("SELECT action, actor_id, details FROM audit_log WHERE action = 'person.erased'")
    assert audit is not None and audit["actor_id"] == leaving.id
    assert json.loads(audit["details"]) == {"signups_withdrawn": 2, "waitlist_promotions": 1}

    # The same Telegram user is someone new now, and the old confirmation can't touch them.
    await minji.send("/start")
    again = await minji.next_reply()
    assert ko.gettext("Is that OK with you?") in again.text
    fresh = await people.get_by_telegram_id(bot.db, minji.id)
    assert fresh is not None and fresh.id != leaving.id and fresh.consent_at is None
    # Nothing that names them is kept again before they agree; the greeting still uses their Telegram name.
    assert (fresh.first_name, fresh.last_name, fresh.username) == (None, None, None)
    assert ko.gettext("Hi, {name}! I'm Turnout.").format(name=minji.first_name) in again.text
    answer = await minji.press_data(f"del:yes:{leaving.id}")
    assert answer.show_alert and answer.text == ko.gettext("This button no longer works. Please send /start.")
    answer = await minji.press_data(f"del:yes:{fresh.id + 1}")
    assert answer.show_alert
    assert (await people.get(bot.db, fresh.id)).status == "active"  # type: ignore[union-attr]


async def test_deleteme_says_it_worked_when_the_confirmation_cannot_be_edited(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    """The confirmation is too old to edit (or was deleted): the goodbye comes as a new message, never an error."""
    ko = translations("ko")
    person = await make_volunteer(bot.db, 9105, first_name="민지", locale="ko")
    minji = emulator.user(9105, "민지", language_code="ko")
    await minji.send("/deleteme")
    await minji.next_reply()
    emulator.refuse_next("editMessageText", "Bad Request: message can't be edited")

    await minji.press("🗑 " + ko.gettext("Yes, delete my data"))
    bye = await minji.next_reply()
    assert not bye.edited and bye.text == ko.gettext(
        "Your data has been deleted. Thank you for everything you did! If you send /start again, we'll start fresh."
    )
    await minji.expect_no_reply(within=0.3)  # and no "Sorry, something went wrong" after it
    gone = await people.get(bot.db, person.id)
    assert gone is not None and gone.status == "deleted"
    assert [e.method for e in emulator.errors] == ["editMessageText"]  # the refusal we asked for, only
    emulator.errors.clear()


async def test_deleteme_leaves_no_copy_on_disk(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    """After /deleteme, the name, username and phone are in none of the files, while the bot runs."""
    secrets = ("Zephyrine", "Quillfeather", "zephyr_q_4242", "15550104242")
    path = bot.db.path
    files = [path, path.with_name(path.name + "-wal")]

    def on_disk() -> set[str]:
        raw = b"".join(p.read_bytes() for p in files if p.exists())
        return {s for s in secrets if s.encode() in raw}

    en = translations("en")
    user = emulator.user(9106, "Zephyrine", last_name="Quillfeather", username="zephyr_q_4242")
    await onboard(user, "en", phone="15550104242")
    assert on_disk() == set(secrets)
    await user.send("/deleteme")
    await user.next_reply()
    await user.press("🗑 " + en.gettext("Yes, delete my data"))
    assert (await user.next_reply()).text == en.gettext(
        "Your data has been deleted. Thank you for everything you did! If you send /start again, we'll start fresh."
    )
    assert on_disk() == set()
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in files} == {oct(0o600)}
