"""The case view's “证据与材料” tab: the files kept with a case (附件 — ID copies, evidence photos,
receipts, signed scans), filed under the 13 items of the case file (卷宗).

The panel only shows and asks; ``services.evidence`` stores, checks and records everything.
Every dialog is opened with ``open()``/``show()`` (never ``exec()``), so it never blocks and tests
can drive it.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6 import QtWidgets
from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    Qt,
    QUrl,
)
from PySide6.QtGui import QDesktopServices, QImage, QImageReader, QPixmap
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView

from mediator_desktop.domain.checklist import ITEM_NAMES, ITEMS
from mediator_desktop.domain.enums import CaseStatus
from mediator_desktop.services.errors import ServiceError, ValidationError
from mediator_desktop.services.evidence import DUPLICATE, MAX_TEXT, AttachmentView
from mediator_desktop.ui.case.panel_base import CasePanel
from mediator_desktop.ui.common.widgets import (
    DONE_STYLE,
    WARNING_STYLE,
    FlowLayout,
    RowTableModel,
    ask_yes_no,
    button_row,
    error_label,
    fit_to_screen,
    notice_label,
    ok_cancel,
    on_click,
    scrolling_panel,
    table_view,
)

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services

R = TypeVar("R")

HINT = (f"身份证复印件、证据照片、收条、签字后的扫描件等，都可以添加到这里，随卷宗一起保存和打印。"
        f"每个文件不超过{MAX_TEXT}。")


def item_label(item: int) -> str:
    return f"第{item}项　{ITEM_NAMES[item]}"


def fill_item_combo(combo: QtWidgets.QComboBox) -> None:
    """The 13 items of the case file, in binding order; the data is the item number."""
    combo.clear()
    for number, _name in ITEMS:
        combo.addItem(item_label(number), number)


def _safe_file_name(name: str) -> str:
    """A name every file system accepts (the stored name may come from another computer)."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip(" .") or "附件"
    return name[:150]


