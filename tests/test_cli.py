"""`python -m bot` as an operator runs it: exit codes, messages, and a real run against the emulator."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.conftest import bot_env
from tests.emulator import BotAPIEmulator

ROOT = Path(__file__).resolve().parent.parent


def clean_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TURNOUT_"))}
    env["PYTHONPATH"] = str(ROOT)
    env.update(values)
    return env


def run_cli(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd, env=clean_env(**env), capture_output=True, text=True, timeout=60,
    )


def test_no_token_exits_2_with_one_clear_line(tmp_path: Path) -> None:
    result = run_cli(cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "TELEGRAM_BOT_TOKEN" in lines[0] and "@BotFather" in lines[0] and ".env" in lines[0]


def test_bad_setting_exits_2_naming_it(tmp_path: Path) -> None:
    result = run_cli(cwd=tmp_path, TELEGRAM_BOT_TOKEN="1:x", TURNOUT_TIMEZONE="Nowhere/Land")
    assert result.returncode == 2
    assert "TURNOUT_TIMEZONE" in result.stderr and "Traceback" not in result.stderr


def test_help_lists_every_command(tmp_path: Path) -> None:
    result = run_cli("--help", cwd=tmp_path)
    assert result.returncode == 0
    for word in ("run", "migrate", "i18n"):
        assert word in result.stdout


def test_migrate_and_refuse_a_newer_database(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    first = run_cli("migrate", cwd=tmp_path, TURNOUT_DB=str(db))
    assert first.returncode == 0 and "0001_initial.sql" in first.stdout
    again = run_cli("migrate", cwd=tmp_path, TURNOUT_DB=str(db))
    assert again.returncode == 0 and "up to date" in again.stdout
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 99")
    newer = run_cli("migrate", cwd=tmp_path, TURNOUT_DB=str(db))
    assert newer.returncode == 2 and "newer than this code" in newer.stderr


def test_dotenv_in_the_working_directory_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TURNOUT_TIMEZONE=Not/AZone\nTELEGRAM_BOT_TOKEN=1:x\n")
    result = run_cli(cwd=tmp_path)
    assert result.returncode == 2 and "Not/AZone" in result.stderr


async def test_a_rejected_token_says_so_in_one_line_without_the_token(
    emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    db = tmp_path / "t.sqlite3"
    assert run_cli("migrate", cwd=tmp_path, TURNOUT_DB=str(db)).returncode == 0  # an existing database
    wrong = "123456:" + "Zz9" * 12  # well formed; the emulator answers 401 Unauthorized, as Telegram does
    env = {**bot_env(emulator, db), "TELEGRAM_BOT_TOKEN": wrong}
    result = await asyncio.to_thread(run_cli, cwd=tmp_path, **env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and wrong.split(":")[1] not in result.stderr + result.stdout
    assert result.stderr.strip().splitlines() == [
        "turnout: Telegram rejected TELEGRAM_BOT_TOKEN. Check it with @BotFather (/token)."
    ]
    assert [e.status for e in emulator.errors] == [401]  # it asked once and gave up: no retry loop


async def test_the_real_bot_runs_and_never_logs_its_token(emulator: BotAPIEmulator, tmp_path: Path) -> None:
    env = clean_env(**bot_env(emulator, tmp_path / "t.sqlite3"))
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        # As soon as the first long poll arrives, not when it ends (10 s later, with nothing to deliver).
        polling = asyncio.ensure_future(emulator.polling.wait())
        exited = asyncio.ensure_future(proc.wait())
        await asyncio.wait({polling, exited}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
        exited.cancel()
        assert polling.done(), "the bot never started polling"
        user = emulator.user(8001, "Dana", language_code="vi")
        await user.send("/start")
        reply = await user.next_reply(timeout=15)
        assert "Dana" in reply.text
        await user.send("/help")
        await user.next_reply(timeout=15)
    finally:
        proc.send_signal(signal.SIGINT)
        stdout, stderr = await asyncio.wait_for(proc.communicate(), timeout=30)
    output = (stdout + stderr).decode()
    assert proc.returncode == 0, output
    assert "Turnout is running as @turnout_test_bot" in output
    assert emulator.token not in output
    assert emulator.token.split(":")[1] not in output
    emulator.assert_no_errors()
