"""/neworg, /invite and follow-up numbers as dialogues of the engine (issue 10): they survive a restart,
and typed text reaches exactly one dialogue, whichever of them were opened in turn and in what order.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.services.signups import sign_up
from bot.store import dialogues as dialogue_store
from bot.store import orgs, people, reports, roles, shifts
from handlers import followup_views as followup
from tests.conftest import ADMIN_ID, SWITCH, RunningBot, restart
from tests.emulator import BotAPIEmulator, BotMessage, TestUser
from tests.factories import make_org, make_shift, make_volunteer
from tests.flows import expect_pointer, tr

START = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)
SHIFT_AT = START + timedelta(days=3)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


async def said(bot: RunningBot, user: TestUser, text: str) -> list[BotMessage]:
    """Sends `text`; everything the bot did in the chat because of it."""
    await user.send(text)
    first = await user.next_reply()
    await bot.inbox.wait_idle()
    return [first, *user.drain()]


async def pressed(bot: RunningBot, user: TestUser, label: str = "", data: str = "") -> list[BotMessage]:
    """Presses a button (by label, or forged data); everything the bot did in the chat because of it."""
    if data:
        await user.press_data(data)
    else:
        await user.press(label)
    await bot.inbox.wait_idle()
    return user.drain()


@dataclass
class Setup:
    bot: RunningBot
    user: TestUser
    person_id: int
    org_id: int
    shift_id: int
    signup_id: int


async def network_admin(bot: RunningBot, emulator: BotAPIEmulator, name: str = "Ada") -> Setup:
    """A network admin who also coordinates an organization with a shift they signed up for: someone
    who can open every dialogue."""
    org = await make_org(bot.db, "kaya", "KAYA")
    shift_id = await make_shift(bot.db, org, title="Phone bank", kind="canvass", starts=SHIFT_AT)
    person = await make_volunteer(bot.db, ADMIN_ID, first_name=name)
    async with bot.db.transaction() as tx:
        await roles.grant(tx, person.id, org.id, "coordinator", None, 0)
    runtime = bot.runtime
    signup = (await sign_up(bot.db, person.id, shift_id, runtime.now_ts(), policy=runtime.reminder_policy)).signup
    assert signup is not None
    return Setup(bot, emulator.user(ADMIN_ID, name), person.id, org.id, shift_id, signup.id)


# --- restarts --------------------------------------------------------------------------------------------


async def test_neworg_continues_after_a_restart(
    emulator: BotAPIEmulator, restartable: list[RunningBot], clock: ManualClock
) -> None:
    bot = restartable[0]
    await make_volunteer(bot.db, ADMIN_ID, first_name="Ada")
    admin = emulator.user(ADMIN_ID, "Ada")
    await admin.send("/neworg")
    await admin.next_reply()
    await admin.send("Hmong Youth Alliance")
    assert "Use hmongyouthalliance" in (await admin.next_reply()).labels

    bot = await restart(restartable, emulator, clock)  # the draft waits in SQLite
    await admin.send("hya")
    ask_state = await admin.next_reply()
    assert "Which state or territory is it in?" in ask_state.text
    await admin.press("MN")
    await admin.next_reply()
    bot = await restart(restartable, emulator, clock)  # and again, at a step of buttons
    await admin.send("America/Chicago")
    confirm = await admin.next_reply()
    assert "Hmong Youth Alliance" in confirm.text and "America/Chicago" in confirm.text
    await admin.press("✅ Create")
    assert "Hmong Youth Alliance is created." in (await admin.next_reply()).text
    org = await orgs.get_by_slug(bot.db, "hya")
    assert org is not None and (org.name, org.state, org.timezone) == ("Hmong Youth Alliance", "MN", "America/Chicago")
    await admin.send("Another name")  # created: nothing is open any more
    await expect_pointer(admin)


async def test_a_follow_up_number_typed_after_a_restart_is_saved(
    emulator: BotAPIEmulator, restartable: list[RunningBot], clock: ManualClock
) -> None:
    bot = restartable[0]
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title="Canvass", kind="canvass", starts=SHIFT_AT)
    person = await make_volunteer(bot.db, 6101, first_name="Linh", locale="vi", language_code="vi")
    runtime = bot.runtime
    signup = (await sign_up(bot.db, person.id, shift_id, runtime.now_ts(), policy=runtime.reminder_policy)).signup
    assert signup is not None
    linh = emulator.user(6101, "Linh", language_code="vi")
    await linh.send("/help")
    await linh.next_reply()
    await linh.press_data(followup.Ask(signup.id, "doors").pack())
    assert tr("vi", "How many doors did you knock?") in (await linh.next_reply()).text

    bot = await restart(restartable, emulator, clock)  # the question waits in SQLite
    await linh.send("40")
    saved = await linh.next_reply()
    assert "40" in saved.text
    assert (await reports.get_for_signup(bot.db, signup.id))["doors"] == 40
    await linh.send("41")  # answered once: the question is closed
    await expect_pointer(linh, "vi")
    assert (await reports.get_for_signup(bot.db, signup.id))["doors"] == 40


# --- issue 10's cross-routing cases ------------------------------------------------------------------------


async def test_a_shift_title_typed_in_manage_with_neworg_open_goes_to_one_dialogue(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    """'With /neworg open, a new shift title typed in /manage became step 2 of the org dialogue': now opening
    the /manage question asks to leave /neworg, and whichever is chosen, the text goes to exactly one."""
    s = await network_admin(bot, emulator)
    admin = s.user
    question = tr("en", SWITCH).format(current=tr("en", "creating an organization"), new=tr("en", "changing a shift"))
    await said(bot, admin, "/neworg")
    await said(bot, admin, "/manage")
    await pressed(bot, admin, "1")
    await pressed(bot, admin, "✏️ " + tr("en", "Edit"))
    asked = await pressed(bot, admin, tr("en", "Title"))
    assert asked[-1].text == question

    shown = await pressed(bot, admin, tr("en", "Keep going"))
    assert "What is the organization's name?" in shown[-1].text  # /neworg asks again
    answer = await said(bot, admin, "Saturday canvass")
    assert len(answer) == 1 and "Use saturdaycanvass" in answer[0].labels  # step 2 of /neworg, and only that
    shift = await shifts.get(bot.db, s.shift_id)
    assert shift is not None and shift.title == "Phone bank"

    assert (await pressed(bot, admin, tr("en", "Title")))[-1].text == question  # the edit menu is still there
    shown = await pressed(bot, admin, tr("en", "Leave it and start"))
    assert "Type the new title" in shown[-1].text
    answer = await said(bot, admin, "Saturday canvass")
    assert tr("en", "Saved.") in answer[0].text and not any("Use saturdaycanvass" in m.labels for m in answer)
    shift = await shifts.get(bot.db, s.shift_id)
    assert shift is not None and shift.title == "Saturday canvass"
    assert await dialogue_store.get(bot.db, s.person_id) is None  # /neworg was left, the question answered
    assert len(await orgs.list_active(bot.db)) == 1


async def test_a_name_typed_after_settings_name_then_neworg_starts_only_the_org(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    """'/settings → Name, then /neworg, then "Hmong Youth Alliance" renamed the admin and started the org':
    /neworg replaces the one-question editor, and the text goes to /neworg only; the other way round,
    the editor asks to leave /neworg first, and then the text renames only."""
    s = await network_admin(bot, emulator)
    admin = s.user
    await said(bot, admin, "/settings")
    await pressed(bot, admin, "👤 " + tr("en", "Name"))
    await said(bot, admin, "/neworg")
    answer = await said(bot, admin, "Hmong Youth Alliance")
    assert len(answer) == 1 and "Use hmongyouthalliance" in answer[0].labels
    person = await people.get(bot.db, s.person_id)
    assert person is not None and person.display_name == "Ada"

    await pressed(bot, admin, "⬅ " + tr("en", "Back"))  # /neworg is at its name again
    await said(bot, admin, "/settings")
    asked = await pressed(bot, admin, "👤 " + tr("en", "Name"))
    assert asked[-1].text == tr("en", SWITCH).format(
        current=tr("en", "creating an organization"), new=tr("en", "changing your settings")
    )
    await pressed(bot, admin, tr("en", "Leave it and start"))
    answer = await said(bot, admin, "Hmong Youth Alliance")
    assert len(answer) == 1 and tr("en", "Name: {value}").format(value="Hmong Youth Alliance") in answer[0].text
    person = await people.get(bot.db, s.person_id)
    assert person is not None and person.display_name == "Hmong Youth Alliance"
    assert await dialogue_store.get(bot.db, s.person_id) is None


async def test_a_name_typed_during_a_follow_up_gets_one_answer(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    """'A volunteer typing a name during a follow-up got both "Saved" and "Please send a whole number"':
    whichever question was opened last takes the text, and it alone answers."""
    s = await network_admin(bot, emulator, "Linh")
    vol = s.user
    ask_doors = followup.Ask(s.signup_id, "doors").pack()
    await said(bot, vol, "/help")
    await pressed(bot, vol, data=ask_doors)
    await said(bot, vol, "/settings")
    await pressed(bot, vol, "👤 " + tr("en", "Name"))
    answer = await said(bot, vol, "Linh Tran")
    assert len(answer) == 1 and tr("en", "Name: {value}").format(value="Linh Tran") in answer[0].text
    assert (await reports.get_for_signup(bot.db, s.signup_id))["doors"] is None

    await said(bot, vol, "/settings")
    await pressed(bot, vol, "👤 " + tr("en", "Name"))
    await pressed(bot, vol, data=ask_doors)
    answer = await said(bot, vol, "Linh Nguyen")
    assert [m.text for m in answer] == [tr("en", "Please send a whole number, like 25.")]
    person = await people.get(bot.db, s.person_id)
    assert person is not None and person.display_name == "Linh Tran"
    answer = await said(bot, vol, "25")
    assert len(answer) == 1 and "25" in answer[0].text
    assert (await reports.get_for_signup(bot.db, s.signup_id))["doors"] == 25


# --- two dialogues opened in turn, in every order --------------------------------------------------------


Step = Callable[[Setup], Awaitable[list[BotMessage]]]


def send(text: str) -> Step:
    return lambda s: said(s.bot, s.user, text)


def press(label: str) -> Step:
    return lambda s: pressed(s.bot, s.user, label)


def _ask_doors(s: Setup) -> Awaitable[list[BotMessage]]:
    return pressed(s.bot, s.user, data=followup.Ask(s.signup_id, "doors").pack())


@dataclass(frozen=True)
class Opened:
    """How to open one dialogue up to its question, what to type into it, and how its answer looks."""

    steps: tuple[Step, ...]
    name: str  # the flow's name, as the "leave it?" question says it
    typed: str
    answered: Callable[[BotMessage], bool]
    one_question: bool

    async def open(self, s: Setup) -> tuple[list[BotMessage], tuple[Step, ...]]:
        """Takes the steps until the bot asks whether to leave another dialogue; what it showed last,
        and the steps left to take after leaving it."""
        shown: list[BotMessage] = []
        for taken, step in enumerate(self.steps, start=1):
            shown = await step(s)
            if any("Leave it and start" in m.labels for m in shown):
                return shown, self.steps[taken:]
        return shown, ()


FLOWS = {
    "settings-name": Opened(
        (send("/settings"), press("👤 " + tr("en", "Name"))), "changing your settings", "Ada Lovelace",
        lambda m: tr("en", "Name: {value}").format(value="Ada Lovelace") in m.text, True,
    ),
    "manage-title": Opened(
        (send("/manage"), press("1"), press("✏️ " + tr("en", "Edit")), press(tr("en", "Title"))),
        "changing a shift", "Night canvass", lambda m: tr("en", "Saved.") in m.text and "Night canvass" in m.text, True,
    ),
    "broadcast": Opened(
        (send("/broadcast"), press("✍️ " + tr("en", "Write the message"))), "writing a broadcast", "Bring water",
        lambda m: "Bring water" in m.text and "Preview" in m.text, False,
    ),
    "newshift": Opened(
        (send("/newshift"),), "posting a shift", "Night phone bank",
        lambda m: tr("en", "What kind of shift is it?") in m.text and "Night phone bank" in m.text, False,
    ),
    "neworg": Opened(
        (send("/neworg"),), "creating an organization", "Hmong Youth Alliance",
        lambda m: "Use hmongyouthalliance" in m.labels, False,
    ),
    "invite": Opened(
        (send("/invite"),), "making an invite", "Coordinator please",
        lambda m: tr("en", "Please pick one of the buttons.") in m.text, True,
    ),
    # The follow-up's button is under a message of the bot's: /help gives one.
    "followup-number": Opened(
        (send("/help"), _ask_doors), "adding your numbers", "12", lambda m: "12" in m.text and "Saved" in m.text, True,
    ),
}
PAIRS = [
    pytest.param(first, second, choice, id=f"{first}-then-{second}-{choice}")
    for first in FLOWS
    for second in FLOWS
    if first != second
    for choice in (("leave", "keep") if not FLOWS[first].one_question else ("replaced",))
]


@pytest.mark.parametrize(("first", "second", "choice"), PAIRS)
async def test_two_dialogues_opened_in_turn_the_text_goes_to_one(
    emulator: BotAPIEmulator, bot: RunningBot, first: str, second: str, choice: str
) -> None:
    """A dialogue one could lose work in asks before another opens; a one-question one is replaced.
    Either way the typed text goes to exactly one, the one the person is now in."""
    s = await network_admin(bot, emulator)
    a, b = FLOWS[first], FLOWS[second]
    await a.open(s)
    shown, rest = await b.open(s)
    if choice == "replaced":
        assert not any("Leave it and start" in m.labels for m in shown)
        now_in = b
    else:
        assert shown[-1].text == tr("en", SWITCH).format(current=tr("en", a.name), new=tr("en", b.name))
        await pressed(s.bot, s.user, tr("en", "Leave it and start" if choice == "leave" else "Keep going"))
        now_in = b if choice == "leave" else a
        for step in rest if choice == "leave" else ():
            await step(s)  # the rest of the way to its question (a broadcast opens at its filters)
    answer = await said(bot, s.user, now_in.typed)
    # An earlier question of the same dialogue may lose its buttons (an edit); nothing else may come.
    answer = [m for m in answer if not m.edited or now_in.answered(m)]
    assert len(answer) == 1 and now_in.answered(answer[0]), [m.text for m in answer]
