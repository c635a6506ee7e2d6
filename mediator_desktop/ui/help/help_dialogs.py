"""The user guide (one page per task, read offline) and 关于 (version, database, folders,
licences). Their content comes from :mod:`mediator_desktop.support`."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QListWidget,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop import __version__, paths
from mediator_desktop.support import guide_pages, licences
from mediator_desktop.ui.common.widgets import PreserveGeometry, read_only_table, text_label


class GuideDialog(PreserveGeometry):
    """使用说明: the tasks on the left (受理登记 … 备份), the chosen page with its pictures on
    the right. Up/Down in the list turn the pages; Tab goes on to the page to scroll it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("使用说明")
        self.pages = guide_pages()
        lay = QVBoxLayout(self)
        self.splitter = QSplitter()
        self.splitter.setObjectName("guide")
        self.contents = QListWidget()
        self.contents.addItems([p.title for p in self.pages])
        self.page = QTextBrowser()
        self.page.setOpenExternalLinks(False)
        self.splitter.addWidget(self.contents)
        self.splitter.addWidget(self.page)
        self.splitter.setStretchFactor(1, 1)
        self.contents.setSpacing(4)
        narrow = self.fontMetrics().horizontalAdvance("司法确认") * 2
        self.splitter.setSizes([narrow, narrow * 6])
        lay.addWidget(self.splitter, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self._connect()
        self.contents.setCurrentRow(0)
        self.keep_geometry("guide", (1100, 700))

    def _connect(self) -> None:
        self.contents.currentRowChanged.connect(self.show_page)

    def show_page(self, row: int) -> None:
        if 0 <= row < len(self.pages):
            self.page.setSource(QUrl.fromLocalFile(str(self.pages[row].path)),
                                QTextDocument.ResourceType.MarkdownResource)

    def page_text(self) -> str:
        return self.page.toPlainText()


class AboutDialog(PreserveGeometry):
    """关于调解工作台: the version, the database in use, the data and backup folders, and the
    licences of the shipped fonts and libraries."""

    def __init__(self, database: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("关于调解工作台")
        lay = QVBoxLayout(self)
        lay.addWidget(text_label(f"调解工作台 {__version__}", bold=True, scale=1.3))
        lay.addWidget(text_label("为人民调解委员会和个人品牌调解室编写，离线使用。"))
        self.facts = text_label(f"数据库：{database}\n数据文件夹：{paths.data_dir()}\n"
                                f"备份文件夹：{paths.backups_dir()}\n日志：{paths.log_file()}")
        lay.addWidget(self.facts)
        lay.addWidget(text_label("随软件提供的字体和程序库及其许可：", bold=True))
        rows = licences()
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(["名称", "版本", "许可"])
        for r, licence in enumerate(rows):
            for c, value in enumerate((licence.name, licence.version, licence.licence)):
                self.table.setItem(r, c, QTableWidgetItem(value))
        read_only_table(self.table, 160)
        self.table.resizeColumnsToContents()
        lay.addWidget(self.table, 1)
        lay.addWidget(text_label("字体的许可全文在程序文件夹的 resources/fonts 中。"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.keep_geometry("about", (820, 600))
