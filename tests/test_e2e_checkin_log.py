"""The check-in log as a coordinator downloads it from /export: every check-in and check-out a row — who,
which shift, when, how, by whom, where — and every correction with the time it replaced; the hours file
follows the corrected times. Only the coordinator's own organizations' shifts."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock, to_ts
from bot.i18n import Translator
from bot.services import checkins
from bot.services import roster as roster_service
from bot.services.signups import sign_up
from bot.store import roles, signups
from bot.store import shifts as shift_store
from handlers import export
from handlers.export import CORRECTED, EVENT, METHOD, REMOVED
from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator
from tests.emulator.user import TestUser
from tests.factories import make_org, make_shift, make_volunteer
from tests.flows import tr
from tests.test_checkins import coordinator_of
from tests.test_e2e_checkin_corrections import reply_containing
from tests.test_e2e_newshift import reply

START = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)  # Monday 10:00 in Los Angeles
SHIFT_AT = START + timedelta(minutes=20)  # check-in is open from the start of the test
LA = ZoneInfo("America/Los_Angeles")
HERE = (37.7793, -122.4193)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


def stamp(moment: datetime) -> str:
    return moment.astimezone(LA).strftime("%Y-%m-%d %H:%M")


async def download(user: TestUser, locale: str, kind: str) -> list[list[str]]:
    await user.send("/export")
    await reply(user)
    await user.press(kind)
    await reply(user)
    await user.press(tr(locale, "All time"))
    sent = await reply(user)
    assert sent.document is not None
    return list(csv.reader(io.StringIO(sent.document.data.decode("utf-8-sig"))))


async def test_the_check_in_log_has_every_way_in_and_out_and_the_corrections(
    emulator: BotAPIEmulator, bot: RunningBot, clock: ManualClock
) -> None:
    db, vi = bot.db, "vi"
    org = await make_org(db, "kaya", "KAYA", state="CA")
    other = await make_org(db, "other", "Other org")
    shift_id = await make_shift(db, org, title="Door canvass", starts=SHIFT_AT, hours=2)
    elsewhere = await make_shift(db, other, title="Elsewhere", starts=SHIFT_AT)
    async with db.transaction() as tx:
        await shift_store.update(tx, shift_id, 0, latitude=HERE[0], longitude=HERE[1])
    coco = await make_volunteer(db, 7601, first_name="Coco", locale=vi, language_code=vi)
    async with db.transaction() as tx:
        await roles.grant(tx, coco.id, org.id, "coordinator", None, 0)
    coord = emulator.user(7601, "Coco", language_code=vi)
    people = {}
    for tid, name in ((7602, "Linh"), (7603, "Bao"), (7604, "Chi"), (7605, "Dung"), (7607, "Em")):
        person = await make_volunteer(db, tid, first_name=name)
        emulator.user(tid, name, language_code="en")  # a chat the bot can write to (milestones, follow-ups)
        await sign_up(db, person.id, shift_id, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
        people[name] = person
    sam = await make_volunteer(db, 7606, first_name="Sam")
    emulator.user(7606, "Sam", language_code="en")
    await sign_up(db, sam.id, elsewhere, bot.runtime.now_ts(), policy=bot.runtime.reminder_policy)
    await checkins.check_in(db, person_id=sam.id, shift_id=elsewhere, method="button", now=bot.runtime.now_ts())

    # Linh scans the QR code, Bao shares his location, Chi presses I'm here, Dung is checked in at the door.
    token = await checkins.token_for(db, actor=coordinator_of(org.id, coco.id), shift_id=shift_id,
                                     now=bot.runtime.now_ts())
    linh = emulator.user(7602, "Linh", language_code="en")
    await linh.send(f"/start ci-{token}")
    linh_in = await reply_containing(linh, "✅ You're checked in at Door canvass.")
    clock.set(SHIFT_AT - timedelta(minutes=5))
    bao = emulator.user(7603, "Bao", language_code="en")
    await bao.share_location(HERE[0] + 0.0001, HERE[1])
    await bao.next_reply()
    clock.set(SHIFT_AT)
    chi = emulator.user(7604, "Chi", language_code="en")
    await chi.send("/checkin")
    await chi.next_reply()
    await chi.press("✅ I'm here")
    await chi.next_reply()
    dung = await signups.find(db, shift_id, people["Dung"].id)
    assert dung is not None
    await checkins.check_in_for(db, actor=coordinator_of(org.id, coco.id), shift_id=shift_id, signup_id=dung.id,
                                now=bot.runtime.now_ts())
    clock.set(SHIFT_AT + timedelta(hours=1))
    await linh.press("Check out", message=linh_in)
    await linh.next_reply()
    # Dung was never there after all; Bao's arrival is corrected by the coordinator.
    shift = await shift_store.get(db, shift_id)
    assert shift is not None
    await roster_service.mark(db, actor=coordinator_of(org.id, coco.id), shift=shift, signup_id=dung.id, code="n",
                              now=bot.runtime.now_ts())
    em = await signups.find(db, shift_id, people["Em"].id)
    assert em is not None  # came without checking in: marked attended by hand, the whole shift counts
    await roster_service.mark(db, actor=coordinator_of(org.id, coco.id), shift=shift, signup_id=em.id, code="a",
                              now=bot.runtime.now_ts())
    bao_signup = await signups.find(db, shift_id, people["Bao"].id)
    assert bao_signup is not None
    await checkins.correct_time(db, actor=coordinator_of(org.id, coco.id), shift_id=shift_id,
                                signup_id=bao_signup.id, field="in", at=to_ts(SHIFT_AT + timedelta(minutes=10)),
                                now=bot.runtime.now_ts())
    clock.set(SHIFT_AT + timedelta(hours=3))
    await checkins.close_ended(db, bot.runtime.now_ts())  # Bao and Chi never checked out: closed at the end

    rows = await download(coord, vi, "📍 " + tr(vi, "Check-ins and corrections"))
    t = Translator(vi, LA)
    assert rows[0] == export._log_header(t)
    body = [(r[3], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12]) for r in rows[1:]]
    start, end = stamp(SHIFT_AT), stamp(SHIFT_AT + timedelta(hours=2))
    early = stamp(START)
    assert all(r[0] == "KAYA" and r[1] == "Door canvass" and r[2] == start for r in rows[1:])
    assert "Sam" not in {r[3] for r in rows[1:]}  # another organization's shift
    cin, cout = tr(vi, EVENT["in"]), tr(vi, EVENT["out"])
    expected = [
        ("Linh", cin, early, tr(vi, METHOD["qr"]), "", "", "", "", ""),
        ("Bao", cin, stamp(SHIFT_AT - timedelta(minutes=5)), tr(vi, METHOD["location"]), "", str(HERE[0] + 0.0001),
         str(HERE[1]), "", ""),
        ("Chi", cin, start, tr(vi, METHOD["button"]), "", "", "", "", ""),
        ("Dung", cin, start, tr(vi, METHOD["coordinator"]), "Coco", "", "", "", ""),
        ("Linh", cout, stamp(SHIFT_AT + timedelta(hours=1)), tr(vi, METHOD["button"]), "", "", "", "", ""),
        ("Dung", tr(vi, REMOVED), stamp(SHIFT_AT + timedelta(hours=1)), tr(vi, METHOD["coordinator"]), "Coco", "",
         "", "", ""),
        ("Bao", tr(vi, CORRECTED["in"]), stamp(SHIFT_AT + timedelta(minutes=10)), tr(vi, METHOD["coordinator"]),
         "Coco", "", "", stamp(SHIFT_AT - timedelta(minutes=5)), ""),
        ("Em", cin, start, tr(vi, METHOD["coordinator"]), "Coco", "", "", "", ""),
        ("Em", cout, end, tr(vi, METHOD["coordinator"]), "Coco", "", "", "", ""),
        ("Bao", cout, end, tr(vi, METHOD["auto"]), "", "", "", "", ""),
        ("Chi", cout, end, tr(vi, METHOD["auto"]), "", "", "", "", ""),
    ]
    assert sorted(body) == sorted(expected)
    corrected = expected[6]
    assert body.index(corrected) > body.index(expected[1])  # in the order they were recorded
    assert rows[1 + body.index(corrected)][13] == stamp(SHIFT_AT + timedelta(hours=1))  # when it was corrected

    # The hours file counts Bao from the corrected arrival.
    hours = await download(coord, vi, "⏱ " + tr(vi, "Hours per volunteer"))
    by_name = {r[0]: r for r in hours[1:]}
    assert float(by_name["Bao"][7]) == round(110 / 60, 2)
    assert float(by_name["Chi"][7]) == 2.0 and float(by_name["Em"][7]) == 2.0
    assert float(by_name["Linh"][7]) == round(80 / 60, 2)
    assert by_name["Dung"][6] == "1" and float(by_name["Dung"][7]) == 0.0  # a no-show: no hours
