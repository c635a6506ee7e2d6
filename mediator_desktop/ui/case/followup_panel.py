"""The case view's "回访与司法确认" tab: the judicial-confirmation window and its tracking
(司法确认, LEGAL.md §5), and the follow-up visits (回访, LEGAL.md §6) — planned automatically when
the agreement takes effect, moved (改期), not reached (未联系上), added by hand, recorded with
the visit form, each with its history."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop.domain.deadlines import Urgency, days_left_text, urgency
from mediator_desktop.domain.enums import (
    CaseStatus,
    ConfirmationResult,
    Performance,
    VisitKind,
    VisitMethod,
)
from mediator_desktop.domain.text import chinese_date
from mediator_desktop.domain.workdays import PROVISIONAL_NOTE, WorkCalendar
from mediator_desktop.services.dto import CaseDetail
from mediator_desktop.services.errors import FieldProblem, ServiceError, ValidationError
from mediator_desktop.services.followups import (
    ConfirmationDraft,
    ConfirmationView,
    VisitView,
)
from mediator_desktop.ui.case.panel_base import CasePanel
from mediator_desktop.ui.case.visit_dialog import (
    HINT_STYLE,
    VisitDialog,
    date_of,
)
from mediator_desktop.ui.common.widgets import (
    GREEN,
    OK_STYLE,
    RED,
    WARNING_STYLE,
    FieldErrors,
    RowTableModel,
    add_row,
    ask_yes_no,
    attempt,
    button_row,
    date_edit,
    enum_combo,
    error_label,
    form_footer,
    line_edit,
    on_click,
    parse_date,
    scrolling_panel,
    section_label,
    set_combo_value,
    table_view,
    text_label,
)

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services

W = TypeVar("W", bound=QWidget)

ORANGE = "#a35200"
GREY = "#6b6b6b"
#: The judicial-confirmation window line, by how near its last day is.
WINDOW_STYLES = {
    Urgency.URGENT: f"color: {RED}; font-weight: bold;",
    Urgency.SOON: f"color: {ORANGE}; font-weight: bold;",
    Urgency.LATER: "font-weight: bold;",
}
DATE_HINT = "如 2026-11-10 或 2026年11月10日"
SUED_TEXT = {True: "是", False: "否", None: "不清楚"}


# -- the visits table -----------------------------------------------------------------------------


def visit_status(v: VisitView, today: date, cal: WorkCalendar | None) -> tuple[str, str | None]:
    """The 状态 column: words and colour (None: the normal text colour)."""
    if v.done:
        return "已回访", GREEN
    tried = f"未联系上{v.attempts}次，" if v.attempts else ""
    if v.due is None:
        return tried + "待回访", None
    if v.due.due < today:
        # Working days, like the days left (issue 12): 已逾期5个工作日.
        return days_left_text(v.due.due, today, cal) + (f"（{tried[:-1]}）" if tried else ""), RED
    if v.due.due == today:
        return tried + "今天回访", ORANGE
    colour = ORANGE if urgency(v.due.due, today, cal) is Urgency.URGENT else None
    return f"{tried}待回访（{days_left_text(v.due.due, today, cal)}）", colour


class VisitTableModel(RowTableModel):
    """The visits of a case: to make first (by date), then made."""

    HEADERS = ("回访日期", "对象", "类型", "状态", "方式", "满意度", "回访人")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today: date | None = None
        self.calendar: WorkCalendar | None = None
        self._status: list[tuple[str, str | None]] = []

    def set_visits(self, visits: list[VisitView], today: date, cal: WorkCalendar | None = None) -> None:
        self.today, self.calendar = today, cal
        self._status = [visit_status(v, today, cal) for v in visits]
        self.set_rows(visits)

    def visit(self, row: int) -> VisitView | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows) or not 0 <= index.column() < len(self.HEADERS):
            return None
        v: VisitView = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                if v.done:
                    return chinese_date(v.done_on)
                return (chinese_date(v.due.due) + ("（暂定）" if v.due.provisional else "")) if v.due else "未定"
            if column == 3 and index.row() < len(self._status):
                return self._status[index.row()][0]
            return [None, v.party_name, v.kind_label, None, v.method_label, v.satisfaction, v.visitor][column] or ""
        if role == Qt.ItemDataRole.ForegroundRole and column == 3 and index.row() < len(self._status):
            colour = self._status[index.row()][1]
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.FontRole and column == 3 and not v.done and index.row() < len(self._status) \
                and self._status[index.row()][1] == RED:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = v.reason or v.kind_label
            if not v.done and v.due is not None and v.due.provisional:
                tip += "\n" + PROVISIONAL_NOTE.strip("（）")
            return tip
        if role == Qt.ItemDataRole.UserRole:
            return v.id
        return None


# -- small dialogs --------------------------------------------------------------------------------


class _SmallDialog(QDialog):
    """A short form whose save goes to a service; a refusal keeps it open with the reason in red.
    ``saved(object)`` with what the service returned."""

    saved = Signal(object)

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.errors = FieldErrors()
        self.lay = QVBoxLayout(self)
        self.form = QFormLayout()
        self.lay.addLayout(self.form)
        self.message = error_label()

    def row(self, field: str, label: str, widget: W) -> W:
        """Add ``widget`` as the form's next row; the service's problems with ``field`` show
        beside it."""
        add_row(self.form, self.errors, field, label, widget)
        return widget

    def next_visit_date(self, services: Services, field: str, label: str, after: date) -> QDateEdit:
        """A date row proposing the first working day after ``after``; never before today."""
        today = services.today()
        proposed = services.work_calendar().add_working_days(after, 1).due
        return self.row(field, label, date_edit(proposed, minimum=today))

    def finish_layout(self, ok_text: str) -> None:
        _, self.buttons = form_footer(self, self.lay, ok_text, self.save, (620, 0), self.message)

    def call(self) -> object:
        raise NotImplementedError

    def save(self) -> None:
        self.message.hide()
        result = attempt(self._wrapped_call, self.message, self.errors)
        if result is None:
            return
        self.errors.clear()
        self.saved.emit(result[0])
        self.accept()

    def _wrapped_call(self) -> tuple[object]:
        return (self.call(),)


class RescheduleDialog(_SmallDialog):
    """改期: a new date for a visit not made yet, and why."""

    def __init__(self, services: Services, visit: VisitView, parent: QWidget | None = None) -> None:
        super().__init__(f"回访改期 — {visit.party_name}", parent)
        self.services, self.visit = services, visit
        today = services.today()
        self.lay.insertWidget(0, text_label(f"回访{visit.party_name}（{visit.kind_label}），原定"
                                         f"{visit.due.text() if visit.due else '未定'}。"))
        start = max(visit.due.due if visit.due else today, today)
        self.new_due = self.next_visit_date(services, "new_due", "新的回访日期(&D)：", start)
        self.reason = self.row("reason", "改期原因(&R)：", line_edit("如：当事人外出务工，月底回来"))
        self.finish_layout("确定改期")

    def call(self) -> object:
        return self.services.followups.reschedule(self.visit.id, date_of(self.new_due), self.reason.text(),
                                                  version=self.visit.version)


class NotReachedDialog(_SmallDialog):
    """未联系上: when and how the party was tried, and when to try again."""

    def __init__(self, services: Services, visit: VisitView, parent: QWidget | None = None) -> None:
        super().__init__(f"未联系上 — {visit.party_name}", parent)
        self.services, self.visit = services, visit
        today = services.today()
        self.lay.insertWidget(0, text_label(f"回访{visit.party_name}时没有联系上。记下这次联系的情况，另约日期再回访。"))
        self.tried_on = self.row("tried_on", "联系日期(&T)：", date_edit(today, maximum=today))
        self.method = self.row("method", "联系方式(&M)：", enum_combo(VisitMethod, value=VisitMethod.PHONE.value))
        self.retry_on = self.next_visit_date(services, "retry_on", "再次回访日期(&N)：", today)
        self.note = self.row("note", "情况说明：", line_edit("如：电话无人接听；家中无人"))
        self.finish_layout("保存")

    def call(self) -> object:
        return self.services.followups.not_reached(self.visit.id, date_of(self.tried_on), date_of(self.retry_on),
                                                   self.method.currentData(), self.note.text(),
                                                   version=self.visit.version)


class AddVisitDialog(_SmallDialog):
    """新增回访: a visit the mediator plans by hand."""

    def __init__(self, services: Services, case_id: int, parties: list[tuple[int, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__("新增回访", parent)
        self.services, self.case_id = services, case_id
        today = services.today()
        self.party = QComboBox()
        self.party.addItem("请选择当事人", None)
        for position, name in parties:
            self.party.addItem(name, position)
        self.row("party", "回访对象(&P)：", self.party)
        self.due_on = self.next_visit_date(services, "due_on", "回访日期(&D)：", today)
        self.kind = self.row("kind", "回访类型(&K)：", enum_combo(VisitKind, value=VisitKind.OTHER.value))
        self.reason = self.row("reason", "回访事由(&R)：", line_edit("如：了解赔礼道歉是否落实"))
        self.finish_layout("安排回访")

    def call(self) -> object:
        return self.services.followups.add(self.case_id, self.party.currentData(), date_of(self.due_on),
                                           self.reason.text(), self.kind.currentData())


class CancelVisitDialog(_SmallDialog):
    """取消回访: a visit not made yet that is not needed (planned twice, no longer wanted)."""

    def __init__(self, services: Services, visit: VisitView, parent: QWidget | None = None) -> None:
        super().__init__("取消回访", parent)
        self.services, self.visit = services, visit
        when = chinese_date(visit.due.due) if visit.due else "未定"
        self.lay.insertWidget(0, text_label(f"确定取消{when}回访{visit.party_name}（{visit.kind_label}）吗？"
                                         "取消后会记入案件时间线。"))
        self.reason = self.row("reason", "取消原因(&R)：", line_edit("如：重复安排"))
        self.finish_layout("取消这次回访")
        self.buttons.buttons()[-1].setText("不取消")

    def call(self) -> object:
        self.services.followups.delete(self.visit.id, self.reason.text(), version=self.visit.version)
        return self.visit.id


# -- the panel ------------------------------------------------------------------------------------


class FollowUpPanel(CasePanel):
    """回访与司法确认 of one case. ``changed(case_id)`` after every write;
    ``close_requested(case_id)`` when the user chose 结案归档 after a visit."""

    close_requested = Signal(int)
    WRITES = {name: "edit" for name in ("record_button", "reschedule_button", "not_reached_button", "add_button",
                                         "cancel_button", "save_confirmation_button")} | {
        name: "edit" for name in ("court", "filed_on", "court_case_number", "result", "ruled_on", "enforcement_applied",
                                  "enforcement_on")}

    def __init__(self, services: Services, parent: QWidget | None = None, *, settings=None) -> None:
        super().__init__(services, parent)
        self.settings = settings
        self.detail: CaseDetail | None = None
        self.visits: list[VisitView] = []
        self.confirmation: ConfirmationView | None = None
        self.history_lines: list[str] = []
        self._filled: tuple[Any, ...] | None = None
        self._advised: int | None = None   # the case whose court proposals are in the combo
        self.visit_dialog: VisitDialog | None = None
        self.small_dialog: _SmallDialog | None = None
        self.confirm_box: QMessageBox | None = None

        lay = scrolling_panel(self)
        self.message = error_label()
        lay.addWidget(self.message)
        self.window_line = text_label(scale=1.15)
        self.window_line.hide()
        lay.addWidget(self.window_line)

        # 司法确认
        lay.addWidget(section_label("司法确认", 1.1))
        self.confirmation_hint = text_label(style=HINT_STYLE)
        lay.addWidget(self.confirmation_hint)
        self.confirmation_box = QFrame()
        self.confirmation_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.confirmation_box.setMaximumWidth(self.fontMetrics().horizontalAdvance("字") * 52)
        cl = QVBoxLayout(self.confirmation_box)
        self.advice = text_label(style=WARNING_STYLE)
        self.advice.hide()
        cl.addWidget(self.advice)
        form = QFormLayout()
        self.confirmation_errors = FieldErrors()
        self.court = QComboBox()
        self.court.setEditable(True)
        self.court.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.court.lineEdit().setPlaceholderText("选择或填写受理申请的人民法院")
        add_row(form, self.confirmation_errors, "court", "受理法院(&C)：", self.court)
        self.filed_on = line_edit(DATE_HINT)
        add_row(form, self.confirmation_errors, "filed_on", "申请日期(&F)：", self.filed_on)
        self.court_case_number = line_edit("如：（2026）云0902民特12号（法院受理后填写）")
        add_row(form, self.confirmation_errors, "court_case_number", "法院案号：", self.court_case_number)
        self.result = enum_combo(ConfirmationResult, blank="（未填写）")
        add_row(form, self.confirmation_errors, "result", "审查结果(&J)：", self.result)
        self.ruled_on = line_edit(DATE_HINT + "（裁定后填写）")
        add_row(form, self.confirmation_errors, "ruled_on", "裁定日期：", self.ruled_on)
        self.enforcement_applied = QCheckBox("已申请强制执行")
        applied = QWidget()
        al = QHBoxLayout(applied)
        al.setContentsMargins(0, 0, 0, 0)
        al.addWidget(self.enforcement_applied)
        al.addStretch()
        add_row(form, self.confirmation_errors, "enforcement_applied", "强制执行：", applied, self.enforcement_applied)
        self.enforcement_on = line_edit(DATE_HINT)
        self.enforcement_on.setEnabled(False)
        add_row(form, self.confirmation_errors, "enforcement_on", "申请执行日期：", self.enforcement_on)
        cl.addLayout(form)
        self.confirmation_message = error_label()
        cl.addWidget(self.confirmation_message)
        row = QHBoxLayout()
        self.confirmation_saved = text_label(style=OK_STYLE)
        self.confirmation_saved.hide()
        row.addWidget(self.confirmation_saved, 1)
        row.addStretch()
        self.save_confirmation_button = QPushButton("保存司法确认情况")
        row.addWidget(self.save_confirmation_button)
        cl.addLayout(row)
        lay.addWidget(self.confirmation_box)

        # 回访
        lay.addSpacing(8)
        lay.addWidget(section_label("回访", 1.1))
        self.visits_hint = text_label(style=HINT_STYLE)
        lay.addWidget(self.visits_hint)
        self.model = VisitTableModel(self)
        self.table = table_view(self.model, 170, wrap=False)
        self.table.setToolTip("双击记录这次回访")
        lay.addWidget(self.table)
        self.record_button = QPushButton("记录回访…")
        self.reschedule_button = QPushButton("改期…")
        self.not_reached_button = QPushButton("未联系上…")
        self.add_button = QPushButton("新增回访…")
        self.cancel_button = QPushButton("取消回访")
        self.print_button = QPushButton("打印回访记录…")
        button_row(lay, (self.record_button, self.reschedule_button, self.not_reached_button, self.add_button,
                         self.cancel_button), (self.print_button,))
        self._connect()
        self.history_heading = section_label("所选回访的经过")
        lay.addWidget(self.history_heading)
        self.history = text_label()
        lay.addWidget(self.history)
        lay.addStretch()
        self._update_buttons()

    def _connect(self) -> None:
        self.enforcement_applied.toggled.connect(self.enforcement_on.setEnabled)
        self.save_confirmation_button.clicked.connect(lambda: self.save_confirmation())
        self.table.doubleClicked.connect(self.record_visit)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        on_click({self.record_button: self.record_visit, self.reschedule_button: self.reschedule,
                  self.not_reached_button: self.not_reached, self.add_button: self.add_visit,
                  self.cancel_button: self.cancel_visit, self.print_button: self.print_record})

    # -- showing ------------------------------------------------------------------------------

    def show_case(self, case_id: int) -> None:
        new_case = case_id != self.case_id
        self.case_id = case_id
        self.message.hide()
        if new_case:
            self.confirmation_saved.hide()
            self.confirmation_errors.clear()
            self.confirmation_message.hide()
        try:
            self.detail = self.services.cases.get(case_id)
            self.visits = self.services.followups.visits(case_id)
            self.confirmation = self.services.followups.confirmation(case_id)
        except ServiceError as exc:
            self.detail, self.visits, self.confirmation = None, [], None
            self.message.say(str(exc))
        self.today = self.services.today()
        self.calendar = self.services.work_calendar()
        self._render_window()
        self._render_confirmation(force=new_case)
        self._render_visits()

    def refresh(self) -> None:
        if self.case_id is not None:
            self.show_case(self.case_id)

    def _render_window(self) -> None:
        c, today = self.confirmation, self.today
        line, style = "", ""
        if c is not None and c.written and c.window is not None and \
                (c.recorded is None or c.recorded.filed_on is None):
            due = c.window.due
            if due >= today:
                line = (f"司法确认申请期限：{chinese_date(due)}（{days_left_text(due, today, self.calendar)}）"
                        + (PROVISIONAL_NOTE if c.window.provisional else "")
                        + "\n双方当事人须在此日期前共同向人民法院申请。")
                style = WINDOW_STYLES[urgency(due, today, self.calendar)]
            else:
                line = f"司法确认申请期限已于{chinese_date(due)}届满（协议生效后30日），本案没有记录申请。"
                style = f"color: {GREY};"
        self.window_line.setText(line)
        self.window_line.setStyleSheet(style)
        self.window_line.setVisible(bool(line))

    def _render_confirmation(self, *, force: bool) -> None:
        c = self.confirmation
        if c is None or c.effective_on is None:
            hint = "本案还没有生效的调解协议。协议填写生效日期后，才能记录司法确认情况。"
            usable = False
        elif not c.written:
            hint = "口头协议不能申请司法确认。如需申请，须先制作书面调解协议。"
            usable = False
        else:
            hint = (f"调解协议于{chinese_date(c.effective_on)}生效。双方当事人向人民法院申请司法确认后，"
                    "在这里记下申请和审查的情况。")
            usable = True
        self.confirmation_hint.setText(hint)
        self.confirmation_box.setVisible(usable)
        if not usable:
            self._filled = None
            return
        assert c is not None
        # Keep what the user typed and has not saved yet, unless another case is shown.
        if force or self._filled is None or self._form_values() == self._filled:
            self._fill_confirmation(c.recorded)
        self._advise()

    def _fill_confirmation(self, d: ConfirmationDraft | None) -> None:
        d = d or ConfirmationDraft()
        self.court.setEditText(d.court)
        self.filed_on.setText(chinese_date(d.filed_on))
        self.court_case_number.setText(d.court_case_number)
        set_combo_value(self.result, d.result if d.result else
                        (ConfirmationResult.PENDING.value if d.filed_on else None))
        self.ruled_on.setText(chinese_date(d.ruled_on))
        self.enforcement_applied.setChecked(bool(d.enforcement_applied))
        self.enforcement_on.setText(chinese_date(d.enforcement_on))
        self.enforcement_on.setEnabled(bool(d.enforcement_applied))
        self._filled = self._form_values()

    def _form_values(self) -> tuple[Any, ...]:
        return (self.court.currentText(), self.filed_on.text(), self.court_case_number.text(),
                self.result.currentData(), self.ruled_on.text(), self.enforcement_applied.isChecked(),
                self.enforcement_on.text())

    def _advise(self) -> None:
        """Courts to propose and subjects a court refuses (only fetched once per case)."""
        if self.detail is None or self._advised == self.detail.id:
            return
        self._advised = self.detail.id
        try:
            advice = self.services.documents.confirmation_advice(self.detail.code)
        except ServiceError:
            self.advice.hide()
            return
        typed = self.court.currentText()
        self.court.clear()
        for p in advice.proposals:
            if p.court:
                self.court.addItem(p.court)
                self.court.setItemData(self.court.count() - 1, p.reason, Qt.ItemDataRole.ToolTipRole)
        self.court.setEditText(typed)
        warnings = [f"注意：涉及{what}的协议，人民法院不予受理司法确认申请。" for what in advice.refused]
        self.advice.setText("\n".join(warnings))
        self.advice.setVisible(bool(warnings))
        if self._filled is not None:
            self._filled = self._form_values()

    def _render_visits(self) -> None:
        selected = self.selected_visit()
        self.model.set_visits(self.visits, self.today, self.calendar)
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        d, c = self.detail, self.confirmation
        if self.visits:
            pending = sum(1 for v in self.visits if not v.done)
            self.visits_hint.setText(f"共{len(self.visits)}次回访，尚未进行{pending}次。选中一行后点下面的按钮；双击可直接记录。")
        elif c is not None and c.effective_on is not None:
            self.visits_hint.setText("本案没有安排回访。可点“新增回访…”安排。")
        else:
            self.visits_hint.setText("协议生效后，系统会自动安排回访：协议生效后一个月内回访每一位当事人，"
                                     "并在每个履行期限届满时回访权利人。")
        self.visits_hint.setVisible(d is not None)
        if selected is not None:
            self.select_visit(selected.id)
        self._selection_changed()

    def selected_visit(self) -> VisitView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.visit(rows[0].row()) if rows else None

    def select_visit(self, visit_id: int) -> None:
        for row, v in enumerate(self.model.rows):
            if v.id == visit_id:
                self.table.selectionModel().select(
                    self.model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
                self.table.setCurrentIndex(self.model.index(row, 0))
                return

    def _selection_changed(self) -> None:
        v = self.selected_visit()
        lines: list[str] = []
        if v is not None:
            lines.append(f"回访{v.party_name}（{v.kind_label}）：{v.reason}" if v.reason
                         else f"回访{v.party_name}（{v.kind_label}）")
            if v.done:
                lines.append(self._found(v))
            for e in v.events:
                lines.append(f"· {chinese_date(e.at.date())} {e.at:%H:%M}　{e.actor}：{e.text}" if e.actor
                             else f"· {chinese_date(e.at.date())}　{e.text}")
        self.history_lines = lines[1:] if lines else []
        self.history.setText("\n".join(lines))
        self.history_heading.setVisible(v is not None)
        self.history.setVisible(v is not None)
        self._update_buttons()

    @staticmethod
    def _found(v: VisitView) -> str:
        parts = [f"{chinese_date(v.done_on)}{v.method_label}回访"]
        parts += [f"{t.label}{Performance(t.found).label}" for t in v.terms if t.found]
        if v.satisfaction:
            parts.append(f"满意度：{v.satisfaction}")
        if v.new_risk:
            parts.append("发现新的纠纷或风险苗头" + (f"：{v.risk_note}" if v.risk_note else ""))
        if v.measures:
            parts.append("采取的措施：" + v.measures.replace("\n", "；"))
        parts.append(f"是否起诉：{SUED_TEXT.get(v.sued, '不清楚')}")
        if v.visitor:
            parts.append(f"回访人：{v.visitor}")
        return "回访情况：" + "；".join(parts)

    def _update_buttons(self) -> None:
        d, v = self.detail, self.selected_visit()
        has_agreement = self.confirmation is not None and self.confirmation.effective_on is not None
        open_case = d is not None and d.status != CaseStatus.CLOSED.value
        pending = v is not None and not v.done
        self.record_button.setEnabled(v is not None and has_agreement)
        self.record_button.setText("查看或更正记录…" if v is not None and v.done else "记录回访…")
        self.reschedule_button.setEnabled(pending and open_case)
        self.not_reached_button.setEnabled(pending and open_case)
        self.cancel_button.setEnabled(pending and open_case)
        self.add_button.setEnabled(open_case and has_agreement)
        self.print_button.setEnabled(d is not None and any(x.done for x in self.visits))
        self.print_button.setToolTip("" if self.print_button.isEnabled() else "记录了回访之后才能打印回访记录")
        self.hold_back()

    def hold_back(self) -> None:
        """As the role allows: the confirmation's fields too (open to a user who may write)."""
        for field in (self.court, self.filed_on, self.court_case_number, self.result, self.ruled_on,
                      self.enforcement_applied):
            field.setEnabled(True)
        self.enforcement_on.setEnabled(self.enforcement_applied.isChecked())
        super().hold_back()

    # -- visits -------------------------------------------------------------------------------

    def _written(self, select: int | None = None) -> None:
        if self.case_id is None:
            return
        self.refresh()
        if select is not None:
            self.select_visit(select)
        self.report_change()

    def _refused(self, text: str) -> None:
        """The visit changed meanwhile (recorded or removed on another PC): show it as it is."""
        self.refresh()
        self.message.say(text)

    def record_visit(self) -> VisitDialog | None:
        v = self.selected_visit()
        if v is None:
            return None
        try:
            dialog = VisitDialog(self.services, v.id, self)
        except ServiceError as exc:
            self._refused(str(exc))
            return None
        dialog.changed.connect(lambda _case_id: self._written(v.id))
        dialog.close_requested.connect(self.close_requested)
        dialog.open()
        self.visit_dialog = dialog
        return dialog

    def _open_small(self, dialog: _SmallDialog) -> _SmallDialog:
        def saved(result: object) -> None:
            visit_id = result.id if isinstance(result, VisitView) else None
            self._written(visit_id)

        dialog.saved.connect(saved)
        dialog.open()
        self.small_dialog = dialog
        return dialog

    def reschedule(self) -> RescheduleDialog | None:
        v = self.selected_visit()
        if v is None or v.done:
            return None
        return self._open_small(RescheduleDialog(self.services, v, self))  # type: ignore[return-value]

    def not_reached(self) -> NotReachedDialog | None:
        v = self.selected_visit()
        if v is None or v.done:
            return None
        return self._open_small(NotReachedDialog(self.services, v, self))  # type: ignore[return-value]

    def add_visit(self) -> AddVisitDialog | None:
        if self.detail is None:
            return None
        parties = [(p.position, p.name) for p in self.detail.parties]
        return self._open_small(AddVisitDialog(self.services, self.detail.id, parties, self))  # type: ignore[return-value]

    def cancel_visit(self) -> CancelVisitDialog | None:
        v = self.selected_visit()
        if v is None or v.done:
            return None
        return self._open_small(CancelVisitDialog(self.services, v, self))  # type: ignore[return-value]

    def print_record(self):
        """The existing documents dialog, on 人民调解回访记录."""
        if self.detail is None:
            return None
        return self.open_document(self.detail.code, "follow-up-record", self.settings)

    # -- judicial confirmation ----------------------------------------------------------------

    def confirmation_draft(self) -> tuple[ConfirmationDraft, list[FieldProblem]]:
        """The form as a draft, and the dates that could not be read."""
        problems: list[FieldProblem] = []
        dates: dict[str, date | None] = {}
        for name, label, edit in (("filed_on", "申请日期", self.filed_on), ("ruled_on", "裁定日期", self.ruled_on),
                                  ("enforcement_on", "申请执行日期", self.enforcement_on)):
            try:
                dates[name] = parse_date(edit.text()) if edit.isEnabled() else None
            except ValueError as exc:
                dates[name] = None
                problems.append(FieldProblem(name, f"{label}：{exc}"))
        applied = self.enforcement_applied.isChecked()
        draft = ConfirmationDraft(
            court=self.court.currentText(), filed_on=dates["filed_on"],
            court_case_number=self.court_case_number.text(), result=self.result.currentData(),
            ruled_on=dates["ruled_on"], enforcement_applied=applied or None,
            enforcement_on=dates["enforcement_on"] if applied else None)
        return draft, problems

    def save_confirmation(self, confirmed_warnings: bool = False) -> bool:
        if self.case_id is None:
            return False
        self.confirmation_message.hide()
        self.confirmation_saved.hide()
        draft, problems = self.confirmation_draft()
        if problems:
            self.confirmation_errors.show(problems)
            return False
        case_id = self.case_id
        view = attempt(lambda: self.services.followups.save_confirmation(case_id, draft,
                                                                         confirmed_warnings=confirmed_warnings),
                       self.confirmation_message, self.confirmation_errors, refused=self._ask_if_only_warnings)
        if view is None:
            return False
        self.confirmation_errors.clear()
        self.confirmation = view
        self._filled = None
        self.refresh()
        self.confirmation_saved.setText("✔ 司法确认情况已保存")
        self.confirmation_saved.show()
        self.report_change()
        return True

    def _ask_if_only_warnings(self, refusal: ValidationError) -> None:
        if refusal.warnings and not refusal.errors:
            self._ask_to_confirm(refusal.warnings)

    def _ask_to_confirm(self, warnings: list[FieldProblem]) -> QMessageBox:
        text = "\n".join(w.message for w in warnings) + "\n\n确认申请日期无误，仍然保存吗？"
        self.confirm_box = ask_yes_no(self, "请确认", text, "仍然保存", "返回修改",
                                      lambda: self.save_confirmation(confirmed_warnings=True), warning=True)
        return self.confirm_box

