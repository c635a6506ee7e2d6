"""The visit form (回访记录, LEGAL.md §6) and the next step a visit's findings offer.

The form asks what the mediator found: the day and how (上门/电话/视频/其他), how far each
obligation term has been performed, the party's satisfaction, new dispute or risk signs, the
measures taken, whether anyone sued, and who visited. Saving it goes to
``services.followups.record``; a refusal shows the message beside the field and keeps
everything typed. After a successful save the same window turns to "下一步怎么办？": one big
button per step offered (督促履行, 建议申请司法确认, 提高风险等级, 结案归档 …).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from PySide6 import QtWidgets
from PySide6.QtCore import Qt, Signal

from mediator_desktop.domain.enums import (
    NextStep,
    Performance,
    RiskLevel,
    TermStatus,
    VisitMethod,
)
from mediator_desktop.domain.followups import Offer
from mediator_desktop.domain.text import chinese_date
from mediator_desktop.services.agreements import TermView
from mediator_desktop.services.errors import FieldProblem
from mediator_desktop.services.followups import (
    TermCheck,
    VisitDraft,
    VisitOutcome,
    VisitView,
)
from mediator_desktop.ui.case.case_table_model import RISK_COLOURS
from mediator_desktop.ui.common.widgets import (
    OK_STYLE,
    FieldErrors,
    GuardedDialog,
    ScrollingBody,
    add_row,
    attempt,
    date_edit,
    error_label,
    fit_to_screen,
    height_in_lines,
    line_edit,
    ok_cancel,
    scale_font,
    scrolling_body,
    section_label,
    tab_moves_on,
    text_label,
)

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services

HINT_STYLE = "color: #555555;"
#: Working days after a visit at which the visit after urging performance (督促履行) is proposed.
URGE_WORKING_DAYS = 5
#: 当事人是否起诉: the choices and what the service stores for each.
SUED_CHOICES = (("否", False), ("是", True), ("不清楚", None))


def date_of(edit: QtWidgets.QDateEdit) -> date:
    return edit.date().toPython()  # type: ignore[no-any-return]


def big_button(text: str) -> QtWidgets.QPushButton:
    button = QtWidgets.QPushButton(text)
    scale_font(button, 1.15, bold=True)
    button.setMinimumHeight(int(button.fontMetrics().height() * 2.2))
    button.setMinimumWidth(button.fontMetrics().horizontalAdvance("建议向人民法院起诉") + 48)
    return button


def preset_performance(check: TermCheck, term: TermView | None, on: date) -> str | None:
    """What the form proposes for one term: what this visit recorded, else the term's status;
    a term still pending proposes 未到期 only while its time limit has not passed (a passed one
    must be checked, so nothing is proposed)."""
    if check.found:
        return check.found
    if check.status in (TermStatus.PERFORMED.value, TermStatus.PARTLY_PERFORMED.value,
                        TermStatus.NOT_PERFORMED.value):
        return check.status
    if term is not None and term.overdue_since(on) is not None:
        return None
    return Performance.NOT_DUE.value


class VisitDialog(GuardedDialog):
    """回访记录 for one visit (a planned one to record, or a recorded one to look at or correct).

    Signals: ``recorded(VisitOutcome)`` after the visit is saved; ``changed(case_id)`` after
    every write (the record, and each step taken afterwards); ``close_requested(case_id)`` when
    the user chooses 结案归档 (the case view archives through its usual path)."""

    recorded = Signal(object)
    changed = Signal(int)
    close_requested = Signal(int)

    DISCARD_QUESTION = "回访记录还没有保存，放弃填写的内容吗？"

    def __init__(self, services: Services, visit_id: int, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        visit: VisitView = services.followups.get(visit_id)
        self.visit = visit
        self.case_id = visit.case_id
        detail = services.cases.get(visit.case_id)
        self.case_code = detail.code
        self.risk_level = detail.risk_level or RiskLevel.NONE.value
        agreement = services.agreements.get(visit.case_id)
        self.terms_by_id: dict[int, TermView] = {t.id: t for t in agreement.terms} if agreement else {}
        self.today = services.today()
        self.outcome: VisitOutcome | None = None
        self.discard_box: QtWidgets.QMessageBox | None = None
        self.setWindowTitle(f"回访记录 — {detail.code}")

        outer = QtWidgets.QVBoxLayout(self)
        self.pages = QtWidgets.QStackedWidget()
        outer.addWidget(self.pages, 1)
        self.form_page = self._build_form(visit, agreement.number if agreement else "")
        self.pages.addWidget(self.form_page)
        self.next_page = scrolling_body(self._build_next_page())
        self.pages.addWidget(self.next_page)
        self.message = error_label()
        outer.addWidget(self.message)
        self.buttons = ok_cancel("保存回访记录" if not visit.done else "保存更正",
                                 on_ok=self.save, on_cancel=self.reject)
        outer.addWidget(self.buttons)
        self._initial = self.draft()
        fit_to_screen(self, (860, 900))

    # -- the form -----------------------------------------------------------------------------

    def _build_form(self, v: VisitView, agreement_number: str) -> QtWidgets.QWidget:
        scroll = ScrollingBody()  # the form scrolls; the buttons stay below it
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        body = QtWidgets.QWidget()
        scroll.setWidget(body)
        lay = QtWidgets.QVBoxLayout(body)
        lay.addWidget(text_label("回访记录" if not v.done else "回访记录（已记录，可查看或更正）", bold=True, scale=1.3))

        about = QtWidgets.QFormLayout()
        self.party_label = text_label(v.party_name or "（未指定）", bold=True, scale=1.15)
        about.addRow("回访对象：", self.party_label)
        about.addRow("回访类型：", text_label(v.kind_label))
        about.addRow("回访事由：", text_label(v.reason or "了解调解协议履行情况及当事人满意度"))
        planned = v.due.text() if v.due else "（未定）"
        if v.done and v.due:
            planned = chinese_date(v.due.due)
        about.addRow("原定日期：", text_label(planned))
        about.addRow("协议编号：", text_label(agreement_number or self.case_code))
        lay.addLayout(about)

        self.errors = FieldErrors()
        form = QtWidgets.QFormLayout()
        lay.addLayout(form)
        self.done_on = date_edit(v.done_on or self.today, maximum=self.today)
        add_row(form, self.errors, "done_on", "回访日期(&D)：", self.done_on)

        methods = QtWidgets.QWidget()
        row = QtWidgets.QHBoxLayout(methods)
        row.setContentsMargins(0, 0, 0, 0)
        self.method_group = QtWidgets.QButtonGroup(self)
        self.method_buttons: dict[str, QtWidgets.QRadioButton] = {}
        for m in VisitMethod:
            button = QtWidgets.QRadioButton(m.label)
            self.method_group.addButton(button)
            self.method_buttons[m.value] = button
            row.addWidget(button)
        row.addStretch()
        if v.method in self.method_buttons:
            self.method_buttons[v.method].setChecked(True)
        add_row(form, self.errors, "method", "回访方式：", methods)

        # One row per obligation term: the clause, its time limit, and what the visit found.
        self.terms_box = QtWidgets.QFrame()
        self.terms_box.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        grid = QtWidgets.QGridLayout(self.terms_box)
        grid.setColumnStretch(1, 1)
        self.term_combos: dict[int, QtWidgets.QComboBox] = {}
        self.term_errors: dict[int, QtWidgets.QLabel] = {}
        on = v.done_on or self.today
        if not v.terms:
            grid.addWidget(text_label("协议没有需要履行的义务条款。", HINT_STYLE), 0, 0, 1, 3)
        for k, check in enumerate(v.terms):
            term = self.terms_by_id.get(check.term_id)
            r = 3 * k
            grid.addWidget(text_label(check.label, bold=True), r, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(text_label(check.text), r, 1)
            combo = QtWidgets.QComboBox()
            combo.addItem("请选择", None)
            for m in Performance:
                combo.addItem(m.label, m.value)
            preset = preset_performance(check, term, on)
            combo.setCurrentIndex(max(combo.findData(preset), 0))
            combo.setMinimumContentsLength(5)
            grid.addWidget(combo, r, 2, Qt.AlignmentFlag.AlignTop)
            self.term_combos[check.term_id] = combo
            hint = f"目前：{TermStatus(check.status).label}" if check.status in TermStatus.__members__.values() else ""
            if term is not None and term.last_due is not None:
                hint = f"履行期限：{chinese_date(term.last_due)}前；" + hint
                since = term.overdue_since(on)
                if since is not None and not check.found:
                    hint += f"。{chinese_date(since)}的期限已过，请核实是否已履行"
            grid.addWidget(text_label(hint, HINT_STYLE), r + 1, 1)
            error = QtWidgets.QLabel()
            grid.addWidget(error, r + 2, 1, 1, 2)
            self.errors.bind(f"terms[{check.term_id}]", combo, error)
            self.term_errors[check.term_id] = error
        add_row(form, self.errors, "terms", "履行情况：", self.terms_box)

        self.satisfaction = QtWidgets.QComboBox()
        self.satisfaction.addItem("请选择", "")
        for label in self.services.followups.satisfaction_scale():
            self.satisfaction.addItem(label, label)
        if v.satisfaction:
            if self.satisfaction.findData(v.satisfaction) < 0:
                self.satisfaction.addItem(v.satisfaction, v.satisfaction)
            self.satisfaction.setCurrentIndex(self.satisfaction.findData(v.satisfaction))
        add_row(form, self.errors, "satisfaction", "满意度(&M)：", self.satisfaction)

        risk_box = QtWidgets.QWidget()
        rl = QtWidgets.QVBoxLayout(risk_box)
        rl.setContentsMargins(0, 0, 0, 0)
        self.new_risk = QtWidgets.QCheckBox("发现新的纠纷或风险苗头")
        self.new_risk.setChecked(bool(v.new_risk))
        rl.addWidget(self.new_risk, 0, Qt.AlignmentFlag.AlignLeft)
        self.risk_note = self._text_box("如：双方又因停车发生争吵", v.risk_note, 4)
        self.risk_note.setEnabled(self.new_risk.isChecked())
        self.new_risk.toggled.connect(self.risk_note.setEnabled)
        rl.addWidget(self.risk_note)
        add_row(form, self.errors, "risk_note", "新的纠纷或风险：", risk_box, self.risk_note)

        self.measures = self._text_box("如：电话提醒义务人按期付款", v.measures, 4)
        add_row(form, self.errors, "measures", "采取的措施：", self.measures)

        sued = QtWidgets.QWidget()
        row = QtWidgets.QHBoxLayout(sued)
        row.setContentsMargins(0, 0, 0, 0)
        self.sued_group = QtWidgets.QButtonGroup(self)
        self.sued_buttons: dict[bool | None, QtWidgets.QRadioButton] = {}
        for text, value in SUED_CHOICES:
            button = QtWidgets.QRadioButton(text)
            self.sued_group.addButton(button)
            self.sued_buttons[value] = button
            row.addWidget(button)
        row.addStretch()
        self.sued_buttons[v.sued if v.done else None].setChecked(True)
        add_row(form, self.errors, "sued", "当事人是否起诉：", sued)

        self.visitor = QtWidgets.QLineEdit(v.visitor if v.done else self.services.user_name)
        self.visitor.setPlaceholderText("回访人姓名")
        add_row(form, self.errors, "visitor", "回访人(&V)：", self.visitor)
        self.notes = self._text_box("", v.notes, 3)
        add_row(form, self.errors, "notes", "备注：", self.notes)
        lay.addStretch()
        return scroll

    def _text_box(self, placeholder: str, text: str, lines: int) -> QtWidgets.QPlainTextEdit:
        box = QtWidgets.QPlainTextEdit()
        tab_moves_on(box)
        box.setPlaceholderText(placeholder)
        box.setPlainText(text)
        height_in_lines(box, lines + 1, kind="max")
        return box

    def method(self) -> str | None:
        return next((value for value, b in self.method_buttons.items() if b.isChecked()), None)

    def sued(self) -> bool | None:
        return next((value for value, b in self.sued_buttons.items() if b.isChecked()), None)

    def draft(self) -> VisitDraft:
        return VisitDraft(
            done_on=date_of(self.done_on), method=self.method(),
            term_statuses={tid: c.currentData() for tid, c in self.term_combos.items() if c.currentData()},
            satisfaction=self.satisfaction.currentData() or "", new_risk=self.new_risk.isChecked(),
            risk_note=self.risk_note.toPlainText() if self.new_risk.isChecked() else "",
            measures=self.measures.toPlainText(), sued=self.sued(), visitor=self.visitor.text(),
            notes=self.notes.toPlainText(), version=self.visit.version)

    def has_unsaved(self) -> bool:
        return self.outcome is None and self.draft() != self._initial

    def save(self) -> VisitOutcome | None:
        self.message.hide()
        draft = self.draft()
        blank = [(tid, self.visit.terms[k].label) for k, tid in enumerate(self.term_combos)
                 if self.term_combos[tid].currentData() is None]

        def beside_each_term(problems: list[FieldProblem]) -> list[FieldProblem]:
            if blank:  # say it beside each term left on 请选择, not once for all
                problems = [p for p in problems if p.field != "terms" or not p.message.startswith("请填写")]
                problems += [FieldProblem(f"terms[{tid}]", f"请选择{label}的履行情况") for tid, label in blank]
            return problems

        outcome = attempt(lambda: self.services.followups.record(self.visit.id, draft), self.message, self.errors,
                          rewrite=beside_each_term)
        if outcome is None:
            return None
        self.errors.clear()
        self.outcome, self.visit = outcome, outcome.visit
        self.recorded.emit(outcome)
        self.changed.emit(self.case_id)
        self.show_next(outcome.offers)
        return outcome

    # -- the next step ------------------------------------------------------------------------

    def _build_next_page(self) -> QtWidgets.QWidget:
        page = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(page)
        self.saved_label = text_label("✔ 回访情况已记录。", OK_STYLE, scale=1.15)
        lay.addWidget(self.saved_label)
        self.found_label = text_label()
        lay.addWidget(self.found_label)
        lay.addWidget(text_label("下一步怎么办？", bold=True, scale=1.3))
        self.offers_box = QtWidgets.QWidget()
        self.offers_layout = QtWidgets.QVBoxLayout(self.offers_box)
        self.offers_layout.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.offers_box)
        self.offer_buttons: dict[str, QtWidgets.QPushButton] = {}
        self.offer_notes: dict[str, QtWidgets.QLabel] = {}

        # 督促履行: when to visit again.
        self.urge_box = QtWidgets.QFrame()
        self.urge_box.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        ul = QtWidgets.QVBoxLayout(self.urge_box)
        ul.addWidget(section_label("督促履行", 1.1))
        ul.addWidget(text_label("督促义务人按协议履行，并约定再次回访，核实是否履行。"))
        uf = QtWidgets.QFormLayout()
        self.urge_errors = FieldErrors()
        cal = self.services.work_calendar()
        proposed = cal.add_working_days(self.today, URGE_WORKING_DAYS)
        self.next_on = date_edit(proposed.due, minimum=self.today)
        add_row(uf, self.urge_errors, "next_on", "再次回访日期(&N)：", self.next_on)
        self.urge_note = line_edit("如：已电话督促，义务人答应月底前付清（可不填）")
        add_row(uf, self.urge_errors, "note", "督促情况：", self.urge_note)
        ul.addLayout(uf)
        self.urge_message = error_label()
        ul.addWidget(self.urge_message)
        self.urge_buttons = ok_cancel("确定，安排再次回访", "返回", on_ok=self.urge, on_cancel=self._show_offers)
        ul.addWidget(self.urge_buttons)
        lay.addWidget(self.urge_box)

        # 提高风险等级: which level.
        self.risk_box = QtWidgets.QFrame()
        self.risk_box.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        rl = QtWidgets.QVBoxLayout(self.risk_box)
        rl.addWidget(section_label("提高风险等级", 1.1))
        self.risk_now = text_label()
        rl.addWidget(self.risk_now)
        rf = QtWidgets.QFormLayout()
        self.risk_errors = FieldErrors()
        self.level = QtWidgets.QComboBox()
        add_row(rf, self.risk_errors, "level", "提高到(&L)：", self.level)
        self.reported_to = line_edit("如：镇综治中心王主任；可能激化的，同时报告派出所")
        add_row(rf, self.risk_errors, "reported_to", "已报告(&R)：", self.reported_to)
        self.reported_on = date_edit(self.today, maximum=self.today)
        add_row(rf, self.risk_errors, "reported_at", "报告日期：", self.reported_on)
        self.level_note = line_edit("如：双方又起争执（可不填）")
        add_row(rf, self.risk_errors, "note", "说明：", self.level_note)
        rl.addLayout(rf)
        rl.addWidget(text_label("风险可能激化为治安案件或刑事案件的，应及时向公安机关或有关部门报告（人民调解法第二十五条）。",
                             HINT_STYLE))
        self.risk_message = error_label()
        rl.addWidget(self.risk_message)
        self.risk_buttons = ok_cancel("确定，提高风险等级", "返回", on_ok=self.raise_risk, on_cancel=self._show_offers)
        rl.addWidget(self.risk_buttons)
        lay.addWidget(self.risk_box)

        self.step_message = error_label()
        lay.addWidget(self.step_message)
        lay.addStretch()
        bottom = QtWidgets.QHBoxLayout()
        bottom.addStretch()
        self.later_button = big_button("暂不处理")
        self.later_button.clicked.connect(self.accept)
        bottom.addWidget(self.later_button)
        lay.addLayout(bottom)
        return page

    def show_next(self, offers: tuple[Offer, ...]) -> None:
        """Turn to the next-step page, one big button per step offered."""
        self.pages.setCurrentWidget(self.next_page)
        self.buttons.hide()
        self.message.hide()
        v = self.visit
        found = [f"{chinese_date(v.done_on)}　{v.method_label}回访{v.party_name}"]
        for t in v.terms:
            if t.found:
                found.append(f"{t.label}：{Performance(t.found).label}")
        if v.satisfaction:
            found.append(f"满意度：{v.satisfaction}")
        if v.new_risk:
            found.append("发现新的纠纷或风险苗头" + (f"：{v.risk_note}" if v.risk_note else ""))
        self.found_label.setText("；".join(found))
        while self.offers_layout.count():
            item = self.offers_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.offer_buttons, self.offer_notes = {}, {}
        for offer in offers:
            row = QtWidgets.QWidget()
            rl = QtWidgets.QHBoxLayout(row)
            rl.setContentsMargins(0, 4, 0, 4)
            button = big_button(offer.step.label)
            button.clicked.connect(lambda _c=False, step=offer.step: self.take(step))
            rl.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
            why = text_label(offer.why)
            rl.addWidget(why, 1)
            self.offers_layout.addWidget(row)
            self.offer_buttons[offer.step.value] = button
            self.offer_notes[offer.step.value] = why
        if not offers:
            self.offers_layout.addWidget(text_label("没有需要另行处理的事项。"))
            self.later_button.setText("关闭")
        self._show_offers()

    def _show_offers(self) -> None:
        self.offers_box.show()
        self.urge_box.hide()
        self.risk_box.hide()
        self.later_button.show()

    def take(self, step: NextStep) -> None:
        """What pressing an offer's button does."""
        self.step_message.hide()
        if step is NextStep.CLOSE:
            self.close_requested.emit(self.case_id)
            self.accept()
        elif step is NextStep.VISIT_AGAIN:
            self.accept()
        elif step is NextStep.URGE:
            self.offers_box.hide()
            self.later_button.hide()
            self.urge_box.show()
            self.next_on.setFocus()
        elif step is NextStep.RAISE_RISK:
            self._fill_levels()
            self.offers_box.hide()
            self.later_button.hide()
            self.risk_box.show()
        else:
            self._follow(step)

    def _follow(self, step: NextStep, **kw: object) -> bool:
        urge = step is NextStep.URGE
        visit = attempt(lambda: self.services.followups.follow(self.visit.id, step.value, version=self.visit.version, **kw),
                        self.urge_message if urge else self.step_message, self.urge_errors if urge else None)
        if visit is None:
            return False
        self.visit = visit
        self._done(step, self.visit.measures.splitlines()[-1] if self.visit.measures else step.label)
        self.changed.emit(self.case_id)
        return True

    def urge(self) -> None:
        self.urge_message.hide()
        next_on = date_of(self.next_on)
        if self._follow(NextStep.URGE, next_on=next_on, note=self.urge_note.text()):
            self.urge_errors.clear()
            self.offer_notes[NextStep.URGE.value].setText(
                f"已记录：督促履行，{chinese_date(next_on)}再次回访（已加入回访安排）")
            self._show_offers()

    def _fill_levels(self) -> None:
        order = [m.value for m in RiskLevel]
        current = self.risk_level if self.risk_level in order else RiskLevel.NONE.value
        self.risk_now.setText(f"本案风险等级目前为：{RiskLevel(current).label}")
        self.level.clear()
        for m in RiskLevel:
            if order.index(m.value) > order.index(current):
                self.level.addItem(m.label + "色预警" if m is not RiskLevel.NONE else m.label, m.value)
        if self.level.count() == 0:
            self.level.addItem("已是最高等级（红）", None)

    def raise_risk(self) -> None:
        self.risk_message.hide()
        level = self.level.currentData()
        if level is None:
            self.risk_message.say("本案风险等级已是最高（红），无需再提高。请视情向公安机关或有关部门报告。")
            return
        told_on = datetime.combine(date_of(self.reported_on), datetime.now().time().replace(microsecond=0))
        raised = attempt(lambda: self.services.followups.raise_risk(
            self.case_id, level, self.level_note.text(), reported_to=self.reported_to.text(), reported_at=told_on),
            self.risk_message, self.risk_errors)
        if raised is None:
            return
        self.risk_level = raised
        self.risk_errors.clear()
        label = RiskLevel(self.risk_level).label
        self._done(NextStep.RAISE_RISK, f"风险等级已提高为“{label}”")
        colour = RISK_COLOURS.get(self.risk_level)
        if colour:
            self.offer_notes[NextStep.RAISE_RISK.value].setStyleSheet(f"color: {colour}; font-weight: bold;")
        self.changed.emit(self.case_id)
        self._show_offers()

    def _done(self, step: NextStep, note: str) -> None:
        button = self.offer_buttons.get(step.value)
        if button is not None:
            button.setText("✔ " + step.label)
            button.setEnabled(False)
            self.offer_notes[step.value].setText("已记录：" + note)
            self.offer_notes[step.value].setStyleSheet(OK_STYLE)
        self.later_button.setText("完成，关闭")

    # -- closing ------------------------------------------------------------------------------


