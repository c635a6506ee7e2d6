"""The case view's “卷宗” tab: the case-file checklist (卷宗检查, LEGAL.md §7) — the 13 items in
binding order, which are required (必须), what the case holds for each and what is still
missing — and the 归档 button.

The panel only shows and asks: the checklist comes from ``services.evidence.checklist`` and
archiving is ``services.cases.transition(…, "closed")``, whose refusal (naming the missing
items) is shown as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QWidget,
)

from mediator_desktop.domain import states
from mediator_desktop.domain.checklist import ChecklistLine
from mediator_desktop.domain.enums import CaseStatus
from mediator_desktop.services.errors import ConflictError, ServiceError
from mediator_desktop.ui.case.panel_base import CasePanel
from mediator_desktop.ui.common.widgets import (
    ERROR_STYLE,
    GREEN,
    OK_STYLE,
    RED,
    RowTableModel,
    ask_yes_no,
    button_row,
    on_click,
    scale_font,
    scrolling_panel,
    table_view,
)

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services

MISSING_COLOUR = QColor(RED)
MISSING_BACKGROUND = QColor("#fde7ea")
PRESENT_COLOUR = QColor(GREEN)
ABSENT_COLOUR = QColor("#666666")
ARCHIVE_CONFLICT = ("没有归档：本案刚被其他电脑修改过。上面的卷宗情况已重新载入，"
                    "请核对后再点“归档”。")


def mark(line: ChecklistLine) -> str:
    """✔ 已有 / ✘ 缺少 (a required item missing) / — 无 (an optional item the case lacks)."""
    if line.present:
        return "✔ 已有"
    return "✘ 缺少" if line.required else "— 无"


def summary(lines: list[ChecklistLine]) -> str:
    missing = [x for x in lines if x.missing]
    if missing:
        return f"还缺{len(missing)}项必备材料：" + "、".join(x.name for x in missing)
    return "卷宗齐全，可以归档"


class ChecklistModel(RowTableModel):
    """The checklist as a table: 序号, 材料, 必须, 情况, 说明; ``rows`` are ``ChecklistLine``s."""

    HEADERS = ("序号", "材料", "必须", "情况", "说明")

    def cell(self, line: ChecklistLine, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (str(line.number), line.name, "必须" if line.required else "", mark(line), line.detail)[col]
        if role == Qt.ItemDataRole.ForegroundRole:
            if line.missing and col in (1, 2, 3, 4):
                return QBrush(MISSING_COLOUR)
            if col == 3:
                return QBrush(PRESENT_COLOUR if line.present else ABSENT_COLOUR)
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(MISSING_BACKGROUND) if line.missing else None
        if role == Qt.ItemDataRole.FontRole:
            if col == 3 or (line.missing and col == 1):
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter) if col in (0, 2, 3) else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{line.number}. {line.name}" + ("（必须）" if line.required else "") + f"\n{line.detail}"
        if role == Qt.ItemDataRole.UserRole:
            return line.number
        return None


class ChecklistPanel(CasePanel):
    """The case file of one case. Emits ``add_requested(item)`` when the user wants to add a
    file to the selected item, and ``changed(case_id)`` after the case was archived."""

    add_requested = Signal(int)
    WRITES = {"add_button": "edit", "archive_button": "archive"}

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.status: str | None = None
        #: The case version the checklist was shown for: archiving is refused (optimistic
        #: locking) when the case changed since, so the user never archives unseen changes.
        self.version: int | None = None
        self.confirm_box: QMessageBox | None = None
        self.code: str | None = None

        lay = scrolling_panel(self)
        intro = QLabel("卷宗按下面的顺序装订（共13项）。标有“必须”的材料缺一项，案件就不能归档。")
        intro.setWordWrap(True)
        lay.addWidget(intro)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        scale_font(self.summary, 1.15)
        lay.addWidget(self.summary)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555;")
        self.hint.hide()
        lay.addWidget(self.hint)

        self.model = ChecklistModel(self)
        self.table = table_view(self.model, 0, wrap=True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.table, 1)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        lay.addWidget(self.message)

        self.add_button = QPushButton("添加文件到所选项(&F)…")
        self.add_button.setToolTip("先在上表中点选一项，再添加这一项的扫描件或照片")
        self.archive_button = QPushButton("归档(&G)")
        self.archive_button.setToolTip("卷宗齐全后，把案件归档（归档后不能再更改）")
        self.case_file_button = QPushButton("生成卷宗 PDF(&P)…")
        self.case_file_button.setToolTip("把卷宗材料按装订顺序生成一个 PDF（封面、目录、页号），可预览、打印、另存")
        button_row(lay, (self.add_button, self.case_file_button), (self.archive_button,))

        self._connect()
        self._enable()

    def _connect(self) -> None:
        on_click({self.add_button: self.request_add, self.case_file_button: self.open_case_file,
                  self.archive_button: self.ask_archive})
        self.table.doubleClicked.connect(self.request_add)
        self.table.selectionModel().selectionChanged.connect(self._enable)

    # -- showing -------------------------------------------------------------------------------

    def show_case(self, case_id: int) -> None:
        self.case_id = case_id
        self.message.hide()
        self.refresh()

    def refresh(self) -> None:
        if self.case_id is None:
            return
        selected = self.selected_item()
        try:
            detail = self.services.cases.get(self.case_id)
            lines = self.services.evidence.checklist(self.case_id)
        except ServiceError as exc:
            self.status = self.version = self.code = None
            self.model.set_rows([])
            self._say(str(exc), ERROR_STYLE)
            self._enable()
            return
        self.status, self.version = detail.status, detail.version
        self.code = detail.code
        self.model.set_rows(lines)
        self.table.resizeRowsToContents()
        if self.status == CaseStatus.CLOSED.value:
            self.summary.setText("本案已归档")
            self.summary.setStyleSheet(OK_STYLE)
            self.hint.hide()
        else:
            self.summary.setText(summary(lines))
            self.summary.setStyleSheet(ERROR_STYLE if any(x.missing for x in lines) else OK_STYLE)
            can_close = states.can_transition(self.status, CaseStatus.CLOSED)
            self.hint.setText("" if can_close else "提示：调解结束（调解成功或终止调解）后才能归档。")
            self.hint.setVisible(not can_close)
        if selected is not None:
            self.select_item(selected)
        self._enable()

    def lines(self) -> list[ChecklistLine]:
        return list(self.model.rows)

    def selected_item(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.model.rows):
            return None
        return self.model.rows[rows[0].row()].number

    def select_item(self, item: int) -> None:
        for row, line in enumerate(self.model.rows):
            if line.number == item:
                self.table.selectRow(row)
                return

    def _enable(self) -> None:
        closed = self.status == CaseStatus.CLOSED.value
        self.add_button.setEnabled(self.selected_item() is not None and not closed)
        self.archive_button.setEnabled(self.case_id is not None and self.version is not None and not closed)
        self.case_file_button.setEnabled(self.code is not None)
        self.hold_back()

    def _say(self, text: str, style: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(style)
        self.message.setVisible(bool(text))

    # -- actions -------------------------------------------------------------------------------

    def open_case_file(self):
        """The documents dialog on the whole case file (调解卷宗): it is rendered in the
        background with a progress dialog, then previewed, printed or saved as PDF."""
        if self.code is None:
            return None
        from mediator_desktop.documents.catalog import CASE_FILE

        return self.open_document(self.code, CASE_FILE)

    def request_add(self) -> None:
        item = self.selected_item()
        if item is not None and self.status != CaseStatus.CLOSED.value:
            self.add_requested.emit(item)

    def ask_archive(self) -> QMessageBox | None:
        """归档: when the checklist is complete, ask first (archiving cannot be undone); when it
        is not, the case service's refusal naming the missing items is shown at once."""
        if self.case_id is None:
            return None
        if any(x.missing for x in self.model.rows):
            self.archive()
            return None
        box = ask_yes_no(self, "归档", "归档后，卷宗中的材料不能再添加、移动或删除，案件状态也不能再更改。\n确定归档吗？",
                         "归档", "暂不归档", self.archive, default="no")
        self.confirm_box = box
        return box

    def archive(self) -> bool:
        """Ask the case service to archive the case as shown (its version when last refreshed);
        a refusal — also when someone changed the case since — is shown below the list."""
        if self.case_id is None or self.version is None:
            return False
        try:
            self.services.cases.transition(self.case_id, self.version, CaseStatus.CLOSED.value)
        except ConflictError:
            self.refresh()
            self._say(ARCHIVE_CONFLICT, ERROR_STYLE)
            return False
        except ServiceError as exc:
            self.refresh()
            self._say(str(exc), ERROR_STYLE)
            return False
        self.refresh()
        self._say("已归档。", OK_STYLE)
        self.report_change()
        return True
