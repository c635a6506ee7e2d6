"""The mediation room's screen for offscreen screenshots: 1366×768 (the offscreen platform's
own screen is 800×800). Import before the QApplication is made:

    from room_screen import use_room_screen
    use_room_screen()
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

WIDTH, HEIGHT = 1366, 768


def use_room_screen(width: int = WIDTH, height: int = HEIGHT) -> None:
    """Point the offscreen platform at a ``width``×``height`` screen (unless another platform
    or screen was chosen already); child processes inherit it."""
    if os.environ.get("QT_QPA_PLATFORM", "offscreen") != "offscreen":
        return
    config = Path(tempfile.mkdtemp()) / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "room", "x": 0, "y": 0, "width": width, "height": height,
                                               "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"


#: The folder the screenshots show instead of the temporary one they are made in.
SHOWN_FOLDER = "C:\\Users\\调解室\\Documents\\调解工作台"
#: …and the user's home folder.
SHOWN_HOME = "C:\\Users\\调解室"
_REST = r"((?:/[^\s/，。；：、（）()\"'“”]+)*)"
_PATHS = ((re.compile(r"/tmp/tmp[\w.-]+" + _REST), SHOWN_FOLDER),
          (re.compile(re.escape(str(Path.home())) + r"(?![\w.-])" + _REST), SHOWN_HOME))


def shown_path(text: str) -> str:
    """``text`` with every temporary path (/tmp/tmp…/旧台账.xlsx, the home folder) written as a
    room's PC shows it (C:\\Users\\调解室\\Documents\\调解工作台\\旧台账.xlsx)."""
    for pattern, folder in _PATHS:
        text = pattern.sub(lambda m, folder=folder: folder + m.group(1).replace("/", "\\"), text)
    return text


def plausible_paths(widget: Any) -> None:
    """Before a screenshot: rewrite the texts ``widget`` and its children show (labels, fields,
    texts, table cells, the title) with :func:`shown_path`. Only the shown text changes (signals
    blocked), so the application behaves as before; a screenshot script calls it just before grab."""
    from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QPlainTextEdit, QTableWidget, QTextEdit, QWidget

    for w in [widget, *widget.findChildren(QWidget)]:
        blocked = w.blockSignals(True)
        try:
            if w.windowTitle() and shown_path(w.windowTitle()) != w.windowTitle():
                w.setWindowTitle(shown_path(w.windowTitle()))
            if isinstance(w, (QLabel, QLineEdit, QAbstractButton)) and shown_path(w.text()) != w.text():
                w.setText(shown_path(w.text()))
            elif isinstance(w, (QPlainTextEdit, QTextEdit)) and shown_path(w.toPlainText()) != w.toPlainText():
                w.setPlainText(shown_path(w.toPlainText()))
            elif isinstance(w, QTableWidget):
                for r in range(w.rowCount()):
                    for c in range(w.columnCount()):
                        item = w.item(r, c)
                        if item is not None and shown_path(item.text()) != item.text():
                            item.setText(shown_path(item.text()))
        finally:
            w.blockSignals(blocked)
