"""The doors between the layers (issue 18).

- ui/ shows and asks: it talks to the core through the ``Services`` facade. It never imports
  storage, never reaches into the facade's insides (``services.ctx``, ``services.db``), and from
  the service modules takes only values — drafts, views, errors, constants — never a service.
- domain/ is plain Python: no Qt, no SQLAlchemy, no storage or services.
(The core's freedom from Qt is tested in test_core_has_no_qt.py.)
"""

from __future__ import annotations

import ast
import dataclasses
import enum
import importlib
import json
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "mediator_desktop"

#: Functions of service modules the UI may call directly, with the reason.
UI_MAY_CALL = {
    ("mediator_desktop.services.validation", "validate_party"):
        "the party dialog checks a party as it is typed, with the very rule the service applies",
}


def _imports(path: Path) -> list[tuple[int, str, list[str]]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.extend((node.lineno, a.name, []) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.lineno, node.module, [a.name for a in node.names]))
    return out


def _is_value(module: str, name: str) -> bool:
    obj = getattr(importlib.import_module(module), name)
    if isinstance(obj, type):
        return (not obj.__name__.endswith(("Service", "Context")) and
                (dataclasses.is_dataclass(obj) or issubclass(obj, (Exception, enum.Enum, tuple))))
    return not callable(obj) or (module, name) in UI_MAY_CALL


def test_ui_talks_to_the_core_only_through_the_facade_and_its_values() -> None:
    offenders = []
    for path in sorted((PACKAGE / "ui").rglob("*.py")):
        where = path.relative_to(PACKAGE.parent)
        for line, module, names in _imports(path):
            if module.startswith("mediator_desktop.storage"):
                offenders.append(f"{where}:{line} imports {module}")
            elif module.startswith("mediator_desktop.services.") and module not in (
                    "mediator_desktop.services.app", "mediator_desktop.services.errors"):
                offenders.extend(f"{where}:{line} imports {name} from {module} (not a value)"
                                 for name in names if not _is_value(module, name))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("ctx", "db"):
                owner = node.value
                name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
                if name == "services":
                    offenders.append(f"{where}:{node.lineno} reaches into services.{node.attr}")
    assert offenders == []


def test_the_check_catches_a_reach_past_the_facade(tmp_path: Path) -> None:
    """The rule above is not vacuous: the old ways of reaching in are all found."""
    sample = tmp_path / "sample.py"
    sample.write_text("from mediator_desktop.storage.db import Database\n"
                      "from mediator_desktop.services.cases import CaseService\n"
                      "x = self.services.ctx.calendar()\ny = services.db.describe()\n", encoding="utf-8")
    imports = _imports(sample)
    assert imports[0][1].startswith("mediator_desktop.storage")
    assert not _is_value("mediator_desktop.services.cases", "CaseService")
    assert _is_value("mediator_desktop.services.dto", "CaseDraft")
    attrs = [n.attr for n in ast.walk(ast.parse(sample.read_text())) if isinstance(n, ast.Attribute)]
    assert "ctx" in attrs and "db" in attrs


def test_domain_is_plain_python() -> None:
    offenders = []
    for path in sorted((PACKAGE / "domain").rglob("*.py")):
        for line, module, _ in _imports(path):
            root = module.split(".")[0]
            if root in ("PySide6", "shiboken6", "sqlalchemy", "alembic") or module.startswith(
                    ("mediator_desktop.storage", "mediator_desktop.services", "mediator_desktop.ui")):
                offenders.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}")
    assert offenders == []


#: What the command line's ``render`` of an agreement never loads: the window, the import's
#: helpers and validator, the working-day calendar, the other forms and the services a document
#: does not use (each was once loaded at start; together about 0.3 s of a command that should
#: take well under one).
RENDER_NEVER_LOADS = ("PySide6", "shiboken6", "alembic", "pypinyin", "jsonschema", "fastjsonschema",
                      "chinese_calendar", "mediator_desktop.ui", "mediator_desktop.services.cases",
                      "mediator_desktop.services.sessions", "mediator_desktop.services.agreements",
                      "mediator_desktop.services.followups", "mediator_desktop.services.evidence",
                      "mediator_desktop.services.reminders", "mediator_desktop.services.calendar",
                      "mediator_desktop.services.journals", "mediator_desktop.documents.casefile",
                      "mediator_desktop.exchange.validate", "mediator_desktop.domain.judicial",
                      "mediator_desktop.domain.workdays", "mediator_desktop.documents.forms_intake",
                      "mediator_desktop.documents.forms_records")


def _loaded_by_render(db: Path, code: str, fmt: str, out: Path) -> set[str]:
    script = ("import json, sys\n"
              "from mediator_desktop import cli\n"
              f"rc = cli.main(['--db', {str(db)!r}, 'render', '--format', {fmt!r}, '-o', {str(out)!r}, {code!r},"
              " 'agreement'])\n"
              "print(json.dumps([rc, sorted(sys.modules)]))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    rc, modules = json.loads(done.stdout.strip().splitlines()[-1])
    assert rc == 0 and out.exists()
    return set(modules)


def test_the_render_command_loads_only_what_it_uses(tmp_path: Path, shared_samples: Path) -> None:
    from mediator_desktop import cli

    db = tmp_path / "render.sqlite3"
    assert cli.main(["--db", str(db), "--create", "import", str(shared_samples)]) == 0
    code = "（2026）忙畔人调字第1号"
    _loaded_by_render(db, code, "pdf", tmp_path / "warm.pdf")  # (the fonts' caches are made once)
    pdf = _loaded_by_render(db, code, "pdf", tmp_path / "a.pdf")
    docx = _loaded_by_render(db, code, "docx", tmp_path / "a.docx")
    for loaded in (pdf, docx):
        assert [m for m in loaded if m.startswith(RENDER_NEVER_LOADS)] == []
    assert "reportlab" in pdf and "docx" not in pdf
    # A Word file needs no PDF library: its QR code is drawn by segno, its fonts' character
    # maps come from the cache folder.
    assert "docx" in docx and [m for m in docx if m.startswith(("reportlab", "PIL"))] == []
