"""The coordinator journey of issue 13, walked as a new user through the emulator: an admin invites a new
coordinator, who accepts (the short consent), posts a first shift with /newshift and broadcasts to Korean
speakers; a Korean volunteer who signed up for the shift (and follows nothing) is counted and gets it.

Every message the coordinator sees and every tap or typed answer goes into a transcript, written under the
test's tmp dir and printed (see it with -s). The taps and typed answers are counted against a budget, so
the journey can't silently grow longer.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.services.signups import sign_up
from bot.store import people
from bot.store.broadcasts import Reach
from bot.vocab import outreach_language_name
from handlers.broadcast_views import reach_text
from handlers.shift_views import hours_label
from tests.conftest import ADMIN_ID, RunningBot
from tests.emulator import BotAPIEmulator, BotMessage, TestUser
from tests.factories import make_org, make_shift, make_volunteer
from tests.flows import tr

LA = ZoneInfo("America/Los_Angeles")
EN = Translator("en", LA)
LINK = re.compile(r"https://t\.me/\w+\?start=(inv-[A-Za-z0-9_-]+)")
SHORT_TERMS = "Before you start: I keep your name and language to talk with you, and the shifts you post."
LONG_TERMS = "Before we start, here is what I keep about you, and why:"
# Measured when this test was written: what the coordinator does from opening the invite to the broadcast
# going out. Lower it when the journey gets shorter; it must not grow.
COORDINATOR_BUDGET = 21
ADMIN_BUDGET = 3


class Walker:
    """One person in the journey: what they do (counted) and everything the bot shows them, in the transcript."""

    def __init__(self, user: TestUser, who: str, log: list[str]) -> None:
        self.user, self.who, self.log = user, who, log
        self.actions = 0
        self.seen: list[BotMessage] = []
        self.latest = 0

    async def send(self, text: str) -> None:
        self.actions += 1
        self.log.append(f"{self.who} ⌨  {text}")
        await self.user.send(text)

    async def press(self, label: str, message: BotMessage | None = None) -> None:
        self.actions += 1
        self.log.append(f"{self.who} 👆 [{label}]")
        answer = await self.user.press(label, message=message)
        assert not answer.show_alert, answer.text
        if answer.text:
            self.log.append(f"    (a toast) {answer.text}")

    def _record(self, message: BotMessage) -> None:
        self.seen.append(message)
        if message.edited and not message.buttons and message.message_id < self.latest:
            self.log.append(f"    (an earlier message #{message.message_id} loses its buttons)")
            return
        which = f"(edits #{message.message_id})" if message.edited else f"#{message.message_id}"
        head = f"bot → {self.who} {which}"
        body = message.text or ""
        if message.document is not None:
            body = f"📎 {message.document.filename}" + (f"\n{body}" if body else "")
        elif message.photo is not None:
            body = "🖼 (a picture)" + (f"\n{body}" if body else "")
        self.log.append(head + ":")
        self.log += ["    " + line for line in body.splitlines() or [""]]
        for row in message.buttons:
            self.log.append("    " + " ".join(f"[{label}]" for label, _ in row))
        if message.reply_keyboard:
            self.log.append("    keyboard: " + " / ".join(" ".join(row) for row in message.reply_keyboard))

    async def see(self) -> BotMessage:
        """The next message or edit that says something, skipping (but recording) an older question's
        buttons being taken away."""
        while True:
            message = await self.user.next_reply()
            self._record(message)
            if message.edited and not message.buttons and message.message_id < self.latest:
                continue
            self.latest = max(self.latest, message.message_id)
            return message

    async def settle(self) -> list[BotMessage]:
        """Whatever the bot still has to show right now."""
        got = []
        while True:
            try:
                message = await self.user.next_reply(timeout=0.5)
            except AssertionError:
                return got
            self._record(message)
            self.latest = max(self.latest, message.message_id)
            got.append(message)


def _local_today() -> date:
    return datetime.now(UTC).astimezone(LA).date()


async def test_an_invited_coordinator_posts_a_first_shift_and_broadcasts_to_korean_speakers(
    emulator: BotAPIEmulator, bot: RunningBot, tmp_path: Path
) -> None:
    db = bot.db
    org = await make_org(db, "kaya", "KAYA")
    log: list[str] = []
    await make_volunteer(db, ADMIN_ID, first_name="Ada")  # a network admin who has used the bot before
    ada = Walker(emulator.user(ADMIN_ID, "Ada"), "Ada (admin)", log)
    grace = Walker(emulator.user(5101, "Grace"), "Grace (new coordinator)", log)

    log.append("== An admin invites a new coordinator")
    await ada.send("/invite")
    await ada.see()  # one organization: straight to the role
    await ada.press("Coordinator")
    await ada.see()
    await ada.press("1")
    shown = await ada.see()
    link = LINK.search(shown.text or "")
    assert link, shown.text
    assert (await ada.see()).photo is not None  # the link's QR code, to show on a phone
    assert ada.actions <= ADMIN_BUDGET

    log.append("")
    log.append("== The coordinator opens the link (a new user: never talked to the bot) and agrees, in short")
    await grace.send("/start " + link.group(1))
    told = await grace.see()
    assert tr("en", "🎉 You're now a coordinator of <b>{org}</b>.").format(org="KAYA") in (told.html or "")
    assert SHORT_TERMS in told.text and LONG_TERMS not in told.text
    await grace.press("✅ I agree")
    thanks = await grace.see()
    if thanks.edited:  # the terms keep their text and lose their buttons first
        thanks = await grace.see()
    assert "Post a shift with /newshift and see your shifts with /manage." in thanks.text
    person = await people.get_by_telegram_id(db, 5101)
    assert person is not None and person.is_registered and person.phone is None and person.state is None

    log.append("")
    log.append("== A first shift with /newshift")
    day = _local_today() + timedelta(days=3)
    await grace.send("/newshift")
    await grace.see()
    await grace.send("Korean phone bank")
    await grace.see()
    await grace.press("📞 Phone bank")
    await grace.see()
    await grace.press(EN.weekday_date(datetime.combine(day, time(12), tzinfo=LA)))
    await grace.see()
    await grace.press(EN.time(datetime.combine(day, time(18, 0), tzinfo=LA)))
    await grace.see()
    await grace.press(hours_label(EN, 120))
    await grace.see()
    await grace.send("3250 Wilshire Blvd, Los Angeles, CA")
    await grace.see()
    await grace.press("10")
    await grace.see()
    korean = outreach_language_name(EN, "ko")
    await grace.press(korean)
    await grace.see()
    await grace.press("✅ Done")
    await grace.see()
    await grace.press("No description")
    await grace.see()
    await grace.press("When it starts")
    await grace.see()
    await grace.press("Just once")
    preview = await grace.see()
    assert "Korean phone bank" in preview.text and "3250 Wilshire Blvd" in preview.text
    await grace.press("✅ Publish")
    published = await grace.see()
    assert "start=shift-" in published.text
    shift_id = int(await db.fetchval("SELECT id FROM shift WHERE title = 'Korean phone bank'"))
    await grace.settle()

    # Meanwhile: a Korean volunteer signs up for it (she follows no organization); a Vietnamese follower and
    # a Korean speaker who signed up only with another organization are not Korean speakers of this org's.
    seoyeon_p = await make_volunteer(db, 5201, first_name="서연", locale="ko", language_code="ko", languages=("ko",))
    assert (await sign_up(db, seoyeon_p.id, shift_id, bot.runtime.now_ts(),
                          policy=bot.runtime.reminder_policy)).signup is not None
    seoyeon = emulator.user(5201, "서연", language_code="ko")
    seoyeon.drain()
    await make_volunteer(db, 5202, first_name="Lan", locale="vi", languages=("vi",), follows=(org.id,))
    lan = emulator.user(5202, "Lan", language_code="vi")
    other = await make_org(db, "apen", "APEN")
    elsewhere = await make_shift(db, other, starts=datetime.now(UTC) + timedelta(days=4))
    hana_p = await make_volunteer(db, 5203, first_name="Hana", locale="ko", languages=("ko",))
    await sign_up(db, hana_p.id, elsewhere, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
    hana = emulator.user(5203, "Hana", language_code="ko")
    hana.drain()

    log.append("")
    log.append("== A broadcast to Korean speakers")
    await grace.send("/broadcast")
    filters_ = await grace.see()
    assert reach_text(EN, Reach(signed_up=1, followers=1)) in filters_.text
    await grace.press(korean)
    narrowed = await grace.see()
    assert reach_text(EN, Reach(signed_up=1, followers=0)) in narrowed.text  # she is counted, as signed up
    await grace.press("✍️ " + tr("en", "Write the message"))
    await grace.see()
    await grace.send("Thank you for signing up! Bring a charged phone on the day.")
    preview = await grace.see()
    assert tr("en", "Recipients: {reach}").format(reach=reach_text(EN, Reach(signed_up=1, followers=0))) in (
        preview.text
    )
    await grace.press("✅ " + EN.ngettext("Send to {count} person", "Send to {count} people", 1).format(count="1"))
    await bot.dispatch()
    got = await seoyeon.next_reply()
    assert "Bring a charged phone" in got.text and "KAYA" in got.text
    log.append(f"bot → 서연 (the Korean volunteer) #{got.message_id}:")
    log += ["    " + line for line in (got.text or "").splitlines()]
    for user in (lan, hana):
        await user.expect_no_reply(within=0.1)
    while not any("Your broadcast has gone out." in (m.text or "") for m in grace.seen):
        await grace.see()
    await grace.settle()

    taps = grace.actions
    log.append("")
    log.append(f"== The coordinator's taps and typed answers: {taps} (budget {COORDINATOR_BUDGET});"
               f" the admin's: {ada.actions}")
    transcript = "\n".join(log) + "\n"
    path = tmp_path / "coordinator-journey.txt"
    path.write_text(transcript, encoding="utf-8")
    print(f"\n--- {path}\n{transcript}")
    assert taps <= COORDINATOR_BUDGET
