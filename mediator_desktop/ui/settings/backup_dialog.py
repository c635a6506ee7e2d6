"""文件 → 备份… and 恢复…: where the backup goes (and an optional passphrase, with the warning
that a lost one loses the backup); which backup to restore, what it holds, and its passphrase.

The dialogs only ask; the main window runs the backup and the restore in the background
(``services.backups``), where the file is checked before anything is replaced."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop.services.backup import PASSPHRASE_WARNING, SUFFIX, BackupInfo
from mediator_desktop.services.errors import ServiceError
from mediator_desktop.ui.common.widgets import WARNING_STYLE, file_dialog, form_footer, push_button

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services

FILTER = f"调解工作台备份 (*{SUFFIX})"


def _warning(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(WARNING_STYLE)
    return label


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class BackupDialog(QDialog):
    """备份数据: the file (浏览… opens the save dialog) and, when 加密 is ticked, the passphrase
    twice. ``chosen(path, passphrase)`` — passphrase "" for none — when the user starts it."""

    chosen = Signal(str, str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setWindowTitle("备份数据")
        lay = QVBoxLayout(self)
        intro = QLabel("把全部案件、调解记录和附件备份成一个文件。可以存到U盘或网络盘上，"
                       "电脑坏了也能用它恢复。")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        form = QFormLayout()
        lay.addLayout(form)
        row = QHBoxLayout()
        self.path = QLineEdit(str(Path.home() / f"调解工作台备份-{date.today():%Y%m%d}{SUFFIX}"))
        self.browse = push_button("浏览(&B)…", self.choose_file)
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        form.addRow("备份文件(&F)：", row)
        self.encrypt = QCheckBox("用密码加密备份文件(&E)")
        form.addRow("", self.encrypt)
        self.passphrase, self.repeated = _password_edit(), _password_edit()
        form.addRow("密码(&P)：", self.passphrase)
        form.addRow("再输入一次(&R)：", self.repeated)
        form.addRow("", _warning(PASSPHRASE_WARNING))
        self.message, self.buttons = form_footer(self, lay, "开始备份", self.start, (640, 360))
        self.encrypt.toggled.connect(self._encryption_toggled)
        self._encryption_toggled(False)
        self.file_dialog: QFileDialog | None = None

    def _encryption_toggled(self, on: bool) -> None:
        for edit in (self.passphrase, self.repeated):
            edit.setEnabled(on)

    def choose_file(self) -> QFileDialog:
        self.file_dialog = file_dialog(self, "备份到", self.path.text(), FILTER, self.path.setText, save=True,
                                       suffix=SUFFIX.lstrip("."))
        return self.file_dialog

    def start(self) -> None:
        path = self.path.text().strip()
        if not path:
            self.message.say("请填写备份文件：把备份存到哪里（可以按“浏览…”选择）。")
            self.path.setFocus()
            return
        if Path(path).is_dir():
            self.message.say(f"备份文件“{path}”是一个文件夹，请在后面加上文件名。")
            self.path.setFocus()
            return
        passphrase = ""
        if self.encrypt.isChecked():
            try:
                self.services.backups.check_passphrase(self.passphrase.text(), self.repeated.text())
            except ServiceError as exc:
                self.message.say(f"密码：{exc}")
                self.passphrase.setFocus()
                return
            passphrase = self.passphrase.text()
        self.chosen.emit(path, passphrase)
        self.accept()


class RestoreDialog(QDialog):
    """恢复数据: what the chosen (and already checked) backup holds, that the current data is
    replaced and kept as a backup first, and the passphrase of an encrypted one.
    ``confirmed(passphrase)`` when the user goes ahead."""

    confirmed = Signal(str)

    def __init__(self, info: BackupInfo, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.info = info
        self.setWindowTitle("恢复数据")
        lay = QVBoxLayout(self)
        what = QLabel(f"备份文件：{info.path}\n{info.describe()}")
        what.setWordWrap(True)
        lay.addWidget(what)
        lay.addWidget(_warning(f"恢复会用这份备份替换现在的全部数据。替换前，现在的数据会先另存一份备份（在 {folder}），"
                               "需要时还能再恢复回来。"))
        self.passphrase = _password_edit()
        if info.encrypted:
            form = QFormLayout()
            form.addRow("备份密码(&P)：", self.passphrase)
            lay.addLayout(form)
            lay.addWidget(_warning(PASSPHRASE_WARNING))
        self.message, self.buttons = form_footer(self, lay, "恢复", self.start, (640, 300))

    def start(self) -> None:
        if self.info.encrypted and not self.passphrase.text():
            self.message.say("这份备份已加密：请输入备份时设的密码。")
            self.passphrase.setFocus()
            return
        self.confirmed.emit(self.passphrase.text())
        self.accept()
