"""Locale resolution and formatting in the reader's locale and time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import Translator, available_locales, language_name, match_locale, resolve_locale


@pytest.mark.parametrize(
    ("code", "locale"),
    [
        ("ko", "ko"), ("zh-hant", "zh_Hant"), ("zh-TW", "zh_Hant"), ("zh-HK", "zh_Hant"), ("zh", "zh_Hans"),
        ("zh-CN", "zh_Hans"), ("zh-hans", "zh_Hans"), ("tl", "fil"), ("fil", "fil"), ("en-US", "en"),
        ("es-MX", "es"), ("ur", "ur"), ("pa", "pa"), ("vi", "vi"),
        ("pt-br", None), ("xx", None), ("", None), (None, None), ("not a tag!", None),
    ],
)
def test_telegram_language_codes(code: str | None, locale: str | None) -> None:
    assert match_locale(code) == locale


def test_stored_choice_wins_then_telegram_then_default() -> None:
    assert resolve_locale("vi", "ko", "en") == "vi"
    assert resolve_locale(None, "ko", "en") == "ko"
    assert resolve_locale(None, "pt-br", "es") == "es"
    assert resolve_locale("gone", None, "en") == "en"  # a stored locale whose catalog was removed


def test_language_names_are_in_their_own_script() -> None:
    names = {code: language_name(code) for code in available_locales()}
    assert names["ko"] == "한국어"
    assert names["ja"] == "日本語"
    assert names["vi"] == "Tiếng Việt"
    assert names["es"] == "Español"
    assert names["ur"] == "اردو"
    assert len(set(names.values())) == len(names)


def test_dates_in_the_readers_locale_and_zone() -> None:
    moment = datetime(2026, 11, 28, 2, 30, tzinfo=UTC)  # Friday 18:30 in Los Angeles
    en = Translator("en", ZoneInfo("America/Los_Angeles"))
    assert en.datetime(moment) == "Fri, Nov 27, 6:30\u202fPM"
    ko = Translator("ko", ZoneInfo("Asia/Seoul"))
    assert ko.datetime(moment) == "11월 28일 (토) AM 11:30"  # CLDR's short Korean time
    assert en.number(1240) == "1,240"
    assert Translator("hi", ZoneInfo("UTC")).number(1240000) == "12,40,000"
    assert en.delta(timedelta(hours=2)) == "in 2 hours"


def test_rtl_is_known() -> None:
    assert Translator("ur", ZoneInfo("UTC")).is_rtl
    assert not Translator("en", ZoneInfo("UTC")).is_rtl
