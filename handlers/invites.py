"""/invite: an org admin or network admin makes a role invite (link + QR code); opening it grants the role.

Callback data: `iv:p:<page>` list of organizations, `iv:o:<org>` pick the role, `iv:r:<org>:<c|a>` pick how
many uses, `iv:u:<org>:<c|a>:<uses>` make it, `iv:x:<invite>` revoke it, `iv:q` close. Every step checks
again that the presser administers the organization: the data can be forged.
"""

from __future__ import annotations

import io
import logging

import segno
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.clock import from_ts
from bot.i18n import N_, Translator
from bot.services.authz import Actor
from bot.services.invites import (
    PREFIX,
    AcceptOutcome,
    AlreadyMade,
    NotAllowed,
    RevokeOutcome,
    accept_invite,
    create_invite,
    deep_link,
    revoke_invite,
)
from bot.services.orgs_admin import administered_orgs
from bot.store import orgs as org_store
from bot.store.invites import Invite
from bot.store.orgs import Org
from handlers.commands import publish_person_menu
from handlers.context import BotContext
from handlers.guards import current_actor, require_registered
from handlers.keyboards import grid
from handlers.shift_views import esc

log = logging.getLogger(__name__)

INVITE_PREFIX = PREFIX  # the /start payload of an invite link: `inv-<code>`
ORGS_PATTERN = r"^iv:p:(\d{1,4})$"
ORG_PATTERN = r"^iv:o:(\d{1,9})$"
ROLE_PATTERN = r"^iv:r:(\d{1,9}):([ca])$"
USES_PATTERN = r"^iv:u:(\d{1,9}):([ca]):(1|5|25)$"
REVOKE_PATTERN = r"^iv:x:(\d{1,12})$"
CLOSE = "iv:q"

ROLE_CODES = {"c": "coordinator", "a": "org_admin"}
CODE_OF_ROLE = {role: code for code, role in ROLE_CODES.items()}
USES_CHOICES = (1, 5, 25)
ORGS_PER_PAGE = 20
QR_SCALE = 10  # pixels per module: a ~45-module code becomes ~450 px, sharp on phones and in print
QR_BORDER = 4  # the quiet zone scanners need

ROLE_NAMES = {"coordinator": N_("Coordinator"), "org_admin": N_("Org admin")}
HOW_MANY = {
    "coordinator": N_("How many people may use this invite to become coordinators of <b>{org}</b>?"),
    "org_admin": N_("How many people may use this invite to become admins of <b>{org}</b>?"),
}
SCAN = {
    "coordinator": N_("Scan to become a coordinator of <b>{org}</b>."),
    "org_admin": N_("Scan to become an admin of <b>{org}</b>."),
}


def role_name(t: Translator, role: str) -> str:
    return t._(ROLE_NAMES[role])


def qr_png(data: str) -> bytes:
    """The text as a QR code picture (PNG), made in memory."""
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="png", scale=QR_SCALE, border=QR_BORDER)
    return buffer.getvalue()


async def refuse(update: Update, context: BotContext) -> None:
    """Says that only admins may do this, as an alert on a button or as a reply."""
    text = context.t._("Sorry, only the organization's admins can do that.")
    if update.callback_query:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message:
        await update.effective_message.reply_text(text)


async def administered_org(update: Update, context: BotContext, org_id: int) -> tuple[Actor, Org] | None:
    """The actor and the organization when they administer it (and it is active); else refuses."""
    actor = await current_actor(context)
    org = await org_store.get_active(context.runtime.database, org_id) if actor.can_administer(org_id) else None
    if org is None:
        await refuse(update, context)
        return None
    return actor, org


