"""Small pieces the dialogs share: inline field errors, enum combos, lenient date entry."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

import shiboken6
from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QByteArray,
    QDate,
    QDateTime,
    QEvent,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTime,
)
from PySide6.QtGui import (
    QAction,
    QFocusEvent,
    QFontMetrics,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QShortcut,
    QValidator,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QProxyStyle,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyle,
    QTableView,
    QTextEdit,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop.domain.enums import LabelledEnum
from mediator_desktop.services.errors import FieldProblem, ServiceError, ValidationError

Index = QModelIndex | QPersistentModelIndex
T = TypeVar("T")

#: The shell's two signal colours: red for what is refused, missing or overdue, green for what is done.
RED = "#b00020"
GREEN = "#1b5e20"
ERROR_STYLE = f"color: {RED}; font-weight: bold;"
#: A success said out loud (已归档, 回访情况已记录, signed).
OK_STYLE = f"color: {GREEN}; font-weight: bold;"
#: A quiet confirmation (已保存, an amount read back).
DONE_STYLE = f"color: {GREEN};"
WARNING_STYLE = "color: #a35200;"
INVALID_STYLE = f"border: 2px solid {RED};"


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def picked_date(edit: QDateEdit) -> date:
    """The day a date edit shows, as a ``date`` (``qdate`` the other way)."""
    qd = edit.date()
    return date(qd.year(), qd.month(), qd.day())


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


def enum_combo(enum: type[LabelledEnum], *, blank: str | None = None, value: object = None) -> QComboBox:
    """A combo box of ``enum``'s labels (``blank`` first, for no choice), showing ``value``."""
    combo = QComboBox()
    fill_enum_combo(combo, enum, blank=blank)
    if value is not None:
        set_combo_value(combo, value)
    return combo


def line_edit(placeholder: str = "") -> QLineEdit:
    """A one-line entry with ``placeholder`` as the grey example shown while it is empty."""
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    return edit


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
        self.focus_first()
        return unplaced

    def focus_first(self) -> QWidget | None:
        """Put the cursor in the first field (in form order) that shows a problem — an error
        before a mere warning — so after a refused save the user starts correcting where the
        problems start. Returns the widget that got the focus."""
        shown = [(widget, label) for widget, label in self._fields.values() if label.text()]
        errors = [pair for pair in shown if pair[1].styleSheet() == ERROR_STYLE]
        for widget, _label in (errors or shown)[:1]:
            target = first_input(widget)
            target.setFocus(Qt.FocusReason.OtherFocusReason)
            return target
        return None

    def _match(self, field: str) -> str | None:
        if field in self._fields:
            return field
        for key in sorted(self._fields, key=len, reverse=True):
            if field.startswith(key + ".") or field.startswith(key + "["):
                return key
        return None


def focus_first_problem(*parts: FieldErrors) -> QWidget | None:
    """A form in several parts (each with its FieldErrors, given in reading order): the
    cursor goes to the first problem of the first part that has one."""
    for errors in parts:
        widget = errors.focus_first()
        if widget is not None:
            return widget
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
    caption = form.labelForField(box)
    if isinstance(caption, QLabel):     # Alt+its letter puts the cursor in the input itself
        caption.setBuddy(first_input(target or widget))


def first_input(widget: QWidget) -> QWidget:
    """``widget`` if it takes the keyboard, else the first input inside it (a box of radio
    buttons, a date with its time)."""
    if widget.focusPolicy() != Qt.FocusPolicy.NoFocus:
        return widget
    return next((w for w in widget.findChildren(QWidget) if w.focusPolicy() != Qt.FocusPolicy.NoFocus), widget)


