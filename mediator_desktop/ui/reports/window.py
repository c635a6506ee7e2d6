"""统计报表: the statistics table (人民调解工作统计) of a month, quarter, year or any dates, for this
committee or, at a centre, each organisation and the total; the trend charts; printing and the
PDF and Excel files. Double-click or Enter on any figure lists the cases behind it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop.documents.report import cell_text, unit_text
from mediator_desktop.services.errors import ServiceError
from mediator_desktop.services.statistics import Figure, Members, Period, Report, Trend
from mediator_desktop.ui.common.background import BackgroundTask, Reporter, message, run_task
from mediator_desktop.ui.common.widgets import (
    DateEdit,
    FlowLayout,
    button_row,
    close_on_escape,
    date_edit,
    error_label,
    file_dialog,
    on_click,
    scrolling_body,
    table_view,
)

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services

Index = QModelIndex | QPersistentModelIndex
#: Role of (figure key, organisation id or None) of a cell.
FIGURE_ROLE = Qt.ItemDataRole.UserRole
#: A column header's name is broken into lines of at most this many characters.
HEADER_LINE_CHARS = 7
#: The usual end of a committee's name: put on a line of its own.
_COMMITTEE = "人民调解委员会"


#: The font size (points) the charts' base size is drawn for: a larger window font enlarges them.
CHART_BASE_POINTS = 9.0


def chart_scale(points: float) -> float:
    """How much larger than the base the charts' fonts are drawn for a window font of ``points``
    (the chart grows with them, so the larger text still fits); never below 1, at most 3."""
    return min(3.0, max(1.0, points / CHART_BASE_POINTS)) if points > 0 else 1.0


def wrapped_name(name: str, width: int = HEADER_LINE_CHARS) -> str:
    """An organisation's full name in a narrow column header: “龙门街道人民调解委员会” →
    “龙门街道⏎人民调解委员会”; any other long name in lines of ``width`` characters."""
    head, tail = (name[:-len(_COMMITTEE)], _COMMITTEE) if name.endswith(_COMMITTEE) and name != _COMMITTEE \
        else (name, "")
    lines = [head[i:i + width] for i in range(0, len(head), width)] + ([tail] if tail else [])
    return "\n".join(lines)
SECTION_BACKGROUND = QColor("#eef1f5")
PERIOD_KINDS = (("month", "月报"), ("quarter", "季报"), ("year", "年报"), ("custom", "自定义"))
CHART_KEYS = ("by_month", "rate", "types", "visits")


class ReportModel(QAbstractTableModel):
    """项目 | one column per organisation (and 合计) | 单位; a row per figure, a heading row per
    section. ``FIGURE_ROLE`` gives (key, organisation) of a cell: the cases behind it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report: Report | None = None
        self.rows: list[tuple[str, Figure | None]] = []

    def set_report(self, report: Report | None) -> None:
        self.beginResetModel()
        self.report = report
        self.rows = []
        if report is not None:
            section = None
            for f in report.figures:
                if f.section != section:
                    section = f.section
                    self.rows.append((section, None))
                self.rows.append((f.label, f))
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.report is None else len(self.report.scopes) + 2

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or self.report is None:
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if section == 0:
            return "项目"
        if section == self.columnCount() - 1:
            return "单位"
        name = self.report.scopes[section - 1].name
        # The full name (a short name such as “龙门” says too little on a report), wrapped so the
        # column stays narrow; the tooltip has it on one line.
        return wrapped_name(name) if role == Qt.ItemDataRole.DisplayRole else name

    def scope_of(self, column: int) -> int | None:
        """The organisation of a value column; the total column (and 项目, 单位) → the total."""
        assert self.report is not None
        if 1 <= column <= len(self.report.scopes):
            return self.report.scopes[column - 1].id
        return self.report.total_scope

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.report is None:
            return None
        label, figure = self.rows[index.row()]
        col, last = index.column(), self.columnCount() - 1
        if figure is None:
            if role == Qt.ItemDataRole.DisplayRole and col == 0:
                return label
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(SECTION_BACKGROUND)
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return "\u3000" * figure.level + figure.label
            if col == last:
                return unit_text(figure)
            return cell_text(figure, figure.value(self.scope_of(col)))
        if role == Qt.ItemDataRole.TextAlignmentRole and 0 < col < last:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and figure.level == 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{figure.label}（{figure.key}）：双击或按回车键查看明细"
        if role == FIGURE_ROLE:
            return figure.key, self.scope_of(col)
        return None


