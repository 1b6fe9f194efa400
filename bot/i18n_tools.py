"""Developer tooling for the catalogs: extract → update → compile, in one command."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

from bot.i18n import LOCALES_DIR, PREFERRED_ORDER

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
        else:
            _pybabel("init", "-i", str(POT), "-d", str(LOCALES_DIR), "-l", locale, "--no-wrap")
    fill_source_catalog(LOCALES_DIR / "en" / "LC_MESSAGES" / "messages.po")
    for path in [POT, *LOCALES_DIR.glob("*/LC_MESSAGES/messages.po")]:
        _steady_header(path)
    _pybabel("compile", "-d", str(LOCALES_DIR), "--use-fuzzy")
    print(f"catalogs refreshed in {LOCALES_DIR}; untranslated entries are listed by the catalog test")
    return 0


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