def ok_cancel(ok_text: str, cancel_text: str | None = None, *, on_ok: Callable[[], object] | None = None,
              on_cancel: Callable[[], object] | None = None) -> QDialogButtonBox:
    """OK/Cancel buttons: OK says what it does; Cancel reads Qt's own 取消 (ui.translations)
    unless ``cancel_text`` says more (退出, 返回). Connected to ``on_ok`` / ``on_cancel`` when given."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    if cancel_text:  # otherwise Qt's own 取消 (ui.translations)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text)
    if on_ok is not None:
        buttons.accepted.connect(on_ok)
    if on_cancel is not None:
        buttons.rejected.connect(on_cancel)
    return buttons


def make_action(parent: QWidget, text: str, on_trigger: Callable[[], object], *, shortcut: str = "",
                tip: str = "") -> QAction:
    """A menu or toolbar action: its text, what it does, its key and the tooltip that says more."""
    action = QAction(text, parent)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setToolTip(tip)
    action.triggered.connect(on_trigger)
    return action


def on_trigger(slots: dict[QAction, Callable[[], object]]) -> None:
    """Wire each action to what it does (menus list them as one table)."""
    for action, slot in slots.items():
        action.triggered.connect(slot)


def on_click(slots: dict[QAbstractButton, Callable[[], object]]) -> None:
    """Wire each button to what it does (a view's ``_connect`` lists them as one table)."""
    for button, slot in slots.items():
        button.clicked.connect(slot)


def file_dialog(parent: QWidget, title: str, start: Path | str, file_filter: str, on_chosen: Callable[[str], object], *,
                save: bool = False, folder: bool = False, suffix: str = "") -> QFileDialog:
    """A window-modal file chooser, opened with ``open()`` (not ``exec()``): ``save`` asks for a
    new file's name (proposing ``start``; ``suffix`` added when none is typed), ``folder`` for a
    folder, otherwise for an existing file (from ``start``); ``on_chosen(path)`` runs when the
    user accepts."""
    dialog = QFileDialog(parent, title, str(start), file_filter)
    if save:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        if suffix:
            dialog.setDefaultSuffix(suffix)
    elif folder:
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    else:
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.fileSelected.connect(on_chosen)
    dialog.open()
    return dialog


def hold_back(item: QWidget | QAction, why: str) -> None:
    """Grey ``item`` (a button or an action) that the user's role does not allow, its tooltip
    saying ``why`` (in Chinese); ``why`` empty: the role allows it — its own tooltip comes back
    and its enabled state is left as its owner set it. Called after the owner's own enabling."""
    held = item.property("roleTip")
    if why:
        if held is None:
            item.setProperty("roleTip", item.toolTip())
        item.setEnabled(False)
        item.setToolTip(why)
    elif held is not None:
        item.setToolTip(str(held))
        item.setProperty("roleTip", None)


def push_button(text: str, on_click: Callable[[], object], tip: str = "") -> QPushButton:
    """A button that calls ``on_click`` (with no argument) when pressed; ``tip`` its tooltip."""
    button = QPushButton(text)
    if tip:
        button.setToolTip(tip)
    button.clicked.connect(lambda: on_click())
    return button


def button_row(lay: QVBoxLayout | QFormLayout, left: Iterable[QWidget], right: Iterable[QWidget] = (), *,
               row: QHBoxLayout | FlowLayout | None = None) -> QHBoxLayout | FlowLayout:
    """A row of buttons under a list or a form: ``left`` from the left, ``right`` after a stretch
    (printing, deleting: apart from the everyday ones); added to ``lay`` (a form: as a row without
    label). ``row``: the layout to fill (a FlowLayout wraps at a large font), else a new QHBoxLayout."""
    row = row if row is not None else QHBoxLayout()
    for button in left:
        row.addWidget(button)
    row.addStretch(1)
    for button in right:
        row.addWidget(button)
    if isinstance(lay, QFormLayout):
        lay.addRow("", row)
    else:
        lay.addLayout(row)
    return row


def section_label(text: str, scale: float = 1.0) -> QLabel:
    """A bold heading over a part of a pane (当事人, 调查与调解…)."""
    label = QLabel(text)
    scale_font(label, scale, bold=True)
    return label


def read_only_table(table: QAbstractItemView, min_height: int = 120) -> None:
    """A list to read and pick one row from: whole rows, no editing, no row numbers."""
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    if min_height:
        table.setMinimumHeight(min_height)
    leave_on_tab(table)


def table_view(model: QAbstractItemModel, min_height: int = 120, *, wrap: bool | None = None,
               name: str = "") -> QTableView:
    """A new :func:`read_only_table` over ``model``; ``wrap``: word-wrap the cells (None: Qt's
    default), ``name``: the object name (for tests and the screen-fit report)."""
    view = QTableView()
    if name:
        view.setObjectName(name)
    view.setModel(model)
    read_only_table(view, min_height)
    if wrap is not None:
        view.setWordWrap(wrap)
    return view


class NoticeLabel(QLabel):
    """A line that says something only when there is something to say (a refusal, a warning,
    what was done); hidden until then."""

    def say(self, text: str) -> None:
        """Show ``text`` on the line."""
        self.setText(text)
        self.show()


def notice_label(style: str, *, selectable: bool = False) -> NoticeLabel:
    """A hidden, wrapping line in ``style``; ``selectable``: the mouse can select the text (to
    copy a long refusal)."""
    label = NoticeLabel()
    label.setWordWrap(True)
    label.setStyleSheet(style)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def error_label(*, selectable: bool = False) -> NoticeLabel:
    """The red line where a dialog says why something was refused; hidden until it has to."""
    return notice_label(ERROR_STYLE, selectable=selectable)


def attempt(call: Callable[[], T], message: NoticeLabel, errors: FieldErrors | None = None, *,
            rewrite: Callable[[list[FieldProblem]], list[FieldProblem]] | None = None,
            refused: Callable[[ValidationError], object] | None = None) -> T | None:
    """Run a service write; on refusal show why (beside the fields in ``errors`` where it can,
    the rest in ``message``) and return None — the caller keeps what was typed. ``rewrite``
    turns the service's problems into the ones to show (a form that knows better where one
    belongs); ``refused`` then sees the refusal (to ask about warnings, say)."""
    try:
        return call()
    except ValidationError as exc:
        problems = rewrite(list(exc.problems)) if rewrite is not None else exc.problems
        loose = errors.show(problems) if errors is not None else problems
        if loose:
            message.say("\n".join(p.message for p in loose))
        if refused is not None:
            refused(exc)
        return None
    except ServiceError as exc:
        if errors is not None:
            errors.clear()
        message.say(str(exc))
        return None


def form_footer(dialog: QDialog, lay: QVBoxLayout, ok_text: str, on_ok: Callable[[], object],
                size: tuple[int, int], message: NoticeLabel | None = None) -> tuple[NoticeLabel, QDialogButtonBox]:
    """The foot of a small form dialog: the red line for a refusal (``message``, else a new one),
    then ``ok_text``/取消 (取消 closes); the dialog then fits the screen at ``size``."""
    message = message if message is not None else error_label()
    lay.addWidget(message)
    buttons = ok_cancel(ok_text, on_ok=on_ok, on_cancel=dialog.reject)
    lay.addWidget(buttons)
    fit_to_screen(dialog, size)
    return message, buttons


def confirm_discard(parent: QWidget, text: str, on_discard: Callable[[], None]) -> QMessageBox:
    """Ask before closing a form with unsaved changes (opened with ``open()``, not ``exec()``);
    ``on_discard`` runs only when the user chooses not to save. Returns the box (tests click it).
    Enter (and Esc) keep the form: losing typed work takes a deliberate choice."""
    return _ask(parent, QMessageBox.Icon.Warning, "放弃修改？", text, (QMessageBox.StandardButton.Discard, "不保存，关闭"),
                (QMessageBox.StandardButton.Cancel, "继续填写"), on_discard, default="no")


class GuardedDialog(QDialog):
    """A form that asks before dropping what was typed: Cancel, Esc and × all come to
    :meth:`reject`, which closes at once when :meth:`has_unsaved` says nothing is unsaved and
    otherwise asks :attr:`DISCARD_QUESTION` (Enter keeps the form; one question at a time)."""

    DISCARD_QUESTION = "放弃未保存的内容吗？"
    discard_box: QMessageBox | None = None

    def has_unsaved(self) -> bool:
        return False

    def discarded(self) -> None:
        """The user chose to drop what was typed (before the dialog closes)."""

    def reject(self) -> None:
        if not self.has_unsaved():
            super().reject()
            return
        if self.discard_box is not None and self.discard_box.isVisible():
            return

        def discard() -> None:
            self.discarded()
            QDialog.reject(self)

        self.discard_box = confirm_discard(self, self.DISCARD_QUESTION, discard)


def ask_yes_no(parent: QWidget, title: str, text: str, yes: str, no: str, on_yes: Callable[[], object], *,
               default: str | None = None, warning: bool = False) -> QMessageBox:
    """The one way the application asks a yes/no question: a window-modal box opened with
    ``open()`` (not ``exec()``), its buttons saying what they do (``yes``, ``no``); ``on_yes``
    runs only when the user chose ``yes`` — No, Esc and × change nothing. ``default``: the
    button Enter presses ("yes", "no", or None for Qt's choice); ``warning``: a warning icon (a step
that cannot be undone) instead of the question mark. Returns the box (tests click
    its Yes and No buttons)."""
    icon = QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Question
    return _ask(parent, icon, title, text, (QMessageBox.StandardButton.Yes, yes),
                (QMessageBox.StandardButton.No, no), on_yes, default=default)


def _ask(parent: QWidget, icon: QMessageBox.Icon, title: str, text: str, go: tuple[QMessageBox.StandardButton, str],
         stay: tuple[QMessageBox.StandardButton, str], on_go: Callable[[], object], *,
         default: str | None) -> QMessageBox:
    """A window-modal two-button box opened with ``open()``: ``on_go`` runs only when the user
    pressed ``go``; ``stay``, Esc and × change nothing. ``default``: "yes" (go), "no" (stay) or
    None (Qt's choice) for Enter."""
    box = QMessageBox(icon, title, text, go[0] | stay[0], parent)
    for button, label in (go, stay):
        box.button(button).setText(label)
    if default is not None:
        box.setDefaultButton(go[0] if default == "yes" else stay[0])
    box.setEscapeButton(stay[0])

    def answered(_result: int) -> None:
        if box.standardButton(box.clickedButton()) == go[0]:
            on_go()

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
        scale_font(label, scale, bold=bold)
    return label


#: Dates show the weekday in Chinese (星期一), whatever the PC's language.
CHINESE = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
DATE_FORMAT = "yyyy年M月d日 dddd"


class _TypedEntry:
    """What DateEdit and TimeEdit share: Tab selects the whole field and leaves it at once (a
    plain QDateTimeEdit walks its sections first); the text typed goes in as typed and is read
    when the field is left; arrows still step the section under the cursor."""

    _PARTIAL: re.Pattern[str]

    def _typed(self, text: str) -> QDateTime | None:
        raise NotImplementedError

    def validate(self, text: str, pos: int) -> object:
        value = self._typed(text)
        if value is not None and self.minimumDateTime() <= value <= self.maximumDateTime():
            return QValidator.State.Acceptable, text, pos
        if self._PARTIAL.fullmatch(text):
            return QValidator.State.Intermediate, text, pos
        return QValidator.State.Invalid, text, pos

    def dateTimeFromText(self, text: str) -> QDateTime:  # noqa: N802 (Qt's name)
        value = self._typed(text)
        return value if value is not None else super().dateTimeFromText(text)  # type: ignore[misc]

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        mods = event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        if event.text() and event.text().isprintable() and not mods:
            QAbstractSpinBox.keyPressEvent(self, event)
        else:
            super().keyPressEvent(event)  # type: ignore[misc]

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt's name)
        super().focusInEvent(event)  # type: ignore[misc]
        if event.reason() in (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason,
                              Qt.FocusReason.ShortcutFocusReason, Qt.FocusReason.OtherFocusReason):
            self.lineEdit().selectAll()

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: A002,N802 (Qt's names)
        return QWidget.focusNextPrevChild(self, next)


class DateEdit(_TypedEntry, QDateEdit):
    """A date field that shows 2026年11月23日 星期一 and takes what people type: 20261123,
    2026-11-23, 2026.11.23 or 2026年11月23日 (everything :func:`parse_date` reads)."""

    _WEEKDAY = re.compile(r"\s*(星期.?|周.?)?\s*$")
    _PARTIAL = re.compile(r"[\d\s年月日./-]*(星期.?|周.?)?\s*")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setKeyboardTracking(False)     # half-typed dates are read when the field is left

    def _typed(self, text: str) -> QDateTime | None:
        try:
            value = parse_date(self._WEEKDAY.sub("", text))
        except ValueError:
            return None
        return QDateTime(qdate(value), self.time()) if value is not None else None


class TimeEdit(_TypedEntry, QTimeEdit):
    """A time field (HH:mm) that takes 1400, 14:00, 14.00 or 14点 typed."""

    _PARTIAL = re.compile(r"[\d\s:：.点时分]*")
    _TIME = re.compile(r"\s*(\d{1,2})\s*(?:[:：.点时]\s*(\d{1,2})?\s*分?|(\d{2}))?\s*")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDisplayFormat("HH:mm")
        self.setKeyboardTracking(False)

    def _typed(self, text: str) -> QDateTime | None:
        m = self._TIME.fullmatch(text)
        if not m:
            return None
        hour, minute = int(m.group(1)), int(m.group(2) or m.group(3) or 0)
        if hour > 23 or minute > 59:
            return None
        return QDateTime(self.date(), QTime(hour, minute))


def date_edit(value: date | None = None, *, maximum: date | None = None,
              minimum: date | None = None) -> DateEdit:
    """A date field with a calendar to pick from, showing the weekday in Chinese; dates can
    also be typed as 20261123 or 2026-11-23."""
    edit = DateEdit()
    edit.setCalendarPopup(True)
    edit.setLocale(CHINESE)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setMinimumDate(qdate(minimum) if minimum else QDate(2000, 1, 1))
    if maximum is not None:
        edit.setMaximumDate(qdate(maximum))
    if value is not None:
        edit.setDate(qdate(value))
    return edit


# -- keyboard --------------------------------------------------------------------------------


def leave_on_tab(*views: QAbstractItemView) -> None:
    """Tab leaves a table or list for the next field (arrows still move inside it)."""
    for view in views:
        view.setTabKeyNavigation(False)


def close_on_escape(window: QWidget) -> QShortcut:
    """Esc closes a window that is not a dialog (今日提醒, 日程安排), as it closes a dialog."""
    shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), window)
    shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
    shortcut.activated.connect(window.close)
    return shortcut


