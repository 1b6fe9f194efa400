"""CSV files people open in spreadsheets: UTF-8 with a BOM (Excel needs it for non-Latin names),
CRLF line ends, and cells that a spreadsheet would run as formulas defused."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

BOM = "\ufeff"
# A cell starting with one of these is a formula to Excel and Google Sheets (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# ...except a bare signed number, such as a phone in E.164 (+15035550188): a spreadsheet reads it as
# the number it is, so an apostrophe would only show up in the cell.
SIGNED_NUMBER = re.compile(r"[+-]\d+")


def safe_cell(value: object) -> object:
    """Text that a spreadsheet would evaluate gets a leading apostrophe; numbers pass as they are."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not SIGNED_NUMBER.fullmatch(value):
        return "'" + value
    return value


def encode(rows: Iterable[Sequence[object]]) -> bytes:
    """The rows (the first is the header) as CSV bytes that open intact in Excel and Google Sheets."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")
