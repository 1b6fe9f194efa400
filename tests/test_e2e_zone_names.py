"""Issue 13 item 6: shift times name the zone as the time-zone picker did, never a bare offset."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from babel.dates import get_timezone_location, get_timezone_name

from tests.conftest import RunningBot
from tests.emulator import BotAPIEmulator
from tests.factories import make_org, make_shift, make_volunteer
from tests.flows import gettext, onboard

OFFSET = re.compile(r"GMT|UTC|[+\-\u2212]\d{2}:?\d{2}")


def generic(zone: str, locale: str) -> str:
    return get_timezone_name(zone, width="long", zone_variant="generic", locale=locale)


def soon() -> datetime:
    return (datetime.now(UTC) + timedelta(days=2)).replace(second=0, microsecond=0)


def when_line(text: str) -> str:
    return next(line for line in text.splitlines() if line.startswith("🗓"))


async def test_a_vietnamese_volunteer_in_ho_chi_minh_city_sees_the_pickers_name(
    emulator: BotAPIEmulator, bot: RunningBot
) -> None:
    org = await make_org(bot.db)
    await make_shift(bot.db, org, title="Phone bank", starts=soon(), online_url="https://meet.example.org/pb")
    linh = emulator.user(8601, "Linh", language_code="vi")
    _ = gettext("vi")
    name = generic("Asia/Ho_Chi_Minh", "vi")
    city = get_timezone_location("Asia/Ho_Chi_Minh", locale="vi", return_city=True)
    picked = _("{city} ({zone})").format(city=city, zone=name)
    await onboard(linh, "vi", state="🌏 " + _("Outside the US"), zip_code="", zone_label=picked)  # pressed it

    await linh.send("/shifts")
    await linh.next_reply()
    await linh.press("1")
    card = await linh.next_reply()
    line = when_line(card.text)
    assert line.endswith(" " + name)
    assert not OFFSET.search(line), line

    await linh.send("/settings")
    settings = await linh.next_reply()
    assert name in settings.text and not OFFSET.search(settings.text)


async def test_guam_is_named_not_an_offset(emulator: BotAPIEmulator, bot: RunningBot) -> None:
    org = await make_org(bot.db)
    await make_shift(bot.db, org, title="Phone bank", starts=soon(), online_url="https://meet.example.org/pb")
    await make_volunteer(bot.db, 8602, first_name="Ana", locale="en", timezone="Pacific/Guam")
    ana = emulator.user(8602, "Ana", language_code="en")
    await ana.send("/settings")
    settings = await ana.next_reply()
    name = generic("Pacific/Guam", "en")
    assert name in settings.text  # what the settings (and the picker) call it

    await ana.send("/shifts")
    await ana.next_reply()
    await ana.press("1")
    line = when_line((await ana.next_reply()).text)
    assert line.endswith(" " + name) and not OFFSET.search(line), line