def tab_chain(widgets: Iterable[QWidget | None]) -> None:
    """Tab visits ``widgets`` in this order (reading order, not the order they were made)."""
    chain = [w for w in widgets if w is not None]
    for first, second in zip(chain, chain[1:]):
        QWidget.setTabOrder(first, second)


class _CtrlTabTypesTab(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() == Qt.Key.Key_Tab \
                and event.modifiers() == Qt.KeyboardModifier.ControlModifier \
                and isinstance(watched, (QPlainTextEdit, QTextEdit)) and not watched.isReadOnly():
            watched.insertPlainText("\t")
            return True
        return False


_CTRL_TAB = _CtrlTabTypesTab()


def tab_moves_on(*edits: QPlainTextEdit | QTextEdit) -> None:
    """In a multi-line text field Tab moves to the next field like everywhere else; a tab
    character, when one is really wanted, is typed with Ctrl+Tab."""
    for edit in edits:
        edit.setTabChangesFocus(True)
        edit.installEventFilter(_CTRL_TAB)
        if not edit.toolTip():
            edit.setToolTip("按 Tab 键到下一项；需要空几格时按 Ctrl+Tab")


class _TextClickToggles(QObject):
    """See :func:`click_text_to_check`."""

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self.view = view
        self.pressed: tuple[QPersistentModelIndex, object] | None = None
        view.viewport().installEventFilter(self)
        view.clicked.connect(self._clicked)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.MouseButtonPress:
            index = self.view.indexAt(event.position().toPoint())
            self.pressed = (QPersistentModelIndex(index), index.data(Qt.ItemDataRole.CheckStateRole)) \
                if index.isValid() else None
        return False

    def _clicked(self, index: QModelIndex) -> None:
        pressed, self.pressed = self.pressed, None
        flags = index.flags()
        if pressed is None or QModelIndex(pressed[0]) != index \
                or not flags & Qt.ItemFlag.ItemIsUserCheckable or not flags & Qt.ItemFlag.ItemIsEnabled:
            return
        state = index.data(Qt.ItemDataRole.CheckStateRole)
        if state != pressed[1]:
            return                  # the click was on the box itself: Qt ticked it already
        checked = Qt.CheckState(state) == Qt.CheckState.Checked
        new = Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked
        self.view.model().setData(index, new.value, Qt.ItemDataRole.CheckStateRole)


def add_check_item(widget: QListWidget, text: str, value: object, checked: bool) -> QListWidgetItem:
    """A row of a tick list (mediators, parties present, committees, permissions) carrying ``value``."""
    item = QListWidgetItem(text)
    item.setData(Qt.ItemDataRole.UserRole, value)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
    widget.addItem(item)
    return item


def checked_data(widget: QListWidget) -> list[Any]:
    """The values of a tick list's ticked rows, in order."""
    return [widget.item(i).data(Qt.ItemDataRole.UserRole) for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked]


def set_checked(widget: QListWidget, values: Iterable[object]) -> None:
    """Tick the rows whose value is in ``values``, untick the others."""
    chosen = set(values)
    for i in range(widget.count()):
        item = widget.item(i)
        ticked = item.data(Qt.ItemDataRole.UserRole) in chosen
        item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)


