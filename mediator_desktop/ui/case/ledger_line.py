"""The case's line on the ledger (台账): 在册 or 已销号 (on which date, by whom), with 销号… and
再挂号…, each asking the date and a note (STATISTICS.md §2; the rules are the service's)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop.services.errors import ServiceError
from mediator_desktop.services.ledger import LedgerLineView, LedgerStatus
from mediator_desktop.ui.case.panel_base import RoleLimited
from mediator_desktop.ui.common.background import message
from mediator_desktop.ui.common.widgets import (
    FieldErrors,
    add_row,
    attempt,
    date_edit,
    form_footer,
    height_in_lines,
    push_button,
    tab_moves_on,
    text_label,
)

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services


class LedgerEventDialog(QDialog):
    """销号 or 再挂号: the date it counts for and a note (where the dispute went, what flared up)."""

    def __init__(self, title: str, hint: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        lay = QVBoxLayout(self)
        lay.addWidget(text_label(hint))
        form = QFormLayout()
        self.errors = FieldErrors()
        self.on = date_edit(today, maximum=today)
        add_row(form, self.errors, "on", f"{title}日期(&D)：", self.on)
        self.note = QPlainTextEdit()
        tab_moves_on(self.note)
        height_in_lines(self.note, 3)
        add_row(form, self.errors, "note", "说明(&N)：", self.note)
        lay.addLayout(form)
        self.error, self.buttons = form_footer(self, lay, title, self._save, (520, 280))
        self.save: object = None   # set by LedgerLine: the service call with this dialog's values

    def chosen_date(self) -> date:
        d = self.on.date()
        return date(d.year(), d.month(), d.day())

    def _save(self) -> None:
        if callable(self.save):
            self.save()


class LedgerLine(RoleLimited, QWidget):
    """台账：在册 / 已销号（date，who） with the button the state allows. 销号… asks the service
    whether the dispute may be crossed off only when pressed, and says why not in a box (an
    elderly user does not hover over a grey button to learn why). Emits ``changed(case_id)``."""

    changed = Signal(int)
    WRITES = {name: "edit" for name in ("cross_off_button", "reopen_button", "cross_off_action", "reopen_action")}

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.view: LedgerLineView | None = None
        self.dialog: LedgerEventDialog | None = None
        self.refusal: QMessageBox | None = None
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.label.setObjectName("ledgerLine")
        self.cross_off_button = push_button("销号…", self.request_cross_off,
                                            "纠纷化解并经回访确认后，在台账上销号（记录日期和办理人）")
        self.reopen_button = push_button("再挂号…", self.request_reopen, "已销号的纠纷出现反复，重新挂号（保留原来的记录）")
        lay.addWidget(self.label)
        lay.addWidget(self.cross_off_button)
        lay.addWidget(self.reopen_button)
        lay.addStretch(1)
        # The same two steps in the main window's 案件 menu (enabled as the buttons are shown).
        self.cross_off_action = QAction("台账销号(&O)…", self)
        self.reopen_action = QAction("台账再挂号(&Q)…", self)
        self.menu_actions = [self.cross_off_action, self.reopen_action]
        self.cross_off_action.triggered.connect(self.cross_off_button.click)
        self.reopen_action.triggered.connect(self.reopen_button.click)
        self._enable_actions()
        self.hide()

    def _enable_actions(self) -> None:
        v = self.view
        self.cross_off_action.setEnabled(v is not None and v.open)
        self.reopen_action.setEnabled(v is not None and not v.open)
        for button in (self.cross_off_button, self.reopen_button):
            button.setEnabled(True)
        self.hold_back()

    def show_case(self, case_id: int) -> None:
        try:
            self.view = self.services.ledger.line(case_id)
        except ServiceError as exc:
            self.view = None
            self.label.setText(f"台账：{exc}")
            self.cross_off_button.hide()
            self.reopen_button.hide()
            self._enable_actions()
            self.show()
            return
        v = self.view
        self.label.setText(v.text)
        self.label.setToolTip(v.last.text if v.last is not None else "尚无销号记录")
        self.label.setStyleSheet("" if v.open else "color: #2e7d32; font-weight: bold;")
        self.cross_off_button.setVisible(v.open)
        self.reopen_button.setVisible(not v.open)
        self._enable_actions()
        self.show()

    def request_cross_off(self) -> LedgerEventDialog | QMessageBox | None:
        """销号…: the dialog, or the reason it cannot be crossed off yet."""
        if self.view is None:
            return None
        try:
            status = self.services.ledger.status(self.view.case_id)
        except ServiceError as exc:
            return self._refuse(str(exc))
        if status.cross_off_problem:
            return self._refuse(status.cross_off_problem)
        return self.cross_off_dialog(status)

    def cross_off_dialog(self, status: LedgerStatus | None = None) -> LedgerEventDialog | None:
        status = status or (self.services.ledger.status(self.view.case_id) if self.view else None)
        if status is None:
            return None
        hint = ("纠纷未经调解化解：请在“说明”中写明去向（如已引导向人民法院起诉、已移交某部门处理）。"
                if status.note_required else "纠纷已化解并经回访确认，在台账上销号。")
        return self._ask("销号", hint, lambda d: self.services.ledger.cross_off(
            status.case_id, d.chosen_date(), d.note.toPlainText(), version=status.version))

    def request_reopen(self) -> LedgerEventDialog | None:
        v = self.view
        if v is None:
            return None
        return self._ask("再挂号", "纠纷出现反复，重新在台账上挂号；原来的销号记录保留。请写明原因。",
                         lambda d: self.services.ledger.reopen(v.case_id, d.chosen_date(), d.note.toPlainText(),
                                                               version=v.version))

    def _refuse(self, reason: str) -> QMessageBox:
        self.refusal = message(self, QMessageBox.Icon.Information, "还不能销号", reason)
        return self.refusal

    def _ask(self, title: str, hint: str, call) -> LedgerEventDialog:  # type: ignore[no-untyped-def]
        dialog = LedgerEventDialog(title, hint, self.services.today(), self)
        dialog.save = lambda: self._save(dialog, call)
        dialog.open()
        self.dialog = dialog
        return dialog

    def _save(self, dialog: LedgerEventDialog, call) -> None:  # type: ignore[no-untyped-def]
        done = attempt(lambda: call(dialog), dialog.error, dialog.errors)
        if done is None:
            return
        dialog.accept()
        self.show_case(done.case_id)
        self.changed.emit(done.case_id)