def _close_button(t: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton("✖ " + t._("Close"), callback_data=CLOSE)


def _orgs_step(t: Translator, orgs: list[Org], page: int) -> tuple[str, InlineKeyboardMarkup]:
    pages = max(1, -(-len(orgs) // ORGS_PER_PAGE))
    page = min(page, pages - 1)
    shown = orgs[page * ORGS_PER_PAGE : (page + 1) * ORGS_PER_PAGE]
    rows = grid([InlineKeyboardButton(o.name[:60], callback_data=f"iv:o:{o.id}") for o in shown], 2)
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton("◀", callback_data=f"iv:p:{page - 1}"))
    if page < pages - 1:
        nav.append(InlineKeyboardButton("▶", callback_data=f"iv:p:{page + 1}"))
    if nav:
        rows.append(nav)
    rows.append([_close_button(t)])
    return "✉️ " + t._("Invite someone to which organization?"), InlineKeyboardMarkup(rows)


def _role_step(t: Translator, org: Org, *, back: bool) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [InlineKeyboardButton(t._("Coordinator"), callback_data=f"iv:r:{org.id}:c")],
        [InlineKeyboardButton(t._("Org admin"), callback_data=f"iv:r:{org.id}:a")],
    ]
    rows.append(
        [InlineKeyboardButton("⬅ " + t._("Back"), callback_data="iv:p:0"), _close_button(t)] if back
        else [_close_button(t)]
    )
    text = "✉️ " + t._("Invite to <b>{org}</b> as:").format(org=esc(org.name)) + "\n\n" + t._(
        "Coordinators post and manage shifts. Org admins can also invite and remove coordinators."
    )
    return text, InlineKeyboardMarkup(rows)


def _uses_step(t: Translator, org: Org, role: str) -> tuple[str, InlineKeyboardMarkup]:
    code = CODE_OF_ROLE[role]
    rows = [
        [
            InlineKeyboardButton(t.number(n), callback_data=f"iv:u:{org.id}:{code}:{n}")
            for n in USES_CHOICES
        ],
        [InlineKeyboardButton("⬅ " + t._("Back"), callback_data=f"iv:o:{org.id}"), _close_button(t)],
    ]
    return t._(HOW_MANY[role]).format(org=esc(org.name)), InlineKeyboardMarkup(rows)


def until(t: Translator, ts: int) -> str:
    """A moment in the reader's zone, with the zone: 'Sun, Nov 29, 9:12 PM PST'."""
    moment = from_ts(ts)
    return f"{t.datetime(moment)} {t.zone(moment)}"


def invite_text(t: Translator, invite: Invite, link: str) -> str:
    return "\n".join(
        [
            "✉️ " + t._("Invite: <b>{role}</b> of <b>{org}</b>").format(
                role=esc(role_name(t, invite.role)), org=esc(invite.org_name)
            ),
            "",
            esc(link),
            "",
            t.ngettext(
                "Works for {count} person, until {date}.", "Works for {count} people, until {date}.", invite.max_uses
            ).format(count=t.number(invite.max_uses), date=esc(until(t, invite.expires_at))),
            t._("Send it only to the people you mean: whoever opens it gets the role."),
        ]
    )


async def invite_command(update: Update, context: BotContext) -> None:
    """Asks which organization to invite to (or, with just one, which role)."""
    if not await require_registered(update, context):
        return
    t = context.t
    actor = await current_actor(context)
    orgs = await administered_orgs(context.runtime.database, actor)
    if not orgs:
        if actor.is_network_admin:
            await update.effective_message.reply_text(t._("There are no organizations yet. Create one with /neworg."))
        else:
            await refuse(update, context)
        return
    text, markup = _orgs_step(t, orgs, 0) if len(orgs) > 1 else _role_step(t, orgs[0], back=False)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def orgs_page(update: Update, context: BotContext) -> None:
    """Shows a page of the organizations the presser administers."""
    query = update.callback_query
    actor = await current_actor(context)
    orgs = await administered_orgs(context.runtime.database, actor)
    if not orgs:
        await refuse(update, context)
        return
    await query.answer()
    text, markup = _orgs_step(context.t, orgs, int(context.match.group(1)))
    await query.edit_message_text(text, reply_markup=markup)


async def org_chosen(update: Update, context: BotContext) -> None:
    """Stores nothing; asks which role the invite grants."""
    found = await administered_org(update, context, int(context.match.group(1)))
    if found is None:
        return
    actor, org = found
    await update.callback_query.answer()
    several = len(await administered_orgs(context.runtime.database, actor)) > 1
    text, markup = _role_step(context.t, org, back=several)
    await update.callback_query.edit_message_text(text, reply_markup=markup)


async def role_chosen(update: Update, context: BotContext) -> None:
    """Asks how many people may use the invite."""
    found = await administered_org(update, context, int(context.match.group(1)))
    if found is None:
        return
    _, org = found
    await update.callback_query.answer()
    text, markup = _uses_step(context.t, org, ROLE_CODES[context.match.group(2)])
    await update.callback_query.edit_message_text(text, reply_markup=markup)


async def make_invite(update: Update, context: BotContext) -> None:
    """Creates the invite, shows its link with a Revoke button, and sends the same link as a QR code."""
    query = update.callback_query
    org_id, role, uses = int(context.match.group(1)), ROLE_CODES[context.match.group(2)], int(context.match.group(3))
    found = await administered_org(update, context, org_id)
    if found is None:
        return
    actor, _ = found
    t, runtime = context.t, context.runtime
    # One invite per dialogue message: pressed again, it has made its invite already.
    request = f"msg:{query.message.chat.id}:{query.message.message_id}" if query.message else None
    try:
        made = await create_invite(
            runtime.database, actor=actor, org_id=org_id, role=role, now=runtime.now_ts(), max_uses=uses,
            request_key=request,
        )
    except NotAllowed:
        await refuse(update, context)
        return
    except AlreadyMade:
        await query.answer(t._("This button no longer works. Please send /start."), show_alert=True)
        return
    await query.answer()
    link = deep_link(context.bot.username, made.code)
    revoke = InlineKeyboardMarkup(
        [[InlineKeyboardButton("🚫 " + t._("Revoke this invite"), callback_data=f"iv:x:{made.invite.id}")]]
    )
    await query.edit_message_text(invite_text(t, made.invite, link), reply_markup=revoke)
    caption = t._(SCAN[role]).format(org=esc(made.invite.org_name))
    await context.bot.send_photo(query.message.chat.id, photo=qr_png(link), caption=caption)


async def revoke(update: Update, context: BotContext) -> None:
    """Stops the invite from working, if the presser administers its organization."""
    query = update.callback_query
    t, runtime = context.t, context.runtime
    actor = await current_actor(context)
    outcome, invite = await revoke_invite(runtime.database, actor, int(context.match.group(1)), runtime.now_ts())
    if outcome is RevokeOutcome.NOT_FOUND or invite is None:
        await refuse(update, context)
        return
    if outcome is RevokeOutcome.ALREADY:
        await query.answer(t._("That invite was already revoked."), show_alert=True)
        return
    await query.answer()
    await query.edit_message_text(
        "🚫 " + t._("Invite revoked: <b>{role}</b> of <b>{org}</b>. The link no longer works.").format(
            role=esc(role_name(t, invite.role)), org=esc(invite.org_name)
        )
    )


async def close(update: Update, context: BotContext) -> None:
    """Closes the dialogue without making an invite."""
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(context.t._("Closed. Nothing was changed."))


ACCEPTED = {
    "coordinator": N_("🎉 You're now a coordinator of <b>{org}</b>."),
    "org_admin": N_("🎉 You're now an admin of <b>{org}</b>."),
}
ALREADY = {
    "coordinator": N_("You're already a coordinator of <b>{org}</b>."),
    "org_admin": N_("You're already an admin of <b>{org}</b>."),
}
REFUSED = {
    AcceptOutcome.UNKNOWN: N_(
        "This invite link doesn't work. Check that you opened the whole link, or ask for a new one."
    ),
    AcceptOutcome.REVOKED: N_("This invite was withdrawn. Ask the person who sent it for a new one."),
    AcceptOutcome.EXPIRED: N_("This invite has expired. Ask the person who sent it for a new one."),
    AcceptOutcome.USED_UP: N_("This invite has already been used. Ask the person who sent it for a new one."),
}


async def accept_invite_link(update: Update, context: BotContext, code: str) -> None:
    """Accepts `/start inv-<code>`: grants the role and says which, or says why the link doesn't work."""
    t, runtime = context.t, context.runtime
    result = await accept_invite(runtime.database, context.person.id, code, runtime.now_ts())
    message = update.effective_message
    if result.outcome in REFUSED:
        await message.reply_text("⚠️ " + t._(REFUSED[result.outcome]))
        return
    assert result.invite is not None and result.role is not None
    org = esc(result.invite.org_name)
    if result.outcome is AcceptOutcome.ALREADY:
        text = t._(ALREADY[result.role]).format(org=org)
    else:
        text = t._(ACCEPTED[result.role]).format(org=org)
    lines = [text, "", t._("Post a shift with /newshift and see your shifts with /manage.")]
    if result.role == "org_admin":
        lines.append(t._("Invite coordinators with /invite and see your team with /team."))
    # The menu first, so it already lists the new commands when they read the reply.
    await publish_person_menu(context.bot, context.runtime, context.person)
    await message.reply_text("\n".join(lines))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("invite", invite_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(orgs_page, pattern=ORGS_PATTERN))
    app.add_handler(CallbackQueryHandler(org_chosen, pattern=ORG_PATTERN))
    app.add_handler(CallbackQueryHandler(role_chosen, pattern=ROLE_PATTERN))
    app.add_handler(CallbackQueryHandler(make_invite, pattern=USES_PATTERN))
    app.add_handler(CallbackQueryHandler(revoke, pattern=REVOKE_PATTERN))
    app.add_handler(CallbackQueryHandler(close, pattern=f"^{CLOSE}$"))
