"""The case list as a lazy Qt model: 200 rows at a time, keyset-paged by the case service,
so a list of 100,000 cases opens and scrolls as fast as one of 100."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from mediator_desktop.domain.enums import CaseStatus, RiskLevel
from mediator_desktop.domain.text import chinese_date
from mediator_desktop.services.dto import CaseQuery, CaseRow

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services

PAGE = 200
RISK_COLOURS = {"none": None, "yellow": "#f9a825", "orange": "#ef6c00", "red": "#c62828"}

# (header, CaseRow attribute, sort key or None)
COLUMNS: list[tuple[str, str, str | None]] = [
    ("案号", "code", "code"),
    ("状态", "status", "status"),
    ("当事人", "party_names", None),
    ("受理日期", "received_on", "received_on"),
    ("纠纷类型", "dispute_type", "dispute_type"),
    ("风险", "risk_level", "risk_level"),
    ("调解员", "mediator_names", None),
    ("案件名称", "title", None),
]

Index = QModelIndex | QPersistentModelIndex


class CaseTableModel(QAbstractTableModel):
    def __init__(self, services: Services, parent=None) -> None:
        super().__init__(parent)
        self.services = services
        self.query = CaseQuery()
        self.rows: list[CaseRow] = []
        self._exhausted = True
        self._busy = False
        #: Whether a query has been read: the view's sort settings before the first one (the
        #: window sets its sort order while it is built) only choose the order, they read nothing.
        self._loaded = False

    # -- loading ------------------------------------------------------------------------------

    def set_query(self, query: CaseQuery) -> None:
        """Show the cases matching ``query`` (from the first page)."""
        self._busy = True  # views (and the model tester) must not fetch mid-reset
        self.beginResetModel()
        self.query = query
        self.rows = self.services.cases.page(query, limit=PAGE)
        self._exhausted = len(self.rows) < PAGE
        self._loaded = True
        self.endResetModel()
        self._busy = False

    def show_rows(self, query: CaseQuery, rows: list[CaseRow]) -> None:
        """Show ``rows``, the first page of ``query`` read elsewhere (a worker thread, while the
        user types)."""
        self._busy = True
        self.beginResetModel()
        self.query = query
        self.rows = rows
        self._exhausted = len(rows) < PAGE
        self._loaded = True
        self.endResetModel()
        self._busy = False

    def reload(self) -> None:
        self.set_query(self.query)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and not self._exhausted and not self._busy

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if parent.isValid() or self._exhausted or self._busy:
            return
        self._busy = True  # no nested fetch while rows go in
        try:
            more = self.services.cases.page(self.query, after=self.rows[-1] if self.rows else None, limit=PAGE)
            self._exhausted = len(more) < PAGE
            if more:
                start = len(self.rows)
                self.beginInsertRows(QModelIndex(), start, start + len(more) - 1)
                self.rows.extend(more)
                self.endInsertRows()
        finally:
            self._busy = False

    # -- Qt model interface -------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
                return COLUMNS[section][0]
            if orientation == Qt.Orientation.Vertical:
                return section + 1
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        attr = COLUMNS[index.column()][1]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = getattr(row, attr)
            if attr == "received_on":
                return chinese_date(value)
            if attr == "status":
                return CaseStatus(value).label
            if attr == "risk_level":
                return RiskLevel(value).label
            return value
        if role == Qt.ItemDataRole.DecorationRole and attr == "risk_level":
            colour = RISK_COLOURS.get(row.risk_level)
            return QColor(colour) if colour else None
        if role == Qt.ItemDataRole.ForegroundRole and attr == "risk_level" and row.risk_level == "red":
            return QBrush(QColor("#c62828"))
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or COLUMNS[column][2] is None:
            return
        self.query.sort = COLUMNS[column][2]  # type: ignore[assignment]
        self.query.descending = order == Qt.SortOrder.DescendingOrder
        if self._loaded:
            self.reload()

    # -- helpers ------------------------------------------------------------------------------

    def case_id(self, row: int) -> int | None:
        return self.rows[row].id if 0 <= row < len(self.rows) else None

    def row_for_case(self, case_id: int) -> int | None:
        for i, r in enumerate(self.rows):
            if r.id == case_id:
                return i
        return None

    @staticmethod
    def sortable(column: int) -> bool:
        return COLUMNS[column][2] is not None
