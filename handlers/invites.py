"""/invite: an org admin or network admin makes a role invite (link + QR code); opening it grants the role.

Organization → role → how many uses, all by button (codec classes under `iv`: each carries what was
chosen, and every step checks again that the presser administers the organization, since data can be
forged). The choosing is a one-question flow of the dialogue engine (`InviteFlow`): typed text while it
is open shows the step again instead of going anywhere else, and doing anything else closes it.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

import segno
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CommandHandler, filters

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
from bot.store.dialogues import Dialogue
from bot.store.invites import Invite
from bot.store.orgs import Org
from handlers import staff_consent
from handlers.commands import publish_person_menu
from handlers.kit import dialogues
from handlers.kit.callbacks import Button
from handlers.kit.context import BotContext
from handlers.kit.guards import current_actor
from handlers.kit.keyboards import grid
from handlers.shift_views import esc

log = logging.getLogger(__name__)

INVITE_PREFIX = PREFIX  # the /start payload of an invite link: `inv-<code>`
KIND = "iv"  # the dialogue: step 'orgs' (data {'page'}), 'role' ({'org'}) or 'uses' ({'org', 'role'})

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


@dataclass(frozen=True)
class Page(Button, prefix="iv:p"):
    """A page of the organizations to invite to."""

    page: int


@dataclass(frozen=True)
class PickOrg(Button, prefix="iv:o"):
    org: int


@dataclass(frozen=True)
class Role(Button, prefix="iv:r"):
    org: int
    role: str  # a key of ROLE_CODES


@dataclass(frozen=True)
class Uses(Button, prefix="iv:u"):
    """Makes the invite."""

    org: int
    role: str
    uses: int


@dataclass(frozen=True)
class Revoke(Button, prefix="iv:x"):
    invite: int


@dataclass(frozen=True)
class Close(Button, prefix="iv:q"):
    pass


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
    return InlineKeyboardButton("✖ " + t._("Close"), callback_data=Close().pack())


def _orgs_step(t: Translator, orgs: list[Org], page: int) -> tuple[str, InlineKeyboardMarkup]:
    pages = max(1, -(-len(orgs) // ORGS_PER_PAGE))
    page = min(page, pages - 1)
    shown = orgs[page * ORGS_PER_PAGE : (page + 1) * ORGS_PER_PAGE]
    rows = grid([InlineKeyboardButton(o.name[:60], callback_data=PickOrg(o.id).pack()) for o in shown], 2)
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton("◀", callback_data=Page(page - 1).pack()))
    if page < pages - 1:
        nav.append(InlineKeyboardButton("▶", callback_data=Page(page + 1).pack()))
    if nav:
        rows.append(nav)
    rows.append([_close_button(t)])
    return "✉️ " + t._("Invite someone to which organization?"), InlineKeyboardMarkup(rows)


def _role_step(t: Translator, org: Org, *, back: bool) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [InlineKeyboardButton(t._("Coordinator"), callback_data=Role(org.id, "c").pack())],
        [InlineKeyboardButton(t._("Org admin"), callback_data=Role(org.id, "a").pack())],
    ]
    rows.append(
        [InlineKeyboardButton("⬅ " + t._("Back"), callback_data=Page(0).pack()), _close_button(t)] if back
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
            InlineKeyboardButton(t.number(n), callback_data=Uses(org.id, code, n).pack())
            for n in USES_CHOICES
        ],
        [InlineKeyboardButton("⬅ " + t._("Back"), callback_data=PickOrg(org.id).pack()), _close_button(t)],
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


def _stale(t: Translator) -> str:
    return t._("This button no longer works. Please send /start.")


async def _step(context: BotContext, dialogue: Dialogue) -> tuple[str, InlineKeyboardMarkup] | None:
    """The screen of the step the dialogue is at, checked again; None when it can't be shown any more."""
    actor = await current_actor(context)
    orgs = await administered_orgs(context.runtime.database, actor)
    org_id, role, page = dialogue.data.get("org"), dialogue.data.get("role"), dialogue.data.get("page", 0)
    org = next((o for o in orgs if o.id == org_id), None)
    if dialogue.step == "orgs" and orgs and isinstance(page, int):
        return _orgs_step(context.t, orgs, page)
    if dialogue.step == "role" and org is not None:
        return _role_step(context.t, org, back=len(orgs) > 1)
    if dialogue.step == "uses" and org is not None and role in ROLE_CODES:
        return _uses_step(context.t, org, ROLE_CODES[role])
    return None


