"""排查记录: the screening log (STATISTICS.md §3). A window lists the rounds of a period with its
figures; a round dialog holds the round and the disputes found, each turned into a case (转为案件,
the intake prefilled), prevented on the spot (预防) or referred (移交)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop.domain.enums import RiskLevel
from mediator_desktop.domain.text import chinese_date
from mediator_desktop.services.screening import ItemDraft, ItemView, RoundDraft, RoundRow, RoundView
from mediator_desktop.ui.common.record_list import RecordDialog, RecordListWindow, RowFocusSelects, input_table
from mediator_desktop.ui.common.widgets import (
    WARNING_STYLE,
    FieldErrors,
    RowTableModel,
    add_row,
    attempt,
    button_row,
    close_on_escape,
    date_edit,
    error_label,
    fill_enum_combo,
    fit_to_screen,
    form_footer,
    height_in_lines,
    line_edit,
    picked_date,
    push_button,
    qdate,
    section_label,
    set_combo_value,
    tab_chain,
    tab_moves_on,
)

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services

ITEM_COLUMNS = ("当事人（可不具名）", "纠纷类型", "纠纷简要情况", "风险等级", "处理结果")


class RoundModel(RowTableModel):
    HEADERS = ("排查日期", "排查区域", "排查人", "结果")

    def cell(self, r: RoundRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (chinese_date(r.held_on), r.area, r.screeners, r.result_text)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return r.result_text
        if role == Qt.ItemDataRole.UserRole:
            return r.id
        return None


class ScreeningWindow(RecordListWindow):
    """The rounds of a period (default: this year), newest first, with the period's figures.
    ``changed()`` after a round is saved or deleted (本期尚未排查 may come or go)."""

    case_changed = Signal(int)

    DELETE_TITLE = "删除排查记录"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.services = services
        self.setWindowTitle("排查记录")
        close_on_escape(self)
        lay = QVBoxLayout(self)
        today = services.today()
        period = QHBoxLayout()
        self.date_from = date_edit(date(today.year, 1, 1))
        self.date_to = date_edit(today)
        self.show_button = push_button("查询(&Q)", self.refresh)
        for w in (QLabel("从"), self.date_from, QLabel("至"), self.date_to, self.show_button):
            period.addWidget(w)
        period.addStretch()
        lay.addLayout(period)
        self.figures = QLabel()
        self.figures.setWordWrap(True)
        lay.addWidget(self.figures)
        self.reminder = QLabel()
        self.reminder.setWordWrap(True)
        lay.addWidget(self.reminder)
        self._add_list(lay, RoundModel(self), "screeningTable", "双击一行（或选中后按回车）打开该次排查，处理发现的纠纷。",
                       "新的排查(&N)…")
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.dialog: RoundDialog | None = None
        self.refresh()
        fit_to_screen(self, (960, 600))

    def refresh(self) -> None:
        start, end = picked_date(self.date_from), picked_date(self.date_to)

        def read() -> list[RoundRow]:
            rows = self.services.screening.rounds(start, end)
            self._figures = self.services.screening.figures(start, end)
            return rows

        if self._show_rows(read, "排查记录") is None:
            return
        f = self._figures
        self.figures.setText(f"{chinese_date(start)}至{chinese_date(end)}：排查{f.rounds}次，发现纠纷{f.found}件"
                             f"（转为案件{f.to_case}件，移交{f.referred}件），预防纠纷{f.prevented}件。")
        period = self.services.screening.current_period()
        if period is None:
            self.reminder.setText("")
        else:
            done = self.services.screening.rounds(*period)
            span = f"{period[0].month}月{period[0].day}日至{period[1].month}月{period[1].day}日"
            self.reminder.setText(f"本期（{span}）已排查{len(done)}次。" if done else f"本期（{span}）尚未排查。")
            self.reminder.setStyleSheet("" if done else WARNING_STYLE)

    def new_round(self) -> RoundDialog:
        return self._open(None)

    def _dialog(self, record_id: int | None) -> RoundDialog:
        dialog = RoundDialog(self.services, record_id, self)
        dialog.case_changed.connect(self.case_changed)
        return dialog

    def _delete(self, record_id: int) -> object:
        return self.services.screening.delete(record_id)

    def _delete_question(self, row: RoundRow) -> str:
        return f"删除{chinese_date(row.held_on)}在{row.area}的排查记录？"


class RoundDialog(RecordDialog):
    """One round: date, area, who screened, 零报告, and the disputes found, one row each, with
    the buttons 转为案件 / 预防 / 移交 for the selected row (the round is saved first)."""

    case_changed = Signal(int)

    DISCARD_QUESTION = "排查记录还没有保存，确定要关闭吗？"
    TABLES = ("items",)

    def __init__(self, services: Services, round_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.services = services
        self.round_id = round_id
        self.view: RoundView | None = None
        #: The saved item of each row (None: a row added since the last save).
        self._row_ids: list[int | None] = []
        self.setWindowTitle("新的排查" if round_id is None else "排查记录")
        lay = QVBoxLayout(self)
        form = QFormLayout()
        lay.addLayout(form)
        self.errors = FieldErrors()
        self.held_on = date_edit(services.today(), maximum=services.today())
        self.area = line_edit("村、组或网格，如：幸福村3组")
        self.screeners = line_edit("排查人，如：王芳、网格员李明")
        self.nil_report = QCheckBox("零报告（本次未发现矛盾纠纷）(&Z)")
        self.note = QPlainTextEdit()
        tab_moves_on(self.note)
        height_in_lines(self.note, 1.5, extra=12)
        add_row(form, self.errors, "held_on", "排查日期(&D)：", self.held_on)
        add_row(form, self.errors, "area", "排查区域(&A)：", self.area)
        add_row(form, self.errors, "screeners", "排查人(&W)：", self.screeners)
        add_row(form, self.errors, "nil_report", "", self.nil_report)
        add_row(form, self.errors, "note", "备注：", self.note)
        lay.addWidget(section_label("发现的矛盾纠纷"))
        # Tab walks the inputs of each row (tab_chain in _rows_changed) and the row whose input
        # has the cursor is the selected one.
        self.items = input_table(ITEM_COLUMNS, "screeningItems")
        header = self.items.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)   # the summary takes the rest
        em = self.fontMetrics().horizontalAdvance("字")
        for col, chars in ((0, 6), (1, 6.5), (3, 3), (4, 6)):
            self.items.setColumnWidth(col, int(chars * em) + 16)
        self.items.setMinimumHeight(150)
        self.row_focus = RowFocusSelects(self.items)
        self.items_errors = error_label()
        self.errors.bind("items", self.items, self.items_errors)
        lay.addWidget(self.items, 1)
        lay.addWidget(self.items_errors)
        self.add_button = push_button("添加一条(&T)", self.add_item)
        self.remove_button = push_button("删去所选", self.remove_item)
        self.case_button = push_button("转为案件(&C)…", self.to_case, "打开受理登记，已填好这条纠纷的情况")
        self.prevent_button = push_button("预防(&P)…", self.prevent, "当场化解或防止，写明情况")
        self.refer_button = push_button("移交(&R)…", self.refer, "移交其他单位或部门处理")
        self.reopen_button = push_button("撤销处理", self.reopen, "预防或移交记错了：改回待处理")
        button_row(lay, (self.add_button, self.remove_button),
                   (self.case_button, self.prevent_button, self.refer_button, self.reopen_button))
        self.message, self.buttons = form_footer(self, lay, "保存(&S)", self.save_and_close, (1100, 680))
        self.intake: Any = None
        self.outcome_dialog: OutcomeDialog | None = None
        if round_id is not None:
            self._load(round_id)
        self._connect()
        self._update_buttons()

    def _connect(self) -> None:
        for edit in (self.area, self.screeners):
            edit.textEdited.connect(self._mark_dirty)
        self.note.textChanged.connect(self._mark_dirty)
        self.held_on.dateChanged.connect(self._mark_dirty)
        self.nil_report.toggled.connect(self._mark_dirty)
        self.items.currentCellChanged.connect(lambda *_: self._update_buttons())

    # -- the form -----------------------------------------------------------------------------

    def _load(self, round_id: int) -> None:
        view = self.services.screening.get(round_id)
        self._show(view)

    def _reload(self, round_id: int) -> None:
        """The round read again after one of its items was handled, and ``changed()``."""
        self._load(round_id)
        self.changed.emit()

    def _show(self, view: RoundView) -> None:
        self.view, self.round_id = view, view.id
        self.held_on.setDate(qdate(view.held_on))
        self.area.setText(view.area)
        self.screeners.setText(view.screeners)
        self.nil_report.setChecked(view.nil_report)
        self.note.setPlainText(view.note)
        self.items.setRowCount(0)
        self._row_ids.clear()
        for item in view.items:
            self._add_row(item.to_draft(), item)
        self.setWindowTitle(f"排查记录 — {chinese_date(view.held_on)} {view.area}")
        self._dirty = False

    def _add_row(self, d: ItemDraft, view: ItemView | None = None) -> int:
        row = self.items.rowCount()
        self.items.insertRow(row)
        parties = QLineEdit(d.parties)
        parties.setPlaceholderText("如：张某等三户")
        kind = QComboBox()
        kind.addItem("（未定）", None)
        for t in self.services.dispute_types.list(active_only=True):
            kind.addItem(("　" if t.parent_id else "") + t.name, t.id)
        set_combo_value(kind, d.dispute_type_id)
        summary = QLineEdit(d.summary)
        risk = QComboBox()
        fill_enum_combo(risk, RiskLevel)
        set_combo_value(risk, d.risk_level)
        outcome = QLabel(view.outcome_text if view is not None else "待处理（未保存）")
        outcome.setToolTip(outcome.text())
        summary.setToolTip("纠纷简要情况")
        for col, widget in enumerate((parties, kind, summary, risk, outcome)):
            self.items.setCellWidget(row, col, widget)
        parties.textEdited.connect(self._mark_dirty)
        summary.textEdited.connect(self._mark_dirty)
        kind.currentIndexChanged.connect(self._mark_dirty)
        risk.currentIndexChanged.connect(self._mark_dirty)
        for w in (parties, summary, kind, risk):  # working in a row selects it
            w.installEventFilter(self.row_focus)
        self.items.setRowHeight(row, parties.sizeHint().height() + 6)
        self._row_ids.append(d.id)
        self._rows_changed()
        return row

    def _rows_changed(self) -> None:
        """Tab goes from the note through each row's inputs to 添加一条 (reading order)."""
        cells = [self.items.cellWidget(r, c) for r in range(self.items.rowCount()) for c in range(4)]
        tab_chain([self.note, *cells, self.add_button])
        self._update_buttons()

    def add_item(self) -> None:
        if self.nil_report.isChecked():
            self.nil_report.setChecked(False)
        row = self._add_row(ItemDraft())
        self._dirty = True
        self.items.selectRow(row)
        self.items.cellWidget(row, 0).setFocus()

    def remove_item(self) -> None:
        row = self.items.currentRow()
        if row < 0:
            return
        self.items.removeRow(row)
        del self._row_ids[row]
        self._dirty = True
        self._rows_changed()

    def draft(self) -> RoundDraft:
        items = []
        for row in range(self.items.rowCount()):
            w = [self.items.cellWidget(row, c) for c in range(4)]
            items.append(ItemDraft(w[0].text(), w[1].currentData(), w[2].text(), w[3].currentData(),  # type: ignore[attr-defined]
                                   self._row_ids[row]))
        return RoundDraft(picked_date(self.held_on), self.area.text(), self.screeners.text(), self.nil_report.isChecked(),
                          self.note.toPlainText(), items, self.view.version if self.view else None)

    def _write(self) -> RoundView:
        return self.services.screening.save(self.round_id, self.draft())

    # -- what became of the selected item -------------------------------------------------------

    def _selected_item(self) -> ItemView | None:
        """The selected row's saved item — the round is saved first when it has changes."""
        row = self.items.currentRow()
        if row < 0:
            self.message.say("请先在表格中选中一条纠纷")
            return None
        if (self._dirty or self.round_id is None) and not self.save():
            return None
        assert self.view is not None
        if not 0 <= row < len(self.view.items):
            return None
        item = self.view.items[row]
        if not item.open:
            self.message.say(f"这条纠纷已{item.outcome_text}")
            return None
        return item

    def to_case(self) -> Any:
        """转为案件: the intake opens with the item's facts; saving it links the new case."""
        from mediator_desktop.ui.intake.intake_dialog import IntakeDialog

        item = self._selected_item()
        if item is None:
            return None
        draft = attempt(lambda: self.services.screening.case_draft(item.id), self.message)
        if draft is None:
            return None
        intake = IntakeDialog(self.services, self)
        intake.prefill(draft)

        def saved(case_id: int) -> None:
            linked = attempt(lambda: self.services.screening.link_case(item.id, case_id), self.message)
            self.case_changed.emit(case_id)
            if linked is not None:
                self._reload(item.round_id)

        intake.saved.connect(saved)
        intake.open()
        self.intake = intake
        return intake

    def prevent(self) -> OutcomeDialog | None:
        item = self._selected_item()
        return None if item is None else self._outcome(item, refer=False)

    def refer(self) -> OutcomeDialog | None:
        item = self._selected_item()
        return None if item is None else self._outcome(item, refer=True)

    def _outcome(self, item: ItemView, *, refer: bool) -> OutcomeDialog:
        dialog = OutcomeDialog(self.services, item, refer, self)

        dialog.accepted.connect(lambda: self._reload(item.round_id))
        dialog.open()
        self.outcome_dialog = dialog
        return dialog

    def reopen(self) -> None:
        row = self.items.currentRow()
        if self.view is None or not 0 <= row < len(self.view.items):
            return
        item = self.view.items[row]
        if attempt(lambda: self.services.screening.reopen(item.id), self.message) is not None:
            self._reload(item.round_id)

    def _update_buttons(self) -> None:
        row = self.items.currentRow()
        item = self.view.items[row] if self.view is not None and 0 <= row < len(self.view.items) \
            and row < len(self._row_ids) and self._row_ids[row] is not None else None
        can_act = row >= 0 and (item is None or item.open)
        for button in (self.case_button, self.prevent_button, self.refer_button):
            button.setEnabled(can_act)
        self.reopen_button.setEnabled(item is not None and item.outcome in ("prevented", "referred"))
        self.remove_button.setEnabled(row >= 0 and (item is None or item.open))


