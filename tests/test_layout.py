"""The house's layout, checked: the core (bot/) never reaches for Telegram or the handlers, SQL stays in the store."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The command line is the one place in bot/ that reaches the Telegram side: `run` starts it (lazily), and
# `admin invite` asks Telegram for the bot's username.
ENTRY_POINTS = {ROOT / "bot" / "__main__.py", ROOT / "bot" / "admin_cli.py"}
# Statements as the store writes them (upper-case keywords), not English words like "Create" or "update".
SQL = re.compile(
    r"^\s*(SELECT\s.*\bFROM\b|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX)|PRAGMA\s)",
    re.DOTALL,
)


def _imports(path: Path) -> set[str]:
    """Every module the file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _top(module: str) -> str:
    return module.split(".")[0]


def test_the_core_imports_neither_telegram_nor_the_handlers() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(m for m in _imports(path) if _top(m) in {"telegram", "handlers"})
        for path in (ROOT / "bot").rglob("*.py")
        if path not in ENTRY_POINTS
    }
    assert not {k: v for k, v in offenders.items() if v}


def test_sql_is_written_only_in_the_store_and_the_database_module() -> None:
    allowed = {ROOT / "bot" / "db.py", *(ROOT / "bot" / "store").rglob("*.py")}
    offenders = []
    for path in [*(ROOT / "bot").rglob("*.py"), *(ROOT / "handlers").rglob("*.py")]:
        if path in allowed:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.match(node.value):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders
