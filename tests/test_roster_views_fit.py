"""The fullest roster page still fits one Telegram message in every language: ten people with the longest
names, every language, a phone, every mark, the largest numbers and the longest note (shortened)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.i18n import Translator, available_locales
from bot.services.followups import MAX_VALUE, NOTE_MAX
from bot.services.profile import NAME_MAX
from bot.services.roster import Roster
from bot.store import shifts as shift_store
from bot.store.signups import RosterLine
from handlers.roster_views import PAGE_SIZE, roster_page
from tests.conftest import RunningBot
from tests.emulator.formatting import parse_html, utf16_len
from tests.emulator.server import TEXT_LIMIT
from tests.factories import make_org, make_shift

WIDE = "😀"  # two UTF-16 units, as Telegram counts


@pytest.mark.parametrize("locale", available_locales())
async def test_the_fullest_roster_page_fits(bot: RunningBot, locale: str) -> None:
    org = await make_org(bot.db)
    shift_id = await make_shift(bot.db, org, title=WIDE * 200, kind="canvass",
                                starts=datetime(2026, 12, 8, 22, 0, tzinfo=UTC))
    shift = await shift_store.get(bot.db, shift_id)
    assert shift is not None
    lines = [
        RosterLine(
            signup_id=i, person_id=i, name=WIDE * NAME_MAX, phone="+15035550188", status="attended", rank=0,
            checked_in=True, languages=("ko", "vi", "km", "hmn", "lo", "my"), checked_out=True, acknowledged=True,
            corrected=True, outcomes=(("doors", MAX_VALUE), ("conversations", MAX_VALUE)), note=WIDE * NOTE_MAX,
        )
        for i in range(1, PAGE_SIZE + 3)
    ]
    roster = Roster(shift, lines, marking_open=True, checkin_open=True)
    text, _ = roster_page(Translator(locale, None), roster, 0, from_manage=True)
    assert utf16_len(parse_html(text).text) <= TEXT_LIMIT
