"""The core (domain, storage, services, exchange, documents) must never import Qt.

The rule keeps the core testable without a display and usable from the CLI and scripts; the
Qt layer (``mediator_desktop/ui``) only shows and asks.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "mediator_desktop"
QT_MODULES = ("PySide6", "shiboken6", "PyQt5", "PyQt6")


def core_modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = rel.parts
        if parts[1] == "ui" or "migrations" in parts:
            continue
        if parts[-1] == "__main__":
            continue
        names.append(".".join(p for p in parts if p != "__init__"))
    return names


def test_core_source_never_mentions_qt_imports() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        # The CLI dispatches to the window (a lazy import taken only by the gui command).
        if "ui" in path.relative_to(PACKAGE).parts or path.name in ("cli.py", "__main__.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            mods = []
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                mods = [node.module]
            for mod in mods:
                if mod.split(".")[0] in QT_MODULES or mod.startswith("mediator_desktop.ui"):
                    offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno} imports {mod}")
    assert offenders == []


def test_importing_every_core_module_loads_no_qt() -> None:
    modules = core_modules()
    assert "mediator_desktop.services.cases" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {QT_MODULES!r}]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
