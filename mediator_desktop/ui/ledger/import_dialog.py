"""文件 → 导入台账…: the sheet as read (its first rows), the column of each ledger field as
proposed from the header names — the user corrects it in the combo boxes —, then 检查 (nothing
written) or 导入 (all rows or none) in the background; problems are listed by row and column
here, the dialog staying open with the mapping as chosen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop.domain.identity import mask_text
from mediator_desktop.services.ledger_import import FIELDS, REQUIRED, LedgerImportError, LedgerSheet
from mediator_desktop.ui.common.background import BackgroundTask, Reporter, busy, counted, run_task
from mediator_desktop.ui.common.widgets import (
    ERROR_STYLE,
    PreserveGeometry,
    RowTableModel,
    button_row,
    height_in_lines,
    push_button,
    scrolling_body,
    table_view,
    text_label,
)

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services

#: How many of the sheet's rows the preview shows.
PREVIEW_ROWS = 8


class SheetModel(RowTableModel):
    """The first rows of the sheet, with their Excel row numbers."""

    def __init__(self, sheet: LedgerSheet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.HEADERS = ("行", *(sheet.column_name(i) for i in range(len(sheet.headers))))
        self.set_rows(sheet.rows[:PREVIEW_ROWS])

    def cell(self, row: Any, column: int, role: int) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        number, values = row
        if column == 0:
            return str(number)
        value = values[column - 1] if column - 1 < len(values) else None
        if value is None:
            return ""
        if hasattr(value, "strftime"):
            return value.strftime("%Y-%m-%d")
        return mask_text(str(value))     # a list: ID numbers and phones masked (LEGAL.md §2)


class LedgerImportDialog(PreserveGeometry):
    """The mapping and the import; ``imported(result)`` after a successful import."""

    imported = Signal(object)

    def __init__(self, services: Services, sheet: LedgerSheet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.sheet = services, sheet
        self.task: BackgroundTask | None = None
        self.setWindowTitle("导入台账")
        lay = QVBoxLayout(self)
        lay.addWidget(text_label(f"{sheet.path}：表头在第{sheet.header_row}行，表头以下有{len(sheet.rows)}行数据"
                                 f"（空行已跳过）。下面是前{min(PREVIEW_ROWS, len(sheet.rows))}行。"))
        self.preview = table_view(SheetModel(sheet, self), 100, name="ledgerPreview")
        height_in_lines(self.preview, 6, kind="min")
        lay.addWidget(self.preview, 1)
        lay.addWidget(text_label("请核对每一项对应台账的哪一列（带*的必须有）；按表头名称自动对应，不对的请改：", bold=True))
        grid_box = QWidget()
        grid = QGridLayout(grid_box)
        grid.setContentsMargins(0, 0, 0, 0)
        choices = [("（无）", None)] + [(f"{sheet.column_name(i)}", i) for i in range(len(sheet.headers))]
        self.combos: dict[str, QComboBox] = {}
        for k, (key, label, _aliases) in enumerate(FIELDS):
            combo = QComboBox()
            combo.setObjectName(f"map_{key}")
            for text, index in choices:
                combo.addItem(text, index)
            combo.setCurrentIndex(combo.findData(sheet.proposed.get(key)) if sheet.proposed.get(key) is not None else 0)
            caption = QLabel(f"{label}{'*' if key in REQUIRED else ''}：")
            caption.setBuddy(combo)
            row, col = divmod(k, 3)
            grid.addWidget(caption, row, 2 * col)
            grid.addWidget(combo, row, 2 * col + 1)
            self.combos[key] = combo
        lay.addWidget(scrolling_body(grid_box))
        self.problems = QPlainTextEdit()
        self.problems.setObjectName("ledgerProblems")
        self.problems.setReadOnly(True)
        self.problems.setStyleSheet(ERROR_STYLE)
        height_in_lines(self.problems, 5)
        self.problems.hide()
        lay.addWidget(self.problems)
        self.check_button = push_button("只检查(&C)", lambda: self.start(dry_run=True), "检查每一行，不写入")
        self.import_button = push_button("导入(&I)", lambda: self.start(dry_run=False),
                                         "全部行都没有问题才导入；有一处问题就一行也不导入")
        self.close_button = push_button("关闭", self.reject)
        button_row(lay, [self.check_button], [self.import_button, self.close_button])
        self.import_button.setDefault(True)
        self.keep_geometry("ledger_import", (1100, 680))

    def mapping(self) -> dict[str, int | None]:
        return {key: combo.currentData() for key, combo in self.combos.items()}

    def start(self, *, dry_run: bool) -> BackgroundTask | None:
        if busy(self):
            return None
        ledger, sheet, mapping = self.services.ledger, self.sheet, self.mapping()
        self.problems.hide()

        def work(reporter: Reporter) -> Any:
            return ledger.import_sheet(sheet, mapping, dry_run=dry_run, progress=reporter.progress,
                                       cancelled=reporter.cancelled)

        self.task = run_task(self, work, title="检查台账" if dry_run else "导入台账", text="正在检查台账……",
                             describe=counted("正在检查台账……", "正在处理第{n}件，共{total}件……", "正在保存……"),
                             on_done=self._done, on_failed=self._failed,
                             on_cancelled=lambda: self._say(["已取消，没有导入任何数据。"], error=False))
        return self.task

    def _say(self, lines: list[str], *, error: bool = True) -> None:
        self.problems.setStyleSheet(ERROR_STYLE if error else "")
        self.problems.setPlainText("\n".join(lines))
        self.problems.show()

    def _done(self, result: Any) -> None:
        if result.dry_run:
            self._say([result.text, *result.report_lines()], error=False)
            return
        self.accept()
        self.imported.emit(result)

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, LedgerImportError):
            self._say([f"{exc.message}：", *exc.problems])
        else:
            self._say([f"无法导入：{exc}"])
