"""The /newshift preview of the largest series fits one Telegram message in every language."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import Translator, available_locales
from bot.services import posting
from bot.services.posting import Draft, Invalid
from bot.services.typed_dates import full_day
from bot.store.orgs import Org
from handlers import newshift_views as views
from tests.emulator.formatting import parse_html, utf16_len
from tests.emulator.server import TEXT_LIMIT

ORG = Org(id=1, slug="k", name="K" * 60, state="CA", timezone="America/Los_Angeles", status="active", created_at=0)
NOW = datetime(2026, 12, 1, tzinfo=UTC)
ORG_TZ = ZoneInfo(ORG.timezone)


def biggest(**changes: object) -> Draft:
    d = Draft(
        org_id=1, title="T" * 200, kind="phone_bank", day=date(2027, 1, 4), start=time(18), minutes=120,
        address="A" * 300, place_name="P" * 200, capacity=10, languages=["ko", "vi", "en", "hi"],
        description="D" * 2000, deadline_before=120, weeks=12, weekdays=[0, 1, 2, 3, 4],
        texts={"ko": {"title": "제목"}, "vi": {"title": "Tiêu đề"}},
    )
    for name, value in changes.items():
        setattr(d, name, value)
    return d


@pytest.mark.parametrize("locale", available_locales())
def test_the_largest_series_preview_and_published_message_fit(locale: str) -> None:
    shifts = posting.build(biggest(), ORG, NOW, created_by=None)
    assert len(shifts) == posting.SERIES_MAX
    t = Translator(locale, ORG_TZ)
    text, _ = views.preview_screen(t, shifts, ORG, back=True)
    done = views.published(t, shifts, ORG, list(range(1, len(shifts) + 1)), "turnout_bot")
    for message in (text, done):
        assert utf16_len(parse_html(message).text) <= TEXT_LIMIT


def test_a_series_of_more_than_sixty_shifts_is_refused() -> None:
    with pytest.raises(Invalid) as caught:
        posting.build(biggest(weekdays=[0, 1, 2, 3, 4, 5]), ORG, NOW, created_by=None)
    assert caught.value.field == "weeks" and caught.value.params["count"] == 72


def test_dates_that_do_not_fit_are_cut_in_the_middle_and_the_last_one_stays() -> None:
    t = Translator("vi", ORG_TZ)
    shifts = posting.build(biggest(), ORG, NOW, created_by=None)
    around = "x" * 1000  # more around the card than any message of the bot has
    text = views.preview(t, shifts, ORG, around)
    lines = parse_html(text).text.splitlines()
    assert "…" in lines and lines[lines.index("…") + 1] == full_day(t, date(2027, 3, 26))  # the last Friday
    assert utf16_len(parse_html(text).text) + len(around) <= TEXT_LIMIT
    # With no more than a message says, every date is listed.
    done = views.published(t, shifts, ORG, list(range(1, len(shifts) + 1)), "turnout_bot")
    assert "…" not in parse_html(done).text.splitlines()
    small = posting.build(biggest(weeks=4, every=2, weekdays=[1, 3]), ORG, NOW, created_by=None)
    text, _ = views.preview_screen(t, small, ORG, back=True)
    assert "…" not in parse_html(text).text.splitlines() and len(small) == 4
