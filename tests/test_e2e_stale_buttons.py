"""Buttons left behind on older messages (issue 13 item 3): a stale button says what happened in words
that fit, and the buttons of an answered question go, whether it was answered by a tap or by typing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.i18n import language_in_sentence
from bot.store import signups
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator
from tests.factories import make_org, make_shift
from tests.flows import after_typed, gettext, press_state, replies, tr
from tests.test_e2e_manage import join, volunteer


def plain(html: str) -> str:
    return html.replace("<b>", "").replace("</b>", "")


async def test_a_typed_answer_takes_the_buttons_off_its_question(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    """Typing a name instead of tapping “Use …”, then a ZIP under « Change state: neither button stays."""
    minji = emulator.user(7301, "Min", language_code="ko")
    _ = gettext("ko")
    await minji.send("/start")
    await minji.next_reply()
    await minji.press("✅ " + _("I agree"))
    await replies(minji, 2)
    await minji.press(_("Continue in {language}").format(language=language_in_sentence("ko")))
    name_question = await minji.next_reply()
    use_min = _("Use “{name}”").format(name="Min")
    assert use_min in name_question.labels
    await minji.send("민지")
    assert (await after_typed(minji)).text.startswith(_("Nice to meet you, {name}!").format(name="민지"))
    assert minji.emulator.message(minji.id, name_question.message_id).labels == []  # type: ignore[union-attr]
    await minji.tap(_("Skip"))
    await replies(minji, 2)
    await press_state(minji, "CA", "ko")
    zip_question = await minji.next_reply()
    change_state = "« " + _("Change state")
    assert change_state in zip_question.labels
    await minji.send("94103")
    await after_typed(minji)
    assert all(change_state not in m.labels for m in minji.messages)
    assert minji.emulator.message(minji.id, zip_question.message_id).labels == []  # type: ignore[union-attr]


async def test_cancel_left_on_an_older_list_says_it_is_cancelled_and_goes(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    org = await make_org(bot.db)
    starts = (datetime.now(UTC) + timedelta(days=3)).replace(second=0, microsecond=0)
    first = await make_shift(bot.db, org, title="Phone bank", starts=starts)
    second = await make_shift(bot.db, org, title="Canvass", starts=starts + timedelta(days=1))
    person, ana = await volunteer(bot, emulator, 7302, "Ana", "ko")
    await join(bot, person, first, 0)
    await join(bot, person, second, 1)
    await ana.send("/myshifts")
    listing = await ana.next_reply()
    cancel = "✖ " + tr("ko", "Cancel")
    assert listing.labels.count(cancel) == 2
    await ana.press(cancel, message=listing)  # the first shift's
    await ana.next_reply()
    await ana.press("✖ " + tr("ko", "Yes, cancel"))
    done = tr("ko", "Your place on <b>{title}</b> is cancelled. Thanks for letting us know!")
    assert plain(done).format(title="Phone bank") in (await ana.next_reply()).text

    # The list above still offers that Cancel: pressing it says so in words that fit, and it goes.
    answer = await ana.press(cancel, message=listing)
    assert answer.show_alert and answer.text == tr("ko", "That's already cancelled.")
    edited = await ana.next_reply()
    assert edited.edited and edited.message_id == listing.message_id
    assert edited.labels.count(cancel) == 1  # the other shift's Cancel stays, and still works
    assert (await signups.find(bot.db, first, person.id)).status == "cancelled"  # type: ignore[union-attr]
    await ana.press(cancel, message=edited)
    question = await ana.next_reply()
    assert plain(tr("ko", "Cancel your place on <b>{title}</b>?")).format(title="Canvass") in question.text
