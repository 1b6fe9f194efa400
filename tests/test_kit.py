"""The handler kit: typed callback data, and the dialogue engine (one open dialogue, in SQLite)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.db import Database
from bot.store import dialogues as dialogue_store
from bot.store import people
from bot.store.dialogues import Dialogue
from handlers.kit.callbacks import Button, button_for
from tests.conftest import start_bot, stop_bot
from tests.emulator import BotAPIEmulator
from tests.factories import make_volunteer
from tests.flows import expect_pointer, tr


@dataclass(frozen=True)
class Sample(Button, prefix="tk:s"):
    shift: int
    what: str
    on: bool


def test_callback_data_round_trips_and_stays_short() -> None:
    data = Sample(42, "join", True).pack()
    assert data == "tk:s:42:join:1"
    assert Sample.unpack(data) == Sample(42, "join", True)
    assert isinstance(button_for(data), Sample)
    assert Sample.unpack(Sample(-7, "", False).pack()) == Sample(-7, "", False)


@pytest.mark.parametrize(
    "forged",
    ["tk:s:42:join", "tk:s:42:join:1:extra", "tk:s:x:join:1", "tk:s:42:jo in:1", "tk:s:42:join:2", "tk:x:42:join:1",
     "tk:s:٤٢:join:1", "tk:s:" + "9" * 40 + ":a:1", "", None, 42],
)
def test_forged_or_foreign_callback_data_is_not_the_button(forged: object) -> None:
    assert Sample.unpack(forged) is None
    assert not Sample.matches(forged)


def test_data_that_telegram_would_refuse_is_never_built() -> None:
    with pytest.raises(ValueError):
        Sample(1, "a:b", True).pack()  # the separator inside a value
    with pytest.raises(ValueError):
        Sample(1, "x" * 41, True).pack()
    with pytest.raises(ValueError):

        @dataclass(frozen=True)
        class Twice(Button, prefix="tk:s"):  # a prefix is one button's only
            n: int


async def test_a_typed_answer_after_a_restart_continues_the_open_editor(
    emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    db_path = tmp_path / "turnout.sqlite3"
    running = await start_bot(emulator, db_path)
    try:
        await make_volunteer(running.db, 9301, first_name="Minji", language_code="ko")
        minji = emulator.user(9301, "Minji", language_code="ko")
        await minji.send("/settings")
        await minji.next_reply()
        await minji.press("👤 " + tr("ko", "Name"))
        await minji.next_reply()
    finally:
        await stop_bot(running)
    running = await start_bot(emulator, db_path)  # the bot restarts while the question waits
    try:
        await minji.send("김민지")
        saved = await minji.next_reply()
        assert tr("ko", "Name: {value}").format(value="김민지") in saved.text
        person = await people.get_by_telegram_id(running.db, 9301)
        assert person is not None and person.display_name == "김민지"
        assert await dialogue_store.get(running.db, person.id) is None  # the editor closed with the save
        await minji.send("another name")
        await expect_pointer(minji, "ko")
    finally:
        await stop_bot(running)
    emulator.assert_no_errors()


async def test_a_photo_or_sticker_with_nothing_open_gets_the_pointer(emulator: BotAPIEmulator, tmp_path: Path) -> None:
    running = await start_bot(emulator, tmp_path / "turnout.sqlite3")
    try:
        await make_volunteer(running.db, 9302, first_name="Vy", language_code="vi")
        vy = emulator.user(9302, "Vy", language_code="vi")
        await vy.send("xin chào")
        await expect_pointer(vy, "vi")
        await vy.share_location(10.77, 106.70)  # a place is taken as a check-in (handlers/checkin.py)
        nothing = await vy.next_reply()
        assert nothing.text == tr("vi", "None of your shifts is open for check-in right now.")
    finally:
        await stop_bot(running)
    emulator.assert_no_errors()


async def test_a_claim_moves_the_dialogue_on_once_and_only_as_it_was_read(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "kit.sqlite3")
    try:
        await db.migrate()
        person = await make_volunteer(db, 9303)
        read = Dialogue(kind="mg.msg", step="preview", data={"shift": 1, "text": "Bring water", "waitlist": False})
        await dialogue_store.put(db, person.id, read, 100)
        changed = Dialogue(kind="mg.msg", step="preview", data={**read.data, "waitlist": True})
        async with db.transaction() as tx:
            assert not await dialogue_store.advance(tx, person.id, changed, "done", 101)  # not what is stored
            assert await dialogue_store.advance(tx, person.id, read, "done", 101)
            assert not await dialogue_store.advance(tx, person.id, read, "done", 102)  # the second press
        stored = await dialogue_store.get(db, person.id)
        assert stored is not None and stored.step == "done" and stored.data == read.data
    finally:
        await db.close()