class AttachmentTableModel(RowTableModel):
    """The attachments of one case, grouped by case-file item (in binding order); ``rows`` are
    ``AttachmentView``s."""

    HEADERS = ("卷宗项目", "文件名称", "类型", "大小", "添加人", "添加时间", "校验码")

    def set_rows(self, rows: Iterable[AttachmentView]) -> None:
        super().set_rows(sorted(rows, key=lambda v: (v.item, v.id)))

    def cell(self, v: AttachmentView, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (item_label(v.item), v.name, v.kind_label, v.size_text, v.added_by,
                    v.added_at.strftime("%Y-%m-%d %H:%M"), v.short_hash)[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 6:
                return f"SHA-256：{v.sha256}\n（文件的“指纹”：内容改动一个字节，它就会不同）"
            if col == 1:
                return v.name + (f"\n说明：{v.description}" if v.description else "") + \
                    ("" if v.bindable else "\n这种文件不能印进卷宗，卷内目录中注明“电子文件，另存”")
            return None
        if role == Qt.ItemDataRole.UserRole:
            return v
        return None


class PreviewDialog(QtWidgets.QDialog):
    """An attachment seen inside the application: an image fitted to the window, a PDF page by
    page, anything else a sentence saying to use 打开."""

    def __init__(self, view: AttachmentView, data: bytes, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.attachment = view
        self.setWindowTitle(f"预览 — {view.name}")
        lay = QtWidgets.QVBoxLayout(self)
        title = QtWidgets.QLabel(f"{item_label(view.item)}：{view.name}（{view.size_text}）")
        title.setWordWrap(True)
        lay.addWidget(title)
        self.kind = "none"
        self.image = QImage()
        self.pdf: QPdfDocument | None = None
        self.view: QPdfView | None = None
        self.label: QtWidgets.QLabel | None = None
        self._buffer: QBuffer | None = None
        self.message = QtWidgets.QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(WARNING_STYLE)
        if view.is_pdf:
            self.pdf = QPdfDocument(self)
            self._buffer = QBuffer(self)
            self._buffer.setData(QByteArray(data))
            self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            self.pdf.load(self._buffer)
            if self.pdf.status() == QPdfDocument.Status.Ready and self.pdf.pageCount() > 0:
                self.kind = "pdf"
                self.view = QPdfView(self)
                self.view.setPageMode(QPdfView.PageMode.MultiPage)
                self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
                self.view.setDocument(self.pdf)
                lay.addWidget(self.view, 1)
                title.setText(title.text() + f"　共{self.pdf.pageCount()}页")
            else:
                self.message.setText("这份PDF无法显示（可能已损坏或设有密码），请点“打开”用电脑上的程序查看。")
        elif view.is_image or view.media_type.startswith("image/"):
            buffer = QBuffer()
            buffer.setData(QByteArray(data))
            buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            reader = QImageReader(buffer)
            reader.setAutoTransform(True)      # phone photos: upright as taken
            self.image = reader.read()
            buffer.close()
            if not self.image.isNull():
                self.kind = "image"
                self.label = QtWidgets.QLabel()
                self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
                self.scroll = QtWidgets.QScrollArea()
                self.scroll.setWidgetResizable(True)
                self.scroll.setWidget(self.label)
                lay.addWidget(self.scroll, 1)
            else:
                self.message.setText("这张图片无法在这里显示（可能是手机的特殊格式或已损坏），"
                                     "请点“打开”用电脑上的程序查看。")
        else:
            self.message.setText(f"这种文件（{view.kind_label}）不能在这里预览，请点“打开”用电脑上的程序查看。")
        if self.kind == "none":
            lay.addWidget(self.message, 1)
        close = QtWidgets.QPushButton("关闭")
        close.clicked.connect(self.reject)
        row = QtWidgets.QHBoxLayout()
        row.addStretch(1)
        row.addWidget(close)
        lay.addLayout(row)
        fit_to_screen(self, (900, 800))
        self._fit()

    def _fit(self) -> None:
        if self.kind != "image" or self.label is None:
            return
        area = self.scroll.viewport().size()
        w, h = max(area.width() - 4, 100), max(area.height() - 4, 100)
        pixmap = QPixmap.fromImage(self.image)
        # Fit the window; a small photo is enlarged (at most 3×) so that it can be read.
        w, h = min(w, pixmap.width() * 3), min(h, pixmap.height() * 3)
        if (w, h) != (pixmap.width(), pixmap.height()):
            pixmap = pixmap.scaled(w, h, Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
        self.label.setPixmap(pixmap)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()


class MoveDialog(QtWidgets.QDialog):
    """Asks under which case-file item an attachment belongs."""

    def __init__(self, view: AttachmentView, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("移到其他项")
        lay = QtWidgets.QVBoxLayout(self)
        text = QtWidgets.QLabel(f"把“{view.name}”移到卷宗的：")
        text.setWordWrap(True)
        lay.addWidget(text)
        self.item = QtWidgets.QComboBox()
        fill_item_combo(self.item)
        self.item.setCurrentIndex(max(self.item.findData(view.item), 0))
        lay.addWidget(self.item)
        buttons = ok_cancel("移动", on_ok=self.accept, on_cancel=self.reject)
        lay.addWidget(buttons)
        self.buttons = buttons
        fit_to_screen(self, (460, 160))

    def chosen(self) -> int:
        return int(self.item.currentData())


def open_with_system(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class EvidencePanel(CasePanel):
    """The attachments of one case. Emits ``changed(case_id)`` after a file is added, moved or
    deleted (the checklist and the history then refresh)."""

    WRITES = {"add_button": "edit", "item_combo": "edit", "move_button": "edit", "delete_button": "edit"}

    def __init__(self, services: Services, parent: QtWidgets.QWidget | None = None,
                 opener: Callable[[Path], bool] | None = None) -> None:
        super().__init__(services, parent)
        #: Opens a file with the computer's own program; tests replace it.
        self.opener: Callable[[Path], bool] = opener or open_with_system
        self.closed = False
        self.preview: PreviewDialog | None = None
        self.file_dialog: QtWidgets.QFileDialog | None = None
        self.save_dialog: QtWidgets.QFileDialog | None = None
        self.move_dialog: MoveDialog | None = None
        self.confirm_box: QtWidgets.QMessageBox | None = None
        self._temp: tempfile.TemporaryDirectory[str] | None = None

        lay = scrolling_panel(self)
        hint = QtWidgets.QLabel(HINT)
        hint.setWordWrap(True)
        lay.addWidget(hint)

        top = QtWidgets.QHBoxLayout()
        item_text = QtWidgets.QLabel("放入卷宗(&I)：")
        self.item_combo = QtWidgets.QComboBox()
        fill_item_combo(self.item_combo)
        self.item_combo.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.item_combo.setMinimumContentsLength(8)
        self.item_combo.setCurrentIndex(self.item_combo.findData(6))
        item_text.setBuddy(self.item_combo)
        self.add_button = QtWidgets.QPushButton("添加文件(&A)…")
        top.addWidget(item_text)
        top.addWidget(self.item_combo, 1)
        top.addWidget(self.add_button)
        lay.addLayout(top)

        self.model = AttachmentTableModel(self)
        self.table = table_view(self.model, 0)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)     # the file name stretches, not the checksum
        header.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QtWidgets.QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.table, 1)

        self.empty = QtWidgets.QLabel("这个案件还没有添加任何文件。")
        self.empty.setStyleSheet("color: #555;")
        lay.addWidget(self.empty)

        #: What was done (green) and what was refused, with the reason (red).
        self.info = notice_label(DONE_STYLE)
        lay.addWidget(self.info)
        self.message = error_label(selectable=True)
        lay.addWidget(self.message)

        buttons = FlowLayout()  # wraps at a large font
        self.open_button = QtWidgets.QPushButton("打开(&O)")
        self.preview_button = QtWidgets.QPushButton("预览(&V)")
        self.save_button = QtWidgets.QPushButton("另存为(&S)…")
        self.move_button = QtWidgets.QPushButton("移到其他项(&M)…")
        self.delete_button = QtWidgets.QPushButton("删除(&Q)")  # Alt+D is the case view's 文书
        self.open_button.setToolTip("用电脑上的程序打开这个文件")
        self.preview_button.setToolTip("在本软件中查看图片或PDF")
        self.save_button.setToolTip("把原文件复制一份保存到别处（例如U盘）")
        self.move_button.setToolTip("放错了卷宗项目时，移到正确的一项")
        button_row(lay, (self.open_button, self.preview_button, self.save_button, self.move_button),
                   (self.delete_button,), row=buttons)

        self._connect()
        self._enable()

    def _connect(self) -> None:
        on_click({self.add_button: self.ask_add, self.open_button: self.open_selected,
                  self.preview_button: self.preview_selected, self.save_button: self.ask_save_copy,
                  self.move_button: self.ask_move, self.delete_button: self.ask_delete})
        self.table.doubleClicked.connect(self.preview_selected)
        self.table.selectionModel().selectionChanged.connect(self._enable)

    # -- showing -------------------------------------------------------------------------------

    def show_case(self, case_id: int) -> None:
        self.case_id = case_id
        self._say()
        try:
            self.closed = self.services.cases.get(case_id).status == CaseStatus.CLOSED.value
        except ServiceError as exc:
            self._say(problem=str(exc))
            self.model.set_rows([])
            self._enable()
            return
        self.refresh()

    def refresh(self, select_id: int | None = None) -> None:
        if self.case_id is None:
            return
        current = self.selected()
        keep = select_id if select_id is not None else (current.id if current else None)
        try:
            self.model.set_rows(self.services.evidence.attachments(self.case_id))
        except ServiceError as exc:
            self._say(problem=str(exc))
        if keep is not None:
            self.select_id(keep)
        self._enable()

    def select_id(self, attachment_id: int) -> bool:
        for row, v in enumerate(self.model.rows):
            if v.id == attachment_id:
                self.table.selectRow(row)
                return True
        return False

    def selected(self) -> AttachmentView | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.rows[rows[0].row()] if rows[0].row() < len(self.model.rows) else None

    def choose_item(self, item: int) -> None:
        index = self.item_combo.findData(item)
        if index >= 0:
            self.item_combo.setCurrentIndex(index)

    def _enable(self) -> None:
        has = self.selected() is not None
        for b in (self.open_button, self.preview_button, self.save_button):
            b.setEnabled(has)
        for b in (self.move_button, self.delete_button):
            b.setEnabled(has and not self.closed)
            b.setToolTip("案件已归档，材料不能再移动或删除" if self.closed else "")
        writable = self.case_id is not None and not self.closed
        self.add_button.setEnabled(writable)
        self.item_combo.setEnabled(writable)
        self.add_button.setToolTip("案件已归档，不能再添加材料" if self.closed else "")
        self.empty.setVisible(self.case_id is not None and not self.model.rows)
        self.hold_back()

    def _say(self, done: str = "", problem: str = "") -> None:
        """Show what was done (green) and what went wrong (red); empty hides the line."""
        self.info.setText(done)
        self.info.setVisible(bool(done))
        self.message.setText(problem)
        self.message.setVisible(bool(problem))

    def _write(self, call: Callable[[], R]) -> R | None:
        """Run a service call on a file; a refusal is said on the red line (and gives None)."""
        try:
            return call()
        except ServiceError as exc:
            self._say(problem=str(exc))
            return None

    def _chosen_id(self, attachment_id: int | None) -> int | None:
        """The file a step works on: the one it was asked about, else the selected one."""
        if attachment_id is not None:
            return attachment_id
        v = self.selected()
        return v.id if v else None

    # -- adding --------------------------------------------------------------------------------

    def request_add(self, item: int) -> QtWidgets.QFileDialog | None:
        """Add files to ``item`` (the checklist's 添加文件 button leads here)."""
        self.choose_item(item)
        return self.ask_add()

    def ask_add(self) -> QtWidgets.QFileDialog | None:
        if self.case_id is None or self.closed:
            return None
        item = int(self.item_combo.currentData())
        dialog = QtWidgets.QFileDialog(self, f"添加文件到{item_label(item)}", str(Path.home()),
                             "图片和PDF (*.jpg *.jpeg *.png *.tif *.tiff *.bmp *.gif *.webp *.pdf);;"
                             "Word文档 (*.doc *.docx *.wps);;所有文件 (*)")
        dialog.setFileMode(QtWidgets.QFileDialog.FileMode.ExistingFiles)
        dialog.filesSelected.connect(lambda paths: self.add_paths(paths, item))
        dialog.open()
        self.file_dialog = dialog
        return dialog

    def add_paths(self, paths: Iterable[str | Path], item: int | None = None, *,
                  confirmed: bool = False) -> list[AttachmentView]:
        """Add each file under ``item`` (the combo's choice when ``None``). A file already kept
        with the case is not added again until the user confirms (a non-blocking question, kept
        as ``confirm_box``); refused files are named with the reason below the list."""
        if self.case_id is None:
            return []
        item = int(self.item_combo.currentData()) if item is None else item
        added: list[AttachmentView] = []
        refused: list[str] = []
        duplicates: list[tuple[Path, str]] = []
        for p in paths:
            path = Path(p)
            try:
                added.append(self.services.evidence.add_file(
                    self.case_id, item, path, confirmed=(DUPLICATE,) if confirmed else ()))
            except ValidationError as exc:
                if exc.errors:
                    text = "；".join(x.message for x in exc.errors)
                    refused.append(text if path.name in text else f"“{path.name}”：{text}")
                else:
                    duplicates.append((path, exc.warnings[0].message))
            except ServiceError as exc:
                refused.append(f"“{path.name}”：{exc}")
        self._say(f"已添加{len(added)}个文件到{item_label(item)}。" if added else "", "\n".join(refused))
        if added:
            self.refresh(select_id=added[-1].id)
            self.report_change()
        if duplicates:
            self._ask_duplicates(duplicates, item)
        return added

    def _ask_duplicates(self, duplicates: list[tuple[Path, str]], item: int) -> None:
        if len(duplicates) == 1:
            text = duplicates[0][1]
        else:
            text = (f"以下{len(duplicates)}个文件已经添加过：\n"
                    + "\n".join(f"· {p.name}" for p, _ in duplicates) + "\n确实要再各添加一份吗？")
        paths = [p for p, _ in duplicates]
        self.confirm_box = ask_yes_no(self, "文件已添加过", text, "仍然添加", "不添加",
                                      lambda: self.add_paths(paths, item, confirmed=True), default="no")

    # -- looking at a file ---------------------------------------------------------------------

    def _with_selected(self, purpose: str, use: Callable[[AttachmentView, bytes], R]) -> R | None:
        """Read the selected file for ``purpose`` (the read is audited) and hand it to ``use``;
        None when nothing is selected or the read is refused (then said)."""
        v = self.selected()
        if v is None:
            return None
        data = self._write(lambda: self.services.evidence.data(v.id, purpose=purpose))
        return None if data is None else use(v, data)

    def open_selected(self) -> Path | None:
        """Write a temporary copy and open it with the computer's own program."""
        return self._with_selected("打开", self._open)

    def _open(self, v: AttachmentView, data: bytes) -> Path | None:
        if self._temp is None:
            self._temp = tempfile.TemporaryDirectory(prefix="mediator-open-")
        folder = Path(self._temp.name) / str(v.id)
        try:
            folder.mkdir(exist_ok=True)
            path = folder / _safe_file_name(v.name)
            path.write_bytes(data)
        except OSError as exc:
            self._say(problem=f"无法打开“{v.name}”：临时文件写不进去（{exc.strerror or exc}）")
            return None
        if not self.opener(path):
            self._say(problem=f"电脑上没有能打开“{v.name}”的程序。可以点“预览”查看，或点“另存为”复制出去。")
            return None
        self._say()
        return path

    def preview_selected(self) -> PreviewDialog | None:
        return self._with_selected("预览", self._preview)

    def _preview(self, v: AttachmentView, data: bytes) -> PreviewDialog:
        if self.preview is not None:
            self.preview.close()
            self.preview.deleteLater()
        self.preview = PreviewDialog(v, data, self)
        self.preview.show()
        return self.preview

    # -- save a copy ---------------------------------------------------------------------------

    def ask_save_copy(self) -> QtWidgets.QFileDialog | None:
        v = self.selected()
        if v is None:
            return None
        dialog = QtWidgets.QFileDialog(self, "另存为", str(Path.home() / _safe_file_name(v.name)))
        dialog.setAcceptMode(QtWidgets.QFileDialog.AcceptMode.AcceptSave)
        dialog.fileSelected.connect(lambda path: self.save_copy_to(path, v.id))
        dialog.open()
        self.save_dialog = dialog
        return dialog

    def save_copy_to(self, path: str | Path, attachment_id: int | None = None) -> bool:
        attachment_id = self._chosen_id(attachment_id)
        if attachment_id is None:
            return False
        saved = self._write(lambda: self.services.evidence.save_copy(attachment_id, path))
        if saved is None:
            return False
        self._say(f"已另存到：{saved}")
        return True

    # -- refile and delete ---------------------------------------------------------------------

    def ask_move(self) -> MoveDialog | None:
        v = self.selected()
        if v is None or self.closed:
            return None
        dialog = MoveDialog(v, self)
        dialog.accepted.connect(lambda: self.move_selected(dialog.chosen(), v.id))
        dialog.open()
        self.move_dialog = dialog
        return dialog

    def move_selected(self, item: int, attachment_id: int | None = None) -> bool:
        attachment_id = self._chosen_id(attachment_id)
        if attachment_id is None or self.case_id is None:
            return False
        moved = self._write(lambda: self.services.evidence.move(attachment_id, item))
        if moved is None:
            return False
        self._say(f"“{moved.name}”已移到{item_label(item)}。")
        self.refresh(select_id=moved.id)
        self.report_change()
        return True

    def ask_delete(self) -> QtWidgets.QMessageBox | None:
        v = self.selected()
        if v is None or self.closed:
            return None
        text = f"确定要删除“{v.name}”吗？\n删除后不能恢复（删除记录会留在案件历史中）。"
        self.confirm_box = ask_yes_no(self, "删除文件", text, "删除", "不删除", lambda: self.delete_selected(v.id),
                                      default="no", warning=True)
        return self.confirm_box

    def delete_selected(self, attachment_id: int | None = None) -> bool:
        attachment_id = self._chosen_id(attachment_id)
        if attachment_id is None or self.case_id is None:
            return False
        name = next((x.name for x in self.model.rows if x.id == attachment_id), "")
        try:
            self.services.evidence.delete(attachment_id)
        except ServiceError as exc:
            self._say(problem=str(exc))
            return False
        self._say(f"已删除“{name}”。")
        self.refresh()
        self.report_change()
        return True
