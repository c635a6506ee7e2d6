"""What the GUI tests do as a user: type (Chinese through an input-method commit), click, answer
dialogs, choose from combos — and the start of a GUI session on a test database."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from mediator_desktop import settings as opts
from mediator_desktop.ui.app import init_application


def start_gui(qapp, services) -> opts.Settings:  # type: ignore[no-untyped-def]
    """The application set up as at start-up, with the organisation and two mediators
    (their ids in ``services.mediator_ids``); returns the settings."""
    from conftest import setup_org

    settings = opts.Settings()
    init_application(qapp, settings)
    services.mediator_ids = setup_org(services)
    return settings


def shown_window(qtbot, qapp, services, before=None):  # type: ignore[no-untyped-def]
    """The main window as the user first sees it (set up by :func:`start_gui`; ``before(services)``
    runs first, to put something in the database), shown and exposed."""
    from mediator_desktop.ui.app import create_main_window

    settings = start_gui(qapp, services)
    if before is not None:
        before(services)
    window = create_main_window(services, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def type_text(qtbot, widget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type as a user does: Latin keys as key presses, Chinese as a pinyin input method
    commits it (QTest cannot press keys for characters outside Latin-1)."""
    widget.setFocus()
    for ch in text:
        if ch == "\n":
            qtbot.keyClick(widget, Qt.Key.Key_Return)
        elif ch.isascii():
            qtbot.keyClicks(widget, ch)
        else:
            event = QInputMethodEvent()
            event.setCommitString(ch)
            QApplication.sendEvent(widget, event)


def click(qtbot, button) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def click_ok(qtbot, box) -> None:  # type: ignore[no-untyped-def]
    for role in (QDialogButtonBox.StandardButton.Ok, QDialogButtonBox.StandardButton.Save):
        button = box.button(role)
        if button is not None:
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
            return
    raise AssertionError("no OK button")


def answer_yes(qtbot, box: QMessageBox) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)


def choose(combo, value) -> None:  # type: ignore[no-untyped-def]
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def when_modal(kind, action, timeout_ms: int = 10_000) -> list:  # type: ignore[no-untyped-def,type-arg]
    """Run ``action(dialog)`` as soon as a modal dialog of type ``kind`` is shown — for a dialog
    opened with ``exec()`` (its own event loop) by the click that follows. Returns a list that
    receives the dialog once it was seen. A dialog still open after ``action`` (or after a
    failed one) is cancelled, so a failing test never hangs."""
    from PySide6.QtCore import QElapsedTimer, QTimer

    timer, clock = QTimer(QApplication.instance()), QElapsedTimer()
    clock.start()
    seen: list = []  # type: ignore[type-arg]

    def stop() -> None:
        timer.stop()
        timer.deleteLater()

    def poll() -> None:
        shown = [w for w in [QApplication.activeModalWidget(), *QApplication.topLevelWidgets()]
                 if isinstance(w, kind) and w.isVisible() and w.isModal()]
        dialog = shown[0] if shown else None
        if dialog is not None:
            stop()
            seen.append(dialog)
            try:
                action(dialog)
            finally:
                if dialog.isVisible():
                    dialog.reject()
        elif clock.elapsed() > timeout_ms:
            stop()

    timer.timeout.connect(poll)
    timer.start(20)
    return seen


def import_from_menu(qtbot, window, path) -> QMessageBox:  # type: ignore[no-untyped-def]
    """导入 from the menu, choose the file in the file dialog, wait for the box that says how it went."""
    window.import_action.trigger()
    dialog = window.file_dialog
    assert dialog.isVisible()
    dialog.selectFile(str(path))
    dialog.accept()
    return box_after_task(qtbot, window)


def box_after_task(qtbot, window) -> QMessageBox:  # type: ignore[no-untyped-def]
    """Wait for the window's background task to end and for the box that says how it went."""
    task = window.task
    qtbot.waitUntil(lambda: task.outcome is not None, timeout=60_000)
    box = window.message_box
    qtbot.waitUntil(box.isVisible)
    return box
