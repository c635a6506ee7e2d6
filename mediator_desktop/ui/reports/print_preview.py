"""The report's PDF shown before it is printed, printed through the documents' own print path
(``DocumentDialog``'s printer set-up, print dialog and page loop: A4, copies, page range, 打印到
文件 when there is no printer)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from mediator_desktop.ui.common.widgets import PreserveGeometry, button_row, error_label, on_click
from mediator_desktop.ui.documents.document_dialog import DocumentDialog, pdf_view


@dataclass(frozen=True)
class _Printed:
    """What the borrowed print path reads of a rendered document."""

    title: str
    file_stem: str
    copies: int = 1


@dataclass(frozen=True)
class _Rendered:
    document: _Printed
    data: bytes


class ReportPrintPreview(PreserveGeometry):
    """预览并打印 the statistics report."""

    # The documents' print path, as it is (it reads self.rendered, self.pdf, self.message, self.info).
    new_printer = DocumentDialog.new_printer
    ask_print = DocumentDialog.ask_print
    print_to = DocumentDialog.print_to

    def __init__(self, title: str, data: bytes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"打印 — {title}")
        self.rendered = _Rendered(_Printed(title, title), data)
        self.print_dialog = None
        lay = QVBoxLayout(self)
        self.message = error_label()
        lay.addWidget(self.message)
        self.pdf, self.view = pdf_view(self)
        lay.addWidget(self.view, 1)
        self.info = QLabel()
        self.info.setWordWrap(True)
        lay.addWidget(self.info)
        self.print_button = QPushButton("打印(&P)…")
        close = QPushButton("关闭")
        button_row(lay, [self.print_button], [close])
        close.clicked.connect(self.reject)
        self._connect()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._buffer = buffer
        self.pdf.load(buffer)
        self.keep_geometry("reportPrint", (800, 700))

    def _connect(self) -> None:
        on_click({self.print_button: self.ask_print})

    def _up_to_date(self) -> None:
        """(The report is rendered once: always up to date.)"""
