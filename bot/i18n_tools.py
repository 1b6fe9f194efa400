"""Developer tooling for the catalogs: extract → update → compile, in one command."""

from __future__ import annotations

import re
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.frontend import CommandLineInterface
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po, write_po

from bot.i18n import LOCALES_DIR, PREFERRED_ORDER, babel_locale, locale_meta

POT = LOCALES_DIR / "messages.pot"
CFG = LOCALES_DIR / "babel.cfg"


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def refresh_catalogs() -> int:
    root = LOCALES_DIR.parent
    _pybabel(
        "extract", "-F", str(CFG), "-k", "N_", "-o", str(POT), "--no-location", "--no-wrap",
        "--project", "Turnout", "--version", "1", "--copyright-holder", "Turnout", "--msgid-bugs-address", "",
        str(root / "bot"), str(root / "handlers"),
    )
    known = {p.name for p in LOCALES_DIR.iterdir() if (p / "LC_MESSAGES" / "messages.po").is_file()}
    for locale in sorted(known | set(PREFERRED_ORDER)):
        if locale in known:
            _pybabel(
                "update", "-i", str(POT), "-d", str(LOCALES_DIR), "-l", locale,
                "--no-fuzzy-matching", "--ignore-obsolete", "--no-wrap",
            )
        elif _cldr_knows(locale):
            _pybabel("init", "-i", str(POT), "-d", str(LOCALES_DIR), "-l", locale, "--no-wrap")
        else:
            init_without_cldr(locale)
    fill_source_catalog(LOCALES_DIR / "en" / "LC_MESSAGES" / "messages.po")
    for path in [POT, *LOCALES_DIR.glob("*/LC_MESSAGES/messages.po")]:
        _steady_header(path)
    _pybabel("compile", "-d", str(LOCALES_DIR), "--use-fuzzy")
    print(f"catalogs refreshed in {LOCALES_DIR}; untranslated entries are listed by the catalog test")
    return 0


def _cldr_knows(locale: str) -> bool:
    try:
        Locale.parse(locale)
    except (UnknownLocaleError, ValueError):
        return False
    return True


def init_without_cldr(locale: str) -> Path:
    """`pybabel init` for a language CLDR doesn't know (Hmong), which it refuses: the new catalog's
    Plural-Forms come from the locale's locale.toml, else from its formatting locale. Once the .po exists,
    `pybabel update` keeps it like any other (it reads Plural-Forms from the header)."""
    with POT.open("rb") as fp:
        catalog = read_po(fp)
    plural_forms = locale_meta(locale).plural_forms or get_plural(babel_locale(locale)).plural_forms
    catalog.locale = locale  # CLDR doesn't know it: Babel keeps the identifier for the Language header
    catalog.mime_headers = [("Plural-Forms", plural_forms)]
    catalog.language_team = f"{locale} <LL@li.org>"
    catalog.fuzzy = False
    for message in catalog:
        if message.id and message.pluralizable:
            message.string = ("",) * catalog.num_plurals
    path = LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fp:
        write_po(fp, catalog, width=0, omit_header=False)
    return path


# Header lines that change on every run (a date, the Babel version): kept fixed, so two branches that each
# refresh the catalogs don't conflict on seventeen headers when they meet.
_VOLATILE_HEADER = re.compile(r'^"(POT-Creation-Date|Generated-By): .*\\n"$', re.MULTILINE)


def _steady_header(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    fixed = {"POT-Creation-Date": "2026-01-01 00:00+0000", "Generated-By": "Babel"}
    path.write_text(
        _VOLATILE_HEADER.sub(lambda m: f'"{m.group(1)}: {fixed[m.group(1)]}\\n"', text), encoding="utf-8"
    )


def fill_source_catalog(path: Path) -> None:
    """English is the source language: its translations are the msgids themselves."""
    with path.open("rb") as fp:
        catalog = read_po(fp, locale="en")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            if not all(message.string or ()):
                message.string = tuple(message.id)
        elif not message.string:
            message.string = message.id
    with path.open("wb") as fp:
        write_po(fp, catalog, width=0, omit_header=False)
