"""The main window's 文件 → 导出台账… and 导入台账… (kept here, apart from ``main_window.py``):
the period, then the file, then the export in the background; the file, then reading it in the
background, then the mapping dialog (``import_dialog.py``), which imports in the background."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from mediator_desktop.ui.common.background import BackgroundTask, Reporter, busy, counted, file_error_text, message, run_task
from mediator_desktop.ui.common.widgets import file_dialog, make_action

if TYPE_CHECKING:   # the dialogs load when first opened, not before the window paints
    from mediator_desktop.ui.ledger.export_dialog import LedgerPeriodDialog
    from mediator_desktop.ui.ledger.import_dialog import LedgerImportDialog

XLSX_FILTER = "Excel 文件 (*.xlsx)"


class LedgerActions(QObject):
    """The two actions of a main window ``window`` (with ``services``, ``refresh`` and
    ``refresh_reminders``)."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window: Any = window
        self.services = self.window.services
        self.export_action: QAction = make_action(window, "导出台账…", self.export_ledger,
                                                  tip="把一段时间内受理的纠纷导出为“矛盾纠纷排查化解台账”（Excel）")
        self.import_action: QAction = make_action(
            window, "导入台账…", self.import_ledger,
            tip="把本单位原来用 Excel 记的台账导入（每行一件案件，全部导入或全不导入）")
        self.period_dialog: LedgerPeriodDialog | None = None
        self.file_dialog: QFileDialog | None = None
        self.import_dialog: LedgerImportDialog | None = None

    def actions(self) -> list[QAction]:
        return [self.export_action, self.import_action]

    # -- export -----------------------------------------------------------------------------

    def export_ledger(self) -> LedgerPeriodDialog:
        from mediator_desktop.ui.ledger.export_dialog import LedgerPeriodDialog

        dialog = LedgerPeriodDialog(self.services.today(), self.window)
        dialog.chosen.connect(self._choose_file)
        dialog.open()
        self.period_dialog = dialog
        return dialog

    def _choose_file(self, start: date, end: date, full_ids: bool) -> None:
        name = f"矛盾纠纷排查化解台账{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
        self.file_dialog = file_dialog(self.window, "保存台账", Path.home() / name, XLSX_FILTER,
                                       lambda path: self.export_to(path, start, end, full_ids), save=True, suffix="xlsx")

    def export_to(self, path: str, start: date, end: date, full_ids: bool = False) -> BackgroundTask | None:
        if busy(self.window):
            self.window.statusBar().showMessage("上一项操作还没有完成，请等它完成后再试。", 5000)
            return None
        ledger = self.services.ledger

        def work(reporter: Reporter) -> int:
            return ledger.export_xlsx(path, start, end, full_ids=full_ids, progress=reporter.progress,
                                      cancelled=reporter.cancelled)

        def failed(exc: Exception) -> None:
            reason = file_error_text(exc) if isinstance(exc, OSError) else str(exc)
            message(self.window, QMessageBox.Icon.Warning, "导出台账失败", f"无法导出台账：{reason}")

        return run_task(self.window, work, title="导出台账", text="正在读取案件……",
                        describe=counted("正在读取案件……", "正在写第{n}行，共{total}行……", "正在保存文件……"),
                        on_done=lambda n: message(self.window, QMessageBox.Icon.Information, "导出台账完成",
                                                  f"已导出{n}件纠纷到\n{path}"),
                        on_failed=failed,
                        on_cancelled=lambda: message(self.window, QMessageBox.Icon.Information, "导出台账已取消",
                                                     "已取消，没有写出文件。"))

    # -- import -----------------------------------------------------------------------------

    def import_ledger(self) -> QFileDialog:
        self.file_dialog = file_dialog(self.window, "选择要导入的台账", Path.home(), XLSX_FILTER, self.read_file)
        return self.file_dialog

    def read_file(self, path: str) -> BackgroundTask | None:
        if busy(self.window):
            self.window.statusBar().showMessage("上一项操作还没有完成，请等它完成后再试。", 5000)
            return None
        ledger = self.services.ledger
        return run_task(self.window, lambda _r: ledger.read_sheet(path), title="读取台账", text="正在读取台账……",
                        on_done=self.show_mapping, cancellable=False)

    def show_mapping(self, sheet: Any) -> LedgerImportDialog:
        from mediator_desktop.ui.ledger.import_dialog import LedgerImportDialog

        dialog = LedgerImportDialog(self.services, sheet, self.window)
        dialog.imported.connect(self._imported)
        dialog.open()
        self.import_dialog = dialog
        return dialog

    def _imported(self, result: Any) -> None:
        self.window.refresh()
        self.window.refresh_reminders(views=True)
        message(self.window, QMessageBox.Icon.Information, "导入台账完成", "\n".join([result.text, *result.report_lines()]))
