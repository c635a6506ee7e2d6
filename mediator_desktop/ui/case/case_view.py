"""The case view: everything about one case — the registration and parties (masked), the
sessions and records, the agreement and its performance, the evidence, the case-file checklist
and the timeline, each a tab — with the state changes the rules allow from where it stands and
the mediation time limit (调解期限) with its extensions."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop.domain import states
from mediator_desktop.domain.enums import (
    RUNNING_STATUSES,
    AgentKind,
    AgreementForm,
    CaseSource,
    CaseStatus,
    Gender,
    MediatorRole,
    PartyKind,
    PartyRole,
    RiskLevel,
    TerminationReason,
)
from mediator_desktop.domain.identity import mask_id_number, mask_phone
from mediator_desktop.domain.text import chinese_date
from mediator_desktop.domain.workdays import Deadline
from mediator_desktop.services.dto import CaseDetail
from mediator_desktop.services.errors import (
    ConflictError,
    ServiceError,
    ValidationError,
)
from mediator_desktop.services.guard import CaseRights
from mediator_desktop.ui.case.case_table_model import RISK_COLOURS
from mediator_desktop.ui.common.widgets import (
    RED,
    FlowLayout,
    ask_yes_no,
    date_edit,
    enum_combo,
    error_label,
    form_footer,
    hold_back,
    line_edit,
    read_only_table,
    scale_font,
    section_label,
    tab_moves_on,
)

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services
    from mediator_desktop.ui.case.agreement_panel import AgreementPanel
    from mediator_desktop.ui.case.checklist_panel import ChecklistPanel
    from mediator_desktop.ui.case.evidence_panel import EvidencePanel
    from mediator_desktop.ui.case.followup_panel import FollowUpPanel
    from mediator_desktop.ui.case.panel_base import CasePanel
    from mediator_desktop.ui.case.risk_panel import RiskPanel
    from mediator_desktop.ui.case.sessions_panel import SessionsPanel


class ReasonDialog(QDialog):
    """Asks the reason for 不予受理 / 一方拒绝调解 / 终止调解 (and, for termination, that
    other routes were explained — Law 26)."""

    def __init__(self, target: CaseStatus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.target = target
        self.setWindowTitle(states.ACTION_LABELS[target])
        lay = QVBoxLayout(self)
        self.reason_kind = enum_combo(TerminationReason, blank="（请选择终止原因）")
        self.reason_kind.setVisible(target is CaseStatus.TERMINATED)
        lay.addWidget(self.reason_kind)
        hint = {
            CaseStatus.NOT_ACCEPTED: "（如：属于法律规定由其他机关处理的事项；"
                                     "已被人民法院、公安机关或其他行政机关受理或处理）",
            CaseStatus.REFUSED: "（写明哪一方、何时、以何种方式明确拒绝调解）",
            CaseStatus.TERMINATED: "（写明经过和理由）",
        }.get(target, "")
        lay.addWidget(QLabel(f"请填写“{states.ACTION_LABELS[target]}”的原因{hint}："))
        self.reason = QPlainTextEdit()
        tab_moves_on(self.reason)
        lay.addWidget(self.reason)
        self.routes = QCheckBox("已告知当事人可以通过仲裁、行政、司法等途径解决纠纷")
        self.routes.setVisible(target is CaseStatus.TERMINATED)
        lay.addWidget(self.routes)
        self.error, _buttons = form_footer(self, lay, "确定", self.accept, (520, 300))


class ExtensionDialog(QDialog):
    """延长调解期限: the new date and how both parties consented (MOJ-2002 33)."""

    def __init__(self, current: Deadline, proposed: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("延长调解期限")
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(f"现在的调解期限：{current.text()}"))
        form = QFormLayout()
        self.new_due = date_edit(proposed)
        form.addRow("延长至：", self.new_due)
        self.consent = line_edit("如：双方当事人在调解记录上签字同意延长")
        form.addRow("同意方式：", self.consent)
        lay.addLayout(form)
        self.agreed = QCheckBox("双方当事人均同意延长调解期限")
        lay.addWidget(self.agreed)
        self.error, _buttons = form_footer(self, lay, "确定", self.accept, (520, 260))

    def new_due_on(self) -> date:
        d = self.new_due.date()
        return date(d.year(), d.month(), d.day())


#: The case menu's words for the state changes, with the letter that picks each in the menu.
TRANSITION_MENU_TEXT: dict[CaseStatus, str] = {
    CaseStatus.ACCEPTED: "受理(&A)…",
    CaseStatus.NOT_ACCEPTED: "不予受理(&U)…",
    CaseStatus.REFUSED: "一方拒绝调解(&J)…",
    CaseStatus.IN_MEDIATION: "开始调解(&B)",
    CaseStatus.AGREED: "调解成功(&S)…",
    CaseStatus.TERMINATED: "终止调解(&Z)…",
    CaseStatus.CLOSED: "归档(&F)",
}
#: The state changes of every case's daily path get a function key (each asks before it acts).
TRANSITION_SHORTCUTS: dict[CaseStatus, str] = {
    CaseStatus.ACCEPTED: "F6",
    CaseStatus.IN_MEDIATION: "F7",
    CaseStatus.AGREED: "F8",
}
#: Keys of the view's actions that are not state changes, in menu order (None: a separator).
#: Daily ones have a Ctrl key that clashes with nothing a text field uses (Ctrl+A/C/V/X/Z/Y).
ACTION_SPECS: list[tuple[str, str, str] | None] = [
    ("edit", "修改案件信息(&E)…", "Ctrl+M"),
    ("extend", "延长调解期限(&X)…", ""),
    None,
    ("investigate", "安排调查(&I)…", ""),
    ("mediate", "安排调解(&T)…", "Ctrl+T"),
    ("record", "编辑记录(&R)…", "Ctrl+E"),
    ("notice", "记录权利义务告知(&K)…", "Ctrl+L"),
    None,
    ("agreement", "填写协议(&G)…", "Ctrl+G"),
    ("performance", "记录履行情况(&L)…", ""),
    ("visit", "记录回访(&V)…", ""),
    ("add_visit", "新增回访(&W)…", ""),
    None,
    ("documents", "文书(&D)…", "Ctrl+P"),
]


#: The case view's panel tabs in order after 概况: (key, tab title, module under ui.case, class).
#: Each is a :class:`~mediator_desktop.ui.case.panel_base.CasePanel`, made when first needed.
PANELS: list[tuple[str, str, str, str]] = [
    ("sessions", "调解活动", "sessions_panel", "SessionsPanel"),
    ("agreement", "协议与履行", "agreement_panel", "AgreementPanel"),
    ("followup", "回访与司法确认", "followup_panel", "FollowUpPanel"),
    ("evidence", "证据与材料", "evidence_panel", "EvidencePanel"),
    ("checklist", "卷宗", "checklist_panel", "ChecklistPanel"),
    ("risk", "风险与移交", "risk_panel", "RiskPanel"),   # 风险与移交 (STATISTICS.md §4)
]
#: Actions that press a button of a panel: (action key, panel key, the button's attribute, the
#: attribute of the list the cursor goes to when the button cannot be pressed, or None).
PANEL_BUTTONS: list[tuple[str, str, str, str | None]] = [
    ("investigate", "sessions", "investigate_button", None),
    ("mediate", "sessions", "mediate_button", None),
    ("record", "sessions", "record_button", "sessions"),
    ("notice", "sessions", "notice_button", "notices"),
    ("agreement", "agreement", "edit_button", None),
    ("performance", "agreement", "perform_button", None),
    ("visit", "followup", "record_button", "table"),
    ("add_visit", "followup", "add_button", None),
]

#: The kind of write each case action makes (issue 16: a ``CaseRights`` field; None: it only
#: reads or prints): what the user's role does not allow on the shown case is greyed, and its
#: tooltip says why — by the rule the services' guard refuses the write with.
ACTION_WRITES: dict[str, str | None] = {
    **{t.value: "edit" for t in TRANSITION_MENU_TEXT}, CaseStatus.CLOSED.value: "archive",
    "edit": "edit", "extend": "edit",
    "investigate": "records", "mediate": "records", "record": "records", "notice": "records",
    "agreement": "edit", "performance": "edit", "visit": "edit", "add_visit": "edit",
    "documents": None,
}


class _EnabledWatcher(QObject):
    """Calls back when a watched button is enabled or disabled (the panels decide that)."""

    def __init__(self, callback, parent: QObject) -> None:
        super().__init__(parent)
        self.callback = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.EnabledChange:
            self.callback()
        return False


class CaseView(QWidget):
    """A pane showing one case. Emits ``changed(case_id)`` after a state change and
    ``edit_requested(case_id)`` when the user asks to edit."""

    changed = Signal(int)
    edit_requested = Signal(int)
    documents_requested = Signal(str)
    conferences_requested = Signal(int)   # 联席会议 of this case
    #: What the signed-in user may write on the shown case (read with it; all while sign-in is off).
    rights: CaseRights = CaseRights()

    def __init__(self, services: Services, parent: QWidget | None = None, *,
                 rooms: list[str] | None = None, autosave_seconds: int = 2) -> None:
        super().__init__(parent)
        self.services = services
        self.detail: CaseDetail | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel("请在左侧列表中选择一件案件")
        self.heading.setObjectName("caseHeading")
        self.heading.setWordWrap(True)
        self._style_heading()
        outer.addWidget(self.heading)
        self.role_note = QLabel()   # what the user's role leaves them on this case (issue 16)
        self.role_note.setObjectName("caseRoleNote")
        self.role_note.setWordWrap(True)
        self.role_note.setStyleSheet("color: #8a4b00;")
        self.role_note.hide()
        outer.addWidget(self.role_note)
        self.deadline = QLabel()
        self.deadline.setWordWrap(True)
        self.deadline.hide()
        outer.addWidget(self.deadline)
        from mediator_desktop.ui.case.ledger_line import LedgerLine

        self.ledger_line = LedgerLine(services)   # 台账：在册 / 已销号, with 销号… and 再挂号…
        outer.addWidget(self.ledger_line)
        self.message = error_label(selectable=True)
        outer.addWidget(self.message)
        self.actions = FlowLayout()  # wraps onto a second line at a large font
        outer.addLayout(self.actions)
        self.edit_button = QPushButton("修改案件信息(&E)")
        self.edit_button.hide()
        self.extend_button = QPushButton("延长期限…")
        self.extend_button.setToolTip("经双方当事人同意，延长调解期限")
        self.extend_button.hide()
        self.documents_button = QPushButton("文书(&D)…")
        self.documents_button.setToolTip("预览、打印或保存本案的协议书、申请书等文书（Ctrl+P）")
        self.documents_button.hide()
        self.conferences_button = QPushButton("联席会议…")
        self.conferences_button.setToolTip("本案的联席会议（会诊）记录和任务分工")
        self.conferences_button.hide()
        self.tabs = QTabWidget()
        outer.addWidget(self.tabs)
        # 概况: the registration and the parties.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        scroll.setWidget(body)
        lay = QVBoxLayout(body)
        self.form = QFormLayout()
        self.fields: dict[str, QLabel] = {}
        for key, label in [("status", "状态"), ("received_on", "受理日期"), ("source", "来源"),
                           ("dispute_type", "纠纷类型"), ("title", "案件名称"), ("summary", "纠纷简要情况"),
                           ("requests", "申请事项"), ("risk", "风险等级"), ("mediators", "调解员"),
                           ("recorder", "记录人"), ("time_limit", "调解期限"), ("outcome", "调解结果")]:
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key] = value
            self.form.addRow(f"{label}：", value)
        lay.addLayout(self.form)
        lay.addWidget(section_label("当事人"))
        self.parties = QTableWidget(0, 6)
        self.parties.setHorizontalHeaderLabels(["身份", "姓名或名称", "性别/类型", "证件号码", "联系电话", "代理人"])
        self.parties.setToolTip("双击查看当事人的完整信息")
        read_only_table(self.parties)
        lay.addWidget(self.parties)
        from mediator_desktop.ui.case.prevention_box import PreventionBox

        self.prevention = PreventionBox(services)  # 预防情况, counted in the statistics
        lay.addWidget(self.prevention)
        lay.addStretch()
        self.tabs.addTab(scroll, "概况")
        # The panels of issue 3, each a tab that refreshes itself when shown. A panel is made
        # when it is first needed (its tab shown, its action run, or asked for by name): the
        # window's start does not wait for six panels nobody has looked at yet.
        self._rooms = rooms or []
        self._autosave_seconds = autosave_seconds
        self._panels: dict[str, CasePanel] = {}
        for _key, title, _module, _cls in PANELS:
            self.tabs.addTab(QWidget(), title)   # stands in until the panel is made
        # 时间线: everything in order, newest first.
        self.history = QTableWidget(0, 3)
        self.history.setHorizontalHeaderLabels(["时间", "人员", "事项"])
        read_only_table(self.history)
        self.tabs.addTab(self.history, "时间线")
        self._stale: set[int] = set()
        self._build_actions()
        self._connect()

    def _connect(self) -> None:
        self.parties.doubleClicked.connect(lambda index: self.open_party(index.row()))
        self.ledger_line.changed.connect(self._panel_changed)
        self.tabs.currentChanged.connect(self._refresh_tab)
        self.conferences_button.clicked.connect(lambda: self.detail and self.conferences_requested.emit(self.detail.id))

    # -- actions ------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        """Every case action is a QAction owned by this view (``case_actions``): its buttons
        (here and in the tabs) and the main window's 案件 menu trigger the same action, which
        runs the button's own code, and each is enabled exactly when the view allows it."""
        self.case_actions: dict[str, QAction] = {}
        self.action_buttons: dict[str, QPushButton] = {}
        self.transition_box: QMessageBox | None = None
        self._panel_buttons: list[tuple[QAction, str, str, str | None]] = []
        for target, text in TRANSITION_MENU_TEXT.items():
            action = self._action(target.value, text, TRANSITION_SHORTCUTS.get(target, ""))
            action.triggered.connect(lambda _=False, t=target: self.request_transition(t))
        for spec in ACTION_SPECS:
            if spec is not None:
                self._action(*spec)
        acts = self.case_actions
        # The view's own buttons.
        for key, button in (("edit", self.edit_button), ("extend", self.extend_button),
                            ("documents", self.documents_button)):
            button.clicked.connect(acts[key].trigger)
        acts["edit"].triggered.connect(lambda: self.detail and self.edit_requested.emit(self.detail.id))
        acts["extend"].triggered.connect(self.request_extension)
        acts["documents"].triggered.connect(lambda: self.detail and self.documents_requested.emit(self.detail.code))
        # The tabs' buttons: the action shows the tab and presses its button.
        for key, panel_key, button, fallback in PANEL_BUTTONS:
            self._bind_panel_button(acts[key], panel_key, button, fallback)
        self.addActions(list(acts.values()))
        self._update_actions()

    def _action(self, key: str, text: str, shortcut: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setEnabled(False)
        self.case_actions[key] = action
        return action

    def action_items(self) -> list[QAction | None]:
        """The actions in menu order: state changes, then the rest (None: a separator)."""
        items: list[QAction | None] = [self.case_actions[t.value] for t in TRANSITION_MENU_TEXT]
        for spec in ACTION_SPECS:
            items.append(None if spec is None else self.case_actions[spec[0]])
        return [*items, None, *self.ledger_line.menu_actions]

    def _bind_panel_button(self, action: QAction, panel_key: str, button: str, fallback: str | None) -> None:
        """``action`` presses the ``button`` of the tab ``panel_key`` (showing that tab first, made
        if it was not yet); when the button cannot be pressed (nothing selected) the cursor goes
        to the ``fallback`` list to choose."""
        def run() -> None:
            if self.detail is None:
                return
            panel = self.panel(panel_key)
            self.tabs.setCurrentWidget(panel)   # loads the tab for this case if it was not yet
            pressed: QPushButton = getattr(panel, button)
            if pressed.isEnabled():
                pressed.click()
            elif fallback is not None:
                getattr(panel, fallback).setFocus(Qt.FocusReason.ShortcutFocusReason)

        action.triggered.connect(run)
        self._panel_buttons.append((action, panel_key, button, fallback))

    # -- the panels, made when first needed ------------------------------------------------------

    def panel(self, key: str) -> CasePanel:
        """The panel ``key`` of :data:`PANELS`, made (and put in its tab) the first time."""
        made = self._panels.get(key)
        if made is not None:
            return made
        import importlib

        index, (_key, title, module, cls) = next((1 + i, p) for i, p in enumerate(PANELS) if p[0] == key)
        factory = getattr(importlib.import_module(f"mediator_desktop.ui.case.{module}"), cls)
        if key == "sessions":
            made = factory(self.services, self._rooms, autosave_seconds=self._autosave_seconds)
        else:
            made = factory(self.services)
        self._panels[key] = made
        self._wire_panel(key, made)
        made.set_rights(self.rights)   # what the user may do on the shown case, before it shows it
        # The panel takes the stand-in's place at the same index (the current tab stays current).
        current = self.tabs.currentIndex()
        stand_in = self.tabs.widget(index)
        blocked = self.tabs.blockSignals(True)
        self.tabs.insertTab(index, made, title)
        self.tabs.removeTab(index + 1)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(blocked)
        stand_in.deleteLater()
        return made

    def made_panel(self, key: str) -> CasePanel | None:
        """The panel ``key`` if it has been made (None: nobody has needed it yet)."""
        return self._panels.get(key)

    @property
    def panels(self) -> list[CasePanel]:
        """The panels made so far, in tab order."""
        return [self._panels[key] for key, *_rest in PANELS if key in self._panels]

    def _wire_panel(self, key: str, panel: CasePanel) -> None:
        panel.changed.connect(self._panel_changed)
        if key == "checklist":
            panel.add_requested.connect(self._add_file_to_item)  # type: ignore[attr-defined]
        elif key == "followup":
            panel.close_requested.connect(self._close_after_visit)  # type: ignore[attr-defined]
        for action_key, panel_key, button, _fallback in PANEL_BUTTONS:
            if panel_key == key:
                pressed: QPushButton = getattr(panel, button)
                pressed.installEventFilter(_EnabledWatcher(self._update_actions, pressed))
                keys = self.case_actions[action_key].shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                if keys:
                    pressed.setToolTip(f"{pressed.toolTip()}（{keys}）")

    @property
    def sessions_panel(self) -> SessionsPanel:
        return self.panel("sessions")  # type: ignore[return-value]

    @property
    def agreement_panel(self) -> AgreementPanel:
        return self.panel("agreement")  # type: ignore[return-value]

    @property
    def followup_panel(self) -> FollowUpPanel:
        return self.panel("followup")  # type: ignore[return-value]

    @property
    def evidence_panel(self) -> EvidencePanel:
        return self.panel("evidence")  # type: ignore[return-value]

    @property
    def checklist_panel(self) -> ChecklistPanel:
        return self.panel("checklist")  # type: ignore[return-value]

    @property
    def risk_panel(self) -> RiskPanel:
        return self.panel("risk")  # type: ignore[return-value]

    def _update_actions(self) -> None:
        """Enable each action as its button is: a state change when the rules allow it from
        the present state, a tab's action as that tab's button (a tab not yet loaded for this
        case is loaded by :meth:`load_actions` or when the action runs)."""
        if not hasattr(self, "case_actions"):
            return
        d = self.detail
        allowed = {t.value for t in states.allowed_targets(d.status)} if d is not None else set()
        for target in TRANSITION_MENU_TEXT:
            self.case_actions[target.value].setEnabled(target.value in allowed)
        running = d is not None and d.status in RUNNING_STATUSES
        self.case_actions["edit"].setEnabled(d is not None)
        self.case_actions["extend"].setEnabled(running and d is not None and d.time_limit is not None)
        self.case_actions["documents"].setEnabled(d is not None)
        for action, key, button, fallback in self._panel_buttons:
            panel = self._panels.get(key)
            if panel is None or self.tabs.indexOf(panel) in self._stale:
                # Not loaded for this case: load_actions (or running the action) decides.
                action.setEnabled(d is not None)
                continue
            # Nothing chosen yet (which session, which party): the action takes the cursor to
            # the list to choose from, if the list has anything in it.
            choose = fallback is not None and getattr(panel, fallback).model().rowCount() > 0
            action.setEnabled(d is not None and (getattr(panel, button).isEnabled() or choose))
        self._hold_back()

    def _hold_back(self) -> None:
        """Grey what the user's role does not allow on this case (after the state's own rules):
        the actions, and the view's buttons as their actions."""
        for key, action in self.case_actions.items():
            hold_back(action, self.rights.why(ACTION_WRITES[key]))
        for key, button in (("edit", self.edit_button), ("extend", self.extend_button), *self.action_buttons.items()):
            button.setEnabled(self.case_actions[key].isEnabled())
            hold_back(button, self.rights.why(ACTION_WRITES[key]))

    def _apply_rights(self) -> None:
        """Read what the user may write on the shown case and give it to every part of the view
        (a tab built or shown later gets it in :meth:`_refresh_tab`); the note under the heading
        says it in words."""
        assert self.detail is not None
        try:
            self.rights = self.services.cases.rights(self.detail.id)
        except ServiceError as exc:
            self._show_error(str(exc))
            self.rights = CaseRights(False, False, False, False)
        for part in (*self.panels, self.ledger_line, self.prevention):
            part.set_rights(self.rights)
        self.role_note.setText(self.rights.note)
        self.role_note.setVisible(bool(self.rights.note))

    def load_actions(self) -> None:
        """Before the 案件 menu opens: load the tabs whose buttons decide an action, so each
        menu item is enabled exactly as its button."""
        if self.detail is None:
            return
        for _action, key, _button, _fallback in self._panel_buttons:
            index = self.tabs.indexOf(self.panel(key))
            if index in self._stale:
                self._refresh_tab(index)
        self._update_actions()

    def _style_heading(self) -> None:
        # 1.3 × the application font, kept when the font size setting changes (widgets.follow_font_size).
        scale_font(self.heading, 1.3, bold=True)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ApplicationFontChange:
            self._style_heading()
        super().changeEvent(event)

    # -- showing ------------------------------------------------------------------------------

    def show_case(self, case_id: int) -> None:
        self.message.hide()
        try:
            self.detail = self.services.cases.get(case_id)
        except ServiceError as exc:
            self.detail = None
            self.rights = CaseRights()
            self.role_note.hide()
            self.message.say(str(exc))
            self._update_actions()
            return
        self._stale = set(range(1, self.tabs.count()))
        self._render()
        self._refresh_tab(self.tabs.currentIndex())

    def reload(self) -> None:
        """The shown case again, as it is now in the database (deadlines after a calendar change)."""
        if self.detail is not None:
            self.show_case(self.detail.id)

    def _refresh_tab(self, index: int) -> None:
        """Tabs load when they are looked at: opening a case stays quick (and a panel is made
        when its tab is first looked at)."""
        if 1 <= index <= len(PANELS):
            self.panel(PANELS[index - 1][0])
        if self.detail is None or index not in self._stale:
            return
        self._stale.discard(index)
        widget = self.tabs.widget(index)
        if widget is self.history:
            self._render_timeline()
        elif widget in self._panels.values():
            widget.set_rights(self.rights)  # type: ignore[attr-defined]
            widget.show_case(self.detail.id)  # type: ignore[attr-defined]
        self._update_actions()

    def _read_again(self, case_id: int) -> bool:
        """Read the shown case again after a panel wrote to it; False (and the error shown)
        when it is another case or cannot be read."""
        if self.detail is None or case_id != self.detail.id:
            return False
        try:
            self.detail = self.services.cases.get(case_id)
        except ServiceError as exc:
            self._show_error(str(exc))
            return False
        return True

    def _panel_changed(self, case_id: int) -> None:
        """A panel saved something: the header, the actions and the other tabs are out of date."""
        if not self._read_again(case_id):
            return
        current = self.tabs.currentIndex()
        self._stale = set(range(1, self.tabs.count())) - {current}
        self._render()
        self.changed.emit(case_id)

    def _add_file_to_item(self, item: int) -> None:
        self.tabs.setCurrentWidget(self.evidence_panel)
        self.evidence_panel.request_add(item)

    def _render(self) -> None:
        d = self.detail
        assert d is not None
        self.heading.setText(d.code)
        self._apply_rights()
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
        self.prevention.show_case(d.id)
        self._render_deadline()
        self.ledger_line.show_case(d.id)
        outcome = ""
        if d.agreement_form:
            outcome = AgreementForm(d.agreement_form).label
        if d.termination is not None:
            kind = TerminationReason(d.termination.reason_kind).label if d.termination.reason_kind else "终止调解"
            outcome = f"终止调解（{chinese_date(d.termination.on)}）：{kind}。{d.termination.reason}"
        f["outcome"].setText(outcome or "（尚无）")
        if self.tabs.currentWidget() is self.history:
            self._render_timeline()
        else:
            self._stale.add(self.tabs.indexOf(self.history))
        self._render_actions()

    def _render_deadline(self) -> None:
        """The deadlines that matter now, in one bold line under the heading: the time limit
        while mediating; after the agreement, the judicial-confirmation window and the next
        visit. Counted in working days; coloured like the today view."""
        from mediator_desktop.domain.deadlines import Urgency, days_left_text, urgency

        d = self.detail
        assert d is not None
        limit = d.time_limit
        text = limit.text() if limit else ""
        if d.simple_procedure:
            text += "（简易程序，7日）"
        if d.extensions:
            text += f"（已延长{len(d.extensions)}次：{d.extensions[-1].consent}）"
        self.fields["time_limit"].setText(text)
        today = self.services.today()
        cal = self.services.work_calendar()
        lines: list[tuple[str, str]] = []   # (text, urgency)
        if d.status in RUNNING_STATUSES and limit:
            u = urgency(limit.due, today, cal)
            if u is Urgency.OVERDUE:
                lines.append((f"调解期限已过{(today - limit.due).days}天（{limit.text()}），请办结或经双方同意延长", u))
            else:
                lines.append((f"调解期限：{limit.text()}，{days_left_text(limit.due, today, cal)}", u))
        elif d.status == CaseStatus.AGREED.value:
            try:
                window = self.services.followups.confirmation(d.id)
                visits = [v for v in self.services.followups.visits(d.id) if not v.done and v.due]
            except ServiceError:
                window, visits = None, []
            if window is not None and window.window_open(today):
                assert window.window is not None
                lines.append((f"司法确认申请期限：{window.window.text()}，{days_left_text(window.window.due, today, cal)}",
                              urgency(window.window.due, today, cal)))
            if visits:
                v = visits[0]
                assert v.due is not None
                lines.append((f"下次回访：{v.due.text()} {v.party_name}（{v.kind_label}），"
                              f"{days_left_text(v.due.due, today, cal)}", urgency(v.due.due, today, cal)))
        if not lines:
            self.deadline.hide()
            return
        worst = min((Urgency(u) for _t, u in lines), key=list(Urgency).index)
        colour = {Urgency.OVERDUE: RED, Urgency.URGENT: "#c05000", Urgency.SOON: "#8a6d00"}.get(worst, "#333333")
        self.deadline.setText("\n".join(t for t, _u in lines))
        self.deadline.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self.deadline.show()

    def _render_timeline(self) -> None:
        assert self.detail is not None
        try:
            entries = self.services.cases.timeline(self.detail.id)
        except ServiceError as exc:
            self._show_error(str(exc))
            return
        self.history.setRowCount(len(entries))
        bold = QFont(self.history.font())
        bold.setBold(True)
        for row, e in enumerate(reversed(entries)):
            when = chinese_date(e.at.date()) + ("" if e.at.time() == time(0) else f" {e.at:%H:%M}")
            for col, value in enumerate([when, e.actor, e.text]):
                item = QTableWidgetItem(value)
                item.setToolTip("办理活动" if e.kind == "活动" else "系统记录的操作")
                if e.kind == "活动":
                    item.setFont(bold)
                self.history.setItem(row, col, item)
        self.history.resizeColumnsToContents()
        self.history.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

    def _render_actions(self) -> None:
        while self.actions.count():
            item = self.actions.takeAt(0)
            widget = item.widget()
            if widget is not None and widget not in (self.edit_button, self.extend_button, self.documents_button,
                                                             self.conferences_button):
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        assert self.detail is not None
        self.action_buttons = {}
        for target in states.allowed_targets(self.detail.status):
            button = QPushButton(states.ACTION_LABELS[target])
            button.clicked.connect(self.case_actions[target.value].trigger)
            self.actions.addWidget(button)
            self.action_buttons[target.value] = button
        self.edit_button.show()
        self.actions.addWidget(self.edit_button)
        running = self.detail.status in RUNNING_STATUSES
        self.extend_button.setVisible(running)
        self.actions.addWidget(self.extend_button)
        self.documents_button.show()
        self.actions.addWidget(self.documents_button)
        self.conferences_button.show()
        self.actions.addWidget(self.conferences_button)
        self.actions.addStretch()
        self._update_actions()

    def open_party(self, row: int):
        """The party's own form, read-only: the only place the full ID number shows."""
        from mediator_desktop.ui.intake.party_dialog import PartyDialog

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

    def request_transition(self, target: CaseStatus) -> ReasonDialog | QMessageBox | None:
        if target in (CaseStatus.ACCEPTED, CaseStatus.AGREED):
            return self._confirm_transition(target)
        if target in states.NEEDS_REASON:
            dialog = ReasonDialog(target, self)
            dialog.accepted.connect(lambda: self._apply(target, dialog.reason.toPlainText(),
                                                        dialog.routes.isChecked(), dialog,
                                                        dialog.reason_kind.currentData()))
            dialog.open()
            self.reason_dialog = dialog
            return dialog
        self._apply(target, "", None, None)
        return None

    def what_follows(self, target: CaseStatus) -> str:
        """What 受理 or 调解成功 sets going, said before the user confirms it."""
        d = self.detail
        assert d is not None
        if target is CaseStatus.ACCEPTED:
            limit = d.time_limit      # the service's: from the received date, by source and procedure
            assert limit is not None
            return (f"受理后：\n· 开始计算调解期限：应在{limit.text()}前调结（自受理日期"
                    f"{chinese_date(d.received_on)}起算，经双方当事人同意可以延长）；\n"
                    "· 可以安排调查、调解，指定调解员后可以“开始调解”；\n"
                    "· 一方明确拒绝调解的，仍可标记“一方拒绝调解”。\n\n确定受理吗？")
        months = self.services.follow_up_months
        lines = ["标记为“调解成功”后：",
                 "· 协议内容不能再修改（只能更正编号、份数和生效日期）；如需变更，请另行调解并签订补充协议；",
                 f"· 协议生效后已自动安排回访：每位当事人{months}个月内一次满意度回访，每个履行期限一次"
                 "（见“回访与司法确认”）；"]
        if d.agreement_form != AgreementForm.ORAL.value:
            lines.append("· 书面协议生效之日起30日内，双方当事人可以共同向人民法院申请司法确认；")
        lines.append("· 不能再“终止调解”；卷宗材料齐全后可以归档。")
        return "\n".join(lines) + "\n\n确定调解成功吗？"

    def _confirm_transition(self, target: CaseStatus) -> QMessageBox | None:
        """受理 and 调解成功 start deadlines and lock things: say what follows, then apply on
        confirmation (Enter confirms, Esc keeps the case as it is)."""
        if self.detail is None:
            return None
        label = states.ACTION_LABELS[target]
        box = ask_yes_no(self, label, self.what_follows(target), f"{label}(&Y)", "取消(&N)",
                         lambda: self._apply(target, "", None, None), default="yes")
        self.transition_box = box
        return box

    def _apply(self, target: CaseStatus, reason: str, routes: bool | None, dialog: ReasonDialog | None,
               reason_kind: str | None = None) -> None:
        assert self.detail is not None
        try:
            self.detail = self.services.cases.transition(self.detail.id, self.detail.version, target.value,
                                                         reason=reason, routes_explained=routes,
                                                         reason_kind=reason_kind)
        except ServiceError as exc:
            if dialog is not None:  # a refusal or a conflict: keep what was typed and say why
                self._ask_again(dialog, exc)
                return
            self._show_error(str(exc))
            return
        self.message.hide()
        self._stale = set(range(1, self.tabs.count()))
        self._render()
        self._refresh_tab(self.tabs.currentIndex())
        self.changed.emit(self.detail.id)

    def _close_after_visit(self, case_id: int) -> None:
        """结案归档 offered after a visit found the agreement performed: archive, or show the
        case-file checklist with what is still missing."""
        if not self._read_again(case_id):
            return
        self.request_transition(CaseStatus.CLOSED)
        if self.detail.status != CaseStatus.CLOSED.value:
            self.tabs.setCurrentWidget(self.checklist_panel)

    def request_extension(self) -> ExtensionDialog | None:
        if self.detail is None or self.detail.time_limit is None:
            return None
        current = self.detail.time_limit
        dialog = ExtensionDialog(current, current.due + timedelta(days=15), self)
        dialog.accepted.connect(lambda: self._extend(dialog))
        dialog.open()
        self.extension_dialog = dialog
        return dialog

    def _extend(self, dialog: ExtensionDialog) -> None:
        assert self.detail is not None
        try:
            self.detail = self.services.cases.extend_time_limit(
                self.detail.id, self.detail.version, dialog.new_due_on(), dialog.consent.text(),
                parties_agreed=dialog.agreed.isChecked())
        except ServiceError as exc:  # keep what was typed and ask again
            self._ask_again(dialog, exc)
            return
        self.message.hide()
        self._render()
        self.changed.emit(self.detail.id)

    def _ask_again(self, dialog: ReasonDialog | ExtensionDialog, exc: ServiceError) -> None:
        """Reopen ``dialog`` with what was typed and the reason it was refused; a conflict (the
        case changed on another PC) reloads the case so the next try can succeed."""
        if isinstance(exc, ValidationError):
            text = "\n".join(p.message for p in exc.problems)
        else:
            text = str(exc)
        if isinstance(exc, ConflictError) and self.detail is not None:
            try:
                self.detail = self.services.cases.get(self.detail.id)
                self._render()
            except ServiceError:
                pass
            text += "\n案件信息已重新载入，请核对后再点“确定”。"
        dialog.error.setText(text)
        dialog.error.show()
        dialog.open()

    def _show_error(self, text: str) -> None:
        self.message.say(text)
