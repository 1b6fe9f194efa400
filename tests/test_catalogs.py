"""Every catalog is complete at every commit: translated, not fuzzy, same placeholders, all plural forms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, PREFERRED_ORDER, available_locales

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
TAG = re.compile(r"</?([a-z][a-z0-9-]*)")


def load(locale: str) -> Catalog:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        return read_po(fp, locale=locale)


def source_messages() -> set[str | tuple[str, str]]:
    """Every msgid the code asks for, straight from the source (so a new string fails here)."""
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    found: set[str | tuple[str, str]] = set()
    for package in ("bot", "handlers"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python")], keywords=keywords
        ):
            found.add(message if isinstance(message, str) else tuple(message[:2]))
    return found


def forms(message: object) -> list[str]:
    return list(message) if isinstance(message, tuple | list) else [message]  # type: ignore[arg-type]


def test_every_ui_locale_has_a_catalog() -> None:
    assert set(PREFERRED_ORDER) <= set(available_locales())


@pytest.mark.parametrize("locale", available_locales())
def test_catalog_is_complete(locale: str) -> None:
    catalog = load(locale)
    nplurals = catalog.num_plurals  # the catalog's Plural-Forms: CLDR may not know the locale (Hmong)
    entries = {(m.id if isinstance(m.id, str) else tuple(m.id)): m for m in catalog if m.id}
    problems: list[str] = []
    for wanted in sorted(source_messages(), key=str):
        if wanted not in entries:
            problems.append(f"missing from the catalog: {wanted!r}")
    for key, message in entries.items():
        if message.fuzzy:
            problems.append(f"fuzzy: {key!r}")
        strings = forms(message.string)
        if not all(strings):
            problems.append(f"untranslated: {key!r}")
            continue
        if message.pluralizable and len(strings) != nplurals:
            problems.append(f"{len(strings)} plural forms, the locale needs {nplurals}: {key!r}")
        wanted_placeholders = set(PLACEHOLDER.findall(forms(message.id)[-1]))
        wanted_tags = sorted(TAG.findall(forms(message.id)[0]))
        for text in strings:
            if set(PLACEHOLDER.findall(text)) != wanted_placeholders:
                problems.append(f"placeholders differ in {text!r} for {key!r}")
            if sorted(TAG.findall(text)) != wanted_tags:
                problems.append(f"HTML tags differ in {text!r} for {key!r}")
    assert not problems, f"{locale}: " + "\n".join(problems)


@pytest.mark.parametrize("locale", [loc for loc in available_locales() if loc != "en"])
def test_catalog_is_a_translation_not_a_copy(locale: str) -> None:
    """Most entries of a real translation differ from the English (commands and names may not)."""
    catalog = load(locale)
    entries = [m for m in catalog if m.id and not m.pluralizable]
    copied = [m.id for m in entries if m.string == m.id and len(m.id) > 12]
    assert len(copied) <= max(1, len(entries) // 10), f"{locale}: copied from English: {copied}"
