"""The lighter PySide6 import hook (mediator_desktop/pyside_hook.py): the same answers as
PySide6's own check for every module the window imports, without keeping their source text."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = r"""
import json, linecache, sys, types
if sys.argv[1] == "original":
    fake = types.ModuleType("mediator_desktop.pyside_hook")
    fake.lighten = lambda: False
    sys.modules["mediator_desktop.pyside_hook"] = fake
import PySide6.QtCore
import mediator_desktop.ui.app, mediator_desktop.ui.main_window
feature = sys.modules["shibokensupport.feature"]
print(json.dumps({"decisions": feature.pyside_feature_dict, "cached": len(linecache.cache)}))
"""


def _run(mode: str) -> dict:  # type: ignore[type-arg]
    out = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=True,
                         cwd=ROOT, env={"PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
                                        "PATH": "/usr/bin:/bin"})
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_the_lighter_hook_answers_as_pysides_own_and_keeps_no_source() -> None:
    light, original = _run("light"), _run("original")
    mine = {k: v for k, v in light["decisions"].items() if k != "mediator_desktop.pyside_hook"}
    theirs = {k: v for k, v in original["decisions"].items() if k != "mediator_desktop.pyside_hook"}
    assert mine == theirs
    assert mine["mediator_desktop.ui.common.widgets"] == 0 and mine["mediator_desktop.services.context"] == -1
    # PySide6's own check reads every imported module's source into linecache (7.8 MB at start-up).
    assert original["cached"] > 150 and light["cached"] < 30
