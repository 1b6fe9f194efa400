"""Pictures for /stats: weekly hours (bars) and volunteers attended (line) as a PNG, drawn in memory.

matplotlib's object API with the Agg canvas (no pyplot, no global figure state), so each call is independent
and safe in a worker thread; callers run it with asyncio.to_thread to keep the event loop free.
Labels come translated from the caller. Scripts DejaVu lacks use Noto fonts where the host has them; a label
the host can't draw right — a letter no installed font has (Korean on a host without CJK fonts), or a script
that needs shaping, which Agg doesn't do (Urdu, the Indic scripts, Thai, Lao, Khmer, Burmese) — is left off
the picture rather than drawn as boxes or scrambled, and the week labels fall back to plain digits. The
caption, which Telegram renders in any script, names the bars and the line in the reader's language.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import fontManager, get_font
from matplotlib.ticker import MaxNLocator

_WANTED = [
    "DejaVu Sans",
    "Noto Sans",
    "Noto Sans CJK JP",
    "Noto Sans CJK SC",
    "Noto Sans CJK TC",
    "Noto Sans CJK KR",
    "Noto Sans Devanagari",
    "Noto Sans Bengali",
    "Noto Sans Gujarati",
    "Noto Sans Gurmukhi",
    "Noto Sans Khmer",
    "Noto Sans Thai",
    "Noto Nastaliq Urdu",
    "Noto Sans Arabic",
    "Noto Sans Myanmar",
    "Noto Sans Lao",
]
# Only the installed ones: matplotlib warns on every draw about each family it can't find.
FONTS = [name for name in _WANTED if name in {font.name for font in fontManager.ttflist}] or ["DejaVu Sans"]
_HOURS, _PEOPLE = "#4C8BF5", "#E8710A"
WIDTH_IN, HEIGHT_IN, DPI = 9.0, 4.5, 100  # 900 × 450 pixels: sharp on phones, small to send
# Right-to-left and shaped scripts: Hebrew to the end of Arabic's blocks, the Indic blocks, Thai, Lao, Burmese, Khmer.
_NEEDS_SHAPING = re.compile("[\u0590-\u08ff\u0900-\u0dff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\ufb1d-\ufeff]")


@cache
def _covered(char: str) -> bool:
    fonts = [font.fname for font in fontManager.ttflist if font.name in FONTS]
    return any(get_font(path).get_char_index(ord(char)) for path in fonts)


def drawable(text: str) -> bool:
    """Whether the picture can show the text as its reader writes it."""
    return not _NEEDS_SHAPING.search(text) and all(ch.isspace() or _covered(ch) for ch in text)


@dataclass(frozen=True)
class WeeklyChart:
    title: str
    week_labels: Sequence[str]
    plain_week_labels: Sequence[str]  # digits only, for when week_labels can't be drawn
    hours: Sequence[float]
    attended: Sequence[int]
    hours_label: str
    attended_label: str


def weekly_png(chart: WeeklyChart) -> bytes:
    """The chart as PNG bytes."""
    words = [chart.title, chart.hours_label, chart.attended_label]
    labelled = all(drawable(w) for w in words)
    weeks = chart.week_labels if all(drawable(w) for w in chart.week_labels) else chart.plain_week_labels
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(figure)
    with matplotlib.rc_context({"font.family": FONTS, "font.size": 10}):
        axes = figure.add_subplot()
        positions = range(len(weeks))
        axes.bar(positions, chart.hours, color=_HOURS)
        axes.set_xticks(list(positions), list(weeks), rotation=45, ha="right")
        people = axes.twinx()
        people.plot(positions, chart.attended, color=_PEOPLE, marker="o")
        people.yaxis.set_major_locator(MaxNLocator(integer=True))  # people come whole
        # Each axis in its series' colour, so the picture reads even when its words are left to the caption.
        axes.tick_params(axis="y", colors=_HOURS)
        people.tick_params(axis="y", colors=_PEOPLE)
        people.set_ylim(bottom=0, top=max([1, *chart.attended]) * 1.2)
        axes.set_ylim(bottom=0, top=max([1.0, *chart.hours]) * 1.2)
        if labelled:
            axes.set_title(chart.title)
            axes.set_ylabel(chart.hours_label)
            people.set_ylabel(chart.attended_label)
            labels = [chart.hours_label, chart.attended_label]
            axes.legend([*axes.patches[:1], *people.lines[:1]], labels, loc="upper left")
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png")
    return out.getvalue()