class InviteFlow(dialogues.Flow):
    """Choosing an invite, by buttons; typed text gets the step again."""

    kind = KIND
    name = N_("making an invite")
    one_question = True
    buttons = ("iv",)

    async def on_message(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        await self._show(update, context, dialogue, "⚠️ " + context.t._("Please pick one of the buttons."))

    async def resume(self, update: Update, context: BotContext, dialogue: Dialogue) -> None:
        await self._show(update, context, dialogue)

    async def _show(self, update: Update, context: BotContext, dialogue: Dialogue, problem: str | None = None) -> None:
        screen = await _step(context, dialogue)
        if screen is None:
            await dialogues.end(context, KIND)
            await dialogues.reply(update, _stale(context.t))
            return
        text, markup = screen
        if problem:
            text = problem + "\n\n" + text
        await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)


async def _at(update: Update, context: BotContext, step: str, **data: object) -> bool:
    """Keeps the step the person is at (opening the dialogue); False when asked first to leave another."""
    open_ = await dialogues.current(context)
    if open_ is not None and open_.kind == KIND:
        open_.step, open_.data = step, dict(data)
        await dialogues.save(context, open_)
        return True
    return await dialogues.begin(update, context, KIND, step, dict(data)) is not None


async def invite_command(update: Update, context: BotContext) -> None:
    """Asks which organization to invite to (or, with just one, which role)."""
    actor = await staff_consent.require_ready(update, context)
    if actor is None:
        return
    t = context.t
    orgs = await administered_orgs(context.runtime.database, actor)
    if not orgs:
        if actor.is_network_admin:
            await update.effective_message.reply_text(t._("There are no organizations yet. Create one with /neworg."))
        else:
            await refuse(update, context)
        return
    several = len(orgs) > 1
    if not await (_at(update, context, "orgs", page=0) if several else _at(update, context, "role", org=orgs[0].id)):
        return  # asked first whether to leave another dialogue
    text, markup = _orgs_step(t, orgs, 0) if several else _role_step(t, orgs[0], back=False)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def orgs_page(update: Update, context: BotContext, button: Page) -> None:
    """Shows a page of the organizations the presser administers."""
    query = update.callback_query
    actor = await current_actor(context)
    orgs = await administered_orgs(context.runtime.database, actor)
    if not orgs:
        await refuse(update, context)
        return
    if not await _at(update, context, "orgs", page=max(0, button.page)):
        return
    await query.answer()
    text, markup = _orgs_step(context.t, orgs, max(0, button.page))
    await query.edit_message_text(text, reply_markup=markup)


async def org_chosen(update: Update, context: BotContext, button: PickOrg) -> None:
    """Asks which role the invite grants."""
    found = await administered_org(update, context, button.org)
    if found is None:
        return
    actor, org = found
    if not await _at(update, context, "role", org=org.id):
        return
    await update.callback_query.answer()
    several = len(await administered_orgs(context.runtime.database, actor)) > 1
    text, markup = _role_step(context.t, org, back=several)
    await update.callback_query.edit_message_text(text, reply_markup=markup)


async def role_chosen(update: Update, context: BotContext, button: Role) -> None:
    """Asks how many people may use the invite."""
    found = await administered_org(update, context, button.org)
    if found is None:
        return
    _, org = found
    if button.role not in ROLE_CODES:
        await update.callback_query.answer(_stale(context.t), show_alert=True)
        return
    if not await _at(update, context, "uses", org=org.id, role=button.role):
        return
    await update.callback_query.answer()
    text, markup = _uses_step(context.t, org, ROLE_CODES[button.role])
    await update.callback_query.edit_message_text(text, reply_markup=markup)


