"""`python -m bot admin …`: bootstrapping from a terminal, before anyone in the bot can do it.

create-org makes a partner organization, invite prints a role invite link (the operator acts as a
network admin: audit rows have no actor), orgs lists organizations with who holds their roles.
Bad input exits 2 with one line on stderr, like every other `python -m bot` failure.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from bot.clock import SystemClock, from_ts, to_ts
from bot.config import Settings, environment, load_settings
from bot.db import Database
from bot.services.invites import DEFAULT_DAYS, MAX_DAYS, MAX_USES, InvalidInvite, create_invite, start_payload
from bot.services.orgs_admin import NAME_MAX, ROLES, InvalidOrg, OrgProblem, create_org, network_overview
from bot.store import orgs

EXIT_BAD_INPUT = 2


class CliError(Exception):
    """One line for the operator; the command exits 2."""


def add_admin_parser(sub: Any) -> None:
    """Adds `admin` and its tasks to the `python -m bot` parser."""
    admin = sub.add_parser(
        "admin", help="network admin tasks: create an organization, make a role invite, list organizations"
    )
    admin.set_defaults(func=lambda args: _usage(admin))
    tasks = admin.add_subparsers(dest="admin_task", metavar="TASK")

    create = tasks.add_parser("create-org", help="create a partner organization")
    create.add_argument("--slug", required=True, help="short id for links: 2-32 lowercase letters a-z and digits")
    create.add_argument("--name", required=True, help=f"its name, 1-{NAME_MAX} characters")
    create.add_argument("--state", help="US state or territory code, e.g. CA (leave out for none)")
    create.add_argument(
        "--timezone", help="IANA time zone, e.g. America/Los_Angeles (default: the state's, else TURNOUT_TIMEZONE)"
    )
    create.set_defaults(func=cmd_create_org)

    invite = tasks.add_parser("invite", help="make a role invite and print its link")
    invite.add_argument("--org", required=True, metavar="SLUG", help="the organization's slug")
    invite.add_argument("--role", required=True, choices=ROLES, help="the role it grants")
    invite.add_argument("--uses", type=int, default=1, help=f"how many people may use it, 1-{MAX_USES} (default 1)")
    invite.add_argument(
        "--days", type=int, default=DEFAULT_DAYS, help=f"days until it expires, 1-{MAX_DAYS} (default {DEFAULT_DAYS})"
    )
    invite.set_defaults(func=cmd_invite)

    tasks.add_parser("orgs", help="list organizations and who holds their roles").set_defaults(func=cmd_orgs)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_usage(sys.stderr)
    print("turnout: say which admin task: create-org, invite or orgs (see --help)", file=sys.stderr)
    return EXIT_BAD_INPUT


def _run(coro: Any) -> int:
    try:
        asyncio.run(coro)
    except CliError as exc:
        print(f"turnout: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


async def _open(settings: Settings) -> Database:
    db = await Database.open(settings.db_path)
    await db.migrate()
    return db


def _now() -> int:
    return to_ts(SystemClock().now())


def cmd_create_org(args: argparse.Namespace) -> int:
    settings = load_settings(environment(), require_token=False)
    return _run(_create_org(settings, args))


async def _create_org(settings: Settings, args: argparse.Namespace) -> None:
    state = args.state.strip().upper() if args.state else None
    timezone = args.timezone or (None if state else settings.timezone.key)
    db = await _open(settings)
    try:
        org = await create_org(
            db, name=args.name, slug=args.slug, state=state, timezone=timezone, actor=None, now=_now()
        )
    except InvalidOrg as exc:
        raise CliError(_org_problem(exc, args, state, timezone)) from None
    finally:
        await db.close()
    print(f"created {org.slug}: {org.name} ({org.state or 'no state'}, {org.timezone})")
    print(f"invite its first admin: python -m bot admin invite --org {org.slug} --role org_admin")


def _org_problem(exc: InvalidOrg, args: argparse.Namespace, state: str | None, timezone: str | None) -> str:
    return {
        OrgProblem.NAME: f"--name must be 1 to {NAME_MAX} characters",
        OrgProblem.SLUG: f"--slug {args.slug!r} must be 2 to 32 lowercase letters a-z and digits, like kaya",
        OrgProblem.SLUG_TAKEN: f"--slug {args.slug!r} is taken by another organization; choose another",
        OrgProblem.STATE: f"--state {state!r} is not a US state or territory code (like CA, NY, GU)",
        OrgProblem.TIMEZONE: f"--timezone {timezone!r} is not an IANA time zone (like America/Chicago)",
    }[exc.problem]


def cmd_invite(args: argparse.Namespace) -> int:
    settings = load_settings(environment(), require_token=False)
    return _run(_invite(settings, args))


async def _bot_username(settings: Settings) -> str:
    """Asks Telegram (getMe) which bot the token belongs to; the link needs its username."""
    from telegram import Bot
    from telegram.error import InvalidToken, TelegramError

    try:
        async with Bot(settings.token, base_url=settings.api_base_url) as bot:
            return bot.username
    except InvalidToken:
        # PTB's own message quotes the token; say it in our words instead.
        raise CliError("Telegram rejected TELEGRAM_BOT_TOKEN; no invite was made. Check it with @BotFather.") from None
    except TelegramError as exc:
        reason = str(exc).replace(settings.token, "<token>")
        raise CliError(f"could not ask Telegram for the bot's username ({reason}); no invite was made") from None


async def _invite(settings: Settings, args: argparse.Namespace) -> None:
    username = await _bot_username(settings) if settings.token else None
    db = await _open(settings)
    try:
        org = await orgs.get_by_slug(db, args.org)
        if org is None or org.status != "active":
            raise CliError(f"--org {args.org!r}: no active organization has that slug (see: python -m bot admin orgs)")
        try:
            made = await create_invite(
                db, actor=None, org_id=org.id, role=args.role, now=_now(), max_uses=args.uses, days=args.days
            )
        except InvalidInvite as exc:
            raise CliError(f"invite: {exc}") from None
    finally:
        await db.close()
    invite = made.invite
    expires = from_ts(invite.expires_at).strftime("%Y-%m-%d %H:%M UTC")
    people = "1 person" if invite.max_uses == 1 else f"{invite.max_uses} people"
    print(f"invite: {invite.role} of {org.name} ({org.slug}), for {people}, until {expires}")
    payload = start_payload(made.code)
    if username:
        print(f"https://t.me/{username}?start={payload}")
    else:
        print(f"/start {payload}")
        print(
            "TELEGRAM_BOT_TOKEN is not set, so the bot's username is unknown: the link is "
            f"https://t.me/<bot username>?start={payload}"
        )
    print("The code is shown only now (the database keeps only its hash).")


def cmd_orgs(args: argparse.Namespace) -> int:
    settings = load_settings(environment(), require_token=False)
    return _run(_orgs(settings))


async def _orgs(settings: Settings) -> None:
    db = await _open(settings)
    try:
        overview = await network_overview(db)
    finally:
        await db.close()
    if not overview:
        print("no organizations yet: python -m bot admin create-org --slug SLUG --name NAME --state XX")
        return
    for entry in overview:
        org = entry.org
        print(f"{org.slug}  {org.name}  ({org.state or 'no state'}, {org.timezone})")
        if not entry.members:
            print("    nobody holds a role yet")
        for member in entry.members:
            handle = f" @{member.username}" if member.username else ""
            print(f"    {member.role:<11}  {member.name}{handle}  (Telegram id {member.telegram_id})")