def fit_list(widget: QListWidget, rows: int) -> None:
    """A check list just tall enough for its rows (at most ``rows``): no tiny scroll boxes."""
    count = max(1, min(widget.count(), rows))
    height = widget.sizeHintForRow(0) if widget.count() else widget.fontMetrics().height() + 8
    widget.setFixedHeight(count * height + 2 * widget.frameWidth() + 6)


def click_text_to_check(*views: QAbstractItemView) -> None:
    """In a list of check boxes (mediators, parties present) a click on the name ticks it,
    not only a click on the small box; Space ticks the current one from the keyboard."""
    for view in views:
        _TextClickToggles(view)


class _WheelGuard(QObject):
    """The mouse wheel scrolls the page: it changes a date, number or choice only in the field
    that has the cursor, never one the pointer happens to pass over."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind == QEvent.Type.Polish and isinstance(watched, (QAbstractSpinBox, QComboBox)):
            if watched.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        elif kind == QEvent.Type.Wheel and isinstance(watched, (QAbstractSpinBox, QComboBox)) \
                and not watched.hasFocus():
            event.ignore()          # passed on to the scroll area around it
            return True
        return False


_WHEEL_GUARD = _WheelGuard()


def install_input_guards(app: QApplication) -> None:
    """Once at start-up: the wheel changes only the focused field (see :class:`_WheelGuard`)."""
    app.installEventFilter(_WHEEL_GUARD)


# -- font size and screen size ---------------------------------------------------------------
# The room PCs are 1366×768 (some 1280×720) and the users choose a large font: every window is
# sized from what it needs, clamped to the screen, and every label follows the font setting.

#: Dynamic property: this widget's font is ``scale`` × the application font (re-applied when
#: the font size setting changes).
FONT_SCALE_PROPERTY = "fontScale"
#: Dynamic property: the size a window would like (``fit_to_screen``'s ``preferred``).
PREFERRED_SIZE_PROPERTY = "preferredSize"
#: The font size the preferred sizes of :func:`fit_to_screen` are meant for (settings' default).
DEFAULT_POINT_SIZE = 12.0
#: Room for the title bar and borders before a window has been shown (Windows 10 at 96 dpi).
FRAME_ALLOWANCE = QSize(16, 40)


def scale_font(widget: QWidget, scale: float = 1.0, *, bold: bool | None = None) -> None:
    """Give ``widget`` a font ``scale`` times the application font (bold if asked) that keeps
    that proportion when the font size setting changes (see :func:`follow_font_size`)."""
    font = widget.font()
    if bold is not None:
        font.setBold(bold)
    if scale != 1.0:
        font.setPointSizeF(QApplication.font().pointSizeF() * scale)
        widget.setProperty(FONT_SCALE_PROPERTY, scale)
    widget.setFont(font)


def follow_font_size(app: QApplication) -> None:
    """After the application font changed: scaled fonts take the new size, widgets with their
    own style sheet (red error lines, banners, counts) are polished again so they take it too,
    and the open windows are fitted to the screen again (smaller when the font got smaller)."""
    base = app.font().pointSizeF()
    for widget in app.allWidgets():
        scale = widget.property(FONT_SCALE_PROPERTY)
        if scale:
            font = widget.font()
            font.setPointSizeF(base * float(scale))
            widget.setFont(font)
        if widget.property(LINES_PROPERTY):
            _apply_lines(widget)  # a text box still shows as many lines
        sheet = widget.styleSheet()
        if sheet:
            widget.setStyleSheet(sheet)  # a style-sheeted widget keeps the old font otherwise
    windows = [w for w in app.topLevelWidgets() if w.isVisible() and w.windowType() not in (
        Qt.WindowType.Popup, Qt.WindowType.ToolTip)]
    for _ in range(2):
        app.sendPostedEvents()  # the re-polished style sheets, the layout requests
        # A window closed with WA_DeleteOnClose may have gone while the posted events ran.
        windows = [w for w in windows if shiboken6.isValid(w)]
        for window in windows:
            # Hidden pages (the other tabs) keep the old font's sizes until their layouts are
            # worked out again, innermost first.
            for child in reversed(window.findChildren(QWidget)):
                layout = child.layout()
                if layout is not None:
                    layout.invalidate()
                    layout.activate()
    for window in windows:
        if shiboken6.isValid(window):
            refit(window)


def screen_area(window: QWidget) -> QRect:
    """The available geometry (without task bar) of the screen ``window`` is on, or of its
    parent's screen before it is shown."""
    parent = window.parentWidget()
    screen = (parent.window().screen() if parent is not None else None) or window.screen() \
        or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def _frame_size(window: QWidget) -> QSize:
    """Title bar and borders of ``window`` (estimated until the window system has told us)."""
    if window.isVisible():
        extra = window.frameGeometry().size() - window.geometry().size()
        if extra.width() > 0 or extra.height() > 0:
            return extra.expandedTo(QSize(0, 0))
    return FRAME_ALLOWANCE


