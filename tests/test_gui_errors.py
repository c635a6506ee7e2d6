"""An error nobody caught reaches the user: a real button whose slot raises shows the Chinese
box with the log file's path, 复制详情 puts the traceback on the clipboard, the log file holds it.

pytest-qt normally replaces ``sys.excepthook`` during every test with its own, which records
the exception and fails the test. These tests switch that off (``qt_no_exception_capture``) and
install the application's own hook, exactly as ``ui.app.run`` does, so what is checked is what a
user meets; each test removes the hook again at its end.
"""

from __future__ import annotations

import threading

import pytest
import shiboken6
from gui_helpers import click
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget

from mediator_desktop import __version__, paths
from mediator_desktop.logfile import close_logging, setup_logging
from mediator_desktop.services.errors import ConflictError
from mediator_desktop.ui.common.excepthook import ErrorBox, install_error_reporter

pytestmark = [pytest.mark.gui, pytest.mark.qt_no_exception_capture]


@pytest.fixture
def reporter(qapp):  # type: ignore[no-untyped-def]
    log_file = setup_logging()  # (not crashes=True: pytest's faulthandler keeps reporting to the terminal)
    reporter = install_error_reporter(qapp, log_file)
    yield reporter
    reporter.uninstall()
    if reporter.box is not None and shiboken6.isValid(reporter.box):
        reporter.box.close()
    reporter.deleteLater()
    close_logging()


_windows: list[QWidget] = []


def window_with_button(qtbot, slot) -> QPushButton:  # type: ignore[no-untyped-def]
    window = QWidget()
    qtbot.addWidget(window)  # closed and deleted after the test
    _windows[:] = [window]  # qtbot holds it weakly
    button = QPushButton("保存", window)
    button.clicked.connect(slot)
    window.show()
    qtbot.waitExposed(window)
    return button


def shown_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def save_fails() -> None:
    totals = {"本金": 12000}
    totals["利息"] += 1  # a programming error: KeyError


def test_an_error_in_a_slot_shows_the_box_the_log_and_copies_the_details(qtbot, reporter) -> None:
    button = window_with_button(qtbot, save_fails)
    click(qtbot, button)

    qtbot.waitUntil(lambda: len(shown_boxes()) == 1)
    box = shown_boxes()[0]
    assert isinstance(box, ErrorBox) and box is reporter.box
    assert box.text().startswith("操作没有完成")
    assert "请关闭本提示后再试一次" in box.informativeText()
    assert str(paths.log_file()) in box.informativeText()
    assert box.button(QMessageBox.StandardButton.Close).text() == "关闭"

    # 复制详情: the traceback, the version and the platform on the clipboard; the box stays.
    QApplication.clipboard().clear()
    click(qtbot, box.copy_button)
    copied = QApplication.clipboard().text()
    assert "Traceback (most recent call last)" in copied and "KeyError: '利息'" in copied
    assert "in save_fails" in copied and f"调解工作台 {__version__}" in copied and "Python" in copied
    assert box.isVisible() and box.copy_button.text() == "已复制"

    # The log file holds the same traceback.
    logged = paths.log_file().read_text(encoding="utf-8")
    assert "uncaught KeyError" in logged and 'totals["利息"] += 1' in logged

    click(qtbot, box.button(QMessageBox.StandardButton.Close))
    qtbot.waitUntil(lambda: not shown_boxes())
    assert reporter.box is None


def test_a_second_error_while_the_box_shows_is_logged_not_shown(qtbot, reporter) -> None:
    button = window_with_button(qtbot, save_fails)
    click(qtbot, button)
    qtbot.waitUntil(lambda: len(shown_boxes()) == 1)
    first = shown_boxes()[0]

    def also_fails() -> None:
        raise RuntimeError("第二个意外")

    # A timer that fails while the box is open (an autosave, a refresh): logged, no second box.
    QTimer.singleShot(0, also_fails)
    QTimer.singleShot(0, also_fails)
    qtbot.waitUntil(lambda: paths.log_file().read_text(encoding="utf-8").count("第二个意外") >= 2)
    assert shown_boxes() == [first]
    logged = paths.log_file().read_text(encoding="utf-8")
    assert logged.count("uncaught RuntimeError: 第二个意外") == 2
    assert "earlier error is still open" in logged


def test_a_service_refusal_that_escaped_shows_just_its_sentence(qtbot, reporter) -> None:
    def refuse() -> None:
        raise ConflictError("这条记录刚被另一台电脑修改过，请关闭后重新打开。")

    click(qtbot, window_with_button(qtbot, refuse))
    qtbot.waitUntil(lambda: len(shown_boxes()) == 1)
    box = shown_boxes()[0]
    assert not isinstance(box, ErrorBox)
    assert box.text() == "这条记录刚被另一台电脑修改过，请关闭后重新打开。"
    assert box.informativeText() == ""
    click(qtbot, box.button(QMessageBox.StandardButton.Close))
    qtbot.waitUntil(lambda: not shown_boxes())


def test_an_error_in_a_worker_thread_is_shown_in_the_window_thread(qtbot, reporter) -> None:
    def work() -> None:
        raise OSError("网络断开")

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(shown_boxes()) == 1)
    box = shown_boxes()[0]
    assert box.text().startswith("操作没有完成") and "OSError: 网络断开" in box.detail_text  # type: ignore[attr-defined]
    click(qtbot, box.button(QMessageBox.StandardButton.Close))
    qtbot.waitUntil(lambda: not shown_boxes())
