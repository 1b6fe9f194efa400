"""The profile rules and the onboarding state machine, against a real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import zip_zones
from bot.db import Database
from bot.services import privacy, profile
from bot.services.people import TelegramIdentity, identify
from bot.services.profile import InvalidChoice, InvalidName, InvalidPhone, InvalidZip, PersonGone
from bot.services.signups import sign_up
from bot.store import people
from bot.store.people import Person
from bot.text import fold_digits
from bot.vocab import OUTSIDE_US, STATE_ZONES, states_for_zip, zones_for_zip
from tests.factories import POLICY, make_org, make_shift, make_volunteer

NOW = 1_800_000_000


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "profile.sqlite3")
    await database.migrate()
    try:
        yield database
    finally:
        await database.close()


async def newcomer(db: Database, telegram_id: int = 1, first_name: str = "Sam") -> Person:
    async with db.transaction() as tx:
        return await people.upsert_from_telegram(
            tx, telegram_id=telegram_id, first_name=first_name, last_name=None, username=None,
            language_code="en", now=NOW,
        )  # fmt: skip


# --- pure rules -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Sam  ", "Sam"), ("Kim\n  Min   Ji", "Kim Min Ji"), ("민지", "민지"), ("x" * 64, "x" * 64), ("<b>", "<b>"),
        # What hides or reorders text is dropped, by the rule every stored text follows (bot/text.py).
        ("Sam\x00", "Sam"), ("Sam\x1b[31m", "Sam[31m"), ("Sam\u202egnp.exe", "Samgnp.exe"), ("Sam\u2028Kim", "Sam Kim"),
        ("\u200bSam\u200b \u3164", "Sam"), ("\u2067مریم\u2069", "مریم"),
    ],
)
def test_clean_name_accepts(raw: str, expected: str) -> None:
    assert profile.clean_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("x" * 65, "too_long"),
        ("A" * 5000, "too_long"),
        ("   ", "empty"),
        # Nothing visible: zero-width characters, bidi controls, Hangul fillers, the Braille blank.
        ("\u200b\u200b", "empty"),
        ("\u200c\u200d\u2060\ufeff", "empty"),
        ("\u202e\u2066\u2069", "empty"),
        ("\u3164 \u2800", "empty"),
        ("\x00\x07", "empty"),
    ],
)
def test_clean_name_refuses(raw: str, reason: str) -> None:
    with pytest.raises(InvalidName) as caught:
        profile.clean_name(raw)
    assert caught.value.reason == reason


def test_zero_width_joiners_in_names_are_allowed() -> None:
    # Needed to spell names in Indic and Persian-script languages correctly.
    assert profile.clean_name("क्\u200dष") == "क्\u200dष"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+1 (415) 555-0123", "+14155550123"),
        ("14155550123", "+14155550123"),  # Telegram's contact number, without "+"
        ("4155550123", "+14155550123"),  # a bare US number
        ("821012345678", "+821012345678"),
        ("+84 90 123 4567", "+84901234567"),
    ],
)
def test_normalize_phone(raw: str, expected: str) -> None:
    assert profile.normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", "abc", "12", "+1 555"])
def test_unreadable_phone_numbers(raw: str) -> None:
    with pytest.raises(InvalidPhone):
        profile.normalize_phone(raw)


def test_check_zip() -> None:
    assert profile.check_zip("CA", " 94103-1234 ") == "94103"
    with pytest.raises(InvalidZip) as caught:
        profile.check_zip("CA", "abcde")
    assert caught.value.reason == "format"
    with pytest.raises(InvalidZip) as caught:
        profile.check_zip("CA", "99999x")
    assert caught.value.reason == "format"
    with pytest.raises(InvalidZip) as caught:
        profile.check_zip("CA", "10001")
    assert caught.value.reason == "other_state" and caught.value.states == {"NY"}


@pytest.mark.parametrize("state", sorted(STATE_ZONES))
def test_every_state_has_an_example_zip_of_its_own(state: str) -> None:
    example = profile.example_zip(state)
    assert state in states_for_zip(example)
    assert profile.check_zip(state, example) == example


def test_the_steps_in_order() -> None:
    assert profile.step_after("consent", None) == "language"
    assert profile.step_after("phone", None) == "state"
    assert profile.step_after("state", "CA") == "zip"
    assert profile.step_after("state", OUTSIDE_US) == "timezone"
    assert profile.step_after("zip", "CA") == "languages"  # one zone: nothing to ask
    assert profile.step_after("zip", "TX") == "timezone"  # no ZIP yet: the state has two zones
    assert profile.step_after("zip", "TX", "77036") == "languages"  # Houston: the ZIP decides
    assert profile.step_after("zip", "NE", "69201") == "timezone"  # Valentine: its county spans the line
    assert profile.step_after("timezone", OUTSIDE_US) == "languages"
    assert profile.step_after("interests", "CA") is None


def test_default_outreach_language() -> None:
    assert [profile.default_outreach_language(x) for x in ("en", "ko", "zh_Hans", "fil", "vi", "bn")] == [
        "en", "ko", "cmn", "tl", "vi", "bn",
    ]  # fmt: skip
    assert profile.default_outreach_language("zh_Hant") is None  # Mandarin or Cantonese: their call
    assert profile.default_outreach_language(None) is None


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("org-kaya", profile.StartLink("org", slug="kaya")),
        ("org-KAYA_ca-2", profile.StartLink("org", slug="kaya_ca-2")),
        ("shift-42", profile.StartLink("shift", shift_id=42)),
        ("shift-0", None),
        ("shift-abc", None),
        ("org-", None),
        ("inv-abc", None),
        ("ci-abc", None),  # too short to be a code
        ("ci-Ab3_x-9Qr7TkLmNoPqRsTu", profile.StartLink("checkin", token="Ab3_x-9Qr7TkLmNoPqRsTu")),
        ("ci-bad/token1", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_start_link(payload: str | None, expected: profile.StartLink | None) -> None:
    assert profile.parse_start_link(payload) == expected


# --- the state machine --------------------------------------------------------------------------------


async def test_onboarding_walks_the_steps_and_saves_each_answer(db: Database) -> None:
    person = await newcomer(db)
    assert profile.current_step(person) == "consent"
    person = await profile.agree(db, person.id, NOW)
    assert (profile.current_step(person), person.consent_at) == ("language", NOW)
    person = await profile.set_locale(db, person.id, "ko", NOW)
    assert (profile.current_step(person), person.locale) == ("name", "ko")
    person = await profile.set_name(db, person.id, " Min  Ji ", NOW)
    assert (profile.current_step(person), person.display_name) == ("phone", "Min Ji")
    person = await profile.set_phone(db, person.id, "14155550123", NOW)
    assert (profile.current_step(person), person.phone) == ("state", "+14155550123")
    person = await profile.choose_state(db, person.id, "NE", NOW)
    assert (profile.current_step(person), person.timezone) == ("zip", "America/Chicago")
    with pytest.raises(InvalidZip):
        await profile.set_zip(db, person.id, "94103", NOW)
    person = await profile.set_zip(db, person.id, "69201", NOW)
    assert profile.current_step(person) == "timezone"
    with pytest.raises(InvalidChoice):
        await profile.set_timezone(db, person.id, "Asia/Seoul", NOW)  # not a Nebraska zone
    person = await profile.set_timezone(db, person.id, "America/Denver", NOW)
    assert profile.current_step(person) == "languages"
    assert await people.languages(db, person.id) == ["ko"]  # preselected from the UI language
    assert await profile.toggle_language(db, person.id, "en") == ["ko", "en"]
    assert await profile.toggle_language(db, person.id, "ko") == ["en"]
    person = await profile.finish_languages(db, person.id, NOW)
    assert await profile.toggle_interest(db, person.id, "canvass") == ["canvass"]
    person = await profile.finish_interests(db, person.id, NOW)
    assert person.is_registered and profile.current_step(person) is None
    # Later answers (settings) change values but never move a registered person back into onboarding.
    person = await profile.set_name(db, person.id, "Minji", NOW)
    assert person.is_registered and person.display_name == "Minji"


@pytest.mark.parametrize(
    ("state", "zip_code", "zone"),
    [
        ("OR", "97205", "America/Los_Angeles"),  # Portland
        ("OR", "97910", "America/Boise"),  # Jordan Valley, on Mountain Time like most of Malheur County
        ("TX", "77036", "America/Chicago"),  # Houston
        ("TX", "79901", "America/Denver"),  # El Paso
        ("TX", "٧٩٩٠١", "America/Denver"),  # in Arabic-Indic digits: the same ZIP
        ("FL", "32501", "America/Chicago"),  # Pensacola
        ("MI", "49938", "America/Chicago"),  # Ironwood, on Central Time like Wisconsin next door
        ("IN", "46204", "America/Indiana/Indianapolis"),
        ("KY", "42101", "America/Chicago"),  # Bowling Green
    ],
)
async def test_the_zip_decides_the_zone_and_nothing_more_is_asked(
    db: Database, state: str, zip_code: str, zone: str
) -> None:
    person = await newcomer(db)
    for step in (profile.agree(db, person.id, NOW), profile.set_locale(db, person.id, "en", NOW),
                 profile.set_name(db, person.id, "Sam", NOW), profile.set_phone(db, person.id, None, NOW),
                 profile.choose_state(db, person.id, state, NOW)):
        person = await step
    person = await profile.set_zip(db, person.id, zip_code, NOW)
    assert (profile.current_step(person), person.timezone) == ("languages", zone)
    assert person.zip == fold_digits(zip_code)


def test_every_entry_of_the_zip_table_names_a_zone_of_a_state_with_several() -> None:
    for table in (zip_zones.PREFIXES, zip_zones.EXCEPTIONS):
        for state, entries in table.items():
            zones = STATE_ZONES[state]
            assert len(zones) > 1, state
            for entry in entries.split():
                key, index = entry.split(":")
                assert key.isdigit() and len(key) in (3, 5) and (index == "?" or int(index) < len(zones)), entry
    assert zones_for_zip("AK", "99546") == STATE_ZONES["AK"]  # Adak: the data puts its county in two zones
    assert zones_for_zip("WA", "98101") == ("America/Los_Angeles",)  # one zone: no table needed


async def test_a_zone_the_zip_rules_out_is_refused_in_settings(db: Database) -> None:
    person = await newcomer(db)
    with pytest.raises(InvalidChoice):
        await profile.set_location(db, person.id, "TX", "77036", "America/Denver", NOW)
    saved = await profile.set_location(db, person.id, "NE", "69201", "America/Denver", NOW)
    assert (saved.state, saved.zip, saved.timezone) == ("NE", "69201", "America/Denver")


async def test_an_answer_for_another_step_does_not_move_the_person(db: Database) -> None:
    person = await profile.agree(db, (await newcomer(db)).id, NOW)
    person = await profile.set_name(db, person.id, "Sam", NOW)  # asked out of turn
    assert profile.current_step(person) == "language"


async def test_outside_the_us_skips_the_zip(db: Database) -> None:
    person = await profile.agree(db, (await newcomer(db)).id, NOW)
    async with db.transaction() as tx:
        await people.update(tx, person.id, NOW, onboarding_step="state")
    person = await profile.choose_state(db, person.id, OUTSIDE_US, NOW)
    assert (profile.current_step(person), person.timezone) == ("timezone", None)
    with pytest.raises(InvalidChoice):
        await profile.set_timezone(db, person.id, "America/Chicago", NOW)
    person = await profile.set_timezone(db, person.id, "Asia/Manila", NOW)
    assert profile.current_step(person) == "languages"
    person = await profile.back_to_state(db, person.id, NOW)  # only from the ZIP or zone question
    assert profile.current_step(person) == "languages"


async def test_bad_choices_are_refused(db: Database) -> None:
    person = await newcomer(db)
    for call in (
        profile.set_locale(db, person.id, "xx", NOW),
        profile.choose_state(db, person.id, "ZZ", NOW),
        profile.toggle_language(db, person.id, "xx"),
        profile.toggle_interest(db, person.id, "knitting"),
        profile.toggle_reminder(db, person.id, "5", NOW),
        profile.toggle_follow(db, person.id, 12345, NOW),
        profile.set_location(db, person.id, "CA", "94103", "Asia/Seoul", NOW),
    ):
        with pytest.raises(InvalidChoice):
            await call


async def test_decline_forgets_only_someone_who_never_agreed(db: Database) -> None:
    person = await newcomer(db)
    assert await profile.decline(db, person.id)
    assert await people.get(db, person.id) is None
    with pytest.raises(PersonGone):
        await profile.agree(db, person.id, NOW)
    agreed = await profile.agree(db, (await newcomer(db, 2)).id, NOW)
    assert not await profile.decline(db, agreed.id)
    assert await people.get(db, agreed.id) is not None


async def test_settings_changes(db: Database) -> None:
    org = await make_org(db)
    person = await make_volunteer(db, 10)
    person = await profile.set_location(db, person.id, "NY", "10001", "America/New_York", NOW)
    assert (person.state, person.zip, person.timezone) == ("NY", "10001", "America/New_York")
    person = await profile.set_location(db, person.id, OUTSIDE_US, None, "Asia/Seoul", NOW)
    assert (person.state, person.zip, person.timezone) == (OUTSIDE_US, None, "Asia/Seoul")
    person = await profile.toggle_reminder(db, person.id, "2", NOW)
    assert (person.remind_24h, person.remind_2h) == (True, False)
    assert await profile.toggle_follow(db, person.id, org.id, NOW) is True
    assert await profile.toggle_follow(db, person.id, org.id, NOW) is False
    assert await profile.follow_by_slug(db, person.id, "kaya", NOW) == (org, True)
    assert await profile.follow_by_slug(db, person.id, "kaya", NOW) == (org, False)
    assert await profile.follow_by_slug(db, person.id, "nowhere", NOW) is None
    loaded = await profile.load(db, person.id)
    assert [o.slug for o in loaded.follows] == ["kaya"]


async def test_a_pending_link_is_taken_once(db: Database) -> None:
    person = await newcomer(db)
    await profile.remember_start(db, person.id, profile.StartLink("shift", shift_id=7), NOW)
    assert await profile.take_pending_start(db, person.id, NOW) == profile.StartLink("shift", shift_id=7)
    assert await profile.take_pending_start(db, person.id, NOW) is None


# --- privacy ------------------------------------------------------------------------------------------


async def test_erase_withdraws_promotes_and_keeps_the_anonymous_rows(db: Database) -> None:
    org = await make_org(db)
    shift_id = await make_shift(db, org, starts=datetime.now(UTC) + timedelta(days=2), capacity=1)
    leaving = await make_volunteer(db, 20, first_name="Sam")
    staying = await make_volunteer(db, 21)
    now = int(datetime.now(UTC).timestamp())
    await sign_up(db, leaving.id, shift_id, now, policy=POLICY)
    await sign_up(db, staying.id, shift_id, now, policy=POLICY)
    assert await privacy.upcoming_count(db, leaving.id, now) == 1
    erased = await privacy.erase(db, leaving.id, now, policy=POLICY)
    assert erased.withdrawn == 1 and [s.person_id for s in erased.promoted] == [staying.id]
    gone = await people.get(db, leaving.id)
    assert gone is not None and gone.status == "deleted" and gone.telegram_id == -leaving.id
    assert gone.display_name is None and gone.zip is None
    assert await people.get_by_telegram_id(db, 20) is None  # the same user is someone new next time
    export = await privacy.export(db, leaving.id, now)
    assert export is not None and export["profile"]["name"] is None and export["outreach_languages"] == []
    assert [s["status"] for s in export["signups"]] == ["cancelled"]


async def test_telegram_names_are_stored_by_the_same_rule(db: Database) -> None:
    """A Telegram name stands in for a display name until one is chosen: no blanks, no reversed text."""
    blank = await identify(db, TelegramIdentity(41, "\u200b\u3164", last_name="\u202e"), NOW)
    blank = await profile.agree(db, blank.id, NOW, TelegramIdentity(41, "\u200b\u3164", last_name="\u202e"))
    assert (blank.first_name, blank.last_name) == (None, None)
    assert profile.suggested_name(blank) is None
    sam_says = TelegramIdentity(42, "Sam\u202egnp.exe", last_name=" Kim ")
    sam = await profile.agree(db, (await identify(db, sam_says, NOW)).id, NOW, sam_says)
    assert (sam.first_name, sam.last_name) == ("Samgnp.exe", "Kim")
    assert await identify(db, sam_says, NOW + 1) == sam


async def test_no_name_is_kept_before_the_consent(db: Database) -> None:
    """Someone who never agrees, or writes again after /deleteme, leaves only a Telegram id and language."""
    says = TelegramIdentity(43, "Linh", last_name="Tran", username="linh_t", language_code="vi")
    person = await identify(db, says, NOW)
    assert (person.first_name, person.last_name, person.username, person.telegram_language) == (None, None, None, "vi")
    assert await identify(db, says, NOW + 1) == person  # nothing to write on every update
    person = await profile.agree(db, person.id, NOW + 2, says)
    assert (person.first_name, person.last_name, person.username) == ("Linh", "Tran", "linh_t")
    assert profile.suggested_name(person) == "Linh"
    renamed = await identify(db, replace(says, first_name="Linh T."), NOW + 3)
    assert renamed.first_name == "Linh T."  # once agreed, kept in step with Telegram
