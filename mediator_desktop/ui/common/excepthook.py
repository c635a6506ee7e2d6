"""Every error reaches the user: an exception nobody caught (in a slot, a timer, a worker
thread) is written with its full traceback to the log file and shown in a Chinese message box
that says what to do, names the log file and offers 复制详情 (the traceback, the version and the
platform to the clipboard, for whoever helps). A :class:`ServiceError` that escaped is shown as
its Chinese sentence only. An error while the box is showing is logged, not shown again.
"""

from __future__ import annotations

import logging
import platform
import sys
import threading
import traceback
from datetime import datetime
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from mediator_desktop import APP_TITLE, __version__
from mediator_desktop.errors import ServiceError

log = logging.getLogger(__name__)

HEADLINE = "操作没有完成……程序遇到了一个意外的问题。"
ADVICE = ("刚才这一步可能没有保存。请关闭本提示后再试一次；如果还是不行，请点“复制详情”，"
          "把内容发给负责电脑的同事或技术支持。")
COPY_TEXT = "复制详情(&C)"
COPIED_TEXT = "已复制"


def details(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None, log_file: Path) -> str:
    """What support needs: when, which version on which system, the log file, the traceback."""
    return "\n".join([
        f"{APP_TITLE} {__version__}，{datetime.now():%Y-%m-%d %H:%M:%S}",
        f"{platform.platform()}，Python {platform.python_version()}，Qt {qVersion()}",
        f"日志文件：{log_file}",
        "",
        "".join(traceback.format_exception(exc_type, exc, tb)).rstrip(),
    ])


class ErrorBox(QMessageBox):
    """The box for an unexpected error: 复制详情 copies and keeps the box open; 关闭 closes."""

    def __init__(self, text: str, informative: str, detail_text: str, parent: QWidget | None) -> None:
        super().__init__(QMessageBox.Icon.Critical, APP_TITLE, text, QMessageBox.StandardButton.Close, parent)
        self.setInformativeText(informative)
        self.detail_text = detail_text
        self.copy_button = self.addButton(COPY_TEXT, QMessageBox.ButtonRole.ActionRole)
        self.setDefaultButton(QMessageBox.StandardButton.Close)
        self.setEscapeButton(QMessageBox.StandardButton.Close)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def done(self, result: int) -> None:  # every button ends here; 复制详情 must not close
        if self.clickedButton() is self.copy_button:
            QGuiApplication.clipboard().setText(self.detail_text)
            self.copy_button.setText(COPIED_TEXT)
            return
        super().done(result)


class ErrorReporter(QObject):
    """Installed once at start (:func:`install_error_reporter`); ``box`` is the box showing."""

    #: Carries an exception from any thread to the GUI thread (queued when raised elsewhere).
    raised = Signal(object, object, object)

    def __init__(self, log_file: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_file = log_file
        self.box: QMessageBox | None = None
        self._closing: QMessageBox | None = None
        self._previous: tuple[object, object] | None = None
        self.raised.connect(self._report)

    def install(self) -> None:
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous  # type: ignore[assignment]
            self._previous = None

    def excepthook(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        self.raised.emit(exc_type, exc, tb)

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            return
        self.raised.emit(args.exc_type, args.exc_value, args.exc_traceback)

    @Slot(object, object, object)
    def _report(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        expected = isinstance(exc, ServiceError)
        (log.warning if expected else log.error)("uncaught %s: %s", exc_type.__name__, exc,
                                                 exc_info=(exc_type, exc, tb))
        if self.box is not None:
            log.error("(not shown: the error box for an earlier error is still open)")
            return
        if QApplication.instance() is None:
            sys.__excepthook__(exc_type, exc, tb)
            return
        try:
            self.box = self._make_box(exc_type, exc, tb, expected)
            self.box.finished.connect(self._closed)
            self.box.open()
        except Exception:  # never let the error report itself start a storm
            log.exception("could not show the error box")
            self.box = None

    def _make_box(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None,
                  expected: bool) -> QMessageBox:
        # No parent: the window that was active may be the one going away (a dialog closing with
        # WA_DeleteOnClose, a window being torn down), and a child box would vanish with it
        # before the user has read it. Application-modal, it still stands in front of them all.
        parent = None
        if expected:
            box = QMessageBox(QMessageBox.Icon.Warning, APP_TITLE, str(exc), QMessageBox.StandardButton.Close,
                              parent)
        else:
            box = ErrorBox(HEADLINE, f"{ADVICE}\n\n问题已记录在：{self.log_file}",
                           details(exc_type, exc, tb, self.log_file), parent)
        box.setWindowModality(Qt.WindowModality.ApplicationModal)
        return box

    def _closed(self, _result: int) -> None:
        # Python owns a box without a parent: dropping it inside its own finished signal would
        # delete it under Qt's feet, so it is let go once the signal has returned.
        self._closing, self.box = self.box, None
        QTimer.singleShot(0, self._let_go)

    def _let_go(self) -> None:
        self._closing = None

    def close_box(self) -> None:
        """Close a box still showing (at quit: one left open crashes Python's shutdown)."""
        if self.box is not None:
            self.box.close()


def install_error_reporter(app: QApplication, log_file: Path) -> ErrorReporter:
    reporter = ErrorReporter(log_file, app)
    reporter.install()
    app.aboutToQuit.connect(reporter.close_box)
    return reporter
