"""Qt's own words are Chinese whatever the PC's language: a subprocess starts the application's
set-up (``init_application``) under LANG=C and under en_US and reads what the user would see —
a text field's context menu, standard buttons, a message box, the calendar pop-up, the file dialog."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.gui

SCRIPT = r"""
import json, sys
from PySide6.QtWidgets import (QApplication, QCalendarWidget, QDialogButtonBox, QFileDialog, QLineEdit,
                               QMessageBox, QPushButton)
from PySide6.QtCore import QLocale
app = QApplication(sys.argv)
from mediator_desktop import settings as opts
from mediator_desktop.ui.app import init_application
english = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
before = english.buttons()[0].text()
init_application(app, opts.Settings())
edit = QLineEdit()
menu = edit.createStandardContextMenu()
buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                           | QDialogButtonBox.StandardButton.Close | QDialogButtonBox.StandardButton.Save)
box = QMessageBox(QMessageBox.Icon.Question, "t", "x", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
calendar = QCalendarWidget()
files = QFileDialog(None, "另存为")
files.setOption(QFileDialog.Option.DontUseNativeDialog)
print(json.dumps({
    "system": QLocale.system().name(), "before": before,
    "menu": [a.text().split("\t")[0] for a in menu.actions() if a.text()],
    "buttons": sorted(b.text() for b in buttons.buttons()),
    "box": sorted(b.text() for b in box.buttons()),
    "month": calendar.locale().monthName(1), "day": calendar.locale().dayName(1),
    "file_buttons": sorted(b.text() for b in files.findChildren(QPushButton) if b.text()),
}, ensure_ascii=False))
"""


@pytest.mark.parametrize("lang", ["C", "en_US.UTF-8"])
def test_qt_speaks_chinese_whatever_the_system_language(lang: str, tmp_path) -> None:
    env = {**os.environ, "LANG": lang, "LC_ALL": lang, "LANGUAGE": "", "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120,
                         check=True)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["system"] in ("C", "en_US")
    assert seen["before"] == "Cancel"  # English until the application sets itself up
    assert "复制(&C)" in seen["menu"] and "粘贴(&P)" in seen["menu"] and "撤消(&U)" in seen["menu"]
    assert seen["buttons"] == sorted(["确定", "取消", "关闭", "保存"])
    assert seen["box"] == ["否(&N)", "是(&Y)"]
    assert seen["month"] == "一月" and seen["day"] == "星期一"
    assert "取消" in seen["file_buttons"]
