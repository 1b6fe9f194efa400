"""/team: an organization's coordinators and admins, its open invites, and removing someone (after asking).

Buttons are codec classes under `tm`; every press is checked again (the data can be forged). Remove acts
once: the service takes the role away only if it is still there, so a second press is told it no longer works.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler, filters

from bot.bidi import isolate
from bot.i18n import Translator
from bot.services.authz import Actor
from bot.services.invites import RevokeOutcome, open_invites, revoke_invite
from bot.services.orgs_admin import RemoveOutcome, administered_orgs, may_remove, remove_member
from bot.store import people, roles
from bot.store.orgs import Org
from handlers import staff_consent
from handlers.commands import publish_person_menu
from handlers.invites import administered_org, refuse, role_name, until
from handlers.kit.callbacks import Button
from handlers.kit.context import BotContext
from handlers.kit.guards import current_actor
from handlers.kit.keyboards import grid
from handlers.shift_views import esc

log = logging.getLogger(__name__)

PER_PAGE = 20
INVITES_SHOWN = 10


@dataclass(frozen=True)
class Pick(Button, prefix="tm:p"):
    """Back to the list of organizations."""


@dataclass(frozen=True)
class Team(Button, prefix="tm:o"):
    org: int
    page: int = 0


@dataclass(frozen=True)
class AskRemove(Button, prefix="tm:r"):
    org: int
    person: int


@dataclass(frozen=True)
class Remove(Button, prefix="tm:rm"):
    org: int
    person: int


@dataclass(frozen=True)
class RevokeInvite(Button, prefix="tm:x"):
    org: int
    invite: int


def _orgs_list(t: Translator, orgs: list[Org]) -> tuple[str, InlineKeyboardMarkup]:
    buttons = [InlineKeyboardButton(o.name[:60], callback_data=Team(o.id).pack()) for o in orgs[:90]]
    return "👥 " + t._("Whose team?"), InlineKeyboardMarkup(grid(buttons, 2))


async def _render_team(
    context: BotContext, actor: Actor, org: Org, page: int, *, back: bool
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The team, a page at a time, with Remove buttons only where the reader may remove."""
    t, runtime = context.t, context.runtime
    db = runtime.database
    members = await roles.members(db, org.id)
    pages = max(1, -(-len(members) // PER_PAGE))
    page = min(page, pages - 1)
    start = page * PER_PAGE
    lines = ["👥 <b>" + t._("Team of {org}").format(org=esc(org.name)) + "</b>", ""]
    rows: list[list[InlineKeyboardButton]] = []
    if not members:
        lines.append(t._("Nobody yet. Invite coordinators with /invite."))
    for index, member in enumerate(members[start : start + PER_PAGE], start=start + 1):
        handle = f" @{esc(member.username)}" if member.username else ""
        lines.append(f"{index}. {esc(member.name)}{handle} · {esc(role_name(t, member.role))}")
        if member.person_id != actor.person_id and may_remove(actor, org.id, member.role):
            rows.append(
                [
                    InlineKeyboardButton(
                        "✖ " + t._("Remove {number}. {name}").format(number=index, name=member.name[:40]),
                        callback_data=AskRemove(org.id, member.person_id).pack(),
                    )
                ]
            )
    invites = await open_invites(db, actor, org.id, runtime.now_ts())
    if invites:
        lines += ["", "<b>" + t._("Open invites") + "</b>"]
    for number, invite in enumerate(invites[:INVITES_SHOWN], start=1):
        lines.append(
            t.ngettext(
                "{number}. {role} · {count} use left · until {date}",
                "{number}. {role} · {count} uses left · until {date}",
                invite.uses_left,
            ).format(
                number=number, role=esc(role_name(t, invite.role)), count=t.number(invite.uses_left),
                date=esc(until(t, invite.expires_at)),
            )
        )
        rows.append(
            [
                InlineKeyboardButton(
                    "🚫 " + t._("Revoke invite {number}").format(number=number),
                    callback_data=RevokeInvite(org.id, invite.id).pack(),
                )
            ]
        )
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton("◀", callback_data=Team(org.id, page - 1).pack()))
    if page < pages - 1:
        nav.append(InlineKeyboardButton("▶", callback_data=Team(org.id, page + 1).pack()))
    if nav:
        rows.append(nav)
    if back:
        rows.append([InlineKeyboardButton("⬅ " + t._("Back"), callback_data=Pick().pack())])
    return "\n".join(lines), InlineKeyboardMarkup(rows) if rows else None


async def team_command(update: Update, context: BotContext) -> None:
    """Shows the team of the one organization the person administers, or asks which."""
    actor = await staff_consent.require_ready(update, context)
    if actor is None:
        return
    orgs = await administered_orgs(context.runtime.database, actor)
    if not orgs:
        await refuse(update, context)
        return
    if len(orgs) == 1:
        text, markup = await _render_team(context, actor, orgs[0], 0, back=False)
    else:
        text, markup = _orgs_list(context.t, orgs)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def pick_org(update: Update, context: BotContext, button: Pick) -> None:
    """Goes back to the list of organizations."""
    actor = await current_actor(context)
    orgs = await administered_orgs(context.runtime.database, actor)
    if not orgs:
        await refuse(update, context)
        return
    await update.callback_query.answer()
    text, markup = _orgs_list(context.t, orgs)
    await update.callback_query.edit_message_text(text, reply_markup=markup)


async def _show(update: Update, context: BotContext, actor: Actor, org: Org, page: int = 0) -> None:
    several = len(await administered_orgs(context.runtime.database, actor)) > 1
    text, markup = await _render_team(context, actor, org, page, back=several)
    await update.callback_query.edit_message_text(text, reply_markup=markup)


async def show_team(update: Update, context: BotContext, button: Team) -> None:
    """Shows one organization's team."""
    found = await administered_org(update, context, button.org)
    if found is None:
        return
    await update.callback_query.answer()
    await _show(update, context, *found, max(0, button.page))


async def ask_remove(update: Update, context: BotContext, button: AskRemove) -> None:
    """Asks once before taking someone's role away."""
    query = update.callback_query
    org_id, person_id = button.org, button.person
    found = await administered_org(update, context, org_id)
    if found is None:
        return
    actor, org = found
    t, db = context.t, context.runtime.database
    member = next((m for m in await roles.members(db, org_id) if m.person_id == person_id), None)
    if member is None or member.person_id == actor.person_id or not may_remove(actor, org_id, member.role):
        await query.answer(t._("This button no longer works. Please send /team."), show_alert=True)
        return
    await query.answer()
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("✖ " + t._("Yes, remove"), callback_data=Remove(org_id, person_id).pack())],
            [InlineKeyboardButton(t._("No, keep them"), callback_data=Team(org_id).pack())],
        ]
    )
    if member.role == "org_admin":
        question = t._(
            "Remove <b>{name}</b> as an admin of <b>{org}</b>? They will no longer see its shifts and rosters."
        )
    else:
        question = t._(
            "Remove <b>{name}</b> as a coordinator of <b>{org}</b>? They will no longer see its shifts and rosters."
        )
    await query.edit_message_text(question.format(name=esc(member.name), org=esc(org.name)), reply_markup=markup)


