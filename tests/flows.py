"""Conversations more than one test file walks through, written once: onboarding from /start."""

from __future__ import annotations

from collections.abc import Callable

from bot.i18n import language_in_sentence, translations
from bot.vocab import STATE_NAMES
from tests.emulator.models import BotMessage
from tests.emulator.user import TestUser


def gettext(locale: str) -> Callable[[str], str]:
    return translations(locale).gettext


def tr(locale: str, message: str) -> str:
    """What a reader of `locale` sees for an English message (the message itself until it is translated)."""
    return translations(locale).gettext(message)


async def replies(user: TestUser, count: int) -> list[BotMessage]:
    return [await user.next_reply() for _ in range(count)]


async def after_typed(user: TestUser) -> BotMessage:
    """What a typed answer to an onboarding question brings: the next message, and an edit that takes
    the answered question's buttons away (in either order). Returns the message."""
    got = await replies(user, 2)
    retired = [m for m in got if m.edited and not m.labels]
    assert retired, f"the answered question kept its buttons: {got}"
    return next(m for m in got if m is not retired[0])


async def press_state(user: TestUser, code: str, locale: str = "en") -> None:
    """Taps the state by its name in `locale` (`code` a state's code, or a label such as "🌏 Outside the US"),
    paging on (Next ▶) to the page that has it; the tap's answer is left for the caller to read."""
    name = tr(locale, STATE_NAMES[code]) if code in STATE_NAMES else code
    more, back = tr(locale, "Next") + " ▶", "◀ " + tr(locale, "Previous")
    every = "🗺 " + tr(locale, "All states and territories")
    turn = more
    for _ in range(4):
        labels = next((m.labels for m in reversed(user.messages) if m.labels), [])
        if name in labels:
            await user.press(name)
            return
        if every in labels:  # the network's states first; the others are further on
            await user.press(every)
            await user.next_reply()
            continue
        if turn not in labels:
            turn = back if turn == more else more
        assert turn in labels, f"no {name!r} on any page of the states: {labels}"
        await user.press(turn)
        await user.next_reply()
    raise AssertionError(f"{name!r} not found")


async def onboard(
    user: TestUser,
    locale: str = "en",
    *,
    state: str = "CA",
    zip_code: str = "94103",
    zone_label: str | None = None,
    phone: str | None = None,
    languages: tuple[str, ...] = (),
    interests: tuple[str, ...] = (),
    start: str = "/start",
    language_asked: bool = True,
) -> BotMessage:
    """Taps through onboarding as a new user whose Telegram language is `locale`; returns the welcome.

    `languages` and `interests` are button labels to toggle (the UI language's own is preselected);
    `language_asked` is False when the language was chosen before consent (a `lang-` link), so not asked.
    """
    _ = gettext(locale)
    await user.send(start)
    consent = await user.next_reply()
    assert _("Is that OK with you?") in consent.text
    await user.press("✅ " + _("I agree"))
    await replies(user, 2)  # the terms lose their buttons; the language (or name) question comes
    if language_asked:
        await user.press(_("Continue in {language}").format(language=language_in_sentence(locale)))
        await user.next_reply()
    await user.press(_("Use “{name}”").format(name=user.first_name))
    await replies(user, 2)  # the name question loses its button; the phone question comes
    if phone is None:
        await user.tap(_("Skip"))
    else:
        await user.tap("📱 " + _("Share my phone number"), phone_number=phone)
    await replies(user, 2)  # the reply keyboard goes away; the state question comes
    await press_state(user, state, locale)
    await user.next_reply()
    if zip_code:
        await user.send(zip_code)
        await after_typed(user)
    if zone_label:
        await user.press(zone_label)
        await user.next_reply()
    for label in languages:
        await user.press(label)
        await user.next_reply()
    await user.press("✅ " + _("Done"))
    await user.next_reply()
    for label in interests:
        await user.press(label)
        await user.next_reply()
    await user.press("✅ " + _("Done"))
    welcome = await user.next_reply()
    assert _("What would you like to do?") in welcome.text
    return welcome


NOTHING_OPEN = "I'm not waiting for a message from you right now. Send /help to see what I can do."


async def expect_pointer(user: TestUser, locale: str = "en") -> None:
    """A message with no dialogue open gets the one-line pointer to /help (and changes nothing)."""
    assert (await user.next_reply()).text == tr(locale, NOTHING_OPEN)


NOT_TEXT = ("photo", "sticker", "voice", "location")


async def send_not_text(user: TestUser, what: str) -> None:
    """Sends what a question for typed text can't take: a photo, a sticker, a voice note or a location."""
    if what == "photo":
        await user.send_photo()
    elif what == "sticker":
        await user.send_sticker()
    elif what == "voice":
        await user.send_voice()
    else:
        await user.share_location(37.77, -122.42)
