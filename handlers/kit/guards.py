"""Checks every handler makes before acting: is this person set up to do it?"""

from __future__ import annotations

from telegram import Update

from bot.services import authz
from bot.services.authz import Actor
from bot.store import orgs as org_store
from bot.store.orgs import Org
from handlers.kit.context import BotContext


async def require_registered(update: Update, context: BotContext) -> bool:
    """True for a registered volunteer; otherwise tells them to finish /start and returns False."""
    person = context.person
    if person.is_registered and person.status != "deleted":
        return True
    text = context.t._("Let's finish setting you up first: send /start.")
    if update.callback_query:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message:
        await update.effective_message.reply_text(text)
    return False


async def current_actor(context: BotContext) -> Actor:
    """The person behind this update with their roles, fresh from the database (never cached)."""
    runtime = context.runtime
    person = context.person
    return await authz.actor(runtime.database, person.id, person.telegram_id, runtime.settings.admins)


async def require_coordinator(update: Update, context: BotContext, org_id: int | None = None) -> Actor | None:
    """The actor when they may coordinate (this org, or any when org_id is None); otherwise says no."""
    actor = await current_actor(context)
    allowed = actor.is_coordinator if org_id is None else actor.can_coordinate(org_id)
    if allowed:
        return actor
    text = context.t._("Sorry, only the organization's coordinators can do that.")
    if update.callback_query:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message:
        await update.effective_message.reply_text(text)
    return None


async def postable_orgs(context: BotContext, actor: Actor) -> list[Org]:
    """The organizations this person may post for: all active ones for network admins."""
    db = context.runtime.database
    if actor.is_network_admin:
        return await org_store.list_active(db)
    found = [await org_store.get(db, role.org_id) for role in actor.roles]
    return [o for o in found if o is not None and o.status == "active"]
