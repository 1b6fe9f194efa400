"""The typed context every callback gets, and the handler that fills it once per update."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.i18n import Translator
from bot.runtime import Runtime
from bot.services.people import TelegramIdentity, identify
from bot.store.dialogues import Dialogue
from bot.store.people import Person
from handlers import pacer

RUNTIME_KEY = "runtime"


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """CallbackContext plus who the user is and how to speak to them (set by `resolve_user`)."""

    def __init__(self, application: Application, chat_id: int | None = None, user_id: int | None = None):
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self._person: Person | None = None
        self._t: Translator | None = None
        self.identity: TelegramIdentity | None = None  # what Telegram says of the user, stored once they agree
        self.dialogue: Dialogue | None = None  # the open dialogue, once handlers.kit.dialogues has read it

    @property
    def runtime(self) -> Runtime:
        return self.application.bot_data[RUNTIME_KEY]

    @property
    def person(self) -> Person:
        if self._person is None:
            raise RuntimeError("no person on this update (not from a user?)")
        return self._person

    @person.setter
    def person(self, value: Person) -> None:
        self._person = value

    @property
    def t(self) -> Translator:
        """The reader's translator; the network default when the update has no user."""
        if self._t is None:
            self._t = self.runtime.translator_for(None)
        return self._t

    @t.setter
    def t(self, value: Translator) -> None:
        self._t = value


async def resolve_user(update: Update, context: BotContext) -> None:
    """Looks up (or creates) the person behind the update and picks their language, once."""
    pacer.handling_update()  # from here on, what this update sends is a reply to someone waiting
    user = update.effective_user
    if user is None or user.is_bot:
        return
    runtime = context.runtime
    context.identity = TelegramIdentity(
        telegram_id=user.id,
        first_name=user.first_name,
        last_name=user.last_name,
        username=user.username,
        language_code=user.language_code,
    )
    context.person = await identify(runtime.database, context.identity, runtime.now_ts())
    context.t = runtime.translator_for(context.person, user.language_code)


def refresh_translator(context: BotContext, person: Person) -> None:
    """After a person changes language or zone, speak to them in it for the rest of this update."""
    context.person = person
    context.t = context.runtime.translator_for(person)