class OutcomeDialog(QDialog):
    """预防 (date and what was done) or 移交 (date, to whom, a note) of one item."""

    def __init__(self, services: Services, item: ItemView, refer: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.item, self.refer = services, item, refer
        self.setWindowTitle("移交处理" if refer else "预防纠纷")
        lay = QVBoxLayout(self)
        who = item.parties or "（未具名）"
        about = QLabel(f"当事人：{who}\n{item.summary}")
        about.setWordWrap(True)
        lay.addWidget(about)
        form = QFormLayout()
        lay.addLayout(form)
        self.errors = FieldErrors()
        self.on = date_edit(services.today(), maximum=services.today())
        add_row(form, self.errors, "on", "日期(&D)：", self.on)
        self.to = line_edit("接收的单位或部门，如：镇劳动保障所")
        if refer:
            add_row(form, self.errors, "referred_to", "移交给(&T)：", self.to)
        self.note = QPlainTextEdit()
        tab_moves_on(self.note)
        height_in_lines(self.note, 4, extra=12)
        add_row(form, self.errors, "note", "说明(&N)：" if refer else "预防情况(&N)：", self.note)
        self.message, self.buttons = form_footer(self, lay, "保存(&S)", self.save, (620, 420))

    def save(self) -> None:
        s = self.services.screening
        on, note = picked_date(self.on), self.note.toPlainText()
        if self.refer:
            done = attempt(lambda: s.refer(self.item.id, on, self.to.text(), note, version=self.item.version),
                           self.message, self.errors)
        else:
            done = attempt(lambda: s.prevent(self.item.id, on, note, version=self.item.version),
                           self.message, self.errors)
        if done is not None:
            self.accept()
