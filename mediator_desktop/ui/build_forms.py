"""Compile the Qt Designer forms in ``forms/*.ui`` into ``mediator_desktop/ui/forms/ui_*.py``.

``scripts/setup.sh`` runs it (so ``./run.sh`` and ``./test.sh`` do), and the packaging build
bundles its output; after editing a form, run ``python -m mediator_desktop.ui.build_forms``.
The compiled modules are generated, not committed (``.gitignore``), as in MusicBrainz Picard;
``tests/test_forms_compiled.py`` fails when one is missing or older than its form.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from mediator_desktop.paths import forms_dir

OUT_DIR = Path(__file__).resolve().parent / "forms"


def uic_command() -> list[str]:
    exe = shutil.which("pyside6-uic") or str(Path(sys.executable).with_name("pyside6-uic"))
    return [exe]


def compile_form(ui_file: Path, out_dir: Path = OUT_DIR) -> Path:
    target = out_dir / f"ui_{ui_file.stem}.py"
    subprocess.run([*uic_command(), "-g", "python", "-o",
                    str(target), str(ui_file)], check=True)
    # Drop the header line naming the uic version, so the output is stable across versions.
    text = target.read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if "Created by: Qt User Interface Compiler" not in ln]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def main() -> int:
    OUT_DIR.mkdir(exist_ok=True)
    (OUT_DIR / "__init__.py").touch()
    for ui_file in sorted(forms_dir().glob("*.ui")):
        print(f"compiling {ui_file.name}")
        compile_form(ui_file)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
