"""The cases behind one figure of the statistics table (every figure is reproducible): a list;
double-click or Enter opens the case in the main window."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QLabel, QPushButton, QVBoxLayout, QWidget

from mediator_desktop.services.statistics import CaseRow, Members
from mediator_desktop.ui.common.widgets import PreserveGeometry, RowTableModel, button_row, on_click, table_view

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services


class CaseRowsModel(RowTableModel):
    HEADERS = ("案号", "受理日期", "纠纷类型", "状态", "调解员", "当事人")

    def cell(self, row: CaseRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.code, f"{row.received_on:%Y-%m-%d}", row.dispute_type, row.status, row.mediator_names,
                    row.party_names)[column]
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None


class ScreeningRowsModel(RowTableModel):
    def __init__(self, headers: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.HEADERS = headers

    def cell(self, row: tuple[str, ...], column: int, role: int) -> Any:
        return row[column] if role == Qt.ItemDataRole.DisplayRole else None


class CaseListDialog(PreserveGeometry):
    """``title`` (figure, column, period) over the cases (or screening rounds/items) behind it."""

    open_case = Signal(int)

    def __init__(self, services: Services, title: str, members: Members, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"明细 — {title}")
        lay = QVBoxLayout(self)
        self.heading = QLabel(title)
        self.heading.setWordWrap(True)
        lay.addWidget(self.heading)
        self.model: RowTableModel
        if members.kind == "case":
            self.model = CaseRowsModel(self)
            self.model.set_rows(services.statistics.case_rows(members.ids))
            hint = "双击或按回车键打开案件"
        else:
            headers = ("排查日期", "地点", "排查人", "发现数") if members.kind == "round" else (
                "排查日期", "地点", "当事人", "简要情况", "处理结果")
            self.model = ScreeningRowsModel(headers, self)
            self.model.set_rows(services.statistics.screening_rows(members.kind, members.ids))
            hint = "排查记录"
        self.count = QLabel(f"共{len(self.model.rows)}条　{hint}")
        lay.addWidget(self.count)
        self.table = table_view(self.model, 200, name="figureCases")
        self.table.resizeColumnsToContents()  # (the rows Qt samples: quick for a long list too)
        self.table.horizontalHeader().setSectionResizeMode(self.model.columnCount() - 1, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.table, 1)
        self.open_button = QPushButton("打开案件(&O)")
        self.open_button.setEnabled(members.kind == "case" and bool(self.model.rows))
        close = QPushButton("关闭")
        button_row(lay, [self.open_button], [close])
        close.clicked.connect(self.reject)
        self._connect()
        if self.model.rows:
            self.table.selectRow(0)
        self.table.setFocus()
        self.keep_geometry("figureCases", (900, 520))

    def _connect(self) -> None:
        on_click({self.open_button: self.open_current})
        self.table.activated.connect(lambda _index: self.open_current())

    def open_current(self) -> int | None:
        """Open the selected case (in the main window); its id, or None."""
        if not isinstance(self.model, CaseRowsModel):
            return None
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        case_id = int(self.model.rows[index.row()].id)
        self.open_case.emit(case_id)
        return case_id
