"""Documents of a case (文书): choose one, see it as it will print, print it, save it.

The dialog only shows and asks: the document is built and rendered by
``services.documents``; the preview is the very PDF that is printed and saved.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize, Qt
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop.documents.style import DocumentStyle
from mediator_desktop.services.documents import RenderedDocument
from mediator_desktop.services.errors import ServiceError
from mediator_desktop.ui.common.background import file_error_text, run_task, running_tasks, stop_tasks
from mediator_desktop.ui.common.widgets import WARNING_STYLE, PreserveGeometry, error_label, notice_label, on_click

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services

#: Documents rendered in a worker thread with a progress dialog (the others take well under a
#: tenth of a second and are rendered at once).
BACKGROUND_KINDS = frozenset({"case-file"})


def casefile_progress_text(done: int, total: int) -> str:
    if total <= 0:
        return "正在读取案件和附件……"
    if done >= total - 1:
        return "正在装订、编页号……"
    return f"正在生成第{done + 1}项材料，共{total - 1}项……"


#: Print resolution of the page images sent to the printer (dots per inch).
PRINT_DPI = 300


def pdf_view(parent: QWidget) -> tuple[QPdfDocument, QPdfView]:
    """A PDF and the view that shows it: every page one under the other, as wide as the view."""
    pdf = QPdfDocument(parent)
    view = QPdfView(parent)
    view.setPageMode(QPdfView.PageMode.MultiPage)
    view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
    view.setDocument(pdf)
    return pdf, view


class DocumentDialog(PreserveGeometry):
    """Preview, print and save the documents of one case."""

    def __init__(self, services: Services, style: DocumentStyle, code: str,
                 parent: QWidget | None = None, kind: str = "agreement") -> None:
        super().__init__(parent)
        self.services, self.style, self.code = services, style, code
        self.rendered: RenderedDocument | None = None
        self._rendered_court = ""
        self.setWindowTitle(f"文书 — {code}")
        lay = QVBoxLayout(self)

        top = QHBoxLayout()
        top.addWidget(QLabel("文书(&D)："))
        self.kind = QComboBox()
        for key, title in services.documents.kinds().items():
            self.kind.addItem(title, key)
        top.itemAt(0).widget().setBuddy(self.kind)  # type: ignore[union-attr]
        top.addWidget(self.kind, 1)
        self.court_label = QLabel("受理法院(&C)：")
        self.court = QComboBox()
        self.court.setEditable(True)
        self.court.lineEdit().setPlaceholderText("选择或填写人民法院")
        self.court_label.setBuddy(self.court)
        top.addWidget(self.court_label)
        top.addWidget(self.court, 1)
        for combo in (self.kind, self.court):  # long titles must not widen the dialog past the screen
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        lay.addLayout(top)

        self.message = error_label()
        lay.addWidget(self.message)
        self.advice = notice_label(WARNING_STYLE)
        lay.addWidget(self.advice)
        # A judicial-confirmation application whose 30-day window has closed: red, naming the
        # last day and what the parties can still do (it can still be printed for the record).
        self.lapsed = error_label()
        lay.addWidget(self.lapsed)

        self.pdf, self.view = pdf_view(self)
        lay.addWidget(self.view, 1)
        self._buffer: QBuffer | None = None

        buttons = QHBoxLayout()
        self.info = QLabel()
        self.info.setWordWrap(True)
        buttons.addWidget(self.info, 1)
        self.print_button = QPushButton("打印(&P)…")
        self.save_pdf_button = QPushButton("另存为 PDF(&S)…")
        self.save_docx_button = QPushButton("另存为 Word(&W)…")
        close = QPushButton("关闭")
        for b in (self.print_button, self.save_pdf_button, self.save_docx_button, close):
            buttons.addWidget(b)
        lay.addLayout(buttons)

        close.clicked.connect(self.reject)
        self._connect()
        index = self.kind.findData(kind)
        self.kind.setCurrentIndex(max(index, 0))
        self.refresh()
        self.keep_geometry("documents", (900, 1000))

    def _connect(self) -> None:
        on_click({self.print_button: self.ask_print, self.save_pdf_button: lambda: self.ask_save("pdf"),
                  self.save_docx_button: lambda: self.ask_save("docx")})
        self.kind.currentIndexChanged.connect(self.refresh)
        self.court.lineEdit().editingFinished.connect(self.refresh)
        self.court.activated.connect(self.refresh)

    # -- preview ------------------------------------------------------------------------------

    def current_kind(self) -> str:
        return str(self.kind.currentData())

    def refresh(self) -> None:
        """Render the chosen document and show it; a problem is shown in Chinese instead."""
        is_confirmation = self.current_kind() == "judicial-confirmation"
        self.court_label.setVisible(is_confirmation)
        self.court.setVisible(is_confirmation)
        self.advice.setVisible(is_confirmation)
        if not is_confirmation:
            self.lapsed.hide()
        if is_confirmation:
            self._advise()
        self.rendered = None
        if self.current_kind() in BACKGROUND_KINDS:
            self._render_in_background(self.current_kind(), self.court.currentText())
            return
        try:
            rendered = self.services.documents.render(self.code, self.current_kind(), "pdf", self.style,
                                                      court=self.court.currentText())
        except ServiceError as exc:
            self._show_problem(str(exc))
        else:
            self._show(rendered, self.court.currentText())

    def _render_in_background(self, kind: str, court: str) -> None:
        """The whole case file (dozens of pages, scans included) is rendered in a worker
        thread with a progress dialog; the preview shows it when it is ready."""
        self._show_problem("")
        self.info.setText("正在生成……")
        for task in running_tasks(self):
            task.cancel()               # an earlier rendering is no longer wanted
        documents, code, style = self.services.documents, self.code, self.style

        def done(rendered: RenderedDocument) -> None:
            if self.current_kind() == kind and self.rendered is None:
                self._show(rendered, court)

        def failed(exc: Exception) -> None:
            if self.current_kind() == kind:
                self._show_problem(file_error_text(exc) if isinstance(exc, OSError) else str(exc))

        def cancelled() -> None:
            if self.current_kind() == kind and self.rendered is None:
                self._show_problem("已取消生成。要再生成，请重新选择这份文书。")

        self.render_task = run_task(
            self, lambda r: documents.render(code, kind, "pdf", style, court=court, progress=r.progress,
                                             cancelled=r.cancelled),
            title=f"生成{self.kind.currentText()}", text="正在准备材料……", describe=casefile_progress_text,
            on_done=done, on_failed=failed, on_cancelled=cancelled)

    def _show(self, rendered: RenderedDocument, court: str) -> None:
        self.rendered = rendered
        self._rendered_court = court
        self.message.hide()
        self._load(rendered.data)
        copies = rendered.document.copies
        self.info.setText(f"共{self.pdf.pageCount()}页" + (f"，打印{copies}份" if copies > 1 else ""))
        self._enable_output()

    def _show_problem(self, text: str) -> None:
        """Nothing to show: the reason in Chinese (or, with no text, a blank preview)."""
        self.rendered = None
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.pdf.close()
        self.info.clear()
        self._enable_output()

    def _enable_output(self) -> None:
        for b in (self.print_button, self.save_pdf_button, self.save_docx_button):
            b.setEnabled(self.rendered is not None)

    def done(self, result: int) -> None:  # type: ignore[override]
        stop_tasks(self)                # a rendering still running ends with the dialog
        super().done(result)

    def _advise(self) -> None:
        """Court proposals (once), the deadline and subjects a court refuses (LEGAL.md §5)."""
        try:
            advice = self.services.documents.confirmation_advice(self.code)
        except ServiceError as exc:
            self.advice.setText(str(exc))
            self.lapsed.hide()
            return
        self.lapsed.setText(advice.lapsed)
        self.lapsed.setVisible(bool(advice.lapsed))
        if self.court.count() == 0:
            for p in advice.proposals:
                if p.court:
                    self.court.addItem(p.court)
                    self.court.setItemData(self.court.count() - 1, p.reason, Qt.ItemDataRole.ToolTipRole)
            self.court.setEditText(self.court.itemText(0) if self.court.count() else "")
        lines = advice.lines() + [f"可向{p.reason}申请。" for p in advice.proposals if not p.court]
        self.advice.setText("\n".join(lines))
        self.advice.setVisible(bool(lines))

    def _load(self, data: bytes) -> None:
        self.pdf.close()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.pdf.load(buffer)
        if self._buffer is not None:
            self._buffer.deleteLater()
        self._buffer = buffer

    # -- print --------------------------------------------------------------------------------

    def new_printer(self) -> QPrinter:
        """A printer set to A4 portrait and to the document's number of copies (the agreement:
        one per party and one for the file). On a PC without a printer it prints to a PDF file
        named after the document in the home folder."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setResolution(PRINT_DPI)
        printer.setFullPage(True)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setPageOrientation(QPageLayout.Orientation.Portrait)
        if self.rendered is not None:
            printer.setCopyCount(self.rendered.document.copies)
            if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:  # no printer installed
                stem = self.rendered.document.file_stem or self.rendered.document.title
                printer.setOutputFileName(str(Path.home() / Path(stem).with_suffix(".pdf").name))
        return printer

    def _up_to_date(self) -> None:
        """Render again when the court was typed but not yet confirmed: what is printed or
        saved is always what the dialog shows."""
        if self.court.isVisible() and self.court.currentText() != self._rendered_court:
            self.refresh()

    def ask_print(self) -> int:
        """打印: the print dialog (printer, copies, pages; 打印到文件 (PDF) when there is no
        printer), then print what the dialog shows. Returns the pages sent (0: cancelled or
        failed, the reason shown in red)."""
        self._up_to_date()
        if self.rendered is None:
            return 0
        printer = self.new_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"打印 — {self.rendered.document.title}")
        dialog.setMinMax(1, max(self.pdf.pageCount(), 1))
        self.print_dialog = dialog
        try:
            # exec(): PySide6 has no argument-less QPrintDialog.open() (only open(receiver, slot)).
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return 0
        finally:
            self.print_dialog = None
            dialog.deleteLater()
        return self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        """Print the pages the printer asks for (all, or its page range), as many copies as it
        is set to; returns pages sent.

        A printer that cannot make copies itself (a PDF file) gets the pages repeated."""
        if self.rendered is None or self.pdf.pageCount() == 0:
            return 0
        copies = max(printer.copyCount(), 1)
        repeat = 1 if printer.supportsMultipleCopies() else copies
        pages = range(self.pdf.pageCount())
        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
            pages = range(printer.fromPage() - 1, min(printer.toPage() or printer.fromPage(), len(pages)))
        painter = QPainter()
        if not painter.begin(printer):
            if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
                self.message.setText(f"无法打印到文件“{printer.outputFileName()}”，"
                                     "请换一个文件夹或文件名再试。")
            else:
                self.message.setText(f"无法使用打印机“{printer.printerName()}”，"
                                     "请检查打印机是否开机、是否连好，或选另一台打印机再试。")
            self.message.show()
            return 0
        sent = 0
        total = len(pages) * repeat
        # Each page is drawn as a 300 dpi image: a long case file takes a while, so say how far
        # it got (the dialog's event processing keeps the window painted) and allow a stop.
        progress = QProgressDialog("正在打印…", "停止打印", 0, total, self)
        progress.setWindowTitle("打印")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(500)
        stopped = False
        try:
            for _ in range(repeat):
                for page in pages:
                    progress.setValue(sent)
                    progress.setLabelText(f"正在打印第{sent + 1}页，共{total}页…")
                    if progress.wasCanceled():
                        stopped = printer.abort() or True
                        break
                    if sent:
                        printer.newPage()
                    target = QRectF(painter.viewport())
                    points = self.pdf.pagePointSize(page)
                    scale = min(target.width() / points.width(), target.height() / points.height())
                    size = QSize(round(points.width() * scale), round(points.height() * scale))
                    image = self.pdf.render(page, size)
                    painter.drawImage(QRectF(0, 0, size.width(), size.height()), image)
                    sent += 1
                if stopped:
                    break
        finally:
            progress.reset()
            progress.deleteLater()
            if painter.isActive():
                painter.end()
        if stopped:
            self.info.setText(f"已停止打印（已送出{sent}页）")
            return sent
        self.message.hide()
        where = (f"已打印到文件：{printer.outputFileName()}" if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat
                 else f"已送到打印机“{printer.printerName()}”")
        self.info.setText(f"{where}（{len(pages)}页 × {copies}份）")
        return sent

    # -- save ---------------------------------------------------------------------------------

    def ask_save(self, fmt: str) -> QFileDialog | None:
        if self.rendered is None:
            return None
        name = Path(self.rendered.document.file_stem or self.rendered.document.title).with_suffix(f".{fmt}").name
        dialog = QFileDialog(self, "另存为", str(Path.home() / name),
                             "PDF 文件 (*.pdf)" if fmt == "pdf" else "Word 文件 (*.docx)")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(fmt)
        dialog.fileSelected.connect(lambda path: self.save(Path(path), fmt))
        dialog.open()
        self.save_dialog = dialog
        return dialog

    def save(self, path: Path, fmt: str) -> bool:
        """Write the current document as ``fmt`` to ``path``; a problem is shown, not raised."""
        self._up_to_date()
        try:
            rendered = self.rendered if fmt == "pdf" and self.rendered is not None else \
                self.services.documents.render(self.code, self.current_kind(), fmt, self.style,
                                               court=self.court.currentText())
            path.write_bytes(rendered.data)
        except ServiceError as exc:
            self.message.say(str(exc))
            return False
        except OSError as exc:
            self.message.say(f"无法保存到“{path}”：{exc.strerror or exc}")
            return False
        self.message.hide()
        self.info.setText(f"已保存：{path}")
        return True