async def remove(update: Update, context: BotContext, button: Remove) -> None:
    """Takes the role away, writes the audit log, tells them, and shows the team again."""
    query = update.callback_query
    org_id, person_id = button.org, button.person
    found = await administered_org(update, context, org_id)
    if found is None:
        return
    actor, org = found
    t, runtime = context.t, context.runtime
    result = await remove_member(runtime.database, actor, org_id, person_id, runtime.now_ts())
    if result.outcome is RemoveOutcome.NOT_ALLOWED:
        await refuse(update, context)
        return
    if result.outcome is not RemoveOutcome.REMOVED:
        await query.answer(t._("This button no longer works. Please send /team."), show_alert=True)
        return
    person = await people.get(runtime.database, person_id)
    await query.answer(t._("Removed: {name}").format(name=isolate(person.name) if person else ""))
    await _show(update, context, actor, org)
    if person is not None:
        await _tell_removed(context, person, org, result.role or "coordinator")


async def _tell_removed(context: BotContext, person: people.Person, org: Org, role: str) -> None:
    """Tells the person in their language and trims their command menu to what they can still do."""
    runtime = context.runtime
    their_t = runtime.translator_for(person)
    text = (
        their_t._("You're no longer an admin of <b>{org}</b>.")
        if role == "org_admin"
        else their_t._("You're no longer a coordinator of <b>{org}</b>.")
    ).format(org=esc(org.name))
    try:
        await context.bot.send_message(person.telegram_id, text)
    except TelegramError:
        log.info("could not tell a removed coordinator", exc_info=True)
        return
    await publish_person_menu(context.bot, runtime, person)


async def revoke(update: Update, context: BotContext, button: RevokeInvite) -> None:
    """Revokes one of the organization's open invites and shows the team again."""
    query = update.callback_query
    org_id = button.org
    found = await administered_org(update, context, org_id)
    if found is None:
        return
    actor, org = found
    t, runtime = context.t, context.runtime
    outcome, invite = await revoke_invite(runtime.database, actor, button.invite, runtime.now_ts())
    if outcome is RevokeOutcome.NOT_FOUND or invite is None or invite.org_id != org_id:
        await refuse(update, context)
        return
    await query.answer(t._("Invite revoked.") if outcome is RevokeOutcome.REVOKED else None)
    await _show(update, context, actor, org)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("team", team_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(Pick.handler(pick_org))
    app.add_handler(Team.handler(show_team))
    app.add_handler(AskRemove.handler(ask_remove))
    app.add_handler(Remove.handler(remove))
    app.add_handler(RevokeInvite.handler(revoke))
