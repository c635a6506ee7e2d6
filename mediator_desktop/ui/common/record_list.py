"""What the record windows share — the screening log (排查记录) and the joint conferences (联席会议):
a list window with 新的/打开/删除/关闭 over a dialog that records one entry, and in that dialog
tables whose rows are inputs (Tab walks the inputs; the row with the cursor is the selected one)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QTableView,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop.services.errors import FieldProblem
from mediator_desktop.ui.common.widgets import (
    FieldErrors,
    GuardedDialog,
    NoticeLabel,
    RowTableModel,
    ask_yes_no,
    attempt,
    button_row,
    error_label,
    hold_back,
    push_button,
    table_view,
)

#: Pixels between the everyday buttons and 删除.
DESTRUCTIVE_GAP = 32


class RowFocusSelects(QObject):
    """Installed on the inputs placed in a table's cells: the row whose input gets the cursor
    (by Tab or a click) becomes the table's selected row."""

    def __init__(self, table: QTableWidget) -> None:
        super().__init__(table)
        self.table = table

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QWidget) and shiboken6.isValid(self.table):
            index = self.table.indexAt(watched.geometry().center())
            if index.isValid() and index.row() != self.table.currentRow():
                self.table.selectRow(index.row())
        return False


def input_table(headers: tuple[str, ...], name: str) -> QTableWidget:
    """A table whose cells hold inputs: whole rows selected, one at a time, no row numbers.
    Keyboard: Tab walks the inputs of each row (the caller's ``tab_chain``); the table itself is no stop."""
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(headers))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.setTabKeyNavigation(False)
    return table


class RecordListWindow(QWidget):
    """A list of records, newest first, with 新的…/打开…/删除/关闭 under it; a subclass builds
    what stands above the list, then calls ``_add_list``, and says how a record is read,
    opened (``_dialog``), deleted (``_delete``) and asked about (``_delete_question``).
    ``changed()`` after a record is saved or deleted."""

    changed = Signal()

    #: Said in the question's title, e.g. "删除排查记录".
    DELETE_TITLE = "删除"

    def __init__(self, services: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.dialog: QDialog | None = None
        self.confirm_box: QMessageBox | None = None

    def _add_list(self, lay: QVBoxLayout, model: RowTableModel, name: str, hint: str, new_text: str) -> QTableView:
        """The list, a hint under it, the red line and the buttons."""
        self.model = model
        self.table = table_view(model, name=name)
        lay.addWidget(self.table, 1)
        hint_label = QLabel(hint)
        hint_label.setWordWrap(True)
        lay.addWidget(hint_label)
        self.message = error_label()
        lay.addWidget(self.message)
        self.new_button = push_button(new_text, self.new_record)
        self.open_button = push_button("打开(&O)…", self.open_selected)
        self.delete_button = push_button("删除", self.delete_selected)
        self.close_button = push_button("关闭", self.close)
        # 删除 after the everyday buttons with space between, 关闭 alone at the right: the
        # destructive button is not next to the one pressed at the end of every visit.
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addWidget(self.open_button)
        row.addSpacing(DESTRUCTIVE_GAP)
        row.addWidget(self.delete_button)
        button_row(lay, (), (self.close_button,), row=row)
        self.table.activated.connect(lambda _index: self.open_selected())
        why = committee_work_refusal(self.services)
        for button in (self.new_button, self.delete_button):   # a read-only user opens and reads
            hold_back(button, why)
        return self.table

    def _show_rows(self, read: Callable[[], list[Any]], what: str) -> list[Any] | None:
        """The rows ``read()`` gives, shown with the first selected; None (and said on the red
        line as 无法读取{what}) when they cannot be read."""
        self.message.hide()
        try:
            rows = read()
        except Exception as exc:  # noqa: BLE001 — a ServiceError or a lost connection: said, not raised
            self.message.say(f"无法读取{what}：{exc}")
            return None
        self.model.set_rows(rows)
        if rows:
            self.table.selectRow(0)
        return rows

    def refresh(self) -> None:
        raise NotImplementedError

    def _selected_row(self) -> Any | None:
        index = self.table.currentIndex()
        return self.model.rows[index.row()] if index.isValid() else None

    def _dialog(self, record_id: int | None) -> Any:
        """The dialog of one record (None: a new one), not yet open."""
        raise NotImplementedError

    def _delete(self, record_id: int) -> object:
        raise NotImplementedError

    def _delete_question(self, row: Any) -> str:
        raise NotImplementedError

    def new_record(self) -> Any:
        return self._open(None)

    def open_selected(self) -> Any | None:
        row = self._selected_row()
        return None if row is None else self._open(int(row.id))

    def _open(self, record_id: int | None) -> Any:
        dialog = self._dialog(record_id)
        dialog.changed.connect(self.refresh)
        dialog.changed.connect(self.changed)
        dialog.open()
        self.dialog = dialog
        return dialog

    def delete_selected(self) -> None:
        row = self._selected_row()
        if row is None:
            return
        record_id = int(row.id)

        def delete() -> None:
            if attempt(lambda: self._delete(record_id) or True, self.message):
                self.refresh()
                self.changed.emit()

        self.confirm_box = ask_yes_no(self, self.DELETE_TITLE, self._delete_question(row), "删除", "不删除", delete,
                                      default="no", warning=True)


def committee_work_refusal(services: Any) -> str:
    """Why the user may not write the committee's own work ("" when they may; issue 16)."""
    return "" if services.may_write_committee_work() else services.refusal("修改排查和联席会议记录")


class RecordDialog(GuardedDialog):
    """The dialog of one record of a :class:`RecordListWindow`: it knows whether something typed
    is unsaved (``_mark_dirty``; closing asks first), saves through ``_write`` (the service's
    call, giving the saved view), shows the saved view again (``_show``) and says ``changed()``.
    A subclass sets ``message`` and ``errors``; a problem of one row of a list in ``TABLES``
    (``tasks[2].who``) shows under that list's table (``tasks``)."""

    changed = Signal()

    #: The draft's lists shown as tables of inputs.
    TABLES: tuple[str, ...] = ()

    message: NoticeLabel
    errors: FieldErrors
    buttons: QDialogButtonBox

    def __init__(self, services: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self._dirty = False

    def _write(self) -> Any:
        """Save the draft through the service; the saved view (a refusal raises)."""
        raise NotImplementedError

    def _show(self, view: Any) -> None:
        raise NotImplementedError

    def _under_tables(self, problems: list[FieldProblem]) -> list[FieldProblem]:
        def table(field: str) -> str | None:
            return next((t for t in self.TABLES if field.startswith(f"{t}[")), None)

        return [FieldProblem(t, p.message, p.warning) if (t := table(p.field)) else p for p in problems]

    def save(self) -> bool:
        """Save the record (new or corrected); False when refused (the reason shown)."""
        view = attempt(self._write, self.message, self.errors, rewrite=self._under_tables)
        if view is None:
            return False
        self.message.hide()
        self.errors.clear()
        self._show(view)
        self.changed.emit()
        return True

    def save_and_close(self) -> None:
        if self.save():
            self.accept()

    def showEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        """A user who may not write it reads the record: 保存 greyed, the reason said."""
        super().showEvent(event)
        why = committee_work_refusal(self.services)
        hold_back(self.buttons.button(QDialogButtonBox.StandardButton.Ok), why)
        if why:
            self.message.say(f"{why}，只能查看。")

    def _mark_dirty(self, *_args: object) -> None:
        self._dirty = True

    def has_unsaved(self) -> bool:
        return self._dirty
