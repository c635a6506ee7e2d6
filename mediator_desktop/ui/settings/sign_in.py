"""登录 and the screen lock (issue 16).

:class:`SignInDialog` asks for the login and password before the main window when sign-in is
on. :class:`ScreenLock` watches for input; after the idle time of the settings it covers every
window of the application with a lock that asks the signed-in user's password again. Nothing
is closed or saved away: the windows behind it stay as they were (an open record keeps its
typing and goes on autosaving), and unlocking uncovers them.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QFormLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from mediator_desktop.ui.common.widgets import FieldErrors, add_row, attempt, form_footer, push_button, text_label

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services

#: How often the idle time is looked at.
CHECK_MS = 15_000
_INPUT = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
          QEvent.Type.TouchBegin}


class SignInDialog(QDialog):
    """Login and password; a refusal (wrong password, locked, disabled) is shown under the
    password, the login typed stays."""

    def __init__(self, services: Services, parent: QWidget | None = None, *, login: str = "") -> None:
        super().__init__(parent)
        self.services = services
        self.setWindowTitle("登录调解工作台")
        lay = QVBoxLayout(self)
        lay.addWidget(text_label("请输入您的用户名和密码。忘记密码请找管理员重设。"))
        form = QFormLayout()
        self.errors = FieldErrors()
        self.login, self.password = QLineEdit(login), QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        add_row(form, self.errors, "login", "用户名(&U)：", self.login)
        add_row(form, self.errors, "password", "密码(&P)：", self.password)
        lay.addLayout(form)
        lay.addStretch(1)   # the words and fields together at the top, not spread over the dialog
        self.message, self.buttons = form_footer(self, lay, "登录", self.sign_in, (520, 300))
        self.buttons.button(self.buttons.StandardButton.Cancel).setText("退出")
        (self.password if login else self.login).setFocus()

    def sign_in(self) -> None:
        if attempt(lambda: self.services.accounts.sign_in(self.login.text(), self.password.text()),
                   self.message, self.errors) is not None:
            self.accept()
        else:
            self.password.clear()
            self.password.setFocus()


class LockDialog(QDialog):
    """The lock over everything: only the signed-in user's password opens it again."""

    unlocked = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Dialog | Qt.WindowType.FramelessWindowHint
                         | Qt.WindowType.WindowStaysOnTopHint)
        self.services = services
        self.setObjectName("screen_lock")
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        # The words stand on a light panel: the red of a wrong password could not be read on the
        # dark shade.
        self.setStyleSheet("QDialog#screen_lock { background: #2b3a4a; } QWidget#lock_box { background: #f5f5f0; }")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QWidget()
        box.setObjectName("lock_box")
        box.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        lay = QVBoxLayout(box)
        lay.setContentsMargins(24, 20, 24, 24)
        lay.addWidget(text_label(f"工作台已锁定（{services.user_name}）", bold=True, scale=1.4))
        lay.addWidget(text_label("离开时间较长，为保护当事人信息，屏幕已锁定。打开的窗口和没写完的内容都还在。"
                                 "请输入密码继续。"))
        form = QFormLayout()
        self.errors = FieldErrors()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        add_row(form, self.errors, "password", "密码(&P)：", self.password)
        lay.addLayout(form)
        # A button to click as well as Enter (the default button: Enter in the password presses it).
        self.unlock_button = push_button("解锁(&O)", self.unlock)
        self.unlock_button.setDefault(True)
        lay.addWidget(self.unlock_button, 0, Qt.AlignmentFlag.AlignRight)
        # Centred by stretches, not by an alignment: an aligned widget gets its size hint, so the
        # wrapped lines were cut off (at the largest font, the heading and the explanation).
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            self.setGeometry(screen.geometry())
        # About 30 characters a line, never wider than the screen allows.
        wide = screen.geometry().width() - 80 if screen is not None else 1200
        box.setFixedWidth(min(self.fontMetrics().horizontalAdvance("字") * 30, wide))

    def unlock(self) -> None:
        from mediator_desktop.services.errors import ValidationError

        try:
            self.services.accounts.confirm_password(self.password.text())
        except ValidationError as exc:
            self.errors.show(exc.problems)
            self.password.clear()
            return
        self.accept()
        self.unlocked.emit()

    def reject(self) -> None:
        """Esc does not open the lock."""


class ScreenLock(QObject):
    """Locks the application after ``minutes`` without keyboard or mouse input while a user is
    signed in (0: never)."""

    locked = Signal()

    def __init__(self, services: Services, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services, self.minutes = services, minutes
        self.last_input = time.monotonic()
        self.dialog: LockDialog | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_MS)
        self.timer.timeout.connect(self.check)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in _INPUT:
            self.last_input = time.monotonic()
        return False

    def check(self) -> None:
        if self.minutes > 0 and self.dialog is None and self.services.signed_in \
                and time.monotonic() - self.last_input >= self.minutes * 60:
            self.lock()

    def lock(self) -> LockDialog:
        self.dialog = LockDialog(self.services)
        self.dialog.finished.connect(self._unlocked)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        self.dialog.password.setFocus()
        self.locked.emit()
        return self.dialog

    def _unlocked(self, _result: int) -> None:
        self.last_input = time.monotonic()
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None
