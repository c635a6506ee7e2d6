"""The case view's “风险与移交” tab (STATISTICS.md §4; Law 25): the risk level with its response
time and clock, 调整风险等级… (who was told and when; for red the 一案一策), the plan, the risk
history, the handling level with 上报/移交, and the referrals with their 移送函 and answers.

The panel only shows and asks: every rule is in ``services/risk.py`` and ``services/referrals.py``,
whose refusals are shown beside the fields, the typed values kept.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop.domain.deadlines import days_left_text, urgency
from mediator_desktop.domain.enums import HandlingLevel, ReferralKind, RiskLevel
from mediator_desktop.domain.text import chinese_date
from mediator_desktop.services.referrals import ReferralDraft, ReferralView
from mediator_desktop.services.risk import (
    NEXT_LEVEL,
    RiskChangeDraft,
    RiskChangeView,
    RiskPlanDraft,
    RiskPlanView,
    RiskView,
)
from mediator_desktop.ui.case.case_table_model import RISK_COLOURS
from mediator_desktop.ui.case.panel_base import CasePanel
from mediator_desktop.ui.common.widgets import (
    ERROR_STYLE,
    WARNING_STYLE,
    FieldErrors,
    RowTableModel,
    TimeEdit,
    add_row,
    attempt,
    button_row,
    date_edit,
    enum_combo,
    error_label,
    file_dialog,
    fit_to_screen,
    form_footer,
    height_in_lines,
    line_edit,
    on_click,
    picked_date,
    qdate,
    scrolling_body,
    scrolling_panel,
    section_label,
    set_combo_value,
    tab_moves_on,
    table_view,
    text_label,
)

V = TypeVar("V")

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services

HINT_STYLE = "color: #555;"
URGENCY_STYLE = {"overdue": ERROR_STYLE, "urgent": WARNING_STYLE}


def _text_edit(lines: float = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    tab_moves_on(edit)
    height_in_lines(edit, lines, extra=12)
    return edit


class _RiskDialog(QDialog):
    """What the tab's dialogs share: a title, a form whose problems show beside its fields
    (``errors``), a footer whose button saves, and ``saved(view)`` once the service took it."""

    saved = Signal(object)

    def __init__(self, services: Services, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setWindowTitle(title)

    def _form(self, lay: QVBoxLayout) -> QFormLayout:
        form = QFormLayout()
        lay.addLayout(form)
        self.errors = FieldErrors()
        return form

    def _scrolling(self) -> tuple[QVBoxLayout, QVBoxLayout]:
        """The dialog's layout and the body inside it that scrolls (the footer below stays on the screen)."""
        outer = QVBoxLayout(self)
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scrolling_body(body), 1)
        return outer, lay

    def _accepted(self, view: V | None) -> V | None:
        """``saved(view)`` and close — when the service took it (``view`` not None)."""
        if view is not None:
            self.saved.emit(view)
            self.accept()
        return view


