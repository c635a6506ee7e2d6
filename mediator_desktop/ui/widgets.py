"""Small pieces the dialogs share: inline field errors, enum combos, lenient date entry."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop.domain.enums import LabelledEnum
from mediator_desktop.services.errors import FieldProblem

Index = QModelIndex | QPersistentModelIndex

ERROR_STYLE = "color: #b00020; font-weight: bold;"
WARNING_STYLE = "color: #a35200;"
INVALID_STYLE = "border: 2px solid #b00020;"


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def parse_date(text: str) -> date | None:
    """Accept 1968-03-02, 1968.3.2, 1968/3/2, 1968年3月2日 or 19680302; raise ValueError with a
    Chinese message when the text is not a date. Empty → None."""
    text = text.strip()
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?", text) or \
        re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if not m:
        raise ValueError("日期格式不对，请写成 1968-03-02 或 1968年3月2日")
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise ValueError("这一天不存在，请核对年月日") from None


def fill_enum_combo(combo: QComboBox, enum: type[LabelledEnum], *, blank: str | None = None) -> None:
    combo.clear()
    if blank is not None:
        combo.addItem(blank, None)
    for member in enum:
        combo.addItem(member.label, member.value)


def set_combo_value(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(index if index >= 0 else 0)


class FieldErrors:
    """Shows each problem's Chinese message in a red label next to its field.

    ``bind(field, widget, label)``: ``field`` is the service's field path (``summary``,
    ``parties``…); a problem whose path starts with a bound field shows there.
    """

    def __init__(self) -> None:
        self._fields: dict[str, tuple[QWidget, QLabel]] = {}

    def bind(self, field: str, widget: QWidget, label: QLabel) -> None:
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.hide()
        self._fields[field] = (widget, label)

    def clear(self) -> None:
        for widget, label in self._fields.values():
            label.clear()
            label.hide()
            widget.setStyleSheet("")

    def message(self, field: str) -> str:
        return self._fields[field][1].text() if field in self._fields else ""

    def show(self, problems: Iterable[FieldProblem]) -> list[FieldProblem]:
        """Show the problems; returns those with no bound field (for a general message)."""
        self.clear()
        unplaced: list[FieldProblem] = []
        first: QWidget | None = None
        for problem in problems:
            key = self._match(problem.field)
            if key is None:
                unplaced.append(problem)
                continue
            widget, label = self._fields[key]
            text = label.text()
            label.setText((text + "\n" if text else "") + problem.message)
            label.setStyleSheet(WARNING_STYLE if problem.warning else ERROR_STYLE)
            label.show()
            if not problem.warning:
                widget.setStyleSheet(INVALID_STYLE)
            if first is None:
                first = widget
        if first is not None:
            first.setFocus()
        return unplaced

    def _match(self, field: str) -> str | None:
        if field in self._fields:
            return field
        for key in sorted(self._fields, key=len, reverse=True):
            if field.startswith(key + ".") or field.startswith(key + "["):
                return key
        return None


def add_row(form: QFormLayout, errors: FieldErrors, field: str, label: str, widget: QWidget,
            target: QWidget | None = None) -> None:
    """A form row whose field has its (hidden until needed) error message right under it;
    ``target`` is the input that gets the red frame when ``widget`` is a box holding several
    widgets (default: ``widget`` itself)."""
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(2)
    lay.addWidget(widget)
    message = QLabel()
    lay.addWidget(message)
    form.addRow(label, box)
    errors.bind(field, target or widget, message)


def ok_cancel(ok_text: str, cancel_text: str = "取消", *, on_ok: Callable[[], object] | None = None,
              on_cancel: Callable[[], object] | None = None) -> QDialogButtonBox:
    """OK/Cancel buttons with Chinese words on them (the platform's own may be English),
    connected to ``on_ok`` / ``on_cancel`` when given."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text)
    if on_ok is not None:
        buttons.accepted.connect(on_ok)
    if on_cancel is not None:
        buttons.rejected.connect(on_cancel)
    return buttons


def section_label(text: str, scale: float = 1.0) -> QLabel:
    """A bold heading over a part of a pane (当事人, 调查与调解…)."""
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    if scale != 1.0:
        font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    return label


def read_only_table(table: QAbstractItemView, min_height: int = 120) -> None:
    """A list to read and pick one row from: whole rows, no editing, no row numbers."""
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)  # type: ignore[attr-defined]
    table.horizontalHeader().setStretchLastSection(True)  # type: ignore[attr-defined]
    table.setMinimumHeight(min_height)


def error_label() -> QLabel:
    """The red line where a dialog says why something was refused; hidden until it has to."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.hide()
    return label


def confirm_discard(parent: QWidget, text: str, on_discard: Callable[[], None]) -> QMessageBox:
    """Ask before closing a form with unsaved changes (opened with ``open()``, not ``exec()``);
    ``on_discard`` runs only when the user chooses not to save. Returns the box (tests click it)."""
    box = QMessageBox(QMessageBox.Icon.Warning, "放弃修改？", text,
                      QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel, parent)
    box.button(QMessageBox.StandardButton.Discard).setText("不保存，关闭")
    box.button(QMessageBox.StandardButton.Cancel).setText("继续填写")

    def answered(_result: int) -> None:
        if box.standardButton(box.clickedButton()) == QMessageBox.StandardButton.Discard:
            on_discard()

    box.finished.connect(answered)
    box.open()
    return box


class RowTableModel(QAbstractTableModel):
    """A read-only flat table over a list of rows (one object per row, one column per header).

    Subclasses set ``HEADERS`` and implement ``cell(row, column, role)``; ``set_rows`` replaces
    the whole list (a model reset), and ``data`` only calls ``cell`` for a valid index."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = []

    def set_rows(self, rows: Iterable[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)) \
                or not (0 <= index.column() < len(self.HEADERS)):
            return None
        return self.cell(self.rows[index.row()], index.column(), role)

    def cell(self, row: Any, column: int, role: int) -> Any:
        """What ``row`` shows in ``column`` for ``role`` (None: nothing)."""
        return None


def text_label(text: str = "", style: str = "", *, bold: bool = False, scale: float = 1.0) -> QLabel:
    """A wrapping, selectable label; ``scale`` enlarges its font (headings for old eyes)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if style:
        label.setStyleSheet(style)
    if bold or scale != 1.0:
        font = label.font()
        font.setBold(bold)
        font.setPointSizeF(font.pointSizeF() * scale)
        label.setFont(font)
    return label


#: Dates show the weekday in Chinese (星期一), whatever the PC's language.
CHINESE = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
DATE_FORMAT = "yyyy年M月d日 dddd"


def date_edit(value: date, *, maximum: date | None = None, minimum: date | None = None) -> QDateEdit:
    """A date field with a calendar to pick from, showing the weekday in Chinese."""
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setLocale(CHINESE)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setMinimumDate(qdate(minimum) if minimum else QDate(2000, 1, 1))
    if maximum is not None:
        edit.setMaximumDate(qdate(maximum))
    edit.setDate(qdate(value))
    return edit
