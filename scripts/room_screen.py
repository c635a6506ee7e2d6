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


def start_app(*, largest_font: bool = False) -> tuple[Any, Any, str]:
    """What every screenshot script starts with: a temporary data folder, then the
    QApplication and its settings as at start-up (Qt's Chinese catalogues, the font; with
    ``largest_font`` the largest the settings allow). Returns (app, settings, data folder)."""
    import sys

    home = tempfile.mkdtemp()
    os.environ["MEDIATOR_DESKTOP_HOME"] = home
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from PySide6.QtWidgets import QApplication

    from mediator_desktop import settings as opts
    from mediator_desktop.ui.app import init_application

    app = QApplication(sys.argv[:1])
    settings = opts.Settings()
    if largest_font:
        settings.set(opts.UI_FONT_SIZE, opts.UI_FONT_SIZE.maximum or 28)
    init_application(app, settings)
    return app, settings, home


def settle(app: Any, until: Any = lambda: True, seconds: float = 30) -> None:
    """Let the event loop run until ``until()`` (a background task, a rendered page) or
    ``seconds``, then a few more turns for the paint."""
    import time

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        if until():
            break
        time.sleep(0.02)
    for _ in range(3):
        app.processEvents()


def saver(app: Any, out: Path, written: list[Path] | None = None) -> Any:
    """``save(widget, name)``: show it, let it paint, write ``out/name`` (temporary paths
    shown as a room's PC shows them); each path written is added to ``written``."""
    out.mkdir(parents=True, exist_ok=True)

    def save(widget: Any, name: str) -> Path:
        widget.show()
        settle(app)
        plausible_paths(widget)  # no temporary folder in the picture
        path = out / name
        widget.grab().save(str(path))
        if written is not None:
            written.append(path)
        print("wrote", path)
        return path

    return save
