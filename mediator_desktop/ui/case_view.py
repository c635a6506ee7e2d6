"""The case view: everything about one case, its parties (masked), history and the state
changes the rules allow from where it stands."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop.domain import states
from mediator_desktop.domain.enums import (
    AgentKind,
    CaseSource,
    CaseStatus,
    Gender,
    MediatorRole,
    PartyKind,
    PartyRole,
    RiskLevel,
)
from mediator_desktop.domain.identity import mask_id_number, mask_phone
from mediator_desktop.domain.text import chinese_date
from mediator_desktop.services.dto import CaseDetail
from mediator_desktop.services.errors import ServiceError, ValidationError
from mediator_desktop.ui.case_table_model import RISK_COLOURS
from mediator_desktop.ui.widgets import ERROR_STYLE, ok_cancel


class ReasonDialog(QDialog):
    """Asks the reason for 不予受理 / 一方拒绝调解 / 终止调解 (and, for termination, that
    other routes were explained — Law 26)."""

    def __init__(self, target: CaseStatus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.target = target
        self.setWindowTitle(states.ACTION_LABELS[target])
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(f"请填写“{states.ACTION_LABELS[target]}”的原因："))
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        lay.addWidget(self.reason)
        self.routes = QCheckBox("已告知当事人可以通过仲裁、行政、司法等途径解决纠纷")
        self.routes.setVisible(target is CaseStatus.TERMINATED)
        lay.addWidget(self.routes)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        lay.addWidget(self.error)
        buttons = ok_cancel("确定", "取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(520, 300)


class CaseView(QWidget):
    """A pane showing one case. Emits ``changed(case_id)`` after a state change and
    ``edit_requested(case_id)`` when the user asks to edit."""

    changed = Signal(int)
    edit_requested = Signal(int)
    documents_requested = Signal(str)

    def __init__(self, services, parent: QWidget | None = None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.services = services
        self.detail: CaseDetail | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        lay = QVBoxLayout(body)
        self.heading = QLabel("请在左侧列表中选择一件案件")
        self.heading.setObjectName("caseHeading")
        self.heading.setWordWrap(True)
        self._style_heading()
        lay.addWidget(self.heading)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        lay.addWidget(self.message)
        self.actions = QHBoxLayout()
        lay.addLayout(self.actions)
        self.edit_button = QPushButton("修改案件信息(&E)")
        self.edit_button.clicked.connect(lambda: self.detail and self.edit_requested.emit(self.detail.id))
        self.edit_button.hide()
        self.documents_button = QPushButton("文书(&D)…")
        self.documents_button.setToolTip("预览、打印或保存本案的协议书、申请书等文书")
        self.documents_button.clicked.connect(lambda: self.detail and self.documents_requested.emit(self.detail.code))
        self.documents_button.hide()
        self.form = QFormLayout()
        self.fields: dict[str, QLabel] = {}
        for key, label in [("status", "状态"), ("received_on", "受理日期"), ("source", "来源"),
                           ("dispute_type", "纠纷类型"), ("title", "案件名称"), ("summary", "纠纷简要情况"),
                           ("requests", "申请事项"), ("risk", "风险等级"), ("mediators", "调解员"),
                           ("recorder", "记录人")]:
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key] = value
            self.form.addRow(f"{label}：", value)
        lay.addLayout(self.form)
        lay.addWidget(self._section("当事人"))
        self.parties = QTableWidget(0, 6)
        self.parties.setHorizontalHeaderLabels(["身份", "姓名或名称", "性别/类型", "证件号码", "联系电话", "代理人"])
        self.parties.setToolTip("双击查看当事人的完整信息")
        self.parties.doubleClicked.connect(lambda index: self.open_party(index.row()))
        self._table(self.parties)
        lay.addWidget(self.parties)
        lay.addWidget(self._section("办理经过"))
        self.history = QTableWidget(0, 3)
        self.history.setHorizontalHeaderLabels(["时间", "经办人", "事项"])
        self._table(self.history)
        lay.addWidget(self.history)
        lay.addStretch()

    def _style_heading(self) -> None:
        font = QApplication.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ApplicationFontChange:
            self._style_heading()
        super().changeEvent(event)

    @staticmethod
    def _section(text: str) -> QLabel:
        label = QLabel(text)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        return label

    @staticmethod
    def _table(table: QTableWidget) -> None:
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setStretchLastSection(True)
        table.setMinimumHeight(120)

    # -- showing ------------------------------------------------------------------------------

    def show_case(self, case_id: int) -> None:
        self.message.hide()
        try:
            self.detail = self.services.cases.get(case_id)
        except ServiceError as exc:
            self.detail = None
            self.message.setText(str(exc))
            self.message.show()
            return
        self._render()

    def _render(self) -> None:
        d = self.detail
        assert d is not None
        self.heading.setText(d.code)
        f = self.fields
        f["status"].setText(CaseStatus(d.status).label)
        f["received_on"].setText(chinese_date(d.received_on))
        f["source"].setText(CaseSource(d.source).label)
        f["dispute_type"].setText(d.dispute_type)
        f["title"].setText(d.title or "（未填）")
        f["summary"].setText(d.summary)
        f["requests"].setText("\n".join(f"{i}. {r}" for i, r in enumerate(d.requests, 1)) or "（未填）")
        risk = RiskLevel(d.risk_level).label
        if d.risk_reported_to:
            risk += f"（已报告：{d.risk_reported_to}）"
        f["risk"].setText(risk)
        colour = RISK_COLOURS.get(d.risk_level)
        f["risk"].setStyleSheet(f"color: {colour}; font-weight: bold;" if colour else "")
        f["mediators"].setText("、".join(f"{m.name}（{MediatorRole(m.role).label}）" for m in d.mediators) or "（未指定）")
        f["recorder"].setText(d.recorder or "（未填）")
        self.parties.setRowCount(len(d.parties))
        for row, p in enumerate(d.parties):
            kind = Gender(p.gender).label if p.kind == "person" and p.gender else PartyKind(p.kind).label
            ident = mask_id_number(p.id_number) if p.kind == "person" else p.credit_code
            agents = "、".join(f"{a.name}（{AgentKind(a.kind).label}）" for a in p.agents)
            for col, value in enumerate([PartyRole(p.role).label, p.name, kind, ident, mask_phone(p.phone), agents]):
                self.parties.setItem(row, col, QTableWidgetItem(value))
        self.parties.resizeColumnsToContents()
        self.history.setRowCount(len(d.history))
        for row, h in enumerate(reversed(d.history)):
            when = f"{chinese_date(h.at.date())} {h.at:%H:%M}"
            for col, value in enumerate([when, h.actor, h.text]):
                self.history.setItem(row, col, QTableWidgetItem(value))
        self.history.resizeColumnsToContents()
        self.history.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self._render_actions()

    def _render_actions(self) -> None:
        while self.actions.count():
            item = self.actions.takeAt(0)
            widget = item.widget()
            if widget is not None and widget not in (self.edit_button, self.documents_button):
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        assert self.detail is not None
        self.action_buttons: dict[str, QPushButton] = {}
        for target in states.allowed_targets(self.detail.status):
            button = QPushButton(states.ACTION_LABELS[target])
            button.clicked.connect(lambda _=False, t=target: self.request_transition(t))
            self.actions.addWidget(button)
            self.action_buttons[target.value] = button
        self.edit_button.show()
        self.actions.addWidget(self.edit_button)
        self.documents_button.show()
        self.actions.addWidget(self.documents_button)
        self.actions.addStretch()

    def open_party(self, row: int):  # type: ignore[no-untyped-def]
        """The party's own form, read-only: the only place the full ID number shows."""
        from mediator_desktop.ui.party_dialog import PartyDialog

        if self.detail is None or not 0 <= row < len(self.detail.parties):
            return None
        party = self.detail.parties[row]
        try:
            draft = self.services.cases.open_party(party.id)
        except ServiceError as exc:
            self._show_error(str(exc))
            return None
        dialog = PartyDialog(self.services, draft, self, kind=party.kind, exclude_case_id=self.detail.id)
        dialog.set_read_only()
        dialog.open()
        self.party_dialog = dialog
        return dialog

    # -- state changes ------------------------------------------------------------------------

    def request_transition(self, target: CaseStatus) -> ReasonDialog | None:
        if target in states.NEEDS_REASON:
            dialog = ReasonDialog(target, self)
            dialog.accepted.connect(lambda: self._apply(target, dialog.reason.toPlainText(),
                                                        dialog.routes.isChecked(), dialog))
            dialog.open()
            self.reason_dialog = dialog
            return dialog
        self._apply(target, "", None, None)
        return None

    def _apply(self, target: CaseStatus, reason: str, routes: bool | None, dialog: ReasonDialog | None) -> None:
        assert self.detail is not None
        try:
            self.detail = self.services.cases.transition(self.detail.id, self.detail.version, target.value,
                                                         reason=reason, routes_explained=routes)
        except ValidationError as exc:
            if dialog is not None:  # keep what was typed and ask again
                dialog.error.setText("\n".join(p.message for p in exc.problems))
                dialog.error.show()
                dialog.open()
                return
            self._show_error(str(exc))
            return
        except ServiceError as exc:
            self._show_error(str(exc))
            return
        self.message.hide()
        self._render()
        self.changed.emit(self.detail.id)

    def _show_error(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