class PlanForm(QWidget):
    """一案一策 as fields (the adjust dialog, the plan dialog and the intake share it); problems
    keyed ``plan.<field>`` show beside them."""

    def __init__(self, today: date, plan: RiskPlanView | RiskPlanDraft | None = None, prefix: str = "plan",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.errors = FieldErrors()
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.measures = _text_edit(3)
        self.measures.setPlaceholderText("如：每日上门稳控；联合派出所、村委会共同调处；三日内组织双方见面")
        self.lead = line_edit("姓名")
        self.lead_title = line_edit("如：街道党工委副书记")
        self.members = line_edit("如：杨志强、王芳、派出所李警官")
        self.starts_on = date_edit(today)
        self.due_on = date_edit(today, minimum=today)
        for field, label, widget in (("measures", "化解措施(&M)：", self.measures), ("lead", "包案领导(&L)：", self.lead),
                                     ("lead_title", "领导职务：", self.lead_title), ("members", "专班成员：", self.members),
                                     ("starts_on", "开始日期：", self.starts_on), ("due_on", "完成期限(&D)：", self.due_on)):
            add_row(form, self.errors, f"{prefix}.{field}", label, widget)
        if plan is not None:
            self.measures.setPlainText(plan.measures)
            self.lead.setText(plan.lead)
            self.lead_title.setText(plan.lead_title)
            self.members.setText(plan.members)
            if plan.starts_on:
                self.starts_on.setDate(qdate(plan.starts_on))
            if plan.due_on:
                self.due_on.setMinimumDate(qdate(min(plan.due_on, today)))
                self.due_on.setDate(qdate(plan.due_on))

    def draft(self) -> RiskPlanDraft:
        return RiskPlanDraft(self.measures.toPlainText(), self.lead.text(), self.lead_title.text(), self.members.text(),
                             picked_date(self.starts_on), picked_date(self.due_on))


class RiskChangeDialog(_RiskDialog):
    """调整风险等级…: the new level, who was told and when, a note; for red the 一案一策 (kept
    on screen when refused)."""

    def __init__(self, services: Services, view: RiskView, parent: QWidget | None = None) -> None:
        super().__init__(services, "调整风险等级", parent)
        self.view = view
        today = services.today()
        outer, lay = self._scrolling()
        lay.addWidget(text_label(f"本案风险等级目前为：{RiskLevel(view.level).label}。提高等级须写明已向谁报告、何时报告"
                                 "（人民调解法第二十五条）；降低等级须写明理由。", HINT_STYLE))
        form = self._form(lay)
        self.level = enum_combo(RiskLevel, value=view.level)
        add_row(form, self.errors, "level", "风险等级(&V)：", self.level)
        self.response = text_label("", HINT_STYLE)
        form.addRow("", self.response)
        self.reported_to = line_edit("如：镇综治中心王主任；涉及暴力或可能引发刑事案件的，同时报告派出所")
        add_row(form, self.errors, "reported_to", "已报告(&R)：", self.reported_to)
        when = QWidget()
        row = QVBoxLayout(when)
        row.setContentsMargins(0, 0, 0, 0)
        self.reported_on = date_edit(today, maximum=today)
        self.reported_time = TimeEdit()
        self.reported_time.setDisplayFormat("HH:mm")
        self.reported_time.setTime(datetime.now().time().replace(second=0, microsecond=0))
        row.addWidget(self.reported_on)
        row.addWidget(self.reported_time)
        add_row(form, self.errors, "reported_at", "报告时间：", when, self.reported_on)
        self.note = line_edit("如：双方在通道处推搡，情绪激动")
        add_row(form, self.errors, "note", "说明(&N)：", self.note)
        self.plan_box = QGroupBox("一案一策（红色风险必须填写）")
        plan_lay = QVBoxLayout(self.plan_box)
        self.plan = PlanForm(today, view.plan)
        plan_lay.addWidget(self.plan)
        lay.addWidget(self.plan_box)
        lay.addStretch(1)
        self.message, self.buttons = form_footer(self, outer, "保存风险等级", self.save, (720, 680))
        self._connect()
        self._level_changed()

    def _connect(self) -> None:
        self.level.currentIndexChanged.connect(self._level_changed)

    def _level_changed(self) -> None:
        level = self.level.currentData() or "none"
        self.plan_box.setVisible(level == RiskLevel.RED.value)
        self.response.setText("处置时限：" + self.services.risk.policy.response_text(level))
        colour = RISK_COLOURS.get(level)
        self.level.setStyleSheet(f"color: {colour}; font-weight: bold;" if colour else "")

    def draft(self) -> RiskChangeDraft:
        level = self.level.currentData() or "none"
        told = self.reported_to.text().strip()
        at = datetime.combine(picked_date(self.reported_on), self.reported_time.time().toPython()) if told else None
        plan = self.plan.draft() if level == RiskLevel.RED.value else None
        return RiskChangeDraft(level, told, at, self.note.text(), plan)

    def save(self) -> RiskView | None:
        self.message.hide()
        self.plan.errors.clear()
        draft = self.draft()
        plan_errors = self.plan.errors

        def placed(problems: list[Any]) -> list[Any]:
            rest = plan_errors.show([p for p in problems if p.field.startswith("plan.")])
            return [p for p in problems if not p.field.startswith("plan.")] + rest

        view = attempt(lambda: self.services.risk.change_level(self.view.case_id, self.view.version, draft),
                       self.message, self.errors, rewrite=placed)
        return self._accepted(view)


class PlanDialog(_RiskDialog):
    """一案一策…: write or amend the case's plan (or, at intake, only return it)."""

    def __init__(self, services: Services, case_id: int | None, plan: RiskPlanView | RiskPlanDraft | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(services, "一案一策", parent)
        self.case_id = case_id
        lay = QVBoxLayout(self)
        lay.addWidget(text_label("红色风险案件须制定“一案一策”：明确化解措施、包案领导和完成期限。", HINT_STYLE))
        self.form = PlanForm(services.today(), plan)
        lay.addWidget(self.form)
        self.message, self.buttons = form_footer(self, lay, "保存一案一策", self.save, (680, 520))

    def save(self) -> object:
        draft = self.form.draft()
        if self.case_id is None:      # at intake: the plan goes with the case's registration
            return self._accepted(draft)
        return self._accepted(attempt(lambda: self.services.risk.save_plan(self.case_id, draft),  # type: ignore[arg-type]
                                      self.message, self.form.errors))


class HandlingDialog(_RiskDialog):
    """处理层级…: where the case is handled now and since when (the escalation clock's start)."""

    def __init__(self, services: Services, view: RiskView, parent: QWidget | None = None) -> None:
        super().__init__(services, "处理层级", parent)
        self.view = view
        lay = QVBoxLayout(self)
        form = self._form(lay)
        self.level = enum_combo(HandlingLevel, blank="（不跟踪）", value=view.handling_level or None)
        add_row(form, self.errors, "handling_level", "处理层级(&H)：", self.level)
        today = services.today()
        self.since = date_edit(view.handling_since or today, maximum=today)
        add_row(form, self.errors, "handling_since", "自(&S)：", self.since)
        lay.addWidget(text_label("网格3个工作日内未化解的移交村（社区）；村（社区）24小时内未化解的上报乡镇（街道），"
                                 "乡镇（街道）10个工作日内答复（时限可在“设置 → 风险与移交”中修改）。", HINT_STYLE))
        self.message, self.buttons = form_footer(self, lay, "保存处理层级", self.save, (600, 320))

    def save(self) -> RiskView | None:
        level = self.level.currentData() or ""
        return self._accepted(attempt(lambda: self.services.risk.set_handling(self.view.case_id, level,
                                                                              picked_date(self.since)),
                                      self.message, self.errors))


class ReferralDialog(_RiskDialog):
    """上报… / 移交…: the referral (to whom, why, what was done, contact, date); a 上报 moves the
    case to the next handling level. With “导出案件交换文件” the case's exchange file is written
    for the receiving side; the panel then opens the 移送函."""

    saved = Signal(object, str)   # the referral and where its exchange file goes ("": none)

    def __init__(self, services: Services, view: RiskView, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(services, "上报" if kind == ReferralKind.REPORT.value else "移交", parent)
        self.view = view
        today = services.today()
        outer, lay = self._scrolling()
        form = self._form(lay)
        self.kind = enum_combo(ReferralKind, value=kind)
        add_row(form, self.errors, "kind", "方式(&K)：", self.kind)
        self.handling = enum_combo(HandlingLevel, blank="（不变）",
                                   value=NEXT_LEVEL.get(view.handling_level) if kind == ReferralKind.REPORT.value else None)
        add_row(form, self.errors, "handling_level", "上报到(&U)：", self.handling)
        self.to_unit = line_edit("如：龙门街道矛盾纠纷调处化解中心、县信访局")
        add_row(form, self.errors, "to_unit", "接收单位(&T)：", self.to_unit)
        self.from_unit = line_edit()
        self.from_unit.setText(services.referrals.organization_name())
        add_row(form, self.errors, "from_unit", "移出单位：", self.from_unit)
        self.reason = _text_edit(2.5)
        self.reason.setPlaceholderText("如：村调委会24小时内未能化解，双方情绪激动")
        add_row(form, self.errors, "reason", "原因(&R)：", self.reason)
        self.actions_taken = _text_edit(2.5)
        self.actions_taken.setPlaceholderText("如：组织双方调解两次，已报告村委会")
        add_row(form, self.errors, "actions_taken", "已做工作(&W)：", self.actions_taken)
        self.contact = line_edit("姓名和电话")
        self.contact.setText(services.user_name)
        add_row(form, self.errors, "contact", "联系人及电话(&C)：", self.contact)
        self.sent_on = date_edit(today, maximum=today)
        add_row(form, self.errors, "sent_on", "日期(&D)：", self.sent_on)
        self.export_path = QLineEdit(str(Path.home() / f"案件交换-{view.code}.json"))
        self.choose_button = QPushButton("选择…")
        box = QWidget()
        box_lay = QVBoxLayout(box)
        box_lay.setContentsMargins(0, 0, 0, 0)
        box_lay.addWidget(self.export_path)
        button_row(box_lay, [self.choose_button])
        add_row(form, self.errors, "export_path", "交换文件：", box, self.export_path)
        lay.addStretch(1)
        lay.addWidget(text_label("保存后写出本案的案件交换文件（接收单位用“导入”即可接收），并打开移送函供预览、打印。"
                                 "首问负责人不变。交换文件留空则不导出。", HINT_STYLE))
        self.message, self.buttons = form_footer(self, outer, "保存并生成移送函", self.save, (760, 620))
        on_click({self.choose_button: self.choose_file})
        self._connect()
        self._kind_changed()

    def _connect(self) -> None:
        self.kind.currentIndexChanged.connect(self._kind_changed)

    def _kind_changed(self) -> None:
        report = self.kind.currentData() == ReferralKind.REPORT.value
        self.handling.setEnabled(report)
        if not report:
            set_combo_value(self.handling, None)

    def choose_file(self) -> Any:
        self.file_dialog = file_dialog(self, "保存案件交换文件", self.export_path.text(), "案件交换文件 (*.json)",
                                       self.export_path.setText, save=True, suffix="json")
        return self.file_dialog

    def draft(self) -> ReferralDraft:
        return ReferralDraft(kind=self.kind.currentData(), to_unit=self.to_unit.text(), reason=self.reason.toPlainText(),
                             actions_taken=self.actions_taken.toPlainText(), contact=self.contact.text(),
                             sent_on=picked_date(self.sent_on), from_unit=self.from_unit.text(),
                             handling_level=self.handling.currentData() or "")

    def save(self) -> ReferralView | None:
        path = self.export_path.text().strip()
        if path and Path(path).is_dir():
            self.errors.show([])
            self.message.say("“交换文件”应是一个文件名，不是文件夹")
            return None
        referral = attempt(lambda: self.services.referrals.record(self.view.case_id, self.draft()),
                           self.message, self.errors)
        if referral is None:
            return None
        self.saved.emit(referral, path)
        self.accept()
        return referral


class AnswerDialog(_RiskDialog):
    """记录答复…: when and what the receiving side answered."""

    def __init__(self, services: Services, referral: ReferralView, parent: QWidget | None = None) -> None:
        super().__init__(services, "记录答复", parent)
        self.referral = referral
        lay = QVBoxLayout(self)
        lay.addWidget(text_label(f"{referral.kind_label}至{referral.to_unit}（{chinese_date(referral.sent_on)}）",
                                 bold=True))
        form = self._form(lay)
        today = services.today()
        self.answered_on = date_edit(referral.answered_on or today, maximum=today)
        add_row(form, self.errors, "answered_on", "答复日期(&D)：", self.answered_on)
        self.answer = _text_edit(3)
        self.answer.setPlainText(referral.answer)
        add_row(form, self.errors, "answer", "答复内容(&A)：", self.answer)
        self.message, self.buttons = form_footer(self, lay, "保存答复", self.save, (600, 380))

    def save(self) -> ReferralView | None:
        r = self.referral
        return self._accepted(attempt(lambda: self.services.referrals.record_answer(
            r.id, r.version, picked_date(self.answered_on), self.answer.toPlainText()), self.message, self.errors))


class HistoryModel(RowTableModel):
    HEADERS = ("时间", "调整", "已报告", "报告时间", "说明", "人员")

    def cell(self, row: RiskChangeView, column: int, role: int) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (f"{row.at:%Y-%m-%d %H:%M}", f"{RiskLevel(row.from_level).label} → {RiskLevel(row.to_level).label}",
                row.reported_to or "—", f"{row.reported_at:%Y-%m-%d %H:%M}" if row.reported_at else "—",
                row.note or "—", row.actor)[column]


class ReferralModel(RowTableModel):
    HEADERS = ("日期", "方式", "接收单位", "原因", "答复")

    def cell(self, row: ReferralView, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"已做工作：{row.actions_taken or '—'}\n联系人：{row.contact}"
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        answer = f"{chinese_date(row.answered_on)}：{row.answer}" if row.answered_on else "尚未答复"
        return (chinese_date(row.sent_on), row.kind_label, row.to_unit, row.reason, answer)[column]


class RiskPanel(CasePanel):
    """风险与移交 of one case."""

    WRITES = {name: "edit" for name in ("adjust_button", "plan_button", "handling_button", "report_button",
                                         "transfer_button", "answer_button")}

    def __init__(self, services: Services, parent: QWidget | None = None, *, settings: Any = None) -> None:
        super().__init__(services, parent)
        self.settings = settings
        self.view: RiskView | None = None
        self.dialog: QDialog | None = None
        lay = scrolling_panel(self)
        self.level_label = text_label(scale=1.25, bold=True)
        lay.addWidget(self.level_label)
        self.response = text_label()
        lay.addWidget(self.response)
        self.flags = text_label("", ERROR_STYLE, bold=True)
        lay.addWidget(self.flags)
        self.clocks = text_label()
        lay.addWidget(self.clocks)
        self.first_receiver = text_label()
        lay.addWidget(self.first_receiver)
        self.adjust_button = QPushButton("调整风险等级(&J)…")
        self.plan_button = QPushButton("一案一策…")
        button_row(lay, [self.adjust_button, self.plan_button])
        lay.addWidget(section_label("一案一策"))
        self.plan = text_label()
        lay.addWidget(self.plan)
        lay.addWidget(section_label("风险等级调整记录"))
        self.history_model = HistoryModel(self)
        self.history = table_view(self.history_model, 90, wrap=True, name="risk_history")
        self.history.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.history.horizontalHeader().setStretchLastSection(True)
        lay.addWidget(self.history)
        lay.addWidget(section_label("处理层级与移交"))
        self.handling = text_label()
        lay.addWidget(self.handling)
        self.handling_button = QPushButton("处理层级…")
        self.report_button = QPushButton("上报(&B)…")
        self.transfer_button = QPushButton("移交(&T)…")
        button_row(lay, [self.handling_button, self.report_button, self.transfer_button])
        self.referral_model = ReferralModel(self)
        self.referrals = table_view(self.referral_model, 90, wrap=True, name="referrals")
        self.referrals.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.referrals.horizontalHeader().setStretchLastSection(True)
        lay.addWidget(self.referrals)
        self.answer_button = QPushButton("记录答复…")
        self.letter_button = QPushButton("移送函(&L)…")
        button_row(lay, [self.answer_button, self.letter_button])
        self.message = error_label()
        lay.addWidget(self.message)
        lay.addStretch(1)
        self._connect()

    def _connect(self) -> None:
        on_click({self.adjust_button: self.adjust, self.plan_button: self.edit_plan,
                  self.handling_button: self.set_handling,
                  self.report_button: lambda: self.refer(ReferralKind.REPORT.value),
                  self.transfer_button: lambda: self.refer(ReferralKind.TRANSFER.value),
                  self.answer_button: self.record_answer, self.letter_button: self.open_letter})

    # -- showing --------------------------------------------------------------------------------

    def show_case(self, case_id: int) -> None:
        self.case_id = case_id
        self.message.hide()
        self._render(self.services.risk.view(case_id))

    def _render(self, view: RiskView) -> None:
        self.view = view
        label = RiskLevel(view.level).label
        self.level_label.setText(f"风险等级：{label}" + ("色预警" if view.level != "none" else ""))
        colour = RISK_COLOURS.get(view.level)
        self.level_label.setStyleSheet(f"color: {colour};" if colour else "")
        told = (f"；已报告：{view.reported_to}" + (f"（{chinese_date(view.reported_on)}）" if view.reported_on else "")
                if view.reported_to else "")
        self.response.setText(f"处置时限：{view.response}{told}")
        self.flags.setText("\n".join(f"！{f}" for f in view.flags))
        self.flags.setVisible(bool(view.flags))
        today, cal = self.services.today(), self.services.work_calendar()
        lines = []
        worst = ""
        for c in view.clocks:
            u = urgency(c.due.due, today, cal).value
            worst = worst or (u if u in URGENCY_STYLE else "")
            lines.append(f"时限：{c.detail}——{chinese_date(c.due.due)}（{days_left_text(c.due.due, today, cal)}）")
        self.clocks.setText("\n".join(lines))
        self.clocks.setStyleSheet(URGENCY_STYLE.get(worst, ""))
        self.clocks.setVisible(bool(lines))
        petition = "；信访事项（来源为信访部门移送），按3天见面、5天调查、7天反馈、30天办结跟踪" if view.petition else ""
        self.first_receiver.setText(f"首问负责人：{view.first_receiver or '（未记录）'}{petition}")
        p = view.plan
        self.plan.setText("（未制定）" if p is None else
                          f"化解措施：{p.measures}\n包案领导：{p.lead}（{p.lead_title}）　专班成员：{p.members or '—'}\n"
                          f"期限：{chinese_date(p.starts_on) if p.starts_on else '—'}至"
                          f"{chinese_date(p.due_on) if p.due_on else '—'}")
        self.history_model.set_rows(reversed(view.history))
        level = HandlingLevel(view.handling_level).label if view.handling_level else "未跟踪"
        since = f"（自{chinese_date(view.handling_since)}起）" if view.handling_since else ""
        self.handling.setText(f"处理层级：{level}{since}")
        self.referral_model.set_rows(self.services.referrals.of_case(view.case_id))
        self.answer_button.setEnabled(self.referral_model.rowCount() > 0)
        self.letter_button.setEnabled(self.referral_model.rowCount() > 0)
        self.hold_back()

    def _written(self, view: object = None) -> None:
        if isinstance(view, RiskView):
            self._render(view)
        elif self.case_id is not None:
            self._render(self.services.risk.view(self.case_id))
        self.report_change()

    def _open(self, dialog: QDialog) -> QDialog:
        dialog.saved.connect(lambda *_args: self._written())  # type: ignore[attr-defined]
        fit_to_screen(dialog)
        dialog.open()
        self.dialog = dialog
        return dialog

    # -- actions --------------------------------------------------------------------------------

    def adjust(self) -> RiskChangeDialog | None:
        if self.view is None:
            return None
        return self._open(RiskChangeDialog(self.services, self.view, self))  # type: ignore[return-value]

    def edit_plan(self) -> PlanDialog | None:
        if self.view is None:
            return None
        return self._open(PlanDialog(self.services, self.view.case_id, self.view.plan, self))  # type: ignore[return-value]

    def set_handling(self) -> HandlingDialog | None:
        if self.view is None:
            return None
        return self._open(HandlingDialog(self.services, self.view, self))  # type: ignore[return-value]

    def refer(self, kind: str) -> ReferralDialog | None:
        if self.view is None:
            return None
        dialog = ReferralDialog(self.services, self.view, kind, self)
        dialog.saved.connect(self._referred)
        fit_to_screen(dialog)
        dialog.open()
        self.dialog = dialog
        return dialog

    def _referred(self, _referral: ReferralView, path: str) -> None:
        """After a referral: the exchange file (in the background), then the 移送函."""
        self._written()
        if not path or self.case_id is None:
            self.open_letter()
            return
        from mediator_desktop.ui.common.background import run_task

        referrals, case_id = self.services.referrals, self.case_id

        def failed(exc: Exception) -> None:
            self.message.say(f"移交已记录，但交换文件没有导出：{exc}")
            self.open_letter()

        def done(_n: object) -> None:
            self.message.setStyleSheet("color: #1b7a2f;")
            self.message.say(f"移交已记录，案件交换文件已导出到：{path}")
            self.open_letter()

        self.export_task = run_task(self, lambda r: referrals.export_case(case_id, path, progress=r.progress,
                                                                          cancelled=r.cancelled),
                                    title="导出案件交换文件", text="正在导出……", on_done=done, on_failed=failed,
                                    on_cancelled=self.open_letter)

    def selected_referral(self) -> ReferralView | None:
        rows = self.referrals.selectionModel().selectedRows()
        if rows:
            return self.referral_model.rows[rows[0].row()]  # type: ignore[no-any-return]
        return self.referral_model.rows[-1] if self.referral_model.rows else None

    def record_answer(self) -> AnswerDialog | None:
        r = self.selected_referral()
        if r is None:
            return None
        return self._open(AnswerDialog(self.services, r, self))  # type: ignore[return-value]

    def open_letter(self) -> QDialog | None:
        """The existing documents dialog, on 移送函 (the case's latest outgoing referral)."""
        if self.view is None:
            return None
        return self.open_document(self.view.code, "referral-letter", self.settings)