def fit_to_screen(window: QWidget, preferred: QSize | tuple[int, int] | None = None, *,
                  centre: bool = True) -> None:
    """Size ``window`` to what it needs (its size hint, at least ``preferred``) but never more
    than the screen's available area minus the title bar, and (``centre``) centre it on its
    parent, kept wholly on that screen. Call it instead of ``resize(w, h)``; the preferred size
    is remembered so a change of font size can fit the window again (:func:`refit`)."""
    if preferred is not None:
        size = QSize(*preferred) if isinstance(preferred, tuple) else QSize(preferred)
        window.setProperty(PREFERRED_SIZE_PROPERTY, size)
    wanted = window.property(PREFERRED_SIZE_PROPERTY)
    layout = window.layout()
    if layout is not None:
        layout.activate()
    hint = window.sizeHint().expandedTo(window.minimumSizeHint())
    if isinstance(wanted, QSize):
        # ``preferred`` is meant at the default font: a larger font wants a larger window.
        grow = max(1.0, QApplication.font().pointSizeF() / DEFAULT_POINT_SIZE)
        hint = hint.expandedTo(QSize(int(wanted.width() * grow), int(wanted.height() * grow)))
    _place(window, hint, centre=centre)


def _place(window: QWidget, size: QSize, *, centre: bool) -> None:
    area = screen_area(window)
    frame = _frame_size(window)
    room = area.size() - frame
    size = size.boundedTo(room).expandedTo(QSize(1, 1))
    window.resize(size)
    outer = size + frame
    if centre:
        parent = window.parentWidget()
        anchor = parent.window().frameGeometry() if parent is not None and parent.isVisible() else area
        top_left = anchor.center() - QPoint(outer.width() // 2, outer.height() // 2)
    else:
        top_left = window.frameGeometry().topLeft()
    x = min(max(top_left.x(), area.left()), area.right() + 1 - outer.width())
    y = min(max(top_left.y(), area.top()), area.bottom() + 1 - outer.height())
    window.move(max(x, area.left()), max(y, area.top()))


def refit(window: QWidget) -> None:
    """Fit an open window again after the font size changed: dialogs (and windows sized with
    :func:`fit_to_screen`) to their new size hint, other windows (the main window, the agenda)
    only kept within the screen; a maximised window stays as it is."""
    if window.isMaximized() or window.isFullScreen():
        return
    if window.property(PREFERRED_SIZE_PROPERTY) is not None or window.inherits("QDialog"):
        fit_to_screen(window, centre=False)
    else:
        _place(window, window.size().expandedTo(window.minimumSizeHint()), centre=False)


class ScrollingBody(QScrollArea):
    """A scroll area whose size hint is its whole content (a QScrollArea's own is capped at a
    few hundred pixels), so :func:`fit_to_screen` makes the dialog as large as the form where
    the screen allows and lets it scroll where it does not."""

    def sizeHint(self) -> QSize:
        content = self.widget()
        if content is None:
            return super().sizeHint()
        hint = content.sizeHint().expandedTo(content.minimumSizeHint())
        frame = 2 * self.frameWidth()
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        return QSize(hint.width() + frame + bar, hint.height() + frame)


def scrolling_body(content: QWidget, *, frame: bool = False) -> ScrollingBody:
    """Wrap a long form so it scrolls inside its dialog; the dialog's button row stays outside
    (below) so it is always on the screen."""
    scroll = ScrollingBody()
    scroll.setWidgetResizable(True)
    # Not a Tab stop of its own (a stop that shows nothing); Tab to a field below still scrolls to it.
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    if not frame:
        scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(content)
    return scroll


class FlowLayout(QLayout):
    """Widgets in a row that wraps onto the next line when the window is too narrow (a row of
    filters or buttons at a large font on a 1366-pixel screen)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt API
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt API
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt API
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt API
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt API
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt API
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt API
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        """All on one line."""
        width = height = 0
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            width += hint.width() + (self.spacing() if width else 0)
            height = max(height, hint.height())
        m = self.contentsMargins()
        return QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt API
        """The widest single widget."""
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, line = area.x(), area.y(), 0
        gap = self.spacing()
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            if x > area.x() and x + hint.width() > area.right() + 1:
                x, y, line = area.x(), y + line + gap, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), QSize(min(hint.width(), area.width()), hint.height())))
            x += hint.width() + gap
            line = max(line, hint.height())
        return y + line - rect.y() + m.bottom()

    def addStretch(self, _stretch: int = 0) -> None:  # noqa: N802 - QBoxLayout's name
        """Rows are left-aligned already (so a QHBoxLayout can be swapped for a FlowLayout)."""


def scrolling_panel(panel: QWidget) -> QVBoxLayout:
    """Give ``panel`` (a tab of the case view) a body that scrolls when a large font leaves it
    too little room; returns the body's layout to fill."""
    outer = QVBoxLayout(panel)
    outer.setContentsMargins(0, 0, 0, 0)
    body = QWidget()
    outer.addWidget(scrolling_body(body))
    return QVBoxLayout(body)


class FontScaledStyle(QProxyStyle):
    """The platform's style, with check boxes and radio buttons as large as the text next to
    them (the platform draws them 13 pixels wide whatever the font: tiny at 28 pt)."""

    SCALED = (QStyle.PixelMetric.PM_IndicatorWidth, QStyle.PixelMetric.PM_IndicatorHeight,
              QStyle.PixelMetric.PM_ExclusiveIndicatorWidth, QStyle.PixelMetric.PM_ExclusiveIndicatorHeight)

    def pixelMetric(self, metric, option=None, widget=None):  # type: ignore[no-untyped-def]  # noqa: N802
        base = super().pixelMetric(metric, option, widget)
        if metric in self.SCALED:
            font = widget.font() if widget is not None else QApplication.font()
            return max(base, round(QFontMetrics(font).height() * 0.75))
        return base


def install_font_scaled_style(app: QApplication) -> None:
    """Use :class:`FontScaledStyle` (once) around whatever style the application has."""
    if not isinstance(app.style(), FontScaledStyle):
        app.setStyle(FontScaledStyle(app.style().name()))


#: Where remembered dialog sizes are kept: the application's one Settings object (set by the
#: main window, so its own save never overwrites them with an older copy).
_size_store: Any = None


def remember_sizes_in(settings: Any) -> None:
    """Keep the sizes of :func:`remember_size` dialogs in ``settings`` (a ``settings.Settings``)."""
    global _size_store
    _size_store = settings


def _saved_sizes() -> dict[str, Any]:
    from mediator_desktop import settings as opts

    try:
        sizes = json.loads(_size_store.get(opts.DIALOG_SIZES) or "{}")
    except ValueError:
        return {}
    return sizes if isinstance(sizes, dict) else {}


def _splitters(dialog: QWidget) -> dict[str, QSplitter]:
    return {s.objectName(): s for s in dialog.findChildren(QSplitter) if s.objectName()}


def remember_size(dialog: QWidget, key: str) -> None:
    """A dialog users resize often (文书, 调解记录, 调解协议) opens at the size it was left at
    (in proportion when the font size changed since), clamped to the screen, with its named
    splitters where they were (call after :func:`fit_to_screen`); both are kept when it closes.
    Kept as ``[width, height, font size, {splitter name: state}]`` under ``key``."""
    if _size_store is None:
        return
    saved = _saved_sizes().get(key)
    if (isinstance(saved, list) and len(saved) >= 3
            and all(isinstance(v, (int, float)) and v > 0 for v in saved[:3])):
        # Left at another font size: grown or shrunk in proportion.
        scale = QApplication.font().pointSizeF() / float(saved[2])
        size = QSize(int(saved[0] * scale), int(saved[1] * scale))
        _place(dialog, size.expandedTo(dialog.minimumSizeHint()), centre=True)
        states = saved[3] if len(saved) > 3 and isinstance(saved[3], dict) else {}
        for name, splitter in _splitters(dialog).items():
            if isinstance(states.get(name), str):
                splitter.restoreState(QByteArray.fromBase64(states[name].encode("ascii")))

    def keep(_result: int = 0) -> None:
        from mediator_desktop import settings as opts

        if _size_store is None or dialog.isMaximized():
            return
        sizes = _saved_sizes()
        states = {name: bytes(s.saveState().toBase64().data()).decode("ascii")
                  for name, s in _splitters(dialog).items()}
        sizes[key] = [dialog.width(), dialog.height(), QApplication.font().pointSizeF(), states]
        _size_store.set(opts.DIALOG_SIZES, json.dumps(sizes, sort_keys=True))
        _size_store.save()

    dialog.finished.connect(keep)


class PreserveGeometry(QDialog):
    """The base of a dialog users resize (Picard's PreserveGeometry): it opens at the size it was
    last left at — in proportion to a changed font size, within the screen — with its named
    splitters where they were. A subclass builds itself, then calls :meth:`keep_geometry`."""

    def keep_geometry(self, key: str, preferred: tuple[int, int]) -> None:
        """Fit to the screen at ``preferred`` (the first time), then as last left under ``key``."""
        fit_to_screen(self, preferred)
        remember_size(self, key)


#: Dynamic property: (kind, lines, extra) of :func:`height_in_lines`, re-applied after a font change.
LINES_PROPERTY = "heightInLines"


def height_in_lines(widget: QWidget, lines: float, *, extra: int = 0, kind: str = "fixed") -> None:
    """Make ``widget`` (a text box, a list) ``lines`` lines of its font high — ``kind`` "fixed",
    "max" or "min" — plus ``extra`` pixels; it keeps that many lines when the font size
    setting changes (see :func:`follow_font_size`)."""
    widget.setProperty(LINES_PROPERTY, [kind, float(lines), int(extra)])
    _apply_lines(widget)


#: QFont::SizeResolved: the font sets its own size (PySide6 does not name the flag).
SIZE_RESOLVED = 0x0002


def _apply_lines(widget: QWidget) -> None:
    kind, lines, extra = widget.property(LINES_PROPERTY)
    font = widget.font()
    if not font.resolveMask() & SIZE_RESOLVED:
        font.setPointSizeF(QApplication.font().pointSizeF())  # a hidden page's font is updated late
    height = int(QFontMetrics(font).lineSpacing() * lines) + int(extra)
    {"fixed": widget.setFixedHeight, "max": widget.setMaximumHeight, "min": widget.setMinimumHeight}[kind](height)


class _MessageBoxFitter(QObject):
    """A message box wraps its text at 500 pixels whatever the font, so a long explanation at
    a large font runs off the bottom of the screen: such a box is made wider (as wide as Qt
    allows a message box) before it shows, and kept on the screen."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Show and isinstance(watched, QMessageBox):
            label = watched.findChild(QLabel, "qt_msgbox_label")
            if label is not None and label.text():
                area = screen_area(watched)
                widest = max(500, min(area.width() - 480, 1000))  # QMessageBox's own hard limit
                metrics = label.fontMetrics()
                text_height = metrics.boundingRect(QRect(0, 0, 500, 100000), Qt.TextFlag.TextWordWrap,
                                                   label.text()).height()
                if text_height + 8 * metrics.lineSpacing() > area.height():
                    icon = watched.findChild(QLabel, "qt_msgboxex_icon_label")
                    beside = (icon.sizeHint().width() if icon is not None else 0) + 80  # icon, margins
                    label.setMinimumWidth(widest - beside)
        return False


_message_box_fitter: _MessageBoxFitter | None = None


def install_message_box_fitter(app: QApplication) -> None:
    """Make every message box of the application fit the screen (once)."""
    global _message_box_fitter
    if _message_box_fitter is None:
        _message_box_fitter = _MessageBoxFitter(app)
        app.installEventFilter(_message_box_fitter)


class Numbered(Protocol):
    def set_number(self, n: int, count: int) -> None: ...


N = TypeVar("N", bound=Numbered)


class NumberedColumn(Generic[N]):
    """Widgets one under another (an agreement's terms, a term's instalments), kept in a list in
    the order they show and numbered again after every change. Reads like the list."""

    def __init__(self, layout: QVBoxLayout) -> None:
        self.layout = layout
        self.items: list[N] = []

    def __iter__(self) -> Iterator[N]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, k: int) -> N:
        return self.items[k]

    def append(self, item: N) -> None:
        self.items.append(item)
        self.layout.addWidget(item)
        self._renumber()

    def remove(self, item: N) -> None:
        self.items.remove(item)
        self.layout.removeWidget(item)
        item.hide()
        item.deleteLater()
        self._renumber()

    def move(self, item: N, step: int) -> bool:
        """Move ``item`` ``step`` places down (up when negative); False when it cannot go."""
        k = self.items.index(item)
        if not 0 <= k + step < len(self.items):
            return False
        self.items[k], self.items[k + step] = self.items[k + step], self.items[k]
        self.layout.removeWidget(item)
        self.layout.insertWidget(k + step, item)
        self._renumber()
        return True

    def _renumber(self) -> None:
        for n, item in enumerate(self.items, 1):
            item.set_number(n, len(self.items))
