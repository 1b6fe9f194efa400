"""The /stats chart in every language: a real PNG, and never a label the host's fonts would draw as boxes or
scramble (matplotlib warns for each glyph it can't find; here a warning fails the test)."""

from __future__ import annotations

import struct
import warnings
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.charts import drawable, weekly_png
from bot.i18n import Translator, available_locales
from bot.services.org_stats import Report, Totals, Week
from handlers import stats_views

SINCE = date(2026, 9, 14)
REPORT = Report(
    since=SINCE,
    total=Totals(),
    by_org=[],
    by_state=None,
    weeks=[Week(SINCE + timedelta(weeks=i), hours=1.5 * i, attended=i % 4) for i in range(12)],
)


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


@pytest.mark.parametrize("locale", available_locales())
def test_the_chart_draws_in_every_language_without_a_missing_glyph(locale: str) -> None:
    chart = stats_views.chart(Translator(locale, ZoneInfo("America/Los_Angeles")), REPORT)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = weekly_png(chart)
    assert png_size(png) == (900, 450)


def test_labels_in_a_shaped_script_are_left_to_the_caption() -> None:
    assert drawable("Weekly hours and attendance") and drawable("Horas por semana")
    assert not drawable("ہفتہ وار گھنٹے")  # Urdu: Agg neither joins nor orders it
    assert not drawable("साप्ताहिक घंटे")  # Devanagari: conjuncts need shaping
    assert drawable("12/5")
