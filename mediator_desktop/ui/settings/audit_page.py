"""设置 → 审计: the audit trail with filters, and whether its hash chain is whole (issue 16)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from mediator_desktop.services.audit import PAGE, AuditLine
from mediator_desktop.ui.common.background import run_task
from mediator_desktop.ui.common.widgets import (
    DONE_STYLE,
    ERROR_STYLE,
    RowTableModel,
    button_row,
    date_edit,
    error_label,
    leave_on_tab,
    push_button,
    table_view,
)

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services


class AuditModel(RowTableModel):
    HEADERS = ("序号", "时间", "操作人", "案号", "内容")

    def cell(self, row: AuditLine, column: int, role: int) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (str(row.seq or ""), f"{row.at:%Y-%m-%d %H:%M}", row.actor, row.case_code, row.text)[column]


class AuditPage(QWidget):
    """Who changed what, newest first (at most :data:`PAGE` lines per search), and 核对 walks the
    whole chain in the background."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        lay = QVBoxLayout(self)
        form = QFormLayout()
        today = services.today()
        self.start, self.end = date_edit(today - timedelta(days=30)), date_edit(today)
        dates = QHBoxLayout()
        dates.addWidget(self.start)
        dates.addWidget(self.end)
        form.addRow("日期(&D)：", dates)
        caption = form.labelForField(dates)
        if isinstance(caption, QLabel):  # a label of a layout has no buddy of its own: Alt+D goes to the first date
            caption.setBuddy(self.start)
        self.actor, self.case_code = QLineEdit(), QLineEdit()
        self.actor.setPlaceholderText("操作人姓名（可只填一部分）")
        self.case_code.setPlaceholderText("案号（可只填一部分）")
        form.addRow("操作人(&P)：", self.actor)
        form.addRow("案号(&C)：", self.case_code)
        lay.addLayout(form)
        self.search_button = push_button("查询(&Q)", self.search)
        self.verify_button = push_button("核对审计记录(&V)", self.verify,
                                         "逐条核对：有记录在软件之外被改动、删除或插入时指出第一条")
        button_row(lay, (self.search_button,), (self.verify_button,))
        self.model = AuditModel(self)
        self.table = table_view(self.model, 200, wrap=True, name="audit_table")
        leave_on_tab(self.table)
        lay.addWidget(self.table, 1)
        self.message = error_label()
        lay.addWidget(self.message)
        self._connect()

    def _connect(self) -> None:
        for field in (self.actor, self.case_code):
            field.returnPressed.connect(self.search)

    def search(self) -> None:
        start: date = self.start.date().toPython()
        end: date = self.end.date().toPython()
        lines = self.services.audit.entries(start=start, end=end, actor=self.actor.text(),
                                            case_code=self.case_code.text())
        self.model.set_rows(lines)
        self.table.resizeColumnsToContents()
        more = f"（只列出最新的{PAGE}条，请缩小范围）" if len(lines) >= PAGE else ""
        self._say(f"找到{len(lines)}条{more}。", ok=True)

    def verify(self) -> None:
        self.verify_button.setEnabled(False)
        task = run_task(self, lambda _reporter: self.services.audit.verify(), title="核对审计记录",
                        text="正在逐条核对审计记录……", on_done=self._verified, cancellable=False)
        task.ended.connect(lambda _outcome: self.verify_button.setEnabled(True))

    def _verified(self, result: Any) -> None:
        self._say(result.sentence(), ok=result.ok)

    def _say(self, text: str, *, ok: bool) -> None:
        self.message.setStyleSheet(DONE_STYLE if ok else ERROR_STYLE)
        self.message.setText(text)
