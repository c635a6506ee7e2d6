"""The holiday arrangements (节假日安排) an office enters by hand.

The State Council publishes each year's holidays (放假) and make-up working days (调休上班) late
in the year before. Years chinese-calendar already knows are shown read-only (corrections can
still be entered); a later year is entered here day by day — a holiday as a from–to range, a
make-up day as one date — and marked complete. Until then its deadlines are shown as 暂定.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop.domain.text import day_text
from mediator_desktop.domain.workdays import BUILTIN, builtin_arrangement
from mediator_desktop.services.calendar import EnteredDay, YearInfo
from mediator_desktop.services.errors import ServiceError, ValidationError
from mediator_desktop.ui.common.widgets import (
    ERROR_STYLE,
    INVALID_STYLE,
    OK_STYLE,
    WARNING_STYLE,
    RowTableModel,
    confirm_discard,
    date_edit,
    error_label,
    fit_to_screen,
    form_footer,
    line_edit,
    ok_cancel,
    on_click,
    scrolling_body,
    section_label,
    table_view,
)

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services

#: The names offered for a holiday (the name may also be typed).
HOLIDAY_NAMES = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节", "中秋节、国庆节")
#: A typo guard: no statutory holiday run is longer than this.
LONGEST_HOLIDAY = 31
EXPLANATION = (
    "国务院办公厅每年年底公布下一年的放假安排。某一年的安排尚未公布或尚未录入完整时，"
    "本程序按周末和元旦、劳动节、国庆节等固定节日推算该年的期限，并在日期后注明“暂定”。"
    "通知公布后，请在这里录入该年的放假日期和调休上班日，录完后勾选“该年度安排已完整录入”并保存。")
MAKEUP_COLOUR = QColor("#0d47a1")


class BuiltinModel(RowTableModel):
    """The built-in arrangement of a year, one holiday a row (read-only)."""

    HEADERS = ("节日", "放假", "调休上班")

    def cell(self, row: tuple[str, str, str], column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return row[column]
        return None


class EnteredDaysModel(RowTableModel):
    """The days entered for a year, one day a row, in date order."""

    HEADERS = ("日期", "安排", "名称")

    def set_days(self, days: Iterable[EnteredDay]) -> None:
        self.set_rows(sorted(days, key=lambda d: d.day))

    def days(self) -> list[EnteredDay]:
        return list(self.rows)

    def cell(self, row: EnteredDay, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (day_text(row.day), "调休上班" if row.working else "放假", row.name)[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == 1 and row.working:
            return MAKEUP_COLOUR
        if role == Qt.ItemDataRole.UserRole:
            return row.day
        return None


def _date_edit(year: int) -> QDateEdit:
    return date_edit(date(year, 1, 1), minimum=date(year, 1, 1), maximum=date(year, 12, 31))


class _DayFormDialog(QDialog):
    """A small form for days of one year: fields, a hint, a message for a refusal, 添加/取消."""

    def __init__(self, year: int, title: str, rows: list[tuple[str, QWidget]], hint: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.year = year
        self.setWindowTitle(title)
        lay = QVBoxLayout(self)
        form = QFormLayout()
        for label, widget in rows:
            form.addRow(label, widget)
        lay.addLayout(form)
        note = QLabel(hint)
        note.setWordWrap(True)
        lay.addWidget(note)
        self.message, self.buttons = form_footer(self, lay, "添加", self._accept, (460, 0))

    def _accept(self) -> None:
        raise NotImplementedError

    def _refuse(self, text: str) -> None:
        self.message.say(text)


class HolidayRangeDialog(_DayFormDialog):
    """Ask for a holiday: from, to and its name (春节 2027-02-05 至 2027-02-13)."""

    def __init__(self, year: int, parent: QWidget | None = None) -> None:
        self.start = _date_edit(year)
        self.end = _date_edit(year)
        self.name = QComboBox()
        self.name.setEditable(True)
        self.name.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.name.addItems(HOLIDAY_NAMES)
        self.name.setCurrentIndex(-1)
        self.name.lineEdit().setPlaceholderText("如 春节")
        super().__init__(year, f"添加{year}年的放假日期",
                         [("从(&F)：", self.start), ("到(&T)：", self.end), ("节日名称(&N)：", self.name)],
                         "从哪天到哪天放假（含周末），每一天都会加入表中。跨年的放假日期请在两个年度分别录入。", parent)
        self.start.dateChanged.connect(self._start_changed)

    def _start_changed(self, new: QDate) -> None:
        if self.end.date() < new:
            self.end.setDate(new)

    def days(self) -> list[EnteredDay]:
        start, end = self.start.date().toPython(), self.end.date().toPython()
        name = self.name.currentText().strip()
        count = (end - start).days + 1  # type: ignore[operator]
        return [EnteredDay(start + timedelta(days=k), False, name) for k in range(max(count, 0))]  # type: ignore[operator]

    def _accept(self) -> None:
        start, end = self.start.date().toPython(), self.end.date().toPython()
        if end < start:  # type: ignore[operator]
            self._refuse("“到”的日期早于“从”的日期，请核对")
        elif (end - start).days + 1 > LONGEST_HOLIDAY:  # type: ignore[operator]
            self._refuse(f"放假日期连续超过{LONGEST_HOLIDAY}天，请核对起止日期")
        else:
            self.accept()


class MakeUpDayDialog(_DayFormDialog):
    """Ask for one make-up working day (调休上班, usually a Saturday or Sunday)."""

    def __init__(self, year: int, parent: QWidget | None = None) -> None:
        self.day = _date_edit(year)
        self.name = line_edit("如 春节调休（可不填）")
        super().__init__(year, f"添加{year}年的调休上班日", [("上班日期(&D)：", self.day), ("说明(&N)：", self.name)],
                         "调休上班日是本来休息、按通知要上班的周六或周日。", parent)

    def entered(self) -> EnteredDay:
        return EnteredDay(self.day.date().toPython(), True, self.name.text().strip() or "调休上班")  # type: ignore[arg-type]

    def _accept(self) -> None:
        day: date = self.day.date().toPython()  # type: ignore[assignment]
        if day.weekday() < 5 and BUILTIN.is_working_day(day)[0]:
            self._refuse(f"{day_text(day)}本来就是工作日，不需要录入为调休上班")
            return
        self.accept()


class CalendarDialog(QDialog):
    """节假日安排: view the built-in years, enter or correct a year by hand.

    Open with ``open()``; ``saved(year)`` after a year was saved (the services have dropped
    their cached calendar by then, so deadlines shown elsewhere should be re-read)."""

    saved = Signal(int)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setWindowTitle("节假日安排")
        self._dirty = False
        self._year: int | None = None
        self._infos: dict[int, YearInfo] = {}
        self.can_edit = services.can_administer
        dialog_layout = QVBoxLayout(self)
        body_widget = QWidget()
        lay = QVBoxLayout(body_widget)  # scrolls on a small screen; the buttons stay below it
        lay.setContentsMargins(0, 0, 0, 0)
        dialog_layout.addWidget(scrolling_body(body_widget), 1)

        explanation = QLabel(EXPLANATION)
        explanation.setWordWrap(True)
        lay.addWidget(explanation)

        row = QHBoxLayout()
        year_label = QLabel("年度(&Y)：")
        self.year_combo = QComboBox()
        self.year_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        year_label.setBuddy(self.year_combo)
        row.addWidget(year_label)
        row.addWidget(self.year_combo)
        row.addStretch()
        lay.addLayout(row)
        self.state = QLabel()
        self.state.setWordWrap(True)
        lay.addWidget(self.state)

        # The built-in arrangement (read-only).
        self.builtin_box = QWidget()
        box = QVBoxLayout(self.builtin_box)
        box.setContentsMargins(0, 0, 0, 0)
        self.builtin_title = section_label("国务院公布的安排（程序已内置，只能查看）")
        box.addWidget(self.builtin_title)
        self.builtin_model = BuiltinModel(self)
        self.builtin_table = table_view(self.builtin_model, 160)
        self.builtin_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.builtin_table.setWordWrap(False)
        header = self.builtin_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        box.addWidget(self.builtin_table)
        self.builtin_note = QLabel("内置安排如与国务院通知不符，仍可在下面录入更正；录入的日期优先。")
        self.builtin_note.setWordWrap(True)
        box.addWidget(self.builtin_note)
        lay.addWidget(self.builtin_box)

        # The days entered by hand.
        self.entered_title = section_label("录入的日期")
        lay.addWidget(self.entered_title)
        self.entered_box = QWidget()
        body = QHBoxLayout(self.entered_box)
        body.setContentsMargins(0, 0, 0, 0)
        self.model = EnteredDaysModel(self)
        self.table = table_view(self.model, 150)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        metrics = self.table.fontMetrics()
        self.table.setColumnWidth(0, metrics.horizontalAdvance("2027年12月31日 星期三") + 24)
        self.table.setColumnWidth(1, metrics.horizontalAdvance("调休上班") + 24)
        body.addWidget(self.table, 1)
        buttons = QVBoxLayout()
        self.add_holiday_button = QPushButton("添加放假日期…")
        self.add_makeup_button = QPushButton("添加调休上班日…")
        self.remove_button = QPushButton("删除所选")
        for b in (self.add_holiday_button, self.add_makeup_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch()
        body.addLayout(buttons)
        lay.addWidget(self.entered_box)
        self._layout = lay

        form = QFormLayout()
        self.source = line_edit("如 国务院办公厅关于2027年部分节假日安排的通知")
        form.addRow("依据(&S)：", self.source)
        lay.addLayout(form)
        self.complete = QCheckBox("该年度安排已完整录入")
        lay.addWidget(self.complete)
        self.complete_hint = QLabel("勾选后，该年的日期不再注明“暂定”。只录入了部分日期时请不要勾选。")
        self.complete_hint.setWordWrap(True)
        lay.addWidget(self.complete_hint)

        self.message = error_label()
        dialog_layout.addWidget(self.message)
        self.buttons = ok_cancel("保存", "关闭", on_ok=self.save, on_cancel=self.reject)
        dialog_layout.addWidget(self.buttons)


        self._fill_years()
        self._connect()
        self.show_year(self._default_year())
        fit_to_screen(self, (860, 820))

    def _connect(self) -> None:
        on_click({self.add_holiday_button: self.add_holiday, self.add_makeup_button: self.add_makeup_day,
                  self.remove_button: self.remove_selected})
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.source.textEdited.connect(self._mark_dirty)
        self.complete.toggled.connect(self._mark_dirty)
        self.year_combo.currentIndexChanged.connect(self._year_chosen)

    # -- years --------------------------------------------------------------------------------

    def _fill_years(self) -> None:
        self._infos = {y.year: y for y in self.services.calendar.years()}
        current = self._year
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        for info in self._infos.values():
            self.year_combo.addItem(f"{info.year}年　{info.state}", info.year)
        if current is not None:
            self.year_combo.setCurrentIndex(max(self.year_combo.findData(current), 0))
        self.year_combo.blockSignals(False)

    def _default_year(self) -> int:
        """The first year from this one whose arrangement is not known yet (the one most
        likely to need entering), else this year."""
        this = self.services.today().year
        for info in self._infos.values():
            if info.year >= this and not info.complete:
                return info.year
        return this if this in self._infos else next(iter(self._infos))

    def year(self) -> int:
        assert self._year is not None
        return self._year

    def info(self) -> YearInfo:
        return self._infos[self.year()]

    def _year_chosen(self, index: int) -> None:
        year = self.year_combo.itemData(index)
        if year is None or year == self._year:
            return
        if not self._dirty:
            self.show_year(year)
            return
        # Unsaved entries: stay on the year until the user agrees to drop them.
        self.year_combo.blockSignals(True)
        self.year_combo.setCurrentIndex(self.year_combo.findData(self._year))
        self.year_combo.blockSignals(False)

        def discard() -> None:
            self._dirty = False
            self.show_year(year)

        self.discard_box = confirm_discard(
            self, f"{self._year}年录入的内容还没有保存，确定要换到{year}年吗？", discard)

    def show_year(self, year: int) -> None:
        """Show ``year``: its built-in arrangement, the days entered, source and completeness."""
        self._year = year
        self.year_combo.blockSignals(True)
        self.year_combo.setCurrentIndex(self.year_combo.findData(year))
        self.year_combo.blockSignals(False)
        info = self._infos[year]
        self.builtin_box.setVisible(info.builtin)
        # The built-in table gets the room in a built-in year, the entered days otherwise.
        self._layout.setStretchFactor(self.builtin_box, 3 if info.builtin else 0)
        self._layout.setStretchFactor(self.entered_box, 1 if info.builtin else 3)
        if info.builtin:
            self.builtin_model.set_rows(builtin_arrangement(year))
            self.entered_title.setText(f"手工更正{year}年的日期（一般不需要）")
        else:
            self.builtin_model.set_rows([])
            self.entered_title.setText(f"录入{year}年的放假日期和调休上班日")
        self.model.set_days(self.services.calendar.days(year))
        self.source.setText(info.source)
        self.source.setPlaceholderText(f"如 国务院办公厅关于{year}年部分节假日安排的通知")
        self.complete.blockSignals(True)
        self.complete.setChecked(info.complete and not info.builtin)
        self.complete.blockSignals(False)
        self.complete.setVisible(not info.builtin)
        self.complete_hint.setVisible(not info.builtin)
        self._show_state(info)
        self.message.hide()
        self._dirty = False
        self._update_buttons()

    def _show_state(self, info: YearInfo) -> None:
        if self.can_edit:
            self.state.setText(f"{info.year}年：{info.state}")
        else:
            self.state.setText(f"{info.year}年：{info.state}。您没有录入节假日安排的权限，只能查看。")
        self.state.setStyleSheet("" if info.complete else WARNING_STYLE + " font-weight: bold;")

    # -- editing ------------------------------------------------------------------------------

    def _update_buttons(self, *_args: object) -> None:
        for b in (self.add_holiday_button, self.add_makeup_button, self.source, self.complete):
            b.setEnabled(self.can_edit)
        self.remove_button.setEnabled(self.can_edit and self.table.selectionModel().hasSelection())
        self.buttons.button(self.buttons.StandardButton.Ok).setEnabled(self.can_edit)

    def _mark_dirty(self, *_args: object) -> None:
        self._dirty = True
        self.message.hide()

    def add_days(self, days: Iterable[EnteredDay]) -> None:
        """Add days to the table; a day already there is replaced."""
        new = {d.day: d for d in days}
        if not new:
            return
        self.model.set_days([d for d in self.model.days() if d.day not in new] + list(new.values()))
        self._mark_dirty()
        first = min(new)
        for row, d in enumerate(self.model.days()):
            if d.day == first:
                self.table.scrollTo(self.model.index(row, 0))
                break

    def add_holiday(self) -> HolidayRangeDialog:
        dialog = HolidayRangeDialog(self.year(), self)
        dialog.accepted.connect(lambda: self.add_days(dialog.days()))
        dialog.open()
        self.range_dialog = dialog
        return dialog

    def add_makeup_day(self) -> MakeUpDayDialog:
        dialog = MakeUpDayDialog(self.year(), self)
        dialog.accepted.connect(lambda: self.add_days([dialog.entered()]))
        dialog.open()
        self.makeup_dialog = dialog
        return dialog

    def remove_selected(self) -> None:
        rows = {i.row() for i in self.table.selectionModel().selectedRows()}
        if not rows:
            return
        self.model.set_days([d for k, d in enumerate(self.model.days()) if k not in rows])
        self._mark_dirty()
        self._update_buttons()

    # -- saving -------------------------------------------------------------------------------

    def save(self) -> bool:
        year = self.year()
        complete = self.complete.isChecked() and not self.info().builtin
        try:
            self.services.calendar.save_year(year, self.model.days(), complete=complete,
                                             source=self.source.text())
        except ValidationError as exc:
            self._refuse("\n".join(p.message for p in exc.errors) or str(exc))
            if any(p.field.startswith("days") for p in exc.errors):
                self.table.setStyleSheet(INVALID_STYLE)
            return False
        except ServiceError as exc:
            self._refuse(str(exc))
            return False
        self._dirty = False
        self.table.setStyleSheet("")
        self._fill_years()
        self._show_state(self.info())
        self.message.setText(f"已保存{year}年的节假日安排。")
        self.message.setStyleSheet(OK_STYLE)
        self.message.show()
        self.saved.emit(year)
        return True

    def _refuse(self, text: str) -> None:
        self.table.setStyleSheet("")
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.show()

    def reject(self) -> None:
        if not self._dirty:
            super().reject()
            return

        def discard() -> None:
            self._dirty = False
            QDialog.reject(self)

        self.discard_box = confirm_discard(self, "录入的节假日安排还没有保存，确定要关闭吗？", discard)


__all__ = ["CalendarDialog", "EnteredDaysModel", "BuiltinModel", "HolidayRangeDialog", "MakeUpDayDialog"]
