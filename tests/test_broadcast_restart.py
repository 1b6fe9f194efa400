"""`kill -9` while a broadcast goes out: after the restart the rest is sent, and the coordinator's
progress message still ends in the final tally, with no edit that changes nothing on the way."""

from __future__ import annotations

import asyncio
import html
import re
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.db import Database
from bot.i18n import Translator, translations
from bot.store import roles
from bot.store.broadcasts import Tally
from handlers.broadcast import tally_text
from tests.conftest import bot_env
from tests.emulator import BotAPIEmulator
from tests.factories import make_org, make_volunteer
from tests.flows import tr
from tests.test_cli import clean_env

VOLUNTEERS = 120
COORDINATOR = 41_000
TEXT = "Canvass this Saturday, 10 am!"


def plain(markup: str) -> str:
    """What an HTML text shows once Telegram has parsed it."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


async def prepare(path: Path, emulator: BotAPIEmulator) -> list[int]:
    """An organization, its coordinator, and followers to broadcast to; returns the followers' chats."""
    db = await Database.open(path)
    await db.migrate()
    org = await make_org(db)
    coordinator = await make_volunteer(db, COORDINATOR, first_name="Coco")
    async with db.transaction() as tx:
        await roles.grant(tx, coordinator.id, org.id, "coordinator", None, 0)
    chats = []
    for i in range(VOLUNTEERS):
        await make_volunteer(db, 42_000 + i, follows=(org.id,))
        emulator.user(42_000 + i, f"V{i}")
        chats.append(42_000 + i)
    await db.close()
    return chats


async def until(done: Callable[[], bool], seconds: float = 30) -> None:
    for _ in range(int(seconds / 0.05)):
        if done():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the bot did not get that far")


async def spawn(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=cwd, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )


async def test_progress_ends_in_the_tally_after_a_kill_9(emulator: BotAPIEmulator, tmp_path: Path) -> None:
    path = tmp_path / "turnout.sqlite3"
    chats = await prepare(path, emulator)
    env = clean_env(**bot_env(emulator, path), TURNOUT_RATE="25")
    coord = emulator.user(COORDINATOR, "Coco")

    def delivered() -> int:
        return sum(any(TEXT in (m.text or "") for m in emulator.messages(c)) for c in chats)

    first = await spawn(env, tmp_path)
    try:
        await coord.send("/broadcast")
        await coord.next_reply(timeout=30)
        await coord.press("✍️ " + tr("en", "Write the message"), timeout=10)
        await coord.next_reply()
        await coord.send(TEXT)
        await coord.next_reply()  # the preview
        en = translations("en")
        send = en.ngettext("Send to {count} person", "Send to {count} people", VOLUNTEERS)
        await coord.press("✅ " + send.format(count=str(VOLUNTEERS)))
        progress = await coord.next_reply()
        assert progress.edited and f" / {VOLUNTEERS}" in (progress.text or "")
        await until(lambda: delivered() >= 30)
    finally:
        first.send_signal(signal.SIGKILL)
        await asyncio.wait_for(first.wait(), timeout=30)
    assert delivered() < VOLUNTEERS, "the crash came too late to test anything"
    shown = emulator.message(coord.chat_id, progress.message_id)
    assert shown is not None and tr("en", "Your broadcast has gone out.") not in (shown.text or "")

    everyone = Tally(total=VOLUNTEERS, pending=0, sent=VOLUNTEERS, unreachable=0, failed=0)
    final = plain(tally_text(Translator("en", ZoneInfo("America/Los_Angeles")), everyone))

    def finished() -> bool:
        current = emulator.message(coord.chat_id, progress.message_id)
        return current is not None and current.text == final

    second = await spawn(env, tmp_path)
    try:
        await until(lambda: delivered() == VOLUNTEERS and finished(), seconds=90)  # a slow machine starts slowly
    finally:
        second.send_signal(signal.SIGINT)
        await asyncio.wait_for(second.wait(), timeout=30)
    assert finished()  # the progress message itself became the tally (no second message)
    emulator.assert_no_errors()  # in particular no "message is not modified": no edit that changed nothing
