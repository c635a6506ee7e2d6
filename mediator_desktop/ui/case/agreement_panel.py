"""The case view's "协议与履行" tab: the agreement at a glance, each term with its clause text,
whether it is clear, how far it has been performed, and the record of each performance (Law 31:
the committee supervises performance)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6 import QtWidgets
from PySide6.QtCore import Signal

from mediator_desktop.domain.enums import AgreementForm, CaseStatus, TermKind, TermStatus
from mediator_desktop.domain.terms import parse_amount
from mediator_desktop.domain.text import amount_figures, amount_text, chinese_date, clause_number
from mediator_desktop.services.agreements import AgreementView, TermView
from mediator_desktop.services.errors import FieldProblem, ServiceError
from mediator_desktop.ui.case.agreement_editor import AMOUNT_FORMAT, UNCLEAR_HINT, AgreementEditor
from mediator_desktop.ui.case.panel_base import CasePanel
from mediator_desktop.ui.common.widgets import (
    DONE_STYLE,
    ERROR_STYLE,
    OK_STYLE,
    WARNING_STYLE,
    FieldErrors,
    add_row,
    attempt,
    button_row,
    enum_combo,
    error_label,
    form_footer,
    height_in_lines,
    line_edit,
    parse_date,
    scrolling_body,
    scrolling_panel,
    set_combo_value,
    tab_moves_on,
    text_label,
)

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services

#: Colour of each performance status in the panel.
STATUS_STYLES = {
    TermStatus.PENDING.value: "",
    TermStatus.PERFORMED.value: OK_STYLE,
    TermStatus.PARTLY_PERFORMED.value: WARNING_STYLE + " font-weight: bold;",
    TermStatus.NOT_PERFORMED.value: ERROR_STYLE,
}




def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


class PerformanceDialog(QtWidgets.QDialog):
    """记录履行情况: date, status, amount paid and a note for one term.
    ``recorded(AgreementView)`` after saving."""

    recorded = Signal(object)

    def __init__(self, services: Services, view: AgreementView, term_id: int | None = None,
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.view = view
        self.setWindowTitle(f"记录履行情况 — {view.case_code}")
        self.errors = FieldErrors()
        lay = QtWidgets.QVBoxLayout(self)
        body = QtWidgets.QWidget()
        form = QtWidgets.QFormLayout(body)
        lay.addWidget(scrolling_body(body))  # scrolls on a small screen; the buttons stay below
        self.term = QtWidgets.QComboBox()
        # A clause's text is long: the chosen one is shown in full under the list.
        self.term.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.term.setMinimumContentsLength(12)
        for t in view.terms:
            if t.kind != TermKind.STATEMENT.value:
                self.term.addItem(f"第{clause_number(t.number)}条：{_short(t.text)}", t.id)
        if term_id is not None:
            set_combo_value(self.term, term_id)
        add_row(form, self.errors, "term", "哪一条：", self.term)
        self.term_text = text_label()
        form.addRow("", self.term_text)
        self.on = QtWidgets.QLineEdit(services.today().isoformat())
        self.on.setPlaceholderText("如 2026-11-30 或 2026年11月30日")
        add_row(form, self.errors, "on", "履行日期：", self.on)
        self.status = enum_combo(TermStatus, value=TermStatus.PERFORMED.value)
        add_row(form, self.errors, "status", "履行情况：", self.status)
        amount_box = QtWidgets.QWidget()
        al = QtWidgets.QVBoxLayout(amount_box)
        al.setContentsMargins(0, 0, 0, 0)
        al.setSpacing(2)
        self.amount = line_edit("这次付了多少元（不是钱款可不填）")
        al.addWidget(self.amount)
        self.amount_hint = text_label()
        self.amount_hint.hide()
        al.addWidget(self.amount_hint)
        add_row(form, self.errors, "amount", "履行金额：", amount_box, self.amount)
        self.note = QtWidgets.QPlainTextEdit()
        tab_moves_on(self.note)
        self.note.setPlaceholderText("如：现金支付，张三已出具收条")
        height_in_lines(self.note, 5, kind="max")
        add_row(form, self.errors, "note", "备注：", self.note)
        self.message, self.buttons = form_footer(self, lay, "保存(&S)", self.save, (680, 520))
        self.term.currentIndexChanged.connect(self._term_changed)
        self.amount.textChanged.connect(self._amount_changed)
        self._term_changed()

    def current_term(self) -> TermView | None:
        term_id = self.term.currentData()
        return next((t for t in self.view.terms if t.id == term_id), None)

    def _term_changed(self) -> None:
        t = self.current_term()
        if t is None:
            self.term_text.setText("")
            return
        lines = [t.text, f"目前：{TermStatus(t.status).label}"]
        if t.amount is not None:
            lines[-1] += f"；应付 {amount_figures(t.amount)}"
            if t.paid is not None:
                lines[-1] += f"，已记录付款 {amount_figures(t.paid)}"
        self.term_text.setText("\n".join(lines))

    def _amount_changed(self) -> None:
        try:
            value = parse_amount(self.amount.text())
        except ValueError:
            self.amount_hint.setText(AMOUNT_FORMAT)
            self.amount_hint.setStyleSheet(ERROR_STYLE)
            self.amount_hint.show()
            return
        self.amount_hint.setText(amount_text(value) if value is not None else "")
        self.amount_hint.setStyleSheet(DONE_STYLE)
        self.amount_hint.setVisible(value is not None)

    def save(self) -> None:
        self.message.hide()
        problems: list[FieldProblem] = []
        term = self.current_term()
        if term is None:
            problems.append(FieldProblem("term", "请选择要记录的是哪一条"))
        on = amount = None
        try:
            on = parse_date(self.on.text())
        except ValueError as exc:
            problems.append(FieldProblem("on", f"履行日期：{exc}"))
        try:
            amount = parse_amount(self.amount.text())
        except ValueError:
            problems.append(FieldProblem("amount", AMOUNT_FORMAT))
        if problems:
            self.errors.show(problems)
            return
        assert term is not None
        view = attempt(lambda: self.services.agreements.record_performance(
            term.id, on, self.status.currentData(), amount, self.note.toPlainText(), version=term.version),
            self.message, self.errors)
        if view is None:
            return
        self.errors.clear()
        self.view = view
        self.recorded.emit(view)
        self.accept()


class TermBox(QtWidgets.QFrame):
    """One term as the panel shows it: clause, clarity, performance and its history."""

    def __init__(self, t: TermView, can_record: bool, today: date, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.term_id = t.id
        self.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        lay = QtWidgets.QVBoxLayout(self)
        head = QtWidgets.QHBoxLayout()
        head.addWidget(text_label(f"第{clause_number(t.number)}条", bold=True))
        statement = t.kind == TermKind.STATEMENT.value
        status = "" if statement else TermStatus(t.status).label
        if not statement and t.paid is not None:
            status += f"（已记录付款 {amount_figures(t.paid)}" + (
                f"，应付 {amount_figures(t.amount)}）" if t.amount is not None else "）")
        self.status = text_label(f"履行情况：{status}" if status else "其他约定",
                             STATUS_STYLES.get(t.status, "") if status else "")
        head.addWidget(self.status, 1)
        self.record_button = QtWidgets.QPushButton("记录这一条的履行情况…")
        self.record_button.setVisible(can_record and not statement)
        head.addWidget(self.record_button)
        lay.addLayout(head)
        self.text = text_label(t.text, scale=1.1)
        lay.addWidget(self.text)
        self.flag = text_label()
        if t.problems:
            self.flag.setText("内容不明确：" + "；".join(t.problems) + UNCLEAR_HINT)
            self.flag.setStyleSheet(ERROR_STYLE)
        elif t.stale:
            self.flag.setText("条款文字与填写的各项不一致（如当事人姓名已修改），请打开“修改协议”重新保存")
            self.flag.setStyleSheet(WARNING_STYLE)
        self.flag.setVisible(bool(self.flag.text()))
        lay.addWidget(self.flag)
        self.due = text_label()
        if not statement and t.last_due is not None:
            since = t.overdue_since(today)
            if since is not None:
                self.due.setText(f"已过履行期限（{chinese_date(since)}），尚未履行完毕：请督促履行")
                self.due.setStyleSheet(ERROR_STYLE)
            elif t.status != TermStatus.PERFORMED.value:
                self.due.setText(f"履行期限：{chinese_date(t.last_due)}前")
        self.due.setVisible(bool(self.due.text()))
        lay.addWidget(self.due)
        self.history: list[QtWidgets.QLabel] = []
        if not statement:
            if t.performances:
                lay.addWidget(text_label("履行记录：", bold=True))
            for r in t.performances:
                line = f"{chinese_date(r.on)}　{TermStatus(r.status).label}"
                if r.amount is not None:
                    line += f"　{amount_figures(r.amount)}"
                if r.note:
                    line += f"　{r.note}"
                line += f"　（{r.actor}记录）" if r.actor else ""
                label = text_label("· " + line)
                self.history.append(label)
                lay.addWidget(label)
            if not t.performances:
                lay.addWidget(text_label("尚无履行记录", "color: #555555;"))


class AgreementPanel(CasePanel):
    """协议与履行. ``changed(case_id)`` after every write."""

    WRITES = {"edit_button": "edit", "perform_button": "edit"}

    def __init__(self, services: Services, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.view: AgreementView | None = None
        self.editor: AgreementEditor | None = None
        self.performance_dialog: PerformanceDialog | None = None
        self.term_boxes: list[TermBox] = []
        lay = scrolling_panel(self)
        self.heading = text_label("调解协议", bold=True, scale=1.2)
        lay.addWidget(self.heading)
        self.message = error_label()
        lay.addWidget(self.message)
        self.edit_button = QtWidgets.QPushButton("填写协议…")
        self.edit_button.clicked.connect(self.open_editor)
        self.perform_button = QtWidgets.QPushButton("记录履行情况…")
        self.perform_button.clicked.connect(lambda: self.record_performance())
        button_row(lay, (self.edit_button, self.perform_button))
        self.hint = text_label(style="color: #555555;")
        lay.addWidget(self.hint)
        self.form = QtWidgets.QFormLayout()
        self.fields: dict[str, QtWidgets.QLabel] = {}
        for key, label in [("form", "协议形式"), ("number", "编号"), ("signed_on", "生效日期"),
                           ("copies", "份数"), ("facts", "纠纷主要事实、争议事项"),
                           ("responsibilities", "各方责任")]:
            value = text_label()
            self.fields[key] = value
            self.form.addRow(f"{label}：", value)
        lay.addLayout(self.form)
        self.missing = text_label(style=WARNING_STYLE)
        self.missing.hide()
        lay.addWidget(self.missing)
        self.terms_heading = text_label("协议内容与履行情况", bold=True, scale=1.1)
        lay.addWidget(self.terms_heading)
        self.terms_layout = QtWidgets.QVBoxLayout()
        lay.addLayout(self.terms_layout)
        lay.addStretch()
        self._set_visible(False)

    # -- showing ------------------------------------------------------------------------------

    def show_case(self, case_id: int) -> None:
        self.case_id = case_id
        self.message.hide()
        try:
            context = self.services.agreements.context(case_id)
            self.view = self.services.agreements.get(case_id)
        except ServiceError as exc:
            self.view = None
            self.message.say(str(exc))
            self._set_visible(False)
            self.edit_button.setEnabled(False)
            self.perform_button.setEnabled(False)
            self.hold_back()
            return
        v = self.view
        self.edit_button.setText("填写协议…" if v is None else "修改协议…")
        self.edit_button.setEnabled(not context.refusal)
        self.edit_button.setToolTip(context.refusal)
        can_record = bool(v is not None and v.signed_on and v.case_status in
                          (CaseStatus.IN_MEDIATION.value, CaseStatus.AGREED.value)
                          and any(t.kind != TermKind.STATEMENT.value for t in v.terms))
        self.perform_button.setEnabled(can_record)
        self.hold_back()
        if v is None:
            self.hint.setText(context.refusal or "本案还没有调解协议。达成协议后，点“填写协议…”逐条填写。")
        elif not can_record and v.signed_on is None:
            self.hint.setText("协议填写生效日期后，才能记录履行情况。")
        elif not can_record and v.case_status not in (CaseStatus.IN_MEDIATION.value, CaseStatus.AGREED.value):
            self.hint.setText(f"案件当前状态为“{CaseStatus(v.case_status).label}”，不能再修改协议或记录履行情况。")
        else:
            self.hint.setText("")
        self.hint.setVisible(bool(self.hint.text()))
        self._set_visible(v is not None)
        for box in self.term_boxes:
            self.terms_layout.removeWidget(box)
            box.hide()
            box.deleteLater()
        self.term_boxes = []
        if v is None:
            return
        self.heading.setText(AgreementForm(v.form).label if v.form == AgreementForm.ORAL.value else "调解协议书")
        written = v.form == AgreementForm.WRITTEN.value
        f = self.fields
        f["form"].setText(AgreementForm(v.form).label)
        f["number"].setText(v.number)
        f["signed_on"].setText(chinese_date(v.signed_on) if v.signed_on else "未填写（各方签字、盖章后填写）")
        f["signed_on"].setStyleSheet("" if v.signed_on else WARNING_STYLE)
        label = self.form.labelForField(f["signed_on"])
        label.setText("生效日期：" if written else "达成日期：")  # type: ignore[union-attr]
        f["copies"].setText(f"一式{v.copies}份" if v.copies else "")
        self.form.setRowVisible(f["copies"], written)
        f["facts"].setText(v.facts)
        f["responsibilities"].setText(v.responsibilities or "（未填写）")
        if v.success_problems:
            self.missing.setText("标记“调解成功”前还需要：\n" + "\n".join(f"· {p}" for p in v.success_problems))
        self.missing.setVisible(bool(v.success_problems))
        today = self.services.today()
        for t in v.terms:
            box = TermBox(t, can_record and self.rights.edit, today)
            box.record_button.clicked.connect(lambda _c=False, term_id=t.id: self.record_performance(term_id))
            self.terms_layout.addWidget(box)
            self.term_boxes.append(box)

    def _set_visible(self, visible: bool) -> None:
        for i in range(self.form.rowCount()):
            self.form.setRowVisible(i, visible)
        self.terms_heading.setVisible(visible)
        if not visible:
            self.missing.hide()
            self.heading.setText("调解协议")

    # -- actions ------------------------------------------------------------------------------

    def open_editor(self) -> AgreementEditor | None:
        if self.case_id is None:
            return None
        try:
            editor = AgreementEditor(self.services, self.case_id, self)
        except ServiceError as exc:
            self.message.say(str(exc))
            return None
        editor.saved.connect(self._written)
        editor.open()
        self.editor = editor
        return editor

    def record_performance(self, term_id: int | None = None) -> PerformanceDialog | None:
        if self.view is None:
            return None
        dialog = PerformanceDialog(self.services, self.view, term_id, self)
        dialog.recorded.connect(self._written)
        dialog.open()
        self.performance_dialog = dialog
        return dialog

    def _written(self, view: AgreementView) -> None:
        self.show_case(view.case_id)
        self.changed.emit(view.case_id)
