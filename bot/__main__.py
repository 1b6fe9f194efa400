"""`python -m bot`: run the bot (the default), migrate the database, fill a demo one, or manage the catalogs."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.admin_cli import add_admin_parser
from bot.config import ConfigError, Settings, environment, load_settings
from bot.db import Database, MigrationError

if TYPE_CHECKING:
    from bot.demo import DemoSummary

EXIT_CONFIG = 2


def _fail(message: str) -> int:
    print(f"turnout: {message}", file=sys.stderr)
    return EXIT_CONFIG


async def _migrate(settings: Settings) -> list[str]:
    db = await Database.open(settings.db_path)
    try:
        return await db.migrate()
    finally:
        await db.close()


def cmd_run(args: argparse.Namespace) -> int:
    """Migrates the database, then runs the bot with long polling until SIGINT or SIGTERM."""
    from telegram.error import InvalidToken

    from bot import logs
    from handlers import app

    settings = load_settings(environment())
    logs.configure(settings.token)
    # PTB logs a rejected token with two tracebacks before raising it; the operator gets one line instead.
    logs.drop_exception(InvalidToken)
    asyncio.run(_migrate(settings))
    try:
        asyncio.run(app.run(app.build_application(settings)))
    except InvalidToken:
        # PTB's own message quotes the token; say it in our words instead.
        return _fail("Telegram rejected TELEGRAM_BOT_TOKEN. Check it with @BotFather (/token).")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    """Brings the database to the code's schema and says what it did."""
    settings = load_settings(environment(), require_token=False)
    applied = asyncio.run(_migrate(settings))
    print(f"{settings.db_path}: applied {', '.join(applied)}" if applied else f"{settings.db_path}: up to date")
    return 0


async def _demo(settings: Settings) -> DemoSummary:
    from bot.clock import SystemClock, to_ts
    from bot.demo import create_demo_network
    from bot.runtime import Runtime

    db = await Database.open(settings.db_path)
    try:
        await db.migrate()
        # The network's own reminder settings: demo signups queue the reminders the bot would.
        policy = Runtime(settings).reminder_policy
        return await create_demo_network(db, to_ts(SystemClock().now()), policy)
    finally:
        await db.close()


def cmd_demo(args: argparse.Namespace) -> int:
    """Fills an empty database with a demo network of orgs, shifts and volunteers to try the bot on."""
    from bot.demo import NotEmptyError

    settings = load_settings(environment(), require_token=False)
    try:
        summary = asyncio.run(_demo(settings))
    except NotEmptyError as exc:
        return _fail(f"{settings.db_path} {exc}")
    print(
        f"{settings.db_path}: created a demo network of {len(summary.orgs)} organizations, {summary.shifts} "
        f"shifts over the next 3 weeks and {summary.volunteers} demo volunteers "
        f"({summary.confirmed} signed up, {summary.waitlisted} waitlisted)."
    )
    for org in summary.orgs:
        print(f"  {org.name} ({org.state}, {org.timezone}): {org.shifts} shifts   /start org-{org.slug}")
    if summary.full:
        print(f"Full, with a waitlist: {'; '.join(summary.full)}.")
    print(
        "Demo volunteers have negative Telegram ids, so the bot never messages a real person.\n"
        f"Try it: run the bot, then send it /start org-{summary.orgs[0].slug} "
        f"(or open t.me/<your bot>?start=org-{summary.orgs[0].slug})."
    )
    return 0


def cmd_i18n(args: argparse.Namespace) -> int:
    """Extracts strings into messages.pot, updates every catalog, and compiles them."""
    from bot.i18n_tools import refresh_catalogs

    return refresh_catalogs()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Turnout: a Telegram bot that gets volunteers to show up.",
        epilog="Configuration comes from the environment and an optional .env file; see .env.example.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help="migrate the database and run the bot (the default)").set_defaults(func=cmd_run)
    sub.add_parser("migrate", help="apply pending database migrations and exit").set_defaults(func=cmd_migrate)
    sub.add_parser(
        "demo", help="fill an empty database with a demo network of orgs, shifts and volunteers to try the bot on"
    ).set_defaults(func=cmd_demo)
    sub.add_parser(
        "i18n", help="extract translatable strings, update every catalog, compile them (for developers)"
    ).set_defaults(func=cmd_i18n)
    add_admin_parser(sub)  # `admin create-org | invite | orgs` (bot/admin_cli.py)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    func = getattr(args, "func", cmd_run)
    try:
        return func(args)
    except ConfigError as exc:
        return _fail(str(exc))
    except MigrationError as exc:
        return _fail(f"database: {exc}")
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