class ReportsWindow(QWidget):
    """The 统计报表 window (a top-level window beside the main window)."""

    open_case = Signal(int)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setWindowTitle("统计报表")
        self.report: Report | None = None
        self.trend: Trend | None = None
        self.charts: dict[str, bytes] = {}
        self.file_dialog: QFileDialog | None = None
        self.details: list[QWidget] = []
        today = services.today()
        lay = QVBoxLayout(self)

        top = FlowLayout()  # wraps at a large font (自定义 shows two long date fields)
        self.kind = QComboBox()
        for key, label in PERIOD_KINDS:
            self.kind.addItem(label, key)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(today.year)
        self.year.setSuffix("年")
        self.part = QComboBox()
        self.start: DateEdit = date_edit(date(today.year, today.month, 1))
        self.end: DateEdit = date_edit(today)
        self.scope = QComboBox()
        self.scope.addItem("全部", None)
        for org in services.statistics.organizations():
            self.scope.addItem(org.name, org.id)
        self.scope.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.scope.setMinimumContentsLength(6)
        self.scope.setVisible(self.scope.count() > 2)
        self.run_button = QPushButton("统计(&G)")
        period_label = QLabel("统计期间(&Q)：")
        period_label.setBuddy(self.kind)
        self.scope_label = QLabel("范围(&O)：")
        self.scope_label.setBuddy(self.scope)
        self.scope_label.setVisible(self.scope.isVisible())
        self.to_label = QLabel("至")
        for w in (period_label, self.kind, self.year, self.part, self.start, self.to_label, self.end,
                  self.scope_label, self.scope, self.run_button):
            top.addWidget(w)
        lay.addLayout(top)
        self.message = error_label()
        lay.addWidget(self.message)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        lay.addWidget(self.heading)

        self.tabs = QTabWidget()
        self.model = ReportModel(self)
        self.table = table_view(self.model, 200, name="reportTable")
        self.table.setSelectionBehavior(self.table.SelectionBehavior.SelectItems)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.tabs.addTab(self.table, "统计表(&1)")
        charts = QWidget()
        grid = QGridLayout(charts)
        self.chart_labels: dict[str, QLabel] = {}
        for i, key in enumerate(CHART_KEYS):
            label = QLabel()
            label.setObjectName(f"chart_{key}")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(label, i // 2, i % 2)
            self.chart_labels[key] = label
        self.tabs.addTab(scrolling_body(charts), "走势图(&2)")
        lay.addWidget(self.tabs, 1)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        lay.addWidget(self.notes)

        self.print_button = QPushButton("打印(&P)…")
        self.pdf_button = QPushButton("导出PDF(&D)…")
        self.xlsx_button = QPushButton("导出Excel(&X)…")
        self.details_button = QPushButton("查看明细(&M)")
        self.close_button = QPushButton("关闭")
        button_row(lay, [self.details_button], [self.print_button, self.pdf_button, self.xlsx_button,
                                                self.close_button])
        close_on_escape(self)
        self._connect()
        self._period_kind_changed()

    def _connect(self) -> None:
        on_click({self.run_button: self.compute, self.print_button: self.print_report,
                  self.pdf_button: lambda: self.ask_save("pdf"), self.xlsx_button: lambda: self.ask_save("xlsx"),
                  self.details_button: self.show_details, self.close_button: self.close})
        self.kind.currentIndexChanged.connect(self._period_kind_changed)
        self.table.activated.connect(self.show_details)

    # -- the period ----------------------------------------------------------------------------

    def _period_kind_changed(self) -> None:
        kind = self.kind.currentData()
        today = self.services.today()
        self.part.clear()
        if kind == "month":
            for m in range(1, 13):
                self.part.addItem(f"{m}月", m)
            self.part.setCurrentIndex(today.month - 1)
        elif kind == "quarter":
            for q, name in enumerate("一二三四", start=1):
                self.part.addItem(f"第{name}季度", q)
            self.part.setCurrentIndex((today.month - 1) // 3)
        custom = kind == "custom"
        self.year.setVisible(not custom)
        self.part.setVisible(kind in ("month", "quarter"))
        for w in (self.start, self.to_label, self.end):
            w.setVisible(custom)

    def set_period(self, kind: str, year: int | None = None, part: int | None = None,
                   start: date | None = None, end: date | None = None) -> None:
        """Choose a period as the user would (tests, the menu)."""
        from mediator_desktop.ui.common.widgets import qdate

        self.kind.setCurrentIndex(next(i for i, (k, _) in enumerate(PERIOD_KINDS) if k == kind))
        if year is not None:
            self.year.setValue(year)
        if part is not None:
            self.part.setCurrentIndex(self.part.findData(part))
        if start is not None:
            self.start.setDate(qdate(start))
        if end is not None:
            self.end.setDate(qdate(end))

    def period(self) -> Period:
        kind, year = self.kind.currentData(), self.year.value()
        if kind == "month":
            return Period.month(year, int(self.part.currentData()))
        if kind == "quarter":
            return Period.quarter(year, int(self.part.currentData()))
        if kind == "year":
            return Period.year(year)
        return Period.between(self.start.date().toPython(), self.end.date().toPython())  # type: ignore[arg-type]

    def organizations(self) -> list[int] | None:
        org = self.scope.currentData()
        return None if org is None else [int(org)]

    # -- computing -----------------------------------------------------------------------------

    def compute(self) -> BackgroundTask | None:
        """Count the figures and draw the charts in the background (a year of a busy centre takes
        a few seconds), then show them."""
        try:
            period = self.period()
        except ServiceError as exc:
            self.message.setText(str(exc))
            self.message.show()
            return None
        self.message.hide()
        orgs = self.organizations()
        stats = self.services.statistics
        width = 5.6
        scale = chart_scale(self.font().pointSizeF())

        def work(reporter: Reporter) -> tuple[Report, Trend, dict[str, bytes]]:
            reporter.progress(0, 3)
            report = stats.report(period, orgs)
            reporter.progress(1, 3)
            trend = stats.trend(period, orgs)
            reporter.progress(2, 3)
            charts = {key: stats.chart(trend, key, width=width * scale, height=3.2 * scale, dpi=96,
                                     scale=scale) for key in CHART_KEYS}
            return report, trend, charts

        return run_task(self, work, title="统计", text="正在统计……", on_done=self._show, cancellable=False)

    def _show(self, result: tuple[Report, Trend, dict[str, bytes]]) -> None:
        self.report, self.trend, self.charts = result
        self.model.set_report(self.report)
        self.heading.setText(f"{self.report.committee}　人民调解工作统计　{self.report.period.text}")
        self.notes.setText("\n".join("注：" + n for n in self.report.notes))
        self.notes.setVisible(bool(self.report.notes))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, self.model.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        for key, png in self.charts.items():
            pixmap = QPixmap()
            pixmap.loadFromData(png, "PNG")
            self.chart_labels[key].setPixmap(pixmap)
        first = self.model.index(1, max(1, self.model.columnCount() - 2))
        self.table.setCurrentIndex(first)

    # -- details -------------------------------------------------------------------------------

    def show_details(self, index: Index | None = None) -> QWidget | None:
        """The cases behind the figure of the current cell (its column's organisation)."""
        from mediator_desktop.ui.reports.case_list import CaseListDialog

        index = index if index is not None else self.table.currentIndex()
        if self.report is None or not index.isValid():
            return None
        target = index.data(FIGURE_ROLE)
        if not target:
            return None
        key, org = target
        figure = self.report.figure(key)
        # (One column is the whole count: its cases are asked for without narrowing to it.)
        narrow = org if len(self.report.scopes) > 1 else None
        members: Members = self.services.statistics.members(key, self.report.period, narrow, self.organizations())
        scope = next((sc.name for sc in self.report.scopes if sc.id == org), "")
        value = cell_text(figure, figure.value(org))
        title = f"{figure.label}：{value}{figure.unit if figure.unit != '%' else ''}　{scope}　{self.report.period.text}"
        dialog = CaseListDialog(self.services, title, members, self)
        dialog.open_case.connect(self.open_case)
        dialog.finished.connect(lambda _r: self.details.remove(dialog) if dialog in self.details else None)
        self.details.append(dialog)
        dialog.open()
        return dialog

    # -- files and printing --------------------------------------------------------------------

    def _file_stem(self) -> str:
        assert self.report is not None
        return f"人民调解工作统计表（{self.report.period.text}）"

    def ask_save(self, fmt: str) -> QFileDialog | None:
        if self.report is None:
            return None
        what = "Excel 文件 (*.xlsx)" if fmt == "xlsx" else "PDF 文件 (*.pdf)"
        self.file_dialog = file_dialog(self, "导出统计表", Path.home() / f"{self._file_stem()}.{fmt}", what,
                                       lambda path: self.save(path, fmt), save=True, suffix=fmt)
        return self.file_dialog

    def save(self, path: str, fmt: str) -> BackgroundTask | None:
        if self.report is None:
            return None
        report, trend, orgs = self.report, self.trend, self.organizations()
        stats = self.services.statistics

        def work(_reporter: Reporter) -> Path:
            make = stats.xlsx if fmt == "xlsx" else stats.pdf
            return stats.save(path, make(report.period, orgs, report=report, trend=trend))

        def done(saved: Path) -> None:
            message(self, QMessageBox.Icon.Information, "导出完成", f"统计表已导出到\n{saved}")

        return run_task(self, work, title="导出", text="正在生成统计表文件……", on_done=done, cancellable=False)

    def print_report(self) -> BackgroundTask | None:
        """Render the PDF, show it, print it through the documents' print path."""
        if self.report is None:
            return None
        report, trend, orgs = self.report, self.trend, self.organizations()
        stats = self.services.statistics

        def done(data: bytes) -> None:
            from mediator_desktop.ui.reports.print_preview import ReportPrintPreview

            self.preview = ReportPrintPreview(self._file_stem(), data, self)
            self.preview.open()

        return run_task(self, lambda _r: stats.pdf(report.period, orgs, report=report, trend=trend),
                        title="打印", text="正在生成统计表……", on_done=done, cancellable=False)
