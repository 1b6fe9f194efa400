"""Messages the outbox owes people: rendering each kind at send time, in the reader's current
language and zone, and delivering it through Telegram (the dispatcher's `deliver`). How each kind
reads is a renderer in its own module (handlers/shift_notices.py, digest.py, followup.py, broadcast.py),
all imported by handlers/jobs.py."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from telegram import InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, ContextTypes

from bot.i18n import Translator
from bot.pacing import ChatBusy
from bot.runtime import Runtime
from bot.scheduler import Deliver, Delivery, Result
from bot.store import people, signups
from bot.store import shifts as shift_store
from bot.store.outbox import OutboxItem
from bot.store.people import Person
from bot.store.shifts import Shift
from bot.store.signups import Signup
from handlers import pacer
from handlers.kit.context import RUNTIME_KEY

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    text: str
    markup: InlineKeyboardMarkup | None = None
    document: tuple[str, bytes] | None = None  # sent as one message, the text as its caption


class Skip(Exception):
    """The notice is no longer wanted (the shift started, the signup was cancelled…)."""


@dataclass(frozen=True)
class Rendering:
    item: OutboxItem
    person: Person
    t: Translator
    runtime: Runtime
    bot_username: str

    async def shift(self) -> Shift:
        if self.item.shift_id is None:
            raise Skip("no shift")
        shift = await shift_store.get(self.runtime.database, self.item.shift_id)
        if shift is None:
            raise Skip("shift deleted")
        return shift.in_locale(self.t.locale)  # the organizers' text in the reader's language, if they wrote one

    async def active_signup(self, *statuses: str) -> Signup:
        signup = await signups.get(self.runtime.database, int(self.item.payload.get("signup_id", 0)))
        if signup is None or signup.person_id != self.person.id or signup.status not in statuses:
            raise Skip("signup no longer active")
        return signup


Renderer = Callable[[Rendering], Awaitable[Notice]]
RENDERERS: dict[str, Renderer] = {}


def renderer(kind: str) -> Callable[[Renderer], Renderer]:
    """Registers how one kind of outbox item reads; features add their own kinds this way."""

    def register(func: Renderer) -> Renderer:
        RENDERERS[kind] = func
        return func

    return register


def _retry_seconds(exc: RetryAfter) -> float:
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def make_deliver(app: Application) -> Deliver:
    """The dispatcher's send function: render, send once through the bot's one send budget (at
    background priority, never waiting for a busy chat), and say what happened."""

    async def deliver(item: OutboxItem) -> Result:
        runtime: Runtime = app.bot_data[RUNTIME_KEY]
        person = await people.get(runtime.database, item.person_id)
        if person is None or person.status != "active" or person.telegram_id <= 0:
            return Result(Delivery.SKIPPED, "person not reachable")
        render = RENDERERS.get(item.kind)
        if render is None:
            return Result(Delivery.PERMANENT, f"no renderer for {item.kind!r}")
        rendering = Rendering(item, person, runtime.translator_for(person), runtime, app.bot.username)
        try:
            notice = await render(rendering)
        except Skip as skip:
            return Result(Delivery.SKIPPED, str(skip))
        bot = app.bot
        try:
            if notice.document:
                filename, data = notice.document
                await bot.send_document(
                    person.telegram_id,
                    InputFile(data, filename=filename, attach=False),
                    caption=notice.text,
                    reply_markup=notice.markup,
                    rate_limit_args=pacer.DISPATCH,
                )
            else:
                await bot.send_message(
                    person.telegram_id, notice.text, reply_markup=notice.markup, rate_limit_args=pacer.DISPATCH
                )
        except ChatBusy as busy:
            return Result(Delivery.DEFERRED, str(busy), busy.ready_in)
        except Forbidden as exc:
            return Result(Delivery.BLOCKED, exc.message)
        except RetryAfter as exc:
            return Result(Delivery.RETRY_AFTER, str(exc), _retry_seconds(exc))
        except pacer.OutcomeUnknown as exc:
            return Result(Delivery.UNCERTAIN, exc.message)
        except (TimedOut, NetworkError) as exc:
            if isinstance(exc, BadRequest):  # BadRequest is a NetworkError subclass in PTB
                return Result(Delivery.PERMANENT, exc.message)
            return Result(Delivery.TRANSIENT, exc.message)  # it never reached Telegram, or Telegram failed
        return Result(Delivery.SENT)

    return deliver


def poke_dispatcher(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends what is due now without waiting for the next wake-up (after queueing a notice)."""
    runtime: Runtime = context.application.bot_data[RUNTIME_KEY]
    dispatcher = runtime.dispatcher
    if dispatcher is None:
        return

    async def run_due() -> None:
        pacer.in_background()  # started from an update, but nobody is waiting for what this sends
        await dispatcher.run_due()

    context.application.create_task(run_due(), name="dispatch-now")