async def make_invite(update: Update, context: BotContext, button: Uses) -> None:
    """Creates the invite, shows its link with a Revoke button, and sends the same link as a QR code."""
    query = update.callback_query
    found = await administered_org(update, context, button.org)
    if found is None:
        return
    actor, _ = found
    t, runtime = context.t, context.runtime
    if button.role not in ROLE_CODES or button.uses not in USES_CHOICES:
        await query.answer(_stale(t), show_alert=True)
        return
    role, uses = ROLE_CODES[button.role], button.uses
    await dialogues.end(context, KIND)
    # One invite per dialogue message: pressed again, it has made its invite already.
    request = f"msg:{query.message.chat.id}:{query.message.message_id}" if query.message else None
    try:
        made = await create_invite(
            runtime.database, actor=actor, org_id=button.org, role=role, now=runtime.now_ts(), max_uses=uses,
            request_key=request,
        )
    except NotAllowed:
        await refuse(update, context)
        return
    except AlreadyMade:
        await query.answer(_stale(t), show_alert=True)
        return
    await query.answer()
    link = deep_link(context.bot.username, made.code)
    revoke = InlineKeyboardMarkup(
        [[InlineKeyboardButton("🚫 " + t._("Revoke this invite"), callback_data=Revoke(made.invite.id).pack())]]
    )
    await query.edit_message_text(invite_text(t, made.invite, link), reply_markup=revoke)
    caption = t._(SCAN[role]).format(org=esc(made.invite.org_name))
    await context.bot.send_photo(query.message.chat.id, photo=qr_png(link), caption=caption)


async def revoke(update: Update, context: BotContext, button: Revoke) -> None:
    """Stops the invite from working, if the presser administers its organization."""
    query = update.callback_query
    t, runtime = context.t, context.runtime
    actor = await current_actor(context)
    outcome, invite = await revoke_invite(runtime.database, actor, button.invite, runtime.now_ts())
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


async def close(update: Update, context: BotContext, button: Close) -> None:
    """Closes the dialogue without making an invite."""
    await dialogues.end(context, KIND)
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


async def accept_invite_link(update: Update, context: BotContext, code: str) -> bool:
    """Accepts `/start inv-<code>`: grants the role and says which, or says why the link doesn't work.
    True when they hold the role now. Someone new gives the short consent right there, under the news
    (handlers/staff_consent.py); the volunteer questions are never asked of them."""
    t, runtime = context.t, context.runtime
    result = await accept_invite(runtime.database, context.person.id, code, runtime.now_ts())
    message = update.effective_message
    if result.outcome in REFUSED:
        await message.reply_text("⚠️ " + t._(REFUSED[result.outcome]))
        return False
    assert result.invite is not None and result.role is not None
    org = esc(result.invite.org_name)
    if result.outcome is AcceptOutcome.ALREADY:
        text = t._(ALREADY[result.role]).format(org=org)
    else:
        text = t._(ACCEPTED[result.role]).format(org=org)
    actor = await current_actor(context)
    # The menu first, so it already lists the new commands when they read the reply.
    await publish_person_menu(context.bot, context.runtime, context.person)
    if not await staff_consent.finish_if_agreed(context, actor):
        await message.reply_text(
            text + "\n\n" + staff_consent.consent_text(t), reply_markup=staff_consent.consent_markup(t)
        )
        return True
    await message.reply_text("\n".join([text, "", *staff_consent.next_steps(context.t, actor)]))
    return True


def register(app: Application) -> None:
    dialogues.register_flow(InviteFlow())
    app.add_handler(CommandHandler("invite", invite_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(Page.handler(orgs_page))
    app.add_handler(PickOrg.handler(org_chosen))
    app.add_handler(Role.handler(role_chosen))
    app.add_handler(Uses.handler(make_invite))
    app.add_handler(Revoke.handler(revoke))
    app.add_handler(Close.handler(close))
