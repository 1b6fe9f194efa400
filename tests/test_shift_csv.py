"""Reading a CSV of shifts: the template round-trips; columns, encodings, limits and every bad row reported."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import to_ts
from bot.db import Database
from bot.services import csvfile, exports, shift_csv
from bot.services.signups import cancel, sign_up
from bot.store import exports as export_store
from bot.store.orgs import Org
from tests.factories import POLICY, make_org, make_shift, make_volunteer

KAYA = Org(1, "kaya", "KAYA Network", "CA", "America/Los_Angeles", "active", 0)
KACF = Org(2, "kacf", "KACF", "NY", "America/New_York", "active", 0)
NOW = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)
HEADER = "title,kind,date,start,end,address,online_url,capacity,languages"


def messages(upload: shift_csv.Upload) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, p.error.message) for p in upload.problems]


def test_the_template_round_trips() -> None:
    data = shift_csv.template([KAYA], NOW)
    assert data.startswith(b"\xef\xbb\xbf")
    upload = shift_csv.parse(data, orgs=[KAYA], now=NOW, created_by=7)
    assert upload.ok, messages(upload)
    canvass, bank = upload.shifts
    assert (canvass.kind, canvass.region, canvass.languages) == ("canvass", "CA", ("ko", "en"))
    assert canvass.ends_at - canvass.starts_at == 3 * 3600
    assert datetime.fromtimestamp(canvass.starts_at, ZoneInfo("America/Los_Angeles")).strftime("%H:%M") == "10:00"
    assert (bank.online_url, bank.region, bank.ends_at - bank.starts_at) == ("https://zoom.us/j/123456789", None, 7200)
    assert bank.signup_deadline is not None and bank.signup_deadline < bank.starts_at
    assert {s.created_by for s in upload.shifts} == {7}
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(header) == shift_csv.COLUMNS


def test_with_or_without_bom_and_with_semicolons() -> None:
    body = f"{HEADER}\r\nPhone bank,phone_bank,2026-12-05,18:30,20:30,,https://zoom.us/j/1,10,ko\r\n"
    assert shift_csv.parse(body.encode(), orgs=[KAYA], now=NOW).ok
    assert shift_csv.parse(b"\xef\xbb\xbf" + body.encode(), orgs=[KAYA], now=NOW).ok
    semicolons = body.replace(",", ";")
    assert shift_csv.parse(semicolons.encode(), orgs=[KAYA], now=NOW).ok


def test_non_latin_text_is_kept() -> None:
    row = "한인 폰뱅킹,phone_bank,2026-12-05,18:30,20:30,,https://zoom.us/j/1,10,ko,간식 제공"
    body = f"{HEADER},description\r\n{row}\r\n"
    upload = shift_csv.parse(body.encode("utf-8"), orgs=[KAYA], now=NOW)
    assert upload.ok and upload.shifts[0].title == "한인 폰뱅킹" and upload.shifts[0].description == "간식 제공"


REPEATS = "This row repeats row {row}: the same shift would be posted twice. Delete one of them."


def test_a_repeated_row_is_a_problem_with_both_row_numbers() -> None:
    bank = "Phone bank,phone_bank,2026-12-05,18:30,20:30,,https://zoom.us/j/1,10,ko"
    other = "Phone bank,phone_bank,2026-12-06,18:30,20:30,,https://zoom.us/j/1,10,ko"
    # The same shift written another way is the same shift: '6:30pm' is 18:30, 'Phone Bank' its title.
    again = "Phone Bank,pb,12/5/2026,6:30pm,8:30pm,,https://zoom.us/j/1,25,ko"
    body = "\r\n".join([HEADER, bank, other, bank, "", again]) + "\r\n"
    upload = shift_csv.parse(body.encode(), orgs=[KAYA], now=NOW)
    assert not upload.ok and upload.shifts == []
    assert [(p.row, p.error.message, p.error.params) for p in upload.problems] == [
        (4, REPEATS, {"row": 2}),
        (6, REPEATS, {"row": 2}),  # row 5 is empty: rows are numbered as the spreadsheet shows them
    ]
    # Another language, another place or another organization is another shift.
    korean_and_vietnamese = "\r\n".join([HEADER, bank, bank.replace(",ko", ",vi")]) + "\r\n"
    assert shift_csv.parse(korean_and_vietnamese.encode(), orgs=[KAYA], now=NOW).ok
    two_orgs = "\r\n".join(["org," + HEADER, "kaya," + bank, "kacf," + bank]) + "\r\n"
    assert shift_csv.parse(two_orgs.encode(), orgs=[KAYA, KACF], now=NOW).ok


def test_broken_utf8_is_refused_with_the_line() -> None:
    body = f"{HEADER}\r\nPhone bank,phone_bank,2026-12-05,18:30,20:30,,https://zoom.us/j/1,10,ko\r\n".encode()
    broken = body + "Caf\u00e9,event,2026-12-06,10:00,11:00,Main St,,5,\r\n".encode("latin-1")
    upload = shift_csv.parse(broken, orgs=[KAYA], now=NOW)
    assert not upload.ok and upload.shifts == []
    (problem,) = upload.problems
    assert problem.row is None and "UTF-8" in problem.error.message and problem.error.params == {"line": 3}


def test_wrong_columns_are_named() -> None:
    upload = shift_csv.parse(b"titel,kind,date,start,capacity,address,end\r\nx,event,2026-12-05,10:00,5,a,11:00\r\n",
                             orgs=[KAYA], now=NOW)
    problems = {p.error.message: p.error.params for p in upload.problems}
    assert problems["Unknown columns: {columns}. The columns are: {expected}."]["columns"] == "titel"
    assert problems["Missing columns: {columns}."]["columns"] == "title"
    assert all(p.row == 1 for p in upload.problems)
    # Several organizations: which one must be said.
    upload = shift_csv.parse(f"{HEADER}\r\n".encode(), orgs=[KAYA, KACF], now=NOW)
    assert upload.problems[0].error.params["columns"] == "org"


def test_every_bad_row_is_reported_with_row_and_column() -> None:
    rows = [
        HEADER,
        "Good one,phone_bank,2026-12-05,18:30,20:30,,https://zoom.us/j/1,10,ko",
        "Bad date,canvass,31/02/2027,10:00,12:00,Main St,,10,",
        "Bad time,canvass,2026-12-06,25:00,26:00,Main St,,10,",
        "Good two,event,2026-12-07,10:00,11:00,Main St,,5,",
        "Bad capacity,canvass,2026-12-08,10:00,12:00,Main St,,0,",
    ]
    upload = shift_csv.parse("\r\n".join(rows).encode(), orgs=[KAYA], now=NOW)
    assert not upload.ok and upload.shifts == []  # nothing half-created: all or nothing
    found = {(p.row, p.column) for p in upload.problems}
    assert {(3, "date"), (4, "start"), (6, "capacity")} <= found
    assert {row for row, _ in found} == {3, 4, 6}


def test_more_problems_in_one_row_and_other_rules() -> None:
    rows = [
        "org," + HEADER,
        "nope,,kanvas,2026-11-19,10:00,09:00,,,10000000,xx",
        "kaya,Both,event,2026-12-05,10:00,11:00,Main St,https://zoom.us/j/1,5,",
        "kaya,Midnight,event,2026-12-05,23:00,01:00,Main St,,5,",
    ]
    upload = shift_csv.parse("\r\n".join(rows).encode(), orgs=[KAYA, KACF], now=NOW)
    by_cell = {(p.row, p.column): p.error.message for p in upload.problems}
    assert by_cell[(2, "org")].startswith("“{value}” is not one of your organizations")
    assert by_cell[(2, "title")] == "This is still missing."
    assert by_cell[(2, "kind")].startswith("Unknown kind")
    assert by_cell[(2, "date")] == "That date has already passed."
    assert by_cell[(2, "capacity")].startswith("That's more than {max} volunteers")
    assert by_cell[(2, "languages")].startswith("Unknown language code")
    assert by_cell[(2, "address")].startswith("Fill in an address")
    assert "not both" in by_cell[(3, "online_url")]
    assert by_cell[(4, "end")].startswith("The shift ends before it starts")


def test_a_50000_row_file_is_refused_before_it_is_read() -> None:
    row = "Phone bank,phone_bank,2026-12-05,18:30,20:30,,https://zoom.us/j/1,10,ko\r\n"
    data = (HEADER + "\r\n" + row * 50_000).encode()
    assert len(data) > shift_csv.MAX_BYTES
    assert shift_csv.size_problem(len(data)) is not None  # the handler refuses it without downloading
    upload = shift_csv.parse(data, orgs=[KAYA], now=NOW)
    (problem,) = upload.problems
    assert problem.error.message.startswith("The file is too big")


def test_50000_short_rows_stop_at_the_row_limit() -> None:
    data = ("title,kind,date,start,length_hours,address,capacity\n" + "a,event,1,1,1,a,1\n" * 50_000).encode()
    assert len(data) < shift_csv.MAX_BYTES
    upload = shift_csv.parse(data, orgs=[KAYA], now=NOW)
    (problem,) = upload.problems
    assert problem.error.params == {"max": shift_csv.MAX_ROWS}


def test_empty_files_and_extra_cells() -> None:
    assert shift_csv.parse(b"", orgs=[KAYA], now=NOW).problems[0].error.message.startswith("The file is empty")
    only_header = shift_csv.parse(f"{HEADER}\r\n,,,\r\n".encode(), orgs=[KAYA], now=NOW)
    assert "no shifts" in only_header.problems[0].error.message
    extra = f"{HEADER}\r\nA, B,event,2026-12-05,10:00,11:00,Main St,,5,ko\r\n"
    upload = shift_csv.parse(extra.encode(), orgs=[KAYA], now=NOW)
    assert any("more cells" in p.error.message for p in upload.problems)


def test_exported_cells_are_defused() -> None:
    data = csvfile.encode(
        [["name", "phone"], ["=HYPERLINK(1)", "+15551234567"], ["@x", 3], ["-2", 1.5], ["+1+cmd", "-2-3"]]
    )
    text = data.decode("utf-8")
    assert text.startswith("\ufeffname,phone\r\n")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    # A phone in E.164 or a bare signed number reads as what it is: no apostrophe to show in the cell.
    assert rows[1] == ["'=HYPERLINK(1)", "+15551234567"]
    assert rows[2] == ["'@x", "3"] and rows[3] == ["-2", "1.5"]
    assert rows[4] == ["'+1+cmd", "'-2-3"]  # arithmetic is a formula


# --- CSV out: what /export reads -------------------------------------------------------------------------


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "t.sqlite3")
    await database.migrate()
    yield database
    await database.close()


def test_export_periods_follow_the_readers_calendar() -> None:
    la = ZoneInfo("America/Los_Angeles")
    now = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)  # still November 30 in Los Angeles
    start, end = exports.period_bounds("tm", now, la)
    assert (datetime.fromtimestamp(start, la), datetime.fromtimestamp(end, la)) == (
        datetime(2026, 11, 1, tzinfo=la), datetime(2026, 12, 1, tzinfo=la),
    )
    start, end = exports.period_bounds("lm", datetime(2027, 1, 15, 20, 0, tzinfo=UTC), la)
    assert datetime.fromtimestamp(start, la) == datetime(2026, 12, 1, tzinfo=la)
    assert exports.period_bounds("all", now, la) == (None, None)
    start, end = exports.period_bounds("30", now, la)
    assert end - start == 30 * 86400


async def test_exports_stay_inside_the_organizations_and_hide_phones_of_those_who_left(db: Database) -> None:
    kaya = await make_org(db, "kaya", "KAYA")
    kacf = await make_org(db, "kacf", "KACF")
    now = datetime.now(UTC)
    mine = await make_shift(db, kaya, title="Mine", starts=now + timedelta(days=1))
    theirs = await make_shift(db, kacf, title="Theirs", starts=now + timedelta(days=1, hours=5))
    stays = await make_volunteer(db, 1, first_name="김민지")
    leaves = await make_volunteer(db, 2, first_name="Leaves")
    async with db.transaction() as tx:
        await tx.execute("UPDATE person SET phone = '+15550000001' WHERE id = ?", (stays.id,))
        await tx.execute("UPDATE person SET phone = '+15550000002' WHERE id = ?", (leaves.id,))
    ts = to_ts(now)
    await sign_up(db, stays.id, mine, ts, policy=POLICY)
    await sign_up(db, stays.id, theirs, ts, policy=POLICY)
    left = await sign_up(db, leaves.id, mine, ts, policy=POLICY)
    assert left.signup is not None
    await cancel(db, leaves.id, left.signup.id, ts, policy=POLICY)

    roster = await export_store.roster(db, mine)
    assert [(r.name, r.phone, r.languages) for r in roster] == [("김민지", "+15550000001", "en")]
    rows = await export_store.signups(db, {kaya.id}, None, None)
    assert {(r.title, r.person.name, r.person.phone) for r in rows} == {
        ("Mine", "김민지", "+15550000001"), ("Mine", "Leaves", None),
    }
    everything = await export_store.signups(db, None, None, None)  # network admins
    assert {r.title for r in everything} == {"Mine", "Theirs"}
    listed, total = await export_store.shifts(db, {kacf.id}, since=0, around=ts, limit=10, offset=0)
    assert total == 1 and [s.title for s in listed] == ["Theirs"]
    assert await export_store.hours(db, {kaya.id}, None, ts) == []  # nothing has happened yet
