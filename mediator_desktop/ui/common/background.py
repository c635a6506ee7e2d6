"""Long work off the GUI thread (import, export, the case file, the .ics file), with a progress
dialog in Chinese, so the window keeps painting and answering while it runs.

The shape follows Anki's background operations: an operation is a plain function run in a worker
thread; it is handed a :class:`Reporter` whose ``progress(done, total)`` and ``cancelled()``
it passes on to the service (Qt-free callables, see ``services/progress.py``). When it ends,
exactly one of these runs on the GUI thread:

* ``on_done(result)`` — the work finished;
* ``on_failed(error)`` — a :class:`ServiceError` (its Chinese sentence is for the user) or an
  ``OSError`` (a file that cannot be read or written); by default a warning box shows it;
* ``on_cancelled()`` — the user pressed 取消 (:class:`Cancelled` reached the top);
* anything else is a bug: it goes to ``sys.excepthook`` on the GUI thread, where the
  application's exception hook shows it.

Rules kept here: the worker never touches a widget (everything it says goes through a queued
signal to a QObject of the GUI thread); the services open their own database session for each
call, so the worker never shares one with the GUI thread; a task never outlives its window
(:func:`stop_tasks` — called when a window closes — cancels what can stop and waits).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop.services.errors import Cancelled, ServiceError

#: The progress dialog shows only when the work takes longer than this (a quick export does
#: not flash a window at the user).
PROGRESS_DELAY_MS = 300
#: The worker reports progress at most this often (seconds): enough for a smooth bar, few
#: enough events that the GUI thread is never flooded.
REPORT_INTERVAL = 0.05
#: What the user may be told of besides a ServiceError: a file that cannot be read or written.
EXPECTED_ERRORS = (ServiceError, OSError)


def file_error_text(exc: OSError) -> str:
    """An OSError in a sentence (the system's own words, which are in the user's language)."""
    where = f"（{exc.filename}）" if getattr(exc, "filename", None) else ""
    return f"{exc.strerror or exc}{where}"


class Reporter:
    """What the work in the worker thread is handed: thread-safe, Qt-free callables."""

    def __init__(self, emit: Callable[[int, int], None]) -> None:
        self._emit = emit
        self._cancel = threading.Event()
        self._last = 0.0
        self._last_total = -1

    def progress(self, done: int, total: int) -> None:
        """Report ``done`` of ``total`` (0 = not yet known); throttled, but a change of
        ``total`` and the end are always reported."""
        now = time.monotonic()
        if total == self._last_total and (done < total or total <= 0) and now - self._last < REPORT_INTERVAL:
            return
        self._last, self._last_total = now, total
        self._emit(done, total)

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()


class _Relay(QObject):
    """Lives in the GUI thread; its signals are emitted by the worker, so every connection to
    the task's slots is queued (delivered in the GUI thread's event loop)."""

    progressed = Signal(int, int)
    ended = Signal(str, object)


class _Worker(QThread):
    def __init__(self, work: Callable[[Reporter], Any], reporter: Reporter, relay: _Relay,
                 parent: QObject) -> None:
        super().__init__(parent)
        self.work, self.reporter, self.relay = work, reporter, relay

    def run(self) -> None:
        try:
            result = self.work(self.reporter)
        except BaseException as exc:  # noqa: BLE001 - every outcome goes to the GUI thread
            self.relay.ended.emit("error", exc)
        else:
            self.relay.ended.emit("done", result)


class ProgressDialog(QDialog):
    """什么正在进行, a bar and 取消. Closing it (Esc, ×) asks to cancel; it closes itself
    only when the task ends."""

    cancel_requested = Signal()

    def __init__(self, parent: QWidget, title: str, text: str, cancellable: bool) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.cancellable = cancellable
        self._may_close = False
        self.in_use = False
        lay = QVBoxLayout(self)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.label.setMinimumWidth(self.fontMetrics().horizontalAdvance("正在写入第10000件，共10000件……") + 40)
        lay.addWidget(self.label)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)            # busy until the first count arrives
        self.bar.setFormat("%p%")
        lay.addWidget(self.bar)
        row = QHBoxLayout()
        row.addStretch(1)
        self.cancel_button = QPushButton("取消")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.setVisible(cancellable)
        self.cancel_button.clicked.connect(self.reject)
        row.addWidget(self.cancel_button)
        lay.addLayout(row)

    def show_progress(self, done: int, total: int, text: str) -> None:
        if total <= 0:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        if text:
            self.label.setText(text)

    def reject(self) -> None:
        if self._may_close:
            super().reject()
            return
        if self.cancellable and self.cancel_button.isEnabled():
            self.cancel_button.setEnabled(False)
            self.label.setText("正在取消，请稍候……")
            self.cancel_requested.emit()

    def close_for_task(self) -> None:
        self._may_close = True
        self.done(QDialog.DialogCode.Rejected)
        self.in_use = False

    @classmethod
    def for_task(cls, parent: QWidget, title: str, text: str, cancellable: bool) -> ProgressDialog:
        """The progress dialog of ``parent``, made once and used again by its next task (it is
        never deleted while the window lives, so no pending deletion races other code)."""
        dialog = next((d for d in parent.findChildren(cls, options=Qt.FindChildOption.FindDirectChildrenOnly)
                       if not d.in_use), None)
        if dialog is None:
            dialog = cls(parent, title, text, cancellable)
        else:
            dialog.reset(title, text, cancellable)
        dialog.in_use = True
        return dialog

    def reset(self, title: str, text: str, cancellable: bool) -> None:
        self.setWindowTitle(title)
        self.label.setText(text)
        self.bar.setRange(0, 0)
        self.cancellable = cancellable
        self._may_close = False
        self.cancel_button.setVisible(cancellable)
        self.cancel_button.setEnabled(True)


class BackgroundTask(QObject):
    """One piece of long work; a child of the widget it belongs to (see :func:`run_task`).

    ``progressed(done, total, text)`` is emitted on the GUI thread as the work reports."""

    progressed = Signal(int, int, str)
    ended = Signal(str)        # "done", "failed", "cancelled" or "error"

    def __init__(self, parent: QWidget, work: Callable[[Reporter], Any], *, title: str, text: str,
                 describe: Callable[[int, int], str] | None = None,
                 on_done: Callable[[Any], Any] | None = None,
                 on_failed: Callable[[Exception], Any] | None = None,
                 on_cancelled: Callable[[], Any] | None = None,
                 cancellable: bool = True, quiet: bool = False) -> None:
        super().__init__(parent)
        self.owner = parent
        self.title, self.text, self.describe = title, text, describe
        self.on_done, self.on_failed, self.on_cancelled = on_done, on_failed, on_cancelled
        self.cancellable = cancellable
        #: Quiet work (a recount the user did not ask for) shows no progress dialog and does
        #: not make its window busy; it is still waited for when the window closes.
        self.quiet = quiet
        self.outcome: str | None = None
        self.result: Any = None
        self.error: BaseException | None = None
        self._abandoned = False
        self._relay = _Relay()             # no parent: lives in the GUI thread, owned here
        self._relay.progressed.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._relay.ended.connect(self._on_ended, Qt.ConnectionType.QueuedConnection)
        self.reporter = Reporter(self._relay.progressed.emit)
        self._thread = _Worker(work, self.reporter, self._relay, self)
        self.dialog: ProgressDialog | None = None
        self._dialog_held = False
        if not quiet:
            self.dialog = ProgressDialog.for_task(parent, title, text, cancellable)
            self.dialog.cancel_requested.connect(self.cancel)
            self._dialog_held = True
        self._show_timer = QTimer(self, singleShot=True)
        self._show_timer.timeout.connect(self._show_dialog)

    # -- control -----------------------------------------------------------------------------

    def start(self) -> BackgroundTask:
        if self.dialog is not None:
            self._show_timer.start(PROGRESS_DELAY_MS)
        self._thread.start()
        return self

    def is_running(self) -> bool:
        return self.outcome is None and not self._abandoned

    def cancel(self) -> None:
        """Ask the work to stop at its next step (it ends as cancelled, or as done when it had
        already passed its last step)."""
        if self.cancellable:
            self.reporter.cancel()

    def wait(self, timeout_ms: int | None = None) -> bool:
        """Block until the worker thread has ended (used when the window closes)."""
        return self._thread.wait() if timeout_ms is None else self._thread.wait(timeout_ms)

    def abandon(self) -> None:
        """The window is closing: stop what can stop, wait for the thread, say nothing more."""
        self._abandoned = True
        self.cancel()
        self.wait()
        self._release_dialog()

    def _release_dialog(self) -> None:
        """Close the progress dialog and give it back to its window (once)."""
        self._show_timer.stop()
        if self._dialog_held and self.dialog is not None:
            self._dialog_held = False
            self.dialog.cancel_requested.disconnect(self.cancel)
            self.dialog.close_for_task()

    # -- the GUI thread's side ----------------------------------------------------------------

    def _show_dialog(self) -> None:
        if self.outcome is None and not self._abandoned and self.dialog is not None:
            self.dialog.show()

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        if self.outcome is not None or self._abandoned:
            return
        text = self.describe(done, total) if self.describe else ""
        if not self.reporter.cancelled() and self.dialog is not None:
            self.dialog.show_progress(done, total, text)
        self.progressed.emit(done, total, text)

    @Slot(str, object)
    def _on_ended(self, kind: str, payload: object) -> None:
        self._thread.wait()                 # run() has returned: the thread ends at once
        self._release_dialog()
        if kind == "done":
            self.outcome, self.result = "done", payload
        elif isinstance(payload, Cancelled):
            self.outcome, self.error = "cancelled", payload
        elif isinstance(payload, EXPECTED_ERRORS):
            self.outcome, self.error = "failed", payload
        else:
            self.outcome, self.error = "error", payload  # type: ignore[assignment]
        if not self._abandoned:
            self._deliver(payload)
        self.ended.emit(self.outcome)
        self.deleteLater()

    def _deliver(self, payload: object) -> None:
        if self.outcome == "done":
            if self.on_done is not None:
                self.on_done(payload)
        elif self.outcome == "cancelled":
            if self.on_cancelled is not None:
                self.on_cancelled()
        elif self.outcome == "failed":
            if self.on_failed is not None:
                self.on_failed(payload)  # type: ignore[arg-type]
            else:
                text = file_error_text(payload) if isinstance(payload, OSError) else str(payload)
                message(self.owner, QMessageBox.Icon.Warning, f"{self.title}失败", text)
        else:
            exc = payload
            assert isinstance(exc, BaseException)
            sys.excepthook(type(exc), exc, exc.__traceback__)


def message(parent: QWidget, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    """A window-modal box with 知道了, opened (not exec'd); kept on ``parent.message_box``."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.button(QMessageBox.StandardButton.Ok).setText("知道了")
    box.open()
    parent.message_box = box  # type: ignore[attr-defined]
    return box


def counted(starting: str, step: str, finishing: str) -> Callable[[int, int], str]:
    """A progress line for ``run_task``'s ``describe``: ``starting`` until the count is known,
    then ``step`` (with ``{n}`` and ``{total}``) for each item, ``finishing`` after the last."""

    def describe(done: int, total: int) -> str:
        if total <= 0:
            return starting
        if done >= total:
            return finishing
        return step.format(n=done + 1, total=total)

    return describe


def run_task(parent: QWidget, work: Callable[[Reporter], Any], *, title: str, text: str,
             describe: Callable[[int, int], str] | None = None,
             on_done: Callable[[Any], Any] | None = None,
             on_failed: Callable[[Exception], Any] | None = None,
             on_cancelled: Callable[[], Any] | None = None,
             cancellable: bool = True) -> BackgroundTask:
    """Start ``work(reporter)`` in a worker thread with a progress dialog over ``parent``
    (titled ``title``, saying ``text`` until ``describe(done, total)`` says more); the task is
    kept on ``parent.task``."""
    task = BackgroundTask(parent, work, title=title, text=text, describe=describe, on_done=on_done,
                          on_failed=on_failed, on_cancelled=on_cancelled, cancellable=cancellable)
    parent.task = task  # type: ignore[attr-defined]
    return task.start()


def running_tasks(widget: QWidget) -> list[BackgroundTask]:
    """The tasks still running of ``widget`` and of every widget inside it."""
    return [t for t in widget.findChildren(BackgroundTask) if t.is_running()]


def busy(widget: QWidget) -> bool:
    """Whether work the user started (an import, an export …) is still running."""
    return any(not t.quiet for t in running_tasks(widget))


def stop_tasks(widget: QWidget) -> None:
    """Before ``widget`` closes: cancel what can stop, wait for every worker to end, and
    drop what the tasks would still have said (no thread outlives its window)."""
    for task in running_tasks(widget):
        task.abandon()
