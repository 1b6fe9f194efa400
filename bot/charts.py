"""Pictures for /stats: weekly hours (bars) and volunteers attended (line) as a PNG, drawn in memory.

matplotlib's object API with the Agg canvas (no pyplot, no global figure state), so each call is independent
and safe in a worker thread; callers run it with asyncio.to_thread to keep the event loop free.
Labels come translated from the caller. Scripts DejaVu lacks use Noto fonts where the host has them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import fontManager

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
WIDTH_IN, HEIGHT_IN, DPI = 9.0, 4.5, 100  # 900 × 450 pixels: sharp on phones, small to send


@dataclass(frozen=True)
class WeeklyChart:
    title: str
    week_labels: Sequence[str]
    hours: Sequence[float]
    attended: Sequence[int]
    hours_label: str
    attended_label: str


def weekly_png(chart: WeeklyChart) -> bytes:
    """The chart as PNG bytes."""
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(figure)
    with matplotlib.rc_context({"font.family": FONTS, "font.size": 10}):
        axes = figure.add_subplot()
        positions = range(len(chart.week_labels))
        axes.bar(positions, chart.hours, color="#4C8BF5", label=chart.hours_label)
        axes.set_ylabel(chart.hours_label)
        axes.set_xticks(list(positions), list(chart.week_labels), rotation=45, ha="right")
        axes.set_title(chart.title)
        people = axes.twinx()
        people.plot(positions, chart.attended, color="#E8710A", marker="o", label=chart.attended_label)
        people.set_ylabel(chart.attended_label)
        people.set_ylim(bottom=0, top=max([1, *chart.attended]) * 1.2)
        axes.set_ylim(bottom=0, top=max([1.0, *chart.hours]) * 1.2)
        handles = axes.get_legend_handles_labels()[0] + people.get_legend_handles_labels()[0]
        axes.legend(handles, [chart.hours_label, chart.attended_label], loc="upper left")
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png")
    return out.getvalue()
