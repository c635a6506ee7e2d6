"""Every Designer form has a compiled module that matches it (run build_forms after edits)."""

from __future__ import annotations

from pathlib import Path

from mediator_desktop.paths import forms_dir
from mediator_desktop.ui import build_forms


def test_every_form_is_compiled_and_current(tmp_path: Path) -> None:
    forms = sorted(forms_dir().glob("*.ui"))
    assert forms, "no Designer forms found"
    for ui_file in forms:
        committed = build_forms.OUT_DIR / f"ui_{ui_file.stem}.py"
        assert committed.exists(), f"{ui_file.name} is not compiled: run python -m mediator_desktop.ui.build_forms"
        fresh = build_forms.compile_form(ui_file, tmp_path)
        assert fresh.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8"), (
            f"{committed.name} is out of date: run python -m mediator_desktop.ui.build_forms")
