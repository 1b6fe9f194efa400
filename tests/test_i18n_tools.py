"""`python -m bot i18n` creates and keeps a catalog for a language CLDR doesn't know (Hmong, Samoan), which
`pybabel init` refuses: its Plural-Forms come from its locale.toml, else from its formatting locale."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel import Locale, UnknownLocaleError
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from bot import i18n, i18n_tools


@pytest.fixture
def locales(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = tmp_path / "locales"
    root.mkdir()
    shutil.copy(i18n.LOCALES_DIR / "messages.pot", root / "messages.pot")
    monkeypatch.setattr(i18n, "LOCALES_DIR", root)
    monkeypatch.setattr(i18n_tools, "LOCALES_DIR", root)
    monkeypatch.setattr(i18n_tools, "POT", root / "messages.pot")
    i18n.locale_meta.cache_clear()
    i18n.babel_locale.cache_clear()
    yield root
    i18n.locale_meta.cache_clear()
    i18n.babel_locale.cache_clear()


def _read(root: Path, code: str) -> tuple[str, list[object]]:
    path = root / code / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fp:
        catalog = read_po(fp, locale=None)
    return path.read_text(encoding="utf-8"), [m for m in catalog if m.id]


def test_cldr_does_not_know_the_languages_used_here() -> None:
    for code in ("sm", "tvl"):
        with pytest.raises(UnknownLocaleError):
            Locale.parse(code)


def test_a_new_catalog_takes_the_declared_plural_forms(locales: Path) -> None:
    (locales / "sm").mkdir()
    (locales / "sm" / "locale.toml").write_text(
        'formatting = "en_US"\nplural_forms = "nplurals=1; plural=0;"\n', encoding="utf-8"
    )
    i18n_tools.init_without_cldr("sm")
    text, messages = _read(locales, "sm")
    assert '"Language: sm\\n"' in text
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in text
    plurals = [m for m in messages if m.pluralizable]  # type: ignore[attr-defined]
    assert plurals, "the template has plural messages"
    assert all(m.string == ("",) for m in plurals)  # type: ignore[attr-defined]
    assert len(messages) == len(_template_ids(locales))


def test_without_a_declaration_the_formatting_locale_gives_the_plural_forms(locales: Path) -> None:
    i18n_tools.init_without_cldr("tvl")
    text, messages = _read(locales, "tvl")
    assert f'"Plural-Forms: {get_plural(Locale.parse(i18n.FALLBACK_FORMATTING)).plural_forms}\\n"' in text
    wanted = get_plural(Locale.parse(i18n.FALLBACK_FORMATTING)).num_plurals
    assert all(len(m.string) == wanted for m in messages if m.pluralizable)  # type: ignore[attr-defined]


def _template_ids(root: Path) -> list[object]:
    with (root / "messages.pot").open("rb") as fp:
        return [m.id for m in read_po(fp) if m.id]


@pytest.mark.parametrize("code", ["hmn", "my", "lo"])
def test_the_network_languages_catalogs_have_one_plural_form(code: str) -> None:
    with (i18n.LOCALES_DIR / code / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        catalog = read_po(fp, locale=None)
    assert catalog.num_plurals == 1
    assert catalog.plural_expr == "0"
