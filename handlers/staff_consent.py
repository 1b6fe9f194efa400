"""The short consent a coordinator or admin gives once, where they come in: under the invite they opened,
or at /start, /neworg, /invite or /team when they haven't agreed yet (network admins come in that way).

They post and manage shifts rather than sign up, so agreeing finishes their profile with what Telegram
told us (bot/services/profile.py `agree_as_staff`): no phone, place, languages or interests are asked
before they can work; /settings has them. Someone on staff who agreed to the volunteer terms already and
is half-way through those questions is finished the same way, without being asked again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application

from bot.i18n import Translator
from bot.services import profile
from bot.services.authz import Actor
from handlers.commands import publish_person_menu
from handlers.kit.callbacks import Button
from handlers.kit.context import BotContext, refresh_translator
from handlers.kit.guards import current_actor, require_registered
from handlers.kit.replies import edit_or_keep
from handlers.shift_views import esc


@dataclass(frozen=True)
class StaffConsent(Button, prefix="ob:staff"):
    answer: Literal["yes", "no"]


def consent_text(t: Translator) -> str:
    """What is kept about a coordinator or admin, in four lines."""
    return "\n".join(
        [
            t._("Before you start: I keep your name and language to talk with you, and the shifts you post."),
            t._("Volunteers on your shifts see your name."),
            t._("You can get a copy with /mydata and delete it with /deleteme at any time."),
            "<b>" + t._("Is that OK with you?") + "</b>",
        ]
    )


def consent_markup(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("✅ " + t._("I agree"), callback_data=StaffConsent("yes").pack()),
                InlineKeyboardButton(t._("No, thanks"), callback_data=StaffConsent("no").pack()),
            ]
        ]
    )


def next_steps(t: Translator, actor: Actor) -> list[str]:
    """What a coordinator or admin can do now, by what they hold."""
    lines = []
    if actor.is_network_admin:
        lines.append(t._("Create an organization with /neworg and invite its admins with /invite."))
    if actor.roles or actor.is_network_admin:
        lines.append(t._("Post a shift with /newshift and see your shifts with /manage."))
    if any(role.role == "org_admin" for role in actor.roles):
        lines.append(t._("Invite coordinators with /invite and see your team with /team."))
    return lines


async def ask(update: Update, context: BotContext, intro: str | None = None) -> None:
    """Sends the short consent as a new message (after `intro`)."""
    text = consent_text(context.t)
    await context.bot.send_message(
        update.effective_chat.id, f"{intro}\n\n{text}" if intro else text, reply_markup=consent_markup(context.t)
    )


async def finish_if_agreed(context: BotContext, actor: Actor) -> bool:
    """For a coordinator or admin who agreed already: finishes the profile, skipping the volunteer
    questions. False when they haven't agreed (or aren't on staff)."""
    if context.person.is_registered:
        return True
    if not actor.is_coordinator or context.person.consent_at is None:
        return False
    runtime = context.runtime
    refresh_translator(context, await profile.agree_as_staff(runtime.database, actor, runtime.now_ts()))
    return True


async def require_ready(update: Update, context: BotContext) -> Actor | None:
    """The actor, for a command of coordinators and admins, once they have agreed; one who hasn't gets
    the short consent, anyone else not set up is told to finish /start."""
    actor = await current_actor(context)
    if await finish_if_agreed(context, actor):
        return actor
    if not actor.is_coordinator:
        await require_registered(update, context)
        return None
    if update.callback_query is not None:
        await update.callback_query.answer()
    await ask(update, context)
    return None


async def consent_answer(update: Update, context: BotContext, button: StaffConsent) -> None:
    """Agreeing finishes their profile and says what they can do; declining forgets them (and the role)."""
    query = update.callback_query
    t, runtime = context.t, context.runtime
    person = context.person
    if person.is_registered:
        await query.answer(t._("You're already set up. Use /settings to change your answers."), show_alert=True)
        await edit_or_keep(query, None, None)
        return
    actor = await current_actor(context)
    if not actor.is_coordinator:  # the role was taken away meanwhile: the volunteer terms are theirs
        await query.answer(t._("Let's finish setting you up first: send /start."), show_alert=True)
        await edit_or_keep(query, None, None)
        return
    await query.answer()
    if button.answer == "no":
        if person.consent_at is None:
            await profile.decline(runtime.database, person.id)
        await edit_or_keep(
            query,
            t._("OK, I haven't kept anything about you. If you change your mind, ask for a new invite."),
            None,
        )
        return
    person = await profile.agree_as_staff(runtime.database, actor, runtime.now_ts(), context.identity)
    refresh_translator(context, person)
    t = context.t
    await edit_or_keep(query, None, None)  # the terms they agreed to stay readable
    await publish_person_menu(context.bot, runtime, person)
    lines = [
        t._("Thank you, {name}! ✅").format(name=esc(person.name)),
        *next_steps(t, actor),
        t._("Your phone, place and languages can wait: add them any time in /settings."),
    ]
    await context.bot.send_message(query.message.chat.id, "\n".join(lines))


def register(app: Application) -> None:
    app.add_handler(StaffConsent.handler(consent_answer))
