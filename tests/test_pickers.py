"""The shared pickers (handlers/kit/pickers.py): every value once, the chosen ones ticked, the caller's data."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.i18n import Translator, available_locales, language_name
from bot.vocab import KIND_EMOJI, KINDS, OUTREACH_LANGUAGES, kind_name, outreach_language_name
from handlers.kit import pickers

T = Translator("ko", ZoneInfo("Asia/Seoul"))


def _flat(rows: pickers.Rows) -> list[tuple[str, str]]:
    return [(b.text, str(b.callback_data)) for row in rows for b in row]


def test_kinds_are_labelled_in_the_readers_language_and_the_chosen_one_ticked() -> None:
    rows = pickers.kind_rows(T, lambda k: f"x:{k}", chosen=("phone_bank",))
    assert all(len(row) <= 2 for row in rows)
    assert _flat(rows) == [
        (("✓ " if k == "phone_bank" else "") + f"{KIND_EMOJI[k]} {kind_name(T, k)}", f"x:{k}") for k in KINDS
    ]


def test_outreach_languages_three_to_a_row_with_the_chosen_ticked() -> None:
    chosen = {OUTREACH_LANGUAGES[0], OUTREACH_LANGUAGES[-1]}
    rows = pickers.outreach_language_rows(T, lambda c: f"y:{c}", chosen=chosen)
    assert all(len(row) <= 3 for row in rows)
    assert _flat(rows) == [
        (("✓ " if c in chosen else "") + outreach_language_name(T, c), f"y:{c}") for c in OUTREACH_LANGUAGES
    ]


def test_deadlines_and_ui_languages() -> None:
    assert [d for _, d in _flat(pickers.deadline_rows(T, lambda m: str(m)))] == [str(m) for m in pickers.DEADLINES]
    assert len({pickers.deadline_label(T, m) for m in pickers.DEADLINES}) == len(pickers.DEADLINES)
    locales = _flat(pickers.locale_rows("ko", lambda code: code))
    assert [d for _, d in locales] == list(available_locales())
    assert ("✓ " + language_name("ko"), "ko") in locales
